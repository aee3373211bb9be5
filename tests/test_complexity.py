"""Input nested too deeply for libcst to parse in bounded time gets one SL000, in seconds."""
from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shapelint.complexity import DEEP, MAX_DEEP_WORK, MAX_DEPTH, NAME, _nesting, _shallow, too_complex
from shapelint.engine import lint_source

HEADER = "import numpy as np\n"

# The shapes of issue 13, each of which held libcst's parser for minutes (the GIL with it).
HOSTILE = {
    "attribute chain": "x = a" + ".b" * 20_000 + "\n",
    "unary chain": "x = " + "-" * 20_000 + "a\n",
    "nested not": "x = " + "not " * 5_000 + "a\n",
    "long sum": "x = " + " + ".join(["a"] * 20_000) + "\n",
    "subscript chain": "x = a" + "[0]" * 20_000 + "\n",
    "method chain": "x = a" + ".f()" * 10_000 + "\n",
    "nested lambdas": "f = " + "lambda: " * 5_000 + "0\n",
    # libcst's parse time grows exponentially with the nesting of case patterns (a helper's find)
    "nested sequence patterns": "match x:\n    case " + "[" * 150 + "a" + "]" * 150 + ":\n        pass\n",
    "nested mapping patterns": "match x:\n    case " + "{1: " * 12 + "a" + "}" * 12 + ":\n        pass\n",
    "nested keyword patterns": "match x:\n    case " + "C(k=" * 25 + "a" + ")" * 25 + ":\n        pass\n",
    "nested groups in patterns": "match x:\n    case " + "(" * 40 + "a" + ")" * 40 + ":\n        pass\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_nesting_is_answered_in_seconds_with_one_sl000(name):
    started = time.perf_counter()
    result = lint_source(HEADER + HOSTILE[name], f"{name}.py")
    elapsed = time.perf_counter() - started
    assert [(f.code, f.name) for f in result.findings] == [("SL000", NAME)]
    assert "too complex to analyse" in result.findings[0].message
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"


def test_many_deep_expressions_under_the_depth_limit_are_too_much_together():
    statement = "x = a" + "[0]" * 900 + "\n"
    one = HEADER + statement
    assert too_complex(one) is None
    many = HEADER + statement * 50
    problem = too_complex(many)
    assert problem is not None and f"{MAX_DEEP_WORK:,}" in str(problem)
    findings = lint_source(many, "many.py").findings
    assert [(f.line, f.name) for f in findings] == [(line, NAME) for line in range(2, 52)]  # each masked, rest analysed


def test_deep_but_real_code_is_still_analysed():
    """Generated polynomials reach a depth of a few hundred (sympy's, 569): analysed as ever."""
    polynomial = " + ".join(f"{i}*t**{i}" for i in range(600))
    source = HEADER + f"p = {polynomial}\nv = np.zeros(3)\nw = v.T\n"
    assert too_complex(source) is None
    findings = lint_source(source, "poly.py").findings
    assert [(f.line, f.code) for f in findings] == [(4, "SL001")]


def test_the_depth_limit_is_the_tree_depth():
    just_under = "x = a" + ".b" * (MAX_DEPTH - 10) + "\n"
    just_over = "x = a" + ".b" * (MAX_DEPTH + 10) + "\n"
    assert too_complex(just_under) is None
    assert f"(the limit is {MAX_DEPTH:,})" in str(too_complex(just_over))


def test_a_syntax_error_is_left_to_the_parser_which_says_where():
    source = "x = (\n" + "a.b" * 10 + "\ny = )\n"
    assert too_complex(source) is None
    [finding] = lint_source(source, "bad.py").findings
    assert finding.name == "syntax-error"


def test_the_cli_reports_it_and_goes_on(tmp_path):
    (tmp_path / "hostile.py").write_text(HEADER + HOSTILE["long sum"])
    (tmp_path / "ok.py").write_text(HEADER + "v = np.zeros(3)\nw = v.T\n")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert time.perf_counter() - started < 30
    assert run.returncode == 1
    assert "hostile.py:2:5: SL000 too complex to analyse" in run.stdout  # where the chain bottoms out
    assert "ok.py:3:5: SL001" in run.stdout


def test_an_editor_buffer_that_turns_hostile_is_linted_around_it_as_the_cli_lints_it():
    from shapelint.server.incremental import Document

    linter = Document()
    base = HEADER + "def f():\n    return 1\n\n\ndef g():\n    return 2\n\n\nbad = np.ones((3, 4)) + np.ones((3, 5))\n"
    assert [f.code for f in linter.lint(base, "buffer.py").findings] == ["SL007"]
    edited = base.replace("return 2", "return " + " + ".join(["a"] * 20_000))
    started = time.perf_counter()
    findings = linter.lint(edited, "buffer.py").findings
    assert time.perf_counter() - started < 5
    assert [(f.line, f.code, f.name) for f in findings] == [(7, "SL000", NAME), (10, "SL007", "shape-mismatch")]
    assert findings == lint_source(edited, "buffer.py").findings
    back = linter.lint(base, "buffer.py").findings  # typing on: the buffer parses in chunks again
    assert [f.code for f in back] == ["SL007"]


def test_the_finding_points_at_the_deepest_code_in_characters():
    source = 'import numpy as np\ny = "éé"; x = b.c' + ".d" * 1_200 + "\n"
    problem = too_complex(source)
    assert (problem.line, problem.column) == (2, source.splitlines()[1].index("b.c") + 1)  # 15 (UTF-8 bytes: 17)
    [finding] = lint_source(source, "deep.py").findings
    assert (finding.line, finding.column) == (problem.line, problem.column)


# The bound ``complexity._shallow`` rests on: a node written on one line (outside an f-string, not
# a decorated definition) is at most its width in bytes + 2 levels deep. Shapes that add the
# most levels per byte, and one of each kind of node that adds a level without bytes.
DENSE = {
    "inversions": "y = " + "~" * 60 + "x\n",
    "negations": "y = " + "-" * 60 + "x\n",
    "starred lists": "y = " + "[*" * 40 + "x" + "]" * 40 + "\n",
    "starred subscripts": "y = " + "x[*" * 30 + "x" + "]" * 30 + "\n",
    "tuples": "y = " + "x,(" * 40 + ")" * 40 + "\n",
    "calls with keywords": "y = " + "f(a=" * 30 + "x" + ")" * 30 + "\n",
    "calls with **": "y = " + "f(**" * 30 + "x" + ")" * 30 + "\n",
    "slices": "y = " + "x[::" * 30 + "0" + "]" * 30 + "\n",
    "lambda defaults": "y = " + "lambda a=" * 20 + "x" + ":0" * 20 + "\n",
    "dict unpacking": "y = " + "{**" * 40 + "x" + "}" * 40 + "\n",
    "comprehensions": "y = " + "[x for x in " * 20 + "x" + "]" * 20 + "\n",
    "walruses": "y = " + "(a:=" * 40 + "x" + ")" * 40 + "\n",
    "expression statement": "~~~~~~x\n",
    "one-line compound": "if x: y = " + "~" * 40 + "x\n",
    "annotation": "x: " + "list[" * 40 + "int" + "]" * 40 + "\n",
    "patterns": "match x:\n    case " + "C(a=[" * 20 + "y" + "])" * 20 + ": pass\n",
    "f-string": "y = f'{x!r:>{w}}' + f\"{f'{x}'}\"\n",
}


def _subtree_depth(node) -> int:
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        for name in current._fields:
            value = getattr(current, name, None)
            stack.extend((child, depth + 1) for child in (value if type(value) is list else (value,)) if isinstance(child, ast.AST))
    return deepest


def _one_line_nodes(tree):
    inside_fstrings = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                       for inner in ast.walk(node) if inner is not node}
    for node in ast.walk(tree):
        if (getattr(node, "end_lineno", None) == getattr(node, "lineno", 0) and id(node) not in inside_fstrings
                and not getattr(node, "decorator_list", None)):
            yield node


