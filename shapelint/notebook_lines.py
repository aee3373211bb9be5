"""Where a notebook cell's lines sit in the ``.ipynb`` file itself.

A notebook finding counts lines within its cell; a viewer of the ``.ipynb`` (GitHub code scanning,
reading SARIF) needs the line of the JSON file instead. Jupyter writes a cell's ``source`` as a
list of strings, one line each, one per line of the file, so a cell's line maps to a file line,
and to a column when its text is written without escapes. ``json`` gives no positions, so the few
keys on the way (``cells``, ``source``) are scanned here, and everything else skipped by ``json``.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Optional

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class FileSpot:
    """A 1-based line of the ``.ipynb`` file; ``column`` of the cell line's first character there,
    None when the JSON string escapes something before it (its columns then differ)."""

    line: int
    column: Optional[int]


class CellLines:
    """``spot(cell, line, column)``: where a line of a cell (1-based, cells counted as in findings) is in the file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        try:
            self.sources = _cell_sources(text)
        except (ValueError, IndexError, KeyError, TypeError):
            self.sources = {}

    def spot(self, cell: int, line: int, column: int = 1) -> Optional[FileSpot]:
        pieces = self.sources.get(cell)
        if not pieces:
            return None
        before = 0  # cell lines before the current piece
        for offset, value in pieces:
            lines = value.count("\n") + (0 if value.endswith("\n") else 1)
            if line <= before + max(lines, 1) or (offset, value) == pieces[-1]:
                return self._spot(offset, value, line - before, column)
            before += lines
        return None

    def _spot(self, offset: int, value: str, line: int, column: int) -> FileSpot:
        """``offset`` is the string's opening quote; ``line`` counts within ``value``."""
        file_line = bisect_right(self.line_starts, offset)
        start = offset - self.line_starts[file_line - 1] + 2  # the 1-based column after the quote
        if line != 1:
            return FileSpot(file_line, None)  # later lines of one string sit on the same file line, escaped
        prefix = value[: column - 1]
        raw = self.text[offset + 1: offset + 1 + len(prefix)]
        return FileSpot(file_line, start + len(prefix) if raw == prefix else None)


def _cell_sources(text: str) -> dict[int, list[tuple[int, str]]]:
    """cell number (1-based, every cell) -> its source strings with the offset of each opening quote."""
    found: dict[int, list[tuple[int, str]]] = {}
    for key, i in _members(text, _skip(text, 0)):
        if key != "cells" or text[i] != "[":
            continue
        for number, j in enumerate(_elements(text, i), start=1):
            if text[j] != "{":
                continue
            for cell_key, k in _members(text, j):
                if cell_key == "source":
                    found[number] = _strings(text, k)
    return found


def _skip(text: str, i: int) -> int:
    return _SPACE.match(text, i).end()


def _members(text: str, i: int):
    """Yield (key, offset of its value) for the object at ``i``, skipping each value after it is seen."""
    assert text[i] == "{"
    i = _skip(text, i + 1)
    while text[i] != "}":
        key, i = scanstring(text, i + 1)
        i = _skip(text, _skip(text, i) + 1)  # past the colon
        yield key, i
        _, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] == ",":
            i = _skip(text, i + 1)


def _elements(text: str, i: int):
    """Yield the offset of each element of the array at ``i``."""
    assert text[i] == "["
    i = _skip(text, i + 1)
    while text[i] != "]":
        yield i
        _, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] == ",":
            i = _skip(text, i + 1)


def _strings(text: str, i: int) -> list[tuple[int, str]]:
    if text[i] == '"':
        return [(i, scanstring(text, i + 1)[0])]
    if text[i] != "[":
        return []
    return [(j, scanstring(text, j + 1)[0]) for j in _elements(text, i) if text[j] == '"']
