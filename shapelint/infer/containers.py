"""Values that hold other values: dicts with string keys, lambdas and ``functools.partial``.

Course code keeps its arrays in ``parameters["W1"]`` and ``cache``, and passes its
activations as functions (``activation=lambda z: z``); shapes have to flow through them.
A dict is held as a value: writing a key rebinds the name to a dict with that entry.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import libcst as cst

from .frame import Frame
from .mutation import forget_holders, holder_name
from .unrolling import python_constant
from .imports import dotted
from .values import UNKNOWN, DictValue, Instance, LambdaValue, ListValue, PartialValue, StrValue, Value, is_list, join, stored

_READ_ONLY_METHODS = {"keys", "values", "items", "__contains__"}
MAX_LAMBDA_DEPTH = 8  # a lambda that calls itself through its arguments ends here


def string_key(value: Value) -> Optional[str]:
    return value.text if isinstance(value, StrValue) else None


def formatted(value: Value, spec: str = "") -> Optional[str]:
    """What ``f"{value:spec}"`` shows, for a known string or int (None otherwise, or where
    Python would raise)."""
    known = python_constant(value)
    if known is None or isinstance(known, tuple):
        return None
    try:
        return format(known, spec)
    except (TypeError, ValueError):
        return None


def percent_formatted(template: StrValue, value: Value) -> Value:
    """``"W%d" % l`` with known values: the key it builds; unknown otherwise (or where Python raises)."""
    arguments = python_constant(value)
    if arguments is None:
        return UNKNOWN
    try:
        return StrValue(template.text % arguments)
    except (TypeError, ValueError, KeyError, OverflowError):
        return UNKNOWN


def format_called(template: StrValue, args, kwargs) -> Value:
    """``"W{}".format(l)`` with known values: the key it builds; unknown otherwise."""
    positional = [python_constant(value) for _, value in args]
    named = {name: python_constant(value) for name, (_, value) in kwargs.items()}
    if any(value is None for value in [*positional, *named.values()]):
        return UNKNOWN
    try:
        return StrValue(template.text.format(*positional, **named))
    except (IndexError, KeyError, ValueError, AttributeError, TypeError):
        return UNKNOWN


def _with_spec(value: Value, spec) -> Optional[str]:
    """``f"{l:d}"``, ``f"{l:02d}"``: a literal format spec (libcst's sequence of parts), if any."""
    if spec is None:
        return formatted(value)
    if not all(isinstance(part, cst.FormattedStringText) for part in spec):
        return None
    return formatted(value, "".join(part.value for part in spec))


MAX_UNROLLED_KEYS = 64  # a dict comprehension over more keys is not run key by key
_UNBOUND = object()


def _comprehension_names(target: cst.BaseExpression, pairs: bool) -> Optional[tuple[str, ...]]:
    """``k`` (or ``k, v`` over ``.items()``): the names a key-by-key run binds; None for any other target."""
    if not pairs:
        return (target.value,) if isinstance(target, cst.Name) else None
    if isinstance(target, cst.Tuple) and len(target.elements) == 2:
        names = tuple(element.value.value for element in target.elements if isinstance(element.value, cst.Name)
                      and not isinstance(element, cst.StarredElement))
        return names if len(names) == 2 else None
    return None


class ContainerEvaluator:
    """Mixin of the interpreter."""

    def eval_Dict(self, node: cst.Dict, frame: Frame) -> Value:
        entries: list[tuple[str, Value]] = []
        complete = True
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                self.evaluate(element.value, frame)
                complete = False
                continue
            key = string_key(self.evaluate(element.key, frame))
            value = self.evaluate(element.value, frame)
            if key is None:
                complete = False
            else:
                entries.append((key, value))
        return DictValue(tuple(entries)) if complete else DictValue((), complete=False)

    def eval_DictComp(self, node: cst.DictComp, frame: Frame) -> Value:
        """``{name: params[name] - lr * grads[name] for name in params}`` over a dict whose keys are
        known (or its ``.keys()``/``.items()``): the dict it makes, an entry per key, each evaluated
        with the key bound, as Python runs it (a course's parameter update keeps the shapes);
        any other is looked inside and unknown. Its names stay its own, as in Python."""
        unrolled = self.unrolled_dict(node, frame)
        if unrolled is not None:
            return unrolled
        self.evaluate_children(node, frame)
        return UNKNOWN

    def unrolled_dict(self, node: cst.DictComp, frame: Frame) -> Optional[DictValue]:
        loop = node.for_in
        if loop.ifs or loop.inner_for_in is not None or loop.asynchronous is not None:
            return None
        source, method = loop.iter, None
        if (isinstance(source, cst.Call) and not source.args and isinstance(source.func, cst.Attribute)
                and source.func.attr.value in ("keys", "items")):
            source, method = source.func.value, source.func.attr.value
        names = _comprehension_names(loop.target, method == "items")
        if names is None:
            return None
        mapping = self.evaluate(source, frame)
        if not isinstance(mapping, DictValue) or not mapping.complete or len(mapping.entries) > MAX_UNROLLED_KEYS:
            return None
        saved = {name: frame.env.get(name, _UNBOUND) for name in names}
        made = DictValue(())
        try:
            for key, value in mapping.entries:
                frame.env[names[0]] = StrValue(key)
                if len(names) == 2:
                    frame.env[names[1]] = value
                made = made.with_entry(string_key(self.evaluate(node.key, frame)), self.evaluate(node.value, frame))
        finally:
            for name, before in saved.items():
                if before is _UNBOUND:
                    frame.env.pop(name, None)
                else:
                    frame.env[name] = before
        return made

    def eval_FormattedString(self, node: cst.FormattedString, frame: Frame) -> Value:
        """``f"d{name}"``: known text only when every part is (``name`` from an unrolled loop; a
        ``{...}`` of a known string or int, with no conversion or ``=``, and a literal format spec
        if any: ``f"W{l:d}"``)."""
        text: list = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if "\\" in part.value:
                    text = None  # an escape (or a raw backslash): not worth decoding for a key
                elif text is not None:
                    text.append(part.value.replace("{{", "{").replace("}}", "}"))
                continue
            shown = _with_spec(self.evaluate(part.expression, frame), part.format_spec)
            if text is None or shown is None or part.conversion is not None or part.equal is not None:
                return UNKNOWN
            text.append(shown)
        return StrValue("".join(text)) if text is not None else UNKNOWN

    def dict_lookup(self, base: DictValue, node: cst.Subscript, frame: Frame) -> Value:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return UNKNOWN
        return base.get(string_key(self.evaluate(node.slice[0].slice.value, frame)))

    def store_item(self, target: cst.Subscript, value: Value, frame: Frame) -> bool:
        """``d[key] = value`` on a dict held by a name or ``self.attr``: rebind it with the entry.
        False when the target is not such a dict (then it is an array element)."""
        container = self.evaluate(target.value, frame)
        if is_list(container):
            self.store_list_item(target, container, value, frame)
            return True
        if not isinstance(container, DictValue):
            return False
        key = None
        if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            key = string_key(self.evaluate(target.slice[0].slice.value, frame))
        self.rebind(target.value, container.with_entry(key, value), frame)
        forget_holders(container, frame, spare=holder_name(target.value))  # ``store = params``: params changed too
        return True

    def store_list_item(self, target: cst.Subscript, container: Value, value: Value, frame: Frame) -> None:
        """``shape[axis] = 1`` on a list: which element changed is not followed, so the list then
        holds elements like its old ones or like the new one, in an order no longer known (kept
        as it was, ``a_sum.shape = shape`` would reshape by the old sizes: a false "NumPy raises")."""
        for element in target.slice:
            if isinstance(element.slice, cst.Index):
                self.evaluate(element.slice.value, frame)
        old = stored(container)
        item = stored(value) if old.item is None else join(old.item, stored(value))
        self.rebind(target.value, ListValue(item), frame)
        forget_holders(container, frame, spare=holder_name(target.value))

    def rebind(self, holder: cst.BaseExpression, value: Value, frame: Frame) -> None:
        if isinstance(holder, cst.Name):
            frame.env[holder.value] = value
        elif isinstance(holder, cst.Attribute) and isinstance(holder.value, cst.Name):
            owner = frame.lookup(holder.value.value)
            if isinstance(owner, Instance):
                owner.attributes[holder.attr.value] = value

    def call_dict_method(self, frame: Frame, node: cst.Call, receiver: DictValue, name: str, args) -> Value:
        if name == "get" and args:
            found = receiver.get(string_key(args[0][1]))
            default = args[1][1] if len(args) > 1 else UNKNOWN
            return found if found is not UNKNOWN else default
        if name == "copy":
            return replace(receiver)  # equal, but another object: changing one leaves the other
        if name not in _READ_ONLY_METHODS and isinstance(node.func, cst.Attribute):
            self.rebind(node.func.value, DictValue((), complete=False), frame)  # update, pop, setdefault...
            forget_holders(receiver, frame, spare=holder_name(node.func.value))
        return UNKNOWN

    def eval_Lambda(self, node: cst.Lambda, frame: Frame) -> Value:
        return LambdaValue(node, frame)

    def call_lambda(self, function: LambdaValue, args, kwargs, caller: Frame) -> Value:
        """The body, evaluated with the arguments bound over the scope the lambda was written in."""
        if caller.depth >= MAX_LAMBDA_DEPTH:
            return UNKNOWN
        closure: Frame = function.closure
        env = dict(closure.env)
        params = list(function.node.params.params)
        for param in params:
            env[param.name.value] = UNKNOWN
        for param, (_, value) in zip(params, args):
            env[param.name.value] = value
        for keyword, (_, value) in kwargs.items():
            env[keyword] = value
        frame = self.owned(Frame(env=env, globals=closure.globals, emit=caller.emit, depth=caller.depth + 1, context=caller.context,
                                 module=closure.module))
        return self.evaluate(function.node.body, frame)

    def make_partial(self, args, kwargs) -> Value:
        if not args:
            return UNKNOWN
        return PartialValue(args[0][1], tuple(args[1:]), tuple(kwargs.items()))

    def call_partial(self, frame: Frame, node: cst.Call, function: PartialValue, args, kwargs) -> Value:
        return self.call_value(frame, node, function.func, list(function.args) + list(args), {**dict(function.kwargs), **kwargs})


def is_partial(node: cst.BaseExpression, frame: Frame) -> bool:
    """``functools.partial`` / ``partial`` imported from functools (the name is otherwise unbound)."""
    name = dotted(node)
    return name == "functools.partial" or (name == "partial" and not frame.is_bound("partial"))
