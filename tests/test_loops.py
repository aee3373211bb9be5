"""The dependence analysis behind SL006: headers, accesses, effects, verdicts, rewrites."""
from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from shapelint.domain.dims import sym
from shapelint.infer.events import Loop
from shapelint.infer.interpreter import analyze
from shapelint.loops import analyze_loop
from shapelint.loops.effects import Effects
from shapelint.loops.finding import judge_loop
from shapelint.loops.header import ELEMENT_INDEX, read_header
from shapelint.loops.indices import FREE, FULL, OTHER, VAR, VSLICE, classify_level
from shapelint.loops.layout import Slot, align
from shapelint.loops.scan import ACCUM, APPEND, READ, WRITE


def loop_event(source: str, marker: str = "# here") -> Loop:
    """The Loop event of the loop whose line carries ``marker`` (the first loop if none does)."""
    source = textwrap.dedent(source)
    module = cst.parse_module(source)
    analysis = analyze(module)
    loops = [e for e in analysis.events if isinstance(e, Loop) and isinstance(e.node, cst.For)]
    lines = source.splitlines()
    for event in loops:
        header = module.code_for_node(event.node).splitlines()[0]
        if any(marker in line and header.strip() in line for line in lines):
            return event
    return loops[0]


def verdict_of(source: str, marker: str = "# here"):
    event = loop_event(source, marker)
    return analyze_loop(event.node, event.entry)


def code(node) -> str:
    return cst.Module([]).code_for_node(node)


# --- headers -----------------------------------------------------------------------------

@pytest.mark.parametrize("iterable, length", [
    ("range(m)", "m"), ("range(0, m)", "m"), ("range(X.shape[1])", "m"), ("range(len(X))", "n"),
])
def test_whole_axis_headers(iterable, length):
    event = loop_event(f"""
        import numpy as np
        def f(X):
            n, m = X.shape
            for i in {iterable}:  # here
                pass
    """)
    header = read_header(event.node, event.entry)
    assert header is not None and header.var == "i" and header.length == sym(length)


@pytest.mark.parametrize("iterable", ["range(1, m)", "range(0, m, 2)", "range(m - 1)", "items"])
def test_partial_or_unknown_ranges_are_not_whole_axis_loops(iterable):
    event = loop_event(f"""
        import numpy as np
        def f(X, items):
            n, m = X.shape
            for i in {iterable}:  # here
                pass
    """)
    assert read_header(event.node, event.entry) is None


def test_iterating_an_array_binds_its_rows():
    event = loop_event("""
        import numpy as np
        def f(X):
            # X: (m, d)
            for k, row in enumerate(X):  # here
                pass
    """)
    header = read_header(event.node, event.entry)
    assert header.var == "k" and header.elements == {"row": "X"} and header.length == sym("m")
    plain = loop_event("""
        import numpy as np
        def f(X):
            # X: (m, d)
            for row in X:  # here
                pass
    """)
    assert read_header(plain.node, plain.entry).var == ELEMENT_INDEX


# --- index expressions ---------------------------------------------------------------------

def test_index_forms_relative_to_the_loop_variable():
    subscript = cst.parse_expression("A[i, i:i + 1, :, 0, i + 1, idx[i], k]")
    kinds = [c.kind for c in classify_level(tuple(subscript.slice), ("i",))]
    assert kinds == [VAR, VSLICE, FULL, FREE, OTHER, OTHER, FREE]
    tainted = classify_level(tuple(subscript.slice), ("i",), frozenset({"k"}))
    assert tainted[-1].kind == OTHER  # k = labels[i]: may repeat, so not an independent index


# --- what each iteration reads and writes ----------------------------------------------------

