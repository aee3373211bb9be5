"""Arrays known from their use: parameters whose shapes no one declared.

``def score(w, x): for i in range(len(w)): total += w[i] * x[i]`` never says
that ``w`` and ``x`` are arrays, but in a module that imports NumPy its loop
reads them as arrays: indexed by the loop variable and met by arithmetic. Such
a name (of unknown value, or an array of unknown rank such as a bare
``np.ndarray`` annotation) is taken as an array of unknown sizes:

- its rank is the number of indices its subscripts use (``X[:, i]``: 2), one
  more when an element is itself used as an array (``X[i] @ w``,
  ``X[i].mean()``, ``np.linalg.norm(x)`` for ``x`` in ``X``);
- its sizes are labels named after the code (``X.shape[0]``, ``len(w)``), and
  the loop's axis is the trip count when the range says so (``range(len(w))``,
  ``range(X.shape[1])``, ``range(n)`` for a parameter ``n``).

A name is left alone when a loop also uses it as a Python container
(``append``, ``keys``, ``len(x[i])``...), when its subscripts disagree on the
number of indices, or when nothing speaks for it but its indexing (no
arithmetic on its elements, no array attribute, no NumPy call).

``parameter_shapes`` decides this for a function's parameters that the body
never rebinds (``X = np.asarray(X)`` makes a value the interpreter follows
itself); the engine then runs the function once more with those shapes, for
its loops only (``FunctionAnalyzer.analyze_loops_with_assumed_arrays``).
Locals are never assumed: a local the interpreter lost (a list built with
``append``, a call it cannot see) may be anything. A sequence iterated over
(``for x in xs``, ``zip``, ``enumerate``) is taken as an array only when the
function uses it as one (``xs.shape``, ``np.asarray(xs)``, ``xs[:, j]``): it
may be a list. Findings that rest on such shapes say so
(``wording.assumption``).
"""
from __future__ import annotations

from itertools import repeat
from typing import Callable, Optional

import libcst as cst

from ..cst_walk import CODE_CHILDREN, one_plain_argument

from ..domain.dims import Dim, label
from ..domain.shapes import Shape
from ..infer.values import UNKNOWN, ArrayValue, ModuleValue
from .body_facts import ARRAY_ATTRIBUTES, SCOPE_TYPES, BodyFacts, shape_index
from .header import target_names, whole_range

CONTAINER_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "keys", "values", "items", "get", "update",
    "index", "count", "split", "join", "strip", "format", "lower", "upper",
})
ARITHMETIC_OPERATORS = (
    cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.Power, cst.FloorDivide,
    cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign, cst.DivideAssign,
)


def parameter_shapes(function: cst.FunctionDef, entry: dict, parameters) -> dict:
    """Shapes for the ``parameters`` of unknown value in ``entry`` that the function's loops use as arrays."""
    if not imports_numpy(entry):
        return {}
    unknown = {p for p in parameters if _unknown_array(entry.get(p, UNKNOWN))}
    if not unknown:
        return {}
    facts = BodyFacts(function.body, entry)
    unknown -= facts.rebound
    if not unknown or not facts.loops:
        return {}
    uses = _Uses(entry, lambda name: name in unknown, parameters=set(parameters))
    for loop in facts.loops:
        uses.loop(loop)
    for name, record in uses.records.items():
        record.own = record.own or name in facts.own
        if name in facts.least_rank:
            record.ranks.add(facts.least_rank[name])
    return uses.shapes()


def imports_numpy(entry: dict) -> bool:
    return any(isinstance(v, ModuleValue) and v.qualname.split(".")[0] == "numpy" for v in entry.values())


def _unknown_array(value) -> bool:
    return value is UNKNOWN or (isinstance(value, ArrayValue) and value.shape.dims is None and not value.python_number)


class _Record:
    def __init__(self) -> None:
        self.ranks: set = set()       # least ranks: index counts, one more for an element used as an array
        self.exact: set = set()       # ranks as written: ``X[:, i:i + 1]`` keeps its axes
        self.axes: dict = {}          # axis -> Dim (the trip count of a loop over it)
        self.own = False              # the name itself is used as only an array can be
        self.arithmetic = False       # its elements meet arithmetic
        self.container = False        # used as a Python container
        self.iterated = False         # iterated over (``for x in xs``): may be a list


