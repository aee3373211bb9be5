"""Dimensions: constants, named symbols (and their products), or unknown.

A dim is a monomial ``coeff * sym1 * sym2 ...`` so that ``reshape(-1)`` of an
``(n, m)`` array can say ``(n*m,)`` and ``reshape(n, -1)`` can say ``m``. Two
dims compare three-valued: ``True`` (equal for every size), ``False`` (differ
for every size) or ``None`` (cannot tell, e.g. two different symbols).

Symbols come in two kinds. A name the author chose for a size they made or
declared (``np.zeros((n_h, m))``, ``# (n_h, m)``) is distinct by intent from
other such names. A *label* only names a size read off an array nobody knows
(``ni, nj = A.shape``): it is not known to differ from anything, so no claim
may rest on it differing (``known_to_differ``).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Hashable, Optional

Tri = Optional[bool]

_unknown_ids = itertools.count()


@dataclass(frozen=True)
class Dim:
    """A known monomial; ``symbols`` is sorted and may repeat (``n*n``)."""

    coeff: int
    symbols: tuple[str, ...] = ()
    labels: frozenset = field(default=frozenset(), compare=False)  # which symbols are labels

    @property
    def is_const(self) -> bool:
        return not self.symbols

    def __str__(self) -> str:
        if self.is_const:
            return str(self.coeff)
        parts = list(self.symbols)
        if self.coeff != 1:
            parts.insert(0, str(self.coeff))
        return "*".join(parts)


@dataclass(frozen=True)
class UnknownDim:
    """A size nobody can name. Fresh ones are distinct from every other; one made
    with a key (``basis[:, 1:]`` of the same axis, evaluated twice) equals every
    other made with that key."""

    ident: Hashable

    def __str__(self) -> str:
        return "?"


AnyDim = Dim | UnknownDim


def const(value: int) -> Dim:
    return Dim(int(value))


def sym(name: str) -> Dim:
    """A size the author named on purpose (a constructor's argument, a declaration)."""
    return Dim(1, (name,))


def label(name: str) -> Dim:
    """A name for a size read off an array of unknown shape: not known to differ from others."""
    return Dim(1, (name,), frozenset((name,)))


def unknown(key: Optional[Hashable] = None) -> UnknownDim:
    """A fresh unknown size, or the one unknown that ``key`` (what it was computed from) names."""
    return UnknownDim(next(_unknown_ids) if key is None else ("key", key))


ONE = const(1)
ZERO = const(0)


def is_known(d: AnyDim) -> bool:
    return isinstance(d, Dim)


def dim_eq(a: AnyDim, b: AnyDim) -> Tri:
    """Three-valued equality: symbols are probably, not provably, different."""
    if a is b or (isinstance(a, UnknownDim) and a == b):
        return True
    if not (isinstance(a, Dim) and isinstance(b, Dim)):
        return None
    if a == b:
        return True
    if a.is_const and b.is_const:
        return False
    return None


def is_one(d: AnyDim) -> Tri:
    """Is the dim 1? Symbols stand for sizes that are probably not 1."""
    if isinstance(d, Dim):
        if d.is_const:
            return d.coeff == 1
        return None
    return None


def probably_not_one(d: AnyDim) -> bool:
    """True for constants other than 1 and for named symbols (a named size is meant to vary)."""
    return isinstance(d, Dim) and (d.coeff != 1 or bool(d.symbols))


def probably_differ(a: AnyDim, b: AnyDim) -> bool:
    """Both dims are known and not provably equal (constants that differ, or different names)."""
    return isinstance(a, Dim) and isinstance(b, Dim) and a != b


def has_label(d: AnyDim) -> bool:
    return isinstance(d, Dim) and bool(d.labels)


def known_to_differ(a: AnyDim, b: AnyDim) -> bool:
    """Different for every size (constants), or by intent (names chosen apart); labels never are."""
    if not (isinstance(a, Dim) and isinstance(b, Dim)) or a == b:
        return False
    return not (a.labels or b.labels)


def _kept_labels(symbols: tuple[str, ...], *sources: Dim) -> frozenset:
    found = frozenset().union(*(d.labels for d in sources))
    return found & frozenset(symbols) if found else found


def dim_mul(a: AnyDim, b: AnyDim) -> AnyDim:
    if isinstance(a, Dim) and isinstance(b, Dim):
        symbols = tuple(sorted(a.symbols + b.symbols))
        return Dim(a.coeff * b.coeff, symbols, _kept_labels(symbols, a, b))
    return unknown()


def dim_div(a: AnyDim, b: AnyDim) -> AnyDim:
    """Exact division of monomials, or unknown when it does not divide."""
    if not (isinstance(a, Dim) and isinstance(b, Dim)) or b.coeff == 0:
        return unknown()
    if a.coeff % b.coeff:
        return unknown()
    remaining = list(a.symbols)
    for s in b.symbols:
        if s not in remaining:
            return unknown()
        remaining.remove(s)
    return Dim(a.coeff // b.coeff, tuple(remaining), _kept_labels(tuple(remaining), a))


def dim_add(a: AnyDim, b: AnyDim) -> AnyDim:
    if b == ZERO:
        return a
    if a == ZERO:
        return b
    if isinstance(a, Dim) and isinstance(b, Dim):
        if a.is_const and b.is_const:
            return const(a.coeff + b.coeff)
        if a.symbols == b.symbols:
            return Dim(a.coeff + b.coeff, a.symbols, a.labels | b.labels)
    return unknown()


def dim_sub(a: AnyDim, b: AnyDim) -> AnyDim:
    if b == ZERO:
        return a
    if isinstance(a, Dim) and isinstance(b, Dim):
        if a.is_const and b.is_const:
            return const(a.coeff - b.coeff)
        if a.symbols == b.symbols and a.coeff > b.coeff:
            return Dim(a.coeff - b.coeff, a.symbols, a.labels | b.labels)
    return unknown()
