"""``numpy.random`` functions and ``default_rng()`` generators."""
from __future__ import annotations

from ..domain import ops
from ..domain.dims import dim_eq
from ..domain.shapes import SCALAR, ShapeError, normalize_axis, shape_of
from ..infer.values import UNKNOWN, ArrayValue, GeneratorValue, IntValue, NoneValue, Value, as_array
from .kinds import integers
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


@function("random.randn", "random.rand", properties={"size_args"})
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


@function("random.default_rng", "random.RandomState", "random.Generator")
def generator(ctx: CallContext) -> Value:
    return GeneratorValue()


@function("standard_normal", "random", prefix=None, generator=True)
def gen_sized_first(ctx: CallContext) -> Value:
    return _sized(ctx, 0)


@function("normal", "uniform", "binomial", "lognormal", "gamma", "beta", "logistic", "laplace", prefix=None, generator=True)
def gen_sized_third(ctx: CallContext) -> Value:
    return _sized(ctx, 2)


@function("poisson", "exponential", "standard_t", "chisquare", "geometric", "rayleigh", prefix=None, generator=True)
def gen_sized_second(ctx: CallContext) -> Value:
    return _sized(ctx, 1)


@function("randn", "rand", prefix=None, generator=True)
def legacy_randn(ctx: CallContext) -> Value:
    return randn(ctx)


@function("random.standard_exponential", "random.standard_cauchy", generator=True)
def sized_first_more(ctx: CallContext) -> Value:
    return _sized(ctx, 0)


@function("random.standard_gamma", "random.pareto", "random.weibull", "random.power", "random.zipf", "random.logseries", generator=True)
def sized_second_more(ctx: CallContext) -> Value:
    return _sized(ctx, 1)


@function(
    "random.gumbel", "random.vonmises", "random.wald", "random.f", "random.negative_binomial", "random.noncentral_chisquare",
    generator=True,
)
def sized_third_more(ctx: CallContext) -> Value:
    return _sized(ctx, 2)


@function("random.triangular", "random.hypergeometric", "random.noncentral_f", generator=True)
def sized_fourth(ctx: CallContext) -> Value:
    return _sized(ctx, 3)


@function("random.randint", "random.random_integers")
def legacy_integers(ctx: CallContext) -> Value:
    return integers(_sized(ctx, 2))


@function("integers", "randint", prefix=None, generator=True)
def gen_integers(ctx: CallContext) -> Value:
    return integers(_sized(ctx, 2))


@function("random.choice", generator=True)
def choice(ctx: CallContext) -> Value:
    """Draws from ``arange(a)`` (integers) or from ``a``'s ``axis`` (0): ``size`` replaces that
    axis, and without ``size`` one draw drops it."""
    population = ctx.value(0, "a")
    axis = ctx.constant_int(None, "axis", 0)
    size = _size(ctx, 1)
    if size is None or axis is ...:
        return UNKNOWN
    if isinstance(population, IntValue):
        return integers(ctx.made(shape_of(size)))
    source = as_array(population)
    if source is None or not source.shape.dims or source.python_number:
        return UNKNOWN
    if "axis" in ctx.kwargs and ctx.name.startswith("numpy."):
        return UNKNOWN  # the legacy np.random.choice has no axis
    try:
        ax = normalize_axis(axis, len(source.shape.dims))
    except ShapeError as exc:
        return ctx.fail("choice", exc)
    if ctx.name.startswith("numpy.") and len(source.shape.dims) != 1:
        return ctx.fail("np.random.choice", ShapeError(f"a must be 1-dimensional, not of shape {source.shape}"))
    dims = source.shape.dims
    return ctx.made(shape_of(dims[:ax] + tuple(size) + dims[ax + 1:]))


@function("random.permutation", generator=True)
def permutation(ctx: CallContext) -> Value:
    """``permutation(n)`` is ``arange(n)`` shuffled (integers); of an array, that array's shape."""
    value = ctx.value(0, "x")
    if isinstance(value, IntValue):
        return integers(ctx.made(shape_of([value.dim])))
    source = as_array(value)
    if source is None or not source.shape.dims:
        return UNKNOWN  # 0-d: NumPy raises for a non-int scalar; unknown kinds stay unknown
    return ArrayValue(source.shape)


@function("random.shuffle", generator=True)
def in_place(ctx: CallContext) -> Value:
    return NoneValue()


@function("random.multivariate_normal", "random.dirichlet", generator=True)
def vector_draws(ctx: CallContext) -> Value:
    """One vector of k per draw: ``(*size, k)`` for a mean ``(k,)`` (and cov ``(k, k)``) or
    concentrations ``(k,)``."""
    multivariate = ctx.name.endswith("multivariate_normal")
    first = ctx.array(0, "mean" if multivariate else "alpha")
    size_index = 2 if multivariate else 1
    size = _size(ctx, size_index)
    if first is None or size is None or first.shape.rank != 1:
        return UNKNOWN
    k = first.shape.dims[0]
    if multivariate:
        cov = ctx.array(1, "cov")
        if cov is None or cov.shape.rank != 2:
            return UNKNOWN
        if any(dim_eq(k, d) is False for d in cov.shape.dims):
            return ctx.fail("multivariate_normal", ShapeError(f"mean {first.shape} and cov {cov.shape} must have the same length"))
    return ctx.made(shape_of(list(size) + [k]))


@function("random.multinomial", generator=True)
def multinomial(ctx: CallContext) -> Value:
    """Counts over k outcomes per draw: ``(*size, k)`` for ``pvals (k,)`` and one ``n``."""
    n, pvals = ctx.value(0, "n"), ctx.array(1, "pvals")
    size = _size(ctx, 2)
    if not isinstance(n, IntValue) or pvals is None or pvals.shape.rank != 1 or size is None:
        return UNKNOWN
    return integers(ctx.made(shape_of(list(size) + [pvals.shape.dims[0]])))


def _size(ctx: CallContext, index: int):
    """The dims of ``size=`` ([] when absent or None: one draw); None when it cannot be read."""
    found = ctx.arg(index, "size")
    return [] if found is None or isinstance(found[1], NoneValue) else ctx.dims(index, "size")
