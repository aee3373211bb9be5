"""Reading the files a run names, safely: only regular files are opened.

A FIFO named ``bad.py`` would block a plain ``read()`` forever, and a device can have side
effects when opened, so the kind of file is checked before it is opened (and again on the
open descriptor, in case it was swapped in between). Errors carry a message fit for a
diagnostic: ``is a FIFO, not a regular file``, ``Permission denied``.
"""
from __future__ import annotations

import os
import stat

from .findings import SYNTAX_CODE, Finding

IO_ERROR = "io-error"

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class NotRegularFile(OSError):
    """The path exists but is not a regular file; ``str()`` says what it is."""


def kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _check(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegularFile(f"is {kind(mode)}, not a regular file; not read")


def read_regular(path: os.PathLike | str) -> bytes:
    """The bytes of a regular file (symlinks followed); ``OSError`` for anything else.

    Opened non-blocking, so a FIFO swapped in after the check cannot block the open either.
    """
    _check(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        _check(os.fstat(fd).st_mode)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def problem(path: os.PathLike | str, what: str, exc: OSError) -> str:
    """``cannot read x.py: Permission denied``, ``bad.py is a FIFO (named pipe), not a regular file; not read``."""
    if isinstance(exc, NotRegularFile):
        return f"{path} {exc}"
    return f"cannot {what} {path}: {exc.strerror or exc}"


def io_finding(path: os.PathLike | str, what: str, exc: OSError) -> Finding:
    """One SL000 for a path that could not be read, listed or written (``what``: ``read``, ``list``...)."""
    return Finding(str(path), 1, 1, SYNTAX_CODE, problem(path, what, exc), IO_ERROR)
