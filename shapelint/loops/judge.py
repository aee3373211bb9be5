"""Every loop of a module analysed once, with the best values the interpreter had there.

The interpreter records each run of a loop: as written, under a caller's
arguments (a call-site context), and with parameters taken as arrays from their
use (``arrayness``). Before the one analysis, the judge picks the run that
knows the most: the one where the most names the loop reads are arrays of
known rank (on a tie, the code as written, then a caller, then the
assumption). SL006 asks for verdicts and findings, which are computed on the
first request and kept: the outer loops of a nest, the inner loops a rewrite
spans and the loop around a comprehension all reuse them. Nothing is computed
when SL006 is off. ``analyses`` counts the dependence analyses actually run (a
test checks it is at most one per loop).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import libcst as cst

from ..infer.values import ArrayValue
from .dependence import Verdict, analyze_loop
from .effects import Effects

AS_WRITTEN, CONTEXT, ASSUMED = 2, 1, 0  # which run wins a tie


@dataclass
class Run:
    entry: dict
    before: Optional[dict]
    assumed: frozenset
    context: object  # the CallSite, for a run under a caller
    known: int       # how many names the loop reads are arrays of known rank
    kind: int


class LoopJudge:
    def __init__(self) -> None:
        self._runs: dict = {}       # id(loop node) -> (node, the best Run so far)
        self._names: dict = {}      # id(node) -> (node, the names it reads)
        self._verdicts: dict = {}   # id(node) -> (node, Verdict | None)
        self._findings: dict = {}   # (id(node), kind) -> (node, Finding | None)
        self._effects: dict = {}    # id(entry) -> (entry, Effects)
        self.analyses = 0

    def record(self, node: cst.CSTNode, entry: dict, before: Optional[dict] = None,
               assumed: frozenset = frozenset(), context=None) -> None:
        kind = ASSUMED if assumed else CONTEXT if context is not None else AS_WRITTEN
        names = self.names(node)
        known = sum(1 for n in names if _known_array(entry.get(n)))
        run = Run(entry, before, assumed & names, context, known, kind)
        found = self._runs.get(id(node))
        if found is None or found[0] is not node or (run.known, run.kind) > (found[1].known, found[1].kind):
            self._runs[id(node)] = (node, run)

    def run(self, node: cst.CSTNode) -> Optional[Run]:
        found = self._runs.get(id(node))
        return found[1] if found is not None and found[0] is node else None

    def entry(self, node: cst.CSTNode, fallback: Optional[dict] = None) -> Optional[dict]:
        run = self.run(node)
        return run.entry if run is not None else fallback

    def names(self, node: cst.CSTNode) -> frozenset:
        cached = self._names.get(id(node))
        if cached is None or cached[0] is not node:
            from .indices import names_in

            cached = self._names[id(node)] = (node, frozenset(names_in(node)))
        return cached[1]

    def effects(self, entry: dict) -> Effects:
        cached = self._effects.get(id(entry))
        if cached is None or cached[0] is not entry:
            cached = self._effects[id(entry)] = (entry, Effects(entry))
        return cached[1]

    def verdict(self, node: cst.CSTNode, fallback: Optional[dict] = None) -> Optional[Verdict]:
        """The dependence verdict on ``node`` (a ``for`` or counted ``while`` loop), computed once."""
        cached = self._verdicts.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        run = self.run(node)
        entry = run.entry if run is not None else fallback
        verdict = None
        if entry is not None:
            self.analyses += 1
            verdict = analyze_loop(node, entry, self.effects(entry), loose=True, before=run.before if run else None)
            if verdict is not None and run is not None:
                verdict.assumed = verdict.assumed | run.assumed
                verdict.context = run.context
        self._verdicts[id(node)] = (node, verdict)
        return verdict

    def finding(self, node: cst.CSTNode, kind: str = "loop", build: Optional[Callable] = None):
        """The SL006 finding for ``node``, once: ``build()`` makes it (the rule's judge of that kind)."""
        key = (id(node), kind)
        cached = self._findings.get(key)
        if cached is not None and cached[0] is node:
            return cached[1]
        found = build() if build is not None else None
        self._findings[key] = (node, found)
        return found


def _known_array(value) -> bool:
    return isinstance(value, ArrayValue) and value.shape.dims is not None and value.shape.rank > 0
