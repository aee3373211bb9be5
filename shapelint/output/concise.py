"""``path:line:col: CODE message``: one line a finding, what problem matchers parse."""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from .context import fix_mark, printable


def render(findings: Iterable[Finding], ctx=None) -> str:
    """``[*]`` after the code marks a finding ``--fix`` would fix, as ruff marks it."""
    return "".join(printable(f"{f.where}: {f.code} {fix_mark(f, ctx)}{f.message}\n") for f in findings)
