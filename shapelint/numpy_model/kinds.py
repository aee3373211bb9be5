"""What an index means depends on the array's dtype: integers pick positions, booleans mask.

Shapes carry no dtype, so the arrays that NumPy makes of integers (``argmax``, ``arange``,
``permutation``, ``nonzero``...) or of booleans (``isnan``, ``logical_and``...) are marked by their
class. The mark holds for the call's own result and whatever name it is bound to; any arithmetic
on it (``with_shape``) gives a plain array again, since ``idx > 3`` is no longer integers.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import libcst as cst

from ..domain import ops
from ..domain.dims import const, unknown
from ..domain.shapes import Shape
from ..literals import string_value
from ..infer.values import ArrayValue, IntValue, NoneValue, TupleValue, Value


def _plain(value: ArrayValue) -> ArrayValue:
    return ArrayValue(**{f.name: getattr(value, f.name) for f in fields(ArrayValue)})


@dataclass(frozen=True)
class IntegerArray(ArrayValue):
    """An array of integers: as an index, it picks positions."""

    def with_shape(self, shape: Shape, **changes) -> ArrayValue:
        return _plain(self).with_shape(shape, **changes)


@dataclass(frozen=True)
class BoolArray(ArrayValue):
    """An array of booleans: as an index, it masks."""

    def with_shape(self, shape: Shape, **changes) -> ArrayValue:
        return _plain(self).with_shape(shape, **changes)


@dataclass(frozen=True)
class ObjectArray(ArrayValue):
    """An array whose elements are not numbers: Python objects (``dtype=object``), records (a
    structured dtype: ``rec[0]`` is a field) or strings (``dtype=str``). A container: an element may
    be indexed, or be an array of any shape (``out = np.empty(n, dtype=object); out[:] = chunks``),
    so an element is unknown."""


# dtypes whose elements are numbers (NumPy scalars: indexing one raises); any other may not be
_NUMBER_DTYPES = frozenset({
    "float", "int", "complex", "bool", "bool_", "half", "single", "double", "longdouble", "float_",
    "float16", "float32", "float64", "float96", "float128", "int_", "intp", "uintp", "uint", "intc", "uintc",
    "byte", "ubyte", "short", "ushort", "longlong", "ulonglong", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "complex64", "complex128", "complex256", "complex_", "csingle",
    "cdouble", "clongdouble", "datetime64", "timedelta64",
})
_NUMBER_CODES = "?bBhHiIlLqQpPefdgFDGmM"  # one-letter codes (after a byte order); "O", "V", "U", "S", "a" are not


def holds_non_numbers(dtype: cst.BaseExpression) -> bool:
    """May an array of this ``dtype`` hold elements that are not numbers? Only a dtype known to be
    numeric says no: a list of fields, ``np.dtype(...)``, a variable, ``object``, ``str`` say yes."""
    if isinstance(dtype, cst.Name):
        return dtype.value not in _NUMBER_DTYPES
    if isinstance(dtype, cst.Attribute):
        return dtype.attr.value not in _NUMBER_DTYPES
    value = string_value(dtype) if isinstance(dtype, cst.SimpleString) else None
    if isinstance(value, str):
        text = value.lstrip("<>=|")
        if text in _NUMBER_DTYPES:
            return False
        return not (text[:1] and text[0] in _NUMBER_CODES and (text[1:].isdigit() or not text[1:]))
    return True


def may_add_axes(dtype: cst.BaseExpression) -> bool:
    """Is this ``dtype`` written as a sub-array type, whose shape NumPy appends to the array's
    (``np.zeros(5, dtype=(float, (2, 3)))`` is (5, 2, 3); ``"(3,)f8"``; ``np.dtype((float, (2,)))``)?
    A name is taken for a plain type (``dtype=dtype``, ``X.dtype``: an array's own dtype never
    is one); a sub-array type bound to a variable first is not seen."""
    if isinstance(dtype, (cst.Tuple, cst.List)):
        return True
    if isinstance(dtype, cst.SimpleString):
        value = string_value(dtype)
        return not isinstance(value, str) or "(" in value
    if isinstance(dtype, cst.Call) and isinstance(dtype.func, (cst.Name, cst.Attribute)) and dtype.args:
        name = dtype.func.value if isinstance(dtype.func, cst.Name) else dtype.func.attr.value
        return name == "dtype" and may_add_axes(dtype.args[0].value)
    return False


def axes_may_be_added(kwargs: dict) -> bool:
    """A ``dtype=`` among a call's keywords that may be a sub-array type (``may_add_axes``)."""
    found = kwargs.get("dtype")
    return found is not None and may_add_axes(found[0])


