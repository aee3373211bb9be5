"""The ``shapelint`` console script: the CLI, then out of the process without Python's teardown.

Once the last line is printed there is nothing left to do, but the interpreter would still
free every object of every module (libcst's hundreds of node classes among them) and run a
final collection: a seventh of a one-file lint's CPU (0.95 s -> 0.82 s, median of 15, on a
1,000-line file). So, as mypy does, the process ends with ``os._exit`` once standard output and
error are flushed. The command's files are closed by then (``--output-file`` when its click
context closes; the cache and ``--fix`` write atomically as they go). A run that started
worker processes keeps the usual exit, so that ``multiprocessing`` cleans up after them, and so
does anything that is not a plain exit code (an error Python reports itself). For the same
reason the objects loaded by the first file's imports are frozen out of the collector's sight
(``runner.FREEZE_ON_ENGINE_IMPORT``).

Output that cannot be written (a closed standard output, a full disk, ``/dev/full``) is one
``shapelint: error:`` line and exit code 2, not a traceback; a reader that stops early
(``| head``) is left to Python's own handling, as before. Any other exception (a bug, a worker
process killed) prints its traceback and exits 2 too: Python's own 1 would read as "findings".
"""
from __future__ import annotations

import os
import sys


def run() -> None:
    if sys.stdout is None:  # ``>&-``: Python has no standard output to give the findings to
        _fail("standard output is closed: nowhere to write the findings")
    from .daemon_client import served_by_daemon

    served = served_by_daemon(sys.argv[1:])
    if served is not None:  # a daemon ran it (``shapelint.daemon``): nothing of ours to flush
        os._exit(served)
    try:
        _cli()
    except SystemExit as exc:
        code = exc.code
        if (code is None or type(code) is int) and "multiprocessing" not in sys.modules and _flushed():
            os._exit(code or 0)
        raise
    except BrokenPipeError:  # the reader stopped early (``| head``): Python's own handling, as before
        raise
    except OSError as exc:  # the output could not be written (a full disk, /dev/full): said, not a traceback
        _fail(f"cannot write the output: {exc}")
    except Exception:  # noqa: BLE001 - a bug of ours (or a worker process killed): 2, never 1, which means findings
        _internal_error()
        raise SystemExit(INTERNAL_ERROR)


def execute() -> int:
    """The command line's exit code, run in this process and left running (the daemon's worker
    sends the code to its client): what ``run`` does, but returned."""
    try:
        _cli()
    except SystemExit as exc:
        if exc.code is None or type(exc.code) is int:
            return exc.code or 0
        _say(str(exc.code), prefix="")
        return 1
    except BrokenPipeError:  # as Python reports it when ``run`` lets it through
        import traceback

        traceback.print_exc()
        return 1
    except OSError as exc:
        _say(f"cannot write the output: {exc}")
        return INTERNAL_ERROR
    except Exception:  # noqa: BLE001 - as ``run`` says it
        _internal_error()
        return INTERNAL_ERROR
    return 0


INTERNAL_ERROR = 2  # the exit code of a run that could not finish (1 says it found something)


def _internal_error() -> None:
    import traceback

    traceback.print_exc()
    _say("internal error: the run stopped (the traceback above says where); please report it")


def _cli() -> None:
    """The click command line, in a process that ends with it (see ``runner.FREEZE_ON_ENGINE_IMPORT``)."""
    from . import runner
    from .cli import main

    runner.FREEZE_ON_ENGINE_IMPORT = True
    main()


def _fail(message: str) -> None:
    _say(message)
    os._exit(INTERNAL_ERROR)


def _say(message: str, prefix: str = "shapelint: error: ") -> None:
    if sys.stderr is not None:
        try:
            sys.stderr.write(f"{prefix}{message}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python's own exit says so, as it should
        return False
    return True
