"""Evaluation of calls: numpy functions and methods, builtins, the module's own functions."""
from __future__ import annotations

from dataclasses import replace

import libcst as cst

from ..cst_walk import one_plain_argument
from ..domain.dims import const, unknown
from ..numpy_model import properties, registry
from .frame import Frame
from .mutation import READING_CALLS, forget_arguments, forget_holders
from .values import (
    SCALAR_NUMBER,
    UNKNOWN,
    ArrayValue,
    ListValue,
    join,
    list_item,
    FunctionValue,
    GeneratorValue,
    Instance,
    IntValue,
    IterValue,
    MethodValue,
    NoneValue,
    RangeValue,
    StrValue,
    TupleValue,
    UserClass,
    UserFunction,
    Value,
    DictValue,
    LambdaValue,
    PartialValue,
    method_kind,
    basis_of,
    resting_on,
)
from .containers import format_called, formatted, is_partial
from .imports import dotted
from ..numpy_model.kinds import axes_may_be_added, objects, objects_requested

_NO_RESULT_BUILTINS = {"print", "setattr", "delattr", "exec"}


class CallEvaluator:
    """Mixin of the interpreter: ``eval_Call``."""

    def eval_Call(self, node: cst.Call, frame: Frame) -> Value:
        func = self.evaluate(node.func, frame)
        args: list[registry.Arg] = []
        kwargs: dict[str, registry.Arg] = {}
        starred = False
        for arg in node.args:
            value = self.evaluate(arg.value, frame)
            if arg.star:
                starred = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = (arg.value, value)
            else:
                args.append((arg.value, value))
        if starred:
            return UNKNOWN
        if self.grows_list(node, args, frame):
            return NoneValue()
        if isinstance(func, FunctionValue) and properties.has(func.qualname, "python_loop"):
            self.emit_implicit_loop(node, None, None, frame)
        elif func is UNKNOWN and type(node.func) is cst.Name and node.func.value == "map" and len(args) == 2 and not frame.is_bound("map"):
            self.emit_implicit_loop(node, args[1][0], None, frame)
        if func is UNKNOWN and is_partial(node.func, frame):
            return self.make_partial(args, kwargs)
        return self.call_value(frame, node, func, args, kwargs)

    def grows_list(self, node: cst.Call, args, frame: Frame) -> bool:
        """``xs.append(a)`` on a list the frame holds: its elements now share only what ``a`` shares with them."""
        func = node.func
        if not (type(func) is cst.Attribute and type(func.value) is cst.Name and func.attr.value in ("append", "extend")):
            return False
        name = func.value.value
        held = frame.env.get(name)
        if not isinstance(held, ListValue) or len(args) != 1:
            return False
        added = args[0][1] if func.attr.value == "append" else list_item(args[0][1]) if isinstance(args[0][1], ListValue) else UNKNOWN
        frame.env[name] = ListValue(added if held.item is None else join(held.item, added))
        return True

    def call_value(self, frame: Frame, node: cst.Call, func: Value, args, kwargs) -> Value:
        """Call whatever ``func`` holds: NumPy, a method, the module's own function or class, a
        lambda, a partial, a builtin."""
        if isinstance(func, FunctionValue):
            return self.call_library(frame, node, func.qualname, registry.FUNCTIONS, args, kwargs)
        if isinstance(func, MethodValue):
            return self.call_method(frame, node, func, args, kwargs)
        if isinstance(func, UserFunction):
            return self.call_user(func, args, kwargs, frame, node)
        if isinstance(func, UserClass):
            return self.instantiate(frame, node, func, args, kwargs)
        if isinstance(func, LambdaValue):
            return self.call_lambda(func, args, kwargs, frame)
        if isinstance(func, PartialValue):
            return self.call_partial(frame, node, func, args, kwargs)
        if func is UNKNOWN and type(node.func) is cst.Name and not frame.is_bound(node.func.value):
            if node.func.value not in READING_CALLS:
                forget_arguments(args, kwargs, frame)
            return self.call_builtin(frame, node, node.func.value, args)
        forget_arguments(args, kwargs, frame)  # a call not followed may change what it is given
        return UNKNOWN

    def instantiate(self, frame: Frame, node: cst.Call, cls: UserClass, args, kwargs) -> Value:
        """A new instance, its ``__init__`` run with these arguments (so ``self.W`` has their shapes)."""
        instance = self.owned(Instance(cls, dict(cls.attributes)))
        init = cls.methods.get("__init__")
        if init is not None:
            self.call_user(init, [(node.func, instance)] + list(args), kwargs, frame, node)
        else:
            fields = record_fields(cls.node)
            for name, (_, value) in zip(fields, args):
                instance.attributes[name] = value
            instance.attributes.update((name, value) for name, (_, value) in kwargs.items() if name in fields)
        return instance

    def call_library(self, frame: Frame, node, name: str, table, args, kwargs) -> Value:
        """A NumPy handler's result rests on whatever its array arguments rest on."""
        handler = table.get(name)
        if handler is None or (kwargs and axes_may_be_added(kwargs)):
            return UNKNOWN  # (a sub-array ``dtype=`` adds its own axes to whatever shape the call gives)
        result = handler(registry.CallContext(self, frame, node, name, args, kwargs))
        if kwargs and objects_requested(kwargs):
            result = objects(result)
        return resting_on(result, basis_of(*(value for _, value in args), *(value for _, value in kwargs.values())))

    def call_method(self, frame: Frame, node, func: MethodValue, args, kwargs) -> Value:
        receiver = func.receiver
        if isinstance(receiver, ArrayValue):
            receiver_node = node.func.value if isinstance(node.func, cst.Attribute) else node.func
            if func.name == "resize":  # ``a.resize((3, 4))`` reshapes ``a`` in place: its shape is no longer known
                self.assign_expression(receiver_node, UNKNOWN, frame)
                forget_holders(receiver, frame)
                return NoneValue()
            return self.call_library(frame, node, func.name, registry.METHODS, [(receiver_node, receiver)] + args, kwargs)
        if isinstance(receiver, GeneratorValue):
            return self.call_library(frame, node, func.name, registry.GENERATOR_METHODS, args, kwargs)
        if isinstance(receiver, DictValue):
            return self.call_dict_method(frame, node, receiver, func.name, args)
        if isinstance(receiver, StrValue) and func.name == "format":
            return format_called(receiver, args, kwargs)  # ``"W{}".format(l)``
        if isinstance(receiver, Instance):
            method = receiver.cls.methods.get(func.name)
            if method is not None:
                kind = method_kind(method)  # a static method takes no receiver; a class method, the class
                bound = [] if kind == "staticmethod" else [(node.func, receiver.cls if kind == "classmethod" else receiver)]
                return self.call_user(method, bound + args, kwargs, frame, node)
        forget_arguments(args, kwargs, frame)
        return UNKNOWN

    def call_builtin(self, frame: Frame, node: cst.Call, name: str, args) -> Value:
        values = [value for _, value in args]
        if name == "reveal_shape" and values:
            self.record_reveal(frame, node, values[0])
            return NoneValue()
        if name == "len" and len(values) == 1:
            return builtin_len(values[0])
        if name == "range" and values:
            return range_of(values)
        if name == "enumerate" and values:
            from .statements import element_of

            return IterValue(TupleValue((IntValue(unknown()), element_of(values[0]))))
        if name == "zip" and values:
            from .statements import element_of

            return IterValue(TupleValue(tuple(element_of(v) for v in values)))
        if name == "float":
            return SCALAR_NUMBER
        if name == "str" and one_plain_argument(node) and formatted(values[0]) is not None:
            return StrValue(formatted(values[0]))  # ``"W" + str(l)`` with ``l`` a known int: a key
        if name == "int":
            return values[0] if values and isinstance(values[0], IntValue) else IntValue(unknown())
        if name == "abs" and values and isinstance(values[0], (ArrayValue, IntValue)):
            return values[0]
        if name == "tuple" and values and isinstance(values[0], TupleValue) and not values[0].mutable:
            return values[0]
        if name in ("tuple", "list") and values and isinstance(values[0], TupleValue):
            return TupleValue(values[0].items, mutable=name == "list")  # a new sequence: ``shape = list(a.shape)`` can change
        if name == "dict" and one_plain_argument(node) and isinstance(values[0], DictValue):
            return replace(values[0])  # a copy (``parameters = dict(parameters)``): equal, another object
        if name in _NO_RESULT_BUILTINS:
            return NoneValue()
        return UNKNOWN


def record_fields(node: cst.ClassDef) -> list[str]:
    """The fields a ``@dataclass`` or ``typing.NamedTuple`` class takes, in order (else none)."""
    decorated = any(dotted(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) in ("dataclass", "dataclasses.dataclass")
                    for d in node.decorators)
    named_tuple = any(dotted(base.value) in ("NamedTuple", "typing.NamedTuple") for base in node.bases)
    if not (decorated or named_tuple) or not isinstance(node.body, cst.IndentedBlock):
        return []
    fields = []
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    fields.append(small.target.value)
    return fields


def builtin_len(value: Value) -> Value:
    if isinstance(value, ArrayValue) and value.shape.dims:
        return IntValue(value.shape.dims[0])
    if isinstance(value, TupleValue):
        return IntValue(const(len(value.items)))
    return UNKNOWN


def range_of(values: list[Value]) -> Value:
    if len(values) == 1 and isinstance(values[0], IntValue):
        return RangeValue(values[0].dim)
    return RangeValue(unknown())
