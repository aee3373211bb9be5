"""What a renderer may need besides the findings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional


def read_lines(path: str) -> Optional[list[str]]:
    try:
        return split_lines(Path(path).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def split_lines(text: str) -> list[str]:
    """Lines as Python numbers them: only ``\n``, ``\r\n`` and ``\r`` end one (not form feeds)."""
    return _LINE_END.split(text.rstrip("\r\n")) if text else []


_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class RenderContext:
    """``source_lines(path)`` gives a file's lines (stdin and notebooks register theirs in ``sources``)."""

    color: bool = False
    sources: dict[str, list[str]] = field(default_factory=dict)
    reader: Callable[[str], Optional[list[str]]] = read_lines

    def source_lines(self, path: str) -> Optional[list[str]]:
        if path not in self.sources:
            lines = self.reader(path)
            if lines is None:
                return None
            self.sources[path] = lines
        return self.sources[path]
