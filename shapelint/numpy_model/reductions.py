"""Reductions (``axis``, ``keepdims``), as functions and as methods."""
from __future__ import annotations

from typing import Optional

from ..domain import ops
from ..domain.dims import const, dim_eq, is_one, probably_not_one, unknown
from ..domain.shapes import Shape, ShapeError, normalize_axes, shape_of, shapes_eq, size
from ..infer.values import UNKNOWN, ArrayValue, NoneValue, Reduction, TupleValue, Value
from .kinds import integers
from .properties import describe
from .registry import CallContext, function

REDUCTIONS = (
    "sum", "mean", "std", "var", "max", "min", "amax", "amin", "prod",
    "any", "all", "median", "nansum", "nanmean", "nanmax", "nanmin", "nanstd", "nanvar",
    "nanmedian", "nanprod", "ptp",
)
METHOD_REDUCTIONS = ("sum", "mean", "std", "var", "max", "min", "prod", "any", "all", "ptp")
INDEX_REDUCTIONS = ("argmax", "argmin", "nanargmax", "nanargmin", "count_nonzero")  # integers


describe("sum", "mean", "std", "var", "max", "min", "prod", "amax", "amin", reducer=True)
describe(*METHOD_REDUCTIONS, "argmax", "argmin", "cumsum", "cumprod", "argsort", prefix=None, method=True, pure=True)
describe("sort", prefix=None, method=True, in_place=True)


@function(*REDUCTIONS)
def reduction(ctx: CallContext) -> Value:
    return reduce_call(ctx, axis_index=1)


@function(*METHOD_REDUCTIONS, prefix=None, method=True)
def method_reduction(ctx: CallContext) -> Value:
    return reduce_call(ctx, axis_index=1)


@function(*INDEX_REDUCTIONS)
def index_reduction(ctx: CallContext) -> Value:
    """``np.argmax(y)`` is a 0-d integer array: as an index it drops an axis, like an int."""
    return integers(reduce_call(ctx, axis_index=1))


@function("argmax", "argmin", prefix=None, method=True)
def index_reduction_method(ctx: CallContext) -> Value:
    return integers(reduce_call(ctx, axis_index=1))


@function("average")
def average(ctx: CallContext) -> Value:
    """A mean over ``axis``; ``weights`` of a's shape, or 1-D along the one axis; ``returned=True``
    adds the sum of weights, of the average's shape."""
    result = reduce_call(ctx, axis_index=1)
    source, weights = ctx.array(0, "a"), ctx.array(2, "weights")
    if isinstance(result, ArrayValue) and source is not None and weights is not None:
        problem = _weights_problem(source.shape, weights.shape, ctx.axes(1))
        if problem is not None:
            return ctx.fail("np.average", ShapeError(problem))
    returned = ctx.keyword_true("returned")
    if returned is None or len(ctx.args) > 3 or not isinstance(result, ArrayValue):
        return UNKNOWN
    return TupleValue((result, ArrayValue(result.shape))) if returned else result


def _weights_problem(a: Shape, w: Shape, axes) -> Optional[str]:
    if a.dims is None or w.dims is None or shapes_eq(a, w) is not False:
        return None
    if axes is None:
        return f"axis must be specified when shapes of a {a} and weights {w} differ"
    if axes is ...:
        return None
    if len(w.dims) != len(axes):
        return f"shape of weights {w} must be consistent with shape of a {a} along axis {axes}"
    try:
        along = [a.dims[i] for i in normalize_axes(axes, len(a.dims))]
    except ShapeError:
        return None  # the reduction reported it
    if any(dim_eq(x, y) is False for x, y in zip(along, w.dims)):
        return f"shape of weights {w} must be consistent with shape of a {a} along axis {axes}"
    return None


