"""What the interpreter knows about a Python value.

Only arrays carry shapes; the other kinds exist so that shapes can flow through
the code that builds them (ints that are sizes, tuples that are shapes, the
numpy module and its functions, the user's functions and classes).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional

import libcst as cst

from ..domain.dims import AnyDim, Dim, UnknownDim, dim_eq, unknown
from ..domain.shapes import SCALAR, UNKNOWN_SHAPE, Shape, shapes_same


class Value:
    """Base of all abstract values."""


class _Unknown(Value):
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Reduction:
    """Provenance of a reduction result: what was reduced, over which axes, with keepdims or not."""

    node: cst.CSTNode
    source: Shape
    axes: tuple[int, ...]
    keepdims: bool
    name: str
    axis_node: Optional[cst.CSTNode] = None


@dataclass(frozen=True)
class Inherited:
    """Provenance of a rank-1 array computed from another rank-1 array, the one made at its
    ``made_at`` (``X @ w`` from ``w = np.zeros(3)``): it is rank-1 because that one is, but it is not
    that array and may differ in shape. ``shape`` is the shape made there; ``carries`` says whether
    making that array a column ``(k, 1)`` makes this one a column too (``X @ w`` yes; ``w @ X`` and
    ``w + v`` with ``v`` (n,) no: a column there raises or expands)."""

    shape: Shape
    carries: bool


def inherited_from(source: "ArrayValue", carries: bool) -> Optional[Inherited]:
    """How an array computed from rank-1 ``source`` (a new array, not a view of it) depends on
    ``source``'s maker."""
    if source.made_at is None:
        return None
    if source.inherited is not None:
        return Inherited(source.inherited.shape, source.inherited.carries and carries)
    return Inherited(source.shape, carries)


@dataclass(frozen=True)
class Assumed:
    """Provenance: a heuristic shaped this value (``node``, an unknown factor taken for a number).

    Such a shape may shape a hint, never a claim that NumPy raises."""

    node: cst.CSTNode


@dataclass(frozen=True)
class Expanded:
    """Provenance: broadcasting at ``node`` silently made this larger than both its operands
    ((n,) + (n, 1) -> (n, n)); a rule reports that there, and what follows from it is its echo."""

    node: cst.CSTNode


@dataclass(frozen=True)
class ParameterDeclaration:
    """Provenance: a parameter's declared shape (a docstring or annotation), which a caller's
    arguments may show to be stale."""

    function: cst.FunctionDef
    name: str
    source: str  # "docstring" or "annotation"


def from_docstring(source) -> bool:
    """Is this provenance (an item of ``ArrayValue.basis``) a docstring's declaration? Docstrings
    say loosely what a function accepts."""
    return isinstance(source, ParameterDeclaration) and source.source == "docstring"


@dataclass(frozen=True)
class ArrayValue(Value):
    """An ndarray (or a number, at rank 0) and where its shape came from.

    ``made_at`` is the node that made a rank-1 array (a constructor, a column
    slice, a matmul with a rank-1 operand); ``inherited`` is set when this array
    is not the one made there but computed from it (see ``Inherited``); ``reduction`` follows a reduction
    result through scalar arithmetic; ``explicit`` marks shapes written for
    broadcasting on purpose (``None``/``newaxis``/``reshape``/``expand_dims``).
    ``basis`` holds what the shape rests on beyond the code itself: ``Assumed``
    heuristics and ``ParameterDeclaration``s (empty: derived, or declared in the body).
    """

    shape: Shape
    made_at: Optional[cst.CSTNode] = None
    inherited: Optional[Inherited] = None
    reduction: Optional[Reduction] = None
    explicit: bool = False
    python_number: bool = False
    truth: Optional[bool] = None  # the literal True or False, as bound (a flag's default)
    loose: bool = False  # from a docstring, which says what a function accepts, not what it holds
    basis: frozenset = frozenset()

    def with_shape(self, shape: Shape, **changes: Any) -> "ArrayValue":
        return replace(self, shape=shape, **changes)


def basis_of(*values: Any) -> frozenset:
    """Everything the shapes of these values rest on (see ``ArrayValue.basis``)."""
    found: frozenset = frozenset()
    for value in values:
        if isinstance(value, ArrayValue) and value.basis:
            found = found | value.basis
        elif isinstance(value, TupleValue):
            found = found | basis_of(*value.items)
    return found


def resting_on(value: Value, basis: frozenset) -> Value:
    """``value`` (an array, or a tuple of them) also resting on ``basis``."""
    if not basis:
        return value
    if isinstance(value, ArrayValue):
        return value if basis <= value.basis else replace(value, basis=value.basis | basis)
    if isinstance(value, TupleValue):
        return replace(value, items=tuple(resting_on(item, basis) for item in value.items))
    return value


def array(shape: Shape, **kwargs: Any) -> ArrayValue:
    return ArrayValue(shape, **kwargs)


