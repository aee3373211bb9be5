"""Equalities of sizes learned from the code, not from names.

``assert ni == nj``, ``if A.shape[0] != A.shape[1]: raise ...`` and operations
that only run on matching sizes (``A @ A``, ``np.linalg.inv(A)``) say that two
sizes are one. The weaker name (an unknown, then a label read off an array) is
replaced by the stronger one everywhere the frame can see, so ``A`` becomes
``(ni, ni)`` and no rule later claims that ``ni`` and ``nj`` differ.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import libcst as cst

from ..domain.dims import AnyDim, Dim, UnknownDim, dim_eq, dim_mul
from ..domain.shapes import Shape
from .frame import Frame
from .values import ArrayValue, DictValue, IntValue, IterValue, RangeValue, TupleValue, Value


@dataclass(frozen=True)
class Substitution:
    """``old`` is ``new`` from here on."""

    old: AnyDim
    new: AnyDim

    def dim(self, d: AnyDim) -> AnyDim:
        if isinstance(d, UnknownDim) or isinstance(self.old, UnknownDim):
            return self.new if d == self.old else d
        if d == self.old:
            return self.new
        if self.old.coeff == 1 and len(self.old.symbols) == 1 and self.old.symbols[0] in d.symbols:
            rest = list(d.symbols)
            result: AnyDim = Dim(d.coeff)
            while self.old.symbols[0] in rest:
                rest.remove(self.old.symbols[0])
                result = dim_mul(result, self.new)
            return dim_mul(result, Dim(1, tuple(rest), d.labels & frozenset(rest)))
        return d

    def shape(self, shape: Shape) -> Shape:
        return shape if shape.dims is None else Shape(tuple(self.dim(d) for d in shape.dims))

    def value(self, value: Value) -> Value:
        if isinstance(value, ArrayValue):
            reduction = value.reduction
            if reduction is not None:
                reduction = replace(reduction, source=self.shape(reduction.source))
            return replace(value, shape=self.shape(value.shape), reduction=reduction)
        if isinstance(value, IntValue):
            return IntValue(self.dim(value.dim))
        if isinstance(value, TupleValue):
            return replace(value, items=tuple(self.value(v) for v in value.items))
        if isinstance(value, RangeValue):
            return RangeValue(self.dim(value.length))
        if isinstance(value, IterValue):
            return IterValue(self.value(value.element))
        if isinstance(value, DictValue):
            return replace(value, entries=tuple((k, self.value(v)) for k, v in value.entries))
        return value


def strength(d: AnyDim) -> int:
    """Which of two equal sizes names them both: a constant, a chosen name, a label, an unknown."""
    if isinstance(d, UnknownDim):
        return 0
    if d.is_const:
        return 3
    return 1 if d.labels else 2


def substitution_for(a: AnyDim, b: AnyDim, checked: bool) -> Optional[Substitution]:
    """How to make ``a == b`` hold; None when nothing is to learn, or when only the code's
    success says so and both are names chosen apart (that is the bug a rule reports)."""
    if dim_eq(a, b) is False:
        return None
    if dim_eq(a, b) is True and strength(a) == strength(b):
        return None  # nothing to learn (a label and the same name chosen on purpose: the name wins)
    weak, strong = (a, b) if strength(a) < strength(b) else (b, a)  # alike: the first named stays
    if not checked and strength(weak) >= 2:
        return None
    if isinstance(weak, Dim) and weak.is_const:
        return None
    return Substitution(weak, strong)


def promote_named(value: Value, declared: Shape) -> Value:
    """Labels in ``value`` that a declaration names are the author's sizes (distinct by intent)."""
    for d in declared.dims or ():
        if isinstance(d, Dim) and not d.labels and len(d.symbols) == 1 and d.coeff == 1:
            value = Substitution(d, d).value(value)
    return value


class FactLearner:
    """Mixin of the interpreter."""

    def learn_equal(self, frame: Frame, a: AnyDim, b: AnyDim, checked: bool = False) -> Optional[Substitution]:
        """``a == b`` holds from here on: said by the code (``checked``) or needed for it to run."""
        substitution = substitution_for(a, b, checked)
        if substitution is None:
            return None
        for name, value in list(frame.env.items()):
            frame.env[name] = substitution.value(value)
        if frame.instance is not None:
            attributes = frame.instance.attributes
            for name, value in list(attributes.items()):
                attributes[name] = substitution.value(value)
        return substitution

    def learn_square(self, frame: Frame, array: ArrayValue) -> ArrayValue:
        """An operation that runs only on square matrices (``inv``, ``solve``) ran on ``array``."""
        dims = array.shape.dims
        if dims is None or len(dims) < 2:
            return array
        substitution = self.learn_equal(frame, dims[-2], dims[-1])
        return substitution.value(array) if substitution else array

    def learn_from_test(self, test: cst.BaseExpression, frame: Frame, holds: bool) -> None:
        """What a test that held (or failed) says about sizes: ``a == b``, ``a != b`` (failed),
        ``A.shape == B.shape``, and conjunctions of those (disjunctions, when they failed)."""
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            self.learn_from_test(test.expression, frame, not holds)
            return
        if type(test) is cst.BooleanOperation:
            if isinstance(test.operator, cst.And) == holds:  # both parts of a true `and`, of a false `or`
                self.learn_from_test(test.left, frame, holds)
                self.learn_from_test(test.right, frame, holds)
            return
        if not (type(test) is cst.Comparison and len(test.comparisons) == 1):
            return
        operator = test.comparisons[0].operator
        equal = (type(operator) is cst.Equal and holds) or (type(operator) is cst.NotEqual and not holds)
        if not equal:
            return
        if any(type(side) in (cst.Tuple, cst.List) for side in (test.left, test.comparisons[0].comparator)):
            return  # ``X.shape == (n_h, 1)`` declares X's shape: that is read as a declaration
        left = self.evaluate(test.left, frame)
        right = self.evaluate(test.comparisons[0].comparator, frame)
        # Sizes compared one by one are the author's statement; whole shapes compared
        # (``assert dW.shape == W.shape``) declare what an array should be, as rules read it.
        checked = isinstance(left, IntValue)
        for x, y in _paired_sizes(left, right):
            self.learn_equal(frame, x, y, checked=checked)


def _paired_sizes(left: Value, right: Value) -> list[tuple[AnyDim, AnyDim]]:
    if isinstance(left, IntValue) and isinstance(right, IntValue):
        return [(left.dim, right.dim)]
    if isinstance(left, TupleValue) and isinstance(right, TupleValue) and len(left.items) == len(right.items):
        pairs = []
        for x, y in zip(left.items, right.items):
            pairs.extend(_paired_sizes(x, y))
        return pairs
    return []
