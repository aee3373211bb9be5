"""Reductions (``axis``, ``keepdims``), as functions and as methods."""
from __future__ import annotations

from ..domain import ops
from ..domain.shapes import ShapeError, normalize_axes
from ..infer.values import UNKNOWN, ArrayValue, Reduction, Value
from .registry import CallContext, function

REDUCTIONS = (
    "sum", "mean", "std", "var", "max", "min", "amax", "amin", "prod", "argmax", "argmin",
    "any", "all", "median", "nansum", "nanmean", "nanmax", "nanmin", "nanstd", "nanvar",
    "nanmedian", "nanprod", "ptp", "count_nonzero", "average", "nanargmax", "nanargmin",
)
METHOD_REDUCTIONS = ("sum", "mean", "std", "var", "max", "min", "prod", "argmax", "argmin", "any", "all", "ptp")


@function(*REDUCTIONS)
def reduction(ctx: CallContext) -> Value:
    return reduce_call(ctx, axis_index=1)


@function(*METHOD_REDUCTIONS, prefix=None, method=True)
def method_reduction(ctx: CallContext) -> Value:
    return reduce_call(ctx, axis_index=1)


@function("linalg.norm")
def norm(ctx: CallContext) -> Value:
    return reduce_call(ctx, axis_index=2)


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
    """Same shape along an axis; flattened when ``axis=None`` (cumsum's default)."""
    source = ctx.array(0, "a")
    if source is None:
        return UNKNOWN
    name = ctx.name.rsplit(".", 1)[-1]
    default = None if name.startswith(("cum", "nancum")) else -1
    axes = ctx.axes(1) if ctx.has(1, "axis") else default
    if axes is ...:
        return UNKNOWN
    if axes is None:
        from ..domain.shapes import shape_of, size

        return ArrayValue(shape_of([size(source.shape)]))
    return ArrayValue(source.shape)
