"""Suppression comments: ``# noqa``, ``# noqa: SL001, SL005``, ``# shapelint: ignore[SL001]``,
and ``# shapelint: skip-file`` among a file's leading comments.

A rule is named as in the configuration: by code (``SL002``), kebab-case name
(``missing-keepdims``) or code prefix (``SL00``). Everything in
``# shapelint: ignore[...]`` is shapelint's, so a selector there that names no rule
is reported (SL100). A ``# noqa`` is shared with other linters: only ``SL`` with
digits (``SL002``, ``SL00``, ``SL999``) and shapelint's rule names are ours there;
``E501``, ``SLF001`` or ``SLOT000`` are left to their owners.

Comments are found with the tokenizer (a ``# noqa`` inside a string is not one),
and only in files that have findings, or when unused suppressions are wanted.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .config import ConfigError, resolve_selector, rule_names
from .findings import Finding

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z0-9_\-]+(?:[\s,]+[A-Za-z0-9_\-]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*shapelint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_SKIP_FILE = re.compile(rb"#\s*shapelint:\s*skip-file")
_SKIP_FILE_TEXT = re.compile(r"#\s*shapelint:\s*skip-file")
_OUR_CODE = re.compile(r"SL\d*", re.IGNORECASE)  # a code or prefix of ours in a ``# noqa``


@dataclass
class Suppression:
    line: int
    column: int
    text: str
    selectors: Optional[dict[str, frozenset[str]]]  # None: every code; else each selector of ours -> its codes
    unknown: tuple[str, ...] = ()  # selectors of ours that name no rule
    foreign: bool = False  # a ``# noqa`` that also names other linters' codes
    used: set = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.selectors is None or any(code in codes for codes in self.selectors.values())


def _selectors(raw: Optional[str], noqa: bool) -> tuple[Optional[dict[str, frozenset[str]]], tuple[str, ...], bool]:
    """(selector -> codes, unknown selectors, whether other linters' codes are there too)."""
    if raw is None or not raw.strip():
        return None, (), False
    names = set(rule_names().values())
    meant: dict[str, frozenset[str]] = {}
    unknown: list[str] = []
    foreign = False
    for part in re.split(r"[\s,]+", raw.strip()):
        if not part:
            continue
        if noqa and not (_OUR_CODE.fullmatch(part) or part in names):
            foreign = True
            continue
        try:
            meant[part] = resolve_selector(part)
        except ConfigError:
            unknown.append(part)
    return meant, tuple(unknown), foreign


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


_MAY_SUPPRESS = re.compile(r"noqa|shapelint:", re.IGNORECASE)
_MAY_SUPPRESS_BYTES = re.compile(rb"noqa|shapelint:", re.IGNORECASE)


def suppressions(source: bytes | str) -> dict[int, list[Suppression]]:
    by_line: dict[int, list[Suppression]] = {}
    if (_MAY_SUPPRESS_BYTES if isinstance(source, bytes) else _MAY_SUPPRESS).search(source) is None:
        return by_line  # no comment can suppress anything: the tokenizer need not find them
    for line, column, text in comments(source):
        for pattern in (_NOQA, _IGNORE):
            for match in pattern.finditer(text):
                selectors, unknown, foreign = _selectors(match.group("codes"), noqa=pattern is _NOQA)
                found = Suppression(line, column + match.start(), match.group(0), selectors, unknown, foreign)
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


def apply(findings: list[Finding], source: bytes | str, path: str, report_unused: bool = False,
          enabled: Optional[Iterable[str]] = None) -> list[Finding]:
    """Drop suppressed findings; with ``report_unused``, add SL100 for suppressions that matched
    nothing or name no rule. ``enabled``: the codes enabled for the file (None: all), to say why."""
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
        kept.extend(unused(table, path, None if enabled is None else frozenset(enabled)))
    return kept


def unused(table: dict[int, list[Suppression]], path: str, enabled: Optional[frozenset[str]] = None) -> list[Finding]:
    """Suppressions of shapelint's that matched nothing or name no rule: a bare ``# noqa``
    belongs to every linter, so not those."""
    found = []
    for line, entries in sorted(table.items()):
        for s in entries:
            message = _unused_message(s, enabled)
            if message is not None:
                found.append(Finding(path, line, s.column, "SL100", message, "unused-suppression", line, s.column + len(s.text)))
    return found


def _unused_message(s: Suppression, enabled: Optional[frozenset[str]]) -> Optional[str]:
    if s.selectors is None:
        is_noqa = s.text.lstrip("#").strip().lower().startswith("noqa")
        return None if is_noqa or s.used else f"`{s.text}` suppresses nothing on this line; remove it"
    idle = [selector for selector, codes in s.selectors.items() if not codes & s.used]
    parts = []
    if s.unknown:
        parts.append(f"unknown rule selector {', '.join(s.unknown)} (no shapelint rule has that code, name or prefix; see `shapelint rule --all`)")
    if idle:
        off = [selector for selector in idle if enabled is not None and not s.selectors[selector] & enabled]
        note = f" ({', '.join(off)} not enabled for this file)" if off else ""
        parts.append(f"nothing to suppress for {', '.join(idle)} on this line{note}")
    if not parts:
        return None
    whole = not s.foreign and len(idle) == len(s.selectors)  # nothing in the comment is of use
    return f"`{s.text}`: {'; '.join(parts)}; remove {'it' if whole else ', '.join(idle + list(s.unknown))}"
