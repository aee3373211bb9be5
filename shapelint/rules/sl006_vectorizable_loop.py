from __future__ import annotations

from typing import Optional

import libcst as cst

from ..infer.events import Loop
from ..loops.effects import Effects
from ..loops.finding import Finding, judge_loop
from ..loops import implicit
from ..loops.implicit import ITEM, judge_comprehension, judge_map, loops_over_axis, np_name, vectorized_function
from ..loops.nest import enclosing_loops
from .base import Report, Rule


class VectorizableLoop(Rule):
    """## What it does
    Checks for Python loops over the samples, units or indices of an array that
    do the work of one array operation: per-column forward passes, sums and dot
    products by index, matrix products written as triple loops, per-element
    normalization, sums of per-example gradients, `np.vectorize`.

    A loop is reported only when no iteration depends on another: each one
    writes its own slice (`A[:, i:i + 1]`, `C[i, j]`) or adds into a total,
    reads nothing an earlier iteration wrote, calls nothing with side effects
    (printing, plotting, files, random numbers, unknown functions), and does
    not leave early (`break`, `return`). The epoch loop, per-sample SGD, loops
    over layers, recurrences over time steps and running averages are
    sequential and never reported. A nest is reported once, at its outermost
    vectorizable loop.

    ## Why is this bad?
    A Python loop runs the interpreter once per element; NumPy runs the same
    arithmetic in compiled code over the whole array. On a forward pass of a
    small network the loop over examples is about 100x slower per example, and
    the gap grows with the problem size.

    ## Example
    ```python
    import numpy as np
    def forward(X, W1, b1):
        n_x, m = X.shape
        n_h = W1.shape[0]
        A1 = np.zeros((n_h, m))
        for i in range(m):
            x_i = X[:, i:i + 1]
            A1[:, i:i + 1] = np.tanh(W1 @ x_i + b1)
        return A1
    ```

    ## Use instead
    ```python
    import numpy as np
    def forward(X, W1, b1):
        return np.tanh(W1 @ X + b1)
    ```

    ## Fix safety
    Display-only: the message gives the vectorized form, checked by shape, but
    floating-point sums may differ in the last bits (a different summation
    order), and scalar helpers (`math.exp`, an `if` on a value) need their
    array forms (`np.exp`, `np.where`).
    """

    code = "SL006"
    name = "vectorizable-loop"
    priority = 60

    def on_loop(self, event: Loop, ctx):
        node = event.node
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self.comprehension(node, event.entry, ctx)
        if isinstance(node, cst.Call):
            return self.implicit_call(node, event.entry, ctx)
        if not isinstance(node, cst.For):
            return ()
        effects = Effects(event.entry)
        finding = judge_loop(node, event.entry, effects)
        if finding is None or not finding.reportable:
            return ()
        for outer in enclosing_loops(ctx.module, node):
            found = judge_loop(outer, event.entry, effects)
            if found is not None and found.reportable:
                return ()  # reported once, at the outermost loop of the nest
        return (Report(node, message(finding)),)

    def comprehension(self, node, entry: dict, ctx):
        """``np.array([f(x) for x in X])`` and ``sum(w[i] * x[i] for i in range(n))``."""
        if node.for_in.ifs or node.for_in.inner_for_in is not None:
            return ()
        if not loops_over_axis(node.for_in.target, node.for_in.iter, entry):
            return ()
        if judge_comprehension(node, entry, "array") is None:
            return ()  # judged before looking for the consumer, which needs the parent map
        consumer = implicit.consumer(ctx, node, entry)
        if consumer is None:
            return ()
        kind, call = consumer[0], consumer[1]
        finding = judge_comprehension(node, entry, "sum" if kind == "sum" else "array")
        if finding is None or self.inside_reported_loop(ctx, node, entry):
            return ()
        text = _expression_message(finding, _code(call), kind)
        return (Report(node, text),) if text else ()

    def implicit_call(self, node: cst.Call, entry: dict, ctx):
        func = np_name(node.func, entry)
        if func == "vectorize":
            found = vectorized_function(node, entry)
            if found is None:
                return ()
            shown, hints = found
            how = f" ({', '.join(hints)})" if hints else ""
            return (Report(node, (
                f"`{_short(_code(node))}` calls {shown} once per element in a Python loop (NumPy's `vectorize` is a "
                f"convenience, not a speedup); {shown} is plain arithmetic: write it with array operations{how} "
                f"and call it on the whole array"
            )),)
        if not (isinstance(node.func, cst.Name) and node.func.value == "map" and len(node.args) == 2):
            return ()
        if not loops_over_axis(cst.Name(ITEM), node.args[1].value, entry):
            return ()
        finding = judge_map(node, entry)
        if finding is None:
            return ()
        consumer = implicit.consumer(ctx, node, entry, through_list=True)
        if consumer is None or consumer[0] == "sum" or self.inside_reported_loop(ctx, node, entry):
            return ()
        text = _expression_message(finding, _code(consumer[1]), consumer[0])
        return (Report(node, text),) if text else ()

    def inside_reported_loop(self, ctx, node, entry: dict) -> bool:
        effects = Effects(entry)
        parent = ctx.parent(node)
        while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.Module)):
            if isinstance(parent, cst.For):
                found = judge_loop(parent, entry, effects)
                if found is not None and found.reportable:
                    return True
            parent = ctx.parent(parent)
        return False


