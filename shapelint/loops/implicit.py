"""Loops written as expressions: comprehensions fed to ``np.array`` or ``sum``, ``map``, ``np.vectorize``.

``np.array([f(x) for x in X])`` is the loop ``for x in X: out.append(f(x))``
and ``sum(w[i] * x[i] for i in range(n))`` the loop ``for i in range(n):
total += w[i] * x[i]``: both are judged by building that loop and running the
same analysis on it. ``np.vectorize(f)`` is a Python loop by definition; it
is reported when ``f`` is plain arithmetic (with ``math`` functions and
``if``/``else``), which NumPy does on whole arrays.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..cst_walk import direct_children

from ..infer.values import SCALAR_NUMBER, UserFunction
from ..numpy_model import properties
from .effects import Effects, np_name, qualname
from .finding import Finding, judge_loop

COLLECTED = "__collected__"
TOTAL = "__total__"
ITEM = "__item__"


def loops_over_axis(target, iterable, entry: dict) -> bool:
    """A cheap first test: does the expression loop over a whole axis of known length?"""
    from .header import read_header

    return read_header(cst.For(target, iterable, cst.IndentedBlock([])), entry) is not None


def judge_comprehension(node, entry: dict, consumer: str, run=None) -> Optional[Finding]:
    """``consumer`` is "array" (``np.array([...])``) or "sum" (``sum(... for ...)``)."""
    clause = node.for_in
    if clause.ifs or clause.inner_for_in is not None or clause.asynchronous is not None:
        return None
    return _judge(clause.target, clause.iter, node.elt, entry, consumer, run)


def judge_map(node: cst.Call, entry: dict, run=None) -> Optional[Finding]:
    """``map(f, X)`` (its result fed to an array): ``[f(x) for x in X]``."""
    func, iterable = node.args[0].value, node.args[1].value
    if not isinstance(func, (cst.Name, cst.Attribute)):
        return None
    element = cst.Call(func, [cst.Arg(cst.Name(ITEM))])
    return _judge(cst.Name(ITEM), iterable, element, entry, "array", run)


def _judge(target, iterable, element, entry: dict, consumer: str, run=None) -> Optional[Finding]:
    if consumer == "sum":
        statement: cst.BaseSmallStatement = cst.AugAssign(cst.Name(TOTAL), cst.AddAssign(), element)
        entry = {**entry, TOTAL: SCALAR_NUMBER}
    else:
        statement = cst.Expr(cst.Call(cst.Attribute(cst.Name(COLLECTED), cst.Name("append")), [cst.Arg(element)]))
    loop = cst.For(target, iterable, cst.IndentedBlock([cst.SimpleStatementLine([statement])]))
    finding = judge_loop(loop, entry, Effects(entry), run=run)
    if finding is None or not finding.rewrites:
        return None  # an expression gets a rewrite or nothing
    return finding


def vectorized_function(node: cst.Call, entry: dict) -> Optional[tuple[str, list[str]]]:
    """For ``np.vectorize(f)`` with ``f`` plain arithmetic: (``f``, what to rewrite in it)."""
    if not node.args or node.args[0].keyword is not None:
        return None
    if any(arg.keyword is not None and arg.keyword.value == "signature" for arg in node.args):
        return None  # a gufunc signature: f is called on sub-arrays, and its body works on arrays
    func = node.args[0].value
    if isinstance(func, cst.Lambda):
        body: list = [func.body]
        params = {p.name.value for p in func.params.params}
        shown = "the lambda"
        env = entry
    elif isinstance(func, cst.Name) and isinstance(entry.get(func.value), UserFunction):
        function = entry[func.value]
        if function.owner is not None or Effects(entry).function(function) is not None:
            return None
        statements = _statements(function.node)
        if statements is None:
            return None
        body = statements
        params = {p.name.value for p in function.node.params.params}
        shown = f"`{func.value}`"
        closure = function.closure
        env = {**(closure.globals or {}), **closure.env}
    else:
        return None
    hints: list[str] = []
    if not all(_arithmetic(part, env, params, hints) for part in body):
        return None
    return shown, hints


def _statements(node: cst.FunctionDef) -> Optional[list]:
    """The expressions a function is made of, if it is only assignments, returns and if/else."""
    parts: list = []
    suite = node.body
    if not isinstance(suite, cst.IndentedBlock):
        return None
    stack = list(suite.body)
    first = True
    while stack:
        statement = stack.pop(0)
        if first and isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            first = False
            continue
        first = False
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Return) and small.value is not None:
                    parts.append(small.value)
                elif isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
                    parts.append(small.value)
                else:
                    return None
        elif isinstance(statement, cst.If):
            parts.append(("if", statement.test))
            stack[:0] = list(statement.body.body) if isinstance(statement.body, cst.IndentedBlock) else []
            orelse = statement.orelse
            if orelse is not None:
                if isinstance(orelse, cst.If):
                    stack.insert(0, orelse)
                elif isinstance(orelse.body, cst.IndentedBlock):
                    stack[:0] = list(orelse.body.body)
        else:
            return None
    return parts or None


def _arithmetic(part, env: dict, params: set, hints: list) -> bool:
    if isinstance(part, tuple):
        if "`np.where` for the `if`" not in hints:
            hints.append("`np.where` for the `if`")
        return _arithmetic(part[1], env, params, hints)
    node = part
    if isinstance(node, (cst.Name, cst.Integer, cst.Float)):
        return True
    if isinstance(node, (cst.BinaryOperation,)):
        return _arithmetic(node.left, env, params, hints) and _arithmetic(node.right, env, params, hints)
    if isinstance(node, cst.UnaryOperation):
        return _arithmetic(node.expression, env, params, hints)
    if isinstance(node, cst.Comparison):
        return _arithmetic(node.left, env, params, hints) and all(_arithmetic(c.comparator, env, params, hints) for c in node.comparisons)
    if isinstance(node, cst.BooleanOperation):
        if "`&`/`|` for `and`/`or`" not in hints:
            hints.append("`&`/`|` for `and`/`or`")
        return _arithmetic(node.left, env, params, hints) and _arithmetic(node.right, env, params, hints)
    if isinstance(node, cst.IfExp):
        if "`np.where` for the `if`" not in hints:
            hints.append("`np.where` for the `if`")
        return all(_arithmetic(x, env, params, hints) for x in (node.test, node.body, node.orelse))
    if isinstance(node, cst.Call):
        if any(arg.keyword is not None or arg.star for arg in node.args):
            return False
        name = qualname(node.func, env, frozenset(params))
        if name is not None and name.startswith("math."):
            hint = f"`np.{name[5:]}` for `{name}`"
            if hint not in hints:
                hints.append(hint)
        elif properties.has(name, "ufunc"):
            pass  # a ufunc: elementwise on whole arrays too
        elif isinstance(node.func, cst.Name) and node.func.value in ("abs", "min", "max", "float") and node.func.value not in env:
            hint = {"abs": "`np.abs` for `abs`", "min": "`np.minimum` for `min`", "max": "`np.maximum` for `max`", "float": "no `float()`"}[node.func.value]
            if hint not in hints:
                hints.append(hint)
        else:
            return False
        return all(_arithmetic(arg.value, env, params, hints) for arg in node.args)
    return False


def consumer(ctx, node, entry: dict, through_list: bool = False):
    """What consumes an expression loop: ("array", call, axis) for ``np.array(...)`` and kin, ("sum", call)."""
    parent = ctx.parent(node)
    if isinstance(parent, cst.Assign) and isinstance(node, cst.ListComp) and not through_list:
        use = _only_later_use(ctx, parent)
        found = consumer(ctx, use, entry) if use is not None else None
        return found + (True,) if found is not None and found[0] == "array" else None
    if not isinstance(parent, cst.Arg) or parent.keyword is not None:
        return None
    call = ctx.parent(parent)
    if not isinstance(call, cst.Call) or call.args[0] is not parent:
        return None
    if through_list and isinstance(call.func, cst.Name) and call.func.value == "list" and "list" not in entry:
        return consumer(ctx, call, entry)
    name = np_name(call.func, entry)
    axis = properties.value(f"numpy.{name}", "stacks") if name is not None else None
    if axis is not None and (name != "fromiter" or not isinstance(node, cst.ListComp)):
        if any(arg.keyword is not None and arg.keyword.value == "axis" for arg in call.args):
            return None
        return ("array", call, axis)
    if isinstance(call.func, cst.Name) and call.func.value == "sum" and "sum" not in entry and len(call.args) == 1 and not through_list:
        return ("sum", call)
    return None


def _only_later_use(ctx, assign: cst.Assign):
    """``rows = [...]`` whose name the rest of its block reads once and never rebinds: that read."""
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None
    name = assign.targets[0].target.value
    line = ctx.parent(assign)
    block = ctx.parent(line) if line is not None else None
    if not isinstance(block, (cst.IndentedBlock, cst.Module)) or line not in block.body:
        return None
    uses = []
    for statement in block.body[block.body.index(line) + 1:]:
        stack = [statement]
        while stack:
            item = stack.pop()
            if isinstance(item, cst.Name) and item.value == name:
                uses.append(item)
            stack.extend(direct_children(item))
    return uses[0] if len(uses) == 1 else None


def stacked(maker: str, rank: int, position: int, kept: bool):
    """How ``maker`` stacks the per-iteration values, compared with the whole-array form: "" (the same),
    "T" (its transpose) or None (something else: a concatenation, an extra axis)."""
    if maker in ("array", "asarray", "stack", "fromiter"):
        if kept or (maker == "fromiter" and rank != 1):
            return None  # each (k, 1) column would keep its axis: (m, k, 1)
        return "" if position == 0 else ("T" if rank == 2 and position == 1 else None)
    if maker == "vstack":
        return "" if position == 0 and rank >= 2 else None
    if maker == "hstack":
        return "" if (kept and position == rank - 1 and rank >= 2) or (not kept and rank == 1) else None
    if maker == "column_stack":
        return "" if rank == 2 and position == 1 else None
    return None
