"""Elementwise functions: unary ufuncs keep the shape; binary ones broadcast."""
from __future__ import annotations

from ..infer.values import UNKNOWN, ArrayValue, Value
from .kinds import as_dtype, booleans
from .properties import describe
from .registry import CallContext, function

UNARY = (
    "exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "square", "reciprocal",
    "tanh", "sinh", "cosh", "arctanh", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "abs", "absolute", "fabs", "sign", "negative", "positive", "floor", "ceil", "trunc", "rint",
    "round", "around", "isnan", "isinf", "isfinite", "logical_not", "nan_to_num", "real", "imag",
    "conj", "conjugate", "deg2rad", "rad2deg", "signbit", "invert", "angle",
)
BINARY = (
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power", "float_power",
    "mod", "remainder", "fmod", "maximum", "minimum", "fmax", "fmin", "greater", "greater_equal",
    "less", "less_equal", "equal", "not_equal", "logical_and", "logical_or", "logical_xor",
    "arctan2", "hypot", "heaviside", "copysign", "logaddexp", "isclose", "bitwise_and", "bitwise_or",
)


PREDICATES = (
    "isnan", "isinf", "isfinite", "logical_not", "signbit", "greater", "greater_equal", "less",
    "less_equal", "equal", "not_equal", "logical_and", "logical_or", "logical_xor", "isclose",
)  # booleans: as an index, a mask


describe("maximum", "fmax", step_of="max")
describe("minimum", "fmin", step_of="min")


@function(*UNARY, properties={"ufunc", "elementwise", "batches"})
def unary(ctx: CallContext) -> Value:
    source = ctx.array(0, "x")
    if source is None:
        return UNKNOWN
    return booleans(source) if ctx.name.rsplit(".", 1)[-1] in PREDICATES else source


@function("round", "conj", "conjugate", "astype", prefix=None, method=True, properties={"pure"})
def same_shape_method(ctx: CallContext) -> Value:
    source = ctx.array(0)
    if source is None:
        return UNKNOWN
    dtype = ctx.arg(1, "dtype")
    return as_dtype(source, dtype[0]) if ctx.name == "astype" and dtype is not None else source


@function(*BINARY, properties={"ufunc", "elementwise", "batches"})
def binary(ctx: CallContext) -> Value:
    left, right = ctx.arg(0, "x1"), ctx.arg(1, "x2")
    if left is None or right is None:
        return UNKNOWN
    name = ctx.name.rsplit(".", 1)[-1]
    result = ctx.interp.elementwise(ctx.frame, ctx.node, name, left, right)
    return booleans(result) if name in PREDICATES else result


@function("where", properties={"elementwise", "batches"})
def where(ctx: CallContext) -> Value:
    if len(ctx.args) == 1 and not ctx.kwargs:
        from .searching import nonzero

        return nonzero(ctx)  # ``np.where(cond)`` is ``np.nonzero(cond)``
    if len(ctx.args) != 3:
        return UNKNOWN
    (cond_node, cond), x, y = ctx.args
    chosen = ctx.interp.elementwise(ctx.frame, ctx.node, "where", x, y)
    if chosen is UNKNOWN:
        return UNKNOWN
    result = ctx.interp.elementwise(ctx.frame, ctx.node, "where", (ctx.node, chosen), (cond_node, cond))
    return ArrayValue(result.shape) if isinstance(result, ArrayValue) else UNKNOWN


@function("clip", method=True, properties={"elementwise", "batches", "pure"})
def clip(ctx: CallContext) -> Value:
    result = ctx.arg(0, "a")
    if result is None:
        return UNKNOWN
    current: Value = result[1]
    for bound in (ctx.arg(1, "a_min"), ctx.arg(2, "a_max")):
        if bound is None:
            continue
        if isinstance(bound[1], ArrayValue) and bound[1].shape.rank:
            current = ctx.interp.elementwise(ctx.frame, ctx.node, "clip", (result[0], current), bound)
    return current
