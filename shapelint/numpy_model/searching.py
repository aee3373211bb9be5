"""Searching and counting: what they return are integer positions (indices) or boolean masks."""
from __future__ import annotations

from ..domain.dims import const, unknown
from ..domain.shapes import shape_of
from ..infer.values import UNKNOWN, ArrayValue, TupleValue, Value
from .kinds import booleans, integers
from .properties import describe
from .registry import CallContext, function


describe("compress", method=True, data_length=True)
describe(
    "extract", "trim_zeros", "delete", "insert", "append", "setdiff1d", "intersect1d", "union1d", "resize",
    data_length=True,
)


@function("nonzero", method=True, properties={"data_length", "pure"})
def nonzero(ctx: CallContext) -> Value:
    """One integer array per axis, all of one unknown length (the count of nonzero elements)."""
    source = ctx.array(0, "a")
    if source is None or not source.shape.rank:
        return UNKNOWN  # on a 0-d array NumPy 2 raises, NumPy 1 gave one array
    count = unknown()
    return TupleValue(tuple(integers(ArrayValue(shape_of([count]))) for _ in range(source.shape.rank)))


@function("argwhere", properties={"data_length"})
def argwhere(ctx: CallContext) -> Value:
    source = ctx.array(0, "a")
    if source is None or not source.shape.known_rank:
        return UNKNOWN
    return integers(ArrayValue(shape_of([unknown(), const(source.shape.rank)])))


describe("flatnonzero", data_length=True)


@function("flatnonzero", "bincount")
def counted(ctx: CallContext) -> Value:
    return integers(ArrayValue(shape_of([unknown()]))) if ctx.array(0) is not None else UNKNOWN


@function("searchsorted", method=True)
def searchsorted(ctx: CallContext) -> Value:
    """A position in ``a`` for each value of ``v``: v's shape."""
    v = ctx.array(1, "v")
    return UNKNOWN if v is None else integers(ArrayValue(v.shape))


@function("digitize")
def digitize(ctx: CallContext) -> Value:
    x = ctx.array(0, "x")
    return UNKNOWN if x is None else integers(ArrayValue(x.shape))


@function("isin")
def isin(ctx: CallContext) -> Value:
    element = ctx.array(0, "element")
    return UNKNOWN if element is None else booleans(ArrayValue(element.shape))
