"""A JSON list in ruff's shape, for editors and scripts."""
from __future__ import annotations

import json
from typing import Iterable

from ..findings import Finding
from .context import printable


def as_dict(finding: Finding) -> dict:
    return {
        "code": finding.code,
        "name": finding.name,
        "message": printable(finding.message),
        "filename": printable(finding.path),
        "location": {"row": finding.line, "column": finding.column},
        "end_location": {"row": finding.end_line or finding.line, "column": finding.end_column or finding.column},
        "fix": finding.fix,
        "url": finding.url,
        "cell": finding.cell,
    }


def render(findings: Iterable[Finding], ctx=None) -> str:
    return json.dumps([as_dict(f) for f in findings], indent=2) + "\n"
