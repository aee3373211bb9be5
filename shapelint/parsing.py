"""``libcst.parse_module`` without three costs that a parse for analysis does not need (a quarter of it).

- Node validation: every node libcst builds checks its own fields (``CSTNode.__post_init__``
  calls ``_validate``), so that a tree built by hand cannot be printed as broken code. The parser
  builds its nodes from code it has just parsed; libcst's own comment on ``__post_init__`` says the
  check could be skipped there. It is, for the parse only: nodes built afterwards (fixes, rewrites)
  are checked as ever.
- The dataclass constructors: each field set through ``object.__setattr__`` by name; during the
  parse the node classes take constructors that store straight into their slots
  (``parse_inits``), and get libcst's back after it. Making those costs about 20 ms, which a
  parse wins back only past some thousands of lines: a process takes them once it has parsed
  ``FAST_CONSTRUCTORS_AFTER`` bytes, or when told that much is coming (``prepare``, before the
  worker processes fork).
- The cycle collector: a parse allocates a node per token or so, and each few hundred allocations
  start a collection that walks the young objects, and each few of those the older ones (the
  analysis of the files linted before). A syntax tree holds no reference cycles, so none of that
  frees anything; the collector is paused for the parse and then resumed.

Both are process-wide switches, so a lock keeps two threads from parsing at once (libcst's parser
holds the GIL: they never did run together).

Code nested too deeply for libcst to parse in bounded time is refused first (``complexity``).
The time budget's exception waits for the parse to return (``budget.uninterrupted``): raised in
one of the parser's calls back into Python, it makes libcst's Rust code panic.
"""
from __future__ import annotations

import gc
import threading
from typing import Callable, Optional

import libcst as cst
from libcst._nodes.base import CSTNode

from .budget import uninterrupted
from .complexity import too_complex

_LOCK = threading.Lock()
_VALIDATING = CSTNode.__post_init__
_CONSTRUCTORS: Optional[list[tuple[type, Callable, Callable]]] = None  # (class, parse's, libcst's)
FAST_CONSTRUCTORS_AFTER = 400_000  # bytes of source (about 10,000 lines)
_parsed_bytes = 0


def _unvalidated(self) -> None:
    pass


def parse_module(source: bytes | str) -> cst.Module:
    """What ``libcst.parse_module(source)`` returns (or raises), for a fifth less time;
    ``TooComplex`` for code it could not parse in bounded time."""
    problem = too_complex(source)
    if problem is not None:
        raise problem
    global _parsed_bytes
    with uninterrupted(), _LOCK:  # (the switches below are put back before the budget may stop it)
        _parsed_bytes += len(source)
        constructors = _constructors() if _CONSTRUCTORS is not None or _parsed_bytes > FAST_CONSTRUCTORS_AFTER else ()
        collecting = gc.isenabled()
        gc.disable()
        CSTNode.__post_init__ = _unvalidated
        try:
            for cls, fast, _ in constructors:
                type.__setattr__(cls, "__init__", fast)
            return cst.parse_module(source)
        finally:
            for cls, _, own in constructors:
                type.__setattr__(cls, "__init__", own)
            CSTNode.__post_init__ = _VALIDATING
            if collecting:
                gc.enable()


def prepare(expected_bytes: int) -> None:
    """Make the parse's constructors now if ``expected_bytes`` of source will be parsed."""
    if expected_bytes > FAST_CONSTRUCTORS_AFTER:
        with _LOCK:
            _constructors()


def _constructors() -> list[tuple[type, Callable, Callable]]:
    global _CONSTRUCTORS
    if _CONSTRUCTORS is None:
        from .parse_inits import parse_constructors

        _CONSTRUCTORS = [(cls, fast, cls.__dict__["__init__"]) for cls, fast in parse_constructors().items()]
    return _CONSTRUCTORS


__all__ = ["parse_module"]
