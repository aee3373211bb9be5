"""How SL006 words a loop's verdict: what the loop computes one unit at a time, and the rewrite."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..quoting import abbreviated
from ..cst_walk import direct_children

from . import implicit
from .finding import Finding


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
    loop = loop_text(verdict)
    per = _unit(finding)
    if finding.rewrites:
        return _rewritten(finding, loop, per) + assumption(verdict)
    keeps = ", ".join(_keeps(o) for o in verdict.outputs)
    shown = finding.substitutions[:4]
    subs = ", ".join(f"`{s.before}` -> `{s.after}`{_shape(s.shape, finding)}" for s in shown)
    if len(finding.substitutions) > len(shown):
        subs += f" and {len(finding.substitutions) - len(shown)} more"
    inner = _inner(finding)
    helpers = _scalar_helpers(finding)
    tail = f"; {helpers}" if helpers else ""
    return (
        f"{loop} runs its body once per {per}{inner}, and no iteration depends on another; it {keeps}: "
        f"run the body once on whole arrays: {subs}{tail}"
    ) + assumption(verdict)


def loop_text(verdict) -> str:
    """The loop's header as written: ``for i in range(m)``, or the ``while`` it was analysed from."""
    shown = verdict.shown_node
    if isinstance(shown, cst.While):
        return f"`while {code_of(shown.test)}`"
    if isinstance(shown, cst.For):
        return f"`for {code_of(shown.target)} in {code_of(shown.iter)}`"
    return f"`for {code_of(verdict.node.target)} in {verdict.header.iter_text}`"


def assumption(verdict) -> str:
    """The caveat when the shapes rest on use alone (``arrayness``): which names, taken as how many axes."""
    if not verdict.assumed:
        return ""
    by_rank: dict = {}
    for name in sorted(verdict.assumed):
        value = verdict.entry.get(name)
        rank = value.shape.rank if hasattr(value, "shape") and value.shape.dims is not None else None
        by_rank.setdefault(rank, []).append(f"`{name}`")
    parts = []
    for rank, names in sorted(by_rank.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        what = f"{rank}-D NumPy array" if rank else "NumPy array"
        joined = " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
        if not parts:
            parts.append(f"{joined} {'is a' if len(names) == 1 else 'are'} {what}{'' if len(names) == 1 else 's'}")
        else:
            parts.append(f"{joined} {'a' if len(names) == 1 else ''}{' ' if len(names) == 1 else ''}{what if len(names) == 1 else what + 's'}".replace("  ", " "))
    declares = "its shape" if len(verdict.assumed) == 1 else "their shapes"
    return f" (if {' and '.join(parts)}: nothing here declares {declares}, the code's indexing implies it)"


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
            f"{loop} appends `{short(r.source)}` to `{lists[0]}` one {per} at a time, and no iteration "
            f"depends on another; all of them at once: {_lines(r)}{_gives(r.shape, finding)}, one entry per iteration along axis {position}"
        )
    kinds: list[str] = []
    for r in rewrites:
        kind = KINDS.get(r.kind)
        if kind and kind not in kinds:
            kinds.append(kind)
    parts = [f"{_lines(r)}{_gives(r.shape, finding)}" for r in rewrites]
    sources = [r.source for r in rewrites if r.kind != "append"]
    what = f"`{short(sources[0])}`" + (f" (and {len(sources) - 1} more)" if len(sources) > 1 else "")
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
    if e.array in finding.verdict.assumed:
        return f"{noun} of {e.array}"
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
        heads = " and ".join(f"`for {code_of(l.target)} in {code_of(l.iter)}`" for l in finding.inner_kept[:2])
        notes.append(f"{heads} inside it stay{'s' if len(finding.inner_kept) == 1 else ''}, over whole arrays")
    if finding.inner_maps:
        heads = " and ".join(f"`for {code_of(l.target)} in {code_of(l.iter)}`" for l in finding.inner_maps[:2])
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
                shown = code_of(func)
            elif isinstance(func, cst.Attribute) and func.attr.value == "item":
                item = True
            elif isinstance(func, cst.Name):
                value = finding.entry.get(func.value)
                if isinstance(value, UserFunction) and scalar_function(value):
                    shown = func.value
            if shown and f"`{shown}`" not in names:
                names.append(f"`{shown}`")
        stack[:0] = list(direct_children(node))
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
        stack.extend(direct_children(node))
    return False


def _gives(shape, finding: Finding) -> str:
    if finding.verdict.assumed:
        return ""  # sizes that rest on an assumption are not shown as if known
    return f" gives {shape}" if shape is not None and shape.rank else ""


def _shape(shape, finding: Finding) -> str:
    if finding.verdict.assumed:
        return ""
    return f" {shape}" if shape is not None else ""


def short(text: str) -> str:
    return abbreviated(" ".join(text.split()))


def code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).strip()


def expression_rewrite(finding: Finding, consumer: str, kind) -> Optional[tuple[str, object]]:
    """The whole-array expression that replaces the consumer of an expression loop
    (``np.array([...])``, ``sum(...)``), and its shape; None when there is none."""
    rewrite = finding.rewrites[0]
    if kind == "sum":
        if "+=" not in rewrite.code:
            return None
        return rewrite.code.split("+=", 1)[1].strip(), rewrite.shape
    _, position, kept = rewrite.vars
    shape, code = rewrite.shape, rewrite.code
    if shape is None:
        return None
    stacked = implicit.stacked(consumer.split("(")[0].rsplit(".", 1)[-1], shape.rank, position, kept)
    if stacked is None:
        return None
    if stacked == "T":
        code, shape = (f"({code}).T" if not code.isidentifier() else f"{code}.T"), type(shape)(shape.dims[::-1])
    return code, shape


def expression_message(finding: Finding, consumer: str, kind) -> Optional[str]:
    found = expression_rewrite(finding, consumer, kind)
    if found is None:
        return None
    code, shape = found
    per = _unit(finding)
    rewrite = finding.rewrites[0]
    preamble = "".join(f"`{p}`; " for p in rewrite.preamble)
    if kind == "sum":
        label = KINDS.get(rewrite.kind, "a sum")
        return f"`{short(consumer)}` adds one {per} at a time in Python; this is {label}: {preamble}`{code}`" + assumption(finding.verdict)
    return (
        f"`{short(consumer)}` computes one {per} at a time in Python, and no element depends on another: "
        f"{preamble}`{code}`{_gives(shape, finding)} at once"
    ) + assumption(finding.verdict)
