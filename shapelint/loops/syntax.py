"""Small questions about CST nodes that the loop analysis asks everywhere."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..numpy_model import properties


def peel(node: cst.BaseExpression):
    """``base[...][...].T`` -> (base, the subscript levels in order, whether transposed)."""
    levels: list = []
    transposed = False
    current = node
    while True:
        if isinstance(current, cst.Subscript):
            levels.append(tuple(current.slice))
            current = current.value
        elif isinstance(current, cst.Attribute) and properties.method_has(current.attr.value, "view"):
            transposed = transposed or current.attr.value == "T"
            current = current.value
        else:
            break
    return current, tuple(reversed(levels)), transposed


def dotted_root(node: cst.BaseExpression) -> Optional[str]:
    """``self.W`` -> ``"self.W"`` (an attribute of an object as a storage root)."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name) or not parts:
        return None
    return ".".join([node.value, *reversed(parts)])


def head_name(node: cst.BaseExpression) -> cst.Name:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


def bound_names(target: cst.BaseExpression) -> list[str]:
    """The names an assignment target binds."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names = []
        for element in target.elements:
            names.extend(bound_names(element.value))
        return names
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []


def keyword(node: cst.CSTNode) -> str:
    """How a statement or expression kind is written (``break``, ``:=``)."""
    names = {
        "Break": "break", "Continue": "continue", "Return": "return", "Raise": "raise",
        "Global": "global", "Nonlocal": "nonlocal", "Try": "try", "TryStar": "try", "With": "with",
        "Del": "del", "Import": "import", "ImportFrom": "import", "FunctionDef": "def",
        "ClassDef": "class", "Match": "match", "Lambda": "lambda", "NamedExpr": ":=",
        "Yield": "yield", "Await": "await",
    }
    return names.get(type(node).__name__, type(node).__name__)


def short_code(node: cst.CSTNode) -> str:
    """The node's source, cut to 40 characters."""
    text = cst.Module([]).code_for_node(node)
    return text if len(text) <= 40 else text[:37] + "..."
