"""Shared judgement for the rules: what NumPy does with two shapes, and which reduction would fit."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterator, Optional

import libcst as cst

from ..cst_walk import is_new_axis, last_name
from ..domain import ops
from ..domain.dims import Dim, dim_eq, is_known, is_one, known_to_differ
from ..domain.shapes import Shape, ShapeError, shapes_known_to_differ, shapes_same
from ..infer.events import Declared, Elementwise, Inplace
from ..infer.values import ArrayValue, Reduction


def outcome(result: Optional[Shape], error: Optional[str], expected: Optional[Shape] = None, operands=()) -> str:
    """``NumPy raises ...`` or ``the result broadcasts to (n, n)``."""
    if error is not None:
        return "NumPy raises ValueError (the shapes do not broadcast)"
    if result is not None and expected is not None and shapes_same(result, expected):
        return f"the result is {result} but each value lands on the wrong axis"
    clash = symbol_clash(*operands) if len(operands) == 2 else None
    if clash is not None:
        return f"NumPy raises ValueError unless {clash[0]} == {clash[1]} (and then it lines up the wrong axes)"
    open_size = unknown_against(*operands) if len(operands) == 2 else None
    if open_size is not None:  # ``(500, ?)`` against ``(500,)``: whether it raises depends on the ``?``
        return (f"NumPy raises ValueError unless the size it does not know is {open_size} or 1 "
                f"(and then the values meet on the wrong axis: {result})")
    return f"the result broadcasts to {result}"


def _open(d) -> bool:
    """A size nothing fixes: unknown, or a label read off an array nobody knows."""
    return not is_known(d) or bool(getattr(d, "labels", None))


def unknown_against(a: Shape, b: Shape):
    """A size one operand knows (not 1) that meets, right-aligned, a size the other does not know."""
    if a.dims is None or b.dims is None:
        return None
    for x, y in zip(reversed(a.dims), reversed(b.dims)):
        for known, other in ((x, y), (y, x)):
            if is_known(known) and not getattr(known, "labels", None) and is_one(known) is not True and _open(other):
                return known
    return None


def symbol_clash(a: Shape, b: Shape):
    """The first pair of right-aligned sizes that broadcast only if two different symbols are equal."""
    if a.dims is None or b.dims is None:
        return None
    for x, y in zip(reversed(a.dims), reversed(b.dims)):
        if known_to_differ(x, y) and is_one(x) is not True and is_one(y) is not True:
            return x, y
    return None


def unless_equal(value: Shape, target: Shape) -> str:
    """`` unless m == 1``: the sizes named apart whose equality would let ``value`` broadcast into
    ``target``; two numbers are never equal (nothing to add: NumPy raises)."""
    pairs = [f"{x} == {y}" for x, y in clashes(value, target) if not (_number(x) and _number(y))]
    return " unless " + " and ".join(pairs) if pairs else ""


def _number(dim) -> bool:
    return isinstance(dim, Dim) and dim.is_const


def unless_same(value: Shape, target: Shape) -> str:
    """`` unless n_obs == ? (and then each value lands on the wrong axis)``: the right-aligned sizes
    not known to be equal, when nothing is known to differ."""
    if value.dims is None or target.dims is None:
        return ""
    pairs = [f"{x} == {y}" for x, y in zip(reversed(value.dims), reversed(target.dims)) if is_one(x) is not True and dim_eq(x, y) is not True]
    return " unless " + " and ".join(pairs[::-1]) + " (and then each value lands on the wrong axis)" if pairs else ""


def clashes(value: Shape, target: Shape) -> list:
    """Right-aligned sizes of ``value`` that do not fit ``target``'s unless two names are one size."""
    if value.dims is None or target.dims is None:
        return []
    return [(x, y) for x, y in zip(reversed(value.dims), reversed(target.dims)) if is_one(x) is not True and known_to_differ(x, y)][::-1]


def broadcast_or_none(a: Shape, b: Shape) -> Optional[Shape]:
    try:
        return ops.broadcast(a, b)
    except ShapeError:
        return None


def aligned(reduction: Reduction, rank: int) -> bool:
    """Do the kept axes of a no-keepdims result land where they were, once right-aligned against ``rank``?"""
    if reduction.keepdims or rank != len(reduction.source):
        return True
    kept = [i for i in range(len(reduction.source)) if i not in reduction.axes]
    return kept == list(range(rank - len(kept), rank))


@dataclass(frozen=True)
class Refit:
    """A reduction that would have lined up: same axes with keepdims, or other axes."""

    axes: tuple[int, ...]
    keepdims: bool
    shape: Shape

    def changes_axis(self, reduction: Reduction) -> bool:
        return self.axes != reduction.axes


def find_refit(reduction: Reduction, fits: Callable[[Shape, Reduction], bool]) -> Optional[Refit]:
    """The closest reduction that fits: keepdims first, then another axis (with or without keepdims)."""
    return next(find_refits(reduction, fits), None)


def find_refits(reduction: Reduction, fits: Callable[[Shape, Reduction], bool]) -> Iterator[Refit]:
    """Every reduction that fits, closest first."""
    source = reduction.source
    if not reduction.keepdims:
        refit = _try(reduction, reduction.axes, True, fits)
        if refit:
            yield refit
    rank = len(source)
    for axes in combinations(range(rank), len(reduction.axes)):
        if axes == reduction.axes:
            continue
        for keepdims in dict.fromkeys((reduction.keepdims, True)):
            refit = _try(reduction, axes, keepdims, fits)
            if refit:
                yield refit
                break


def _try(reduction: Reduction, axes, keepdims, fits) -> Optional[Refit]:
    shape = ops.reduce(reduction.source, axes, keepdims)
    candidate = Reduction(reduction.node, reduction.source, tuple(axes), keepdims, reduction.name, reduction.axis_node)
    return Refit(tuple(axes), keepdims, shape) if fits(shape, candidate) else None


