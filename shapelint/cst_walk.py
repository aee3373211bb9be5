"""Walking libcst trees quickly, and the few questions about nodes that many modules ask."""
from __future__ import annotations

import collections.abc
import dataclasses
import typing
from typing import Callable, Optional

import libcst as cst

# Fields that only ever hold layout: spaces, comments, brackets, punctuation (two thirds of a tree's nodes).
LAYOUT_FIELDS = frozenset({
    "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon", "dot", "equal", "colon",
    "leading_lines", "lines_after_decorators", "trailing_whitespace", "header", "footer",
})


class _NodeTypes(dict):
    """type -> is it a CSTNode, asked once per type (an ABC: isinstance on it is slow)."""

    def __missing__(self, kind: type) -> bool:
        found = self[kind] = issubclass(kind, cst.CSTNode)
        return found


_IS_NODE = _NodeTypes()


def _is_code_field(name: str) -> bool:
    return name not in LAYOUT_FIELDS and not name.startswith("whitespace")


class _ChildrenFunctions(dict):
    """node type -> the function listing its children in the fields ``keep`` accepts, written once
    per type (``_children_function``)."""

    def __init__(self, keep: Callable[[str], bool]) -> None:
        super().__init__()
        self.keep = keep

    def __missing__(self, kind: type) -> Callable:
        found = self[kind] = _children_function(kind, self.keep)
        return found


DIRECT_CHILDREN = _ChildrenFunctions(lambda name: True)
# The hottest walks, which know a node's type already, call ``CODE_CHILDREN[kind](node)``.
CODE_CHILDREN = _ChildrenFunctions(_is_code_field)


def direct_children(node: cst.CSTNode) -> list:
    """A node's children read straight from its fields: libcst's ``children`` visits to find them,
    which costs as much as a parse on a big file."""
    return DIRECT_CHILDREN[type(node)](node)


def code_children(node: cst.CSTNode) -> list:
    """``direct_children`` without the layout (``LAYOUT_FIELDS``, ``whitespace_*``): what walks
    that look at code, not at spaces or comments, need; they visit a third of the nodes."""
    return CODE_CHILDREN[type(node)](node)


def _children_function(kind: type, keep: Callable[[str], bool]) -> Callable:
    """A function written for ``kind`` that lists the children in the fields ``keep`` accepts, in
    field order: it reads each field by name once, extends with a field declared a sequence of
    nodes, and leaves out fields declared to hold text or flags (``Name.value``, ``Param.star``).
    Twice as fast as reading the fields by name in a loop and asking each value what it is; the
    hot walks extend their stacks with its list."""
    lines = ["def children(node):", "    found = []"]
    for field in dataclasses.fields(kind):
        if not keep(field.name) or _never_a_node(field.type):
            continue
        lines.append(f"    value = node.{field.name}")
        if _is_sequence(field.type):
            lines.append("    found.extend(value)")
        elif _may_be_sequence(field.type):  # ``ImportFrom.names``: aliases, or ``*``
            lines.append("    if type(value) is list or type(value) is tuple: found.extend(value)")
            lines.append("    elif is_node[type(value)]: found.append(value)")
        else:
            lines.append("    if is_node[type(value)]: found.append(value)")
    lines.append("    return found")
    namespace: dict = {"is_node": _IS_NODE}
    exec("\n".join(lines), namespace)  # noqa: S102 - code made from the dataclass's own field names
    return namespace["children"]


def _never_a_node(annotation) -> bool:
    """A field declared to hold text, a flag or nothing: reading it can never find a child."""
    if typing.get_origin(annotation) is typing.Union:
        return all(_never_a_node(arg) for arg in typing.get_args(annotation))
    return annotation in (str, bool, type(None), cst.MaybeSentinel) or typing.get_origin(annotation) is typing.Literal


def _is_sequence(annotation) -> bool:
    return typing.get_origin(annotation) is collections.abc.Sequence


def _may_be_sequence(annotation) -> bool:
    return typing.get_origin(annotation) is typing.Union and any(_is_sequence(arg) for arg in typing.get_args(annotation))


def names_in(node: cst.CSTNode) -> set[str]:
    """Every Name read in an expression (attribute names excluded)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is cst.Name:
            found.add(current.value)
        elif kind is cst.Attribute:
            stack.append(current.value)
        else:
            stack.extend(CODE_CHILDREN[kind](current))
    return found


def last_name(expression: cst.BaseExpression) -> Optional[str]:
    """``ValueError`` of ``ValueError``, ``raises`` of ``pytest.raises``, ``c_`` of ``np.c_``: the
    last name of a name or an attribute; None for anything else."""
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        return expression.attr.value
    return None


def is_new_axis(index: cst.BaseExpression) -> bool:
    """``None`` or ``np.newaxis`` written as an index: an axis added on purpose."""
    if isinstance(index, cst.Name):
        return index.value == "None"
    return isinstance(index, cst.Attribute) and index.attr.value == "newaxis"


def one_plain_argument(call: cst.Call) -> bool:
    """``f(x)``: one positional argument, no keywords, no ``*``/``**``."""
    return len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star
