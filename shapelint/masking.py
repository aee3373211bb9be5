"""The rest of a file analysed around expressions too deeply nested to parse (``complexity``).

A generated file may hold one absurd expression (a 20,000-term sum) beside ordinary code; an
SL000 for the whole file would hide the bugs in the rest. So each expression nested past a
limit is masked: its text, over the same lines and columns, becomes ``(...)`` (an Ellipsis,
which the analysis knows as an unknown value) padded with spaces, inside brackets so that its
lines still join. Every other line and column stays where it was, so findings elsewhere are
placed as in the original. The limit starts at ``EXPRESSION_DEPTHS[0]`` (deeper than any
expression of the 26,184 real files measured) and is lowered until the masked text is within
the limits of ``complexity``; if it never is, or an expression cannot be masked (an assignment
target, too little room for ``(...)``), the whole file stays unanalysed.

Findings on a masked file keep no fix: a fix renders nodes of the masked text, and the
placeholder must never be written into the user's file.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Optional

from .complexity import TooComplex, too_complex
from .pattern_nesting import heaviest_first_until_bounded, measured_patterns

EXPRESSION_DEPTHS = (500, 200, 100)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


@dataclass(frozen=True)
class Masked:
    text: str  # the source, masked
    problems: tuple[TooComplex, ...]  # one per masked expression, placed at its start


def masked(source: bytes | str) -> Optional[Masked]:
    """``source`` with its too deeply nested expressions masked, or None when that cannot make it
    analysable (it is then not analysed at all)."""
    text = _utf8(source)
    if text is None:
        return None
    try:
        tree = compile(text, "<shapelint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return None
    heights = _heights(tree)
    lines = [line for line in _LINE.findall(text) if line]
    patterns = heaviest_first_until_bounded(measured_patterns(tree, text))
    if patterns:  # a refutable pattern of the same lines and columns: ``(None   )``
        lines = [line for line in _LINE.findall(_mask(lines, [pattern.span for pattern in patterns], "None") or "") if line]
        if not lines:
            return None
    pattern_problems = tuple(TooComplex(
        f"too complex to analyse: this `case` pattern is nested {pattern.depth} brackets deep (libcst's parse time "
        f"doubles with each level); the rest of the file is analysed, with this case's pattern unknown",
        pattern.span.lineno, _column(lines[pattern.span.lineno - 1], pattern.span.col_offset)) for pattern in patterns)
    if patterns and too_complex("".join(lines)) is None:
        return Masked("".join(lines), pattern_problems)
    for limit in EXPRESSION_DEPTHS:
        deep = _outermost_deeper_than(tree, heights, limit)
        if not deep or any(isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)) for node in deep):
            return None
        result = _mask(lines, deep)
        if result is None:
            return None
        if too_complex(result) is None:
            problems = tuple(TooComplex(
                f"too complex to analyse: this expression is nested {heights[id(node)]:,} deep (the limit here is "
                f"{limit:,}); the rest of the file is analysed, with its value unknown",
                node.lineno, _column(lines[node.lineno - 1], node.col_offset)) for node in deep)
            return Masked(result, tuple(sorted(pattern_problems + problems, key=lambda p: (p.line, p.column))))
    return None


def _utf8(source: bytes | str) -> Optional[str]:
    if isinstance(source, str):
        return source
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _heights(tree: ast.AST) -> dict[int, int]:
    """id(node) -> the depth of its subtree (1 for a leaf), level by level (no recursion)."""
    levels = [[tree]]
    children: dict[int, list] = {}
    while levels[-1]:
        below = []
        for node in levels[-1]:
            mine = [child for child in ast.iter_child_nodes(node)]
            children[id(node)] = mine
            below.extend(mine)
        levels.append(below)
    heights: dict[int, int] = {}
    for level in reversed(levels):
        for node in level:
            heights[id(node)] = 1 + max((heights[id(child)] for child in children[id(node)]), default=0)
    return heights


def _outermost_deeper_than(tree: ast.AST, heights: dict[int, int], limit: int) -> list:
    """The expressions deeper than ``limit`` that no such expression contains, in source order."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.expr) and heights[id(node)] > limit:
            found.append(node)
        elif heights[id(node)] > limit:
            stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def _column(line: str, byte_offset: int) -> int:
    """The 1-based character column of a UTF-8 byte offset (what CPython's positions count)."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1


def _mask(lines: list[str], nodes: list, filler: str = "...") -> Optional[str]:
    """The text with each node's span blanked, ``(`` at its start, ``)`` at its end and ``filler``
    in the first room between; line endings kept."""
    rows = [list(line) for line in lines]
    for node in nodes:
        first, last = node.lineno - 1, node.end_lineno - 1
        start = _column(lines[first], node.col_offset) - 1
        end = _column(lines[last], node.end_col_offset) - 1  # exclusive
        cells = []  # (row, column) of every character of the span but line endings
        for row in range(first, last + 1):
            content = len(lines[row].rstrip("\r\n"))
            lo = start if row == first else 0
            hi = end if row == last else content
            cells.extend((row, column) for column in range(lo, hi))
        if len(cells) < len(filler) + 2:
            return None
        for row, column in cells:
            rows[row][column] = " "
        rows[cells[0][0]][cells[0][1]] = "("
        rows[cells[-1][0]][cells[-1][1]] = ")"
        room = _room_for(cells[1:-1], len(filler))
        if room is None:
            return None
        for (row, column), character in zip(room, filler):
            rows[row][column] = character
    return "".join("".join(row) for row in rows)


def _room_for(cells: list, width: int) -> Optional[list]:
    """``width`` cells side by side on one line, the first such."""
    for index in range(len(cells) - width + 1):
        run = cells[index:index + width]
        if all(row == run[0][0] and column == run[0][1] + offset for offset, (row, column) in enumerate(run)):
            return run
    return None


__all__ = ["Masked", "masked"]