def reduce_call(ctx: CallContext, axis_index: int) -> Value:
    source = ctx.array(0, "a")
    if source is None:
        return UNKNOWN
    axes = ctx.axes(axis_index)
    keepdims = ctx.keyword_true("keepdims")
    if axes is ... or keepdims is None:
        return UNKNOWN
    if source.shape.rank == 0:
        return source  # NumPy accepts axis=0 on a scalar and returns it
    try:
        shape = ops.reduce(source.shape, axes, keepdims)
    except ShapeError as exc:
        return ctx.fail(ctx.name.rsplit(".", 1)[-1], exc)
    provenance = None
    if axes is not None and source.shape.rank and source.shape.rank >= 2:
        name = ctx.name.rsplit(".", 1)[-1]
        axis_arg = ctx.arg(axis_index, "axis")
        axis_node = axis_arg[0] if axis_arg else None
        provenance = Reduction(ctx.node, source.shape, normalize_axes(axes, source.shape.rank), keepdims, name, axis_node)
    return ArrayValue(shape, reduction=provenance)


@function("cumsum", "cumprod", "nancumsum", "nancumprod", "sort", "argsort", method=True)
def along_axis(ctx: CallContext) -> Value:
    """Same shape along an axis (-1 by default; cumsum's default None flattens); ``argsort`` gives
    integers."""
    name = ctx.name.rsplit(".", 1)[-1]
    if name == "sort" and ctx.name == name:
        return NoneValue()  # ``a.sort()`` sorts in place
    default = None if name.startswith(("cum", "nancum")) else (-1,)
    result = _along(ctx, ctx.axes(1) if ctx.has(1, "axis") else default)
    return integers(result) if name == "argsort" else result


@function("partition", "argpartition", method=True)
def partition(ctx: CallContext) -> Value:
    if ctx.name == "partition":
        return NoneValue()  # ``a.partition(k)`` works in place
    result = _along(ctx, ctx.axes(2) if ctx.has(2, "axis") else (-1,))
    return integers(result) if ctx.name.endswith("argpartition") else result


# These see a 0-d array as one of shape (1,) (NumPy 2.4: ``np.argsort(np.array(1.0))`` is
# ``array([0])``, ``np.cumsum(x, axis=0)`` ``array([1.])``); ``sort`` and ``partition`` raise.
ZERO_D_AS_ONE_D = frozenset({"argsort", "argpartition", "cumsum", "cumprod", "nancumsum", "nancumprod"})


def _along(ctx: CallContext, axes) -> Value:
    source = ctx.array(0, "a")
    if source is None or axes is ... or not source.shape.known_rank:
        return UNKNOWN
    if axes is None:
        return ArrayValue(shape_of([size(source.shape)]))
    shape = source.shape
    name = ctx.name.rsplit(".", 1)[-1]
    if shape.rank == 0 and name in ZERO_D_AS_ONE_D:
        shape = shape_of([const(1)])
    try:
        normalize_axes(axes, shape.rank)
    except ShapeError as exc:
        return ctx.fail(name, exc)
    return ArrayValue(shape)


@function("diff")
def diff(ctx: CallContext) -> Value:
    """``n`` fewer along ``axis``; ``prepend``/``append`` add theirs first (a number adds one)."""
    source = ctx.array(0, "a")
    n, axis = ctx.constant_int(1, "n", 1), ctx.constant_int(2, "axis", -1)
    if source is None or ... in (n, axis) or not source.shape.known_rank:
        return UNKNOWN
    shape = source.shape
    for keyword in ("prepend", "append"):
        if ctx.has(None, keyword):
            extra = ctx.array(None, keyword)
            if extra is None or extra.shape.rank not in (0, shape.rank):
                return UNKNOWN  # an array broadcast to the rest of the shape
            if not shape.rank:
                return UNKNOWN
            piece = extra.shape if extra.shape.rank else _one_along(shape, axis)
            try:
                shape = ops.concatenate([piece, shape] if keyword == "prepend" else [shape, piece], axis)
            except ShapeError as exc:
                return ctx.fail("np.diff", exc)
    try:
        return ArrayValue(ops.diff(shape, n, axis))
    except ShapeError as exc:
        return ctx.fail("np.diff", exc)


