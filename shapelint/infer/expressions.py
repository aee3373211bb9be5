"""Evaluation of expressions: names, literals, operators, attributes, subscripts."""
from __future__ import annotations

from functools import cached_property, lru_cache

from dataclasses import replace
from typing import Optional

import libcst as cst

from ..domain import ops
from ..domain.dims import Dim, UnknownDim, const, dim_add, dim_mul, dim_sub, is_one, unknown
from ..domain.shapes import SCALAR, Shape, ShapeError, attempt, shapes_same, size
from ..cst_walk import code_children
from ..literals import integer_literal, plain_string_value
from ..numpy_model import properties
from .events import Elementwise, Failure, Loop, Matmul, Transpose
from .frame import Frame
from .project import LazyImport, UserModule
from ..numpy_model.kinds import ObjectArray, index_for
from .containers import percent_formatted
from .guards import GuardedBy
from .values import (
    FALSE,
    SCALAR_NUMBER,
    TRUE,
    UNKNOWN,
    ArrayValue,
    FunctionValue,
    GeneratorValue,
    Instance,
    IntValue,
    MethodValue,
    ModuleValue,
    NoneValue,
    StrValue,
    TupleValue,
    Assumed,
    DictValue,
    Expanded,
    PartialValue,
    UserClass,
    UserFunction,
    Value,
    inherited_from,
    method_kind,
    as_array,
    join,
    ListValue,
    list_item,
)

Arg = tuple[cst.BaseExpression, Value]

_ELEMENTWISE_OPS = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.BitAnd: "&",
    cst.BitOr: "|",
    cst.BitXor: "^",
}




_CONSTANT_NAMES = frozenset(("None", "True", "False"))
MAX_REMEMBERED_LITERALS = 4096
_INTEGERS: dict[str, IntValue] = {}  # an int literal's text -> its value (immutable, so shared by every use)


@lru_cache(maxsize=MAX_REMEMBERED_LITERALS)
def _string_literal(text: str) -> Value:
    """A string literal's value, made once per spelling (immutable, so shared by every use)."""
    value = _string_value(text)
    return StrValue(value) if isinstance(value, str) else UNKNOWN


def _unmodelled(interpreter: "ExpressionEvaluator", node: cst.CSTNode, frame: Frame) -> Value:
    """An expression the interpreter has no ``eval_`` for: only what is inside it is seen."""
    interpreter.evaluate_children(node, frame)
    return UNKNOWN


def _string_value(text: str):
    """What a string literal spells: one without escapes is read directly
    (``literals.plain_string_value``), the rest as libcst reads them."""
    found = plain_string_value(text)
    return found if found is not None else cst.SimpleString(text).evaluated_value


