"""What a ``for`` loop iterates over: its index, its trip count, the names bound to elements.

Only loops over a whole axis are read: ``range(n)``, ``range(0, n)``,
``range(len(x))``, ``range(X.shape[k])``, and iteration over an array
(``for x in X``, ``enumerate(X)``, ``zip(X, Y)``), where the element names are
recorded as aliases of ``X[i]`` with a synthetic index. Anything else
(``range(1, L + 1)``, a step, an unknown size) is not a whole-axis loop.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..literals import integer_literal
from ..domain.dims import Dim, const, dim_eq, sym
from ..infer.values import UNKNOWN, ArrayValue, IntValue

ELEMENT_INDEX = "__element_index__"


@dataclass(frozen=True)
class Header:
    var: str                                 # the index name (synthetic for ``for x in X``)
    length: Optional[Dim]                    # the trip count (None only for loose headers)
    iter_text: str                           # ``range(m)``, ``X``: how the loop reads
    elements: dict = field(default_factory=dict)  # element name -> array name it is a row of

    @property
    def synthetic(self) -> bool:
        return self.var == ELEMENT_INDEX


def read_header(node: cst.For, entry: dict, loose: bool = False) -> Optional[Header]:
    """The header of a whole-axis loop; with ``loose``, any ``range(n)`` loop (length maybe unknown)."""
    if node.asynchronous is not None:
        return None
    text = cst.Module([]).code_for_node(node.iter)
    target, iterable = node.target, node.iter
    if isinstance(target, cst.Name) and _is_call(iterable, "range", entry):
        length = _range_length(iterable, entry)
        if length is None and loose and whole_range(iterable):
            return Header(target.value, None, text)
        return Header(target.value, length, text) if length is not None else None
    if isinstance(target, cst.Name) and isinstance(iterable, cst.Name):
        length = _leading_dim(iterable.value, entry)
        if length is None:
            return None
        return Header(ELEMENT_INDEX, length, text, {target.value: iterable.value})
    names = target_names(target)
    if names is None or not isinstance(iterable, cst.Call) or any(a.keyword or a.star for a in iterable.args):
        return None
    arrays = [a.value.value if isinstance(a.value, cst.Name) else None for a in iterable.args]
    if _is_call(iterable, "enumerate", entry) and len(names) == 2 and len(arrays) == 1 and arrays[0]:
        length = _leading_dim(arrays[0], entry)
        if length is None:
            return None
        return Header(names[0], length, text, {names[1]: arrays[0]})
    if _is_call(iterable, "zip", entry) and len(names) == len(arrays) >= 2 and all(arrays):
        lengths = [_leading_dim(a, entry) for a in arrays]
        if any(d is None for d in lengths) or not all(dim_eq(lengths[0], d) is True for d in lengths):
            return None
        return Header(ELEMENT_INDEX, lengths[0], text, dict(zip(names, arrays)))
    return None


def size_of(node: cst.BaseExpression, entry: dict) -> Optional[Dim]:
    """A known size written as ``m``, ``4``, ``len(x)`` or ``X.shape[k]``."""
    if isinstance(node, cst.Integer):
        value = integer_literal(node)
        return None if value is None else const(value)
    if isinstance(node, cst.Name):
        value = entry.get(node.value, UNKNOWN)
        if value is UNKNOWN:
            return sym(node.value)  # an unknown size is named after its variable, as the interpreter does
        return value.dim if isinstance(value, IntValue) and isinstance(value.dim, Dim) else None
    if isinstance(node, cst.Attribute) and node.attr.value == "size" and isinstance(node.value, cst.Name):
        value = entry.get(node.value.value)  # ``v.size`` of a 1-D array is its length
        if isinstance(value, ArrayValue) and value.shape.dims is not None and len(value.shape.dims) == 1:
            return _leading_dim(node.value.value, entry)
        return None
    if isinstance(node, cst.Call) and _is_call(node, "len", entry) and len(node.args) == 1:
        arg = node.args[0].value
        return _leading_dim(arg.value, entry) if isinstance(arg, cst.Name) else None
    if (
        isinstance(node, cst.Subscript)
        and isinstance(node.value, cst.Attribute)
        and node.value.attr.value == "shape"
        and isinstance(node.value.value, cst.Name)
        and len(node.slice) == 1
        and isinstance(node.slice[0].slice, cst.Index)
    ):
        k = integer_literal(node.slice[0].slice.value)
        if k is None:
            return None
        value = entry.get(node.value.value.value)
        if not isinstance(value, ArrayValue) or value.shape.dims is None:
            return None
        dims = value.shape.dims
        if not -len(dims) <= k < len(dims):
            return None
        d = dims[k]
        return d if isinstance(d, Dim) else None
    return None


def whole_range(call: cst.Call) -> bool:
    args = call.args
    if any(a.keyword or a.star for a in args):
        return False
    return len(args) == 1 or (len(args) == 2 and isinstance(args[0].value, cst.Integer) and args[0].value.value == "0")


def _range_length(call: cst.Call, entry: dict) -> Optional[Dim]:
    args = call.args
    if any(a.keyword or a.star for a in args):
        return None
    if len(args) == 1:
        return size_of(args[0].value, entry)
    if len(args) == 2 and isinstance(args[0].value, cst.Integer) and args[0].value.value == "0":
        return size_of(args[1].value, entry)
    return None


def _leading_dim(name: str, entry: dict) -> Optional[Dim]:
    value = entry.get(name)
    if isinstance(value, ArrayValue) and value.shape.dims:
        d = value.shape.dims[0]
        return d if isinstance(d, Dim) else None
    return None


def _is_call(node: cst.BaseExpression, builtin: str, entry: dict) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == builtin
        and builtin not in entry
    )


def target_names(target: cst.BaseExpression) -> Optional[list[str]]:
    if not isinstance(target, (cst.Tuple, cst.List)):
        return None
    names = []
    for element in target.elements:
        if isinstance(element, cst.StarredElement) or not isinstance(element.value, cst.Name):
            return None
        names.append(element.value.value)
    return names