def test_accesses_resolve_local_aliases_to_their_storage():
    verdict = verdict_of("""
        import numpy as np
        def f(X, cache, m):
            for i in range(m):  # here
                x_i = X[:, i:i + 1]
                Z = cache["Z"]
                Z[:, i:i + 1] = x_i * 2
    """)
    reads = [(a.root, a.kind) for a in verdict.scan.accesses if a.root in ("X", "cache")]
    assert ("X", READ) in reads and ("cache", WRITE) in reads
    write = next(a for a in verdict.scan.accesses if a.kind == WRITE)
    assert [code(level[0].slice) for level in write.levels] == ['"Z"', ":"]  # cache["Z"][:, i:i + 1]
    assert write.holder == "Z"


def test_accumulations_and_appends_are_recorded_as_such():
    verdict = verdict_of("""
        import numpy as np
        def f(X, out, G, m):
            for i in range(m):  # here
                G[0] += X[0, i]
                out.append(X[:, i])
    """)
    kinds = {a.root: a.kind for a in verdict.scan.accesses if a.kind != READ}
    assert kinds == {"G": ACCUM, "out": APPEND}


# --- verdicts: independent loops --------------------------------------------------------------

def test_column_map_is_a_fill_with_evidence():
    verdict = verdict_of("""
        import numpy as np
        def f(X, W):
            # X: (n_x, m), W: (n_h, n_x)
            n_x, m = X.shape
            A = np.zeros((W.shape[0], m))
            for i in range(m):  # here
                A[:, i:i + 1] = np.tanh(W @ X[:, i:i + 1])
    """)
    assert verdict.vectorizable
    assert [(o.kind, o.name) for o in verdict.outputs] == [("fill", "A")]
    assert (verdict.evidence.array, str(verdict.evidence.shape), verdict.evidence.axis) == ("X", "(n_x, m)", 1)


@pytest.mark.parametrize("body, op", [
    ("s += a[i]", "sum"),
    ("s = s + a[i] * a[i]", "sum"),
    ("s -= a[i]", "sum"),
    ("s = max(s, a[i])", "max"),
    ("s = np.minimum(s, a[i])", "min"),
    ("if a[i] > s:\n                    s = a[i]", "max"),
    ("s *= a[i]", "prod"),
])
def test_accumulators_are_reductions(body, op):
    verdict = verdict_of(f"""
        import numpy as np
        def f(a):
            # a: (n,)
            s = 0.0
            for i in range(len(a)):  # here
                {body}
    """)
    assert verdict.independent, verdict.reason
    assert [(o.kind, o.name, o.op) for o in verdict.outputs] == [("reduce", "s", op)]


GRADS_IN_A_DICT = """
    import numpy as np
    def f(dZ, A, grads):
        # dZ: (n, m), A: (k, m)
        n, m = dZ.shape
        for i in range(m):  # here
            dW = grads["dW"]{declared}
            dW += dZ[:, i:i + 1] @ A[:, i:i + 1].T
"""


def test_gradient_sum_through_a_dict_alias_is_a_reduction():
    verdict = verdict_of(GRADS_IN_A_DICT.format(declared="  # (n, k)"))
    assert verdict.independent, verdict.reason
    assert [(o.kind, o.name, o.op) for o in verdict.outputs] == [("reduce", "grads", "sum")]


def test_in_place_update_of_an_alias_of_unknown_type_is_not_judged():
    """``dW += ...`` on a dict entry changes the dict only if dW is an array: unknown, so no verdict."""
    verdict = verdict_of(GRADS_IN_A_DICT.format(declared=""))
    assert not verdict.independent and "in place" in verdict.reason


def test_temporaries_written_before_read_are_private():
    verdict = verdict_of("""
        import numpy as np
        def f(X, out):
            # X: (n, m)
            n, m = X.shape
            for i in range(m):  # here
                a = X[:, i:i + 1]
                for l in range(3):
                    a = np.tanh(a)
                out[:, i:i + 1] = a
    """)
    assert verdict.independent, verdict.reason


# --- verdicts: sequential loops ---------------------------------------------------------------

