"""The reference-network bug corpus, checked statically and at run time.

``fixtures/reference_net/<bug>.py`` is a full copy of ``reference_net/vectorized.py``
with one bug, marked ``# expect: SLxxx`` where shapelint should report it;
``<bug>.fixed.py`` is the same file with the bug repaired. The two checks must
agree: shapelint flags the bug statically, and ``shapelint verify`` (which runs the
copy beside the loop twin) sees it go wrong; the repaired copy is clean and
matches. (``tests/test_fixtures.py`` checks that the findings are *exactly* the
markers; here only that each marker is found.)

A copy whose markers are all SL006 (a vectorizable loop) is slow, not wrong:
verify must match for it.
"""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pytest
from markers import expected_findings

from shapelint.engine import lint_source
from shapelint.verify import EXIT_MATCH, EXIT_MISMATCH, verify

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "reference_net"
REFERENCE = ROOT / "reference_net"
BUGGY = sorted(p for p in CORPUS.glob("*.py") if not p.name.endswith(".fixed.py"))
FIXED = sorted(CORPUS.glob("*.fixed.py"))

SLOW_NOT_WRONG = {"SL006"}  # codes that mark slow code, not wrong code
MARKER = re.compile(r"\s*# expect: SL\d{3}(?:\s*,\s*SL\d{3})*")

# What verify's report must name for each bug: the array, or the exception and the line.
# ``raises_at_marker``: the code raises on the very line shapelint flags.
REPORTS = {
    "rank1_bias": dict(names=("MISMATCH", "init_params: b1 [", "got shape:          (4,)")),
    "rank1_input_slice": dict(names=("your code raised", "forward [", "AssertionError",
                                     "assert a_prev.shape == (n_prev, 1)")),
    "missing_keepdims_db": dict(names=("your code raised", "backward [", "AssertionError",
                                       "assert db.shape == (n_l, 1)")),
    "wrong_axis_db": dict(names=("your code raised", "backward [", "AssertionError",
                                 "assert db.shape == (n_l, 1)")),
    "missing_transpose_dw": dict(names=("your code raised", "backward [", "ValueError",
                                        "dW = (1 / m) * (dZ @ A_prev)"), raises_at_marker=True),
    "missing_transpose_da": dict(names=("your code raised", "backward [", "ValueError",
                                        "dA_prev = W @ dZ"), raises_at_marker=True),
    "silent_broadcast": dict(names=("MISMATCH", "forward: AL [layer_dims=(6, 3, 2)",
                                    "max abs difference")),
}


def name_of(path: Path) -> str:
    return path.name.removesuffix(".py").removesuffix(".fixed")


def is_slow_not_wrong(path: Path) -> bool:
    codes = {code for _, code in expected_findings(path)}
    return bool(codes) and codes <= SLOW_NOT_WRONG


def buggy_twin(fixed: Path) -> Path:
    return fixed.with_name(name_of(fixed) + ".py")


