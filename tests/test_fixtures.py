"""Every fixture's findings are exactly its ``# expect:`` markers, and every ``# revealed:`` holds."""
from __future__ import annotations

from pathlib import Path

import pytest
from markers import expected_findings, expected_reveals

from shapelint.engine import lint_source
from shapelint.infer.values import ArrayValue, IntValue

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py") if not p.name.endswith(".fixed.py"))


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT / "fixtures"))


def show(value) -> str:
    if isinstance(value, ArrayValue):
        return str(value.shape)
    if isinstance(value, IntValue):
        return f"int {value.dim}"
    return "unknown"


@pytest.mark.parametrize("path", FIXTURES, ids=ids)
def test_findings_are_exactly_the_markers(path: Path) -> None:
    result = lint_source(path.read_bytes(), str(path))
    actual = sorted((f.line, f.code) for f in result.findings)
    messages = "\n".join(f"  {f.line}: {f.code} {f.message}" for f in result.findings)
    assert actual == expected_findings(path), f"findings:\n{messages}"


REVEALING = [p for p in FIXTURES if expected_reveals(p)]


@pytest.mark.parametrize("path", REVEALING, ids=ids)
def test_revealed_shapes(path: Path) -> None:
    expected = expected_reveals(path)
    result = lint_source(path.read_bytes(), str(path))
    assert result.analysis is not None
    positions = result.context.locate([node for node, _ in result.analysis.reveals])
    actual = {}
    for node, value in result.analysis.reveals:
        actual.setdefault(positions[node].start.line, show(value))
    assert actual == expected
