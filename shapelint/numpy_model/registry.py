"""How NumPy functions and methods are looked up: by qualified name, or by method name.

Each module of this package registers its handlers with ``@function(...)``;
adding a function means adding a handler next to its kin, never editing a table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

import libcst as cst

from ..domain.dims import AnyDim, Dim, sym, unknown
from ..domain.shapes import Shape, ShapeError, shape_of
from ..infer.imports import dotted as dotted_name
from .properties import describe
from ..infer.values import (
    UNKNOWN,
    ArrayValue,
    Assumed,
    IntValue,
    NoneValue,
    TupleValue,
    Value,
    as_array,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..infer.interpreter import Frame, Interpreter

Handler = Callable[["CallContext"], Value]

FUNCTIONS: dict[str, Handler] = {}
METHODS: dict[str, Handler] = {}
GENERATOR_METHODS: dict[str, Handler] = {}
SUBSCRIPTS: dict[str, Handler] = {}  # objects indexed like calls (``np.c_[a, b]``): a slice comes as (cst.Slice, UNKNOWN)

Arg = tuple[cst.BaseExpression, Value]


def function(
    *names: str, prefix: str = "numpy.", method: bool = False, generator: bool = False, subscript: bool = False,
    properties: Iterable[str] = (),
):
    """Register a handler for ``numpy.<name>`` (and ``ndarray.<name>`` / ``Generator.<name>``);
    ``subscript`` for an object indexed like a call (``np.r_[...]``). ``properties`` are the
    facts other parts of shapelint ask about these names (see ``properties.py``)."""
    if properties:
        describe(*names, prefix=prefix, method=method, **dict.fromkeys(properties, True))

    def decorate(handler: Handler) -> Handler:
        for name in names:
            if subscript:
                SUBSCRIPTS[prefix + name] = handler
            elif prefix is not None:
                FUNCTIONS[prefix + name] = handler
            if method:
                METHODS[name.rsplit(".", 1)[-1]] = handler
            if generator:
                GENERATOR_METHODS[name.rsplit(".", 1)[-1]] = handler
        return handler

    return decorate


@dataclass
class CallContext:
    """One call being evaluated: its arguments (receiver first for methods) and the interpreter."""

    interp: "Interpreter"
    frame: "Frame"
    node: cst.Call
    name: str
    args: list[Arg]
    kwargs: dict[str, Arg]
    guesses: list = field(default_factory=list)  # names of unknown value read as one size: the rank is a guess

    def arg(self, index: Optional[int], keyword: Optional[str] = None) -> Optional[Arg]:
        if keyword is not None and keyword in self.kwargs:
            return self.kwargs[keyword]
        if index is not None and index < len(self.args):
            return self.args[index]
        return None

    def value(self, index: Optional[int], keyword: Optional[str] = None) -> Value:
        found = self.arg(index, keyword)
        return found[1] if found else UNKNOWN

    def array(self, index: Optional[int], keyword: Optional[str] = None) -> Optional[ArrayValue]:
        found = self.arg(index, keyword)
        return as_array(found[1]) if found else None

    def has(self, index: Optional[int], keyword: Optional[str] = None) -> bool:
        return self.arg(index, keyword) is not None

    def constant_int(self, index: Optional[int], keyword: Optional[str] = None, default: Any = None) -> Any:
        """A literal int argument (an axis); ``default`` when absent, ``...`` when not a constant."""
        found = self.arg(index, keyword)
        if found is None:
            return default
        return literal_int(found[1])

    def axes(self, index: Optional[int], keyword: str = "axis") -> Any:
        """``axis=``: None, a tuple of ints, or ``...`` when it cannot be read."""
        found = self.arg(index, keyword)
        if found is None or isinstance(found[1], NoneValue):
            return None
        value = found[1]
        if isinstance(value, TupleValue):
            ints = [literal_int(v) for v in value.items]
            return ... if any(i is ... for i in ints) else tuple(ints)
        single = literal_int(value)
        return ... if single is ... else (single,)

    def keyword_true(self, keyword: str) -> Optional[bool]:
        """True/False for a literal bool keyword (False when absent), None when not a literal."""
        return self.flag(None, keyword, False)

    def flag(self, index: Optional[int], keyword: str, default: bool) -> Optional[bool]:
        """A literal bool argument, positional or keyword; ``default`` when absent, None when it
        is not a literal."""
        found = self.arg(index, keyword)
        if found is None:
            return default
        node = found[0]
        if isinstance(node, cst.Name) and node.value in ("True", "False"):
            return node.value == "True"
        return None

    def dims(self, index: Optional[int], keyword: Optional[str] = None) -> Optional[list[AnyDim]]:
        """A shape argument: ``(n, 1)``, ``n``, ``X.shape``; None when it cannot be read."""
        found = self.arg(index, keyword)
        if found is None:
            return None
        if found[1] is UNKNOWN and not isinstance(found[0], (cst.Tuple, cst.List)):
            self.guesses.append(found[0])  # ``np.ones(k)``: k may as well be a tuple
        return dims_of(*found)

    def varargs_dims(self, start: int = 0) -> Optional[list[AnyDim]]:
        """``randn(n, m)``-style sizes given as separate arguments (or one tuple)."""
        rest = self.args[start:]
        if len(rest) == 1 and not isinstance(rest[0][1], IntValue):
            return dims_of(*rest[0])
        dims = [dim_of(node, value) for node, value in rest]
        return None if any(d is None for d in dims) else dims

    def emit(self, event: Any) -> None:
        self.interp.emit(self.frame, event)

    def fail(self, operation: str, error: ShapeError) -> Value:
        from ..infer.events import Failure

        operands = tuple(array for _, value in self.all_args() if (array := as_array(value)) is not None)
        self.emit(Failure(self.node, operation, str(error), operands))
        return UNKNOWN

    def all_args(self) -> list[Arg]:
        return self.args + list(self.kwargs.values())

    def made(self, shape: Shape, **kwargs: Any) -> ArrayValue:
        """A new array made by this call (remembered as the origin if it is rank-1)."""
        origin = self.node if shape.rank == 1 else None
        if self.guesses:
            kwargs["basis"] = kwargs.get("basis", frozenset()) | frozenset(Assumed(node) for node in self.guesses)
        return ArrayValue(shape, made_at=origin, **kwargs)


def literal_int(value: Value) -> Any:
    if isinstance(value, IntValue) and isinstance(value.dim, Dim) and value.dim.is_const:
        return value.dim.coeff
    return ...


_SHAPE_LIKE_NAME = ("shape", "size", "dims")


def dim_of(node: cst.BaseExpression, value: Value) -> Optional[AnyDim]:
    """A size: an int value, or a name/attribute of unknown value taken as a symbol."""
    if isinstance(value, IntValue):
        return value.dim
    if value is UNKNOWN:
        name = dotted_name(node)
        if name is not None:
            return sym(name)
        return unknown()
    if isinstance(value, ArrayValue) and value.shape.rank == 0:
        return unknown()
    return None


def dims_of(node: cst.BaseExpression, value: Value) -> Optional[list[AnyDim]]:
    if isinstance(value, TupleValue):
        items = node.elements if isinstance(node, (cst.Tuple, cst.List)) else [None] * len(value.items)
        dims = []
        for item_node, item in zip(items, value.items):
            expr = item_node.value if item_node is not None else None
            d = dim_of(expr, item) if expr is not None else (item.dim if isinstance(item, IntValue) else None)
            if d is None:
                return None
            dims.append(d)
        return dims
    if isinstance(value, IntValue):
        return [value.dim]
    if value is UNKNOWN:
        name = dotted_name(node)
        if name is not None and not any(word in name.lower() for word in _SHAPE_LIKE_NAME):
            return [sym(name)]
    return None


def shape_value(dims: Optional[Iterable[AnyDim]]) -> Optional[Shape]:
    return None if dims is None else shape_of(dims)
