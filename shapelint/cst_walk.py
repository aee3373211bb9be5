"""Walking libcst trees quickly, and the few questions about nodes that many modules ask."""
from __future__ import annotations

import dataclasses
import typing

import libcst as cst

_FIELDS: dict[type, tuple[str, ...]] = {}
_CODE_FIELDS: dict[type, tuple[str, ...]] = {}
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


def _never_a_node(annotation) -> bool:
    """A field declared to hold text, a flag or nothing (``Name.value``, ``Param.star``): reading
    it can never find a child, so walks leave it out."""
    if typing.get_origin(annotation) is typing.Union:
        return all(_never_a_node(arg) for arg in typing.get_args(annotation))
    return annotation in (str, bool, type(None), cst.MaybeSentinel) or typing.get_origin(annotation) is typing.Literal


def _node_fields(kind: type, keep) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if keep(f.name) and not _never_a_node(f.type))


def direct_children(node: cst.CSTNode) -> list:
    """A node's children read straight from its fields: libcst's ``children`` visits to find them,
    which costs as much as a parse on a big file."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = _node_fields(type(node), lambda name: True)
    return _children_in(node, names)


def code_children(node: cst.CSTNode) -> list:
    """``direct_children`` without the layout (``LAYOUT_FIELDS``, ``whitespace_*``): what walks
    that look at code, not at spaces or comments, need; they visit a third of the nodes."""
    names = _CODE_FIELDS.get(type(node))
    if names is None:
        names = _CODE_FIELDS[type(node)] = _node_fields(
            type(node), lambda name: name not in LAYOUT_FIELDS and not name.startswith("whitespace"))
    return _children_in(node, names)


def _children_in(node: cst.CSTNode, names: tuple[str, ...]) -> list:
    """A list, not a generator: the hot walks extend their stacks with it (a third faster)."""
    found = []
    is_node = _IS_NODE
    for name in names:
        value = getattr(node, name)
        kind = type(value)
        if kind is list or kind is tuple:
            for item in value:
                if is_node[type(item)]:
                    found.append(item)
        elif is_node[kind]:
            found.append(value)
    return found


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
