"""Which ``for`` loops run as the straight-line code they stand for.

``for name in ("W1", "b1", "W2", "b2"): parameters[name] = ...`` is four statements
written once: run with ``name`` joined over its items, the write has an unknown key and
the dict loses every entry. A loop over a short sequence of known constants whose body
cannot skip or end an iteration (no ``break``, ``continue``, ``return``, ``yield``) and
whose branches on the item are decided for each item (``if name.startswith("W"):``) runs
its body once per item, in order, exactly as Python does; nested ones are bounded so that
the analysis stays linear in the code.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..cst_walk import CODE_CHILDREN, code_children, names_in
from ..domain.dims import Dim
from .values import IntValue, ListValue, StrValue, TupleValue, Value, is_constant

MAX_UNROLLED_ITEMS = 16  # a longer sequence is data, not a list of names
MAX_UNROLLED_RUNS = 64   # runs of the innermost body of nested unrolled loops: the product of (items + 1)

_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_LOOPS = frozenset({cst.For, cst.While})
_ENDS_FUNCTION = frozenset({cst.Return, cst.Yield})
_ENDS_ITERATION = frozenset({cst.Break, cst.Continue})


def constant_items(value: Value) -> Optional[tuple]:
    """The items of a tuple or list literal when each is a known constant, and there are few."""
    if isinstance(value, TupleValue):
        items = value.items
    elif isinstance(value, ListValue) and value.exact is not None:
        items = value.exact
    else:
        return None
    if not 0 < len(items) <= MAX_UNROLLED_ITEMS or not all(is_constant(item) for item in items):
        return None
    return items


def cuts_iterations_short(node: cst.For) -> bool:
    """Can an iteration end early, or a later one not run? (``break``/``continue`` of this loop,
    ``return``/``yield`` anywhere in its body but in a nested function or class.)"""
    stack = [(child, False) for child in code_children(node.body)]
    while stack:
        current, in_inner_loop = stack.pop()
        kind = type(current)
        if kind in _SCOPES:
            continue
        if kind in _ENDS_FUNCTION or (kind in _ENDS_ITERATION and not in_inner_loop):
            return True
        if kind in _LOOPS:  # its own break/continue are its own; those of its ``else:`` are ours
            stack.append((current.body, True))
            if current.orelse is not None:
                stack.append((current.orelse, in_inner_loop))
            continue
        stack.extend((child, in_inner_loop) for child in code_children(current))
    return False


def frozen_list_names(module: cst.Module) -> frozenset:
    """Names whose every use in the module leaves a list bound to them as it was bound: each
    binding is ``name = [...]`` (or a tuple) alone, each read iterates it, measures it (``len``) or
    tests membership (``in``). Such a name never shares its list, so what the literal held is
    what the list holds (``keys = ["W1", "b1"]`` then ``for name in keys``). A module importing
    it could still change it; that is not looked for."""
    safe: set = set()
    uses: dict = {}
    stack: list = [module]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Name:
            uses.setdefault(node.value, []).append(node)
            continue
        if kind is cst.Attribute:
            stack.append(node.value)  # ``params.keys()``: ``keys`` there is no variable
            continue
        if kind is cst.Arg:
            stack.append(node.value)  # ``f(keys=...)``: neither
            continue
        if kind in _USING_KINDS:
            safe.update(id(name) for name in _safe_uses(node, kind))
        stack.extend(CODE_CHILDREN[kind](node))
    return frozenset(name for name, nodes in uses.items() if all(id(n) in safe for n in nodes))


_USING_KINDS = frozenset({cst.Assign, cst.AnnAssign, cst.For, cst.CompFor, cst.Call, cst.Comparison})  # what _safe_uses looks at


def _safe_uses(node: cst.CSTNode, kind: type) -> list:
    """The names ``node`` uses in a way that cannot change or share the list they hold."""
    if kind is cst.Assign and len(node.targets) == 1 and type(node.value) in (cst.List, cst.Tuple):
        return [node.targets[0].target]
    if kind is cst.AnnAssign and type(node.value) in (cst.List, cst.Tuple):
        return [node.target]
    if kind in (cst.For, cst.CompFor):
        return [node.iter]
    if kind is cst.Call and type(node.func) is cst.Name and node.func.value == "len" and len(node.args) == 1:
        return [node.args[0].value]
    if kind is cst.Comparison:
        return [t.comparator for t in node.comparisons if type(t.operator) in (cst.In, cst.NotIn)]
    return []


_DECIDED_OPERATORS = frozenset({cst.Equal, cst.NotEqual, cst.In, cst.NotIn,
                                cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual})
_ORDERINGS = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
_TEXT_TESTS = frozenset({"startswith", "endswith"})
_DECIDED_BRANCHES = frozenset({cst.If, cst.IfExp})  # the interpreter runs only the branch a decided test takes
_UNDECIDED_BRANCHES = frozenset({cst.While, cst.CompIf})  # their bodies run whatever the test says


def branches_decided(node: cst.For) -> bool:
    """Does the loop variable only *choose*, so that each unrolled run is what Python runs for its
    item? Every use of it, and of the names the body binds to keys built from it, is one of:

    - a dict key: ``params[name]``, ``grads["d" + name]``, ``grads[f"d{name}"]``, ``cache[str(l)]``;
    - a key built from it bound to a name (``key = "d" + name``), whose uses follow these rules too;
    - a branch test ``constant_test`` decides once the variable holds an item (``name == "b1"``,
      ``name.startswith("W")``, ``"W" in name``, ``name[0] != "b"``, and ``and``/``or``/``not`` of
      them) in an ``if`` or a conditional expression.

    Anything else (an argument to a function, a flag computed from it, a ``while`` or a
    comprehension's ``if`` on it, a closure) could steer code to a branch the analysis cannot
    decide for the item, where the branch it never takes would be judged with its shapes (``W1``'s
    weight decay applied to ``b1``): such a loop runs as a loop."""
    parents = {}
    stack: list = [node.body]
    while stack:
        current = stack.pop()
        for child in code_children(current):
            parents[child] = current
            stack.append(child)
    tracked = names_in(node.target)
    bindings: set = set()  # the assignments that bind a key built from it
    while True:
        derived: set = set()
        for use in [n for n in parents if type(n) is cst.Name and n.value in tracked]:
            verdict = _use_of_item(use, parents, frozenset(tracked), bindings)
            if verdict is False:
                return False
            derived.update(verdict)
        if derived <= tracked:
            break
        tracked |= derived
    # a name bound as a key is bound nowhere else in the body
    return all(parents.get(parents.get(name)) in bindings for name in parents
               if type(name) is cst.Name and name.value in tracked and type(parents.get(name)) is cst.AssignTarget)


def _use_of_item(use: cst.Name, parents: dict, tracked: frozenset, bindings: set):
    """False when this use of the loop variable (or a key built from it) may do more than choose
    (``branches_decided``); else the names it is bound to as a key (usually none), whose
    assignment goes into ``bindings``."""
    node = use
    while True:
        parent = parents.get(node)
        kind = type(parent)
        if kind is cst.AssignTarget and node is parent.target:
            return ()  # a binding of a tracked name: checked once all are known
        if kind in _DECIDED_BRANCHES and node is parent.test:
            return () if _decided(parent.test, tracked) else False
        if kind in _UNDECIDED_BRANCHES and node is parent.test:
            return False
        if kind is cst.Index and node is parent.value:
            return ()  # ``params[name]``: an entry chosen
        if kind is cst.Subscript and node is parent.value and _is_part(parent):
            node = parent  # ``name[0]``, ``key[1:]``: a part of it, as good as it
            continue
        if kind is cst.Assign and node is parent.value:
            if all(type(target.target) is cst.Name for target in parent.targets):
                bindings.add(parent)
                return [target.target.value for target in parent.targets]
            return False
        if _builds_on(parent, node, kind):
            node = parent
            continue
        return False


def _is_part(subscript: cst.Subscript) -> bool:
    """``x[0]`` or ``x[1:]``: literal integers (what ``expressions.character`` knows of a string)."""
    if len(subscript.slice) != 1:
        return False
    element = subscript.slice[0].slice
    if type(element) is cst.Index:
        return type(element.value) is cst.Integer
    return type(element) is cst.Slice and element.step is None and all(
        bound is None or type(bound) is cst.Integer for bound in (element.lower, element.upper))


def _builds_on(parent, node, kind) -> bool:
    """Is ``parent`` an expression made of ``node`` that keeps choosing: a key built from it
    (``"d" + name``, ``f"d{name}"``, ``str(l)``, ``l - 1``) or a part of a test (a comparison,
    ``and``/``or``/``not``, ``name.startswith``)?"""
    if kind is cst.BinaryOperation:
        if type(parent.operator) is cst.Modulo:  # ``"W%d" % l``
            return node is parent.right and type(parent.left) is cst.SimpleString
        return type(parent.operator) in (cst.Add, cst.Subtract)  # ``"W" + str(l)``, ``DIMS[l - 1]``
    if kind in (cst.FormattedStringExpression, cst.FormattedString, cst.ComparisonTarget, cst.Comparison,
                cst.BooleanOperation):
        return True
    if kind is cst.UnaryOperation:
        return type(parent.operator) is cst.Not
    if kind is cst.Arg:
        return True  # (the call it is an argument of is judged next)
    if kind is cst.Call:
        if node is parent.func:
            return type(node) is cst.Attribute and node.attr.value in _TEXT_TESTS  # ``name.startswith("W")``
        if type(parent.func) is cst.Attribute and parent.func.attr.value == "format":  # ``"W{}".format(l)``
            return type(parent.func.value) is cst.SimpleString
        return type(parent.func) is cst.Name and parent.func.value == "str" and len(parent.args) == 1
    if kind is cst.Attribute:
        return node is parent.value and parent.attr.value in _TEXT_TESTS
    return False


def _decided(test: cst.BaseExpression, targets: frozenset) -> bool:
    kind = type(test)
    if kind is cst.UnaryOperation and type(test.operator) is cst.Not:
        return _decided(test.expression, targets)
    if kind is cst.BooleanOperation:
        return _decided(test.left, targets) and _decided(test.right, targets)
    if not targets & names_in(test):
        return True
    if kind is cst.Comparison and len(test.comparisons) == 1 and type(test.comparisons[0].operator) in _DECIDED_OPERATORS:
        return all(_is_item_or_literal(side, targets) for side in (test.left, test.comparisons[0].comparator))
    if kind is cst.Call and type(test.func) is cst.Attribute and test.func.attr.value in _TEXT_TESTS:
        return _is_item_or_literal(test.func.value, targets) and len(test.args) == 1 and _is_literal(test.args[0].value)
    return False


def _is_item_or_literal(node: cst.BaseExpression, targets: frozenset) -> bool:
    """The loop variable, a character of it (``name[0]``), or a literal."""
    if type(node) is cst.Name:
        return node.value in targets
    if type(node) is cst.Subscript and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index:
        return _is_item_or_literal(node.value, targets) and type(node.slice[0].slice.value) is cst.Integer
    return _is_literal(node)


def _is_literal(node: cst.BaseExpression) -> bool:
    if type(node) in (cst.SimpleString, cst.Integer):
        return True
    return type(node) in (cst.Tuple, cst.List) and all(_is_literal(element.value) for element in node.elements)


def constant_test(operator: str, left: object, right: object) -> Optional[bool]:
    """``left == right``, ``left in right``, ``left.startswith(right)``... on Python constants
    (``python_constant``); None when Python would raise or the values are not constants."""
    if left is None or right is None:
        return None
    if operator in ("==", "!="):
        return (left == right) == (operator == "==")
    if operator in _ORDERINGS:  # ``if l > 1:`` on a layer number; only like with like (``1 < "a"`` raises)
        if not (type(left) is type(right) and type(left) in (int, str)):
            return None
        return _ORDERINGS[operator](left, right)
    if operator in ("in", "not in"):
        if isinstance(right, str) and not isinstance(left, str):
            return None  # ``1 in "W1"`` raises
        if not isinstance(right, (str, tuple)):
            return None
        return (left in right) == (operator == "in")
    if operator in _TEXT_TESTS and isinstance(left, str):
        if isinstance(right, tuple) and not all(isinstance(part, str) for part in right) or not isinstance(right, (str, tuple)):
            return None
        return left.startswith(right) if operator == "startswith" else left.endswith(right)
    return None


def python_constant(value: Value) -> object:
    """The Python value of a constant (``is_constant``), a list literal's items as a tuple; None
    for anything else."""
    if isinstance(value, StrValue):
        return value.text
    if isinstance(value, IntValue) and isinstance(value.dim, Dim) and value.dim.is_const:
        return value.dim.coeff
    if isinstance(value, TupleValue):
        items = tuple(python_constant(item) for item in value.items)
        return None if any(item is None for item in items) else items
    return None