@pytest.mark.parametrize("body, reason", [
    ("W = W - 0.1 * (W @ X[:, i:i + 1])", "`W` is read before it is written"),
    ("W -= 0.1 * (W @ X[:, i:i + 1])", "`W` is read before it is written"),
    ("h = np.tanh(W @ h + X[:, i:i + 1])", "`h` is read before it is written"),
    ("total += X[0, i]\n                c[i] = total", "`total` is read before it is written"),
    ("avg = 0.9 * avg + 0.1 * X[0, i]", "`avg` is read before it is written"),
    ("c[i] = c[i - 1] + X[0, i]", "`c` is written and read"),
    ("c[y[i]] += 1", "`c` is written and read"),
    ("k = y[i]\n                c[k] += X[0, i]", "`c` is written and read"),
    ("if X[0, i] > 0:\n                    break", "has a `break` statement"),
    ("print(X[0, i])", "calls `print`"),
    ("c[i] = np.random.rand()", "draws random numbers"),
    ("c[i] = model.predict(X[:, i])", "calls `model.predict`"),
    ("c[i] = helper(X[:, i])", "calls `helper`, which calls `print`"),
    ("c[i] = mutate(X[:, i])", "writes into `v[0]`"),
    ("np.multiply(X[:, i], 2, out=W)", "writes through `out=`"),
    ("c[i] = X[0, i][X[0, i] > 0].sum()", "selects a data-dependent number"),
])
def test_sequential_loops_say_why(body, reason):
    verdict = verdict_of(f"""
        import numpy as np
        def helper(v):
            print(v)
            return v
        def mutate(v):
            v[0] = 1
            return v
        def f(X, W, h, c, y, model, avg):
            # X: (n, m)
            n, m = X.shape
            total = 0.0
            for i in range(m):  # here
                {body}
    """)
    assert not verdict.independent
    assert reason in verdict.reason


def test_the_loop_name_does_not_matter():
    """``for epoch`` with a map body is a map; ``for i`` updating weights is sequential."""
    epoch = verdict_of("""
        import numpy as np
        def f(X, W):
            # X: (n, m), W: (k, n)
            n, m = X.shape
            Z = np.zeros((W.shape[0], m))
            for epoch in range(m):  # here
                Z[:, epoch:epoch + 1] = W @ X[:, epoch:epoch + 1]
    """)
    assert epoch.vectorizable
    sgd = verdict_of("""
        import numpy as np
        def f(X, W):
            # X: (n, m), W: (1, n)
            n, m = X.shape
            for i in range(m):  # here
                W = W - 0.1 * (W @ X[:, i:i + 1]) * X[:, i:i + 1].T
    """)
    assert not sgd.independent


# --- effects --------------------------------------------------------------------------------

def test_pure_helpers_may_raise_but_not_print():
    event = loop_event("""
        import math
        import numpy as np
        def act(z, kind):
            if kind == "tanh":
                return math.tanh(z)
            raise ValueError(kind)
        def noisy(z):
            print(z)
            return z
        def f(x):
            # x: (n,)
            for i in range(len(x)):  # here
                pass
    """)
    effects = Effects(event.entry)
    call = cst.parse_expression("act(x[i], 'tanh')")
    assert effects.call(call, frozenset(), frozenset()) is None
    assert "print" in effects.call(cst.parse_expression("noisy(x[i])"), frozenset(), frozenset())
    assert effects.call(cst.parse_expression("math.exp(x[i])"), frozenset(), frozenset()) is None
    assert effects.call(cst.parse_expression("np.tanh(x)"), frozenset(), frozenset()) is None
    assert "random" in effects.call(cst.parse_expression("np.random.randn(3)"), frozenset(), frozenset())
    assert effects.call(cst.parse_expression("plt.plot(x)"), frozenset(), frozenset()) is not None


# --- layouts and rewrites ---------------------------------------------------------------------

