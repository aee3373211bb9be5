"""Shape manipulation: reshape, ravel, transpose, swapaxes, joining, expand/squeeze."""
from __future__ import annotations

from ..domain import ops
from ..domain.dims import Dim
from ..domain.shapes import Shape, ShapeError, shape_of, size
from ..infer.values import UNKNOWN, ArrayValue, TupleValue, Value, as_array
from .registry import CallContext, dim_of, dims_of, function, literal_int


def _reshape(ctx: CallContext, source: ArrayValue, dims) -> Value:
    if dims is None:
        return UNKNOWN
    new = [ops.INFER if isinstance(d, Dim) and d.is_const and d.coeff == -1 else d for d in dims]
    try:
        return ArrayValue(ops.reshape(source.shape, new), explicit=True)
    except ShapeError as exc:
        return ctx.fail("reshape", exc)


@function("reshape")
def reshape(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    return UNKNOWN if source is None else _reshape(ctx, source, ctx.dims(1, "newshape") or ctx.dims(None, "shape"))


@function("reshape", prefix=None, method=True)
def reshape_method(ctx: CallContext) -> Value:
    source = ctx.array(0)
    if source is None:
        return UNKNOWN
    if ctx.has(None, "shape"):
        return _reshape(ctx, source, ctx.dims(None, "shape"))
    return _reshape(ctx, source, ctx.varargs_dims(1))


@function("ravel", "flatten", method=True)
def ravel(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    return UNKNOWN if source is None else ctx.made(shape_of([size(source.shape)]))


def _axes_list(ctx: CallContext, start: int):
    """``transpose(a, (1, 0))`` or ``a.transpose(1, 0)``; None for the default reversal."""
    rest = ctx.args[start:]
    if not rest and "axes" not in ctx.kwargs:
        return None
    if "axes" in ctx.kwargs:
        rest = [ctx.kwargs["axes"]]
    if len(rest) == 1 and isinstance(rest[0][1], TupleValue):
        values = rest[0][1].items
    else:
        values = [v for _, v in rest]
    ints = [literal_int(v) for v in values]
    return ... if ... in ints else ints


@function("transpose", method=True)
def transpose(ctx: CallContext) -> Value:
    if not ctx.args:
        return UNKNOWN
    axes = _axes_list(ctx, 1)
    if axes is ...:
        return UNKNOWN
    return ctx.interp.transpose(ctx.frame, ctx.node, ctx.args[0], axes)


@function("swapaxes", method=True)
def swapaxes(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    first, second = ctx.constant_int(1, "axis1"), ctx.constant_int(2, "axis2")
    if source is None or first in (None, ...) or second in (None, ...):
        return UNKNOWN
    try:
        return ArrayValue(ops.swapaxes(source.shape, first, second))
    except ShapeError as exc:
        return ctx.fail("swapaxes", exc)


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


@function("column_stack")
def column_stack(ctx: CallContext) -> Value:
    def columns(shapes):
        as_columns = [Shape(s.dims + (Dim(1),)) if s.rank == 1 else s for s in shapes]
        return ops.concatenate(as_columns, 1)

    return _joined(ctx, columns)


@function("expand_dims")
def expand_dims(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    axis = ctx.constant_int(1, "axis")
    if source is None or axis in (None, ...):
        return UNKNOWN
    try:
        return ArrayValue(ops.expand_dims(source.shape, axis), explicit=True)
    except ShapeError as exc:
        return ctx.fail("expand_dims", exc)


@function("squeeze", method=True)
def squeeze(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    axes = ctx.axes(1)
    if source is None or axes is ...:
        return UNKNOWN
    try:
        return ctx.made(ops.squeeze(source.shape, axes))
    except ShapeError as exc:
        return ctx.fail("squeeze", exc)


@function("atleast_1d", "atleast_2d", "atleast_3d")
def atleast(ctx: CallContext) -> Value:
    source = ctx.array(0)
    if source is None or len(ctx.args) != 1:
        return UNKNOWN
    rank = int(ctx.name[-2])
    if source.shape.rank is not None and source.shape.rank >= rank:
        return source
    return ArrayValue(ops.atleast(source.shape, rank), explicit=True)


@function("broadcast_to")
def broadcast_to(ctx: CallContext) -> Value:
    dims = ctx.dims(1, "shape")
    return UNKNOWN if dims is None else ArrayValue(shape_of(dims), explicit=True)


@function("flip", "fliplr", "flipud", "roll", "triu", "tril")
def same_shape(ctx: CallContext) -> Value:
    source = ctx.array(0)
    return UNKNOWN if source is None else ArrayValue(source.shape)


@function("item", "tolist", prefix=None, method=True)
def to_python(ctx: CallContext) -> Value:
    return UNKNOWN  # a Python scalar or a tuple (structured arrays): no shape to follow


__all__ = ["dim_of", "dims_of"]
