"""``path:line:col: CODE message``: one line a finding, what problem matchers parse."""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from .context import printable


def render(findings: Iterable[Finding], ctx=None) -> str:
    return "".join(printable(f"{f.where}: {f.code} {f.message}\n") for f in findings)