def test_align_inserts_axes_and_transposes():
    target = (Slot("i"), Slot("j"))
    a = cst.parse_expression("a")
    assert code(align(a, (Slot("i"),), target)) == "a[:, None]"
    assert code(align(a, (Slot("j"),), target)) == "a"
    assert code(align(a, (Slot("j"), Slot("i")), target)) == "a.T"
    column = (Slot(), Slot("i", kept=True))
    assert code(align(a, (Slot(), Slot()), column)) == "a"  # a bias (n, 1) against (n, m)
    assert align(a, (Slot("k"),), target) is None


def rewrite_of(source: str) -> list[str]:
    event = loop_event(source)
    finding = judge_loop(event.node, event.entry)
    assert finding is not None and finding.rewrites, "no rewrite"
    return [r.code for r in finding.rewrites]


def test_rewrites_name_the_operation():
    assert rewrite_of("""
        import numpy as np
        def f(A, B):
            # A: (n, q), B: (q, p)
            n, q = A.shape
            p = B.shape[1]
            C = np.zeros((n, p))
            for i in range(n):  # here
                for j in range(p):
                    for k in range(q):
                        C[i, j] += A[i, k] * B[k, j]
    """) == ["C += A @ B"]
    assert rewrite_of("""
        import numpy as np
        def f(dZ, A):
            # dZ: (n, m), A: (k, m)
            n, m = dZ.shape
            dW = np.zeros((n, A.shape[0]))
            db = np.zeros((n, 1))
            for i in range(m):  # here
                dz = dZ[:, i:i + 1]
                dW += dz @ A[:, i:i + 1].T
                db += dz
    """) == ["dW += dZ @ A.T", "db += np.sum(dZ, axis=1, keepdims=True)"]
    assert rewrite_of("""
        import numpy as np
        def f(X):
            # X: (n, d)
            n, d = X.shape
            Y = np.zeros((n, d))
            for i in range(n):  # here
                for j in range(d):
                    Y[i, j] = (X[i, j] - np.mean(X[i, :])) / np.std(X[i, :])
    """) == ["Y = (X - np.mean(X, axis=1, keepdims=True)) / np.std(X, axis=1, keepdims=True)"]


def test_a_rewrite_whose_shape_does_not_check_is_dropped():
    """``W @ X[i]`` for rows of X is ``X @ W.T``, never ``W @ X``; and unknown shapes give no rewrite."""
    assert rewrite_of("""
        import numpy as np
        def f(X, W):
            # X: (m, d), W: (k, d)
            m = X.shape[0]
            out = np.zeros((m, W.shape[0]))
            for i in range(m):  # here
                out[i] = W @ X[i]
    """) == ["out = X @ W.T"]
    event = loop_event("""
        import numpy as np
        def f(X, W, m):
            out = np.zeros((4, m))
            for i in range(m):  # here
                out[:, i:i + 1] = W @ X[:, i:i + 1]
    """)
    assert judge_loop(event.node, event.entry) is None  # as written, nothing it reads has a known shape


def test_parameters_indexed_as_arrays_are_taken_for_arrays_and_the_message_says_so():
    """Issue 11: ``score(w, x)`` with no declaration is a dot product, if w and x are arrays; a list
    iterated over, a parameter the body rebinds, or one used as a container is left alone."""
    from shapelint.engine import lint_source

    source = textwrap.dedent("""
        import numpy as np
        def score(w, x):
            total = 0.0
            for i in range(len(w)):
                total += w[i] * x[i]
            return total
        def pooled(nobs_list):
            return sum(1 / (n - 1) for n in nobs_list)
        def mean_params(params_l, p):
            params_mn = np.zeros(p)
            for i in range(len(params_l)):
                params_mn += params_l[i]
            return params_mn
        def rebound(sample):
            sample = np.asarray(sample)
            out = np.zeros(len(sample))
            for i in range(len(sample)):
                out[i] = sample[i] * 2
            return out
        def words(names):
            out = np.zeros(len(names))
            for i in range(len(names)):
                out[i] = len(names[i])
            return out
    """)
    findings = [f for f in lint_source(source, "score.py").findings if f.code == "SL006"]
    assert [f.line for f in findings] == [5]
    assert "`total += w @ x`" in findings[0].message
    assert "if `w` and `x` are 1-D NumPy arrays" in findings[0].message