def objects_requested(kwargs: dict) -> bool:
    """A ``dtype=`` among a call's keywords that may hold non-numbers (``holds_non_numbers``)."""
    found = kwargs.get("dtype")
    return found is not None and holds_non_numbers(found[0])


def objects(value: Value) -> Value:
    return _marked(value, ObjectArray)


def integers(value: Value) -> Value:
    """``value`` marked as integers (left alone when it is not an array)."""
    return _marked(value, IntegerArray)


def booleans(value: Value) -> Value:
    return _marked(value, BoolArray)


def _marked(value: Value, kind: type) -> Value:
    if not isinstance(value, ArrayValue) or isinstance(value, kind):
        return value
    return kind(**{f.name: getattr(value, f.name) for f in fields(ArrayValue)})


def same_kind(source: Value, result: Value) -> Value:
    """``result`` holds ``source``'s elements (a reshape, a flattening): the same kind."""
    if isinstance(source, IntegerArray):
        return integers(result)
    if isinstance(source, BoolArray):
        return booleans(result)
    return result


_LOGICAL = (cst.BitAnd, cst.BitOr, cst.BitXor)


def is_boolean_expression(node: cst.BaseExpression) -> bool:
    """``a > b``, ``~(a > b)``, ``(a > 0) & (b < 1)``: booleans whatever the operands hold."""
    if isinstance(node, cst.Comparison):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.BitInvert):
        return is_boolean_expression(node.expression)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, _LOGICAL):
        return is_boolean_expression(node.left) and is_boolean_expression(node.right)
    return False


def index_for(node: cst.BaseExpression, value: Value) -> object:
    """The ``domain.ops`` index item that ``X[node]`` (one item of a subscript) stands for."""
    if isinstance(value, NoneValue):
        return ops.NewAxis()
    if isinstance(value, IntValue):
        return ops.IntIndex(value.dim)
    if isinstance(value, TupleValue) and value.mutable:  # a list literal: ``X[[0, 2, 5]]``
        if all(isinstance(item, IntValue) for item in value.items):
            return ops.ArrayIndex(Shape((const(len(value.items)),)))
        return ops.OpaqueIndex()
    if not isinstance(value, ArrayValue) or not value.shape.known_rank:
        return ops.OpaqueIndex()  # a tuple (a multi-index), or unknown
    if isinstance(value, BoolArray) or is_boolean_expression(node):
        return ops.MaskIndex(value.shape.rank, value.shape)
    if value.python_number:
        return ops.OpaqueIndex()  # a float, or a bool of unknown origin
    if isinstance(value, IntegerArray):
        return ops.IntIndex() if value.shape.rank == 0 else ops.ArrayIndex(value.shape)
    if value.shape.rank == 1:
        # integers of length k or a mask of the axis' length: one axis either way, of a size only
        # an integer array of known length would tell
        return ops.ArrayIndex(Shape((unknown(),)))
    return ops.OpaqueIndex()  # 0-d: an int drops the axis, a bool adds one; N-d: rank differs


_INTEGER_TYPES = {"int", "int_", "intp", "int8", "int16", "int32", "int64", "uint", "uintp", "uint8", "uint16", "uint32", "uint64", "longlong"}
_BOOL_TYPES = {"bool", "bool_"}


def as_dtype(value: Value, node: cst.BaseExpression) -> Value:
    """``a.astype(int)`` is integers, ``a.astype(bool)`` booleans, ``a.astype(object)`` objects;
    any other dtype a plain array."""
    name = node.attr.value if isinstance(node, cst.Attribute) else node.value if isinstance(node, cst.Name) else None
    if isinstance(node, cst.SimpleString):
        text = string_value(node)
        name = text if isinstance(text, str) else None
    if name in _INTEGER_TYPES:
        return integers(value)
    if name in _BOOL_TYPES:
        return booleans(value)
    if holds_non_numbers(node):
        return objects(value)
    return _plain(value) if isinstance(value, (IntegerArray, BoolArray)) else value
