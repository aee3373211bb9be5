"""Products and linear algebra: matmul, dot, outer, inner, and ``numpy.linalg``."""
from __future__ import annotations

from ..domain import ops
from ..domain.shapes import SCALAR, Shape, ShapeError
from ..infer.values import UNKNOWN, ArrayValue, Value
from .registry import CallContext, function


@function("matmul")
def matmul(ctx: CallContext) -> Value:
    if len(ctx.args) < 2 or {"axes", "axis"} & set(ctx.kwargs):
        return UNKNOWN
    return ctx.interp.matmul(ctx.frame, ctx.node, "np.matmul", ctx.args[0], ctx.args[1])


@function("dot", method=True)
def dot(ctx: CallContext) -> Value:
    if len(ctx.args) < 2:
        return UNKNOWN
    return ctx.interp.matmul(ctx.frame, ctx.node, "np.dot", ctx.args[0], ctx.args[1])


@function("outer")
def outer(ctx: CallContext) -> Value:
    a, b = ctx.array(0), ctx.array(1)
    if a is None or b is None:
        return UNKNOWN
    return ArrayValue(ops.outer(a.shape, b.shape), explicit=True)


@function("vdot", "inner")
def inner(ctx: CallContext) -> Value:
    a, b = ctx.array(0), ctx.array(1)
    if a is None or b is None:
        return UNKNOWN
    if ctx.name.endswith("vdot") or (a.shape.rank == 1 and b.shape.rank == 1):
        return ArrayValue(SCALAR)
    return UNKNOWN


@function("trace")
def trace(ctx: CallContext) -> Value:
    a = ctx.array(0)
    if a is None or a.shape.dims is None or len(a.shape.dims) < 2:
        return UNKNOWN
    return ArrayValue(Shape(a.shape.dims[2:]))


@function("linalg.inv", "linalg.matrix_power", "linalg.cholesky", "linalg.expm")
def same_square(ctx: CallContext) -> Value:
    a = ctx.array(0)
    return UNKNOWN if a is None else ArrayValue(ctx.interp.learn_square(ctx.frame, a).shape)


@function("linalg.pinv")
def pinv(ctx: CallContext) -> Value:
    a = ctx.array(0)
    if a is None or a.shape.dims is None or len(a.shape.dims) < 2:
        return UNKNOWN
    return ArrayValue(Shape(a.shape.dims[:-2] + (a.shape.dims[-1], a.shape.dims[-2])))


@function("linalg.det", "linalg.slogdet_sign")
def det(ctx: CallContext) -> Value:
    a = ctx.array(0)
    if a is None or a.shape.dims is None or len(a.shape.dims) < 2:
        return UNKNOWN
    ctx.interp.learn_square(ctx.frame, a)
    return ArrayValue(Shape(a.shape.dims[:-2]))


@function("linalg.solve")
def solve(ctx: CallContext) -> Value:
    a, b = ctx.array(0), ctx.array(1)
    if a is not None:
        a = ctx.interp.learn_square(ctx.frame, a)
    if a is None or b is None:
        return UNKNOWN
    if a.shape.rank == 2 and b.shape.rank in (1, 2):
        try:
            return ArrayValue(ops.matmul(ops.transpose(a.shape), b.shape))
        except ShapeError as exc:
            return ctx.fail("np.linalg.solve", exc)
    return UNKNOWN
