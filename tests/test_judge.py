"""Judging a file once its messages' lines are known asks again only the events whose rules
asked for a position (``engine.judge`` with ``Answers``), and gives what a whole second
judgement gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from shapelint import engine
from shapelint.engine import lint_source
from shapelint.rules.base import Rule

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(p for p in list((ROOT / "fixtures").rglob("*.py")) + list((ROOT / "reference_net").glob("*.py"))
                if not p.name.endswith(".fixed.py"))

# Two functions whose bugs cite the line an array was made on, and many events that ask nothing.
CITES_LINES = """import numpy as np


def forward(X):
    b = np.zeros(4)
    Z = np.dot(np.ones((4, 3)), X) + b
    return np.tanh(Z) * 2 + 1 - Z / 3


def backward(dZ, A):
    db = np.sum(dZ, axis=1)
    s = np.zeros((4, 1)) + np.ones((4, 1)) * 3
    return np.dot(dZ, A.T), db + s


forward(np.ones((3, 7)))
backward(np.ones((4, 7)), np.ones((3, 7)))
"""


def _whole_second_judgement(monkeypatch) -> None:
    """The engine as it was: every event asked again in the second judgement."""
    judge = engine.judge
    monkeypatch.setattr(engine, "judge", lambda analysis, ctx, rules=None, answers=None: judge(analysis, ctx, rules))


def _findings(source: bytes, name: str) -> list[tuple]:
    return [(f.line, f.column, f.end_line, f.end_column, f.code, f.message, str(f.fix)) for f in lint_source(source, name).findings]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_answers_kept_between_judgements_give_a_whole_second_judgements_findings(path, monkeypatch):
    source = path.read_bytes()
    kept = _findings(source, str(path))
    _whole_second_judgement(monkeypatch)
    assert _findings(source, str(path)) == kept


def test_the_second_judgement_asks_again_only_the_events_that_asked_for_a_line(monkeypatch):
    asked: list[int] = []  # rule checks per judgement
    judge, check = engine.judge, Rule.check

    def counting_judge(*args, **kwargs):
        asked.append(0)
        return judge(*args, **kwargs)

    def counting_check(self, event, ctx):
        asked[-1] += 1
        return check(self, event, ctx)

    monkeypatch.setattr(engine, "judge", counting_judge)
    monkeypatch.setattr(Rule, "check", counting_check)
    findings = lint_source(CITES_LINES.encode(), "m.py").findings
    assert any("on line 5" in f.message for f in findings)  # a message cited a line: judged twice
    first, second = asked
    assert 0 < second < first / 3
