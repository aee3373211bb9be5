"""Suppression comments: ``# noqa``, ``# noqa: SL001, SL005``, ``# shapelint: ignore[SL001]``,
and ``# shapelint: skip-file`` among a file's leading comments.

Comments are found with the tokenizer (a ``# noqa`` inside a string is not one),
and only in files that have findings, or when unused suppressions are wanted.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Optional

from .findings import Finding

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9_\-]+(?:[\s,]+[A-Za-z0-9_\-]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*shapelint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_SKIP_FILE = re.compile(rb"#\s*shapelint:\s*skip-file")
_SKIP_FILE_TEXT = re.compile(r"#\s*shapelint:\s*skip-file")


@dataclass
class Suppression:
    line: int
    column: int
    text: str
    codes: Optional[frozenset[str]]  # None: every code
    used: set = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def _codes(raw: Optional[str]) -> Optional[frozenset[str]]:
    if raw is None or not raw.strip():
        return None
    return frozenset(part.upper() for part in re.split(r"[\s,]+", raw.strip()) if part)


def comments(source: bytes | str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every comment; empty when the source does not tokenize."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    found = []
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        pass
    return found


def suppressions(source: bytes | str) -> dict[int, list[Suppression]]:
    by_line: dict[int, list[Suppression]] = {}
    for line, column, text in comments(source):
        for pattern in (_NOQA, _IGNORE):
            for match in pattern.finditer(text):
                found = Suppression(line, column + match.start(), match.group(0), _codes(match.group("codes")))
                by_line.setdefault(line, []).append(found)
    return by_line


def skips_file(source: bytes | str) -> bool:
    """``# shapelint: skip-file`` in the comments before the first line of code, also in a file
    that is not valid in its encoding (its comments are then read byte for byte, as latin-1)."""
    quick = _SKIP_FILE.search(source) if isinstance(source, bytes) else _SKIP_FILE_TEXT.search(source)
    if quick is None:
        return False
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    try:
        return _skip_comment_leads(tokenize.tokenize(io.BytesIO(data).readline))
    except (SyntaxError, UnicodeDecodeError, LookupError):
        try:
            return _skip_comment_leads(tokenize.generate_tokens(io.StringIO(data.decode("latin-1")).readline))
        except (tokenize.TokenError, SyntaxError):
            return False
    except tokenize.TokenError:
        return False


def _skip_comment_leads(tokens) -> bool:
    for token in tokens:
        if token.type == tokenize.COMMENT and _SKIP_FILE_TEXT.search(token.string):
            return True
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.STRING):
            return False
    return False


def apply(findings: list[Finding], source: bytes | str, path: str, report_unused: bool = False) -> list[Finding]:
    """Drop suppressed findings; with ``report_unused``, add SL100 for suppressions that matched nothing."""
    if not findings and not report_unused:
        return findings
    table = suppressions(source)
    kept = []
    for finding in findings:
        matched = [s for s in table.get(finding.line, []) if s.covers(finding.code)]
        if matched and finding.code != "SL000":
            for s in matched:
                s.used.add(finding.code)
            continue
        kept.append(finding)
    if report_unused:
        kept.extend(unused(table, path))
    return kept


def unused(table: dict[int, list[Suppression]], path: str) -> list[Finding]:
    """Suppressions of shapelint's that matched nothing: a bare ``# noqa`` belongs to every linter, so not those."""
    found = []
    for line, entries in sorted(table.items()):
        for s in entries:
            is_noqa = s.text.lstrip("#").strip().lower().startswith("noqa")
            ours = None if s.codes is None else frozenset(c for c in s.codes if c.startswith("SL"))
            if ours is None and not is_noqa and not s.used:
                message = f"`{s.text}` suppresses nothing on this line; remove it"
            elif ours and not ours <= s.used:
                idle = ", ".join(sorted(ours - s.used))
                message = f"`{s.text}`: nothing to suppress for {idle} on this line; remove {'it' if not s.used else idle}"
            else:
                continue
            found.append(Finding(path, line, s.column, "SL100", message, "unused-suppression", line, s.column + len(s.text)))
    return found
