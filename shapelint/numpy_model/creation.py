"""Array constructors: zeros/ones/full/empty, *_like, eye, arange, linspace, array, grids."""
from __future__ import annotations

import libcst as cst

from ..domain import ops
from ..domain.dims import AnyDim, Dim, const, dim_add, dim_eq, dim_sub, unknown
from ..domain.shapes import SCALAR, Shape, ShapeError, shape_of
from ..infer.values import UNKNOWN, ArrayValue, IntValue, ListValue, StrValue, TupleValue, Value, as_array
from .kinds import integers
from .properties import describe
from .registry import CallContext, dim_of, function, literal_int


@function("zeros", "ones", "empty", "full", properties={"fresh", "shape_arg"})
def filled(ctx: CallContext) -> Value:
    dims = ctx.dims(0, "shape")
    return UNKNOWN if dims is None else ctx.made(shape_of(dims))


describe("zeros_like", "ones_like", "empty_like", "full_like", "copy", "array", "eye", "identity", "arange", "linspace", fresh=True)
describe("arange", "linspace", "logspace", "array", "asarray", grid=True)
describe("array", "asarray", flat=True)
describe("array", "asarray", "fromiter", stacks=0)


@function("zeros_like", "ones_like", "empty_like", "full_like", "copy", "asarray", "ascontiguousarray", "asfortranarray", "asanyarray")
def like(ctx: CallContext) -> Value:
    if ctx.has(None, "shape"):
        dims = ctx.dims(None, "shape")
        return UNKNOWN if dims is None else ctx.made(shape_of(dims))
    if ctx.name.endswith(("asarray", "asanyarray")):
        return literal_array(ctx.value(0))
    source = ctx.array(0)
    return UNKNOWN if source is None else ArrayValue(source.shape, made_at=source.made_at, inherited=source.inherited)


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


@function("diag")
def diag(ctx: CallContext) -> Value:
    """``np.diag(v, k)``: of a vector (n,), the (n + |k|, n + |k|) matrix with ``v`` on its k-th
    diagonal; of a matrix, its k-th diagonal (its length known when the sizes are numbers, or
    when ``k`` is 0 and the matrix square); anything else raises."""
    source = ctx.array(0, "v")
    k = ctx.constant_int(1, "k", 0)
    if source is None or k is ... or not source.shape.known_rank:
        return UNKNOWN
    dims = source.shape.dims
    if len(dims) == 1:
        side = dim_add(dims[0], const(abs(k)))
        return ctx.made(shape_of((side, side)))
    if len(dims) == 2:
        rows, cols = dims
        if isinstance(rows, Dim) and isinstance(cols, Dim) and rows.is_const and cols.is_const:
            length = min(rows.coeff, cols.coeff - k) if k >= 0 else min(rows.coeff + k, cols.coeff)
            return ctx.made(shape_of((const(max(0, length)),)))
        return ctx.made(shape_of((rows if k == 0 and dim_eq(rows, cols) is True else unknown(),)))
    return ctx.fail("diag", ShapeError(f"Input must be 1- or 2-d; {source.shape} is not"))


@function("identity")
def identity(ctx: CallContext) -> Value:
    n = ctx.dims(0, "n")
    return UNKNOWN if n is None or len(n) != 1 else ArrayValue(shape_of(n + n))


@function("arange")
def arange(ctx: CallContext) -> Value:
    made = ctx.made(shape_of([_range_length(ctx.args)]))
    return integers(made) if ctx.args and all(isinstance(v, IntValue) for _, v in ctx.args) else made