class _Uses:
    """What loops do with the names ``unknown`` accepts: how they index them and what meets the elements."""

    def __init__(self, entry: dict, unknown: Callable[[str], bool], parameters: set) -> None:
        self.entry = entry
        self.unknown = unknown
        self.parameters = parameters
        self.records: dict = {}

    def record(self, name: str) -> _Record:
        return self.records.setdefault(name, _Record())

    # --- one loop --------------------------------------------------------------------------

    def loop(self, node: cst.CSTNode) -> None:
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            clause = node.for_in
            target, iterable, bodies = clause.target, clause.iter, [node.elt]
        elif isinstance(node, cst.While):
            target, iterable, bodies = _counted(node)
            if target is None:
                return
        else:
            target, iterable, bodies = node.target, node.iter, [node.body]
        var, elements, trip = self.header(target, iterable)
        for body in bodies:
            self.walk(body, var, elements, trip)

    def header(self, target, iterable):
        """The loop variable, element names (name -> array), and the trip count when the range says it."""
        var = target.value if isinstance(target, cst.Name) else None
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and not any(a.keyword or a.star for a in iterable.args):
            func, args = iterable.func.value, [a.value for a in iterable.args]
            if func == "range" and var is not None and whole_range(iterable):
                return var, {}, self.bound(args[-1])
            names = target_names(target)
            if func == "enumerate" and len(args) == 1 and names and len(names) == 2:
                return names[0], self.elements([names[1]], args), None
            if func == "zip" and names and len(names) == len(args):
                found = self.elements(names, args)
                if len(found) == len(names):  # zip stops at the shortest: taken as one length
                    trip = label(f"len({found[names[0]]})")
                    for array in found.values():
                        self.record(array).axes.setdefault(0, trip)
                return None, found, None
        if var is not None and isinstance(iterable, cst.Name):
            return None, self.elements([var], [iterable]), None
        return var, {}, None

    def elements(self, names: list, arrays: list) -> dict:
        found = {}
        for name, array in zip(names, arrays):
            if isinstance(array, cst.Name) and self.unknown(array.value):
                found[name] = array.value
                self.record(array.value).iterated = True
        return found

    def bound(self, node: cst.BaseExpression) -> Optional[Dim]:
        if _is_call(node, "len") and isinstance(node.args[0].value, cst.Name):
            name = node.args[0].value.value
            if self.unknown(name):
                trip = label(f"len({name})")
                self.record(name).axes.setdefault(0, trip)
                return trip
            return None
        axis = shape_index(node) if isinstance(node, cst.Subscript) else None
        if axis is not None:
            name = node.value.value.value
            if self.unknown(name):
                trip = label(f"{name}.shape[{axis}]")
                self.record(name).axes.setdefault(axis, trip)
                self.record(name).own = True
                return trip
            return None
        if isinstance(node, cst.Name) and node.value in self.parameters:
            return label(node.value)  # ``range(n)`` for a parameter ``n``: the interpreter names it so
        return None

    # --- the body --------------------------------------------------------------------------

    def walk(self, root: cst.CSTNode, var: Optional[str], elements: dict, trip: Optional[Dim]) -> None:
        parents: dict = {}
        stack = [(root, None)]
        while stack:
            node, parent = stack.pop()
            parents[id(node)] = parent
            kind = type(node)
            if kind in SCOPE_TYPES:
                continue
            if kind is cst.Subscript and type(node.value) is cst.Name and self.unknown(node.value.value):
                self.subscript(node, parent, parents, var, trip)
            elif kind is cst.Name and node.value in elements and parent is not None and not _is_target(node, parent):
                name = elements[node.value]
                self.element(self.record(name), node, parent, parents, indices=1)
            elif kind is cst.Attribute and type(node.value) is cst.Name and self.unknown(node.value.value):
                record = self.record(node.value.value)
                if node.attr.value in ARRAY_ATTRIBUTES:
                    record.own = True
                elif node.attr.value in CONTAINER_METHODS:
                    record.container = True
            elif kind is cst.Call and _is_call(node, "len") and type(node.args[0].value) is cst.Name:
                name = node.args[0].value.value
                if name in elements:
                    self.record(elements[name]).container = True  # ``len(row)``: rows of what?
            stack.extend(zip(CODE_CHILDREN[kind](node), repeat(node)))

    def subscript(self, node: cst.Subscript, parent, parents: dict, var, trip) -> None:
        record = self.record(node.value.value)
        if not all(_plain(e) for e in node.slice):
            record.container = True  # masks, index arrays, ``None``: not a plain element
            return
        if var is not None and trip is not None:
            for axis, element in enumerate(node.slice):
                if _indexes_with(element, var) and record.axes.setdefault(axis, trip) != trip:
                    record.container = True  # one axis, two trip counts: do not guess
        if len(node.slice) >= 2:
            record.own = True  # ``X[:, i]``, ``X[i, j]``: no Python list is indexed so
        keeps_axes = any(isinstance(e.slice, cst.Slice) for e in node.slice)  # ``X[:, i:i + 1]``: rank as written
        self.element(record, node, parent, parents, indices=len(node.slice), exact=keeps_axes)

    def element(self, record: _Record, node, parent, parents: dict, indices: int, exact: bool = False) -> None:
        """What meets one element (``X[i]``, or ``x`` for ``x`` in ``X``): through elementwise
        arithmetic, the first consumer that needs an array (a reduction, ``@``, a method) makes
        the element an array itself (one more axis); elementwise use alone leaves its rank open."""
        if isinstance(parent, cst.Arg) and _is_call(parents.get(id(parent)), "len"):
            record.container = True
        if isinstance(parent, cst.Attribute) and parent.attr.value in CONTAINER_METHODS:
            record.container = True
        if (isinstance(parent, (cst.BinaryOperation, cst.AugAssign)) and isinstance(parent.operator, ARITHMETIC_OPERATORS)) or (
            isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Minus)
        ):
            record.arithmetic = True
        if exact:
            record.exact.add(indices)
            return
        deeper = self.consumed_as_array(parent, parents)
        record.ranks.add(indices + (1 if deeper else 0))

    def consumed_as_array(self, parent, parents: dict) -> bool:
        while True:
            if isinstance(parent, (cst.Subscript, cst.Attribute)):
                return not (isinstance(parent, cst.Attribute) and parent.attr.value in CONTAINER_METHODS)
            if isinstance(parent, cst.BinaryOperation):
                if isinstance(parent.operator, cst.MatrixMultiply):
                    return True
                if not isinstance(parent.operator, ARITHMETIC_OPERATORS):
                    return False
            elif isinstance(parent, cst.UnaryOperation) or isinstance(parent, (cst.LeftParen, cst.RightParen)):
                pass
            elif isinstance(parent, cst.Arg):
                call = parents.get(id(parent))
                if not self.elementwise_argument(call):
                    return not _scalar_builtin(call)  # a reduction, a method, a helper: it takes an array
                parent = call
            else:
                return False
            parent = parents.get(id(parent))

    def elementwise_argument(self, call) -> bool:
        """An argument of a NumPy ufunc or of ``abs``, where an element's rank does not matter."""
        if not isinstance(call, cst.Call):
            return False
        if isinstance(call.func, cst.Name) and call.func.value in ("abs", "float", "max", "min") and call.func.value not in self.entry:
            return call.func.value in ("abs", "float") or len(call.args) == 2
        from ..numpy_model import properties
        from .effects import qualname

        return properties.has(qualname(call.func, self.entry), "elementwise")

    # --- the verdict -----------------------------------------------------------------------

    def shapes(self) -> dict:
        found = {}
        for name, record in self.records.items():
            if record.container or not (record.ranks or record.exact) or len(record.exact) > 1:
                continue
            rank = max(record.ranks | record.exact)
            if record.exact and rank != next(iter(record.exact)):
                continue  # written as a column somewhere, used as a deeper array elsewhere
            known = isinstance(self.entry.get(name), ArrayValue) or record.own
            if rank < 1 or not (known or record.arithmetic):
                continue
            if (rank >= 2 or record.iterated) and not known:
                continue  # a list of numbers, or of arrays of any shapes, is iterated and indexed alike
            if any(axis >= rank for axis in record.axes):
                continue
            found[name] = Shape(tuple(record.axes.get(axis) or label(f"{name}.shape[{axis}]") for axis in range(rank)))
        return found


