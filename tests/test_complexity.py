"""Input nested too deeply for libcst to parse in bounded time gets one SL000, in seconds."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from shapelint.complexity import MAX_DEEP_WORK, MAX_DEPTH, NAME, too_complex
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