def _range_length(args) -> AnyDim:
    """How many numbers ``arange(*args)`` gives."""
    bounds = [dim_of(node, value) for node, value in args]
    values = [v for _, v in args]
    if not bounds or len(bounds) > 3 or any(b is None for b in bounds):
        return unknown()
    if len(bounds) == 1:
        return bounds[0]
    if len(bounds) == 2:
        return dim_sub(bounds[1], bounds[0])
    start, stop, step = (literal_int(v) for v in values)
    if ... in (start, stop, step) or step == 0:
        return unknown()
    return const(max(0, -(-(stop - start) // step)))


def slice_range(ctx: CallContext, item: cst.Slice):
    """The length of the numbers a slice inside ``np.r_``/``np.mgrid`` stands for: ``start:stop:step``
    is ``arange``, ``start:stop:nj`` (an imaginary step) is ``linspace`` of n points."""
    if isinstance(item.step, cst.Imaginary):
        count = abs(complex(item.step.value))
        return const(int(count)) if count == int(count) else unknown()
    args = []
    for part in (item.lower, item.upper, item.step):
        if part is not None:
            args.append((part, ctx.interp.evaluate(part, ctx.frame)))
        elif not args:
            args.append((cst.Integer("0"), IntValue(const(0))))  # start defaults to 0
    if item.upper is None:
        return None  # ``np.r_[3:]`` is an error; ``np.mgrid[:]`` too
    return _range_length(args)


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
        kind = integers if _all_ints(ctx.value(0)) and not ctx.has(1, "dtype") else (lambda made: made)
        if result.shape.rank == 1:
            return kind(ArrayValue(result.shape, made_at=ctx.node))
        return kind(ArrayValue(result.shape, explicit=True))  # [[3], [11]]: a shape written out by hand
    return result


def _all_ints(value: Value) -> bool:
    """A nested list literal of ints only: ``np.array`` makes integers of it."""
    if isinstance(value, TupleValue):
        return bool(value.items) and all(_all_ints(item) for item in value.items)
    return isinstance(value, IntValue)


def literal_array(value: Value) -> Value:
    """The shape of ``np.array`` of nested lists (of numbers or arrays of one shape)."""
    if isinstance(value, ArrayValue):
        return value
    if isinstance(value, IntValue):
        return ArrayValue(SCALAR)
    if isinstance(value, ListValue):  # a list grown by append: as many rows as it got, each its item
        item = literal_array(value.item) if value.item is not None else UNKNOWN
        if isinstance(item, ArrayValue) and item.shape.known_rank:
            return ArrayValue(Shape((unknown(),) + tuple(item.shape.dims)))
        return UNKNOWN
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


@function("meshgrid")
def meshgrid(ctx: CallContext) -> Value:
    """A tuple of coordinate arrays: ``(len(y), len(x))`` each for ``xy`` indexing, ``(len(x),
    len(y))`` for ``ij``; ``sparse=True`` keeps one axis each."""
    indexing = ctx.value(None, "indexing")
    sparse = ctx.keyword_true("sparse")
    if "indexing" in ctx.kwargs and not isinstance(indexing, StrValue) or sparse is None or set(ctx.kwargs) - {"indexing", "sparse", "copy"}:
        return UNKNOWN
    mode = indexing.text if isinstance(indexing, StrValue) else "xy"
    inputs = [as_array(value) for _, value in ctx.args]
    if mode not in ("xy", "ij") or any(a is None for a in inputs):
        return UNKNOWN
    shapes = ops.meshgrid([a.shape for a in inputs], mode, sparse)
    return TupleValue(tuple(ArrayValue(shape) for shape in shapes))


@function("mgrid", "ogrid", subscript=True)
def grid(ctx: CallContext) -> Value:
    """``np.mgrid[0:n, 0:m]`` is one ``(2, n, m)`` array; ``np.ogrid`` a tuple of ``(n, 1)`` and
    ``(1, m)``; one slice gives one ``(n,)`` array."""
    lengths = []
    for node, _ in ctx.args:
        if not isinstance(node, cst.Slice):
            return UNKNOWN
        length = slice_range(ctx, node)
        if length is None:
            return UNKNOWN
        lengths.append(length)
    if len(lengths) == 1:
        return ctx.made(shape_of(lengths))
    shapes = ops.meshgrid([shape_of([n]) for n in lengths], "ij", sparse=ctx.name.endswith("ogrid"))
    if ctx.name.endswith("ogrid"):
        return TupleValue(tuple(ArrayValue(shape) for shape in shapes))
    return ArrayValue(shape_of([const(len(lengths))] + list(shapes[0].dims)))