SCALAR_NUMBER = ArrayValue(SCALAR, python_number=True)
TRUE, FALSE = ArrayValue(SCALAR, python_number=True, truth=True), ArrayValue(SCALAR, python_number=True, truth=False)


@dataclass(frozen=True)
class IntValue(Value):
    """A Python int, usually a size: ``m = X.shape[1]``, ``n_h = 4``, a loop index."""

    dim: AnyDim


@dataclass(frozen=True)
class NoneValue(Value):
    """``None`` (and ``np.newaxis``)."""


@dataclass(frozen=True)
class TupleValue(Value):
    """A tuple or list literal, or ``X.shape``."""

    items: tuple[Value, ...]
    is_shape: bool = False
    mutable: bool = False  # a list literal: once bound to a name, .append may grow it


@dataclass(frozen=True)
class ListValue(Value):
    """A list bound to a name: its length unknown (``append`` may grow it), every element ``item``
    (what all its elements have in common; None while nothing is known to be in it)."""

    item: Optional[Value] = None
    exact: Optional[tuple] = None  # the items of the literal it was bound to, if all are constants
    # (``keys = ["W1", "b1"]``); nothing here follows the list's later changes: only a name no code
    # can change the list through (``unrolling.frozen_list_names``) may be read through it


@dataclass(frozen=True)
class StrValue(Value):
    text: str


@dataclass(frozen=True)
class DictValue(Value):
    """A dict whose string keys are known (``{"W1": W1, "b1": b1}``), held as a value.

    ``complete`` is False once a key nobody could read was written (``params["W" + str(l)] = ...``):
    any entry may then have been replaced, so none is trusted.
    """

    entries: tuple[tuple[str, Value], ...] = ()
    complete: bool = True

    def get(self, key: str) -> Value:
        if self.complete:
            for name, value in self.entries:
                if name == key:
                    return value
        return UNKNOWN

    def with_entry(self, key: Optional[str], value: Value) -> "DictValue":
        if key is None or not self.complete:
            return DictValue((), complete=False)
        return DictValue(tuple((k, v) for k, v in self.entries if k != key) + ((key, value),))


@dataclass(frozen=True)
class LambdaValue(Value):
    """``lambda z: z``: called by evaluating its body with the arguments bound."""

    node: cst.Lambda
    closure: Any  # the Frame it was written in


@dataclass(frozen=True)
class PartialValue(Value):
    """``functools.partial(f, *args, **kwargs)``."""

    func: Value
    args: tuple = ()
    kwargs: tuple = ()


@dataclass(frozen=True)
class ModuleValue(Value):
    """A module or namespace: ``numpy``, ``numpy.random``, ``numpy.linalg``."""

    qualname: str


@dataclass(frozen=True)
class FunctionValue(Value):
    """A library function known by qualified name, e.g. ``numpy.sum``."""

    qualname: str


@dataclass(frozen=True)
class MethodValue(Value):
    """A method looked up on a value: ``X.sum``, ``rng.normal``."""

    receiver: Value
    name: str


@dataclass(frozen=True)
class GeneratorValue(Value):
    """A ``numpy.random.Generator`` (or ``RandomState``)."""


@dataclass(frozen=True)
class RangeValue(Value):
    """``range(n)``: iterating gives int indices."""

    length: AnyDim


@dataclass(frozen=True)
class IterValue(Value):
    """``enumerate(...)``/``zip(...)``: what one iteration binds."""

    element: Value


@dataclass(eq=False)
class UserFunction(Value):
    """A function defined in the module being linted."""

    node: cst.FunctionDef
    closure: Any  # the Env it was defined in
    owner: Optional["UserClass"] = None
    external: bool = False  # defined in another of the project's files (run in that file's scope)
    origin: str = ""        # that file's name, for messages


def method_kind(function: UserFunction) -> str:
    """``"classmethod"``, ``"staticmethod"`` or ``""``: what Python binds to its first parameter
    when it is called through the class or an instance (the class, nothing, the instance)."""
    for decorator in function.node.decorators:
        name = decorator.decorator
        if isinstance(name, cst.Name) and name.value in ("classmethod", "staticmethod"):
            return name.value
    return ""


@dataclass(eq=False)
class UserClass(Value):
    node: cst.ClassDef
    methods: dict[str, UserFunction] = field(default_factory=dict)
    attributes: dict[str, Value] = field(default_factory=dict)

    def release(self) -> None:
        """Let go of its methods (each refers back to its class) and attributes (``Analysis.release``)."""
        self.methods, self.attributes = {}, {}


@dataclass(eq=False)
class Instance(Value):
    cls: UserClass
    attributes: dict[str, Value] = field(default_factory=dict)
    assigned: dict[str, list] = field(default_factory=dict)  # every value each attribute was given

    def release(self) -> None:
        """Let go of its attributes (a bound method among them refers back to it: ``Analysis.release``)."""
        self.attributes, self.assigned = {}, {}