class ExpressionEvaluator:
    """Mixin of the interpreter: ``evaluate(node, frame) -> Value``."""

    @cached_property
    def evaluators(self) -> dict:
        """Node type -> this class's ``eval_`` function for it. Looked up once per type, not by
        name on every node; plain functions, so the interpreter holds no cycle."""
        return {}

    def evaluate(self, node: cst.BaseExpression, frame: Frame) -> Value:
        kind = type(node)
        try:
            method = self.evaluators[kind]
        except KeyError:
            method = self.evaluators[kind] = getattr(type(self), "eval_" + kind.__name__, _unmodelled)
        value = method(self, node, frame)
        if frame.emit and kind in _COUNTED_TYPES:
            self.analysis.seen_values.append((node, value))  # for ``shapelint coverage``: any run that knows it
        return value

    def evaluate_children(self, node: cst.CSTNode, frame: Frame) -> None:
        """Look inside unmodelled expressions so the shape bugs in them are still seen."""
        for child in code_children(node):
            if isinstance(child, cst.BaseExpression):
                self.evaluate(child, frame)
            elif not isinstance(child, (cst.BaseSuite, cst.BaseStatement)):
                self.evaluate_children(child, frame)

    # --- leaves ---------------------------------------------------------------

    def eval_Name(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        if name in _CONSTANT_NAMES:
            if name == "None":
                return NoneValue()
            return TRUE if name == "True" else FALSE
        env = frame.env  # ``frame.lookup``, inlined: a third of all evaluations are names
        value = env[name] if name in env else frame.globals[name] if frame.globals is not None and name in frame.globals else UNKNOWN
        return self.resolve_lazy(value) if isinstance(value, LazyImport) else value

    def eval_Integer(self, node: cst.Integer, frame: Frame) -> Value:
        found = _INTEGERS.get(node.value)
        if found is not None:
            return found
        value = integer_literal(node)
        if value is None:
            return IntValue(unknown())  # a fresh unknown each time: never shared
        found = IntValue(const(value))
        if len(_INTEGERS) < MAX_REMEMBERED_LITERALS:
            _INTEGERS[node.value] = found
        return found

    def eval_Float(self, node: cst.Float, frame: Frame) -> Value:
        return SCALAR_NUMBER

    def eval_Imaginary(self, node: cst.Imaginary, frame: Frame) -> Value:
        return SCALAR_NUMBER

    def eval_SimpleString(self, node: cst.SimpleString, frame: Frame) -> Value:
        return _string_literal(node.value)

    def eval_Ellipsis(self, node: cst.Ellipsis, frame: Frame) -> Value:
        return UNKNOWN

    def eval_Tuple(self, node: cst.Tuple, frame: Frame) -> Value:
        return self._sequence(node.elements, frame)

    def eval_List(self, node: cst.List, frame: Frame) -> Value:
        value = self._sequence(node.elements, frame)
        return TupleValue(value.items, mutable=True) if isinstance(value, TupleValue) else value

    def _sequence(self, elements, frame: Frame) -> Value:
        items = []
        starred = False
        for element in elements:
            value = self.evaluate(element.value, frame)
            if type(element) is cst.StarredElement:
                starred = True
            items.append(value)
        return UNKNOWN if starred else TupleValue(tuple(items))

    def eval_IfExp(self, node: cst.IfExp, frame: Frame) -> Value:
        self.evaluate(node.test, frame)
        decided = self.known_outcome(node.test, frame)
        if decided is not None:  # ``x[:n] if x.ndim == 1 else x[:, :n]`` on a known rank: one side runs
            return self.evaluate(node.body if decided else node.orelse, frame)
        with GuardedBy(frame, node.test):  # neither side is sure to run
            return join(self.evaluate(node.body, frame), self.evaluate(node.orelse, frame))

    def eval_UnaryOperation(self, node: cst.UnaryOperation, frame: Frame) -> Value:
        value = self.evaluate(node.expression, frame)
        if type(node.operator) is cst.Not:
            return UNKNOWN
        if isinstance(value, IntValue) and isinstance(node.operator, cst.Minus):
            return IntValue(dim_mul(const(-1), value.dim))
        if isinstance(value, (IntValue, ArrayValue)):
            return value
        return UNKNOWN

    def eval_BooleanOperation(self, node: cst.BooleanOperation, frame: Frame) -> Value:
        self.evaluate(node.left, frame)
        with GuardedBy(frame, node.left):  # ``b.size and b.T @ X``: the right side runs only as the left says
            self.evaluate(node.right, frame)
        return UNKNOWN

    # --- operators --------------------------------------------------------------

    def eval_BinaryOperation(self, node: cst.BinaryOperation, frame: Frame) -> Value:
        left = self.evaluate(node.left, frame)
        right = self.evaluate(node.right, frame)
        if type(node.operator) is cst.MatrixMultiply:
            return self.matmul(frame, node, "@", (node.left, left), (node.right, right))
        op = _ELEMENTWISE_OPS.get(type(node.operator))
        if op is None:
            return UNKNOWN
        if isinstance(left, IntValue) and isinstance(right, IntValue):
            return int_arithmetic(op, left, right)
        if isinstance(left, TupleValue) and isinstance(right, TupleValue) and op == "+":
            return TupleValue(left.items + right.items, left.is_shape or right.is_shape)
        if isinstance(left, StrValue) and isinstance(right, StrValue) and op == "+":
            return StrValue(left.text + right.text)  # ``"d" + name``: a key an unrolled loop builds
        if isinstance(left, StrValue) and op == "%":
            return percent_formatted(left, right)  # ``"W%d" % l``
        return self.elementwise(frame, node, op, (node.left, left), (node.right, right))

    def eval_ListComp(self, node: cst.ListComp, frame: Frame) -> Value:
        self.emit_implicit_loop(node, node.for_in.iter, node.for_in.target, frame)
        self.evaluate_children(node, frame)
        return UNKNOWN

    eval_GeneratorExp = eval_ListComp

    def emit_implicit_loop(self, node, iterable, target, frame: Frame) -> None:
        """A comprehension, ``map`` or ``np.vectorize`` loops too: a Loop event, its variable bound."""
        frame.ran_loop = True
        if not frame.emit and not frame.assumed_arrays:
            return
        from .statements import element_of

        element = element_of(self.evaluate(iterable, frame)) if iterable is not None else UNKNOWN
        entry = {**(frame.globals or {}), **frame.env}
        if isinstance(target, cst.Name):
            entry[target.value] = element
        if frame.emit:
            self.emit(frame, Loop(node, entry, element, self.loop_judge))
        elif not frame.compiled:
            self.loop_judge.record(node, entry, None, frame.assumed_arrays)

    def eval_Comparison(self, node: cst.Comparison, frame: Frame) -> Value:
        left_node, left = node.left, self.evaluate(node.left, frame)
        result: Value = UNKNOWN
        for target in node.comparisons:
            right = self.evaluate(target.comparator, frame)
            if type(target.operator) in (cst.In, cst.NotIn, cst.Is, cst.IsNot):
                result = UNKNOWN
            elif isinstance(left, ArrayValue) or isinstance(right, ArrayValue):
                result = self.elementwise(frame, node, "comparison", (left_node, left), (target.comparator, right))
            else:
                result = UNKNOWN
            left_node, left = target.comparator, right
        return result

    def elementwise(self, frame: Frame, node: cst.CSTNode, op: str, left: Arg, right: Arg) -> Value:
        """Broadcast two operands, tell the rules, and carry provenance through scalar arithmetic."""
        a, b = as_array(left[1]), as_array(right[1])
        if a is None and b is not None and b.shape.rank:
            a = scaling_operand(op, *left)
        elif b is None and a is not None and a.shape.rank:
            b = scaling_operand(op, *right)
        if a is None or b is None:
            return UNKNOWN
        shape, error = attempt(ops.broadcast, a.shape, b.shape)
        if a.shape.rank and b.shape.rank:
            self.emit(frame, Elementwise(node, op, a, b, left[0], right[0], shape, error))
        if shape is None:
            return UNKNOWN
        result = broadcast_result(a, b, shape)
        if silently_expanded(a, b, shape):
            result = replace(result, basis=result.basis | {Expanded(node)})
        return result

    def matmul(self, frame: Frame, node: cst.CSTNode, func: str, left: Arg, right: Arg) -> Value:
        a, b = as_array(left[1]), as_array(right[1])
        if a is None or b is None or (func == "@" and (a.python_number or b.python_number)):
            return UNKNOWN  # a "number" before @ may as well be an object with its own @
        shape, error = attempt(ops.dot if func == "np.dot" else ops.matmul, a.shape, b.shape)
        if a.shape.known_rank and b.shape.known_rank:
            self.emit(frame, Matmul(node, func, a, b, left[0], right[0], shape, error))
        if shape is None:
            return UNKNOWN
        inner = ops.inner_dims(a.shape, b.shape)
        learned = self.learn_equal(frame, inner[1], inner[0]) if inner else None
        if learned is not None:  # it ran, so they are equal: ``A @ A`` makes A square
            shape = learned.shape(shape)
        made_at, inherited = None, None
        if shape.rank == 1:
            # M @ v is rank-1 because v is: a column v (k, 1) makes it a column; v @ M is not (a column raises)
            source = a if a.shape.rank == 1 else b if b.shape.rank == 1 else None
            if source is not None and source.made_at is not None:
                made_at, inherited = source.made_at, inherited_from(source, carries=source is b)
            made_at = made_at or node
        return ArrayValue(shape, made_at=made_at, inherited=inherited, basis=a.basis | b.basis)

    def transpose(self, frame: Frame, node: cst.CSTNode, operand: Arg, axes=None) -> Value:
        a = as_array(operand[1])
        if a is None:
            return UNKNOWN
        if a.shape.rank == 1:
            self.emit(frame, Transpose(node, a, operand[0]))
        try:
            shape = ops.transpose(a.shape, axes)
        except ShapeError as exc:
            self.emit(frame, Failure(node, "transpose", str(exc), (a,)))
            return UNKNOWN
        rank1 = shape.rank == 1  # ``v.T`` is ``v``
        return ArrayValue(shape, made_at=a.made_at if rank1 else None, inherited=a.inherited if rank1 else None, explicit=a.explicit, basis=a.basis)

    # --- attributes ---------------------------------------------------------------

    def eval_Attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.evaluate(node.value, frame)
        return self.attribute(frame, node, base, node.attr.value)

    def attribute(self, frame: Frame, node: cst.Attribute, base: Value, name: str) -> Value:
        if isinstance(base, ModuleValue):
            if name == "newaxis":
                return NoneValue()
            if name in properties.CONSTANTS:
                return SCALAR_NUMBER
            if name in properties.SUBMODULES and base.qualname == "numpy":
                return ModuleValue(f"{base.qualname}.{name}")
            return FunctionValue(f"{base.qualname}.{name}")
        if isinstance(base, ArrayValue):
            return self.array_attribute(frame, node, base, name)
        if isinstance(base, Instance):
            if name in base.attributes:
                return base.attributes[name]
            if name in base.cls.methods:
                return MethodValue(base, name)
            return UNKNOWN
        if isinstance(base, UserClass):
            method = base.methods.get(name, UNKNOWN)
            if isinstance(method, UserFunction) and method_kind(method) == "classmethod":
                return PartialValue(method, ((node.value, base),))  # ``BSpline.design_matrix(x, t, k)``: cls is BSpline
            return method
        if isinstance(base, (GeneratorValue, DictValue)) or (isinstance(base, StrValue) and name == "format"):
            return MethodValue(base, name)
        if isinstance(base, UserModule):
            return base.attribute(name)
        return UNKNOWN

    def array_attribute(self, frame: Frame, node: cst.Attribute, array: ArrayValue, name: str) -> Value:
        dims = array.shape.dims
        if name == "shape":
            return UNKNOWN if dims is None else TupleValue(tuple(IntValue(d) for d in dims), is_shape=True)
        if name == "T":
            return self.transpose(frame, node, (node.value, array))
        if name == "ndim":
            return UNKNOWN if dims is None else IntValue(const(len(dims)))
        if name == "size":
            return IntValue(size(array.shape))
        if name in ("real", "imag"):
            return array
        if name in ("dtype", "flags", "strides", "itemsize", "nbytes", "base", "flat", "ctypes", "data"):
            return UNKNOWN
        return MethodValue(array, name)

    # --- subscripts -------------------------------------------------------------------

    def eval_Subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.evaluate(node.value, frame)
        if isinstance(base, FunctionValue):  # ``np.c_[a, b]``, ``np.mgrid[0:n]``: NumPy objects indexed
            from ..numpy_model.registry import SUBSCRIPTS

            if base.qualname in SUBSCRIPTS:
                args = [(e.slice, UNKNOWN) if isinstance(e.slice, cst.Slice) else (e.slice.value, self.evaluate(e.slice.value, frame)) for e in node.slice]
                return self.call_library(frame, node, base.qualname, SUBSCRIPTS, args, {})
        items = [self.index_item(element.slice, frame) for element in node.slice]
        if isinstance(base, StrValue):
            return character(base, node, items)
        if isinstance(base, TupleValue):
            return tuple_subscript(base, node, items)
        if isinstance(base, DictValue):
            return self.dict_lookup(base, node, frame)
        if isinstance(base, ListValue):  # ``layers[i]``; a slice of a list is a list
            return base if any(isinstance(e.slice, cst.Slice) for e in node.slice) else list_item(base)
        if not isinstance(base, ArrayValue) or base.python_number:
            return UNKNOWN  # numbers are not indexed; a "number" indexed was misjudged
        try:
            shape = ops.index(base.shape, items)
        except ShapeError as exc:
            self.emit(frame, Failure(node, "index", str(exc), (base,)))
            return UNKNOWN
        if isinstance(base, ObjectArray) and shape.rank == 0:
            return UNKNOWN  # an element of an object array: any Python object, an array of any shape
        explicit = any(isinstance(i, ops.NewAxis) for i in items)
        made_at, inherited = None, None
        if shape.rank == 1:
            made_at = base.made_at if base.shape.rank == 1 else node
            if base.shape.rank == 1:  # part of a rank-1 array (``v[1:]``, ``v[mask]``): of a column, rows of it
                inherited = base.inherited if shapes_same(shape, base.shape) else inherited_from(base, carries=True)
        return ArrayValue(shape, made_at=made_at, inherited=inherited, explicit=explicit or base.explicit, basis=base.basis)

    def index_item(self, item: cst.BaseSlice, frame: Frame):
        if type(item) is cst.Slice:
            length, bounds = self.slice_parts(item, frame)
            key = self.slice_key(item, frame) if isinstance(length, UnknownDim) else None
            return ops.SliceIndex(length, constant_bounds(item) or bounds, key, window=is_window(item))
        expr = item.value
        if type(expr) is cst.Ellipsis:
            return ops.EllipsisIndex()
        return index_for(expr, self.evaluate(expr, frame))  # NumPy's reading of an index object

    def slice_parts(self, item: cst.Slice, frame: Frame) -> tuple:
        """(length, bounds) of a slice: the length None for ``:``, the kept size for ``i:i+1``,
        ``:k``, ``-k:`` and constant bounds; the bounds (a ``slice``) when they are bound to known
        integers (``v[:k]`` with ``k = 50``), so that an axis of known size is cut as NumPy cuts it."""
        lower = self.evaluate(item.lower, frame) if item.lower else None
        upper = self.evaluate(item.upper, frame) if item.upper else None
        if item.step is not None:
            self.evaluate(item.step, frame)
            return unknown(), None
        if lower is None and upper is None:
            return None, None
        lo = lower.dim if isinstance(lower, IntValue) else None
        hi = upper.dim if isinstance(upper, IntValue) else None
        bounds = None
        if (lower is None or (isinstance(lo, Dim) and lo.is_const)) and (upper is None or (isinstance(hi, Dim) and hi.is_const)):
            bounds = slice(None if lower is None else lo.coeff, None if upper is None else hi.coeff)
        if is_window(item):
            return const(integer_literal(item.upper.right)), bounds
        if lower is None and hi is not None and _non_negative(hi):
            return hi, bounds
        if upper is None and lo is not None and isinstance(lo, Dim) and lo.is_const and lo.coeff < 0:
            return const(-lo.coeff), bounds
        if isinstance(lo, Dim) and isinstance(hi, Dim) and lo.is_const and hi.is_const and 0 <= lo.coeff <= hi.coeff:
            return const(hi.coeff - lo.coeff), bounds
        return unknown(), bounds

    def slice_key(self, item: cst.Slice, frame: Frame):
        """What a slice's length is a function of (with the axis it cuts): its bounds, when they are
        sizes. The same slice of the same axis is then the same size, however often it is written."""
        parts = []
        for part in (item.lower, item.upper, item.step):
            value = IntValue(const(0)) if part is None else self.evaluate(part, frame)
            if not isinstance(value, IntValue):
                return None
            parts.append(None if part is None else value.dim)
        return tuple(parts)


COUNTED = (cst.Name, cst.Attribute, cst.Subscript, cst.Call, cst.BinaryOperation)  # where an array can be
_COUNTED_TYPES = frozenset(COUNTED)
SCALING_OPS = ("*", "/")


def scaling_operand(op: str, node: cst.BaseExpression, value: Value) -> Optional[ArrayValue]:
    """An unknown factor scaling an array (``lr`` or ``1 / m`` in ``lr * db``) is a number.

    Scaling by an unknown can only keep or grow the array's shape, and learning
    rates, ``1/m`` and ``alpha`` are what people scale arrays by.
    """
    if value is UNKNOWN and op in SCALING_OPS and _scalar_like(node):
        return ArrayValue(SCALAR, python_number=True, basis=frozenset((Assumed(node),)))
    return None


def _scalar_like(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Name, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.Attribute):
        return _scalar_like(node.value)
    if isinstance(node, cst.UnaryOperation):
        return _scalar_like(node.expression)
    if isinstance(node, cst.BinaryOperation) and not isinstance(node.operator, cst.MatrixMultiply):
        return _scalar_like(node.left) and _scalar_like(node.right)
    return False


def is_window(item: cst.Slice) -> bool:
    """``i:i + 4``: a window of 4 wherever it starts (a batch, a column ``i:i + 1``)."""
    upper = item.upper
    return (item.lower is not None and item.step is None and isinstance(upper, cst.BinaryOperation)
            and isinstance(upper.operator, cst.Add) and integer_literal(upper.right) is not None
            and upper.left.deep_equals(item.lower))


def constant_bounds(item: cst.Slice) -> Optional[slice]:
    parts = [None if part is None else _literal_index(part) for part in (item.lower, item.upper, item.step)]
    if any(value is None and part is not None for value, part in zip(parts, (item.lower, item.upper, item.step))):
        return None
    if parts[2] == 0:
        return None
    return slice(*parts)


def _non_negative(d) -> bool:
    return isinstance(d, Dim) and (bool(d.symbols) and d.coeff > 0 or d.is_const and d.coeff >= 0)


def tuple_subscript(base: TupleValue, node: cst.Subscript, items) -> Value:
    if len(items) != 1:
        return UNKNOWN
    element = node.slice[0].slice
    if isinstance(element, cst.Index):
        index = _known_index(element, items[0])
        if index is not None and -len(base.items) <= index < len(base.items):
            return base.items[index]
        return UNKNOWN
    if isinstance(element, cst.Slice) and element.step is None:
        lower = _literal_index(element.lower) if element.lower else None
        upper = _literal_index(element.upper) if element.upper else None
        if (element.lower and lower is None) or (element.upper and upper is None):
            return UNKNOWN
        return TupleValue(base.items[lower:upper], base.is_shape)
    return UNKNOWN


def character(base: StrValue, node: cst.Subscript, items) -> Value:
    """``name[0]`` or ``name[1:]`` of a known string, at a known index or literal bounds (a test
    on a key: ``name[0] == "W"``; a key built from another: ``"b" + key[1:]``)."""
    element = node.slice[0].slice if len(node.slice) == 1 else None
    if type(element) is cst.Slice and element.step is None:
        lower = _literal_index(element.lower) if element.lower else None
        upper = _literal_index(element.upper) if element.upper else None
        if (element.lower and lower is None) or (element.upper and upper is None):
            return UNKNOWN
        return StrValue(base.text[lower:upper])
    index = _known_index(element, items[0]) if type(element) is cst.Index else None
    if index is None or not -len(base.text) <= index < len(base.text):
        return UNKNOWN
    return StrValue(base.text[index])


def _known_index(element: cst.Index, item) -> Optional[int]:
    """The integer of ``x[i]``: a literal, or an int the analysis knows (``ops.IntIndex.value``)."""
    literal = _literal_index(element.value)
    if literal is not None:
        return literal
    value = getattr(item, "value", None) if isinstance(item, ops.IntIndex) else None
    return value.coeff if isinstance(value, Dim) and value.is_const else None


def _literal_index(node: cst.BaseExpression) -> Optional[int]:
    return integer_literal(node)


def int_arithmetic(op: str, left: IntValue, right: IntValue) -> Value:
    if op == "+":
        return IntValue(dim_add(left.dim, right.dim))
    if op == "-":
        return IntValue(dim_sub(left.dim, right.dim))
    if op == "*":
        return IntValue(dim_mul(left.dim, right.dim))
    if op == "//" and isinstance(left.dim, Dim) and isinstance(right.dim, Dim):
        if left.dim.is_const and right.dim.is_const and right.dim.coeff:
            return IntValue(const(left.dim.coeff // right.dim.coeff))
        return IntValue(unknown())
    if op in ("/", "**"):
        return SCALAR_NUMBER
    return IntValue(unknown())


def silently_expanded(a: ArrayValue, b: ArrayValue, result: Shape) -> bool:
    """Did broadcasting stretch each operand along a different axis, with nothing saying it is
    meant (``None``, ``reshape``)? Then the result is larger than both: ``(n,) + (n, 1)``."""
    if a.explicit or b.explicit or not (a.shape.rank and b.shape.rank) or result.dims is None:
        return False
    stretched = [set(ops.stretched_axes(operand.shape, result)) for operand in (a, b)]
    return bool(stretched[0]) and bool(stretched[1]) and stretched[0] != stretched[1]


def broadcast_result(a: ArrayValue, b: ArrayValue, shape: Shape) -> ArrayValue:
    """Scaling by a number keeps an array's provenance; mixing two arrays makes a new one."""
    basis = a.basis | b.basis
    if b.shape.rank == 0 and a.shape.known_rank:
        return a.with_shape(shape, python_number=a.python_number and b.python_number, basis=basis, truth=None)
    if a.shape.rank == 0 and b.shape.known_rank:
        return b.with_shape(shape, python_number=False, basis=basis)
    made_at, inherited = None, None
    if shape.rank == 1:
        source = next((v for v in (a, b) if v.shape.rank == 1 and v.made_at is not None), None)
        if source is not None:
            other = b if source is a else a
            # a column source stays a column against a size-1 operand; against (n,) it expands to (n, n)
            carries = other.shape.rank == 0 or (other.shape.rank == 1 and is_one(other.shape.dims[0]) is True) or (
                other.made_at is source.made_at and (other.inherited is None or other.inherited.carries))  # v * v
            made_at, inherited = source.made_at, inherited_from(source, carries)
    return ArrayValue(shape, made_at=made_at, inherited=inherited, basis=basis)


__all__ = ["ExpressionEvaluator", "broadcast_result", "SCALAR"]
