"""NumPy's shape rules as pure functions: each returns a Shape or raises ShapeError.

Unknown inputs give unknown outputs; an error is raised only when NumPy would
raise for every size the symbols could take.
"""
from __future__ import annotations

from typing import Optional, Sequence

from .dims import ONE, AnyDim, Dim, const, dim_add, dim_div, dim_eq, dim_mul, dim_sub, is_one, unknown
from .indexing import (  # noqa: F401  (re-exported: ops is where callers find every rule)
    ArrayIndex,
    EllipsisIndex,
    IntIndex,
    MaskIndex,
    NewAxis,
    OpaqueIndex,
    SliceIndex,
    index,
)
from .shapes import (
    SCALAR,
    UNKNOWN_SHAPE,
    Shape,
    ShapeError,
    normalize_axes,
    normalize_axis,
    shape_of,
    size,
)


def broadcast_dim(x: AnyDim, y: AnyDim) -> AnyDim:
    if dim_eq(x, y) is True:
        return x
    if is_one(x) is True:
        return y
    if is_one(y) is True:
        return x
    if dim_eq(x, y) is False:
        raise ShapeError(f"sizes {x} and {y} do not broadcast")
    return unknown()


def broadcast(a: Shape, b: Shape) -> Shape:
    """Right-align, pad with 1s, take the larger along each axis."""
    if a.dims is None or b.dims is None:
        return UNKNOWN_SHAPE
    rank = max(len(a.dims), len(b.dims))
    pa = (ONE,) * (rank - len(a.dims)) + a.dims
    pb = (ONE,) * (rank - len(b.dims)) + b.dims
    try:
        return shape_of(broadcast_dim(x, y) for x, y in zip(pa, pb))
    except ShapeError:
        raise ShapeError(f"operands with shapes {a} and {b} do not broadcast") from None


def stretched_axes(operand: Shape, result: Shape) -> list[int]:
    """Axes (of the result) along which broadcasting stretched ``operand`` from 1 (or nothing)."""
    if operand.dims is None or result.dims is None or len(operand.dims) > len(result.dims):
        return []
    pad = len(result.dims) - len(operand.dims)
    axes = []
    for i, d in enumerate(result.dims):
        own = ONE if i < pad else operand.dims[i - pad]
        if is_one(own) is True and is_one(d) is not True and isinstance(d, Dim):
            axes.append(i)
    return axes


def broadcast_all(shapes: Sequence[Shape]) -> Shape:
    result = SCALAR
    for s in shapes:
        result = broadcast(result, s)
    return result


def _check_inner(left: AnyDim, right: AnyDim, a: Shape, b: Shape) -> None:
    if dim_eq(left, right) is False:
        raise ShapeError(f"inner dimensions {left} and {right} of {a} and {b} differ")


def matmul(a: Shape, b: Shape) -> Shape:
    """``a @ b``: 1-D operands are promoted and the promoted axis dropped; stacks broadcast."""
    if a.dims is None or b.dims is None:
        return UNKNOWN_SHAPE
    if not a.dims or not b.dims:
        raise ShapeError("matmul does not accept scalar operands; use *")
    ad = (ONE,) + a.dims if len(a.dims) == 1 else a.dims
    bd = b.dims + (ONE,) if len(b.dims) == 1 else b.dims
    _check_inner(ad[-1], bd[-2], a, b)
    batch = broadcast(Shape(ad[:-2]), Shape(bd[:-2]))
    if batch.dims is None:
        return UNKNOWN_SHAPE
    out = list(batch.dims)
    if len(a.dims) > 1:
        out.append(ad[-2])
    if len(b.dims) > 1:
        out.append(bd[-1])
    return shape_of(out)


def inner_dims(a: Shape, b: Shape) -> Optional[tuple[AnyDim, AnyDim]]:
    """The two sizes a matrix product (``@`` or ``np.dot``) sums over, which must be equal."""
    if not a.dims or not b.dims:
        return None
    return a.dims[-1], b.dims[0] if len(b.dims) == 1 else b.dims[-2]


