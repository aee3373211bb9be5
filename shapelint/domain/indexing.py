"""NumPy indexing as shape algebra: basic indices (ints, slices, ``None``, ``...``) and advanced
ones (integer arrays and boolean masks), with NumPy's rule for where advanced dimensions go."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .dims import ONE, AnyDim, Dim, dim_eq, dim_sub, unknown
from .shapes import SCALAR, UNKNOWN_SHAPE, Shape, ShapeError, shape_of


@dataclass(frozen=True)
class IntIndex:
    """A single integer: drops the axis (an advanced index of shape ``()`` beside array indices).
    ``value``: the integer, when the code gives it (``DIMS[l]`` in a loop over ``(1, 2)``)."""

    value: Optional[AnyDim] = None


@dataclass(frozen=True)
class SliceIndex:
    """A slice; ``length`` is None for a full ``:``, else the kept size (maybe unknown).

    ``bounds`` holds the slice when its parts are literal ints, so that a
    constant-sized axis gets its exact length (``C[:-1]`` of 5 rows is 4).
    """

    length: Optional[AnyDim] = None
    bounds: Optional[slice] = None
    key: Optional[tuple] = None  # what an unknown length is a function of, with the axis it cuts
    window: bool = False  # ``i:i + 4``: its length wherever it starts (the axis permitting), not a cut at most that long


@dataclass(frozen=True)
class NewAxis:
    """``None`` / ``np.newaxis``: inserts an axis of size 1."""


@dataclass(frozen=True)
class EllipsisIndex:
    pass


@dataclass(frozen=True)
class MaskIndex:
    """A boolean mask over ``rank`` axes: they collapse into one axis of unknown length (the count
    of True). ``shape``, when known, must match the axes it covers."""

    rank: int
    shape: Optional[Shape] = None


@dataclass(frozen=True)
class ArrayIndex:
    """An integer array: an advanced index whose shape broadcasts with the other advanced ones."""

    shape: Shape


@dataclass(frozen=True)
class OpaqueIndex:
    """An array, mask or value of unknown kind: the result shape is unknown."""


def _consumes(item: object) -> int:
    if isinstance(item, MaskIndex):
        return item.rank
    return int(isinstance(item, (IntIndex, SliceIndex, ArrayIndex)))


def _is_array(item: object) -> bool:
    return isinstance(item, (ArrayIndex, MaskIndex))


def index(shape: Shape, items: Sequence[object]) -> Shape:
    if shape.dims is None or any(isinstance(i, OpaqueIndex) for i in items):
        return UNKNOWN_SHAPE
    consuming = sum(_consumes(i) for i in items)
    if sum(isinstance(i, EllipsisIndex) for i in items) > 1:
        raise ShapeError("an index can only have a single ellipsis ('...')")
    if consuming > len(shape.dims):
        raise ShapeError(f"too many indices for an array of shape {shape}: {consuming} were given")
    advanced = any(_is_array(i) for i in items)
    dims = list(shape.dims)
    taken = 0  # axes of ``shape`` indexed so far

    def take(count: int) -> list[AnyDim]:
        nonlocal taken
        taken += count
        return dims[taken - count:taken]

    before: list[AnyDim] = []  # basic dims ahead of the first advanced index
    after: list[AnyDim] = []
    fancy: list[Shape] = []
    positions: list[int] = []
    for position, item in enumerate(items):
        basic = after if fancy else before
        if isinstance(item, EllipsisIndex):
            basic.extend(take(len(dims) - consuming))
        elif isinstance(item, NewAxis):
            basic.append(ONE)
        elif isinstance(item, SliceIndex):
            basic.append(_sliced(take(1)[0], item))
        elif isinstance(item, IntIndex) and not advanced:
            take(1)
        else:
            fancy.append(_advanced(item, taken, take(_consumes(item))))
            positions.append(position)
    after.extend(dims[taken:])  # the axes no index names are kept whole
    if not fancy:
        return shape_of(before + after)
    joined = _broadcast_indices(sorted(fancy, key=_counted))
    if joined.dims is None:
        return UNKNOWN_SHAPE
    if positions == list(range(positions[0], positions[-1] + 1)):
        return shape_of(before + list(joined.dims) + after)
    return shape_of(list(joined.dims) + before + after)  # separated: the advanced dims go first


def _sliced(d: AnyDim, item: SliceIndex) -> AnyDim:
    """The size a slice leaves of an axis of size ``d``. NumPy clips a slice to its axis
    (``x[:100]`` of 10 elements has 10), so the length the slice is written with is the axis's
    part only where the axis is known to hold it: on an axis of unknown size that length is a
    guess, and a guess must not become a claim that NumPy raises."""
    if item.bounds is not None and isinstance(d, Dim) and d.is_const:
        return Dim(len(range(d.coeff)[item.bounds]))
    bounds = item.bounds
    if bounds is not None and isinstance(d, Dim) and isinstance(bounds.start, int) and bounds.start >= 1 \
            and bounds.stop is None and bounds.step in (None, 1):
        return dim_sub(d, Dim(bounds.start))  # ``basis[:, 1:]`` of k columns: k - 1
    if item.key is not None:
        return unknown(("slice", d, item.key))
    length = item.length
    if length is None:
        return d
    if not isinstance(d, Dim):  # ``np.unique(a)[:5]``: at most 5; a window ``i:i + 1`` is its length
        return length if item.window else unknown()
    written = isinstance(length, Dim) and length.is_const
    if d.is_const:  # ``X[i:i + 4]`` of 10 rows: the window's 4 (its intent); of 3 rows, at most 3
        return length if written and length.coeff <= d.coeff else unknown()
    if item.window:  # ``dZ[:, i:i + 1]`` of m columns: one column, wherever i is
        return length
    if written:  # ``x[:100]`` of n elements: 100 only if n >= 100; the same cut of the same axis is one size
        return unknown(("slice", d, "at most", length.coeff))
    return length  # ``X[:, :m]`` of n columns: m, as the code means it (a call with sizes cuts them as above)


def _advanced(item: object, start: int, covered: list[AnyDim]) -> Shape:
    """The shape an advanced index contributes: an int is ``()``, a mask ``(count,)``."""
    if isinstance(item, IntIndex):
        return SCALAR
    if isinstance(item, ArrayIndex):
        return item.shape
    assert isinstance(item, MaskIndex)
    if item.shape is not None and item.shape.dims is not None:
        for axis, (d, m) in enumerate(zip(covered, item.shape.dims), start):
            if dim_eq(d, m) is False:
                raise ShapeError(f"boolean index did not match indexed array along axis {axis}; size of axis is {d} but size of corresponding boolean axis is {m}")
    return Shape((unknown(),))


def _counted(shape: Shape) -> bool:
    """A mask's ``(count,)`` broadcasts last, so that two index arrays that clash still show it."""
    return any(not isinstance(d, Dim) for d in shape.dims or ())


def _broadcast_indices(shapes: list[Shape]) -> Shape:
    from .ops import broadcast_all

    try:
        return broadcast_all(shapes)
    except ShapeError:
        shown = " ".join(str(s) for s in shapes)
        raise ShapeError(f"shape mismatch: indexing arrays could not be broadcast together with shapes {shown}") from None