def _stdlib_sample() -> list[str]:
    """Every 12th module of the standard library (14 files, 30,000 one-line nodes)."""
    files = sorted(Path(ast.__file__).parent.glob("*.py"))
    return [path.read_text("utf-8", "replace") for path in files[::12]]


@pytest.mark.parametrize("name", sorted(DENSE))
def test_a_one_line_node_is_at_most_its_width_plus_two_deep(name):
    tree = ast.parse(DENSE[name])
    excess = max(_subtree_depth(node) - (node.end_col_offset - node.col_offset) for node in _one_line_nodes(tree))
    assert excess <= 2


def test_the_bound_holds_on_the_standard_library():
    nodes = 0
    for source in _stdlib_sample():
        for node in _one_line_nodes(ast.parse(source)):
            nodes += 1
            assert _subtree_depth(node) <= node.end_col_offset - node.col_offset + 2, ast.dump(node)[:200]
    assert nodes > 20_000


@pytest.mark.parametrize("source", [*DENSE.values(), *(f"x = {'(' * 40}a{'.b' * depth}{')' * 40}\n" for depth in (80, 95, 97, 98, 120)),
                                    "@" + "f(" * 120 + ")" * 120 + "\ndef g(): pass\n",
                                    "y = (f'{x}'\n     f'{" + "-" * 120 + "x}')\n"])
def test_the_shortcut_agrees_with_the_full_walk(source):
    """``_shallow`` says "nothing deeper than DEEP" exactly when the full walk finds nothing there,
    wherever the depth sits: in a wide one-line expression, under a decorator (whose position lies
    outside the definition's), in a multi-line f-string."""
    tree = ast.parse(source)
    assert _shallow(tree) == (_nesting(tree)[0] <= DEEP)


def test_the_shortcut_agrees_with_the_full_walk_on_the_standard_library():
    trees = [ast.parse(source) for source in _stdlib_sample()]
    assert all(_shallow(tree) for tree in trees)
    assert all(_nesting(tree)[0] <= DEEP for tree in trees)


