from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from ..infer.events import Loop
from ..loops.effects import Effects
from ..loops.finding import Finding, judge_loop
from ..loops import implicit
from ..loops.implicit import ITEM, judge_comprehension, judge_map, loops_over_axis, np_name, vectorized_function
from ..loops.nest import enclosing_loops
from .base import DISPLAY_ONLY, UNSAFE, Report, Rule
from ._fixes import fix


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
    Unsafe, for the idioms recognized with certainty: a sum or dot product
    accumulated by index (`total += w[i] * x[i]` -> `total += w @ x`) and a
    nest of index loops that is one matrix product (`C[i, j] += A[i, k] *
    B[k, j]` -> `C += A @ B`). The whole `for` statement becomes one
    augmented assignment, so the initial value of the accumulator is kept.
    It is offered only when the loops hold nothing but that statement (no
    other statement, `else` or comment would be lost) and the accumulator is
    bound before the loop. It is unsafe because floating-point sums may differ
    in the last bits (a different summation order) and the loop variable is no
    longer bound after the statement.

    Display-only for every other loop with a rewrite (per-column maps,
    fills, running maxima, loops with other statements): the replacement is
    shown but never applied. Loops rewritten by substituting whole arrays,
    comprehensions, `map` and `np.vectorize` get no fix; the message gives the
    vectorized form, and scalar helpers (`math.exp`, an `if` on a value) need
    their array forms (`np.exp`, `np.where`).
    """

    code = "SL006"
    name = "vectorizable-loop"
    priority = 60
    fixable = True

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
        return (Report(node, message(finding), loop_fix(node, finding, event.entry, ctx)),)

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


# --- fixes -------------------------------------------------------------------------------

CERTAIN = ("dot", "sum", "matmul")
_AUGMENTED = re.compile(r"^([A-Za-z_][A-Za-z_0-9]*) ([-+])= (.+)$", re.S)


def loop_fix(node: cst.For, finding: Finding, entry: dict, ctx=None):
    """The loop replaced by its rewrites: unsafe for one certain accumulation in a loop (nest)
    that holds nothing else, display-only otherwise; None when no rewrite was built."""
    rewrites = finding.rewrites
    if not rewrites:
        return None
    code = "; ".join(" ".join(line.split()) for r in rewrites for line in r.preamble + [r.code])
    if not code:
        return None
    title = f"Replace the loop with `{code}`"
    replacement = code + _header_comment(node)
    certain = ctx is not None and len(rewrites) == 1 and _certain(node, finding, rewrites[0], entry, ctx)
    applicability = UNSAFE if certain else DISPLAY_ONLY
    return fix(title, applicability, (node, replacement))


def _certain(node: cst.For, finding: Finding, rewrite, entry: dict, ctx) -> bool:
    if rewrite.kind not in CERTAIN or rewrite.preamble:
        return False
    match = _AUGMENTED.match(rewrite.code)
    if match is None or match.group(1) not in entry or not _bound_before(ctx, node, match.group(1)):
        return False  # not `name += expression`, or the accumulator is not bound before the loop
    statement = _only_statement(node, len(rewrite.vars) if rewrite.vars else 1)
    if statement is None or not isinstance(statement, (cst.AugAssign, cst.Assign)):
        return False
    if finding.inner_kept or finding.verdict.header.elements:
        return False
    return True


def _bound_before(ctx, node: cst.CSTNode, name: str) -> bool:
    """Whether a statement before ``node`` (in its block or an enclosing one) assigns ``name``,
    or ``name`` is a parameter of the enclosing function."""
    child, parent = node, ctx.parent(node)
    while parent is not None:
        if isinstance(parent, (cst.IndentedBlock, cst.Module)):
            for statement in parent.body:
                if statement is child:
                    break
                if _assigns(statement, name):
                    return True
        if isinstance(parent, cst.FunctionDef):
            params = parent.params
            every = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
            every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
            return any(p.name.value == name for p in every)
        if isinstance(parent, (cst.ClassDef, cst.Lambda)):
            return False
        child, parent = parent, ctx.parent(parent)
    return False


def _assigns(statement: cst.CSTNode, name: str) -> bool:
    stack = [statement]
    while stack:
        item = stack.pop()
        if isinstance(item, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        targets = []
        if isinstance(item, cst.AssignTarget):
            targets.append(item.target)
        elif isinstance(item, (cst.AnnAssign, cst.AugAssign)) and item.value is not None:
            targets.append(item.target)
        elif isinstance(item, cst.For):
            targets.append(item.target)
        elif isinstance(item, cst.NamedExpr):
            targets.append(item.target)
        for target in targets:
            names = [target] if isinstance(target, cst.Name) else [e.value for e in getattr(target, "elements", [])]
            if any(isinstance(n, cst.Name) and n.value == name for n in names):
                return True
        stack.extend(item.children)
    return False


def _only_statement(node: cst.For, depth: int):
    """The one small statement at the bottom of a perfect nest of ``depth`` loops, with no
    ``else``, no comment and no other statement on the way; None otherwise."""
    current: cst.CSTNode = node
    for level in range(depth):
        if not isinstance(current, cst.For) or current.orelse is not None or current.asynchronous is not None:
            return None
        body = current.body
        if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
            return None
        if level and _has_comment(body.header):
            return None
        inner = body.body[0]
        if _has_comment(inner.leading_lines) or (body.footer and _has_comment(body.footer)):
            return None
        current = inner
    if not isinstance(current, cst.SimpleStatementLine) or len(current.body) != 1 or _has_comment(current.trailing_whitespace):
        return None
    return current.body[0]


def _has_comment(part) -> bool:
    stack = list(part) if isinstance(part, (list, tuple)) else [part]
    while stack:
        item = stack.pop()
        if isinstance(item, cst.Comment):
            return True
        stack.extend(item.children)
    return False


def _header_comment(node: cst.For) -> str:
    """The comment on the loop's ``for`` line, kept on the replacement line."""
    body = node.body
    header = getattr(body, "header", None)
    if header is None or header.comment is None:
        return ""
    return "  " + header.comment.value


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