def dot(a: Shape, b: Shape) -> Shape:
    """``np.dot``: like matmul up to 2-D; for N-D a sum over a's last and b's second-to-last axis."""
    if a.dims is None or b.dims is None:
        return UNKNOWN_SHAPE
    if not a.dims or not b.dims:
        return broadcast(a, b)
    if len(a.dims) <= 2 and len(b.dims) <= 2:
        return matmul(a, b)
    if len(b.dims) == 1:
        _check_inner(a.dims[-1], b.dims[0], a, b)
        return Shape(a.dims[:-1])
    _check_inner(a.dims[-1], b.dims[-2], a, b)
    return Shape(a.dims[:-1] + b.dims[:-2] + b.dims[-1:])


def outer(a: Shape, b: Shape) -> Shape:
    return shape_of((size(a), size(b)))


def reduce(shape: Shape, axis: Optional[Sequence[int]], keepdims: bool = False) -> Shape:
    """A reduction over ``axis`` (None: all axes)."""
    if shape.dims is None:
        return UNKNOWN_SHAPE
    rank = len(shape.dims)
    axes = tuple(range(rank)) if axis is None else normalize_axes(axis, rank)
    if keepdims:
        return shape_of(ONE if i in axes else d for i, d in enumerate(shape.dims))
    return shape_of(d for i, d in enumerate(shape.dims) if i not in axes)


def transpose(shape: Shape, axes: Optional[Sequence[int]] = None) -> Shape:
    if shape.dims is None:
        return UNKNOWN_SHAPE
    if axes is None:
        return Shape(tuple(reversed(shape.dims)))
    if len(axes) != len(shape.dims):
        raise ShapeError(f"axes {tuple(axes)} don't match an array of rank {len(shape.dims)}")
    order = normalize_axes(axes, len(shape.dims))
    return shape_of(shape.dims[i] for i in order)


def swapaxes(shape: Shape, axis1: int, axis2: int) -> Shape:
    if shape.dims is None:
        return UNKNOWN_SHAPE
    rank = len(shape.dims)
    i, j = normalize_axis(axis1, rank), normalize_axis(axis2, rank)
    dims = list(shape.dims)
    dims[i], dims[j] = dims[j], dims[i]
    return shape_of(dims)


INFER = object()  # the -1 in a reshape


def reshape(shape: Shape, new: Sequence[object]) -> Shape:
    """``new`` holds dims and at most one INFER marker."""
    inferred = [i for i, d in enumerate(new) if d is INFER]
    if len(inferred) > 1:
        raise ShapeError("can only specify one unknown dimension (-1) in reshape")
    total = size(shape)
    known_part: AnyDim = ONE
    for d in new:
        if d is not INFER:
            known_part = dim_mul(known_part, d)
    if inferred:
        missing = dim_div(total, known_part)
        if isinstance(missing, Dim) and isinstance(total, Dim) and total.is_const and known_part == Dim(0):
            missing = unknown()
        dims = [missing if d is INFER else d for d in new]
        if isinstance(total, Dim) and isinstance(known_part, Dim) and total.is_const and known_part.is_const:
            if known_part.coeff == 0 or total.coeff % known_part.coeff:
                raise ShapeError(f"cannot reshape an array of shape {shape} into {_show(new)}")
        return shape_of(dims)
    if dim_eq(total, known_part) is False:
        raise ShapeError(f"cannot reshape an array of shape {shape} (size {total}) into {_show(new)}")
    return shape_of(new)


def _show(new: Sequence[object]) -> str:
    return "(" + ", ".join("-1" if d is INFER else str(d) for d in new) + ")"


# --- joining and axis manipulation -------------------------------------------


