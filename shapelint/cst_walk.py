"""Walking libcst trees quickly, and the few questions about nodes that many modules ask."""
from __future__ import annotations

import dataclasses

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}
_CODE_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that only ever hold layout: spaces, comments, brackets, punctuation (two thirds of a tree's nodes).
LAYOUT_FIELDS = frozenset({
    "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon", "dot", "equal", "colon",
    "leading_lines", "lines_after_decorators", "trailing_whitespace", "header", "footer",
})
_IS_NODE: dict[type, bool] = {}  # type -> is it a CSTNode (an ABC: isinstance on it is slow)


def _is_node(kind: type) -> bool:
    found = _IS_NODE.get(kind)
    if found is None:
        found = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return found


def direct_children(node: cst.CSTNode):
    """A node's children read straight from its fields: libcst's ``children`` visits to find them,
    which costs as much as a parse on a big file."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    return _children_in(node, names)


def code_children(node: cst.CSTNode):
    """``direct_children`` without the layout (``LAYOUT_FIELDS``, ``whitespace_*``): what walks
    that look at code, not at spaces or comments, need; they visit a third of the nodes."""
    names = _CODE_FIELDS.get(type(node))
    if names is None:
        names = _CODE_FIELDS[type(node)] = tuple(
            f.name for f in dataclasses.fields(node) if f.name not in LAYOUT_FIELDS and not f.name.startswith("whitespace"))
    return _children_in(node, names)


def _children_in(node: cst.CSTNode, names: tuple[str, ...]):
    for name in names:
        value = getattr(node, name)
        kind = type(value)
        if kind is list or kind is tuple:
            for item in value:
                if _is_node(type(item)):
                    yield item
        elif _is_node(kind):
            yield value


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
            stack.extend(code_children(current))
    return found


def one_plain_argument(call: cst.Call) -> bool:
    """``f(x)``: one positional argument, no keywords, no ``*``/``**``."""
    return len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star