def _expression_message(finding: Finding, consumer: str, kind) -> Optional[str]:
    per = _unit(finding)
    rewrite = finding.rewrites[0]
    if kind == "sum":
        code = rewrite.code.split("+=", 1)[1].strip() if "+=" in rewrite.code else None
        if code is None:
            return None
        label = KINDS.get(rewrite.kind, "a sum")
        return (
            f"`{_short(consumer)}` adds one {per} at a time in Python; this is {label}: "
            f"{''.join(f'`{p}`; ' for p in rewrite.preamble)}`{code}`"
        )
    _, position, kept = rewrite.vars
    shape, code = rewrite.shape, rewrite.code
    if shape is None:
        return None
    stacked = implicit.stacked(consumer.split("(")[0].rsplit(".", 1)[-1], shape.rank, position, kept)
    if stacked is None:
        return None
    if stacked == "T":
        code, shape = (f"({code}).T" if not code.isidentifier() else f"{code}.T"), type(shape)(shape.dims[::-1])
    return (
        f"`{_short(consumer)}` computes one {per} at a time in Python, and no element depends on another: "
        f"{''.join(f'`{p}`; ' for p in rewrite.preamble)}`{code}`{_gives(shape)} at once"
    )


# --- wording -----------------------------------------------------------------------------

KINDS = {
    "matmul": "a matrix product",
    "dot": "a dot product",
    "outer": "an outer product",
    "einsum": "a tensor contraction",
    "transpose": "a transpose",
    "sum": "a sum",
    "prod": "a product",
    "max": "a maximum",
    "min": "a minimum",
    "matmul-sum": "a sum of per-example products, that is one matrix product",
}


def message(finding: Finding) -> str:
    verdict = finding.verdict
    header = verdict.header
    loop = f"`for {_code(verdict.node.target)} in {header.iter_text}`"
    per = _unit(finding)
    if finding.rewrites:
        return _rewritten(finding, loop, per)
    keeps = ", ".join(_keeps(o) for o in verdict.outputs)
    shown = finding.substitutions[:4]
    subs = ", ".join(f"`{s.before}` -> `{s.after}`{_shape(s.shape)}" for s in shown)
    if len(finding.substitutions) > len(shown):
        subs += f" and {len(finding.substitutions) - len(shown)} more"
    inner = _inner(finding)
    helpers = _scalar_helpers(finding)
    tail = f"; {helpers}" if helpers else ""
    return (
        f"{loop} runs its body once per {per}{inner}, and no iteration depends on another; it {keeps}: "
        f"run the body once on whole arrays: {subs}{tail}"
    )


