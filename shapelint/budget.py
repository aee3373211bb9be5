"""A time budget per file: a file whose analysis runs past it is reported, and the run goes on.

The analysis of one file already runs on a thread of its own (``engine.on_large_stack``), so
the budget needs no signals and works the same in the main process (``--jobs 1``) and in
worker processes: the caller waits for the thread at most the budget, then raises
``BudgetExceeded`` inside it (``PyThreadState_SetAsyncExc``), which stops it at its next
Python instruction. ``BudgetExceeded`` derives from ``BaseException``, so the analysis's own
``except Exception`` guards (a rule failing must not lose the file) cannot swallow it.

Where the exception must not land, it waits:

- libcst's native parser, which calls back into Python (to build nodes, and the
  ``ParserSyntaxError`` of a file that does not parse): raised in such a call, the exception
  makes its Rust code panic ("failed to instantiate"), a backtrace on stderr. A file's parse
  runs ``uninterrupted()`` (``parsing.parse_module``): a budget that runs out in it stops the
  thread as the parse returns, whose time ``complexity``'s screening bounds.
- the import system: raised just after it took the import lock (``_imp.acquire_lock()``, before
  the ``try`` that releases it), the exception leaves the lock held by a thread that is gone, and
  every later import in the process waits forever (``--timeout 0.001`` hung on 8 of 35 files of
  over 20 kB: a first file's analysis imports the modules it needs).

For these, and libcst's other parses (a fix's expression), the waiting thread looks at the
analysis thread's stack (``must_wait``) and, while it is in one, looks again every ``POLL``
seconds. The exception lands where the analysis thread stood when looked at (it is not running:
the waiting thread holds the GIL), at the latest as it enters its next Python function. The look
and the raise take microseconds, and a thread asks for the GIL back only after a switch interval
(5 ms): only a waiting thread descheduled that long between the two could let the other move.

An interrupted thread is a daemon, so it never keeps the process alive.

The budget is set around a file's lint with ``time_budget(seconds)`` (``None`` or ``0``: no
limit); it is ambient (a context variable) so it reaches every linter of the file, notebooks
and ``--fix`` rounds included, without being threaded through each signature.
"""
from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
import time
from typing import Iterator, Optional

DEFAULT_TIMEOUT = 60.0  # seconds per file: generous (a 40,000-line generated file takes about 30 s)
TIMEOUT_NAME = "timeout"  # the SL000 finding's name
STOP_GRACE = 1.0  # seconds to let an interrupted thread unwind before moving on
POLL = 0.001  # seconds between looks at a thread the exception must wait for
WAIT_IN = frozenset({"importlib._bootstrap", "importlib._bootstrap_external", "libcst._parser.entrypoints"})  # modules' __name__
RUNNING, SHIELDED, DEFERRED, STOPPED = "running", "shielded", "deferred", "stopped"  # a Worker's stop states

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


class Worker(threading.Thread):
    """A thread that analyses one file within the budget (``engine.on_large_stack``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stop_state = RUNNING  # SHIELDED: in uninterrupted code; DEFERRED: and to stop after it; STOPPED: stopped


_GUARD = threading.Lock()  # orders a worker's entering and leaving uninterrupted code against its interruption


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A block ``BudgetExceeded`` must not land in: a budget that runs out in it is raised as it
    ends. Not nested."""
    worker = threading.current_thread()
    if not isinstance(worker, Worker):  # no budget stops this thread
        yield
        return
    with _GUARD:
        stopped = worker.stop_state == STOPPED
        if stopped:  # sent as it came here, not raised yet: withdrawn, raised now rather than in the block
            _set_async_exc(worker, None)
        else:
            worker.stop_state = SHIELDED
    if stopped:
        raise BudgetExceeded()
    try:
        yield
    finally:
        with _GUARD:
            deferred = worker.stop_state == DEFERRED
            worker.stop_state = STOPPED if deferred else RUNNING
        if deferred:
            raise BudgetExceeded()


def wait_within_budget(worker: Worker) -> None:
    """Wait for ``worker``; past the current budget, stop it and raise ``BudgetExceeded`` (one
    that must still wait after ``STOP_GRACE`` is left to finish, a daemon)."""
    seconds = current_budget()
    worker.join(seconds)
    if not worker.is_alive():
        return
    give_up = time.monotonic() + STOP_GRACE
    while not interrupt(worker) and worker.is_alive() and time.monotonic() < give_up:
        worker.join(POLL)
    worker.join(max(0.0, give_up - time.monotonic()))
    raise BudgetExceeded(seconds or 0.0)


def interrupt(worker: Worker) -> bool:
    """Raise ``BudgetExceeded`` in ``worker`` at its next Python instruction (CPython only), or as
    its uninterrupted block ends; False while it ``must_wait`` (ask again)."""
    with _GUARD:
        if worker.stop_state == SHIELDED:
            worker.stop_state = DEFERRED
        elif worker.stop_state == RUNNING:
            if must_wait(worker):
                return False
            worker.stop_state = STOPPED
            _set_async_exc(worker, BudgetExceeded)
        return True


def must_wait(thread: threading.Thread) -> bool:
    """Whether ``thread`` (not running: the caller holds the GIL) is in code of ``WAIT_IN``:
    importing, or in libcst's parser."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_globals.get("__name__") in WAIT_IN:
            return True
        frame = frame.f_back
    return False


def _set_async_exc(thread: threading.Thread, exception) -> None:
    """``PyThreadState_SetAsyncExc``: ``exception`` is raised in ``thread`` at its next Python
    instruction (None: the one pending is withdrawn). Another interpreter: the thread is left to finish."""
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):
        return
    if thread.ident is not None:
        set_async_exc(ctypes.c_ulong(thread.ident), None if exception is None else ctypes.py_object(exception))


def message(seconds: float) -> str:
    return (f"analysis took too long (more than {seconds:g} s, the per-file budget); skipped. "
            "Raise it with --timeout or `timeout` in [tool.shapelint]")
