"""``numpy.random`` functions and ``default_rng()`` generators."""
from __future__ import annotations

from ..domain.shapes import SCALAR, shape_of
from ..infer.values import UNKNOWN, ArrayValue, GeneratorValue, NoneValue, Value
from .registry import CallContext, function


def _sized(ctx: CallContext, index: int, keyword: str = "size") -> Value:
    found = ctx.arg(index, keyword)
    if found is None or isinstance(found[1], NoneValue):
        return ArrayValue(SCALAR)
    dims = ctx.dims(index, keyword)
    return UNKNOWN if dims is None else ctx.made(shape_of(dims))


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
