"""How safe a fix is (ruff's three kinds), and whether a finding's fix applies: shared by the
rules, ``--fix`` and the summary lines, without importing either."""
from __future__ import annotations

SAFE, UNSAFE, DISPLAY_ONLY = "safe", "unsafe", "display-only"


def applicable(finding, unsafe: bool) -> bool:
    """Would ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) apply this finding's fix?"""
    if finding.fix is None:
        return False
    kind = finding.fix["applicability"]
    return kind == SAFE or (unsafe and kind == UNSAFE)
