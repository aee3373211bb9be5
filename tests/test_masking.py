"""A file with a too deeply nested expression: that expression gets the SL000, the rest is analysed."""
from __future__ import annotations

import subprocess
import sys

from shapelint.complexity import NAME, too_complex
from shapelint.engine import lint_source
from shapelint.masking import masked

HEADER = "import numpy as np\n"
LONG_SUM = "total = " + " + ".join(["a"] * 5_000) + "\n"
CONTINUED = "chain = a \\\n" + "    + a \\\n" * 2_000 + "    + a\n"
BUG = "bad = np.ones((3, 4)) + np.ones((3, 5))\n"


def test_the_rest_of_the_file_is_analysed_and_placed_as_written():
    source = HEADER + LONG_SUM + CONTINUED + BUG
    findings = lint_source(source, "gen.py").findings
    bug_line = source.count("\n")
    assert [(f.line, f.column, f.code, f.name) for f in findings] == [
        (2, 9, "SL000", NAME), (3, 9, "SL000", NAME), (bug_line, 7, "SL007", "shape-mismatch")]
    assert "nested 5,001 deep" in findings[0].message and "the rest of the file is analysed" in findings[0].message


def test_the_mask_keeps_every_line_and_column_and_stays_python():
    source = HEADER + "x = f(1, " + " + ".join(["a"] * 800) + ")  # tail\n" + CONTINUED + BUG
    mask = masked(source)
    assert mask is not None
    assert [len(line) for line in mask.text.splitlines()] == [len(line) for line in source.splitlines()]
    assert mask.text.splitlines()[1].startswith("x = (...") and mask.text.splitlines()[1].endswith(")  # tail")  # the whole call
    assert mask.text.splitlines()[-1] == BUG.rstrip("\n")
    assert too_complex(mask.text) is None
    compile(mask.text, "masked", "exec")


def test_findings_on_a_masked_file_carry_no_fix(tmp_path):
    """A fix renders nodes of the masked text: the placeholder must never reach the user's file."""
    source = HEADER + LONG_SUM + "def f(W, X):\n    # W: (3, 4), X: (5, 4)\n    return np.dot(W, X)\n"
    path = tmp_path / "gen.py"
    path.write_text(source)
    findings = lint_source(source, str(path)).findings
    assert [f.code for f in findings] == ["SL000", "SL004"]
    assert all(f.fix is None for f in findings)
    done = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", "--fix", "--unsafe-fixes", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert path.read_text() == source


def test_what_cannot_be_masked_leaves_the_whole_file_unanalysed():
    target = HEADER + "a" + ".b" * 3_000 + " = 1\n" + BUG  # an assignment target: no value to stand in for
    assert masked(target) is None
    assert [(f.line, f.name) for f in lint_source(target, "t.py").findings] == [(2, NAME)]
    deep_statements = HEADER + "".join(f"{'el' if i else ''}if x == {i}:\n    y = {i}\n" for i in range(1_500)) + BUG
    assert masked(deep_statements) is None  # an elif chain nests statements, not one expression
    assert [f.name for f in lint_source(deep_statements, "d.py").findings] == [NAME]
