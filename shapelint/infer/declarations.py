"""Shapes that people already write down: comments, docstrings, annotations.

Parsing gives a ``ShapeSpec``: a list of names, ints and ``None`` (unknown dim),
or ``None`` for an unknown rank. Turning names into dims needs the scope (a
name bound to an int is that int), so that happens in the interpreter.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

import libcst as cst

from ..cst_walk import last_name
from ..domain.dims import AnyDim, const, unknown
from ..domain.shapes import UNKNOWN_SHAPE, Shape, shape_of
from ..numpy_model import properties
from .shape_text import (  # noqa: F401  (re-exported: the grammars of comments and docstrings)
    DimToken,
    ShapeSpec,
    comment_declarations,
    docstring_declarations,
    parse_dims,
    trailing_comment_shape,
    tuple_dims,
)

_JAXTYPING_DTYPES = re.compile(
    r"^(Float|Int|UInt|Bool|Shaped|Num|Real|Complex|Inexact|Integer|Key|"
    r"Float\d+|Int\d+|UInt\d+|Complex\d+|BFloat16)$"
)


def _string_value(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _subscript_items(node: cst.Subscript) -> list[cst.BaseExpression]:
    items = []
    for element in node.slice:
        if isinstance(element.slice, cst.Index):
            items.append(element.slice.value)
    return items


def annotation_shape(node: cst.BaseExpression) -> ShapeSpec | bool:
    """jaxtyping, nptyping or ``np.ndarray[tuple[int, int], ...]``; False when not a shape annotation."""
    if not isinstance(node, cst.Subscript):
        return False
    outer = last_name(node.value)
    items = _subscript_items(node)
    if outer and _JAXTYPING_DTYPES.match(outer) and len(items) == 2:
        if last_name(items[0]) not in properties.ARRAY_TYPES:
            return False  # Float[torch.Tensor, "b n"], Float[Array, ...] (jax): not a NumPy array
        text = _string_value(items[1])
        if text is not None:
            return parse_dims(text, separator=None)
        return False
    for item in items:
        if isinstance(item, cst.Subscript) and last_name(item.value) == "Shape":
            inner = _subscript_items(item)
            text = _string_value(inner[0]) if inner else None
            if text is not None:
                return parse_dims(text)
    if outer == "ndarray" and items:
        first = items[0]
        if isinstance(first, cst.Subscript) and last_name(first.value) in ("tuple", "Tuple"):
            dims = _subscript_items(first)
            if any(isinstance(d, cst.Ellipsis) for d in dims):
                return None
            return [None] * len(dims)
    return False


def resolve(spec: ShapeSpec, lookup: Callable[[str], AnyDim]) -> Shape:
    if spec is None:
        return UNKNOWN_SHAPE
    dims: list[AnyDim] = []
    for token in spec:
        if token is None:
            dims.append(unknown())
        elif isinstance(token, int):
            dims.append(const(token))
        else:
            dims.append(lookup(token))
    return shape_of(dims)
