"""Findings and fixes in the protocol's terms: 0-based lines, columns in the client's units.

shapelint counts columns in code points from 1; LSP counts UTF-16 code units from 0 unless the
client agreed on another encoding, so every column goes through the document's position codec.
"""
from __future__ import annotations

from typing import Optional, Sequence

from lsprotocol import types as lsp

from ..findings import Finding
from ..rules.base import SAFE

SOURCE = "shapelint"
ERRORS = frozenset({"SL000", "SL007"})  # what NumPy raises or what does not parse; the rest warn


def position(codec, lines: Sequence[str], line: int, column: int) -> lsp.Position:
    """1-based ``line``/``column`` in code points -> the client's Position."""
    return codec.position_to_client_units(lines, lsp.Position(line=max(line - 1, 0), character=max(column - 1, 0)))


def finding_range(codec, lines: Sequence[str], finding: Finding) -> lsp.Range:
    start = position(codec, lines, finding.line, finding.column)
    if finding.end_line:
        end = position(codec, lines, finding.end_line, finding.end_column)
    else:  # no end recorded (a syntax error): one character
        end = position(codec, lines, finding.line, finding.column + 1)
    return lsp.Range(start=start, end=end)


def diagnostic(codec, lines: Sequence[str], finding: Finding) -> lsp.Diagnostic:
    """The finding's full range, code and rule name; ``data`` keeps the fix for code actions."""
    fixable = finding.fix is not None
    return lsp.Diagnostic(
        range=finding_range(codec, lines, finding),
        severity=lsp.DiagnosticSeverity.Error if finding.code in ERRORS else lsp.DiagnosticSeverity.Warning,
        code=finding.code,
        source=SOURCE,
        # no web page to link to (codeDescription needs a URI): the message says where the rule is explained
        message=f"{finding.message} [{finding.name}; `shapelint rule {finding.code}` explains it]" if finding.name else finding.message,
        data={"name": finding.name, "fixable": fixable},
    )


def text_edits(codec, lines: Sequence[str], fix: dict) -> list[lsp.TextEdit]:
    return [lsp.TextEdit(range=lsp.Range(start=position(codec, lines, e["location"]["row"], e["location"]["column"]),
                                         end=position(codec, lines, e["end_location"]["row"], e["end_location"]["column"])),
                         new_text=e["content"]) for e in fix["edits"]]


def fix_action(uri: str, version: Optional[int], codec, lines: Sequence[str], finding: Finding,
               diagnostic_: Optional[lsp.Diagnostic]) -> lsp.CodeAction:
    """A quick fix: safe ones preferred; unsafe ones (that may change behaviour) say so."""
    fix = finding.fix
    safe = fix["applicability"] == SAFE
    title = f"{fix['message']} ({finding.code})" if safe else f"{fix['message']} ({finding.code}; unsafe: may change behaviour)"
    edit = lsp.TextDocumentEdit(text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                                edits=text_edits(codec, lines, fix))
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, is_preferred=safe,
                          diagnostics=[diagnostic_] if diagnostic_ else None,
                          edit=lsp.WorkspaceEdit(document_changes=[edit]))


def noqa_action(uri: str, version: Optional[int], codec, lines: Sequence[str], finding: Finding,
                diagnostic_: Optional[lsp.Diagnostic]) -> Optional[lsp.CodeAction]:
    """"Ignore SLxxx on this line": ``# noqa: SLxxx`` at the end of the finding's first line (or the
    code added to the ``# noqa:`` already there). None where a comment cannot go (a line continued
    with a backslash)."""
    from ..suppress import _NOQA, comments  # tokenizer-found comments: a ``#`` in a string is not one

    if not 1 <= finding.line <= len(lines):
        return None
    text = lines[finding.line - 1].rstrip("\r\n")
    if text.rstrip().endswith("\\"):
        return None
    noqa = None
    for _, column, comment in line_comments(comments, lines, finding.line):
        match = _NOQA.search(comment)
        if match:
            noqa = (column - 1, match)  # 0-based column of the comment
    if noqa is not None:
        if not noqa[1].group("codes"):
            return None  # a bare noqa already silences every rule
        start = end = noqa[0] + noqa[1].end()
        new = f", {finding.code}"
    else:
        start = end = len(text)
        new = f"  # noqa: {finding.code}"
    edit = lsp.TextEdit(range=lsp.Range(start=position(codec, lines, finding.line, start + 1),
                                        end=position(codec, lines, finding.line, end + 1)), new_text=new)
    return lsp.CodeAction(title=f"Ignore {finding.code} on this line", kind=lsp.CodeActionKind.QuickFix,
                          diagnostics=[diagnostic_] if diagnostic_ else None,
                          edit=lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(
                              text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=[edit])]))


def line_comments(comments, lines: Sequence[str], line: int) -> list[tuple[int, int, str]]:
    """The comments on ``line`` as (line, 0-based column, text); none when the text does not tokenize."""
    try:
        return [c for c in comments("".join(lines)) if c[0] == line]
    except Exception:  # noqa: BLE001 - a buffer mid-edit: no comment is known
        return []
