"""Which code runs only when a test the analysis cannot decide holds, or where an error is expected.

A claim that NumPy raises needs the failing line to run with the shapes the analysis gives. Under
an ``if`` it cannot decide, whose test reads the very values that fail (``if np.shape(b)[0] == 0:
return``, ``if isinstance(knots, int):``, ``x[:n] if x.ndim == 1 else x[:, :n]``, the right side of
``b.size > 0 and b.T @ X``), the code
itself says those values are not always what the analysis thinks: the branch may be dead for
them. There the claim is not made. Nor where the code expects the error: inside ``try:`` whose
handler takes it, inside ``with pytest.raises(...)``.

While running, a frame keeps the tests of the undecided branches it is in (``Frame.guards``),
whether an error is handled (``Frame.handled``, which a call passes on to the callee), and which
names each assignment read (``Frame.derived``, so that ``flag = x.ndim == 3; if flag:`` reads
``x``, and ``edges = np.array(bins)`` is ``bins``). An event that would raise there is noted
(``Analysis.unproven``); the rules that claim a raise ask ``RuleContext.raise_proven`` of it. An ``if`` that
leaves (``if b.size == 0: return``) guards the rest of its block."""
from __future__ import annotations

import builtins

import libcst as cst

from ..cst_walk import last_name, names_in
from .events import Failure, Inplace
from .values import FunctionValue, ModuleValue, UserClass, UserFunction

_BUILTINS = frozenset(dir(builtins))
_CODE_VALUES = (FunctionValue, ModuleValue, UserClass, UserFunction)
DERIVED_DEPTH = 3  # ``a = x.shape; b = len(a) == 3; if b:`` reads x
# What NumPy raises, and what takes it (a bare ``except:`` takes it too).
_HANDLED = frozenset({"ValueError", "IndexError", "TypeError", "Exception", "BaseException", "AxisError", "LinAlgError"})
_EXPECTING = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assert_raises", "assert_raises_regex"})


class GuardedBy:
    """``with GuardedBy(frame, test):`` what runs inside does so only as ``test`` says (an undecided
    branch, either side of a conditional expression, the right side of ``and``/``or``)."""

    __slots__ = ("frame", "test", "outer")

    def __init__(self, frame, test: cst.BaseExpression) -> None:
        self.frame, self.test = frame, test

    def __enter__(self) -> None:
        self.outer = self.frame.guards
        self.frame.guards = self.outer + (self.test,)

    def __exit__(self, *exc) -> None:
        self.frame.guards = self.outer


class ErrorsExpected:
    """``with ErrorsExpected(frame, expected):`` inside, when ``expected``, an error is the code's
    own business (a ``try`` whose handler takes it, ``with pytest.raises(...)``)."""

    __slots__ = ("frame", "expected", "outer")

    def __init__(self, frame, expected: bool) -> None:
        self.frame, self.expected = frame, expected

    def __enter__(self) -> None:
        self.outer = self.frame.handled
        self.frame.handled = self.outer or self.expected

    def __exit__(self, *exc) -> None:
        self.frame.handled = self.outer


def guard_names(frame) -> frozenset:
    """The data names the tests of ``frame.guards`` read, through the assignments that made them."""
    found: set = set()
    for test in frame.guards:
        found |= _data_names(test, frame)
    return frozenset(found)


def _data_names(node: cst.CSTNode, frame) -> set:
    """The names ``node`` reads that hold data, and those the assignments to them read, a few deep."""
    found: set = set()
    pending = [(name, 0) for name in names_in(node)]
    while pending:
        name, depth = pending.pop()
        if name in found or _is_code(name, frame):
            continue
        found.add(name)
        if depth < DERIVED_DEPTH:
            made_from = frame.derived.get(name)
            if made_from is not None:
                pending.extend((source, depth + 1) for source in names_in(made_from))
    return found


def _is_code(name: str, frame) -> bool:
    """A module, function or class (``np``, ``isinstance``): reading it says nothing of the data."""
    if not frame.is_bound(name):
        return name in _BUILTINS
    return isinstance(frame.lookup(name), _CODE_VALUES)


def record(analysis, event, frame) -> None:
    """Note an event that would raise where that is not proven (``Analysis.unproven``): its error is
    expected there, or an undecided test reads what it fails on."""
    if not _may_raise(event):
        return
    if frame.handled or (frame.guards and guard_names(frame) & _data_names(event.node, frame)):
        analysis.unproven.add(id(event))


def _may_raise(event) -> bool:
    return isinstance(event, (Failure, Inplace)) or getattr(event, "error", None) is not None


def handler_takes_numpy_errors(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for kind in kinds:
        expression = kind.value if isinstance(kind, cst.Element) else kind
        if last_name(expression) in _HANDLED:
            return True
    return False


def expects_error(item: cst.WithItem) -> bool:
    """``with pytest.raises(ValueError):``, ``with self.assertRaises(IndexError):``."""
    call = item.item
    return isinstance(call, cst.Call) and last_name(call.func) in _EXPECTING


__all__ = ["expects_error", "guard_names", "handler_takes_numpy_errors", "record"]