def test_a_deep_decorator_is_too_complex_still():
    source = "@a" + ".b" * (MAX_DEPTH + 10) + "\ndef g(): pass\n"
    assert not _shallow(ast.parse(source))
    assert f"(the limit is {MAX_DEPTH:,})" in str(too_complex(source))


def case(pattern: str) -> str:
    return f"match x:\n    case {pattern}:\n        pass\n"


@pytest.mark.parametrize("pattern, depth", [("[" * 150 + "a" + "]" * 150, 150), ("(" * 60 + "a" + ")" * 60, 60),
                                            ("[(" + "{1: " * 12 + "a" + "}" * 12 + ")]", 14)])
def test_the_rest_of_a_file_is_analysed_around_a_too_deep_pattern(pattern, depth):
    source = (HEADER + "X = np.random.randn(3, 4)\nb = np.zeros(3)\nZ = X.T @ X + b\n"
              + case(pattern) + "y = np.ones((2, 3)) @ np.ones((4, 5))\n")
    findings = lint_source(source, "deep_case.py").findings
    assert [(f.line, f.code) for f in findings] == [(4, "SL007"), (6, "SL000"), (8, "SL007")]
    assert f"this `case` pattern is nested {depth} brackets deep" in findings[1].message


def test_groups_around_a_pattern_count_and_comments_do_not():
    from shapelint.pattern_nesting import measured_patterns

    source = "match x:\n    case (  # ((((((((\n        ((a))):\n        pass\n"
    [measured] = measured_patterns(ast.parse(source), source)
    assert measured.depth == 3 and measured.work == 2 + 4 + 8
    assert (measured.span.lineno, measured.span.col_offset, measured.span.end_lineno) == (2, 9, 3)


@pytest.mark.parametrize("source", [
    case(" | ".join(str(i) for i in range(2_000))),  # wide: linear for the parser
    case("[" + ", ".join(f"a{i}" for i in range(2_000)) + "]"),
    "match x:\n" + "".join(f"    case {{1: {{2: {{3: a{i}}}}}}}:\n        pass\n" for i in range(1_000)),
    case('{"k": [C(a="(((((((((((((((((((((((((", b=[{1: x}])]}'),  # brackets in strings are text
    case("C(k=" * 17 + "a" + ")" * 17),  # the heaviest of each shape the limit lets through
    case("{1: " * 8 + "a" + "}" * 8),
    case("[{1: " * 5 + "a" + "}]" * 5),
])
def test_real_and_heavy_but_bounded_patterns_are_parsed(source):
    assert too_complex(source) is None
    started = time.perf_counter()
    lint_source(HEADER + source, "patterns.py")
    assert time.perf_counter() - started < 5


def test_the_pattern_limit_is_per_file():
    one = case("{1: " * 7 + "a" + "}" * 7)  # 21,845 units: under the limit alone
    assert too_complex(one) is None
    assert too_complex("match x:\n" + one.split("\n", 1)[1] * 13) is not None


@pytest.mark.parametrize("source", [
    "match x:\n    case 1: pass\n",
    "if y:\n    match x:\n        case 1: pass\n",
    "x = 1\rif y:\r    match x:\r        case 1: pass\r",  # old Mac line ends
    "\ufeffmatch x:\n    case 1: pass\n",
    "\fmatch x:\n case 1: pass\n",
    "if y:\n\tmatch (x):\n\t\tcase [1]: pass\n",
])
def test_every_match_statement_is_seen_by_the_text_check(source):
    """``may_match`` (which spares walking a module's statements) never misses a ``match``:
    read as text or as bytes, whatever the line ends, indent, byte-order mark."""
    from shapelint.pattern_nesting import may_match

    assert any(isinstance(node, ast.Match) for node in ast.walk(ast.parse(source.lstrip("\ufeff"))))
    assert may_match(source) and may_match(source.encode("utf-8"))


def test_text_without_match_statements_is_not_walked():
    from shapelint.pattern_nesting import may_match

    assert not may_match(b"# in case of doubt\nx = 1  # match case\n")
    assert not may_match("x = 'case'\n")
    assert may_match(b"# -*- coding: latin-1 -*-\nx = 'case'\n")  # another encoding: not read, walked


def test_the_text_check_finds_every_match_statement_of_the_standard_library():
    """On the standard library's modules with ``match`` statements (CPython's pattern-matching
    tests write them every way the grammar allows). All of the standard library and a
    site-packages with numpy, scipy and pytest (1,499 files that say both words) passed when
    this was written; parsing them all takes too long for the suite."""
    from shapelint.pattern_nesting import may_match

    root = Path(ast.__file__).parent
    holding = 0
    for name in ("test/test_patma.py", "dataclasses.py", "traceback.py", "test/libregrtest/single.py"):
        path = root / name
        if not path.exists():
            continue
        data = path.read_bytes()
        if any(isinstance(node, ast.Match) for node in ast.walk(ast.parse(data))):
            holding += 1
            assert may_match(data), path
    if not holding:
        pytest.skip("this Python's standard library has no module with a match statement (3.10, or tests stripped)")
