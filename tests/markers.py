"""Read the inline markers of a fixture: ``# expect: SL002`` and ``# revealed: (n_h, 1)``."""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

EXPECT = re.compile(r"expect:\s*(SL\d{3}(?:\s*,\s*SL\d{3})*)")
REVEALED = re.compile(r"revealed:\s*(.+?)\s*$")


def comments(path: Path) -> list[tuple[int, str]]:
    with open(path, "rb") as handle:
        tokens = tokenize.tokenize(io.BytesIO(handle.read()).readline)
        return [(tok.start[0], tok.string) for tok in tokens if tok.type == tokenize.COMMENT]


def expected_findings(path: Path) -> list[tuple[int, str]]:
    found = []
    for line, text in comments(path):
        for match in EXPECT.finditer(text):
            found.extend((line, code.strip()) for code in match.group(1).split(","))
    return sorted(found)


def expected_reveals(path: Path) -> dict[int, str]:
    found = {}
    for line, text in comments(path):
        match = REVEALED.search(text)
        if match:
            found[line] = match.group(1).split("#")[0].strip()
    return found