def _rewritten(finding: Finding, loop: str, per: str) -> str:
    rewrites = finding.rewrites
    nests = [r.vars for r in rewrites if r.kind != "append" and len(r.vars) > 1]
    if nests:
        loop = f"{loop} (with the loops over {', '.join(nests[0][1:])})"
    if all(r.kind == "append" for r in rewrites):
        r = rewrites[0]
        _, position, _ = r.vars
        lists = [o.name for o in finding.verdict.outputs if o.kind == "append"]
        return (
            f"{loop} appends `{_short(r.source)}` to `{lists[0]}` one {per} at a time, and no iteration "
            f"depends on another; all of them at once: {_lines(r)}{_gives(r.shape)}, one entry per iteration along axis {position}"
        )
    kinds: list[str] = []
    for r in rewrites:
        kind = KINDS.get(r.kind)
        if kind and kind not in kinds:
            kinds.append(kind)
    parts = [f"{_lines(r)}{_gives(r.shape)}" for r in rewrites]
    sources = [r.source for r in rewrites if r.kind != "append"]
    what = f"`{_short(sources[0])}`" + (f" (and {len(sources) - 1} more)" if len(sources) > 1 else "")
    kind = f"this is {' and '.join(kinds)}: " if kinds else "on whole arrays, "
    return f"{loop} computes {what} one {per} at a time, and no iteration depends on another; {kind}" + "; ".join(parts)


def _lines(rewrite) -> str:
    return "; ".join(f"`{line}`" for line in rewrite.preamble + [rewrite.code])


def _unit(finding: Finding) -> str:
    e = finding.verdict.evidence
    rank = e.shape.rank
    if finding.verdict.header.elements:
        noun = "row" if rank and rank >= 2 else "element"
    elif rank == 2:
        noun = "column" if e.axis == 1 else "row"
    elif rank == 1:
        noun = "element"
    else:
        noun = f"slice along axis {e.axis}"
    return f"{noun} of {e.array} {e.shape}"


def _keeps(output) -> str:
    if output.kind == "fill":
        return f"fills `{output.name}` slice by slice"
    if output.kind == "append":
        return f"appends to `{output.name}`"
    verb = {"sum": "sums into", "prod": "multiplies into", "max": "keeps the maximum in", "min": "keeps the minimum in"}
    return f"{verb.get(output.op, 'accumulates into')} `{output.name}`"


def _inner(finding: Finding) -> str:
    notes = []
    if finding.inner_kept:
        heads = " and ".join(f"`for {_code(l.target)} in {_code(l.iter)}`" for l in finding.inner_kept[:2])
        notes.append(f"{heads} inside it stay{'s' if len(finding.inner_kept) == 1 else ''}, over whole arrays")
    if finding.inner_maps:
        heads = " and ".join(f"`for {_code(l.target)} in {_code(l.iter)}`" for l in finding.inner_maps[:2])
        notes.append(f"{heads} can then go too")
    return f" ({'; '.join(notes)})" if notes else ""


def _scalar_helpers(finding: Finding) -> str:
    """Calls that work on one number: ``math.exp``, ``.item()``, a helper with an ``if``."""
    from ..infer.values import UserFunction

    names: list[str] = []
    item = False
    stack = [finding.verdict.node.body]
    while stack:
        node = stack.pop(0)
        if isinstance(node, cst.Call):
            func = node.func
            shown: Optional[str] = None
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "math":
                shown = _code(func)
            elif isinstance(func, cst.Attribute) and func.attr.value == "item":
                item = True
            elif isinstance(func, cst.Name):
                value = finding.entry.get(func.value)
                if isinstance(value, UserFunction) and scalar_function(value):
                    shown = func.value
            if shown and f"`{shown}`" not in names:
                names.append(f"`{shown}`")
        stack[:0] = list(node.children)
    parts = []
    if names:
        parts.append(f"use array forms of {', '.join(names[:4])}")
    if item:
        parts.append("drop `.item()`")
    return " and ".join(parts)


def scalar_function(function) -> bool:
    """A helper written for one number or one example: ``math.exp``, ``float()``, ``.item()``,
    ``min``/``max``, an ``if z > 0`` on a value, or a loop inside."""
    stack = [function.node.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.For, cst.While)):
            return True
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and (
                func.attr.value == "item" or (isinstance(func.value, cst.Name) and func.value.value == "math")
            ):
                return True
            if isinstance(func, cst.Name) and func.value in ("float", "int", "min", "max"):
                return True
        if isinstance(node, (cst.If, cst.IfExp)) and isinstance(node.test, cst.Comparison) and any(
            isinstance(c.operator, (cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual))
            for c in node.test.comparisons
        ):
            return True
        stack.extend(node.children)
    return False


def _gives(shape) -> str:
    return f" gives {shape}" if shape is not None and shape.rank else ""


def _shape(shape) -> str:
    return f" {shape}" if shape is not None else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).strip()
