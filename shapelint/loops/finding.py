"""The verdict on a loop for the rule: report it or not, and with what rewrite.

A loop is reported when it is independent and keeps something
(``dependence``), runs over a whole axis of an array of known shape that it
reads, is not a tiny fixed loop (fewer than ``MIN_CONSTANT_TRIPS``
iterations over coordinates or channels gain nothing), and either a rewrite
was built and checked by shape (``idioms``) or every use of the loop variable
is a plain index (``X[:, i:i + 1]``, ``x[i]``, ``Z[j, i]``) so that running
the body on whole arrays is the rewrite (``substitutions``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..cst_walk import direct_children

from ..domain.shapes import Shape
from ..numpy_model import properties
from .dependence import Verdict, analyze_loop
from .effects import Effects
from .idioms import Rewrite, evaluate_shape, rewrites
from .indices import FULL, OTHER, VAR, VSLICE, classify_level
from .scan import READ

MIN_CONSTANT_TRIPS = 10


@dataclass
class Substitution:
    before: str            # ``X[:, i:i + 1]``
    after: str             # ``X``
    shape: Optional[Shape]
    lifted: Optional[cst.BaseExpression] = None  # the node of ``after``


@dataclass
class Finding:
    verdict: Verdict
    rewrites: Optional[list] = None                      # list[Rewrite] when built
    substitutions: list = field(default_factory=list)    # list[Substitution] otherwise
    entry: dict = field(default_factory=dict)
    inner_maps: list = field(default_factory=list)       # inner loops that can go too (per unit, independent)
    inner_kept: list = field(default_factory=list)       # inner loops that stay (sequential, over layers...)

    @property
    def reportable(self) -> bool:
        return bool(self.rewrites) or bool(self.substitutions)


def judge_loop(node: cst.CSTNode, entry: dict, effects: Optional[Effects] = None, judge=None, run=None) -> Optional[Finding]:
    """A Finding for a loop that can become array operations; None otherwise.

    With the module's ``judge`` (see ``judge``) every verdict comes from its cache. ``run``: the
    recorded run of an expression loop (a comprehension, ``map``), judged on a loop built for it."""
    def verdict_of(loop):
        if judge is not None:
            return judge.verdict(loop, entry)
        return analyze_loop(loop, entry, effects, loose=True)  # outside a module's judge (tests)

    verdict = verdict_of(node)
    if verdict is not None and run is not None:
        verdict.context = run.context
        verdict.assumed = verdict.assumed | run.assumed
    if verdict is None or not verdict.vectorizable:
        return None
    length = verdict.header.length
    if length.is_const and length.coeff < MIN_CONSTANT_TRIPS and (verdict.context is None or _literal_count(verdict.node)):
        return None  # a tiny loop the code fixes (not the sizes of one caller's arrays)
    var = verdict.header.var
    scan = verdict.scan
    if not verdict.header.elements and not any(
        a.kind == READ and any(c.kind in (VAR, VSLICE) and c.var == var for level in a.levels for c in classify_level(level, (var,)))
        for a in scan.accesses
    ):
        return None  # it only writes (np.arange-like fills): nothing is read one element at a time
    entry = verdict.entry
    finding = Finding(verdict, entry=entry)
    for loop in scan.inner_loops:
        inner = verdict_of(loop)
        (finding.inner_maps if inner is not None and inner.independent else finding.inner_kept).append(loop)
    finding.rewrites = rewrites(verdict, entry, verdict_of)
    if not finding.rewrites and _plainly_rewritten(verdict):
        finding.substitutions = substitutions(verdict, entry)
    return finding


def _plainly_rewritten(verdict: Verdict) -> bool:
    """Whether "run the body once on whole arrays" is the advice: not for a list built by
    ``append`` (one entry would be appended), nor for a product, maximum or minimum on shapes
    assumed from use (its terms may broadcast otherwise on whole arrays: ``s0[:, None] - s0``)."""
    if any(o.kind == "append" for o in verdict.outputs):
        return False
    if not verdict.assumed:
        return True
    before = verdict.before or {}
    return all(
        o.kind == "fill" or (o.op == "sum" and _scalar(before.get(o.name, verdict.entry.get(o.name))))
        for o in verdict.outputs
    )


def _scalar(value) -> bool:
    """A total that is one number: the assumed elements (one per index) are numbers too; a total
    that is an array says they are not."""
    from ..infer.values import ArrayValue, IntValue

    return isinstance(value, IntValue) or (isinstance(value, ArrayValue) and value.shape.dims == ())


def _literal_count(node: cst.For) -> bool:
    """``for c in range(3)``: the code itself fixes how many times the loop runs (as a caller sees it too)."""
    call = node.iter
    return isinstance(call, cst.Call) and bool(call.args) and isinstance(call.args[-1].value, cst.Integer)


def substitutions(verdict: Verdict, entry: dict) -> list:
    """Every subscript that uses the loop variable, as it becomes on whole arrays; [] if that is not
    the rewrite (see ``plain_body``)."""
    if not plain_body(verdict, entry):
        return []
    var = verdict.header.var
    found: dict[str, Substitution] = {}
    for name, array in verdict.header.elements.items():
        found[name] = Substitution(name, array, evaluate_shape(cst.Name(array), entry, []), cst.Name(array))
    for node in _subscripts(verdict.node.body):
        comps = classify_level(tuple(node.slice), (var,))
        if not any(c.kind in (VAR, VSLICE) and c.var == var for c in comps):
            if any(c.kind == OTHER for c in comps):
                return []
            continue
        if any(c.kind == OTHER for c in comps) or sum(1 for c in comps if c.var == var) != 1:
            return []
        before = _code(node)
        if before in found:
            continue
        elements = [
            cst.SubscriptElement(cst.Slice(None, None)) if c.kind in (VAR, VSLICE) and c.var == var else e.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            for c, e in zip(comps, node.slice)
        ]
        whole = all(isinstance(e.slice, cst.Slice) and _full(e.slice) for e in elements)
        lifted = node.value if whole else node.with_changes(slice=elements)
        after = _code(lifted)
        found[before] = Substitution(before, after, evaluate_shape(lifted, entry, []), lifted)
    return list(found.values())


def plain_body(verdict: Verdict, entry: dict) -> bool:
    """Whether replacing ``X[:, i:i + 1]`` by ``X`` (and ``A[j, i]`` by ``A[j, :]``) is the whole rewrite.

    It is when every read indexed by the loop variable keeps its axis (``X[:, i:i + 1]``, so the
    per-iteration values keep their shape) or reads one element (``A[j, i]``), the loop variable is
    used only as an index, no ``if`` depends on it, and every call works on arrays as it does on one
    example (arithmetic ufuncs, ``@``; the loop's own helpers and ``math`` functions, which the
    message asks to rewrite). A row read as ``X[i]`` of a matrix, a reduction or ``np.poly`` of a
    slice would change meaning on the whole array: then there is no plain rewrite.
    """
    from ..infer.values import UserFunction
    from .effects import qualname
    from .indices import names_in
    from .scan import READ, WRITE

    if verdict.header.elements:
        return False
    var = verdict.header.var
    scan = verdict.scan
    tainted = scan.tainted
    for access in scan.accesses:
        if access.kind == WRITE and _fills_trailing_axes(access, var):
            return False  # ``out[i, j, :] = v[i, j]``: on whole arrays ``v[:, j]`` would meet the last axis, not the first
        if access.kind != READ:
            continue
        for level in access.levels:
            comps = classify_level(level, (var,))
            if not any(c.kind in (VAR, VSLICE) and c.var == var for c in comps):
                continue
            if sum(1 for c in comps if c.var == var) != 1:
                return False
            if any(c.kind == VSLICE for c in comps):
                continue
            position = next(k for k, c in enumerate(comps) if c.var == var)
            if any(c.is_slice for c in comps[position:]) or (
                any(c.is_slice for c in comps) and len(comps) != 2
            ):
                return False  # a row X[i] (or X[i, :]): on the whole X the loop axis would come first
            if level is access.levels[0] and not _elementwise_read(access, len(comps), entry):
                return False
    in_index = 0
    total = 0
    for node in _walk(verdict.node.body):
        if _pairs_iterations(node, var, tainted):
            return False  # ``x_i.T @ C @ x_i``: one product per iteration; on whole arrays, one matrix product
        if isinstance(node, cst.Name) and node.value == var:
            total += 1
        elif isinstance(node, cst.Subscript):
            for element in node.slice:
                in_index += sum(1 for n in _walk(element) if isinstance(n, cst.Name) and n.value == var)
        elif isinstance(node, (cst.If, cst.IfExp)) and names_in(node.test) & tainted:
            return False
        elif isinstance(node, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp, cst.GeneratorExp)):
            return False  # Python containers built per iteration: not an array operation
        elif isinstance(node, cst.Call):
            if isinstance(node.func, cst.Name) and isinstance(entry.get(node.func.value), UserFunction):
                in_index += sum(1 for a in node.args if isinstance(a.value, cst.Name) and a.value.value == var)
            name = qualname(node.func, entry)
            if name is not None and name.startswith("numpy.") and not properties.has(name, "batches"):
                return False
            if isinstance(node.func, cst.Attribute) and name is None and node.func.attr.value not in ("item", "dot", "append"):
                return False
    return in_index == total


def _fills_trailing_axes(access, var: str) -> bool:
    """A write whose loop axis comes before a slice (``out[i, :]``, ``out[i, j, :]``): the value
    written each iteration fills the axes after it, which a value computed on whole arrays would
    meet from the right instead."""
    for level in access.levels:
        comps = classify_level(level, (var,))
        position = next((k for k, c in enumerate(comps) if c.var == var), None)
        if position is not None and any(c.is_slice for c in comps[position + 1:]):
            return True
    return False


_PRODUCTS = frozenset({"dot", "matmul", "inner", "vdot"})


def _pairs_iterations(node: cst.CSTNode, var: str, tainted) -> bool:
    """A matrix product both of whose sides change with the loop variable (``x_i.T @ C @ x_i``,
    ``np.dot(np.dot(v[:, i], C), v[:, i])``): each iteration contracts its own slices, which the same
    product on whole arrays would mix across iterations."""
    from ..cst_walk import last_name
    from .indices import names_in

    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
        sides = [node.left, node.right]
    elif isinstance(node, cst.Call):
        func = node.func
        name = last_name(func)
        if name not in _PRODUCTS:
            return False
        sides = [arg.value for arg in node.args[:2]]
        if isinstance(func, cst.Attribute) and name == "dot" and len(node.args) == 1:
            sides = [func.value, node.args[0].value]  # ``a.dot(b)``
    else:
        return False
    varying = {var} | set(tainted)
    return len(sides) == 2 and all(names_in(side) & varying for side in sides)


def _elementwise_read(access, count: int, entry: dict) -> bool:
    from ..infer.values import ArrayValue

    value = entry.get(access.root)
    if isinstance(value, ArrayValue) and value.shape.known_rank:
        return value.shape.rank == count
    return True  # an array of unknown rank read with integers only: taken as one element


def _walk(root: cst.CSTNode):
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(direct_children(node))


def _subscripts(root: cst.CSTNode):
    stack = [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, cst.Subscript):
            yield node
        stack[:0] = list(direct_children(node))


def _full(item: cst.Slice) -> bool:
    return item.lower is None and item.upper is None and item.step is None


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).strip()


__all__ = ["Finding", "Rewrite", "Substitution", "judge_loop", "FULL"]
