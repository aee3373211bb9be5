"""Joining arrays: concatenate, stack, vstack/hstack/dstack/column_stack, atleast_Nd, ``np.r_``/``np.c_``."""
from __future__ import annotations

import libcst as cst

from ..domain import ops
from ..domain.shapes import Shape, ShapeError, shape_of
from ..infer.values import UNKNOWN, ArrayValue, IntValue, NoneValue, StrValue, TupleValue, Value, as_array
from .creation import slice_range
from .properties import describe
from .registry import CallContext, function


describe("stack", "vstack", stacks=0)
describe("hstack", "column_stack", stacks=-1)


def _sequence(ctx: CallContext):
    """The arrays of ``np.concatenate([a, b])``; None when they are not all known."""
    found = ctx.arg(0, "arrays") or ctx.arg(0, "tup")
    if found is None or not isinstance(found[1], TupleValue):
        return None
    arrays = [as_array(v) for v in found[1].items]
    return None if any(a is None for a in arrays) else [a.shape for a in arrays]


def _joined(ctx: CallContext, join) -> Value:
    shapes = _sequence(ctx)
    if shapes is None:
        return UNKNOWN
    try:
        return ArrayValue(join(shapes))
    except ShapeError as exc:
        return ctx.fail(ctx.name.rsplit(".", 1)[-1], exc)


@function("concatenate", "stack")
def concatenate(ctx: CallContext) -> Value:
    if ctx.name.endswith("concatenate") and isinstance(ctx.value(1, "axis"), NoneValue):
        return _joined(ctx, ops.flat_concatenate)
    axis = ctx.constant_int(1, "axis", default=0)
    if axis is ... or axis is None:
        return UNKNOWN
    op = ops.stack if ctx.name.endswith("stack") else ops.concatenate
    return _joined(ctx, lambda shapes: op(shapes, axis))


@function("vstack", "row_stack")
def vstack(ctx: CallContext) -> Value:
    return _joined(ctx, ops.vstack)


@function("hstack")
def hstack(ctx: CallContext) -> Value:
    return _joined(ctx, ops.hstack)


@function("dstack")
def dstack(ctx: CallContext) -> Value:
    return _joined(ctx, ops.dstack)


@function("column_stack")
def column_stack(ctx: CallContext) -> Value:
    return _joined(ctx, ops.column_stack)


@function("atleast_1d", "atleast_2d", "atleast_3d")
def atleast(ctx: CallContext) -> Value:
    """One array for one argument, a tuple for several; a vector becomes a row in ``atleast_2d``."""
    rank = int(ctx.name[-2])
    results = []
    for _, value in ctx.args:
        source = as_array(value)
        if source is None or ctx.kwargs:
            return UNKNOWN
        if source.shape.rank is not None and source.shape.rank >= rank:
            results.append(source)
        else:
            results.append(ArrayValue(ops.atleast(source.shape, rank), explicit=True))
    if not results:
        return UNKNOWN
    return results[0] if len(results) == 1 else TupleValue(tuple(results))


_INDEX_JOINERS = {"numpy.r_": (0, 1, -1), "numpy.c_": (-1, 2, 0)}  # axis, ndmin, trans1d


@function("r_", "c_", subscript=True)
def index_join(ctx: CallContext) -> Value:
    """``np.r_[a, b, 0:3]`` and ``np.c_[a, X]``: each item (arrays, numbers, slices as ranges)
    promoted to ``ndmin`` axes, then concatenated; a leading ``'axis,ndmin,trans1d'`` string
    changes the three."""
    axis, ndmin, trans1d = _INDEX_JOINERS[ctx.name]
    items = list(ctx.args)
    if items and isinstance(items[0][1], StrValue):
        directive = _directive(items.pop(0)[1].text)
        if directive is None:
            return UNKNOWN  # the matrix forms 'r'/'c', or a string NumPy rejects
        axis, ndmin, trans1d = directive
    shapes = []
    for node, value in items:
        shape = _item_shape(ctx, node, value)
        if shape is None:
            return UNKNOWN
        shapes.append(ops.promote(shape, ndmin, trans1d))
    if not shapes:
        return UNKNOWN
    try:
        return ctx.made(ops.concatenate(shapes, axis))
    except ShapeError as exc:
        return ctx.fail(f"np.{ctx.name.rsplit('.', 1)[-1]}", exc)


def _directive(text: str):
    parts = text.split(",")
    if len(parts) > 3 or not all(p.strip().lstrip("-").isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    if len(numbers) == 1:
        return numbers[0], 1, -1
    return numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else -1


def _item_shape(ctx: CallContext, node, value: Value):
    if isinstance(node, cst.Slice):
        length = slice_range(ctx, node)
        return None if length is None else shape_of([length])
    if isinstance(value, IntValue):
        return Shape(())
    array = as_array(value)
    return None if array is None else array.shape
