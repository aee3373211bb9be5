"""Products and linear algebra: matmul, dot, outer, inner, einsum, tensordot, and ``numpy.linalg``."""
from __future__ import annotations

from ..domain import contract, ops
from ..domain.dims import AnyDim, Dim, dim_eq, unknown
from ..domain.shapes import SCALAR, Shape, ShapeError, shape_of
from ..infer.values import UNKNOWN, ArrayValue, NoneValue, StrValue, TupleValue, Value, as_array
from .kinds import integers
from .properties import describe
from .reductions import reduce_call
from .registry import CallContext, function, literal_int


@function("matmul", properties={"batches"})
def matmul(ctx: CallContext) -> Value:
    if len(ctx.args) < 2 or {"axes", "axis"} & set(ctx.kwargs):
        return UNKNOWN
    return ctx.interp.matmul(ctx.frame, ctx.node, "np.matmul", ctx.args[0], ctx.args[1])


@function("dot", method=True, properties={"batches", "pure"})
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


describe("trace", "diagonal", "take", prefix=None, method=True, pure=True)


@function("trace")
def trace(ctx: CallContext) -> Value:
    a = ctx.array(0)
    if a is None or a.shape.dims is None or len(a.shape.dims) < 2:
        return UNKNOWN
    return ArrayValue(Shape(a.shape.dims[2:]))


@function("einsum")
def einsum(ctx: CallContext) -> Value:
    """``np.einsum("ij,jk->ik", a, b)``: the subscripts are parsed (``...`` and the implicit output
    included) and each label's sizes checked across the operands."""
    subscripts = ctx.value(0)
    operands = [as_array(value) for _, value in ctx.args[1:]]
    if not isinstance(subscripts, StrValue) or any(a is None for a in operands) or set(ctx.kwargs) - {"optimize", "dtype", "order", "casting"}:
        return UNKNOWN  # the interleaved (operand, sublist) form, or an ``out=``
    return _shaped(ctx, "np.einsum", lambda: contract.einsum(subscripts.text, [a.shape for a in operands]))


@function("tensordot")
def tensordot(ctx: CallContext) -> Value:
    a, b = ctx.array(0, "a"), ctx.array(1, "b")
    axes = _tensordot_axes(ctx.value(2, "axes")) if ctx.has(2, "axes") else 2
    if a is None or b is None or axes is None:
        return UNKNOWN
    return _shaped(ctx, "np.tensordot", lambda: contract.tensordot(a.shape, b.shape, axes))


def _tensordot_axes(value: Value):
    """``2``, ``(1, 0)`` or ``([1, 2], [0, 1])``; None when not literal."""
    single = literal_int(value)
    if single is not ...:
        return single
    if not isinstance(value, TupleValue) or len(value.items) != 2:
        return None
    sides = []
    for side in value.items:
        items = side.items if isinstance(side, TupleValue) else (side,)
        ints = [literal_int(item) for item in items]
        if ... in ints:
            return None
        sides.append(ints)
    return tuple(sides)


def _shaped(ctx: CallContext, operation: str, compute) -> Value:
    try:
        shape = compute()
    except ShapeError as exc:
        return ctx.fail(operation, exc)
    return ArrayValue(shape) if shape.known_rank else UNKNOWN


@function("linalg.multi_dot")
def multi_dot(ctx: CallContext) -> Value:
    found = ctx.value(0, "arrays")
    arrays = [as_array(v) for v in found.items] if isinstance(found, TupleValue) else [None]
    if len(arrays) < 2 or any(a is None for a in arrays):
        return UNKNOWN

    def chain() -> Shape:
        result = arrays[0].shape
        for a in arrays[1:]:
            result = ops.matmul(result, a.shape)
        return result

    return _shaped(ctx, "np.linalg.multi_dot", chain)


# --- numpy.linalg: stacks of matrices in the last two axes --------------------------------------


def _matrix(ctx: CallContext, index: int = 0, keyword: str = "a"):
    """The argument as a stack of matrices ``(..., M, N)``: its batch dims, M and N; None when
    that is not known."""
    a = ctx.array(index, keyword)
    if a is None or a.shape.dims is None or len(a.shape.dims) < 2:
        return None
    return a, a.shape.dims[:-2], a.shape.dims[-2], a.shape.dims[-1]


def _square(ctx: CallContext, index: int = 0, keyword: str = "a"):
    """A stack of square matrices (which the call makes known: it only runs on square input)."""
    a = ctx.array(index, keyword)
    if a is None or a.shape.dims is None or len(a.shape.dims) < 2:
        return None
    a = ctx.interp.learn_square(ctx.frame, a)
    return a, a.shape.dims[:-2], a.shape.dims[-1]


def _smaller(m: AnyDim, n: AnyDim) -> AnyDim:
    """``min(M, N)``: known when both are numbers or they are equal."""
    if dim_eq(m, n) is True:
        return m
    if isinstance(m, Dim) and isinstance(n, Dim) and m.is_const and n.is_const:
        return m if m.coeff <= n.coeff else n
    return unknown()


def _array(*dims) -> ArrayValue:
    return ArrayValue(shape_of(dims))


@function("linalg.inv", "linalg.matrix_power", "linalg.cholesky", "linalg.expm")
def same_square(ctx: CallContext) -> Value:
    a = ctx.array(0)
    return UNKNOWN if a is None else ArrayValue(ctx.interp.learn_square(ctx.frame, a).shape)


@function("linalg.pinv")
def pinv(ctx: CallContext) -> Value:
    found = _matrix(ctx)
    if found is None:
        return UNKNOWN
    _, batch, m, n = found
    return _array(*batch, n, m)


