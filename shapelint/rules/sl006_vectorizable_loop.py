from __future__ import annotations

import libcst as cst

from ..infer.events import Loop
from ..loops import implicit
from ..loops.finding import judge_loop
from ..loops.implicit import ITEM, judge_comprehension, judge_map, loops_over_axis, np_name, vectorized_function
from ..loops.judge import LoopJudge
from ..loops.nest import enclosing_loops
from ..loops.wording import expression_message, expression_rewrite, message, short, code_of
from .base import Report, Rule, under_call_site
from ._sl006_fixes import expression_fix, list_fix, loop_fix


class VectorizableLoop(Rule):
    """## What it does
    Checks for Python loops over the samples, units or indices of an array that
    do the work of one array operation: per-column forward passes, sums and dot
    products by index, matrix products written as triple loops, pairwise
    distance matrices, per-row normalization, sums of per-example gradients,
    lists of per-example results turned into an array, `np.vectorize`. Every
    form is read: `for i in range(n)`, `while i < n: ...; i += 1`,
    `for i, x in enumerate(X)` (and `enumerate(X.T)`), `for a, b in zip(A, B)`,
    `for x in X`, comprehensions fed to `np.array` or `sum`, and `map`.

    A loop is reported only when no iteration depends on another: each one
    writes its own slice (`A[:, i:i + 1]`, `C[i, j]`) or adds into a total,
    reads nothing an earlier iteration wrote, calls nothing with side effects
    (printing, plotting, files, random numbers, unknown functions), and does
    not leave early (`break`, `return`). The epoch loop, per-sample SGD, loops
    over layers, recurrences over time steps, convergence loops, Gibbs
    sampling, Kalman filters and running values are sequential and never
    reported; nor is any loop in a numba- or Cython-compiled function, where
    loops are the idiom. A nest is reported once, at its outermost
    vectorizable loop. A loop the code itself runs fewer than 10 times (`for c
    in range(3)` over colour channels, `while k < n_stores` with `n_stores = 8`
    in the code) is not reported: there is little to gain; a count that only a
    caller's test arrays make small (5 rows in a demo call) does not count.

    Shapes come from the code (declarations, constructors), from the arguments
    of the calls the linted code makes (the message then names the call), or,
    for parameters nothing declares, from their use: an unknown `w` indexed by
    the loop variable and met by arithmetic, `X.shape[1]`, `X[:, i]` or an
    `np.ndarray` annotation is taken as an array with as many axes as its
    indexing shows, and the message says so (`if w and x are 1-D NumPy
    arrays`). A name also used as a Python container (`append`, `len(x[i])`)
    is not, and a sequence whose elements are arrays is taken as one array
    only if the code uses it as one (`X.shape`, `np.asarray(X)`...): it may be
    a list of arrays of different shapes.

    ## Why is this bad?
    A Python loop runs the interpreter once per element; NumPy runs the same
    arithmetic in compiled code over the whole array. Measured by
    `python -m reference_net bench` on this project's 2-core machine (numpy
    2.4): a 100 -> 64 -> 1 forward pass is 22x-32x slower per sample as a loop
    over samples (7x-217x across batch sizes of 1 to 100,000), and training a
    2 -> 10 -> 1 network on 5,000 samples for 100 epochs takes 30-44 s as a
    loop and 35-37 ms vectorized (860x-1,190x).

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

    Display-only for every other rewrite, shown with the finding and never
    applied by `--fix`: loops that fill slices (the body run once on whole
    arrays; an array the loop filled in place that a caller may hold is
    written with `X[:] = ...`), lists built with `append` (`L.extend(...)` of
    the stacked result), comprehensions and `map` fed to `np.array` or `sum`
    (the whole-array expression), and `rows = [...]` read once by
    `np.array(rows)` (`list(...)` of the whole-array result). Every rewrite of
    the fixtures is run against its loop on random data by the test suite.
    `np.vectorize` gets no fix: its function has to be rewritten with array
    operations, and scalar helpers (`math.exp`, an `if` on a value) need their
    array forms (`np.exp`, `np.where`).
    """

    code = "SL006"
    name = "vectorizable-loop"
    priority = 60
    fixable = True

    def on_loop(self, event: Loop, ctx):
        node = event.node
        judge = event.judge if isinstance(event.judge, LoopJudge) else LoopJudge()
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self.comprehension(node, event.entry, ctx, judge)
        if isinstance(node, cst.Call):
            return self.implicit_call(node, event.entry, ctx, judge)
        if not isinstance(node, (cst.For, cst.While)):
            return ()
        finding = loop_finding(node, event.entry, judge)
        if finding is None or not finding.reportable:
            return ()
        for outer in enclosing_loops(ctx.module, node):
            found = loop_finding(outer, event.entry, judge)
            if found is not None and found.reportable:
                return ()  # reported once, at the outermost loop of the nest
        return (self.in_context(Report(node, message(finding), loop_fix(node, finding, finding.entry, ctx)), finding, ctx),)

    def in_context(self, report: Report, finding, ctx) -> Report:
        """A loop judged with a caller's arguments says which call gave its shapes."""
        site = finding.verdict.context
        return under_call_site(report, site, ctx) if site is not None else report

    def comprehension(self, node, entry: dict, ctx, judge: LoopJudge):
        """``np.array([f(x) for x in X])`` and ``sum(w[i] * x[i] for i in range(n))``."""
        entry = judge.entry(node, entry)
        run = judge.run(node)
        if node.for_in.ifs or node.for_in.inner_for_in is not None:
            return ()
        if not loops_over_axis(node.for_in.target, node.for_in.iter, entry):
            return ()
        if judge.finding(node, "array", lambda: judge_comprehension(node, entry, "array", run)) is None:
            return ()  # judged before looking for the consumer, which needs the parent map
        consumer = implicit.consumer(ctx, node, entry)
        if consumer is None:
            return ()
        kind, call = consumer[0], consumer[1]
        via_name = len(consumer) > 3  # ``rows = [...]`` then ``np.array(rows)``
        if kind == "sum":
            finding = judge.finding(node, "sum", lambda: judge_comprehension(node, entry, "sum", run))
        else:
            finding = judge.finding(node, "array")
        if finding is None or self.inside_reported_loop(ctx, node, entry, judge):
            return ()
        return self.expression_report(node, finding, call, kind, ctx, via_name)

    def implicit_call(self, node: cst.Call, entry: dict, ctx, judge: LoopJudge):
        entry = judge.entry(node, entry)
        func = np_name(node.func, entry)
        if func == "vectorize":
            found = vectorized_function(node, entry)
            if found is None:
                return ()
            shown, hints = found
            how = f" ({', '.join(hints)})" if hints else ""
            return (Report(node, (
                f"`{short(code_of(node))}` calls {shown} once per element in a Python loop (NumPy's `vectorize` is a "
                f"convenience, not a speedup); {shown} is plain arithmetic: write it with array operations{how} "
                f"and call it on the whole array"
            )),)
        if not (isinstance(node.func, cst.Name) and node.func.value == "map" and len(node.args) == 2):
            return ()
        if not loops_over_axis(cst.Name(ITEM), node.args[1].value, entry):
            return ()
        finding = judge.finding(node, "map", lambda: judge_map(node, entry, judge.run(node)))
        if finding is None:
            return ()
        consumer = implicit.consumer(ctx, node, entry, through_list=True)
        if consumer is None or consumer[0] == "sum" or self.inside_reported_loop(ctx, node, entry, judge):
            return ()
        return self.expression_report(node, finding, consumer[1], consumer[0], ctx)

    def expression_report(self, node, finding, call: cst.Call, kind: str, ctx, via_name: bool = False):
        text = expression_message(finding, code_of(call), kind)
        if not text:
            return ()
        code = expression_rewrite(finding, code_of(call), kind)[0]
        fixed = list_fix(node, code, finding) if via_name else expression_fix(call, code, finding)
        return (self.in_context(Report(node, text, fixed), finding, ctx),)

    def inside_reported_loop(self, ctx, node, entry: dict, judge: LoopJudge) -> bool:
        parent = ctx.parent(node)
        while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.Module)):
            if isinstance(parent, (cst.For, cst.While)):
                found = loop_finding(parent, entry, judge)
                if found is not None and found.reportable:
                    return True
            parent = ctx.parent(parent)
        return False


def loop_finding(node: cst.CSTNode, entry: dict, judge: LoopJudge):
    """The module's one finding for a loop (computed with the loop's own entry, ``entry`` if it has none)."""
    return judge.finding(node, "loop", lambda: judge_loop(node, judge.entry(node, entry), judge=judge))
