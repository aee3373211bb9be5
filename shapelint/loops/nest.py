"""The ``for`` loops around a loop, from a walk over statements only (cheap, cached per module).

A nest is reported once, at its outermost vectorizable loop: the rule asks
for the loops around the one it judges and stays silent if one of them is
reported itself.
"""
from __future__ import annotations

import libcst as cst


_LOOPS: dict = {}


def enclosing_loops(module: cst.Module, node: cst.For) -> tuple:
    """The ``for`` loops around ``node`` in its function, innermost first (statement walk, cached per module)."""
    cached = _LOOPS.get("module")
    if cached is not module:
        _LOOPS.clear()
        _LOOPS["module"] = module
        _LOOPS["map"] = _loop_parents(module)
    return _LOOPS["map"].get(node, ())


def _loop_parents(module: cst.Module) -> dict:
    found: dict = {}
    stack: list = [(statement, ()) for statement in module.body]
    while stack:
        statement, around = stack.pop()
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            around = ()
        if isinstance(statement, cst.For):
            found[statement] = around
            inner = (statement,) + around
        else:
            inner = around
        for suite in _suites(statement):
            if isinstance(suite, cst.IndentedBlock):
                stack.extend((child, inner) for child in suite.body)
    return found


def _suites(statement) -> list:
    suites = []
    body = getattr(statement, "body", None)
    if isinstance(body, cst.BaseSuite):
        suites.append(body)
    orelse = getattr(statement, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            suites.append(orelse.body)
            orelse = orelse.orelse
        else:
            suites.append(orelse.body)
            orelse = None
    for handler in getattr(statement, "handlers", ()) or ():
        suites.append(handler.body)
    final = getattr(statement, "finalbody", None)
    if final is not None:
        suites.append(final.body)
    return suites
