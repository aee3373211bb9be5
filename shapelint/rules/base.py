"""What a rule is, and the context it judges an event in.

A rule is a class in its own module under ``shapelint.rules`` with a code, a
kebab-case name, a priority and ``check(event, ctx)``; its docstring is its
documentation. Rules are found automatically. For each event the rules
enabled for the file are asked in priority order and the first that reports
claims the event, so one problem gets one finding: the most specific
explanation among the rules the user asked for (a disabled rule never hides
what another rule would report).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Iterable, Optional

import libcst as cst

from ..quoting import abbreviated
from ..cst_walk import code_children
from ..domain.shapes import Shape
from ..hints import Hints  # noqa: F401  (re-exported: rules and the engine take it from here)
from ..infer.values import Assumed, from_docstring
from ..positions import SourceLines, locate

if TYPE_CHECKING:  # pragma: no cover
    from ..infer.events import Event


from ..applicability import DISPLAY_ONLY, SAFE, UNSAFE  # noqa: F401  (re-exported to the rules)


@dataclass(frozen=True)
class Fix:
    """Replacements of nodes' source text; ``title`` says what it does ("Pass `keepdims=True`")."""

    title: str
    applicability: str
    edits: tuple[tuple[cst.CSTNode, str], ...]


@dataclass(frozen=True)
class Report:
    node: cst.CSTNode
    message: str
    fix: Optional[Fix] = None


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    priority: ClassVar[int]

    def check(self, event: "Event", ctx: "RuleContext") -> Iterable[Report]:
        handler = getattr(self, "on_" + event.kind, None)
        return handler(event, ctx) or () if handler is not None else ()


class RuleContext:
    """Source text, lines and parents of nodes, computed only when a rule needs them."""

    def __init__(self, module: cst.Module, hints: Optional[Hints] = None, source: bytes | str | None = None) -> None:
        self.module = module
        self.hints = hints or Hints()
        self._lines = SourceLines(module, source) if source is not None else None  # positions found statement by statement
        self._positions: dict = {}
        self._missing: set = set()
        self.unplaced_asks = 0  # how often a position was asked before its node was located (``engine.judge`` counts)
        self._parents: Optional[dict] = None
        self.stale_declarations: frozenset = frozenset()  # set by the engine from the analysis
        self.unproven_events: set = set()  # the analysis's ``unproven`` (set by the engine): where a raise is not proven
        self._first_reports: dict = {}

    def first_report_of(self, cause, node: cst.CSTNode) -> bool:
        """Is ``node`` the first finding of this ``cause`` (e.g. one rank-1 array's origin)? One
        cause, one finding: its fix at the cause mends every later symptom. Stable when judged again."""
        return self._first_reports.setdefault(cause, node) is node

    def raise_proven(self, event) -> bool:
        """May a rule claim that NumPy raises at ``event``? Only when its shapes rest on no
        heuristic and no docstring (a docstring says loosely what a function accepts: "shape
        (n_samples,)" where callers pass 2-D data, "A or B" read as A; it may shape a hint, never
        that claim), and when it runs neither under a test the analysis could not decide on the
        values it fails on nor where its error is expected (``infer.guards``). (Events resting on
        a stale declaration or a silent expansion never reach the rules: the engine drops them.)"""
        if id(event) in self.unproven_events:
            return False
        return not any(isinstance(source, Assumed) or from_docstring(source)
                       for array in event.arrays() for source in getattr(array, "basis", ()))

    def assumptions(self, *arrays) -> str:
        """`` (if `lr` is a number)``: the heuristics a hint about these arrays rests on."""
        nodes = [source.node for array in arrays for source in getattr(array, "basis", ()) if isinstance(source, Assumed)]
        names = sorted({f"`{self.code(node)}`" for node in nodes})  # a basis is a set: in order of the text, never of hashes
        if not names:
            return ""
        verb = "is a number" if len(names) == 1 else "are numbers"
        return f" (if {', '.join(names)} {verb})"

    def code(self, node: cst.CSTNode) -> str:
        return abbreviated(self.module.code_for_node(node).strip())

    def locate(self, nodes) -> dict:
        """Positions of these nodes (computed together, in one pass over the module)."""
        wanted = {node for node in nodes if node not in self._positions} | self._missing
        if wanted:
            self._positions.update(locate(self.module, wanted, self._lines))
            self._positions.update((node, None) for node in wanted if node not in self._positions)
            self._missing.clear()
        return {node: self._positions.get(node) for node in nodes}

    def position(self, node: cst.CSTNode):
        """A located node's range; None (and remembered, for the next ``locate``) otherwise."""
        if node in self._positions:
            return self._positions[node]
        self._missing.add(node)
        self.unplaced_asks += 1
        return None

    def lines_were_missing(self) -> bool:
        return bool(self._missing)

    def line(self, node: cst.CSTNode) -> Optional[int]:
        position = self.position(node)
        return position.start.line if position else None

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        if self._parents is None:  # keyed by id(): a node's own __hash__ is a Python call, made for every node
            parents: dict[int, cst.CSTNode] = {}
            stack = [self.module]
            while stack:
                current = stack.pop()
                children = code_children(current)
                for child in children:
                    parents[id(child)] = current
                stack.extend(children)
            self._parents = parents
        return self._parents.get(id(node))

    def render(self, node: cst.CSTNode) -> str:
        """Source text of a (possibly new) node, unabbreviated: for replacements."""
        return self.module.code_for_node(node)

    def made_where(self, node: Optional[cst.CSTNode], inherited=None, code: str = "") -> str:
        """Where a rank-1 array (``code``) comes from: `` (made by `np.zeros(n)` on line 3)`` when
        it is the array made there; `` (it comes from rank-1 `w` (3,), made by `np.zeros(3)` on line 3)``
        when it is computed from that one (``inherited``, see ``infer.values.Inherited``)."""
        if node is None:
            return ""
        line = self.line(node)
        where = f" on line {line}" if line else ""
        if inherited is None:
            return f" (made by `{self.code(node)}`{where})"
        name = self.origin_name(node)
        if name is None or name == code:
            return f" (it comes from rank-1 `{self.code(node)}` {inherited.shape}{where})"
        return f" (it comes from rank-1 `{name}` {inherited.shape}, made by `{self.code(node)}`{where})"

    def origin_name(self, node: cst.CSTNode) -> Optional[str]:
        """What the maker of an array is bound to: ``w`` for ``w = np.zeros(3)``; None when it is
        not the whole value of a one-target assignment (or is in another file)."""
        parent = self.parent(node)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and parent.value is node:
            return self.code(parent.targets[0].target)
        if isinstance(parent, cst.AnnAssign) and parent.value is node:
            return self.code(parent.target)
        return None


def under_call_site(report: Report, site, ctx: "RuleContext") -> Report:
    """A finding only a caller's arguments show: say which call (`` when called from train() at line
    52 with X (2, 64)``); its fix changes code every caller runs, so it is never applied unasked."""
    shown = ", ".join(f"{name} {value.shape}" for name, value in site.arguments[:3])
    with_ = f" with {shown}" if shown else ""
    if getattr(site, "foreign", ""):  # found in another file's function: reported here, at the call
        return replace(report, node=site.call, fix=None, message=f"in {site.foreign}, called here{with_}: {report.message}")
    line = ctx.line(site.call)
    at = f" at line {line}" if line else ""
    fix = report.fix
    if fix is not None and fix.applicability == SAFE:
        fix = replace(fix, applicability=UNSAFE)
    return replace(report, message=f"{report.message} (when called from {site.caller}{at}{with_})", fix=fix)


def show(shape: Shape) -> str:
    return str(shape)
