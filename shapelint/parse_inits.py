"""Constructors for the nodes libcst's parser builds, without the dataclass machinery (5% of a parse).

libcst's nodes are frozen dataclasses with slots: the ``__init__`` dataclasses generates sets
each field through ``object.__setattr__(self, "name", value)`` (a lookup of the name in the
class's MRO per field, since a frozen class forbids plain assignment), then calls
``__post_init__`` (node validation, which ``parsing`` skips for parsed code anyway). The
native parser builds a node per token or so by calling the class, so those constructors are a
large part of a parse. The constructors made here take the same parameters with the same
defaults and store each value straight through its slot's descriptor; ``parsing`` puts them in
place only while it parses (under its lock) and puts libcst's own back after, so a node built
anywhere else is built and checked as ever.

A class is left alone unless everything about its constructor is as described: a
dataclass-generated ``__init__``, fields that are all ``init`` and not keyword-only, each stored
in a slot. ``tests/test_parsing.py`` checks that the parameters are libcst's own and that the
trees are equal.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional

from libcst._nodes.base import CSTNode

_FACTORY = object()  # a parameter left out whose field has a default factory


def _node_classes() -> list[type]:
    """Every concrete libcst node class (the slotted class ``add_slots`` made, not the one it replaced)."""
    seen: dict[type, None] = {}
    pending = [CSTNode]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in seen:
                seen[subclass] = None
                pending.append(subclass)
    return [cls for cls in seen if "__slots__" in cls.__dict__ and "__init__" in cls.__dict__]


def _slot_setter(cls: type, name: str) -> Optional[Callable]:
    for klass in cls.__mro__:
        descriptor = klass.__dict__.get(name)
        if descriptor is not None:
            return descriptor.__set__ if type(descriptor).__name__ == "member_descriptor" else None
    return None


def _constructor_source(cls: type, index: int, namespace: dict) -> Optional[str]:
    """The source of ``cls``'s constructor (its globals go in ``namespace``), or None to keep libcst's."""
    generated = cls.__dict__["__init__"]
    if not dataclasses.is_dataclass(cls) or getattr(getattr(generated, "__code__", None), "co_filename", None) != "<string>":
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields):
        return None
    parameters, body = [], []
    for number, f in enumerate(fields):
        setter = _slot_setter(cls, f.name)
        if setter is None:
            return None
        tag = f"_{index}_{number}"
        namespace["set" + tag] = setter
        if f.default is not dataclasses.MISSING:
            namespace["default" + tag] = f.default
            parameters.append(f"{f.name}=default{tag}")
            body.append(f"    set{tag}(self, {f.name})")
        elif f.default_factory is not dataclasses.MISSING:
            namespace["factory" + tag] = f.default_factory
            parameters.append(f"{f.name}=_FACTORY")
            body.append(f"    set{tag}(self, factory{tag}() if {f.name} is _FACTORY else {f.name})")
        else:
            parameters.append(f.name)
            body.append(f"    set{tag}(self, {f.name})")
    return f"def init_{index}(self, {', '.join(parameters)}):\n" + ("\n".join(body) or "    pass") + "\n"


def parse_constructors() -> dict[type, Callable]:
    """The parse's constructor for each node class that can have one (made in one ``exec``)."""
    namespace: dict = {"_FACTORY": _FACTORY}
    sources, classes = [], []
    for cls in _node_classes():
        source = _constructor_source(cls, len(classes), namespace)
        if source is not None:
            sources.append(source)
            classes.append(cls)
    exec(compile("".join(sources), "<shapelint.parse_inits>", "exec"), namespace)  # noqa: S102 - our own generated code
    made = {}
    for index, cls in enumerate(classes):
        init = namespace[f"init_{index}"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        made[cls] = init
    return made


__all__ = ["parse_constructors"]
