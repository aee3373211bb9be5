"""Sizes named by the code: ``n_x, m = X.shape``, ``m = X.shape[1]``, ``len(X)``, ``x.shape = (3, 4)``.

Unpacking the shape of an array nobody knows gives it one, made of labels (names not known to
differ, ``_`` none at all); unpacking a declared array into another count of names says the
declaration is wrong, and the code wins.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..domain import ops
from ..domain.dims import Dim, UnknownDim, label, unknown
from ..domain.shapes import Shape, ShapeError, shape_of
from ..literals import integer_literal
from ..numpy_model.registry import dims_of
from .events import Failure
from .frame import Frame
from .mutation import forget_holders, holder_name
from .values import UNKNOWN, ArrayValue, IntValue, ParameterDeclaration, TupleValue, Value


class SizeNaming:
    """Mixin of the interpreter."""

    def set_shape(self, target: cst.Attribute, value: Value, frame: Frame, value_node) -> None:
        """``x.shape = (3, 4)`` reshapes ``x`` in place (NumPy raises if the size differs)."""
        array = self.evaluate(target.value, frame)
        dims = dims_of(value_node, value) if value_node is not None else None
        if not isinstance(array, ArrayValue):
            return
        if dims is None:
            self.assign_expression(target.value, UNKNOWN, frame)
            return
        new = [ops.INFER if isinstance(d, Dim) and d.is_const and d.coeff == -1 else d for d in dims]
        try:
            shape = ops.reshape(array.shape, new)
        except ShapeError as exc:
            self.emit(frame, Failure(target, "reshape", str(exc), (array,)))
            shape = Shape(None)
        self.assign_expression(target.value, ArrayValue(shape, explicit=True, basis=array.basis), frame)
        forget_holders(array, frame, spare=holder_name(target.value))  # ``b = a; b.shape = (4, 3)``: ``a`` is that array too

    def contradicted_rank(self, frame: Frame, array_node, names: list[Optional[str]]) -> Value:
        """``n, _ = D.shape`` where D was declared rank-1: the code says its rank, and wins. A declared
        parameter's declaration goes stale; D is named anew from the unpacking."""
        array = self.evaluate(array_node, frame)
        if not isinstance(array, ArrayValue):
            return UNKNOWN
        declarations = {source for source in array.basis if isinstance(source, ParameterDeclaration)}
        self.analysis.stale_declarations |= declarations
        self.assign_expression(array_node, ArrayValue(Shape(None)), frame)
        return self.name_shape(frame, array_node, names)

    def name_shape(self, frame: Frame, array_node, names: list[Optional[str]]) -> Value:
        """``n_x, m = X.shape`` on an X of unknown shape: X gets the shape ``(n_x, m)``."""
        if any(name is None for name in names):
            return UNKNOWN
        current = self.evaluate(array_node, frame)
        if current is not UNKNOWN and not (isinstance(current, ArrayValue) and not current.shape.known_rank):
            return UNKNOWN
        shape = shape_of(size_label(name) for name in names)
        if not self.foreign_arrays:  # in a module that imports torch, x may be a Tensor
            self.assign_expression(array_node, ArrayValue(shape), frame)
        return TupleValue(tuple(IntValue(d) for d in shape.dims), is_shape=True)

    def name_dim(self, frame: Frame, array_node, axis: int, item: Value, target) -> Value:
        """``m = X.shape[1]`` where that size was unknown: call it ``m`` from now on."""
        if not (isinstance(item, IntValue) and isinstance(item.dim, UnknownDim) and isinstance(target, cst.Name)):
            return item
        if is_throwaway(target.value):
            return item
        array = self.evaluate(array_node, frame)
        if not isinstance(array, ArrayValue) or array.shape.dims is None:
            return item
        named = label(target.value)
        dims = tuple(named if d is item.dim else d for d in array.shape.dims)
        self.assign_expression(array_node, array.with_shape(Shape(dims)), frame)
        return IntValue(named)

    def name_size(self, frame: Frame, value_node, value: Value, target: cst.Name) -> Value:
        """``m = X.shape[1]`` / ``m = len(X)`` of an unknown size: that size is ``m`` from now on."""
        if type(value_node) is cst.Subscript and is_shape_attribute(value_node.value) and len(value_node.slice) == 1:
            index = value_node.slice[0].slice
            axis = integer_literal(index.value) if isinstance(index, cst.Index) else None
            if axis is not None and axis >= 0:
                array = self.evaluate(value_node.value.value, frame)
                if isinstance(array, ArrayValue) and array.shape.dims is not None:
                    if axis < len(array.shape.dims):
                        return self.name_dim(frame, value_node.value.value, axis, value, target)
        if type(value_node) is cst.Call and type(value_node.func) is cst.Name and value_node.func.value == "len" and len(value_node.args) == 1:
            return self.name_dim(frame, value_node.args[0].value, 0, value, target)
        return value


def is_throwaway(name: str) -> bool:
    """``_``, ``__``, ``_unused``: a name bound only to be ignored, never a size."""
    return name.startswith("_") and (name.strip("_") == "" or name.startswith("_unused"))


def size_label(name: str):
    """The size an unpacking names: a label (not known to differ from others), or unknown for ``_``."""
    return unknown() if is_throwaway(name) else label(name)


def is_shape_attribute(node) -> bool:
    return type(node) is cst.Attribute and node.attr.value == "shape"


def target_name(node) -> Optional[str]:
    return node.value if isinstance(node, cst.Name) else None
