"""``libcst.parse_module`` without two costs that a parse for analysis does not need (a fifth of it).

- Node validation: every node libcst builds checks its own fields (``CSTNode.__post_init__``
  calls ``_validate``), so that a tree built by hand cannot be printed as broken code. The parser
  builds its nodes from code it has just parsed; libcst's own comment on ``__post_init__`` says the
  check could be skipped there. It is, for the parse only: nodes built afterwards (fixes, rewrites)
  are checked as ever.
- The cycle collector: a parse allocates a node per token or so, and each few hundred allocations
  start a collection that walks the young objects, and each few of those the older ones (the
  analysis of the files linted before). A syntax tree holds no reference cycles, so none of that
  frees anything; the collector is paused for the parse and then resumed.

Both are process-wide switches, so a lock keeps two threads from parsing at once (libcst's parser
holds the GIL: they never did run together).

Code nested too deeply for libcst to parse in bounded time is refused first (``complexity``).
"""
from __future__ import annotations

import gc
import threading

import libcst as cst
from libcst._nodes.base import CSTNode

from .complexity import too_complex

_LOCK = threading.Lock()
_VALIDATING = CSTNode.__post_init__


def _unvalidated(self) -> None:
    pass


def parse_module(source: bytes | str) -> cst.Module:
    """What ``libcst.parse_module(source)`` returns (or raises), for a fifth less time;
    ``TooComplex`` for code it could not parse in bounded time."""
    problem = too_complex(source)
    if problem is not None:
        raise problem
    with _LOCK:
        collecting = gc.isenabled()
        gc.disable()
        CSTNode.__post_init__ = _unvalidated
        try:
            return cst.parse_module(source)
        finally:
            CSTNode.__post_init__ = _VALIDATING
            if collecting:
                gc.enable()


__all__ = ["parse_module"]
