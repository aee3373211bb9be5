"""Applying fixes: non-overlapping edits, re-lint until stable, atomic writes.

Edits are applied to the decoded text, so the file keeps its encoding (a BOM
too), its line endings and everything the edits do not touch. A round whose
result does not parse is dropped and reported; ``--fix`` twice changes nothing
the second time.
"""
from __future__ import annotations

import difflib
import io
import os
import re
import tempfile
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst

from .engine import lint_source
from .findings import Finding
from .rules.base import DISPLAY_ONLY, SAFE, UNSAFE

MAX_ROUNDS = 10
_LINE_START = re.compile(r"\r\n|\r|\n")


def applicable(finding: Finding, unsafe: bool) -> bool:
    if finding.fix is None:
        return False
    kind = finding.fix["applicability"]
    return kind == SAFE or (unsafe and kind == UNSAFE)


def line_offsets(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in _LINE_START.finditer(text))
    return starts


def apply_edits(text: str, fixes: list[dict]) -> tuple[str, int]:
    """Apply whole fixes in source order, skipping any that overlaps one already taken."""
    starts = line_offsets(text)

    def offset(location: dict) -> int:
        return starts[location["row"] - 1] + location["column"] - 1

    taken: list[tuple[int, int, str]] = []
    count = 0
    for fix in sorted(fixes, key=lambda f: min(offset(e["location"]) for e in f["edits"])):
        spans = [(offset(e["location"]), offset(e["end_location"]), e["content"]) for e in fix["edits"]]
        if any(start < t_end and t_start < end for start, end, _ in spans for t_start, t_end, _ in taken):
            continue
        if any(start == end == t_start == t_end for start, end, _ in spans for t_start, t_end, _ in taken):
            continue
        taken.extend(spans)
        count += 1
    for start, end, content in sorted(taken, reverse=True):
        text = text[:start] + content + text[end:]
    return text, count


@dataclass
class FixResult:
    path: str
    original: str
    fixed: str
    applied: int = 0
    remaining: list[Finding] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.original.splitlines(keepends=True), self.fixed.splitlines(keepends=True),
            fromfile=self.path, tofile=self.path,
        ))


def parses(text: str) -> bool:
    try:
        cst.parse_module(text)
        return True
    except Exception:  # noqa: BLE001 - any failure to parse means the fix is not kept
        return False


def fix_text(text: str, path: str, unsafe: bool, lint=None) -> FixResult:
    """Fix, re-lint, repeat (bounded): ``remaining`` are the findings left on the result."""
    lint = lint or (lambda source: lint_source(source, path).findings)
    result = FixResult(path, text, text)
    findings = lint(text)
    for _ in range(MAX_ROUNDS):
        fixable = [f for f in findings if applicable(f, unsafe)]
        if not fixable:
            break
        candidate, count = apply_edits(result.fixed, [f.fix for f in fixable])
        if candidate == result.fixed:
            break
        if not parses(candidate):
            result.dropped.extend(f"{path}:{f.line}:{f.column}: {f.code} fix `{f.fix['message']}` would not parse; not applied" for f in fixable)
            break
        result.fixed = candidate
        result.applied += count
        findings = lint(candidate)
    result.remaining = findings
    return result


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and encoding (from its BOM or coding cookie), line endings untouched."""
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def write_atomically(path: Path, text: str, encoding: str) -> None:
    """Write a sibling temp file, keep the permissions, then rename over the original."""
    data = text.encode(encoding)
    directory = path.parent
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".shapelint-tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def fix_file(path: Path, unsafe: bool, write: bool, lint=None) -> Optional[FixResult]:
    """None when the file cannot be decoded (its SL000 comes from the normal lint)."""
    try:
        text, encoding = read_text(path)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    result = fix_text(text, str(path), unsafe, lint)
    if write and result.changed:
        write_atomically(path, result.fixed, encoding)
    return result


__all__ = ["DISPLAY_ONLY", "FixResult", "apply_edits", "fix_file", "fix_text"]


def fix_notebook_text(text: str, path: str, unsafe: bool, lint=None) -> Optional[FixResult]:
    """Fix a notebook cell by cell: the code cells are fixed as one module (shapes flow across
    cells), and each changed line goes back to its cell; masked magics and every other cell,
    output and metadata stay as they were. None for a notebook that cannot be read."""
    import json

    from .notebook import NotebookError, place_in_cell, read_notebook

    try:
        notebook = read_notebook(text)
        document = json.loads(text)
    except (NotebookError, ValueError):
        return None
    merged = fix_text(notebook.source, path, unsafe, lint)
    result = FixResult(path, text, text, merged.applied, [place_in_cell(notebook, f) for f in merged.remaining], merged.dropped)
    if not merged.changed:
        return result
    masked = notebook.source.split("\n")[:-1]
    fixed = merged.fixed.split("\n")[:-1]
    if len(fixed) != len(masked):
        result.dropped.append(f"{path}: fixes that add or remove lines are not applied to notebooks")
        result.applied = 0
        return result
    cells = {index: list(lines) for index, lines in notebook.cells.items()}
    for (cell, row), before, after in zip(notebook.rows, masked, fixed):
        if before != after and cells[cell][row - 1] == before:  # a masked magic is never rewritten
            cells[cell][row - 1] = after
    for index, lines in cells.items():
        if lines != notebook.cells[index]:
            cell = document["cells"][index - 1]
            ends_with_newline = "".join(cell["source"]) .endswith("\n") if isinstance(cell["source"], list) else cell["source"].endswith("\n")
            joined = "\n".join(lines) + ("\n" if ends_with_newline else "")
            cell["source"] = joined.splitlines(keepends=True) if isinstance(cell["source"], list) else joined
    result.fixed = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    return result


def fix_notebook(path: Path, unsafe: bool, write: bool, lint=None) -> Optional[FixResult]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    result = fix_notebook_text(text, str(path), unsafe, lint)
    if result is not None and write and result.changed:
        write_atomically(path, result.fixed, "utf-8")
    return result
