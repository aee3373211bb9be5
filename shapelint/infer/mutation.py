"""Containers changed where the analysis does not follow the change: forget what they held.

A dict or list is held as a value (``parameters["W1"]`` a known entry), and a write through a
name rebinds that name alone. Python changes the one object, seen through every name that holds
it: ``store = params; store["W1"] = store["W1"].T`` transposes ``params["W1"]`` too, and so does
a helper ``flip(params, "W1")`` that writes ``d[key] = d[key].T``. Taking the old entry for the
new one would claim that NumPy raises where it does not. So, where such a change is possible, the
other holders forget the entries: a dict becomes one whose entries are unknown, a list unknown.
The analysis shares values that Python does not (two calls' results from one summary), so the
forgetting may reach a container Python kept apart: that costs findings, never a false one.
"""
from __future__ import annotations

import libcst as cst

from ..cst_walk import CODE_CHILDREN
from .frame import Frame
from .values import UNKNOWN, DictValue, Value, is_list

_MUTATING_METHODS = frozenset({"update", "pop", "popitem", "setdefault", "clear", "append", "extend",
                               "insert", "remove", "sort", "reverse", "__setitem__", "__delitem__"})
# calls that read what they are given: passing a container to them changes nothing
READING_CALLS = frozenset({"len", "print", "repr", "str", "sorted", "list", "dict", "tuple", "set", "iter",
                            "enumerate", "zip", "sum", "min", "max", "any", "all", "isinstance", "id", "hash",
                            "reveal_shape"})


def is_container(value: Value) -> bool:
    return isinstance(value, DictValue) or is_list(value)


def forgotten(value: Value) -> Value:
    """What a changed container is known to hold afterwards: nothing of its entries."""
    return DictValue((), complete=False) if isinstance(value, DictValue) else UNKNOWN


def forget_holders(container: Value, frame: Frame, spare: str = "") -> None:
    """Every name of ``frame`` and attribute of its ``self`` holding ``container`` (the very
    object) forgets its entries, but ``spare`` (the name the change was made through)."""
    for name, value in list(frame.env.items()):
        if value is container and name != spare:
            frame.env[name] = forgotten(container)
    if frame.instance is not None:
        for name, value in list(frame.instance.attributes.items()):
            if value is container and f"self.{name}" != spare:
                frame.instance.attributes[name] = forgotten(container)


def holder_name(holder: cst.BaseExpression) -> str:
    """How ``forget_holders`` names the holder a change was made through (``d``, ``self.d``; "" for another)."""
    if isinstance(holder, cst.Name):
        return holder.value
    if isinstance(holder, cst.Attribute) and isinstance(holder.value, cst.Name) and holder.value.value == "self":
        return f"self.{holder.attr.value}"
    return ""


def forget_arguments(args, kwargs, frame: Frame) -> None:
    """The containers handed to a call the analysis does not follow (another library's function,
    a method of an unknown object): it may change them."""
    for _, value in args:
        if is_container(value):
            forget_holders(value, frame)
    for _, value in kwargs.values():
        if is_container(value):
            forget_holders(value, frame)


def parameters_changed(function: cst.FunctionDef) -> frozenset:
    """The parameters whose container the function may change: it writes an item through the
    name (``d[k] = ...``, ``d[k] += ...``, ``del d[k]``), calls a changing method on it
    (``d.update(...)``), or hands the name itself to a call that is not a plain reading one.
    Nested functions count (a closure can change it too)."""
    changed: set = set()
    for node in _code_nodes(function.body):
        kind = type(node)
        if kind in (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del):
            target = node.target
            if type(target) is cst.Subscript and type(target.value) is cst.Name:
                changed.add(target.value.value)
            elif type(target) in (cst.Tuple, cst.List):
                changed.update(element.value.value.value for element in target.elements
                               if type(element.value) is cst.Subscript and type(element.value.value) is cst.Name)
        elif kind is cst.Call:
            func = node.func
            if type(func) is cst.Attribute and type(func.value) is cst.Name and func.attr.value in _MUTATING_METHODS:
                changed.add(func.value.value)
            if not (type(func) is cst.Name and func.value in READING_CALLS):
                changed.update(arg.value.value for arg in node.args if type(arg.value) is cst.Name)
    return frozenset(changed & _parameter_names(function))


def parameters_reshaped(function: cst.FunctionDef) -> frozenset:
    """The parameters whose array the function reshapes in place (``x.shape = (n, -1)``,
    ``x.resize(...)``): the caller's array is that array, and its shape is then no longer known."""
    reshaped: set = set()
    for node in _code_nodes(function.body):
        kind = type(node)
        if kind is cst.AssignTarget:
            target = node.target
            if type(target) is cst.Attribute and target.attr.value == "shape" and type(target.value) is cst.Name:
                reshaped.add(target.value.value)
        elif kind is cst.Call:
            func = node.func
            if type(func) is cst.Attribute and func.attr.value == "resize" and type(func.value) is cst.Name:
                reshaped.add(func.value.value)
    return frozenset(reshaped & _parameter_names(function))


def names_rebound_outside(function: cst.FunctionDef) -> frozenset:
    """The names the function declares ``global`` or ``nonlocal``: calling it may rebind them in
    the module or the enclosing function (``configure(4)`` setting ``WEIGHTS = np.ones(n)``)."""
    return frozenset(item.name.value for node in _code_nodes(function.body)
                     if type(node) in (cst.Global, cst.Nonlocal) for item in node.names)


def _parameter_names(function: cst.FunctionDef) -> set:
    params = function.params
    return {param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)}


def _code_nodes(root: cst.CSTNode):
    """Every node of ``root``'s code but the names (a third of the nodes, with no children)."""
    stack: list = [root]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Name:
            continue
        yield node
        stack.extend(CODE_CHILDREN[kind](node))
