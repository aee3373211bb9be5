"""Shapes: a tuple of dims, or unknown rank, and the error an operation raises."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from .dims import ONE, AnyDim, Dim, Tri, dim_eq, dim_mul, known_to_differ, unknown


class ShapeError(Exception):
    """NumPy would raise for these shapes (for every size of their symbols)."""


@dataclass(frozen=True)
class Shape:
    dims: Optional[tuple[AnyDim, ...]]

    @property
    def known_rank(self) -> bool:
        return self.dims is not None

    @property
    def rank(self) -> Optional[int]:
        return None if self.dims is None else len(self.dims)

    @property
    def fully_known(self) -> bool:
        return self.dims is not None and all(isinstance(d, Dim) for d in self.dims)

    def __str__(self) -> str:
        if self.dims is None:
            return "(...)"
        if len(self.dims) == 1:
            return f"({self.dims[0]},)"
        return "(" + ", ".join(str(d) for d in self.dims) + ")"

    def __iter__(self):
        return iter(self.dims or ())

    def __len__(self) -> int:
        return len(self.dims or ())

    def __getitem__(self, index):
        return self.dims[index]


UNKNOWN_SHAPE = Shape(None)
SCALAR = Shape(())


def shape_of(dims: Iterable[AnyDim]) -> Shape:
    return Shape(tuple(dims))


def unknown_of_rank(rank: int) -> Shape:
    return Shape(tuple(unknown() for _ in range(rank)))


def shapes_eq(a: Shape, b: Shape) -> Tri:
    """Three-valued: equal for every size, different for every size, or cannot tell."""
    if a.dims is None or b.dims is None:
        return None
    if len(a.dims) != len(b.dims):
        return False
    verdicts = [dim_eq(x, y) for x, y in zip(a.dims, b.dims)]
    if any(v is False for v in verdicts):
        return False
    if all(verdicts):
        return True
    return None


def shapes_known_to_differ(a: Shape, b: Shape) -> bool:
    """Different ranks, or a pair of sizes that differ for every size or by intent (never by label)."""
    if a.dims is None or b.dims is None:
        return False
    if len(a.dims) != len(b.dims):
        return True
    return any(known_to_differ(x, y) for x, y in zip(a.dims, b.dims))


def shapes_same(a: Shape, b: Shape) -> bool:
    """Provably the same shape."""
    return shapes_eq(a, b) is True


def size(shape: Shape) -> AnyDim:
    if shape.dims is None:
        return unknown()
    total: AnyDim = ONE
    for d in shape.dims:
        total = dim_mul(total, d)
    return total


def attempt(operation, *shapes: Shape) -> tuple[Optional[Shape], Optional[str]]:
    """``(result, None)``, or ``(None, why NumPy raises)``: for callers that report both outcomes."""
    try:
        return operation(*shapes), None
    except ShapeError as exc:
        return None, str(exc)


def normalize_axis(axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        raise ShapeError(f"axis {axis} is out of bounds for an array of rank {rank}")
    return axis % rank


def normalize_axes(axes: Sequence[int], rank: int) -> tuple[int, ...]:
    normalized = tuple(normalize_axis(a, rank) for a in axes)
    if len(set(normalized)) != len(normalized):
        raise ShapeError(f"repeated axis in {tuple(axes)}")
    return normalized