def test_small_constant_loops_are_left_alone():
    event = loop_event("""
        import numpy as np
        def f(img):
            # img: (h, w, 3)
            out = np.zeros_like(img)
            for c in range(3):  # here
                out[:, :, c] = img[:, :, c] * 2
    """)
    assert analyze_loop(event.node, event.entry).vectorizable
    assert judge_loop(event.node, event.entry) is None


# --- loops written as expressions ---------------------------------------------------------------

def test_vectorize_is_reported_only_for_plain_arithmetic():
    from shapelint.loops.implicit import vectorized_function

    entry = loop_event("""
        import math
        import numpy as np
        def relu(z):
            if z > 0:
                return z
            return 0.0
        def collatz(k):
            while k != 1:
                k = k // 2
            return k
        def noisy(z):
            print(z)
            return z
        def f(x):
            for i in range(len(x)):  # here
                pass
    """).entry

    def judged(text):
        return vectorized_function(cst.parse_expression(text), entry)

    assert judged("np.vectorize(relu)") == ("`relu`", ["`np.where` for the `if`"])
    assert judged("np.vectorize(lambda z: math.exp(-z))") == ("the lambda", ["`np.exp` for `math.exp`"])
    assert judged("np.vectorize(collatz)") is None  # a while loop: no array form
    assert judged("np.vectorize(noisy)") is None    # a side effect


@pytest.mark.parametrize("maker, rank, position, kept, expected", [
    ("array", 1, 0, False, ""),        # [x[i] ** 2 for i ...] -> x ** 2
    ("array", 2, 1, False, "T"),       # [X[:, i] for i ...] -> X.T
    ("array", 2, 1, True, None),       # [X[:, i:i + 1] ...] stacks to (m, n, 1)
    ("hstack", 2, 1, True, ""),        # columns side by side -> (n, m)
    ("hstack", 2, 0, False, None),     # 1-D rows are concatenated, not stacked
    ("vstack", 2, 0, False, ""),
    ("column_stack", 2, 1, False, ""),
])
def test_how_array_makers_stack_per_iteration_values(maker, rank, position, kept, expected):
    from shapelint.loops.implicit import stacked

    assert stacked(maker, rank, position, kept) == expected


# --- SL006 fixes: the loop replaced by its rewrite ------------------------------------------

def sl006_fixed(source: str):
    from shapelint.engine import lint_source
    from shapelint.fix import fix_text

    source = textwrap.dedent(source)
    findings = [f for f in lint_source(source, "m.py").findings if f.code == "SL006"]
    result = fix_text(source, "m.py", unsafe=True)
    return findings, result


def test_dot_product_loop_becomes_an_accumulated_matmul():
    findings, result = sl006_fixed("""
        import numpy as np


        def dot_loop(n):
            w = np.random.randn(n)
            x = np.random.randn(n)
            total = 1.0
            for i in range(n):  # note
                total += w[i] * x[i]
            return total
    """)
    assert [f.fix["applicability"] for f in findings] == ["unsafe"]
    assert findings[0].fix["message"] == "Replace the loop with `total += w @ x`"
    assert "    total = 1.0\n    total += w @ x  # note\n    return total\n" in result.fixed
    assert "for i" not in result.fixed
    assert not [f for f in result.remaining if f.code == "SL006"]
    cst.parse_module(result.fixed)


def test_triple_loop_matrix_product_becomes_one_matmul():
    findings, result = sl006_fixed("""
        import numpy as np


        def matmul_loop(A, B):
            \"\"\"A : (n, q)
            B : (q, p)
            \"\"\"
            n, q = A.shape
            p = B.shape[1]
            C = np.zeros((n, p))
            for i in range(n):
                for j in range(p):
                    for k in range(q):
                        C[i, j] += A[i, k] * B[k, j]

            return C
    """)
    assert [f.fix["applicability"] for f in findings] == ["unsafe"]
    assert "    C = np.zeros((n, p))\n    C += A @ B\n\n    return C\n" in result.fixed
    assert not [f for f in result.remaining if f.code == "SL006"]


