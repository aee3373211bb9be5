"""``numpy.random`` functions and ``default_rng()`` generators."""
from __future__ import annotations

from ..domain import ops
from ..domain.shapes import SCALAR, ShapeError, shape_of
from ..infer.values import UNKNOWN, ArrayValue, GeneratorValue, NoneValue, Value, as_array
from .registry import CallContext, function


def _sized(ctx: CallContext, index: int, keyword: str = "size") -> Value:
    """With ``size=`` that shape; without it, the distribution's parameters broadcast together
    (``rng.poisson(lam)`` has ``lam``'s shape), a number only when every parameter is one."""
    found = ctx.arg(index, keyword)
    if found is None or isinstance(found[1], NoneValue):
        return _parameters_shape(ctx, index)
    dims = ctx.dims(index, keyword)
    return UNKNOWN if dims is None else ctx.made(shape_of(dims))


def _parameters_shape(ctx: CallContext, size_index: int) -> Value:
    parameters = [value for node, value in ctx.args[:size_index]]
    parameters += [value for keyword, (node, value) in ctx.kwargs.items() if keyword not in ("size", "dtype", "out", "endpoint")]
    shapes = []
    for value in parameters:
        array = as_array(value)
        if array is None:
            return UNKNOWN  # a list, or something unknown: it may be an array of any shape
        shapes.append(array.shape)
    try:
        shape = ops.broadcast_all(shapes)
    except ShapeError:
        return UNKNOWN
    return ArrayValue(shape) if shape.known_rank else UNKNOWN


@function("random.randn", "random.rand")
def randn(ctx: CallContext) -> Value:
    if not ctx.args:
        return ArrayValue(SCALAR)
    dims = ctx.varargs_dims()
    return UNKNOWN if dims is None else ctx.made(shape_of(dims))


@function("random.standard_normal", "random.random", "random.random_sample", "random.ranf", "random.sample")
def sized_first(ctx: CallContext) -> Value:
    return _sized(ctx, 0)


@function("random.normal", "random.uniform", "random.binomial", "random.lognormal", "random.gamma", "random.beta", "random.logistic", "random.laplace")
def sized_third(ctx: CallContext) -> Value:
    return _sized(ctx, 2)


@function("random.poisson", "random.exponential", "random.standard_t", "random.chisquare", "random.geometric", "random.rayleigh")
def sized_second(ctx: CallContext) -> Value:
    return _sized(ctx, 1)


@function("random.randint")
def randint(ctx: CallContext) -> Value:
    return _sized(ctx, 2)


@function("random.default_rng", "random.RandomState", "random.Generator")
def generator(ctx: CallContext) -> Value:
    return GeneratorValue()


@function("standard_normal", "random", prefix=None, generator=True)
def gen_sized_first(ctx: CallContext) -> Value:
    return _sized(ctx, 0)


@function("normal", "uniform", "integers", "binomial", "lognormal", "gamma", "beta", "logistic", "laplace", "randint", prefix=None, generator=True)
def gen_sized_third(ctx: CallContext) -> Value:
    return _sized(ctx, 2)


@function("poisson", "exponential", "standard_t", "chisquare", "geometric", "rayleigh", prefix=None, generator=True)
def gen_sized_second(ctx: CallContext) -> Value:
    return _sized(ctx, 1)


@function("randn", "rand", prefix=None, generator=True)
def legacy_randn(ctx: CallContext) -> Value:
    return randn(ctx)
