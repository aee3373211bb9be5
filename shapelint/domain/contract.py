"""Tensor contractions: ``np.einsum`` (its subscripts parsed, ``...`` included) and ``np.tensordot``.

Like every op, each returns a Shape or raises ShapeError only when NumPy raises for every size
of the symbols; a subscripts string that cannot be read gives an unknown shape, not a claim.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Union

from .dims import AnyDim, dim_eq
from .shapes import SCALAR, UNKNOWN_SHAPE, Shape, ShapeError, normalize_axis, shape_of

ELLIPSIS = "..."
Term = tuple[str, ...]  # labels, and at most one ELLIPSIS


@dataclass(frozen=True)
class Subscripts:
    inputs: tuple[Term, ...]
    output: Optional[Term]  # None: implicit mode


def parse_subscripts(text: str) -> Optional[Subscripts]:
    """``"ij,jk->ik"`` into terms; None when NumPy would not read it as subscripts."""
    text = text.replace(" ", "")
    if text.count("->") > 1:
        return None
    left, arrow, right = text.partition("->")
    inputs = tuple(_term(part) for part in left.split(","))
    output = _term(right) if arrow else None
    if any(term is None for term in inputs) or (arrow and output is None):
        return None
    if output is not None:
        labels = [label for label in output if label != ELLIPSIS]
        if len(set(labels)) != len(labels) or not set(labels) <= {l for term in inputs for l in term}:
            return None  # an output label repeated or never seen in an input: NumPy refuses the string
    return Subscripts(inputs, output)


def _term(text: str) -> Optional[Term]:
    if text.count(ELLIPSIS) > 1:
        return None
    before, dots, after = text.partition(ELLIPSIS)
    if not all(c.isascii() and c.isalpha() for c in before + after):
        return None
    return tuple(before) + ((ELLIPSIS,) if dots else ()) + tuple(after)


def einsum(subscripts: str, shapes: Sequence[Shape]) -> Shape:
    spec = parse_subscripts(subscripts)
    if spec is None or len(spec.inputs) != len(shapes) or any(s.dims is None for s in shapes):
        return UNKNOWN_SHAPE
    sizes: dict[str, AnyDim] = {}
    counts: dict[str, int] = {}
    ellipses: list[Shape] = []
    for number, (term, shape) in enumerate(zip(spec.inputs, shapes)):
        labels, ellipsis = _split(term, shape, number)
        ellipses.append(ellipsis)
        seen: dict[str, AnyDim] = {}
        for label, d in labels:
            if label in seen and dim_eq(seen[label], d) is False:
                raise ShapeError(f"dimensions in operand {number} for collapsing index '{label}' don't match ({seen[label]} != {d})")
            seen.setdefault(label, d)
            counts[label] = counts.get(label, 0) + 1
        for label, d in seen.items():
            sizes[label] = _meet(sizes[label], d, label) if label in sizes else d
    from .ops import broadcast_all

    try:
        broadcast = broadcast_all(ellipses)
    except ShapeError:
        raise ShapeError(f"operands with shapes {', '.join(map(str, shapes))} do not broadcast over '...' in {subscripts!r}") from None
    if broadcast.dims is None:
        return UNKNOWN_SHAPE
    output = spec.output
    if output is None:  # implicit: the broadcast dims, then the labels seen once, in ASCII order
        output = (ELLIPSIS,) + tuple(sorted(label for label, n in counts.items() if n == 1))
    elif ELLIPSIS not in output and broadcast.dims:
        raise ShapeError(f"output has more dimensions than subscripts given in {subscripts!r}: '...' covers {broadcast} in the operands")
    dims: list[AnyDim] = []
    for label in output:
        dims.extend(broadcast.dims if label == ELLIPSIS else (sizes[label],))
    return shape_of(dims)


def _split(term: Term, shape: Shape, number: int) -> tuple[list[tuple[str, AnyDim]], Shape]:
    """The (label, size) pairs of one operand, and the shape its ``...`` covers."""
    dims = shape.dims
    labels = [label for label in term if label != ELLIPSIS]
    if ELLIPSIS not in term:
        if len(labels) != len(dims):
            raise ShapeError(f"operand {number} of shape {shape} has {len(dims)} axes but {''.join(term) or 'no'} subscripts")
        return list(zip(labels, dims)), SCALAR
    if len(labels) > len(dims):
        raise ShapeError(f"einsum subscripts {''.join(term)} name more axes than operand {number} of shape {shape} has")
    start = term.index(ELLIPSIS)
    covered = len(dims) - len(labels)
    pairs = list(zip(term[:start], dims[:start])) + list(zip(term[start + 1:], dims[start + covered:]))
    return pairs, Shape(dims[start:start + covered])


def _meet(a: AnyDim, b: AnyDim, label: str) -> AnyDim:
    """One label in two operands: equal sizes, or 1 broadcast against the other."""
    from .ops import broadcast_dim

    try:
        return broadcast_dim(a, b)
    except ShapeError:
        raise ShapeError(f"sizes {a} and {b} of index '{label}' differ between operands") from None


Axes = Union[int, tuple[Sequence[int], Sequence[int]]]


def tensordot(a: Shape, b: Shape, axes: Axes = 2) -> Shape:
    """Sum over ``axes`` (the last n of a with the first n of b, or two lists); the free axes of a,
    then those of b."""
    if a.dims is None or b.dims is None:
        return UNKNOWN_SHAPE
    if isinstance(axes, int):
        if axes < 0 or axes > len(a.dims) or axes > len(b.dims):
            raise ShapeError(f"tensordot over {axes} axes of {a} and {b}")
        left, right = list(range(len(a.dims) - axes, len(a.dims))), list(range(axes))
    else:
        left, right = list(axes[0]), list(axes[1])
        if len(left) != len(right):
            raise ShapeError(f"shape-mismatch for sum: {len(left)} axes of {a} against {len(right)} of {b}")
        left = [normalize_axis(i, len(a.dims)) for i in left]
        right = [normalize_axis(i, len(b.dims)) for i in right]
    for i, j in zip(left, right):
        if dim_eq(a.dims[i], b.dims[j]) is False:
            raise ShapeError(f"shape-mismatch for sum: axis {i} of {a} and axis {j} of {b}")
    return shape_of(
        [d for i, d in enumerate(a.dims) if i not in left] + [d for j, d in enumerate(b.dims) if j not in right]
    )