@function("linalg.det", "linalg.slogdet_sign")
def det(ctx: CallContext) -> Value:
    found = _square(ctx)
    return UNKNOWN if found is None else _array(*found[1])


@function("linalg.slogdet")
def slogdet(ctx: CallContext) -> Value:
    found = _square(ctx)
    return UNKNOWN if found is None else TupleValue((_array(*found[1]), _array(*found[1])))


@function("linalg.eigvals", "linalg.eigvalsh")
def eigvals(ctx: CallContext) -> Value:
    found = _square(ctx)
    return UNKNOWN if found is None else _array(*found[1], found[2])


@function("linalg.eig", "linalg.eigh")
def eig(ctx: CallContext) -> Value:
    """``(eigenvalues (..., M), eigenvectors (..., M, M))``."""
    found = _square(ctx)
    if found is None:
        return UNKNOWN
    _, batch, m = found
    return TupleValue((_array(*batch, m), _array(*batch, m, m)))


@function("linalg.svd")
def svd(ctx: CallContext) -> Value:
    """``U, S, Vh``: ``(M, M), (K,), (N, N)``, or ``(M, K), (K,), (K, N)`` without full matrices;
    only ``S`` with ``compute_uv=False`` (K is min(M, N))."""
    found = _matrix(ctx)
    full, compute_uv = ctx.flag(1, "full_matrices", True), ctx.flag(2, "compute_uv", True)
    if found is None or full is None or compute_uv is None:
        return UNKNOWN
    _, batch, m, n = found
    k = _smaller(m, n)
    s = _array(*batch, k)
    if not compute_uv:
        return s
    if full:
        return TupleValue((_array(*batch, m, m), s, _array(*batch, n, n)))
    return TupleValue((_array(*batch, m, k), s, _array(*batch, k, n)))


@function("linalg.qr")
def qr(ctx: CallContext) -> Value:
    """``Q, R``: ``(M, K), (K, N)`` (reduced), ``(M, M), (M, N)`` (complete); ``'r'`` gives R only."""
    found = _matrix(ctx)
    mode = ctx.value(1, "mode") if ctx.has(1, "mode") else StrValue("reduced")
    if found is None or not isinstance(mode, StrValue):
        return UNKNOWN
    _, batch, m, n = found
    k = _smaller(m, n)
    if mode.text == "reduced":
        return TupleValue((_array(*batch, m, k), _array(*batch, k, n)))
    if mode.text == "complete":
        return TupleValue((_array(*batch, m, m), _array(*batch, m, n)))
    if mode.text == "r":
        return _array(*batch, k, n)
    return UNKNOWN


@function("linalg.matrix_rank", "linalg.cond")
def per_matrix(ctx: CallContext) -> Value:
    """One number per matrix of the stack (a vector's rank too)."""
    a = ctx.array(0)
    if a is None or not a.shape.known_rank:
        return UNKNOWN
    if a.shape.rank < 2:
        return UNKNOWN if ctx.name.endswith("cond") else integers(ArrayValue(SCALAR))
    result = _array(*a.shape.dims[:-2])
    return integers(result) if ctx.name.endswith("rank") else result


@function("linalg.solve")
def solve(ctx: CallContext) -> Value:
    """``a (..., M, M)`` and ``b`` a vector (M,) or a stack of matrices ``(..., M, K)``. A stack of
    vectors is read differently by NumPy 1 and 2, so it stays unknown."""
    a, b = ctx.array(0), ctx.array(1)
    if a is not None:
        a = ctx.interp.learn_square(ctx.frame, a)
    if a is None or b is None or a.shape.rank is None or b.shape.rank is None or a.shape.rank < 2:
        return UNKNOWN
    vector = b.shape.rank == 1 and a.shape.rank == 2
    if not vector and (b.shape.rank < 2 or b.shape.rank == a.shape.rank - 1):
        return UNKNOWN
    # x has a's columns, and b must have a's rows: equal, since a is square
    return _shaped(ctx, "np.linalg.solve", lambda: ops.matmul(ops.swapaxes(a.shape, -1, -2), b.shape))


@function("linalg.lstsq")
def lstsq(ctx: CallContext) -> Value:
    """``x, residuals, rank, s``: x ``(N,)`` or ``(N, K)``; residuals of unknown length (empty
    unless the system is overdetermined and of full rank); s ``(min(M, N),)``."""
    found, b = _matrix(ctx), ctx.array(1, "b")
    if found is None or b is None or b.shape.rank not in (1, 2):
        return UNKNOWN
    a, batch, m, n = found
    if batch:
        return ctx.fail("np.linalg.lstsq", ShapeError(f"lstsq takes one matrix, not a stack {a.shape}"))
    if dim_eq(m, b.shape.dims[0]) is False:
        return ctx.fail("np.linalg.lstsq", ShapeError(f"incompatible dimensions: a {a.shape} and b {b.shape}"))
    x = _array(n, *b.shape.dims[1:])
    return TupleValue((x, _array(unknown()), integers(ArrayValue(SCALAR)), _array(_smaller(m, n))))


@function("linalg.norm")
def norm(ctx: CallContext) -> Value:
    """A vector norm over one axis, a matrix norm over two; with ``ord`` and no ``axis`` the input
    must be a vector or a matrix."""
    source, axes = ctx.array(0, "x"), ctx.axes(2)
    ordered = ctx.has(1, "ord") and not isinstance(ctx.value(1, "ord"), NoneValue)
    if source is not None and source.shape.known_rank and axes is not ...:
        count = source.shape.rank if axes is None else len(axes)
        if (ordered or axes is not None) and count not in (1, 2):
            return ctx.fail("np.linalg.norm", ShapeError(f"improper number of dimensions to norm: {count} axes of {source.shape}"))
    return reduce_call(ctx, axis_index=2)
