"""Shape manipulation: reshape, ravel, transpose, swapaxes, expand/squeeze, tile, repeat, pad."""
from __future__ import annotations

from ..domain import ops
from ..domain.dims import Dim, const
from ..domain.shapes import ShapeError, shape_of, size, unknown_of_rank
from ..infer.values import UNKNOWN, ArrayValue, IntValue, NoneValue, TupleValue, Value
from .kinds import same_kind
from .properties import describe
from .registry import CallContext, dim_of, dims_of, function, literal_int


def _reshape(ctx: CallContext, source: ArrayValue, dims) -> Value:
    if dims is None:
        return UNKNOWN
    new = [ops.INFER if isinstance(d, Dim) and d.is_const and d.coeff == -1 else d for d in dims]
    try:
        return same_kind(source, ArrayValue(ops.reshape(source.shape, new), explicit=True))
    except ShapeError as exc:
        return ctx.fail("reshape", exc)


@function("reshape")
def reshape(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    return UNKNOWN if source is None else _reshape(ctx, source, ctx.dims(1, "newshape") or ctx.dims(None, "shape"))


@function("reshape", prefix=None, method=True, properties={"pure"})
def reshape_method(ctx: CallContext) -> Value:
    source = ctx.array(0)
    if source is None:
        return UNKNOWN
    if ctx.has(None, "shape"):
        return _reshape(ctx, source, ctx.dims(None, "shape"))
    return _reshape(ctx, source, ctx.varargs_dims(1))


@function("ravel", "flatten", method=True, properties={"flat"})
def ravel(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    return UNKNOWN if source is None else same_kind(source, ctx.made(shape_of([size(source.shape)])))


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


@function("broadcast_to")
def broadcast_to(ctx: CallContext) -> Value:
    dims = ctx.dims(1, "shape")
    return UNKNOWN if dims is None else ArrayValue(shape_of(dims), explicit=True)


@function("flip", "fliplr", "flipud", "roll", "triu", "tril")
def same_shape(ctx: CallContext) -> Value:
    source = ctx.array(0)
    return UNKNOWN if source is None else ArrayValue(source.shape)


describe("ravel", "flatten", "transpose", "swapaxes", "squeeze", "repeat", "copy", prefix=None, method=True, pure=True)
describe("fill", prefix=None, method=True, in_place=True)


@function("size")
def size_of(ctx: CallContext) -> Value:
    """``np.size(a)``, as ``a.size``: a known number when every size of ``a`` is (``k_sample =
    np.size(prop)`` then decides ``if k_sample == 1:``). With an axis: unknown."""
    source = ctx.array(0, "a")
    if source is None or ctx.has(1, "axis"):
        return UNKNOWN
    return IntValue(size(source.shape))


@function("ndim")
def ndim_of(ctx: CallContext) -> Value:
    """``np.ndim(a)``, as ``a.ndim``."""
    source = ctx.array(0, "a")
    if source is None or source.shape.dims is None:
        return UNKNOWN
    return IntValue(const(len(source.shape.dims)))


@function("item", "tolist", prefix=None, method=True, properties={"pure"})
def to_python(ctx: CallContext) -> Value:
    return UNKNOWN  # a Python scalar or a tuple (structured arrays): no shape to follow


__all__ = ["dim_of", "dims_of"]


@function("tile")
def tile(ctx: CallContext) -> Value:
    source, reps = ctx.array(0, "A"), ctx.dims(1, "reps")
    if source is None or reps is None:
        return UNKNOWN
    return ArrayValue(ops.tile(source.shape, reps))


@function("repeat", method=True)
def repeat(ctx: CallContext) -> Value:
    """By one count, sizes multiply; by counts per element (an array or a list), the total is
    unknown; ``axis=None`` flattens first."""
    source = ctx.array(0, "a")
    axis = None if isinstance(ctx.value(2, "axis"), NoneValue) else ctx.constant_int(2, "axis")
    if source is None or not ctx.has(1, "repeats") or axis is ...:
        return UNKNOWN
    count = _repeat_count(ctx.value(1, "repeats"))
    try:
        return ArrayValue(ops.repeat(source.shape, count, axis))
    except ShapeError as exc:
        return ctx.fail("repeat", exc)


def _repeat_count(value: Value):
    """One count for every element, or None when the counts vary (or are unknown)."""
    if isinstance(value, IntValue):
        return value.dim
    if isinstance(value, TupleValue) and len(value.items) == 1 and isinstance(value.items[0], IntValue):
        return value.items[0].dim
    return None


@function("pad")
def pad(ctx: CallContext) -> Value:
    """``pad_width`` as NumPy reads it: one number, one (before, after) pair, or a pair per axis.
    Widths that are not literal leave the sizes unknown, never the rank."""
    source = ctx.array(0, "array")
    if source is None or not source.shape.known_rank or not ctx.has(1, "pad_width"):
        return UNKNOWN
    widths = _pad_widths(ctx.value(1, "pad_width"), source.shape.rank)
    if widths is None:
        return ArrayValue(unknown_of_rank(source.shape.rank))
    return ArrayValue(ops.pad(source.shape, widths))


def _pad_widths(value: Value, rank: int):
    """``np.broadcast_to(pad_width, (rank, 2))`` for literal widths (a size-1 or size-2 width is
    shared by every axis, as NumPy does); None otherwise."""
    nested = _int_rows(value)
    if nested is None:
        return None
    flat = [d for row in nested for d in row]
    rows = len(nested)
    if len(flat) == 1:
        return [(flat[0], flat[0])] * rank
    if len(flat) == 2 and not (rows == 2 and len(nested[0]) == 1):
        return [(flat[0], flat[1])] * rank
    if rows not in (1, rank) or any(len(row) not in (1, 2) for row in nested):
        return None  # NumPy raises; not a shape it could give
    pairs = [(row[0], row[-1]) for row in nested]
    return pairs * rank if rows == 1 else pairs


def _int_rows(value: Value):
    """A number, a sequence of numbers (one row) or of sequences; as rows of dims."""
    if isinstance(value, IntValue):
        return [[value.dim]]
    if not isinstance(value, TupleValue):
        return None
    if all(isinstance(item, IntValue) for item in value.items):
        return [[item.dim for item in value.items]] if value.items else None
    rows = []
    for item in value.items:
        if not (isinstance(item, TupleValue) and item.items and all(isinstance(i, IntValue) for i in item.items)):
            return None
        rows.append([i.dim for i in item.items])
    return rows or None
