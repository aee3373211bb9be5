"""A time budget per file: a file whose analysis runs past it is reported, and the run goes on.

The analysis of one file already runs on a thread of its own (``engine.on_large_stack``), so
the budget needs no signals and works the same in the main process (``--jobs 1``) and in
worker processes: the caller waits for the thread at most the budget, then raises
``BudgetExceeded`` inside it (``PyThreadState_SetAsyncExc``), which stops it at its next
Python instruction. ``BudgetExceeded`` derives from ``BaseException``, so the analysis's own
``except Exception`` guards (a rule failing must not lose the file) cannot swallow it.

The limit: native code that holds the GIL (libcst's parser) cannot be interrupted, and the
waiting thread cannot even wake until it returns, so a file is stopped no sooner than its
parse ends (parsing is linear in the file's size; the slow part, the analysis, is Python).
An interrupted thread is a daemon, so it never keeps the process alive.

The budget is set around a file's lint with ``time_budget(seconds)`` (``None`` or ``0``: no
limit); it is ambient (a context variable) so it reaches every linter of the file, notebooks
and ``--fix`` rounds included, without being threaded through each signature.
"""
from __future__ import annotations

import contextlib
import contextvars
import threading
from typing import Iterator, Optional

DEFAULT_TIMEOUT = 60.0  # seconds per file: generous (a 40,000-line generated file takes about 30 s)
TIMEOUT_NAME = "timeout"  # the SL000 finding's name
STOP_GRACE = 1.0  # seconds to let an interrupted thread unwind before moving on

_BUDGET: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar("shapelint_time_budget", default=None)


class BudgetExceeded(BaseException):
    """Raised in a thread whose file ran past its time budget (and then in the waiting caller)."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@contextlib.contextmanager
def time_budget(seconds: Optional[float]) -> Iterator[None]:
    """Within this block, each file's analysis may take at most ``seconds`` (``None``/``0``: no limit)."""
    token = _BUDGET.set(seconds or None)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def current_budget() -> Optional[float]:
    return _BUDGET.get()


def wait_within_budget(worker: threading.Thread) -> None:
    """Wait for ``worker``; past the current budget, stop it and raise ``BudgetExceeded``."""
    seconds = current_budget()
    worker.join(seconds)
    if not worker.is_alive():
        return
    interrupt(worker)
    worker.join(STOP_GRACE)
    raise BudgetExceeded(seconds or 0.0)


def interrupt(worker: threading.Thread) -> bool:
    """Raise ``BudgetExceeded`` in ``worker`` at its next Python instruction (CPython only)."""
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):  # another interpreter: the daemon thread is left to finish
        return False
    if worker.ident is None:
        return False
    return set_async_exc(ctypes.c_ulong(worker.ident), ctypes.py_object(BudgetExceeded)) == 1


def message(seconds: float) -> str:
    return (f"analysis took too long (more than {seconds:g} s, the per-file budget); skipped. "
            "Raise it with --timeout or `timeout` in [tool.shapelint]")
