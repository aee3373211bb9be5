"""The console script ends the process with ``os._exit`` after flushing, with the CLI's exit code."""
from __future__ import annotations

import subprocess
import sys

import pytest

import shapelint.console as console
import shapelint.runner as runner

BUGGY = "import numpy as np\n\nx = np.zeros((3, 4)) @ np.zeros((5, 6))\n"


class Exited(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@pytest.fixture
def fast_exit(monkeypatch):
    def record(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(console.os, "_exit", record)
    monkeypatch.setattr(runner, "FREEZE_ON_ENGINE_IMPORT", False)  # console.run sets it: undone after the test


@pytest.mark.parametrize("source, code", [(BUGGY, 1), ("x = 1\n", 0)])
def test_the_cli_exit_code_leaves_through_os_exit_after_the_output(tmp_path, monkeypatch, capsys, fast_exit, source, code):
    path = tmp_path / "m.py"
    path.write_text(source)
    monkeypatch.delitem(sys.modules, "multiprocessing", raising=False)
    monkeypatch.setattr(sys, "argv", ["shapelint", "check", "--no-cache", "--output-format", "concise", str(path)])
    with pytest.raises(Exited) as exited:
        console.run()
    assert exited.value.code == code
    out = capsys.readouterr().out
    assert ("SL007" in out) == (code == 1)


def test_a_run_with_worker_processes_keeps_the_usual_exit(tmp_path, monkeypatch, fast_exit):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    monkeypatch.setitem(sys.modules, "multiprocessing", sys.modules.get("multiprocessing") or object())
    monkeypatch.setattr(sys, "argv", ["shapelint", "check", "--no-cache", str(path)])
    with pytest.raises(SystemExit) as exited:
        console.run()
    assert exited.value.code == 1


def test_output_piped_or_written_to_a_file_is_whole(tmp_path):
    """Nothing buffered is lost to the fast exit: many findings, to a pipe and to --output-file."""
    path = tmp_path / "many.py"
    path.write_text("import numpy as np\n\n" + "".join(f"x{i} = np.zeros((3, 4)) @ np.zeros((5, 6))\n" for i in range(400)))
    piped = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", "--output-format", "json", str(path)],
                           capture_output=True, text=True)
    assert piped.returncode == 1
    assert piped.stdout.count('"code": "SL007"') == 400
    out = tmp_path / "report.json"
    written = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", "--output-format", "json",
                              "-o", str(out), str(path)], capture_output=True, text=True)
    assert written.returncode == 1
    assert out.read_text() == piped.stdout


@pytest.mark.parametrize("fix", [[], ["--fix"]])
def test_a_closed_standard_input_is_an_error_message_not_a_traceback(fix):
    done = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", *fix, "-"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, preexec_fn=lambda: __import__("os").close(0))
    assert done.returncode == 2
    assert "standard input is closed" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("redirect", ["full", "closed"])
def test_output_that_cannot_be_written_is_an_error_message(tmp_path, redirect):
    import os

    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    if redirect == "full":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full on this system")
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", str(path)],
                                  stdout=full, stderr=subprocess.PIPE, text=True)
    else:
        done = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", str(path)],
                              stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert done.stderr.startswith("shapelint: error: ") and "Traceback" not in done.stderr


FREEZE_COUNT_AT_EXIT = """
import gc, os, sys
from shapelint import console
real_exit = os._exit
def report(code):
    sys.stderr.write(f"frozen={gc.get_freeze_count()}\\n")
    sys.stderr.flush()
    real_exit(code)
console.os._exit = report
sys.argv = ["shapelint", "check", "--no-cache", "--jobs", "1", sys.argv[1]]
console.run()
"""


def test_the_console_run_freezes_what_the_engine_import_loaded(tmp_path):
    """The one-shot process freezes the modules' objects once the engine is imported, so the
    collection after each file does not walk them; a library caller's process is left alone."""
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    done = subprocess.run([sys.executable, "-c", FREEZE_COUNT_AT_EXIT, str(path)], capture_output=True, text=True)
    assert "SL007" in done.stdout
    frozen = int(done.stderr.rsplit("frozen=", 1)[1])
    assert frozen > 20_000  # libcst's classes and functions among them (about 48,000)
    library = subprocess.run([sys.executable, "-c", "import gc, sys\nfrom shapelint.runner import lint_data\n"
                              "lint_data(open(sys.argv[1], 'rb').read(), sys.argv[1])\nprint(gc.get_freeze_count())", str(path)],
                             capture_output=True, text=True)
    assert library.stdout.split() == ["0"]


def test_an_internal_error_exits_2_not_the_1_of_findings(monkeypatch, capsys, fast_exit):
    """A bug (or a worker process killed under a pool) is its traceback and exit 2, in process and
    in the daemon's worker alike (``execute``), never the 1 that means "findings"."""
    import shapelint.cli as cli

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "main", broken)
    with pytest.raises(SystemExit) as exited:
        console.run()
    assert exited.value.code == 2
    assert console.execute() == 2
    err = capsys.readouterr().err
    assert err.count("RuntimeError: a bug") == 2 and err.count("shapelint: error: internal error") == 2
