"""What a renderer may need besides the findings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..files import read_regular


def read_lines(path: str) -> Optional[list[str]]:
    """A regular file's lines (None for anything else: a FIFO is never opened)."""
    try:
        return split_lines(read_regular(path).decode("utf-8", errors="replace"))
    except OSError:
        return None


def printable(text: str) -> str:
    """``text`` as any UTF-8 output can carry it: the undecodable bytes of a file name (held as
    surrogate escapes, ``os.fsdecode``) are shown as ``\\xe9``, other lone surrogates as ``\\udXXX``."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def split_lines(text: str) -> list[str]:
    """Lines as Python numbers them: only ``\n``, ``\r\n`` and ``\r`` end one (not form feeds)."""
    return _LINE_END.split(text.rstrip("\r\n")) if text else []


_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class RenderContext:
    """``source_lines(path)`` gives a file's lines (stdin and notebooks register theirs in ``sources``)."""

    color: bool = False
    sources: dict[str, list[str]] = field(default_factory=dict)
    fix_marks: Optional[str] = None  # "safe" or "unsafe": mark findings ``--fix`` (with --unsafe-fixes) would fix ``[*]``
    reader: Callable[[str], Optional[list[str]]] = read_lines

    def source_lines(self, path: str) -> Optional[list[str]]:
        if path not in self.sources:
            lines = self.reader(path)
            if lines is None:
                return None
            self.sources[path] = lines
        return self.sources[path]


def fix_mark(finding, ctx: Optional["RenderContext"]) -> str:
    """``"[*] "`` on a finding the fixes asked for would fix (ruff's mark); "" otherwise."""
    if ctx is None or ctx.fix_marks is None or finding.fix is None:
        return ""
    kind = finding.fix.get("applicability")
    return "[*] " if kind == "safe" or (kind == "unsafe" and ctx.fix_marks == "unsafe") else ""
