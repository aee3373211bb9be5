"""``case`` patterns nested too deeply for libcst's parser, measured on CPython's tokens.

libcst's parser backtracks through nested ``case`` patterns: its time doubles with each bracket
level of a pattern and quadruples with each mapping level (measured on libcst 1.0.1: ``case
{1: {1: ... a}}`` 9 deep parses in 0.6 s, 11 deep in 9 s, 12 deep in minutes; ``[[...]]``,
``C(...)``, ``C(k=...)`` and parenthesised groups reach 3-10 s at 20 deep), where CPython
parses them at once. A pattern's work is counted as the sum, over its opening brackets, of
2 ** (the weight of the brackets around and at that point, ``{`` weighing 2 and ``(``/``[`` 1),
plus one per ``case``; siblings add up, as their parse times do. A file may hold at most
``MAX_PATTERN_WORK``: about 1.3 s of libcst's parse at worst (keyword patterns ``C(k=C(k=...))``
17 deep, the slowest per unit; mappings stop at 8 deep), and far above real code (the standard
library's 23 files with ``match`` reach 2,064, in CPython's own pattern-matching tests; a thousand
cases of three nested mappings make 85,000).

Brackets are read from tokens, so that a bracket in a string or a comment is not one; the
groups around a pattern (``case ((a)):``), which CPython's tree does not keep, are read from the
tokens before it.
"""
from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Iterator, Optional

MAX_PATTERN_WORK = 2 ** 18
_WEIGHT = {"(": 1, "[": 1, "{": 2}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_SKIPPED = (tokenize.NL, tokenize.COMMENT)
# A line that may start a ``match`` statement: a compound statement starts its own line (never after
# ``;`` or a block's ``:``), and a soft keyword is matched as written. Any line starting with the
# letters will do (``matches = ...`` too: that only costs the walk this spares).
_MATCH_LINE = re.compile(rb"(?:\A(?:\xef\xbb\xbf)?|[\r\n])[ \t\f]*match")
_MATCH_LINE_TEXT = re.compile("(?:\\A\ufeff?|[\r\n])[ \t\f]*match")
_CODING_LINES = re.compile(rb"\A[^\r\n]*(?:\r\n?|\n)?[^\r\n]*coding[:=]")


@dataclass(frozen=True)
class Span:
    """Where a pattern's text is, with the groups around it, as CPython places nodes (1-based
    lines, columns in UTF-8 bytes): what ``masking`` blanks."""

    lineno: int
    col_offset: int
    end_lineno: int
    end_col_offset: int


@dataclass(frozen=True)
class PatternWork:
    span: Span
    work: int  # what it costs the parser, in the units above
    depth: int  # how many brackets deep it goes


def measured_patterns(tree: ast.Module, source: bytes | str) -> list[PatternWork]:
    """Every ``case`` pattern of the module with its work ([] for a module without ``match``)."""
    if not may_match(source):
        return []
    matches = list(_outermost_matches(tree))
    if not matches:
        return []
    text = _text(source)
    lines = _LINE.findall(text) if text is not None else []
    measured = []
    for match in matches:
        tokens = _tokens(lines, match)
        for case in _cases_within(match):
            measured.append(_measure(tokens, lines, case.pattern))
    return measured


def may_match(source: bytes | str) -> bool:
    """Could ``source`` hold a ``match`` statement? Told from its text at C speed: walking a large
    module's statements to find none costs 0.4% of its parse. Bytes with a coding declaration are
    not read (another encoding may spell the keyword in other bytes)."""
    if isinstance(source, str):
        return "case" in source and _MATCH_LINE_TEXT.search(source) is not None
    if b"case" not in source:
        return False
    return _CODING_LINES.match(source) is not None or _MATCH_LINE.search(source) is not None


def too_much(measured: list[PatternWork]) -> bool:
    return sum(1 + pattern.work for pattern in measured) > MAX_PATTERN_WORK


