"""SL006's fixes: the loop replaced by its rewrite, unsafe only for a certain accumulation."""
from __future__ import annotations

import re

import libcst as cst

from ..cst_walk import direct_children

from ..infer.functions import all_parameters
from ..loops.effects import numpy_alias
from ..loops.finding import Finding
from .base import DISPLAY_ONLY, UNSAFE
from ._fixes import fix

CERTAIN = ("dot", "sum", "matmul")
_AUGMENTED = re.compile(r"^([A-Za-z_][A-Za-z_0-9]*) ([-+])= (.+)$", re.S)


def loop_fix(node: cst.CSTNode, finding: Finding, entry: dict, ctx=None):
    """The loop replaced by its rewrite: unsafe for one certain accumulation in a loop (nest)
    that holds nothing else, display-only otherwise; None when no rewrite can be written."""
    lines = in_place(rewrite_lines(finding), finding, node, ctx)
    if not lines:
        return None
    title = f"Replace the loop with `{'; '.join(lines)}`"
    column = _column(ctx, node)
    replacement = lines[0] + _header_comment(node) + "".join("\n" + " " * column + line for line in lines[1:])
    rewrites = finding.rewrites or []
    certain = ctx is not None and isinstance(node, cst.For) and len(rewrites) == 1 and _certain(node, finding, rewrites[0], entry, ctx)
    applicability = UNSAFE if certain else DISPLAY_ONLY
    return fix(title, applicability, (node, replacement))


def expression_fix(consumer: cst.Call, code: str, finding: Finding):
    """``np.array([f(x) for x in X])`` -> ``f(X)``: display-only (the element type and the copy differ)."""
    if finding.rewrites[0].preamble or len(consumer.args) != 1:
        return None  # a dtype= or other argument would be lost
    return fix(f"Replace with `{code}`", DISPLAY_ONLY, (consumer, code))


def list_fix(comprehension: cst.ListComp, code: str, finding: Finding):
    """``rows = [f(x) for x in X]`` read later by ``np.array(rows)``: the list of the whole-array
    result's entries (``list(f(X))``), so that the consumer is unchanged; display-only."""
    if finding.rewrites[0].preamble:
        return None
    return fix(f"Replace with `list({code})`", DISPLAY_ONLY, (comprehension, f"list({code})"))


def rewrite_lines(finding: Finding) -> list:
    """The statements that do the loop's work on whole arrays, one per line; [] if there are none."""
    if finding.rewrites:
        appends = iter([o.name for o in finding.verdict.outputs if o.kind == "append"])
        lines: list = []
        for r in finding.rewrites:
            lines.extend(" ".join(line.split()) for line in r.preamble)
            if r.kind == "append":
                statement = _extend(next(appends, None), r, finding.entry)
                if statement is None:
                    return []
                lines.append(statement)
            else:
                lines.append(" ".join(r.code.split()))
        return lines
    return _substituted_body(finding)


def in_place(lines: list, finding: Finding, node, ctx) -> list:
    """``X = f(X)`` -> ``X[:] = f(X)`` for an array the loop filled in place that someone else may
    hold (a parameter, or read by the loop itself): rebinding the name would leave theirs unchanged."""
    from ..loops.scan import READ

    verdict = finding.verdict
    fills = {o.name for o in verdict.outputs if o.kind == "fill"}
    read = {a.root for a in verdict.scan.accesses if a.kind == READ}
    shared = {name for name in fills if name in read or name in _parameters(ctx, node)}
    for index, line in enumerate(lines):
        head, sep, rest = line.partition(" = ")
        if sep and head in shared:
            lines[index] = f"{head}[:] = {rest}"
    return lines


def _parameters(ctx, node) -> set:
    parent = ctx.parent(node) if ctx is not None else None
    while parent is not None and not isinstance(parent, cst.FunctionDef):
        parent = ctx.parent(parent)
    return {p.name.value for p in all_parameters(parent)} if parent is not None else set()


def _extend(name, rewrite, entry: dict):
    """``L.append(f(x_i))`` for every i at once: ``L.extend(...)`` of the stacked values, entry by entry."""
    if name is None:
        return None
    _, position, kept = rewrite.vars
    np = numpy_alias(entry)
    code = rewrite.code
    if kept:
        return f"{name}.extend({np}.expand_dims({np}.moveaxis({code}, {position}, 0), {position + 1}))"
    if position == 0:
        return f"{name}.extend({code})"
    return f"{name}.extend({np}.moveaxis({code}, {position}, 0))"


def _substituted_body(finding: Finding) -> list:
    """The body run once on whole arrays (``X[:, i:i + 1]`` -> ``X``), for loops that only fill
    slices with plain statements; [] otherwise (an accumulation would change meaning)."""
    verdict = finding.verdict
    if not finding.substitutions or any(o.kind != "fill" for o in verdict.outputs):
        return []
    body = verdict.node.body
    if not isinstance(body, cst.IndentedBlock) or not all(isinstance(s, cst.SimpleStatementLine) for s in body.body):
        return []
    replacements = {s.before: s.lifted for s in finding.substitutions if s.lifted is not None}
    replacer = _Substitute(replacements)
    lines = []
    for statement in body.body:
        for small in statement.body:
            lines.append(" ".join(_code(small.visit(replacer)).split()))
    return lines


class _Substitute(cst.CSTTransformer):
    def __init__(self, replacements: dict) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        return self.replacements.get(_code(original), updated)


def _column(ctx, node) -> int:
    position = ctx.position(node) if ctx is not None else None
    return position.start.column if position is not None else 0


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).strip()


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
            every = all_parameters(parent) + [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
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
        stack.extend(direct_children(item))
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
        stack.extend(direct_children(item))
    return False


def _header_comment(node: cst.For) -> str:
    """The comment on the loop's ``for`` line, kept on the replacement line."""
    body = node.body
    header = getattr(body, "header", None)
    if header is None or header.comment is None:
        return ""
    return "  " + header.comment.value


