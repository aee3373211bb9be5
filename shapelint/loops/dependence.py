"""Does any iteration of a loop depend on another? The verdict on one ``for`` loop.

A loop is independent when, for its loop variable ``i``:

- every name the body reads before writing it (in the same iteration) is
  either never written by the body, or an accumulator: ``s += e``,
  ``s = s + e``, ``s = max(s, e)``, ``if e > s: s = e``, with ``s`` read
  nowhere else (a running total read inside the loop is a recurrence);
- every array defined before the loop that the body writes is either written
  and read only at ``i`` (or ``i:i + 1``) on one common axis (a *fill*: each
  iteration owns its slice), or only accumulated into (``+=``) at places that
  do not depend on ``i`` and never read (a *reduction*), or a list only
  appended to;
- nothing in it has a side effect or leaves early (see ``scan``/``effects``);
- it keeps something (a fill, a reduction or a list), and ``i`` indexes an
  axis of an array of known shape whose size is the trip count (the
  *evidence*, which gives the message its shapes).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..domain.dims import dim_eq
from ..domain.shapes import Shape
from ..infer.values import ArrayValue
from ..numpy_model import properties
from .effects import Effects
from .header import Header, read_header
from .indices import OTHER, VSLICE, classify_level, mentions, names_in, var_positions
from .scan import ACCUM, APPEND, READ, Scan, scan_loop

SUM_OPS = {"+": "sum", "-": "sum", "*": "prod"}


@dataclass
class Output:
    """Something the loop keeps: ``fill`` (A[.., i, ..] = e), ``reduce`` (s += e), ``append`` (L.append(e))."""

    kind: str
    name: str
    statements: list = field(default_factory=list)  # the writing statements
    values: list = field(default_factory=list)      # the written values
    op: Optional[str] = None                         # reduce: "sum", "prod", "max", "min"
    conditional: bool = False
    axis: Optional[tuple] = None                     # fill: (level, axis) that i indexes


@dataclass
class Evidence:
    """The loop reads along axis ``axis`` of ``array`` (shape ``shape``), whose size is the trip count."""

    array: str
    shape: Shape
    axis: int
    sliced: bool  # ``i:i + 1`` (axis kept) rather than ``i``
    code: str     # the indexing as written, e.g. ``X[:, i:i + 1]``


@dataclass
class Verdict:
    node: cst.For
    header: Header
    scan: Scan
    independent: bool
    reason: str = ""
    outputs: list = field(default_factory=list)
    evidence: Optional[Evidence] = None
    assumed: frozenset = frozenset()  # names of unknown value taken as arrays from their use (see ``arrayness``)
    shown_node: Optional[cst.CSTNode] = None  # the loop as written (a ``while`` is analysed as its ``for``)
    entry: dict = field(default_factory=dict)  # the names on entry, with the assumed arrays
    context: object = None  # the CallSite whose arguments gave the shapes (see ``judge``)
    before: Optional[dict] = None  # what the names held before the loop, when known

    @property
    def vectorizable(self) -> bool:
        return self.independent and self.evidence is not None and bool(self.outputs)


def analyze_loop(node: cst.CSTNode, entry: dict, effects: Optional[Effects] = None, loose: bool = False,
                 before: Optional[dict] = None) -> Optional[Verdict]:
    """The verdict on a loop over a whole axis (a ``for``, or a counted ``while`` given the values
    ``before`` it); None for any other loop.

    ``loose`` also judges ``range(n)`` loops whose length is unknown (inner
    loops of a nest).
    """
    from .counted import as_for_loop, as_index_loop

    shown = node
    if isinstance(node, cst.While):
        node = as_for_loop(node, before)
    if not isinstance(node, cst.For):
        return None
    node = as_index_loop(node, entry)
    assumed: frozenset = frozenset()  # set by the judge, for runs with parameters taken as arrays
    header = read_header(node, entry, loose)
    if header is None:
        return None
    scan = scan_loop(node, header, entry, effects)
    verdict = Verdict(node, header, scan, independent=False, assumed=assumed, shown_node=shown, entry=entry, before=before)
    if scan.unsafe:
        verdict.reason = scan.unsafe
        return verdict
    outputs: list[Output] = []
    reason = _names(scan, entry, outputs) or _arrays(scan, outputs)
    if reason:
        verdict.reason = reason
        return verdict
    verdict.independent = True
    verdict.outputs = outputs
    verdict.evidence = _evidence(scan, entry) if header.length is not None else None
    if not outputs:
        verdict.reason = "keeps nothing"
    elif verdict.evidence is None:
        verdict.reason = "no array of known shape is indexed by the loop variable"
    return verdict


# --- names -------------------------------------------------------------------------------

def _names(scan: Scan, entry: dict, outputs: list) -> Optional[str]:
    inner = set(scan.inner_vars)
    for name in sorted(scan.exposed):
        if name in inner and all(d.kind == "loop" for d in scan.defs.get(name, ())):
            continue
        kind = _accumulator(name, scan, entry)
        if kind is None:
            return f"`{name}` is read before it is written: each iteration uses the previous one's value"
        defs = scan.defs[name]
        outputs.append(Output(
            "reduce", name, [d.statement for d in defs], [_accumulated(d, scan) for d in defs],
            kind, any(d.guarded and d.statement not in scan.selections for d in defs),
        ))
    return None


def _accumulator(name: str, scan: Scan, entry: dict) -> Optional[str]:
    """The reduction ``name`` accumulates ("sum", "prod", "max", "min"), if it is only that."""
    if name not in entry:
        return None
    defs = scan.defs.get(name, [])
    if not defs:
        return None
    kinds = set()
    self_reads: list = []
    for d in defs:
        kind, read = _reduction_form(d, scan, entry)
        if kind is None:
            return None
        kinds.add(kind)
        self_reads.append(read)
    if len(kinds) != 1:
        return None
    reads = scan.reads.get(name, [])
    if len(reads) != len(self_reads) or any(not any(r is s for s in self_reads) for r in reads):
        return None  # read elsewhere: a running value, not a reduction
    return kinds.pop()


def _reduction_form(d, scan: Scan, entry: dict):
    name = d.name
    if d.kind == "aug":
        if d.op not in SUM_OPS or name in names_in(d.value):
            return None, None
        return SUM_OPS[d.op], d.statement.target
    if d.kind != "assign" or d.value is None:
        return None, None
    if d.statement in scan.selections:
        kind, read, _ = scan.selections[d.statement]
        return (kind, read) if name not in names_in(d.value) else (None, None)
    value = d.value
    if isinstance(value, cst.BinaryOperation):
        op = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*"}.get(type(value.operator))
        sides = [(value.left, value.right)]
        if op in ("+", "*"):
            sides.append((value.right, value.left))
        for own, other in sides:
            if op and isinstance(own, cst.Name) and own.value == name and name not in names_in(other):
                return SUM_OPS[op], own
        return None, None
    if isinstance(value, cst.Call) and len(value.args) == 2 and not any(a.keyword or a.star for a in value.args):
        kind = _minmax(value.func, entry)
        if kind is None:
            return None, None
        a, b = value.args[0].value, value.args[1].value
        for own, other in ((a, b), (b, a)):
            if isinstance(own, cst.Name) and own.value == name and name not in names_in(other):
                return kind, own
    return None, None


def _minmax(func: cst.BaseExpression, entry: dict) -> Optional[str]:
    from .effects import qualname

    if isinstance(func, cst.Name) and func.value in ("max", "min") and func.value not in entry:
        return func.value
    return properties.value(qualname(func, entry), "step_of")


def _accumulated(d, scan: Scan) -> Optional[cst.BaseExpression]:
    """The term added (or compared) at one accumulation."""
    if d.kind == "aug":
        return d.value
    if d.statement in scan.selections:
        return d.value
    value = d.value
    if isinstance(value, cst.BinaryOperation):
        if isinstance(value.left, cst.Name) and value.left.value == d.name:
            return value.right
        return value.left
    if isinstance(value, cst.Call):
        a, b = value.args[0].value, value.args[1].value
        return b if isinstance(a, cst.Name) and a.value == d.name else a
    return None


# --- arrays ------------------------------------------------------------------------------

def _arrays(scan: Scan, outputs: list) -> Optional[str]:
    var = scan.header.var
    tainted = scan.tainted - {var}
    by_root: dict[str, list] = {}
    for access in scan.accesses:
        by_root.setdefault(access.root, []).append(access)
    for root, accesses in by_root.items():
        writes = [a for a in accesses if a.kind != READ]
        if not writes:
            continue
        if all(a.kind == APPEND for a in writes):
            if len(accesses) != 1 or writes[0].guarded:
                return f"`{root}` is appended to under a condition or read inside the loop"
            outputs.append(Output("append", root, [writes[0].statement], [writes[0].value]))
            continue
        comps = [[classify_level(level, (var,), tainted) for level in a.levels] for a in accesses]
        touches_i = [any(mentions(level, var) for level in levels) for levels in comps]
        if all(a.kind == ACCUM for a in writes) and len(writes) == len(accesses) and not any(touches_i):
            ops = {SUM_OPS.get(a.op) for a in writes}
            if ops in ({"sum"}, {"prod"}):
                outputs.append(Output(
                    "reduce", root, [a.statement for a in writes], [a.value for a in writes], ops.pop(),
                    any(a.guarded for a in writes),
                ))
                continue
        axis = _common_axis(comps, var)
        if axis is None:
            shown = " and ".join(sorted({_show(a.node) for a in accesses})[:2])
            return f"`{root}` is written and read at places other iterations also touch ({shown})"
        outputs.append(Output(
            "fill", root, [a.statement for a in writes], [a.value for a in writes], None,
            any(a.guarded for a in writes), axis,
        ))
    return None


def _common_axis(comps: list, var: str) -> Optional[tuple]:
    """A (level, axis) that every access indexes with exactly ``i`` or ``i:i + 1``."""
    common: Optional[set] = None
    for levels in comps:
        here = set()
        for index, level in enumerate(levels):
            if any(c.kind == OTHER for c in level):
                return None
            positions = var_positions(level, var)
            if positions is None:
                return None
            here.update((index, p) for p in positions)
        common = here if common is None else common & here
        if not common:
            return None
    return min(common) if common else None


# --- evidence ----------------------------------------------------------------------------

def _evidence(scan: Scan, entry: dict) -> Optional[Evidence]:
    header = scan.header
    length = header.length
    if header.elements:
        name, array = next(iter(header.elements.items()))
        value = entry.get(array)
        if isinstance(value, ArrayValue) and value.shape.dims:
            return Evidence(array, value.shape, 0, False, array)
        return None
    var = header.var
    found: list[tuple] = []
    for access in scan.accesses:
        candidates = []
        if access.holder_levels:
            candidates.append((access.holder, access.holder_levels[0]))
        if access.levels and access.levels is not access.holder_levels:
            candidates.append((access.root, access.levels[0]))
        for array, level in candidates:
            value = entry.get(array)
            if not isinstance(value, ArrayValue) or value.shape.dims is None:
                continue
            comps = classify_level(level, (var,))
            positions = var_positions(comps, var)
            if not positions:
                continue
            axis = positions[0]
            if axis >= len(value.shape.dims) or dim_eq(value.shape.dims[axis], length) is not True:
                continue
            sliced = any(c.kind == VSLICE for c in comps)
            evidence = Evidence(array, value.shape, axis, sliced, _show(access.node))
            if access.kind == READ:
                found.append((value.shape.rank != 2, len(found), evidence))
    return min(found, key=lambda item: item[:2])[2] if found else None


def _show(node: cst.CSTNode) -> str:
    text = cst.Module([]).code_for_node(node)
    return text if len(text) <= 50 else text[:47] + "..."
