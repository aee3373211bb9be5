"""What the interpreter saw happen to shapes; the rules judge these.

Each event names the nodes involved so a rule can quote the code and report
at the right place. Events are emitted only from the analysis of code as
written (not from the re-analysis of a function for one call site).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from ..domain.shapes import Shape
from .values import ArrayValue, Value


@dataclass(frozen=True)
class Event:
    node: cst.CSTNode

    @property
    def kind(self) -> str:
        return type(self).__name__.lower()

    def arrays(self) -> tuple[ArrayValue, ...]:
        """The arrays whose shapes this event's verdict rests on."""
        return tuple(value for value in vars(self).values() if isinstance(value, ArrayValue))


@dataclass(frozen=True)
class Elementwise(Event):
    """Two operands broadcast against each other (``+``, ``np.maximum``, ``np.where``...)."""

    op: str
    left: ArrayValue
    right: ArrayValue
    left_node: cst.CSTNode
    right_node: cst.CSTNode
    result: Optional[Shape]
    error: Optional[str]


@dataclass(frozen=True)
class Inplace(Event):
    """``target op= value``: the broadcast result must have the target's shape."""

    op: str
    target: ArrayValue
    value: ArrayValue
    target_node: cst.CSTNode
    value_node: cst.CSTNode
    result: Optional[Shape]
    error: Optional[str]


@dataclass(frozen=True)
class Matmul(Event):
    """``a @ b``, ``np.matmul`` or ``np.dot``."""

    func: str
    left: ArrayValue
    right: ArrayValue
    left_node: cst.CSTNode
    right_node: cst.CSTNode
    result: Optional[Shape]
    error: Optional[str]


@dataclass(frozen=True)
class Transpose(Event):
    """``a.T`` or ``np.transpose(a)``; ``parent`` is the enclosing matmul, if any."""

    operand: ArrayValue
    operand_node: cst.CSTNode


@dataclass(frozen=True)
class Declared(Event):
    """A declared shape (comment, annotation, assert, docstring) that the value may not have."""

    value: ArrayValue
    value_node: cst.CSTNode
    declared: Shape
    source: str


@dataclass(frozen=True)
class Failure(Event):
    """Any other operation that NumPy would reject (reshape, concatenate, indexing, axis).

    ``operands`` are the arrays the verdict rests on (a claim needs them all trusted)."""

    operation: str
    error: str
    operands: tuple[ArrayValue, ...] = ()

    def arrays(self) -> tuple[ArrayValue, ...]:
        return self.operands


@dataclass(frozen=True, eq=False)
class Loop(Event):
    """A ``for``/``while`` loop (or a comprehension, ``map(f, xs)``, ``np.vectorize(f)``), with what every name held on entry.

    ``entry`` is the scope as the loop body sees it on every iteration (names
    the body changes are widened), ``target`` what the loop variable holds.
    """

    entry: dict
    target: Value
    judge: object = None    # the module's LoopJudge: one analysis per loop, asked for by SL006
    before: Optional[dict] = None  # what the names held before the loop (a ``while`` counter's start)
