"""Side effects of calls: which calls a vectorized rewrite may reorder or merge.

A call is pure when it is a known-pure builtin, a ``math`` function, a NumPy
function that neither draws random numbers nor writes (``out=``, ``np.add.at``,
``np.copyto``, file I/O), a non-mutating method, or a function of the module
whose body is pure in the same sense (it may raise on bad input, but not print,
write files, mutate its arguments or globals, or loop until convergence).
Everything else (``print``, plotting, logging, ``model.step()``, an unknown
callable) is a side effect: the loop stays.
"""
from __future__ import annotations

import builtins
from typing import Optional

import libcst as cst

from ..cst_walk import code_children

from ..infer.imports import dotted
from ..numpy_model import properties
from .syntax import bound_names
from ..infer.values import FunctionValue, ModuleValue, UserFunction

PURE_BUILTINS = frozenset({
    "len", "range", "min", "max", "abs", "float", "int", "round", "sum", "zip", "enumerate",
    "bool", "complex", "pow", "divmod", "isinstance", "tuple", "list", "dict", "reversed",
    "sorted", "any", "all", "slice", "str", "repr",
})
# Python's own methods (dict, list, str); the ndarray methods are described in numpy_model
PURE_METHODS = frozenset({"get", "keys", "values", "items", "count", "index", "format"})
LOCAL_MUTATORS = frozenset({"append", "extend", "insert", "update"})
MAX_DEPTH = 3


def qualname(func: cst.BaseExpression, env: dict, local: frozenset = frozenset()) -> Optional[str]:
    """``np.linalg.norm`` -> ``numpy.linalg.norm``; ``math.exp`` -> ``math.exp``; else None."""
    name = dotted(func)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head in local:
        return None
    value = env.get(head)
    if isinstance(value, ModuleValue):
        return f"{value.qualname}.{rest}" if rest else value.qualname
    if isinstance(value, FunctionValue) and not rest:
        return value.qualname
    if head == "math" and rest and head not in env:
        return name
    return None


def np_name(func: cst.BaseExpression, env: dict) -> Optional[str]:
    """``np.linalg.norm`` -> ``linalg.norm``: a NumPy function's name without the package; else None."""
    name = qualname(func, env)
    return name[6:] if name and name.startswith("numpy.") else None


def numpy_alias(env: dict) -> str:
    """The name the code calls NumPy by, to write rewrites with: ``np`` unless only another is bound."""
    if isinstance(env.get("np"), ModuleValue):
        return "np"
    return next((n for n, v in env.items() if isinstance(v, ModuleValue) and v.qualname == "numpy"), "np")


def is_fresh(value: cst.BaseExpression, env: dict, local: frozenset = frozenset()) -> bool:
    """An expression that makes a new array (a write into it touches no one else's data)."""
    if isinstance(value, (cst.BinaryOperation, cst.UnaryOperation, cst.List, cst.ListComp, cst.Dict)):
        return True
    if isinstance(value, cst.Call):
        name = qualname(value.func, env, local)
        if properties.has(name, "fresh"):
            return True
        if isinstance(value.func, cst.Attribute) and value.func.attr.value == "copy" and not value.args:
            return True
    return False


class Effects:
    """Judges calls in one environment; remembers the module's functions it has judged."""

    def __init__(self, env: dict) -> None:
        self.env = env
        self._functions: dict[int, tuple[cst.FunctionDef, Optional[str]]] = {}
        self._active: set[int] = set()

    def call(self, call: cst.Call, local: frozenset, fresh: frozenset, env: Optional[dict] = None, depth: int = 0) -> Optional[str]:
        """None if the call is pure, else why not (``calls `print```)."""
        env = self.env if env is None else env
        func = call.func
        shown = _show(func)
        if any(arg.star for arg in call.args):
            return f"calls `{shown}` with unpacked arguments"
        name = qualname(func, env, local)
        if name is not None:
            return self._library(name, call, fresh)
        if isinstance(func, cst.Name):
            if func.value in local:
                return f"calls `{shown}`, whose value the loop computes"
            value = env.get(func.value)
            if value is None:
                return None if func.value in PURE_BUILTINS or _is_exception(func.value) else f"calls `{shown}`"
            if isinstance(value, UserFunction) and value.owner is None:
                reason = self.function(value, depth + 1)
                return None if reason is None else f"calls `{shown}`, which {reason}"
            return f"calls `{shown}`"
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            receiver = func.value
            if method in PURE_METHODS or properties.method_has(method, "pure"):
                return None
            root = _root_name(receiver)
            mutates = method in LOCAL_MUTATORS or properties.method_has(method, "in_place")
            if mutates and root is not None and root in fresh:
                return None
            return f"calls `{shown}`"
        return f"calls `{shown}`"

    def _library(self, name: str, call: cst.Call, fresh: frozenset) -> Optional[str]:
        shown = _show(call.func)
        if name.startswith("math."):
            return None
        if not name.startswith("numpy."):
            return f"calls `{shown}`"
        if properties.draws_random(name):
            return f"draws random numbers (`{shown}`)"
        if properties.writes(name):
            return f"calls `{shown}`"
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "out":
                target = _root_name(arg.value)
                if target is None or target not in fresh:
                    return f"writes through `out=` in `{shown}`"
        return None

    def function(self, function: UserFunction, depth: int = 1) -> Optional[str]:
        node = function.node
        known = self._functions.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        if depth > MAX_DEPTH or id(node) in self._active:
            return "is too deep to follow"
        self._active.add(id(node))
        try:
            closure = function.closure
            env = {**(closure.globals or {}), **closure.env}
            reason = FunctionBody(self, node, env, depth).reason()
        finally:
            self._active.discard(id(node))
        self._functions[id(node)] = (node, reason)
        return reason