@dataclass(frozen=True)
class Meeting:
    """A reduction result meeting something that says what its shape should be."""

    reduction: Reduction
    value: ArrayValue
    other_text_node: object
    what: str  # "meets `b` (n_h, 1) in `b - lr * db`" etc.
    happened: str
    refit: Refit
    target_shape: Optional[Shape] = None  # the array it meets; None for a declaration
    other_axis: Optional[Refit] = None  # another axis that fits too, when the refit keeps the axis


def reduction_meeting(event, ctx) -> Optional[Meeting]:
    """The reduction an event shows to be wrong, and the refit that makes it line up."""
    if isinstance(event, Elementwise):
        for mine, other, other_node in ((event.left, event.right, event.right_node), (event.right, event.left, event.left_node)):
            red = mine.reduction
            if red is None or other.shape.rank not in (len(red.source), mine.shape.rank):
                continue
            if event.error is None and new_axis_written(other_node):
                continue  # ``freq_col * freq_row[:, None]``: an outer product, written as one
            if transposed_source_lines_up(red, other_node):
                continue  # ``(data.T - data.mean(axis=1)).T``: the per-row values meet the rows
            target = other.shape
            square_ok = shapes_same(target, red.source)

            def fits(shape: Shape, candidate: Reduction, target=target) -> bool:
                result = broadcast_or_none(shape, target)
                return result is not None and shapes_same(result, target) and aligned(candidate, len(target))

            wrong = event.error is not None or bool(symbol_clash(mine.shape, target))
            wrong = wrong or (event.result is not None and shapes_known_to_differ(event.result, target))
            if not wrong and not aligned(red, len(target)) and square_ok:
                wrong = True
            if not wrong:
                continue
            refits = list(find_refits(red, fits))
            if refits:
                what = f"meets `{ctx.code(other_node)}` {target} in `{ctx.code(event.node)}`"
                happened = outcome(event.result, event.error, target, (mine.shape, target)) + ctx.assumptions(mine, other)
                return Meeting(red, mine, other_node, what, happened, refits[0], target, other_axis(red, refits))
    elif isinstance(event, Inplace):
        red = event.value.reduction
        target = event.target.shape
        if red is not None and target.rank in (len(red.source), event.value.shape.rank):

            def fits(shape: Shape, candidate: Reduction) -> bool:
                result = broadcast_or_none(target, shape)
                return result is not None and shapes_same(result, target) and aligned(candidate, len(target))

            wrong = event.error is not None or bool(clashes(event.value.shape, target)) or not aligned(red, len(target))
            wrong = wrong or (event.result is not None and shapes_known_to_differ(event.result, target))
            refits = list(find_refits(red, fits)) if wrong else []
            refit = refits[0] if refits else None
            if refit:
                what = f"updates `{ctx.code(event.target_node)}` {target} in place"
                happened = "NumPy raises ValueError (non-broadcastable output operand)"
                if event.error is None and event.result is not None and shapes_same(event.result, target):
                    happened = "each value lands on the wrong axis"
                elif event.error is None:
                    happened += (unless_equal if clashes(event.value.shape, target) else unless_same)(event.value.shape, target)
                happened += ctx.assumptions(event.value, event.target)
                return Meeting(red, event.value, event.target_node, what, happened, refit, target, other_axis(red, refits))
    elif isinstance(event, Declared):
        red = event.value.reduction
        if red is not None and event.declared.known_rank:

            def fits(shape: Shape, candidate: Reduction) -> bool:
                return shapes_same(shape, event.declared)

            refit = find_refit(red, fits)
            if refit:
                what = f"is declared {event.declared} by its {event.source}"
                return Meeting(red, event.value, None, what, "the declaration does not hold", refit)
    return None


def new_axis_written(node) -> bool:
    """``v[:, None]``, ``v[np.newaxis, :]``, ``np.expand_dims(v, 1)``: an axis the code adds on
    purpose. A reduction's result meeting it makes the outer product or sum it was written for
    (the expected counts of a contingency table, ``col * row[:, None]``), not a lost axis."""
    if isinstance(node, cst.Subscript):
        return any(isinstance(element.slice, cst.Index) and is_new_axis(element.slice.value) for element in node.slice)
    return isinstance(node, cst.Call) and last_name(node.func) == "expand_dims"


def transposed_source_lines_up(red: Reduction, other_node) -> bool:
    """``data.T - np.median(data, axis=1)``: a 2-D array's reduction over its last axis meets that
    array transposed, whose last axis is the one the reduction kept, so broadcasting lines the
    values up right (astropy's ``biweight_midcovariance`` centres rows this way; ``keepdims``
    there would break it)."""
    if len(red.source) != 2 or tuple(axis % 2 for axis in red.axes) != (1,) or red.keepdims:
        return False
    if not (isinstance(other_node, cst.Attribute) and other_node.attr.value == "T"):
        return False
    source = _reduced_expression(red.node)
    return source is not None and source.deep_equals(other_node.value)


def _reduced_expression(node):
    """The array a reduction call reduces: ``np.median(data, ...)``'s ``data``, ``data.mean()``'s ``data``."""
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and not (isinstance(func.value, cst.Name) and func.value.value in ("np", "numpy")):
        return func.value
    return node.args[0].value if node.args and node.args[0].keyword is None else None


def other_axis(reduction: Reduction, refits: list[Refit]) -> Optional[Refit]:
    """When the closest fix keeps the axes (keepdims), another axis that fits as well: then the
    shapes cannot say which was meant."""
    if refits and not refits[0].changes_axis(reduction):
        return next((refit for refit in refits[1:] if refit.changes_axis(reduction)), None)
    return None
