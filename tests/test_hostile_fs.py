"""Hostile files and odd file systems: nothing hangs, nothing is lost, ``--fix`` never damages a tree.

Tests about permissions need a user that file modes apply to: root reads and writes anything,
so under root they are skipped, with that reason. Run this file as another user to exercise
them, e.g. ``setpriv --reuid=nobody --regid=nogroup --clear-groups python -m pytest -p
no:cacheprovider tests/test_hostile_fs.py`` (that user must be able to reach the interpreter).
"""
from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from summary import findings_only  # the summary lines; these tests look at the findings
from shapelint.cli import main
from shapelint.fix import STALE_AFTER, remove_stale_temporaries
from shapelint.suppress import skips_file
from test_cli import BUGGY, CLEAN

FIXED = CLEAN  # BUGGY with keepdims=True: the unsafe fix of its one finding
FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github")
ROOT_IGNORES_MODES = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="root ignores file modes: run the tests as a non-root user to check permissions",
)
POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and file modes are POSIX")


def run(*args: str, input: str | bytes | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, findings_only(result.stdout_bytes), result.stderr


# --- reading -------------------------------------------------------------------------


def test_skip_file_is_honoured_in_a_file_that_is_not_valid_utf8():
    assert skips_file(b"# Auteur: Ren\xe9\n# shapelint: skip-file\nx = 1\n")
    assert skips_file(b"# shapelint: skip-file\n# caf\xe9\n")
    assert not skips_file(b"# Auteur: Ren\xe9\nx = 1\n# shapelint: skip-file\n")  # after code: not a file directive


@POSIX
@pytest.mark.parametrize("output_format", FORMATS)
def test_a_file_name_that_is_not_utf8_prints_in_every_format(tmp_path, output_format):
    name = os.fsdecode(b"caf\xe9.py")
    (tmp_path / name).write_text(BUGGY)
    code, out, err = run(str(tmp_path), "--output-format", output_format)
    assert code == 1, err
    text = out.decode("utf-8")  # strict: the output is valid UTF-8
    if output_format == "sarif":
        uri = json.loads(text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith("caf%E9.py")  # the name's bytes, percent-encoded
    else:
        assert "caf\\xe9.py" in text.replace("\\\\", "\\")
    if output_format in ("json", "json-lines"):
        for line in (text.splitlines() if output_format == "json-lines" else [text]):
            json.loads(line)


@POSIX
def test_a_fifo_a_socket_and_a_device_named_py_are_one_sl000_each_and_never_opened(tmp_path):
    import socket

    (tmp_path / "a.py").write_text(BUGGY)
    os.mkfifo(tmp_path / "fifo.py")  # opening it for reading would block: the run would hang
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock.py"))
        code, out, err = run(str(tmp_path), "/dev/null", "--output-format", "concise")
    finally:
        server.close()
    lines = out.decode().splitlines()
    assert code == 1, err
    assert lines[0].startswith(f"{tmp_path}/a.py:7:10: SL002")
    assert lines[1:] == [
        f"{tmp_path}/fifo.py:1:1: SL000 {tmp_path}/fifo.py is a FIFO (named pipe), not a regular file; not read",
        f"{tmp_path}/sock.py:1:1: SL000 {tmp_path}/sock.py is a socket, not a regular file; not read",
        "/dev/null:1:1: SL000 /dev/null is a character device, not a regular file; not read",
    ]


@POSIX
def test_a_fifo_is_never_opened_by_fix_or_the_full_format(tmp_path):
    os.mkfifo(tmp_path / "fifo.py")
    code, out, _ = run(str(tmp_path), "--output-format", "full")
    assert code == 1 and b"is a FIFO" in out
    code, out, err = run(str(tmp_path), "--fix")
    assert code == 1 and b"is a FIFO" in out and "Fixed 0 findings in 0 files; 1 remaining." in err


@ROOT_IGNORES_MODES
def test_an_unreadable_directory_in_a_tree_is_one_diagnostic_and_the_rest_is_linted(tmp_path):
    (tmp_path / "a.py").write_text(BUGGY)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.py").write_text(BUGGY)
    (tmp_path / "z.py").write_text(BUGGY)
    locked.chmod(0)
    try:
        code, out, err = run(str(tmp_path), "--output-format", "concise")
    finally:
        locked.chmod(0o755)
    assert code == 1 and "Traceback" not in err
    assert [line.split(": ")[0:2] for line in out.decode().splitlines()] == [
        [f"{tmp_path}/a.py:7:10", "SL002 `np.sum(dZ, axis=1)` is (n_h,) but"],
        [f"{locked}:1:1", f"SL000 cannot read directory {locked}"],
        [f"{tmp_path}/z.py:7:10", "SL002 `np.sum(dZ, axis=1)` is (n_h,) but"],
    ] or out


@ROOT_IGNORES_MODES
def test_an_unreadable_file_named_on_the_command_line_is_one_diagnostic(tmp_path):
    secret, other = tmp_path / "secret.py", tmp_path / "other.py"
    secret.write_text(BUGGY)
    other.write_text(BUGGY)
    secret.chmod(0)
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "inner.py").write_text(BUGGY)
    hidden.chmod(0)
    try:
        code, out, err = run(str(secret), str(other), str(hidden / "inner.py"), "--output-format", "concise")
    finally:
        hidden.chmod(0o755)
    assert code == 1 and "Traceback" not in err
    lines = out.decode().splitlines()
    assert lines[0] == f"{secret}:1:1: SL000 cannot read {secret}: Permission denied"
    assert lines[1].startswith(f"{other}:7:10: SL002")
    assert lines[2] == f"{hidden / 'inner.py'}:1:1: SL000 cannot read {hidden / 'inner.py'}: Permission denied"


@pytest.mark.parametrize("output_format", ["concise", "full", "json-lines", "github"])
def test_results_stream_file_by_file(tmp_path, monkeypatch, output_format):
    """Each file's findings are printed before the next file is linted (json and sarif wait: one document)."""
    import sys

    import shapelint.cli as cli

    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(BUGGY)
    seen = []
    real = cli.iter_lint

    def watching(paths, jobs=None, options=None):
        for found in real(paths, jobs, options):
            sys.stdout.flush()
            seen.append(sys.stdout.buffer.getvalue())
            yield found

    monkeypatch.setattr(cli, "iter_lint", watching)
    code, out, _ = run(str(tmp_path), "--output-format", output_format)
    assert code == 1
    assert b"a.py" not in seen[0]  # nothing is printed before the first file is done...
    assert b"a.py" in seen[1] and b"b.py" not in seen[1]  # ...and it is printed before the second is linted
    assert b"b.py" in out


def test_latin1_stdin_buffer_round_trips_under_fix():
    source = ("# -*- coding: latin-1 -*-\n" + BUGGY.replace("    dZ =", '    """caf\u00e9"""\n    dZ =')).encode("latin-1")
    code, out, err = run("-", "--fix", "--unsafe-fixes", "--stdin-filename", "m.py", input=source)
    assert code == 0, err
    assert out == source.replace(b"axis=1)", b"axis=1, keepdims=True)")
    assert b'"""caf\xe9"""' in out


@pytest.mark.parametrize("source", [
    b"x = 1\n# caf\xe9 \xff not UTF-8, no coding cookie\n",  # undecodable: comes back as it was
    b"\xef\xbb\xbfx = 1\r\n",  # BOM and CRLF, nothing to fix
    "# -*- coding: latin-1 -*-\nx = 'caf\u00e9'\n".encode("latin-1"),
])
def test_stdin_bytes_come_back_unchanged_when_no_fix_applies(source):
    code, out, _ = run("-", "--fix", "--stdin-filename", "m.py", input=source)
    assert out == source


# --- --fix ---------------------------------------------------------------------------


def fix(*paths: Path):
    return run(*map(str, paths), "--fix", "--unsafe-fixes")


@POSIX
def test_fix_writes_through_a_symlink_to_its_target(tmp_path):
    target = tmp_path / "real" / "m.py"
    target.parent.mkdir()
    target.write_text(BUGGY)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    code, _, err = fix(link)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real"]  # no temporary left
    assert [p.name for p in target.parent.iterdir()] == ["m.py"]


@POSIX
def test_fix_keeps_hard_links(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    other = tmp_path / "same.txt"
    os.link(path, other)
    inode = path.stat().st_ino
    code, _, err = fix(path)
    assert code == 0, err
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert other.read_text() == FIXED


@POSIX
def test_fix_refuses_a_read_only_file_and_goes_on(tmp_path):
    locked, free = tmp_path / "a_locked.py", tmp_path / "b_free.py"
    locked.write_text(BUGGY)
    free.write_text(BUGGY)
    locked.chmod(0o444)
    code, out, err = fix(locked, free)
    assert locked.read_text() == BUGGY and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert free.read_text() == FIXED
    assert code == 1
    text = out.decode()
    assert f"{locked}:1:1: SL000 {locked} is read-only; fixes not applied" in text
    assert f"{locked}:7:10: SL002" in text  # what is left on the file that was not fixed
    assert "Fixed 1 finding in 1 file; 2 remaining." in err


@ROOT_IGNORES_MODES
def test_fix_in_a_read_only_directory_is_a_diagnostic_and_the_run_goes_on(tmp_path):
    locked_dir = tmp_path / "a"
    locked_dir.mkdir()
    locked, free = locked_dir / "m.py", tmp_path / "b.py"
    locked.write_text(BUGGY)
    free.write_text(BUGGY)
    locked_dir.chmod(0o555)
    try:
        code, out, err = fix(locked, free)
    finally:
        locked_dir.chmod(0o755)
    assert code == 1 and "Traceback" not in err
    assert locked.read_text() == BUGGY and free.read_text() == FIXED
    assert f"{locked}:1:1: SL000 cannot write {locked}: Permission denied; fixes not applied" in out.decode()
    assert "Fixed 1 finding in 1 file" in err


@POSIX
def test_stale_temporary_files_are_removed_by_a_later_fix(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    stale = tmp_path / ".m.py.abcd1234.shapelint-tmp"
    fresh = tmp_path / ".m.py.zyxw9876.shapelint-tmp"  # another run may be writing it now
    foreign = tmp_path / ".notes.txt.abcd1234.shapelint-tmp"  # not a name shapelint makes
    for temp in (stale, fresh, foreign):
        temp.write_text("half a file")
    old = time.time() - STALE_AFTER - 60
    for temp in (stale, foreign):
        os.utime(temp, (old, old))
    code, _, err = fix(path)
    assert code == 0, err
    assert not stale.exists() and fresh.exists() and foreign.exists()
    assert path.read_text() == FIXED
    assert f"removed {stale}" in err


@POSIX
def test_stale_temporary_cleanup_leaves_symlinks_alone(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / ".m.py.abcd1234.shapelint-tmp"
    link.symlink_to(victim)
    old = time.time() - STALE_AFTER - 60
    os.utime(link, (old, old), follow_symlinks=False)
    assert remove_stale_temporaries(tmp_path) == []
    assert link.is_symlink() and victim.read_text() == "keep me"


# --- odd source ----------------------------------------------------------------------


def test_a_nul_byte_in_a_string_literal_is_a_syntax_error_where_cpython_puts_it():
    from shapelint.engine import lint_source

    findings = lint_source(b'import numpy as np\nx = "a\x00b"\n', "nul.py").findings
    assert [(f.line, f.column, f.code, f.name) for f in findings] == [(2, 7, "SL000", "syntax-error")]
    assert "source code cannot contain null bytes" in findings[0].message


def test_a_form_feed_before_an_indented_line_keeps_columns_and_fixes():
    from shapelint.engine import lint_source
    from shapelint.fix import fix_text

    source = "import numpy as np\n\n\ndef step(n_h, m, lr):\n    dZ = np.random.randn(n_h, m)\n    b = np.zeros((n_h, 1))\n\f    db = np.sum(dZ, axis=1)\n    return b - lr * db\n"
    [finding] = lint_source(source, "ff.py").findings
    line = source.split("\n")[finding.line - 1]  # not splitlines(): a form feed does not end a line
    assert line[finding.column - 1:finding.end_column - 1] == "np.sum(dZ, axis=1)"
    fixed = fix_text(source, "ff.py", unsafe=True).fixed
    assert "\f    db = np.sum(dZ, axis=1, keepdims=True)\n" in fixed


# --- the time budget -----------------------------------------------------------------

LARGE = "import numpy as np\n" + "a = np.zeros((3, 4))\nb = a.sum(axis=0)\n" * 600  # about 0.5 s to lint, 50 ms to parse


def test_a_thread_past_its_budget_is_stopped():
    import threading

    from shapelint.budget import BudgetExceeded, time_budget
    from shapelint.engine import on_large_stack

    def spin():
        while True:
            pass

    before = threading.active_count()
    with time_budget(0.05), pytest.raises(BudgetExceeded):
        on_large_stack(spin)
    assert threading.active_count() == before  # stopped, not left running


def test_a_file_past_the_time_budget_is_one_sl000_and_the_run_goes_on(tmp_path):
    (tmp_path / "a_large.py").write_text(LARGE)
    (tmp_path / "b_buggy.py").write_text(BUGGY)
    code, out, err = run(str(tmp_path), "--timeout", "0.05", "--jobs", "1", "--output-format", "concise")
    lines = out.decode().splitlines()
    assert code == 1, err
    assert lines[0].startswith(f"{tmp_path}/a_large.py:1:1: SL000 analysis took too long (more than 0.05 s")
    assert lines[1].startswith(f"{tmp_path}/b_buggy.py:7:10: SL002")


def test_the_time_budget_comes_from_the_configuration(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\ntimeout = 0.05\n")
    (tmp_path / "large.py").write_text(LARGE)
    code, out, _ = run(str(tmp_path / "large.py"), "--output-format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert (finding["code"], finding["name"]) == ("SL000", "timeout")
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\ntimeout = 0\n")  # 0: no limit, not no time
    (tmp_path / "buggy.py").write_text(BUGGY)
    code, out, _ = run(str(tmp_path / "buggy.py"), "--output-format", "json")
    assert code == 1 and [f["code"] for f in json.loads(out)] == ["SL002"]


@pytest.mark.slow
def test_the_time_budget_holds_in_worker_processes(tmp_path):
    import subprocess
    import sys

    from shapelint.runner import PARALLEL_THRESHOLD

    (tmp_path / "a_large.py").write_text(LARGE)
    for index in range(PARALLEL_THRESHOLD + 8):
        (tmp_path / f"m{index:02}.py").write_text(BUGGY)
    done = subprocess.run([sys.executable, "-m", "shapelint", str(tmp_path), "--jobs", "2", "--timeout", "0.05"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    lines = findings_only(done.stdout).splitlines()
    assert done.returncode == 1, done.stderr
    assert lines[0].startswith(f"{tmp_path}/a_large.py:1:1: SL000 analysis took too long (more than 0.05 s")
    assert len(lines) == 1 + PARALLEL_THRESHOLD + 8 and all(": SL002 " in line for line in lines[1:])


# --- more of the same ----------------------------------------------------------------


def test_fix_leaves_a_file_that_changed_since_it_was_read(tmp_path):
    from shapelint.fix import NotWritten, write_fixed

    path = tmp_path / "m.py"
    path.write_text("x = 2\n")  # an editor saved it after shapelint read "x = 1\n"
    with pytest.raises(NotWritten, match="changed while it was being fixed"):
        write_fixed(path, b"x = 3\n", b"x = 1\n")
    assert path.read_text() == "x = 2\n" and [p.name for p in tmp_path.iterdir()] == ["m.py"]


@POSIX
def test_shapes_of_a_fifo_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "fifo.py")
    code, _, err = run("shapes", str(tmp_path / "fifo.py"))
    assert code == 2 and "is a FIFO" in err


@ROOT_IGNORES_MODES
def test_an_unreadable_configuration_file_is_a_configuration_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\n")
    (tmp_path / "m.py").write_text(BUGGY)
    (tmp_path / "pyproject.toml").chmod(0)
    code, out, err = run(str(tmp_path))
    assert code == 2 and f"cannot read {tmp_path / 'pyproject.toml'}: Permission denied" in err
    assert "Traceback" not in err


def test_shapes_columns_count_a_leading_form_feed(tmp_path):
    path = tmp_path / "ff.py"
    path.write_bytes(b"import numpy as np\n\n\ndef f():\n    y = np.zeros(3)\n\x0c    z = y.T\n")
    code, out, _ = run("shapes", str(path))
    assert code == 0 and out.decode().splitlines() == ["5:5 y (3,)", "6:6 z (3,)"]