def _one_along(shape: Shape, axis: int) -> Shape:
    dims = list(shape.dims)
    dims[axis % len(dims)] = const(1)
    return shape_of(dims)


@function("unique", properties={"data_length"})
def unique(ctx: CallContext) -> Value:
    """Flattened values of unknown count (or, along ``axis``, that axis of unknown length); with
    ``return_index``/``return_inverse``/``return_counts``, a tuple in that order."""
    source = ctx.array(0, "ar")
    flags = [ctx.keyword_true(k) for k in ("return_index", "return_inverse", "return_counts")]
    axis = ctx.constant_int(None, "axis")
    if source is None or None in flags or len(ctx.args) > 1 or axis is ... or not source.shape.known_rank:
        return UNKNOWN
    count = unknown()
    if axis is None:
        values = ArrayValue(shape_of([count]))
    else:
        try:
            along = normalize_axes((axis,), source.shape.rank)[0]
        except ShapeError as exc:
            return ctx.fail("np.unique", exc)
        values = ArrayValue(shape_of(count if i == along else d for i, d in enumerate(source.shape.dims)))
    if not any(flags):
        return values
    extra = []
    if flags[0]:
        extra.append(integers(ArrayValue(shape_of([count]))))
    if flags[1]:
        # NumPy 2 gives the input's shape for axis=None, NumPy 1 the flattened size: the same for 1-D
        same = axis is None and source.shape.rank == 1
        extra.append(integers(ArrayValue(source.shape)) if same else UNKNOWN)
    if flags[2]:
        extra.append(integers(ArrayValue(shape_of([count]))))
    return TupleValue((values, *extra))


@function("cov", "corrcoef")
def covariance(ctx: CallContext) -> Value:
    """``(k, k)`` for k variables: the rows (``rowvar=True``) or the columns of ``m``, then those of
    ``y``; squeezed, so one variable gives a 0-d array."""
    m, y = ctx.array(0, "m" if ctx.name.endswith("cov") else "x"), ctx.array(1, "y")
    rowvar = ctx.flag(2, "rowvar", True)
    if m is None or rowvar is None or (ctx.has(1, "y") and y is None and not isinstance(ctx.value(1, "y"), NoneValue)):
        return UNKNOWN
    variables = [_variables(m.shape, rowvar, m.shape.rank == 1)]
    if y is not None:
        variables.append(_variables(y.shape, rowvar, None))
    for shape in [m.shape] + ([y.shape] if y is not None else []):
        if shape.rank is not None and shape.rank > 2:
            return ctx.fail(f"np.{ctx.name.rsplit('.', 1)[-1]}", ShapeError(f"an array of shape {shape} has more than 2 dimensions"))
    if any(v is None for v in variables):
        return UNKNOWN
    try:
        k = ops.concatenate(variables, 0).dims[0]
        return ArrayValue(ops.squeeze(shape_of([k, k])))
    except ShapeError as exc:
        return ctx.fail(f"np.{ctx.name.rsplit('.', 1)[-1]}", exc)


def _variables(shape: Shape, rowvar: bool, keep: Optional[bool]) -> Optional[Shape]:
    """The (variables, observations) matrix NumPy makes of ``m`` or ``y``; ``keep`` says whether
    ``rowvar=False`` leaves it as is (None: when it has one row)."""
    if shape.dims is None:
        return None
    matrix = ops.atleast(shape, 2)
    if rowvar or len(shape.dims) > 2:
        return matrix
    if keep is None:
        first = is_one(matrix.dims[0])
        if first is None and not probably_not_one(matrix.dims[0]):
            return None
        keep = bool(first)
    return matrix if keep else ops.transpose(matrix)
