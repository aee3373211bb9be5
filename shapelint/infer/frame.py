"""The state of one run through a body of code: bindings, returns, declarations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..domain.shapes import Shape
from .values import UNKNOWN, Instance, UserFunction, Value, join


@dataclass(frozen=True)
class CallSite:
    """Where a function body runs with a caller's arguments: reported with what it finds there."""

    call: object  # the cst.Call node
    caller: str  # "train()", or "module level"
    arguments: tuple[tuple[str, object], ...]  # (parameter, its value), arrays only
    foreign: str = ""  # "`mse()` in model.py": the body runs in another file, reported at this call


@dataclass
class Frame:
    env: dict[str, Value]
    globals: Optional[dict[str, Value]] = None
    emit: bool = True
    returns: list[Value] = field(default_factory=list)
    declared_return: Optional[Shape] = None
    pending: dict[str, Shape] = field(default_factory=dict)
    instance: Optional[Instance] = None
    function: Optional[UserFunction] = None
    depth: int = 0
    loop_depth: int = 0
    compiled: bool = False  # numba/Cython code: loops are compiled, and are the idiom there
    context: Optional["CallSite"] = None  # the call whose arguments this run of a body has
    first_pass: bool = False  # a loop's first iteration: its findings count, its loops and reveals do not
    assumed_arrays: frozenset = frozenset()  # parameters given shapes from their use: a run for the loops only
    written_only: Optional[dict] = None  # another file's function run as written: which events it saw with known shapes
    returned: bool = False  # a decided branch returned or raised: what follows is dead code
    ran_loop: bool = False  # this run went through a loop or a comprehension (its own, not a callee's)
    module: Optional[object] = None  # the cst.Module whose code this runs (its functions' too)
    unrolled: int = 1  # how many times the enclosing unrolled loops run this code (``unrolling``)
    guards: tuple = ()  # the tests of the undecided branches this code runs in (``guards``)
    handled: bool = False  # inside ``try:`` whose handler takes NumPy's errors, or ``with pytest.raises(...)``
    derived: dict = field(default_factory=dict)  # name -> the expression last assigned to it (``flag = x.ndim == 3``)

    def lookup(self, name: str) -> Value:
        if name in self.env:
            return self.env[name]
        if self.globals is not None and name in self.globals:
            return self.globals[name]
        return UNKNOWN

    def is_bound(self, name: str) -> bool:
        return name in self.env or (self.globals is not None and name in self.globals)

    def branch(self) -> dict[str, Value]:
        return dict(self.env)

    def release(self) -> None:
        """Let go of what this frame binds (``Analysis.release``); a dict it shares with another
        frame (``globals``) is dropped, not emptied: it may be an imported module's, kept for
        the files linted next."""
        self.env, self.globals, self.instance, self.function, self.returns = {}, None, None, None, []


_MISSING = object()


def join_envs(before: dict[str, Value], *paths: dict[str, Value]) -> dict[str, Value]:
    """Bindings after control-flow paths meet; a name a path did not touch keeps its old value.

    Most names hold the very same value on every path (each path starts as a copy of the
    bindings before): those are taken as they are, without a call to ``join``."""
    names: set[str] = set(before)
    for path in paths:
        names.update(path)
    if len(paths) == 2:
        return _join_two(before, names, *paths)
    merged: dict[str, Value] = {}
    for name in names:
        # A name unbound before and on some path would raise there; judge by the paths that bind it.
        old = before.get(name, _MISSING)
        result = _MISSING
        for path in paths:
            value = path.get(name, old)
            if value is _MISSING or value is result:
                continue
            result = value if result is _MISSING else join(result, value)
        merged[name] = result
    return merged


def _join_two(before: dict[str, Value], names: set[str], first: dict[str, Value], second: dict[str, Value]) -> dict[str, Value]:
    """``join_envs`` of two paths (an ``if`` and its ``else``, a loop's entry and its body's end:
    most joins) without the loop over paths."""
    merged: dict[str, Value] = {}
    if first is before:  # a loop's: what held before it, and what its body left
        for name in names:
            a = before.get(name, _MISSING)
            b = second.get(name, a)
            merged[name] = b if a is _MISSING or b is a else join(a, b)
        return merged
    for name in names:
        old = before.get(name, _MISSING)
        a = first.get(name, old)
        b = second.get(name, old)
        if a is _MISSING or b is _MISSING or a is b:
            merged[name] = b if a is _MISSING else a
        else:
            merged[name] = join(a, b)
    return merged
