"""Statement forms the scan recognizes.

``if x[i] > best: best = x[i]`` keeps a running maximum (a reduction, not a
recurrence); ``np.unique(row)``, ``x[x > 0]`` or ``np.nonzero`` make arrays
whose length depends on the data, so no fixed-shape batch of them exists.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..numpy_model import properties
from .effects import qualname
from .syntax import short_code


def ragged_call(node: cst.Call, entry: dict, local) -> Optional[str]:
    """A call whose result's length depends on the data: no fixed-shape batch of them exists."""
    name = qualname(node.func, entry, local)
    short = name[6:] if name and name.startswith("numpy.") else None
    positional = [a for a in node.args if a.keyword is None]
    if properties.has(name, "data_length") or (short == "where" and len(positional) == 1):
        return f"makes arrays of data-dependent length (`{short_code(node.func)}`)"
    if name is None and isinstance(node.func, cst.Attribute) and properties.method_has(node.func.attr.value, "data_length"):
        return f"makes arrays of data-dependent length (`{short_code(node.func)}`)"
    return None


def is_mask(item: cst.BaseSlice) -> bool:
    if not isinstance(item, cst.Index):
        return False
    value = item.value
    return isinstance(value, (cst.Comparison, cst.BooleanOperation)) or (
        isinstance(value, cst.UnaryOperation) and isinstance(value.operator, (cst.BitInvert, cst.Not))
    )


def selection(node: cst.If):
    """``if e > best: best = e`` -> (the assignment, "max", the test's ``best``); min for ``<``."""
    test = node.test
    if node.orelse is not None or not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    body = node.body
    if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
        return None
    line = body.body[0]
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or not isinstance(line.body[0], cst.Assign):
        return None
    assign = line.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None
    name = assign.targets[0].target.value
    operator = test.comparisons[0].operator
    left, right = test.left, test.comparisons[0].comparator
    greater = isinstance(operator, (cst.GreaterThan, cst.GreaterThanEqual))
    less = isinstance(operator, (cst.LessThan, cst.LessThanEqual))
    if not (greater or less):
        return None
    value = cst.Module([]).code_for_node(assign.value)
    for candidate, bound, is_left in ((left, right, True), (right, left, False)):
        if isinstance(bound, cst.Name) and bound.value == name and cst.Module([]).code_for_node(candidate) == value:
            # e > best (candidate left) or best < e (candidate right) keeps the maximum
            kind = "max" if greater == is_left else "min"
            return assign, kind, bound
    return None