def stored(value: Value) -> Value:
    """What a name holds after binding: a list can be appended to later, so its length is unknown;
    what its elements share is kept (``[W1, W2]`` of one shape, ``[]`` to be appended to)."""
    if isinstance(value, TupleValue) and value.mutable:
        item = None
        for element in value.items:
            element = stored(element)  # ``[[], []]``: lists in a list grow too
            item = element if item is None else join(item, element)
        exact = value.items if value.items and all(is_constant(element) for element in value.items) else None
        return ListValue(item, exact)
    return value


def is_list(value: Value) -> bool:
    """A list: bound to a name (``ListValue``) or a list literal not yet bound (a mutable tuple)."""
    return isinstance(value, ListValue) or (isinstance(value, TupleValue) and value.mutable)


def is_constant(value: Value) -> bool:
    """A value known exactly: a string, a known int, or a tuple of them (``("W1", 0)``)."""
    if isinstance(value, StrValue):
        return True
    if isinstance(value, IntValue):
        return isinstance(value.dim, Dim) and value.dim.is_const
    if isinstance(value, TupleValue) and not value.mutable:
        return all(is_constant(item) for item in value.items)
    return False


def list_item(value: Value) -> Value:
    """An element of a list, as far as it is known. A size unknown in it is a fresh unknown at each
    read: elements that differ were joined into one unknown, which must not tie two reads
    together (``dims[0]`` and ``dims[1]`` of ``[3, 5]`` are not one size, and learning that one of
    them is 3 says nothing of the other)."""
    if not isinstance(value, ListValue) or value.item is None:
        return UNKNOWN
    return with_fresh_unknowns(value.item)


def with_fresh_unknowns(value: Value) -> Value:
    """``value`` with each unnamed unknown size (``UnknownDim`` made without a key) a new one."""
    if isinstance(value, IntValue) and _unnamed_unknown(value.dim):
        return replace(value, dim=unknown())
    if isinstance(value, ArrayValue) and value.shape.dims is not None and any(map(_unnamed_unknown, value.shape.dims)):
        return replace(value, shape=Shape(tuple(unknown() if _unnamed_unknown(d) else d for d in value.shape.dims)))
    if isinstance(value, TupleValue):
        items = tuple(with_fresh_unknowns(item) for item in value.items)
        return value if all(a is b for a, b in zip(items, value.items)) else replace(value, items=items)
    return value


def _unnamed_unknown(dim: AnyDim) -> bool:
    return isinstance(dim, UnknownDim) and not isinstance(dim.ident, tuple)


def as_array(value: Value) -> Optional[ArrayValue]:
    """The value as an array operand (ints are rank-0 numbers), or None if it is not one."""
    if isinstance(value, ArrayValue):
        return value
    if isinstance(value, IntValue):
        return SCALAR_NUMBER
    return None


def join(a: Value, b: Value) -> Value:
    """What a name holds after two control-flow paths meet."""
    if a is b or a == b:
        return a
    if isinstance(a, ArrayValue) and isinstance(b, ArrayValue):
        # two Python numbers (``0.5`` on one path, ``True`` on the other) still make a number, never
        # an array: a number is not indexed or matmul'ed as one (and ``shapelint.screening`` rests on it)
        return ArrayValue(join_shapes(a.shape, b.shape), python_number=a.python_number and b.python_number, basis=a.basis | b.basis)
    if isinstance(a, IntValue) and isinstance(b, IntValue):
        return IntValue(a.dim if dim_eq(a.dim, b.dim) else unknown())
    if isinstance(a, TupleValue) and isinstance(b, TupleValue) and len(a.items) == len(b.items):
        return TupleValue(tuple(join(x, y) for x, y in zip(a.items, b.items)), a.is_shape and b.is_shape)
    if isinstance(a, ListValue) and isinstance(b, ListValue):
        return ListValue(b.item if a.item is None else a.item if b.item is None else join(a.item, b.item))
    if isinstance(a, DictValue) and isinstance(b, DictValue):
        if not (a.complete and b.complete):
            return DictValue((), complete=False)
        other = dict(b.entries)
        return DictValue(tuple((k, join(v, other[k])) for k, v in a.entries if k in other))
    return UNKNOWN


def join_shapes(a: Shape, b: Shape) -> Shape:
    if shapes_same(a, b):
        return a
    if a.dims is None or b.dims is None or len(a.dims) != len(b.dims):
        return UNKNOWN_SHAPE
    return Shape(tuple(x if dim_eq(x, y) else unknown() for x, y in zip(a.dims, b.dims)))


def dim_of_value(value: Value) -> Optional[AnyDim]:
    if isinstance(value, IntValue):
        return value.dim
    return None


def is_known_dim(d: AnyDim) -> bool:
    return isinstance(d, Dim)
