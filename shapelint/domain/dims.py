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
import re
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
        alone = self.coeff == 1 and len(self.symbols) == 1
        parts = [s if alone or " " not in s else f"({s})" for s in self.symbols]  # a sum, in a product
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


_SMALL_CONSTS: dict[int, Dim] = {}  # a Dim is immutable: the sizes code writes most are made once
_SMALL = range(-64, 4097)


def const(value: int) -> Dim:
    number = int(value)
    if number not in _SMALL:
        return Dim(number)
    found = _SMALL_CONSTS.get(number)
    if found is None:
        found = _SMALL_CONSTS[number] = Dim(number)
    return found


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
        return linear_sum(a, b, 1)
    return unknown()


def dim_sub(a: AnyDim, b: AnyDim) -> AnyDim:
    if b == ZERO:
        return a
    if isinstance(a, Dim) and isinstance(b, Dim):
        if a.is_const and b.is_const:
            return const(a.coeff - b.coeff)
        if a.symbols == b.symbols and a.coeff > b.coeff:
            return Dim(a.coeff - b.coeff, a.symbols, a.labels | b.labels)
        if a.symbols and b.is_const and b.coeff > 0:  # ``k - 1``: a size minus a count
            return linear_sum(a, b, -1)
    return unknown()


def _terms(d: Dim) -> dict[str, int]:
    """A dim as a sum of terms: ``{"n": 1, "": 2}`` for ``n + 2`` (a sum is one symbol, its text)."""
    if d.is_const:
        return {"": d.coeff}
    if d.coeff == 1 and len(d.symbols) == 1 and (" + " in d.symbols[0] or " - " in d.symbols[0]):
        parts = re.split(r" ([+-]) ", d.symbols[0])
        terms: dict[str, int] = {}
        for sign, term in zip(["+"] + parts[1::2], parts[0::2]):
            key, count = ("", int(term)) if term.isdigit() else (term, 1)
            terms[key] = terms.get(key, 0) + (count if sign == "+" else -count)
        return terms
    return {str(d): 1}


def linear_sum(a: Dim, b: Dim, sign: int) -> AnyDim:
    """``a + b`` (or ``a - b``) of sizes that are not one monomial: the sum, named by its text
    (``m + 1``, ``k - 1``, ``n + m``), so that the same sum is the same size. Dims are monomials,
    so a sum is opaque to them; it is a label if any part is one."""
    terms = _terms(a)
    for key, count in _terms(b).items():
        terms[key] = terms.get(key, 0) + sign * count
    constant = terms.pop("", 0)
    symbols = sorted(key for key, count in terms.items() if count)
    if any(terms[key] != 1 for key in symbols) or not symbols:
        return unknown()  # ``n - m`` or ``2 + n - n``: not a sum of sizes written simply
    label = bool(a.labels or b.labels)
    if len(symbols) == 1 and constant == 0:  # ``(n + 1) - 1`` is n again
        return Dim(1, (symbols[0],), frozenset(symbols) if label else frozenset()) if symbols[0].isidentifier() else unknown()
    text = " + ".join(symbols) + (f" + {constant}" if constant > 0 else f" - {-constant}" if constant < 0 else "")
    return Dim(1, (text,), frozenset((text,)) if label else frozenset())
