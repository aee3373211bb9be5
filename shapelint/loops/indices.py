"""Index expressions in terms of loop variables: ``i``, ``i:i+1``, ``:``, free, or other.

``X[:, i:i + 1]`` reads column i; ``x[i]`` element i; ``X[i, :]`` row i. An
index that uses the loop variable any other way (``i + 1``, ``idx[i]``,
``2 * i``) may touch another iteration's element or repeat one, so it defeats
the independence proof.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

import libcst as cst

from ..cst_walk import is_new_axis, names_in  # noqa: F401 - the loop modules import names_in from here

VAR = "var"        # exactly ``i``: the axis is dropped
VSLICE = "vslice"  # ``i:i + 1``: the axis is kept, size 1
FULL = "full"      # ``:``
FREE = "free"      # does not mention a loop variable (``0``, ``j``, ``f"W{l}"``, ``:k``)
OTHER = "other"    # mentions a loop variable some other way
NEWAXIS = "newaxis"
ELLIPSIS = "ellipsis"


@dataclass(frozen=True)
class Comp:
    kind: str
    var: Optional[str] = None  # for VAR / VSLICE
    is_slice: bool = False     # a FREE slice keeps its axis; a FREE index drops it


def classify(element: cst.SubscriptElement, loop_vars: Iterable[str], tainted: frozenset = frozenset()) -> Comp:
    """``tainted`` names hold values computed from a loop variable (``k = idx[i]``): an index
    using them is OTHER, since it may repeat or reach another iteration's element."""
    vars_ = set(loop_vars)
    touching = vars_ | tainted
    item = element.slice
    if isinstance(item, cst.Index):
        value = item.value
        if isinstance(value, cst.Name) and value.value in vars_:
            return Comp(VAR, value.value)
        if is_new_axis(value):
            return Comp(NEWAXIS)
        if isinstance(value, cst.Ellipsis):
            return Comp(ELLIPSIS)
        return Comp(OTHER) if names_in(value) & touching else Comp(FREE)
    if isinstance(item, cst.Slice):
        if item.lower is None and item.upper is None and item.step is None:
            return Comp(FULL, is_slice=True)
        var = _unit_slice_var(item)
        if var is not None and var in vars_:
            return Comp(VSLICE, var, is_slice=True)
        return Comp(OTHER, is_slice=True) if names_in(item) & touching else Comp(FREE, is_slice=True)
    return Comp(OTHER)


def _unit_slice_var(item: cst.Slice) -> Optional[str]:
    """``i:i + 1`` (or ``i:1 + i``) -> ``i``."""
    if item.step is not None or not isinstance(item.lower, cst.Name):
        return None
    upper = item.upper
    if not (isinstance(upper, cst.BinaryOperation) and isinstance(upper.operator, cst.Add)):
        return None
    name = item.lower.value
    for a, b in ((upper.left, upper.right), (upper.right, upper.left)):
        if isinstance(a, cst.Name) and a.value == name and isinstance(b, cst.Integer) and b.value == "1":
            return name
    return None


def classify_level(level: tuple, loop_vars: Iterable[str], tainted: frozenset = frozenset()) -> tuple[Comp, ...]:
    vars_ = tuple(loop_vars)
    return tuple(classify(element, vars_, tainted) for element in level)


def var_positions(comps: tuple[Comp, ...], var: str) -> Optional[list[int]]:
    """Axis positions (in the indexed array) that ``var`` indexes exactly; None if positions are ambiguous."""
    positions = []
    axis = 0
    for comp in comps:
        if comp.kind == ELLIPSIS:
            return None
        if comp.kind == NEWAXIS:
            continue
        if comp.kind in (VAR, VSLICE) and comp.var == var:
            positions.append(axis)
        axis += 1
    return positions


def mentions(comps: tuple[Comp, ...], var: str) -> bool:
    return any((c.kind in (VAR, VSLICE) and c.var == var) or c.kind == OTHER for c in comps)
