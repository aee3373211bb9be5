"""``path:line:col: CODE message``: one line a finding, what problem matchers parse."""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding


def render(findings: Iterable[Finding]) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}\n" for f in findings)