class FunctionBody:
    """Whether a module function is pure: no I/O, no mutation of arguments or globals, no while loop."""

    def __init__(self, effects: Effects, node: cst.FunctionDef, env: dict, depth: int) -> None:
        self.effects = effects
        self.node = node
        self.env = env
        self.depth = depth
        params = node.params
        self.params = {p.name.value for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params)}
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.params.add(star.name.value)
        self.local: set[str] = set(self.params)
        self.fresh: set[str] = set()
        self.stale: set[str] = set()

    def reason(self) -> Optional[str]:
        self._collect(self.node.body)
        self.fresh -= self.stale
        return self._check(self.node.body)

    def _collect(self, root: cst.CSTNode) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is cst.Assign or kind is cst.AnnAssign:
                targets = [t.target for t in node.targets] if kind is cst.Assign else [node.target]
                for target in targets:
                    for name in bound_names(target):
                        self.local.add(name)
                        if node.value is not None and type(target) is cst.Name and is_fresh(node.value, self.env, frozenset(self.local)):
                            self.fresh.add(name)
                        else:
                            self.stale.add(name)
            elif kind is cst.For:
                self.local.update(bound_names(node.target))
                self.stale.update(bound_names(node.target))
            elif kind is cst.CompFor:
                self.local.update(bound_names(node.target))
            elif kind is cst.AugAssign and type(node.target) is cst.Name:
                self.local.add(node.target.value)
            stack.extend(code_children(node))

    def _check(self, root: cst.CSTNode) -> Optional[str]:
        stack = [root]
        while stack:
            node = stack.pop()
            kind = type(node)
            reason = _REFUSED.get(kind)
            if reason:
                return reason
            if kind in _ASSIGNMENTS:
                targets = [t.target for t in node.targets] if kind is cst.Assign else [node.target]
                for target in targets:
                    reason = self._target(target, kind is cst.AugAssign)
                    if reason:
                        return reason
            elif kind is cst.Call:
                reason = self.effects.call(node, frozenset(self.local), frozenset(self.fresh), self.env, self.depth)
                if reason:
                    return reason
            stack.extend(code_children(node))
        return None

    def _target(self, target: cst.BaseExpression, augmented: bool) -> Optional[str]:
        if isinstance(target, cst.Name):
            if augmented and target.value in self.params:
                return f"updates its argument `{target.value}` in place"
            return None
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                reason = self._target(element.value, augmented)
                if reason:
                    return reason
            return None
        if isinstance(target, cst.StarredElement):
            return self._target(target.value, augmented)
        root = _root_name(target)
        if root is None or root not in self.fresh:
            return f"writes into `{_show(target)}`"
        return None


_REFUSED = {
    cst.Global: "declares a global", cst.Nonlocal: "declares a global",
    cst.Yield: "yields", cst.Await: "yields",
    cst.While: "loops until a condition holds",
    cst.FunctionDef: "defines a function", cst.ClassDef: "defines a function", cst.Lambda: "defines a function",
    cst.Try: "uses try/with/import", cst.With: "uses try/with/import",
    cst.Import: "uses try/with/import", cst.ImportFrom: "uses try/with/import",
}
_ASSIGNMENTS = frozenset({cst.Assign, cst.AnnAssign, cst.AugAssign})


def _is_exception(name: str) -> bool:
    """``ValueError(...)``: making an exception (to raise it) is pure."""
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def _root_name(node: cst.BaseExpression) -> Optional[str]:
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _show(node: cst.CSTNode) -> str:
    text = cst.Module([]).code_for_node(node)
    return text if len(text) <= 40 else text[:37] + "..."