def concatenate(shapes: Sequence[Shape], axis: int = 0) -> Shape:
    if not shapes or any(s.dims is None for s in shapes):
        return UNKNOWN_SHAPE
    rank = len(shapes[0].dims)
    if any(len(s.dims) != rank for s in shapes):
        ranks = ", ".join(str(s) for s in shapes)
        raise ShapeError(f"all the input arrays must have the same number of dimensions: {ranks}")
    if rank == 0:
        raise ShapeError("zero-dimensional arrays cannot be concatenated")
    ax = normalize_axis(axis, rank)
    out = list(shapes[0].dims)
    for s in shapes[1:]:
        for i, d in enumerate(s.dims):
            if i == ax:
                out[i] = dim_add(out[i], d)
            elif dim_eq(out[i], d) is False:
                raise ShapeError(f"sizes along axis {i} differ: {shapes[0]} and {s}")
            elif dim_eq(out[i], d) is None:
                out[i] = unknown()
    return shape_of(out)


def stack(shapes: Sequence[Shape], axis: int = 0) -> Shape:
    if not shapes or any(s.dims is None for s in shapes):
        return UNKNOWN_SHAPE
    first = shapes[0]
    for s in shapes[1:]:
        if len(s.dims) != len(first.dims) or any(dim_eq(x, y) is False for x, y in zip(s.dims, first.dims)):
            raise ShapeError(f"all input arrays must have the same shape: {first} and {s}")
    ax = normalize_axis(axis, len(first.dims) + 1)
    dims = list(first.dims)
    dims.insert(ax, Dim(len(shapes)))
    return shape_of(dims)


def atleast(shape: Shape, rank: int) -> Shape:
    """``np.atleast_1d``/``atleast_2d``: scalars and vectors gain leading axes of size 1 (a vector
    becomes a row); ``atleast_3d`` puts a vector in the middle and a matrix in front."""
    if shape.dims is None or len(shape.dims) >= rank:
        return shape
    if rank == 3 and shape.dims:
        return Shape(((ONE,) if len(shape.dims) == 1 else ()) + shape.dims + (ONE,))
    return Shape((ONE,) * (rank - len(shape.dims)) + shape.dims)


def promote(shape: Shape, ndmin: int, trans1d: int = -1) -> Shape:
    """``np.array(a, ndmin=ndmin)``, then (``trans1d`` != -1) its own axes moved to position
    ``trans1d``, as ``np.r_``/``np.c_`` do: a vector in ``np.c_`` becomes a column."""
    if shape.dims is None or len(shape.dims) >= ndmin:
        return shape
    padded = (ONE,) * (ndmin - len(shape.dims)) + shape.dims
    if trans1d == -1:
        return Shape(padded)
    k2, k1 = ndmin - len(shape.dims), trans1d
    if k1 < 0:
        k1 += k2 + 1
    axes = list(range(ndmin))
    return transpose(Shape(padded), axes[:k1] + axes[k2:] + axes[k1:k2])


def column_stack(shapes: Sequence[Shape]) -> Shape:
    return concatenate([transpose(atleast(s, 2)) if s.rank is not None and s.rank < 2 else s for s in shapes], 1)


def dstack(shapes: Sequence[Shape]) -> Shape:
    return concatenate([atleast(s, 3) for s in shapes], 2)


def flat_concatenate(shapes: Sequence[Shape]) -> Shape:
    """``np.concatenate(arrays, axis=None)``: every array flattened, one after the other."""
    if not shapes:
        return UNKNOWN_SHAPE
    total = size(shapes[0])
    for s in shapes[1:]:
        total = dim_add(total, size(s))
    return shape_of([total])


def vstack(shapes: Sequence[Shape]) -> Shape:
    return concatenate([atleast(s, 2) for s in shapes], 0)


def hstack(shapes: Sequence[Shape]) -> Shape:
    promoted = [atleast(s, 1) for s in shapes]
    if promoted and all(s.dims is not None and len(s.dims) == 1 for s in promoted):
        return concatenate(promoted, 0)
    return concatenate(promoted, 1)


