"""The command as users run it: exit codes, formats, paths, bad input."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from shapelint.cli import main

from summary import findings_only  # the summary lines; these tests look at the findings
from samples import MISSING_KEEPDIMS

BUGGY = MISSING_KEEPDIMS
CLEAN = BUGGY.replace("axis=1)", "axis=1, keepdims=True)")


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, findings_only(result.stdout), result.stderr


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_exit_codes(tmp_path):
    assert run(str(write(tmp_path, "clean.py", CLEAN)))[0] == 0
    assert run(str(write(tmp_path, "buggy.py", BUGGY)))[0] == 1
    code, _, err = run(str(tmp_path / "missing.py"))
    assert code == 2 and "missing.py" in err


def test_a_missing_path_is_never_all_checks_passed(tmp_path):
    clean = str(write(tmp_path, "clean.py", CLEAN))
    for args in ([str(tmp_path / "missing.py")], [clean, str(tmp_path / "missing.py")]):
        result = CliRunner().invoke(main, ["check", "--output-format", "concise", *args])
        assert result.exit_code == 2 and "no such file or directory" in result.stderr
        assert "All checks passed!" not in result.stdout
    result = CliRunner().invoke(main, ["check", "--output-format", "concise", str(write(tmp_path, "buggy.py", BUGGY)), str(tmp_path / "missing.py")])
    assert result.exit_code == 2 and "Found 1 finding in 1 file." in result.stdout


def test_concise_line_names_shapes_and_fix(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    code, out, _ = run("check", str(path))
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith(f"{path}:7:10: SL002 ")
    for part in ("np.sum(dZ, axis=1)", "(n_h,)", "(n_h, 1)", "(n_h, n_h)", "keepdims=True"):
        assert part in line


def test_json_is_ruff_shaped(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    code, out, _ = run(str(path), "--output-format", "json")
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "SL002" and item["filename"] == str(path)
    assert item["location"] == {"row": 7, "column": 10}
    assert item["end_location"] == {"row": 7, "column": 28}
    assert item["fix"] == {
        "applicability": "unsafe",
        "message": "Pass `keepdims=True`",
        "edits": [{"content": "np.sum(dZ, axis=1, keepdims=True)", "location": {"row": 7, "column": 10}, "end_location": {"row": 7, "column": 28}}],
    }
    assert "url" in item and "message" in item


def test_json_is_an_empty_list_when_clean(tmp_path):
    code, out, _ = run(str(write(tmp_path, "clean.py", CLEAN)), "--output-format", "json")
    assert code == 0 and json.loads(out) == []


def test_syntax_error_is_one_finding_and_the_run_goes_on(tmp_path):
    write(tmp_path, "a_broken.py", "def f(:\n    pass\n")
    write(tmp_path, "b_buggy.py", BUGGY)
    code, out, _ = run(str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert re.match(r".*a_broken\.py:1:\d+: SL000 .*does not parse", lines[0])
    assert "b_buggy.py:7:10: SL002" in lines[1]


def test_encodings(tmp_path):
    latin = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BUGGY).encode("latin-1")
    code, out, _ = run(str(write(tmp_path, "latin.py", latin)))
    assert code == 1 and "SL002" in out
    code, out, _ = run(str(write(tmp_path, "bad.py", b"x = '\xff\xfe'\n")))
    assert code == 1 and "SL000" in out
    code, out, _ = run(str(write(tmp_path, "bom.py", b"\xef\xbb\xbf" + CLEAN.encode())))
    assert code == 0, out


def test_directories_skip_environments_and_build_output(tmp_path):
    for skipped in (".venv/lib/x.py", "build/x.py", "dist/x.py", "node_modules/x.py", ".git/x.py", "__pycache__/x.py", "env/x.py"):
        write(tmp_path, skipped, BUGGY)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    write(tmp_path, "src/pkg/model.py", BUGGY)
    code, out, _ = run(str(tmp_path))
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == [str(tmp_path / "src/pkg/model.py")]


def test_linting_never_writes(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run(str(path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_shapes_command(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    code, out, _ = run("shapes", str(path))
    assert code == 0
    assert out.splitlines() == ["5:5 dZ (n_h, m)", "6:5 b (n_h, 1)", "7:5 db (n_h,)"]


def test_shapes_of_a_broken_file_is_an_error(tmp_path):
    code, _, err = run("shapes", str(write(tmp_path, "broken.py", "def f(:\n")))
    assert code == 2 and "SL000" in err


def test_parallel_run_matches_serial(tmp_path):
    for i in range(40):
        write(tmp_path, f"m{i:02}.py", BUGGY if i % 3 == 0 else CLEAN)
    serial = run(str(tmp_path), "--jobs", "1")
    parallel = run(str(tmp_path), "--jobs", "2")
    assert serial == parallel and serial[0] == 1
    assert len(serial[1].splitlines()) == 14


def test_module_entry_point(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    done = subprocess.run([sys.executable, "-m", "shapelint", str(path)], capture_output=True, text=True)
    assert done.returncode == 1 and "SL002" in done.stdout
    done = subprocess.run([sys.executable, "-m", "shapelint", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "shapes" in done.stdout and "check" in done.stdout


def test_shapes_as_json(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    code, out, _ = run("shapes", str(path), "--output-format", "json")
    assert code == 0
    assert json.loads(out)[0] == {"name": "dZ", "row": 5, "column": 5, "shape": "(n_h, m)", "dims": ["n_h", "m"]}


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    from shapelint import cli

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True, raising=False)
    assert cli.use_color() and cli.default_format() == "full"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.use_color()
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: False, raising=False)
    monkeypatch.delenv("NO_COLOR")
    assert not cli.use_color() and cli.default_format() == "concise"


def test_full_format_summary_and_quiet(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    out = CliRunner().invoke(main, [str(path), "--output-format", "full"]).stdout
    assert "^^^" in out and out.rstrip().endswith("Found 1 finding in 1 file.\nNo fixes with --fix (1 with --unsafe-fixes).")
    quiet = CliRunner().invoke(main, [str(path), "--output-format", "full", "--quiet"]).stdout
    assert "Found" not in quiet and "^^^" in quiet
    clean = write(tmp_path, "clean.py", CLEAN)
    assert CliRunner().invoke(main, [str(clean), "--output-format", "full"]).stdout.strip() == "All checks passed!"


def test_concise_summary_and_fix_marks_as_ruff(tmp_path):
    path = write(tmp_path, "buggy.py", BUGGY)
    out = CliRunner().invoke(main, [str(path), "--output-format", "concise"]).stdout.splitlines()
    assert out[-2:] == ["Found 1 finding in 1 file.", "No fixes with --fix (1 with --unsafe-fixes)."]
    marked = CliRunner().invoke(main, [str(path), "--output-format", "concise", "--unsafe-fixes"]).stdout.splitlines()
    assert f"{path}:7:10: SL002 [*] " in marked[0] and marked[-1] == "[*] 1 fixable with --fix --unsafe-fixes."
    assert CliRunner().invoke(main, [str(path), "--output-format", "concise", "-q"]).stdout.count("\n") == 1
    clean = write(tmp_path, "clean.py", CLEAN)
    assert CliRunner().invoke(main, [str(clean), "--output-format", "concise"]).stdout == "All checks passed!\n"


def test_show_files_show_settings_and_output_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nignore = ["SL006"]\nextend-exclude = ["gen"]\n')
    path = write(tmp_path, "buggy.py", BUGGY)
    (tmp_path / "gen").mkdir()
    write(tmp_path / "gen", "skipped.py", BUGGY)
    shown = CliRunner().invoke(main, [str(tmp_path), "--show-files"])
    assert shown.exit_code == 0 and shown.stdout.splitlines() == [str(path)]
    settings = CliRunner().invoke(main, [str(path), "--show-settings"])
    assert settings.exit_code == 0 and f"config file:      {tmp_path / 'pyproject.toml'}" in settings.stdout
    assert "SL006" not in settings.stdout.split("enabled rules:")[1].splitlines()[0]
    out = tmp_path / "report.txt"
    result = CliRunner().invoke(main, [str(path), "--output-format", "concise", "--output-file", str(out)])
    assert result.exit_code == 1 and result.stdout == ""
    assert out.read_text().startswith(f"{path}:7:10: SL002 ") and "Found 1 finding in 1 file." in out.read_text()
    again = CliRunner().invoke(main, [str(path), "--output-format", "concise"])
    assert again.stdout.startswith(f"{path}:7:10: SL002 ")  # the next run prints to standard output again


def test_progress_bar_only_after_two_seconds_and_erased():
    import io

    from shapelint.progress import Progress

    now = [0.0]
    stream = io.StringIO()
    bar = Progress(4, True, stream, clock=lambda: now[0])
    bar.advance()
    assert stream.getvalue() == ""  # a short run shows nothing
    now[0] = 2.5
    bar.advance()
    assert stream.getvalue().endswith("] 2/4 files") and "#" * 15 in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    off = io.StringIO()
    Progress(4, False, off, clock=lambda: 10.0).advance()
    assert off.getvalue() == ""
