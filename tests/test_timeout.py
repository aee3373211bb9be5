"""The time budget stops a file's analysis only where an exception can land safely.

``BudgetExceeded`` is raised asynchronously in the analysis thread (``budget``). Two places
must not receive it; each test puts the thread in one when the budget runs out, in a process of
its own (what goes wrong there is a panic on stderr, or a process that hangs): libcst's native
parser and the import system.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from samples import MISSING_KEEPDIMS

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's shapelint
BUGGY = MISSING_KEEPDIMS


def python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``code`` run by a fresh interpreter with this checkout's shapelint."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=timeout, env=ENV)


def test_a_budget_that_runs_out_in_the_parser_is_raised_when_the_parse_returns(tmp_path):
    """libcst calls ``ParserSyntaxError`` from Rust; this one waits there until the budget has run
    out and the waiting thread has acted. An exception raised in that call made the Rust code panic
    ("failed to instantiate"), a backtrace on stderr. The file still gets its one SL000 and the run
    goes on to the next file."""
    (tmp_path / "a_bad.py").write_text("import numpy as np\nx = (1,\n")
    (tmp_path / "b_buggy.py").write_text(BUGGY)
    done = python("""
        import sys, threading
        import libcst
        from shapelint import budget
        from shapelint.cli import main

        acted = threading.Event()
        interrupt = budget.interrupt

        def interrupt_then_say_so(worker):
            try:
                return interrupt(worker)
            finally:
                acted.set()

        budget.interrupt = interrupt_then_say_so
        build = libcst.ParserSyntaxError.__init__

        def build_once_the_budget_is_out(self, *args, **kwargs):
            acted.wait(10)
            build(self, *args, **kwargs)

        libcst.ParserSyntaxError.__init__ = build_once_the_budget_is_out
        main(sys.argv[1:])
        """, "check", "--no-cache", "--timeout", "0.3", "--jobs", "1", "--output-format", "concise", str(tmp_path))
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path}/a_bad.py:1:1: SL000 analysis took too long (more than 0.3 s")
    assert lines[1].startswith(f"{tmp_path}/b_buggy.py:7:10: SL002")
    assert done.returncode == 1 and lines[2] == "Found 2 findings in 2 files."


def test_a_budget_that_runs_out_while_the_thread_imports_leaves_the_import_lock_free():
    """Another thread holds the import lock while the analysis thread starts an import; the budget
    runs out while it waits for the lock. Raised as it got the lock, the exception left the lock
    held by a thread that was gone, and the next import in the process waited forever."""
    done = python("""
        import _imp, ctypes, threading, time
        from shapelint.budget import BudgetExceeded, time_budget
        from shapelint.engine import on_large_stack

        held = threading.Event()

        def hold_the_import_lock():
            _imp.acquire_lock()
            held.set()
            time.sleep(0.5)
            _imp.release_lock()

        def analysis():
            import colorsys  # not imported yet: it waits for the lock
            time.sleep(5)

        holder = threading.Thread(target=hold_the_import_lock)
        holder.start()
        held.wait()
        try:
            with time_budget(0.1):
                on_large_stack(analysis)
        except BudgetExceeded:
            print("stopped")
        holder.join()
        import wave  # another module not imported yet
        print("imported")
        """, timeout=20)
    assert (done.returncode, done.stdout, done.stderr) == (0, "stopped\nimported\n", "")