def test_a_loop_with_another_statement_gets_a_display_only_fix():
    source = """
        import numpy as np


        def extra(n):
            w = np.random.randn(n)
            x = np.random.randn(n)
            y = np.zeros(n)
            total = 0.0
            for i in range(n):
                total += w[i] * x[i]
                y[i] = 2.0 * w[i]
            return total, y
    """
    findings, result = sl006_fixed(source)
    assert [f.fix["applicability"] for f in findings] == ["display-only"]
    assert "total += w @ x" in findings[0].fix["message"]
    assert result.fixed == textwrap.dedent(source) and result.applied == 0


@pytest.mark.parametrize("body", [
    "for i in range(n):\n        total += w[i] * x[i]\n    else:\n        total = 0.0",   # an else would be lost
    "for i in range(n):\n        # a comment\n        total += w[i] * x[i]",             # a comment would be lost
])
def test_loops_that_would_lose_something_are_display_only(body):
    source = (
        "import numpy as np\n\n\ndef f(n):\n    w = np.random.randn(n)\n    x = np.random.randn(n)\n"
        f"    total = 0.0\n    {body}\n    return total\n"
    )
    findings, result = sl006_fixed(source)
    assert all(f.fix is None or f.fix["applicability"] == "display-only" for f in findings)
    assert result.fixed == source


def test_an_accumulator_not_bound_before_the_loop_is_not_fixed():
    source = """
        import numpy as np


        def f(n):
            w = np.random.randn(n)
            x = np.random.randn(n)
            for i in range(n):
                total += w[i] * x[i]
            return total
    """
    findings, result = sl006_fixed(source)
    assert all(f.fix is None or f.fix["applicability"] == "display-only" for f in findings)
    assert result.fixed == textwrap.dedent(source)


def test_an_accumulator_passed_in_is_bound_before_the_loop():
    findings, result = sl006_fixed("""
        import numpy as np


        def f(n, total):
            w = np.random.randn(n)
            x = np.random.randn(n)
            for i in range(n):
                total += w[i] * x[i]
            return total
    """)
    assert [f.fix["applicability"] for f in findings] == ["unsafe"]
    assert "    total += w @ x\n    return total\n" in result.fixed


@pytest.mark.parametrize("name", ["nested_index_loops.py", "index_reductions.py", "clean_side_effects.py", "column_map_forward.py"])
def test_each_loop_is_analysed_once(monkeypatch, name):
    """The module's judge runs the dependence analysis once per loop node, however many times the
    rule asks (nests, the loops around a comprehension, inner loops of a rewrite)."""
    from pathlib import Path

    import shapelint.loops.finding as finding_module
    import shapelint.loops.idioms as idioms_module
    import shapelint.loops.judge as judge_module
    from shapelint.engine import lint_source

    analysed: list = []
    real = judge_module.analyze_loop

    def counting(node, *args, **kwargs):
        analysed.append(node)
        return real(node, *args, **kwargs)

    for module in (judge_module, finding_module, idioms_module):  # every caller of the analysis
        monkeypatch.setattr(module, "analyze_loop", counting)
    path = Path(__file__).parent.parent / "fixtures" / "SL006" / name
    result = lint_source(path.read_bytes(), str(path))
    kinds = (cst.For, cst.While, cst.ListComp, cst.GeneratorExp)  # a comprehension is judged as a loop too
    loops = sum(1 for n in _walk(cst.parse_module(path.read_bytes())) if isinstance(n, kinds))
    assert analysed, "the rule asked for no verdict"
    assert len({id(n) for n in analysed}) == len(analysed), "a loop was analysed twice"
    assert len(analysed) <= loops
    assert any(f.code == "SL006" for f in result.findings) == (not name.startswith("clean_"))


def _walk(node):
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.children)