def heaviest_first_until_bounded(measured: list[PatternWork]) -> list[PatternWork]:
    """The patterns to set aside so that the rest is within ``MAX_PATTERN_WORK``, in source order."""
    work = sum(1 + pattern.work for pattern in measured)
    heavy = []
    for pattern in sorted(measured, key=lambda pattern: pattern.work, reverse=True):
        if work <= MAX_PATTERN_WORK:
            break
        heavy.append(pattern)
        work -= pattern.work
    return sorted(heavy, key=lambda pattern: (pattern.span.lineno, pattern.span.col_offset))


def _outermost_matches(tree: ast.Module) -> Iterator[ast.Match]:
    """The ``match`` statements not inside another, found through statements only."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Match):
            yield node
            continue
        for name in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(node, name, ()))


def _cases_within(match: ast.Match) -> Iterator[ast.match_case]:
    stack: list = [match]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Match):
            yield from node.cases
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            stack.extend(getattr(node, name, ()))


def _tokens(lines: list[str], match: ast.Match) -> Optional[list]:
    """The tokens of the ``match`` statement's whole lines (positions as in the file); None when
    they cannot be read (then every bracket character counts)."""
    if not lines or match.end_lineno > len(lines):
        return None
    text = "".join(lines[match.lineno - 1:match.end_lineno])
    try:
        found = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    shift = match.lineno - 1
    return [token._replace(start=(token.start[0] + shift, token.start[1]), end=(token.end[0] + shift, token.end[1]))
            for token in found]


def _measure(tokens: Optional[list], lines: list[str], pattern: ast.pattern) -> PatternWork:
    own = Span(pattern.lineno, pattern.col_offset, pattern.end_lineno, pattern.end_col_offset)
    if tokens is None:  # unreadable: every bracket character of its lines, as if nested
        text = "".join(lines[pattern.lineno - 1:pattern.end_lineno]) if lines else "(" * 64
        brackets = [character for character in text if character in "([{"]
        return PatternWork(own, *_work(brackets))
    start = (pattern.lineno, _characters(lines, pattern.lineno, pattern.col_offset))
    end = (pattern.end_lineno, _characters(lines, pattern.end_lineno, pattern.end_col_offset))
    first = bisect.bisect_left([token.start for token in tokens], start)
    before = first - 1
    groups = []
    while before >= 0 and (tokens[before].type in _SKIPPED or tokens[before].string == "("):
        if tokens[before].string == "(":
            groups.append(tokens[before])
        before -= 1
    inside = []
    for token in tokens[first:]:
        if token.start >= end:
            break
        if token.type == tokenize.OP and token.string in "()[]{}":
            inside.append(token.string)
    span = own
    if groups:
        closing = _closing(tokens, end, len(groups))
        if closing is not None:
            outer = groups[-1].start
            span = Span(outer[0], _bytes(lines, *outer), closing[0], _bytes(lines, *closing))
    return PatternWork(span, *_work(["("] * len(groups) + inside))


def _closing(tokens: list, end: tuple, count: int) -> Optional[tuple]:
    """Where the ``count``-th ``)`` after ``end`` ends (the groups around a pattern close there)."""
    seen = 0
    for token in tokens:
        if token.start < end or token.type in _SKIPPED:
            continue
        if token.string != ")":
            return None
        seen += 1
        if seen == count:
            return token.end
    return None


def _work(brackets: list[str]) -> tuple[int, int]:
    work = weight = deepest = 0
    opened: list[int] = []
    for bracket in brackets:
        if bracket in _WEIGHT:
            opened.append(_WEIGHT[bracket])
            weight += opened[-1]
            work += 2 ** weight
            deepest = max(deepest, len(opened))
        elif opened:
            weight -= opened.pop()
    return work, deepest


def _characters(lines: list[str], lineno: int, byte_column: int) -> int:
    return len(lines[lineno - 1].encode("utf-8")[:byte_column].decode("utf-8", "replace"))


def _bytes(lines: list[str], lineno: int, column: int) -> int:
    return len(lines[lineno - 1][:column].encode("utf-8"))


def _text(source: bytes | str) -> Optional[str]:
    if isinstance(source, str):
        return source
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


__all__ = ["MAX_PATTERN_WORK", "PatternWork", "Span", "heaviest_first_until_bounded", "measured_patterns", "too_much"]
