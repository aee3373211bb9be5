"""Array constructors: zeros/ones/full/empty, *_like, eye, arange, linspace, array."""
from __future__ import annotations

from ..domain import ops
from ..domain.dims import Dim, const, dim_sub, unknown
from ..domain.shapes import SCALAR, Shape, ShapeError, shape_of
from ..infer.values import UNKNOWN, ArrayValue, IntValue, TupleValue, Value
from .registry import CallContext, dim_of, function, literal_int


@function("zeros", "ones", "empty", "full")
def filled(ctx: CallContext) -> Value:
    dims = ctx.dims(0, "shape")
    return UNKNOWN if dims is None else ctx.made(shape_of(dims))


@function("zeros_like", "ones_like", "empty_like", "full_like", "copy", "asarray", "ascontiguousarray", "asfortranarray", "asanyarray")
def like(ctx: CallContext) -> Value:
    if ctx.has(None, "shape"):
        dims = ctx.dims(None, "shape")
        return UNKNOWN if dims is None else ctx.made(shape_of(dims))
    if ctx.name.endswith(("asarray", "asanyarray")):
        return literal_array(ctx.value(0))
    source = ctx.array(0)
    return UNKNOWN if source is None else ArrayValue(source.shape, made_at=source.made_at)


@function("copy", prefix=None, method=True)
def copy_method(ctx: CallContext) -> Value:
    source = ctx.array(0)
    return UNKNOWN if source is None else source


@function("eye")
def eye(ctx: CallContext) -> Value:
    n = ctx.dims(0, "N")
    if n is None or len(n) != 1:
        return UNKNOWN
    m = ctx.dims(1, "M") if ctx.has(1, "M") else n
    if m is None or len(m) != 1:
        return UNKNOWN
    return ArrayValue(shape_of(n + m))


@function("identity")
def identity(ctx: CallContext) -> Value:
    n = ctx.dims(0, "n")
    return UNKNOWN if n is None or len(n) != 1 else ArrayValue(shape_of(n + n))


@function("arange")
def arange(ctx: CallContext) -> Value:
    bounds = [dim_of(node, value) for node, value in ctx.args]
    values = [v for _, v in ctx.args]
    if not bounds or any(b is None for b in bounds):
        return ctx.made(Shape((unknown(),)))
    if len(bounds) == 1:
        length = bounds[0]
    elif len(bounds) == 2:
        length = dim_sub(bounds[1], bounds[0])
    else:
        start, stop, step = (literal_int(v) for v in values[:3])
        if ... in (start, stop, step) or step == 0:
            length = unknown()
        else:
            length = const(max(0, -(-(stop - start) // step)))
    return ctx.made(shape_of([length]))


@function("linspace", "logspace", "geomspace")
def linspace(ctx: CallContext) -> Value:
    """``(num,)`` between numbers; between arrays, ``num`` steps along ``axis`` (default 0) of the
    endpoints' broadcast shape: ``linspace(start (3,), stop (3,), 5)`` is ``(5, 3)``."""
    start, stop = ctx.array(0, "start"), ctx.array(1, "stop")
    if start is None or stop is None:
        return UNKNOWN  # endpoints of unknown kind: they may be arrays
    found = ctx.arg(2, "num")
    dims = [const(50)] if found is None else ctx.dims(2, "num")
    if not dims or len(dims) != 1:
        return UNKNOWN
    try:
        ends = ops.broadcast(start.shape, stop.shape)
    except ShapeError as exc:
        return ctx.fail(f"np.{ctx.name.rsplit('.', 1)[-1]}", exc)
    if ends.rank == 0:
        return ctx.made(shape_of(dims))
    axis = ctx.constant_int(None, "axis", 0)
    if ends.dims is None or axis is ...:
        return UNKNOWN
    try:
        return ArrayValue(_insert(ends, axis, dims[0]))
    except ShapeError as exc:  # an axis out of bounds
        return ctx.fail(f"np.{ctx.name.rsplit('.', 1)[-1]}", exc)


def _insert(shape: Shape, axis: int, size) -> Shape:
    expanded = ops.expand_dims(shape, axis)
    position = axis % len(expanded.dims)
    return Shape(expanded.dims[:position] + (size,) + expanded.dims[position + 1:])


@function("array")
def array(ctx: CallContext) -> Value:
    if "ndmin" in ctx.kwargs:
        return UNKNOWN
    result = literal_array(ctx.value(0, "object"))
    if isinstance(result, ArrayValue) and isinstance(ctx.value(0), TupleValue):
        if result.shape.rank == 1:
            return ArrayValue(result.shape, made_at=ctx.node)
        return ArrayValue(result.shape, explicit=True)  # [[3], [11]]: a shape written out by hand
    return result


def literal_array(value: Value) -> Value:
    """The shape of ``np.array`` of nested lists (of numbers or arrays of one shape)."""
    if isinstance(value, ArrayValue):
        return value
    if isinstance(value, IntValue):
        return ArrayValue(SCALAR)
    if not isinstance(value, TupleValue):
        return UNKNOWN
    items = [literal_array(item) for item in value.items]
    if not items:
        return ArrayValue(shape_of([const(0)]))
    if not all(isinstance(item, ArrayValue) and item.shape.known_rank for item in items):
        return UNKNOWN
    first = items[0].shape
    for item in items[1:]:
        if item.shape.rank != first.rank or any(
            not (isinstance(a, Dim) and a == b) for a, b in zip(item.shape.dims, first.dims)
        ):
            return UNKNOWN
    return ArrayValue(Shape((const(len(items)),) + first.dims))
