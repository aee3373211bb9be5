"""Loops written by hand around an index, read as the ``for i in range(n)`` they are.

A counted ``while`` loop is a ``for`` loop written by hand.

``i = 0; while i < n: body; i += 1`` runs ``body`` for ``i`` in ``range(n)``:
it is analysed as that ``for`` loop (the same statement nodes, so findings and
rewrites point at the code as written). Only the plain form qualifies: the
counter starts at 0 (known from the values before the loop), the test is
``i < bound``, the body ends with ``i += 1`` and changes ``i`` nowhere else
(the scan stops at any other assignment, and at ``continue``/``break``).
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..domain.dims import dim_eq, const
from ..infer.values import ArrayValue, IntValue


def as_for_loop(node: cst.While, before: Optional[dict]) -> Optional[cst.For]:
    if node.orelse is not None or not isinstance(node.body, cst.IndentedBlock) or before is None:
        return None
    test = node.test
    if not (
        isinstance(test, cst.Comparison) and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.LessThan) and isinstance(test.left, cst.Name)
    ):
        return None
    counter = test.left.value
    start = before.get(counter)
    if not (isinstance(start, IntValue) and dim_eq(start.dim, const(0)) is True):
        return None
    statements = list(node.body.body)
    if len(statements) < 2 or not _increments(statements[-1], counter):
        return None
    bound = test.comparisons[0].comparator
    return cst.For(
        target=cst.Name(counter),
        iter=cst.Call(cst.Name("range"), [cst.Arg(bound)]),
        body=node.body.with_changes(body=statements[:-1]),
    )


def as_index_loop(node: cst.For, entry: dict) -> cst.For:
    """``for j, x in enumerate(X.T)`` (and ``for x in X.T``) over the columns of a matrix:
    ``for j in range(X.shape[1]): x = X[:, j]; ...``. Any other loop is returned as it is."""
    iterable, target = node.iter, node.target
    index: Optional[str] = None
    if (
        isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "enumerate"
        and "enumerate" not in entry and len(iterable.args) == 1 and not iterable.args[0].keyword
        and isinstance(target, cst.Tuple) and len(target.elements) == 2
        and all(isinstance(e.value, cst.Name) for e in target.elements)
    ):
        index, element, iterable = target.elements[0].value.value, target.elements[1].value.value, iterable.args[0].value
    elif isinstance(target, cst.Name):
        index, element = COLUMN_INDEX, target.value
    else:
        return node
    if not (isinstance(iterable, cst.Attribute) and iterable.attr.value == "T" and isinstance(iterable.value, cst.Name)):
        return node
    matrix = iterable.value.value
    value = entry.get(matrix)
    if not (isinstance(value, ArrayValue) and value.shape.dims is not None and value.shape.rank == 2):
        return node
    if not isinstance(node.body, cst.IndentedBlock):
        return node
    column = cst.Subscript(cst.Name(matrix), [
        cst.SubscriptElement(cst.Slice(None, None)), cst.SubscriptElement(cst.Index(cst.Name(index)))])
    bind = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(element))], column)])
    width = cst.Subscript(cst.Attribute(cst.Name(matrix), cst.Name("shape")), [cst.SubscriptElement(cst.Index(cst.Integer("1")))])
    return node.with_changes(
        target=cst.Name(index), iter=cst.Call(cst.Name("range"), [cst.Arg(width)]),
        body=node.body.with_changes(body=[bind, *node.body.body]),
    )


COLUMN_INDEX = "__column__"


def _increments(statement: cst.BaseStatement, counter: str) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.AugAssign):  # i += 1
        return (
            isinstance(small.operator, cst.AddAssign) and isinstance(small.target, cst.Name)
            and small.target.value == counter and _is_one(small.value)
        )
    if isinstance(small, cst.Assign) and len(small.targets) == 1:  # i = i + 1
        target, value = small.targets[0].target, small.value
        return (
            isinstance(target, cst.Name) and target.value == counter and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add) and isinstance(value.left, cst.Name)
            and value.left.value == counter and _is_one(value.right)
        )
    return False


def _is_one(node) -> bool:
    return isinstance(node, cst.Integer) and node.value == "1"