@lru_cache(maxsize=None)
def run_verify(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = verify(str(path), out=out)
    return code, out.getvalue()


def findings_of(path: Path):
    return lint_source(path.read_bytes(), str(path)).findings


def show(findings) -> str:
    return "\n".join(f"  {f.line}: {f.code} {f.message}" for f in findings) or "  (none)"


def code_lines(path: Path) -> list[str]:
    """The lines after the module docstring, markers removed."""
    text = path.read_text()
    body = text[text.index('"""', 3) + 3:]
    return [MARKER.sub("", line) for line in body.splitlines()]


def test_corpus_is_complete():
    assert {name_of(p) for p in BUGGY} == {name_of(p) for p in FIXED}
    wrong = {name_of(p) for p in BUGGY if not is_slow_not_wrong(p)}
    assert wrong == set(REPORTS), "every bug copy needs its expected verify report in REPORTS"
    assert [name_of(p) for p in BUGGY if is_slow_not_wrong(p)] == ["loopy_forward"]


@pytest.mark.parametrize("path", BUGGY, ids=name_of)
def test_buggy_copy_is_flagged_on_its_markers(path: Path) -> None:
    findings = findings_of(path)
    expected = expected_findings(path)
    assert expected, f"{path.name} marks no finding"
    found = {(f.line, f.code) for f in findings}
    missing = [marker for marker in expected if marker not in found]
    assert not missing, f"no finding for marker(s) {missing}; findings:\n{show(findings)}"


@pytest.mark.parametrize("path", BUGGY, ids=name_of)
def test_verify_sees_the_bug(path: Path) -> None:
    code, report = run_verify(path)
    if is_slow_not_wrong(path):
        assert code == EXIT_MATCH, report
        assert "match for" in report
        return
    assert code == EXIT_MISMATCH, report
    expected = REPORTS[name_of(path)]
    for text in expected["names"]:
        assert text in report, f"{text!r} not in the report:\n{report}"
    if expected.get("raises_at_marker"):
        (line, _), = [marker for marker in expected_findings(path) if marker[1] not in SLOW_NOT_WRONG]
        assert f"{path}:{line} in " in report, report


@pytest.mark.parametrize("path", FIXED, ids=name_of)
def test_fixed_copy_is_clean_and_matches(path: Path) -> None:
    text = path.read_text()
    assert "expect:" not in text
    # The fix leaves a vectorizable loop of the buggy copy alone (rank1_input_slice):
    # an SL006 finding is allowed on a line its twin marks SL006, if the line is unchanged.
    twin = buggy_twin(path)
    twin_lines, lines = twin.read_text().splitlines(), text.splitlines()
    allowed = {(line, code) for line, code in expected_findings(twin)
               if code in SLOW_NOT_WRONG and line <= len(lines)
               and MARKER.sub("", twin_lines[line - 1]) == lines[line - 1]}
    unexpected = [f for f in findings_of(path) if (f.line, f.code) not in allowed]
    assert not unexpected, f"findings in a fixed copy:\n{show(unexpected)}"
    code, report = run_verify(path)
    assert code == EXIT_MATCH, report


@pytest.mark.parametrize("path", FIXED, ids=name_of)
def test_fixed_copy_differs_only_where_the_bug_was(path: Path) -> None:
    twin = buggy_twin(path)
    assert path.read_text().split('"""')[1] == twin.read_text().split('"""')[1], "same docstring"
    if is_slow_not_wrong(twin):  # the fix of a slow loop is the reference's vectorized code
        assert code_lines(path) == code_lines(REFERENCE / "vectorized.py")
        return
    fixed, buggy = code_lines(path), code_lines(twin)
    assert len(fixed) == len(buggy)
    offset = len(twin.read_text().splitlines()) - len(buggy)
    changed = {i + 1 + offset for i, (a, b) in enumerate(zip(fixed, buggy)) if a != b}
    bug_lines = {line for line, code in expected_findings(twin) if code not in SLOW_NOT_WRONG}
    assert changed == bug_lines


def test_reference_net_reports_only_its_loop_markers():
    """``shapelint reference_net/``: nothing but SL006 on the marked loops of loops.py."""
    problems = []
    for path in sorted(REFERENCE.glob("*.py")):
        findings = findings_of(path)
        expected = expected_findings(path)
        assert all(code == "SL006" for _, code in expected), f"{path.name}: unexpected marker"
        if path.name != "loops.py":
            assert not expected, f"{path.name} should carry no markers"
        for f in findings:
            if (f.line, f.code) not in expected:
                problems.append(f"{path.name}:{f.line}: {f.code} {f.message}")
        for line, code in expected:
            if (line, code) not in {(f.line, f.code) for f in findings}:
                problems.append(f"{path.name}:{line}: expected {code}, not reported")
    assert not problems, "\n".join(problems)
    for name in ("vectorized.py", "samples_first.py"):
        assert not findings_of(REFERENCE / name), name
