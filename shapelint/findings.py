"""A finding: one rule's verdict at one place in one file."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

SYNTAX_CODE = "SL000"
SYNTAX_NAME = "syntax-error"
INTERNAL_NAME = "internal-error"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    name: str = ""
    end_line: int = 0
    end_column: int = 0
    fix: Optional[dict] = None

    @property
    def url(self) -> Optional[str]:
        return None