def expand_dims(shape: Shape, axis: int) -> Shape:
    if shape.dims is None:
        return UNKNOWN_SHAPE
    ax = normalize_axis(axis, len(shape.dims) + 1)
    dims = list(shape.dims)
    dims.insert(ax, ONE)
    return shape_of(dims)


def squeeze(shape: Shape, axis: Optional[Sequence[int]] = None) -> Shape:
    """Without axis, drops the axes that are provably 1; a dim that might be 1 makes the rank unknown."""
    if shape.dims is None:
        return UNKNOWN_SHAPE
    if axis is None:
        if any(is_one(d) is None and not (isinstance(d, Dim) and d.symbols) for d in shape.dims):
            return UNKNOWN_SHAPE
        return shape_of(d for d in shape.dims if is_one(d) is not True)
    axes = normalize_axes(axis, len(shape.dims))
    for a in axes:
        if is_one(shape.dims[a]) is False:
            raise ShapeError(f"cannot select an axis to squeeze out which has size not equal to one: axis {a} of {shape}")
    return shape_of(d for i, d in enumerate(shape.dims) if i not in axes)


# --- repeating, padding, differencing ----------------------------------------------


def tile(shape: Shape, reps: Sequence[AnyDim]) -> Shape:
    """``np.tile``: the shorter of shape and reps gains leading 1s; sizes multiply."""
    if shape.dims is None:
        return UNKNOWN_SHAPE
    rank = max(len(shape.dims), len(reps))
    dims = (ONE,) * (rank - len(shape.dims)) + shape.dims
    reps = (ONE,) * (rank - len(reps)) + tuple(reps)
    return shape_of(dim_mul(d, r) for d, r in zip(dims, reps))


def repeat(shape: Shape, count: Optional[AnyDim], axis: Optional[int]) -> Shape:
    """``np.repeat`` by one count (None: counts per element, so an unknown total); ``axis`` None
    flattens first."""
    if shape.dims is None:
        return UNKNOWN_SHAPE
    if axis is None:
        return shape_of([unknown() if count is None else dim_mul(size(shape), count)])
    dims = list(shape.dims) or [ONE]  # a 0-d array repeats as a 1-element vector
    ax = normalize_axis(axis, len(dims))
    dims[ax] = unknown() if count is None else dim_mul(dims[ax], count)
    return shape_of(dims)


def pad(shape: Shape, widths: Sequence[tuple[AnyDim, AnyDim]]) -> Shape:
    """``np.pad`` with one (before, after) pair per axis."""
    if shape.dims is None:
        return UNKNOWN_SHAPE
    return shape_of(dim_add(dim_add(d, before), after) for d, (before, after) in zip(shape.dims, widths))


def diff(shape: Shape, n: int, axis: int) -> Shape:
    """``np.diff``: ``n`` fewer along ``axis`` (never below 0)."""
    if shape.dims is None:
        return UNKNOWN_SHAPE
    if n < 0:
        raise ShapeError(f"order must be non-negative but got {n}")
    if n == 0:
        return shape
    if not shape.dims:
        raise ShapeError("diff requires input that is at least one dimensional")
    ax = normalize_axis(axis, len(shape.dims))
    dims = list(shape.dims)
    d = dims[ax]
    if isinstance(d, Dim) and d.is_const:
        dims[ax] = const(max(0, d.coeff - n))
    else:
        dims[ax] = dim_sub(d, const(n))
    return shape_of(dims)


def meshgrid(shapes: Sequence[Shape], indexing: str = "xy", sparse: bool = False) -> list[Shape]:
    """``np.meshgrid``: each input flattened; ``xy`` swaps the first two axes of every output."""
    lengths = [size(s) for s in shapes]
    ndim = len(lengths)
    order = list(range(ndim))
    if indexing == "xy" and ndim > 1:
        order[0], order[1] = 1, 0
    full = shape_of(lengths[i] for i in order)
    outputs = []
    for i in range(ndim):
        if sparse:
            outputs.append(shape_of(lengths[i] if j == i else ONE for j in order))
        else:
            outputs.append(full)
    return outputs
