"""Where the loop variables live in a vectorized value, and how to line operands up.

A lifted value (the whole-array form of a per-iteration value) has one
``Slot`` per axis: a per-iteration axis (``Slot()``), an axis that enumerates
a loop variable (``Slot("i")``; ``kept=True`` when the per-iteration value
already had it as a size-1 axis, from ``X[:, i:i + 1]``), or a size-1 axis
left by ``keepdims`` (``one=True``) that fits anywhere. Broadcasting is
right-aligned, so operands whose loop axes sit at different places must get
``None`` axes (``a[:, None]``) or a transpose to line up with the layout of
the result; ``align`` does that or says it cannot.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst


@dataclass(frozen=True)
class Slot:
    var: Optional[str] = None
    kept: bool = False
    one: bool = False

    @property
    def per_iteration(self) -> bool:
        """An axis the per-iteration value has (a kept loop axis is one, of size 1)."""
        return not self.one and (self.var is None or self.kept)

    @property
    def inserted(self) -> bool:
        return self.var is not None and not self.kept


Layout = tuple  # tuple[Slot, ...]


@dataclass
class Lifted:
    node: cst.BaseExpression
    layout: Layout

    @property
    def code(self) -> str:
        return cst.Module([]).code_for_node(self.node)




def has_vars(layout: Layout) -> bool:
    return any(slot.var is not None for slot in layout)


def var_positions(layout: Layout) -> list[int]:
    return [p for p, slot in enumerate(layout) if slot.var is not None]


def atom(node: cst.BaseExpression) -> cst.BaseExpression:
    """The node parenthesized unless it binds tighter than any operator."""
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call, cst.Integer, cst.Float)) or node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def transposed(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, cst.Attribute) and node.attr.value == "T":
        return node.value
    return cst.Attribute(atom(node), cst.Name("T"))


def align(node: cst.BaseExpression, layout: Layout, target: Layout) -> Optional[cst.BaseExpression]:
    """``node`` (with ``layout``) rewritten to broadcast correctly against ``target``; None if it cannot."""
    if not layout:
        return node
    positions = _positions(layout, target)
    if positions is None and len(layout) == 2 and all(s.inserted or s.one for s in layout):
        positions = _positions(layout[::-1], target)
        if positions is None:
            return None
        node, layout = transposed(node), layout[::-1]
    if positions is None:
        return None
    start = len(target) - len(layout)
    if positions == list(range(start, len(target))):
        return node
    elements = []
    for p in range(positions[0], len(target)):
        item = cst.Slice(None, None) if p in positions else cst.Index(cst.Name("None"))
        elements.append(cst.SubscriptElement(item))
    return cst.Subscript(atom(node), elements)


def _positions(layout: Layout, target: Layout) -> Optional[list[int]]:
    target_per = [p for p, slot in enumerate(target) if slot.per_iteration]
    own_per = [q for q, slot in enumerate(layout) if slot.per_iteration]
    fixed: list[Optional[int]] = []
    for q, slot in enumerate(layout):
        if slot.one:
            fixed.append(None)
            continue
        by_var = None
        if slot.var is not None:
            matches = [p for p, t in enumerate(target) if t.var == slot.var]
            if len(matches) != 1 or target[matches[0]].kept != slot.kept:
                return None
            by_var = matches[0]
        by_axis = None
        if slot.per_iteration:
            from_right = len(own_per) - own_per.index(q)
            if from_right > len(target_per):
                return None
            by_axis = target_per[-from_right]
        if by_var is not None and by_axis is not None and by_var != by_axis:
            return None
        fixed.append(by_var if by_var is not None else by_axis)
    # size-1 keepdims axes take the place right after the previous axis (or just before the next)
    for q, p in enumerate(fixed):
        if p is None:
            before = next((x for x in reversed(fixed[:q]) if x is not None), None)
            after = next((x for x in fixed[q + 1:] if x is not None), None)
            p = before + 1 if before is not None else (after - 1 if after is not None else len(target) - 1)
            fixed[q] = p
    if any(p is None or p < 0 or p >= len(target) for p in fixed):
        return None
    if any(b <= a for a, b in zip(fixed, fixed[1:])):
        return None
    return fixed  # type: ignore[return-value]