def _counted(node: cst.While):
    """``while i < n: ...; i += 1`` read as ``for i in range(n)`` (for its uses only)."""
    from .counted import as_for_loop
    from ..infer.values import IntValue
    from ..domain.dims import const

    test = node.test
    if not (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)):
        return None, None, None
    loop = as_for_loop(node, {test.left.value: IntValue(const(0))})
    if loop is None:
        return None, None, None
    return loop.target, loop.iter, [loop.body]


def _scalar_builtin(call) -> bool:
    """``int(x[i])``, ``round(...)``, ``len(...)``: builtins that take one number (or a sequence)."""
    return isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in (
        "int", "round", "len", "str", "bool", "complex", "range")


def _is_call(node, name: str) -> bool:
    return (
        isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name
        and one_plain_argument(node)
    )


def _is_target(node: cst.Name, parent) -> bool:
    return isinstance(parent, (cst.AssignTarget, cst.For, cst.CompFor)) and getattr(parent, "target", None) is node


def _indexes_with(element: cst.SubscriptElement, var: str) -> bool:
    item = element.slice
    if isinstance(item, cst.Index):
        return isinstance(item.value, cst.Name) and item.value.value == var
    return isinstance(item.lower, cst.Name) and item.lower.value == var and item.step is None


def _plain(element: cst.SubscriptElement) -> bool:
    """An integer-like index or a plain slice: not a mask, an index array or ``None``."""
    item = element.slice
    if isinstance(item, cst.Slice):
        return True
    value = item.value
    if isinstance(value, cst.Name):
        return value.value not in ("None", "Ellipsis")
    return isinstance(value, (cst.Integer, cst.BinaryOperation, cst.UnaryOperation))
