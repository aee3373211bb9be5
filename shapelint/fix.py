"""Applying fixes: non-overlapping edits, re-lint until stable, atomic writes.

Edits are applied to the decoded text, so the file keeps its encoding (a BOM
too), its line endings and everything the edits do not touch. A round whose
result does not parse is dropped and reported; ``--fix`` twice changes nothing
the second time.

Writing never damages a tree: a symlink is written through to its target (the
link stays a link), a file with other hard links is rewritten in place (after
a complete temporary copy proves the data fits), a read-only file is refused, a
file that changed on disk since it was read is left alone, and a file that
cannot be written is reported while the run goes on. Temporary files
(``.NAME.py.XXXXXXXX.shapelint-tmp``) left by a run that was killed are removed
by a later ``--fix`` once they are old enough that no live run can own them.
"""
from __future__ import annotations

import difflib
import io
import os
import re
import stat
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst

from .engine import lint_source
from .files import IO_ERROR, read_regular
from .findings import SYNTAX_CODE, Finding
from .applicability import DISPLAY_ONLY, SAFE, UNSAFE, applicable  # noqa: F401  (applicable: fix.applicable)

MAX_ROUNDS = 10
_LINE_START = re.compile(r"\r\n|\r|\n")


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
    found: list[Finding] = field(default_factory=list)  # the findings on the original, before any fix

    def not_written(self, reason: str) -> None:
        """The fixes could not be written: nothing changed, the original's findings remain, plus why."""
        self.fixed, self.applied = self.original, 0
        self.remaining = [Finding(self.path, 1, 1, SYNTAX_CODE, f"{reason}; fixes not applied", IO_ERROR), *self.found]

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
    findings = result.found = lint(text)
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


def decode(data: bytes) -> tuple[str, str]:
    """Source bytes as text and the encoding (from the BOM or PEP 263 coding cookie), line endings untouched."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and encoding (regular files only: a FIFO is never opened)."""
    return decode(read_regular(path))


class NotWritten(OSError):
    """A file shapelint refuses to write (read-only, changed meanwhile): ``str()`` says why."""


TEMP_SUFFIX = ".shapelint-tmp"
_TEMP_NAME = re.compile(r"^\.(?P<name>.+\.(?:py|pyi|ipynb))\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
STALE_AFTER = 600.0  # seconds: a live run holds its temporary file for well under a second


def _temporary(directory: Path, name: str, data: bytes, like: os.stat_result) -> str:
    """A complete, synced copy of ``data`` beside the file, with its owner and permissions."""
    handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if (like.st_uid, like.st_gid) != (os.geteuid(), os.getegid()) and hasattr(os, "chown"):
            try:
                os.chown(temp, like.st_uid, like.st_gid)
            except OSError:  # only root may give a file away: it stays ours
                pass
        os.chmod(temp, stat.S_IMODE(like.st_mode))
    except BaseException:
        _unlink_quietly(temp)
        raise
    return temp


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_fixed(path: Path, data: bytes, expected: bytes) -> None:
    """Replace the file's contents with ``data``, if they are still ``expected``.

    Symlinks are followed (the target gets the fix, the link stays); a file with more than one
    hard link is rewritten in place so every link sees the fix; anything else is replaced
    atomically by a renamed temporary file. Raises ``OSError`` (``NotWritten`` for a refusal).
    """
    target = Path(os.path.realpath(path))
    info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise NotWritten(f"{path} is not a regular file")
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise NotWritten(f"{path} is read-only")
    temp = _temporary(target.parent, target.name, data, info)
    try:
        if read_regular(temp) != data:
            raise NotWritten(f"the fixed copy of {path} does not read back as written")
        if read_regular(target) != expected:
            raise NotWritten(f"{path} changed while it was being fixed")
        if info.st_nlink > 1:
            with open(target, "r+b") as out:
                out.write(data)
                out.truncate()
                out.flush()
                os.fsync(out.fileno())
        else:
            os.replace(temp, target)
    finally:
        if os.path.lexists(temp):
            _unlink_quietly(temp)


def write_problem(path: Path, exc: OSError) -> str:
    if isinstance(exc, NotWritten):
        return str(exc)
    return f"cannot write {path}: {exc.strerror or exc}"


def remove_stale_temporaries(directory: Path, now: Optional[float] = None) -> list[Path]:
    """Delete this program's temporary files in ``directory`` left by a killed run: only names
    it makes, only regular files owned by this user, only ones older than ``STALE_AFTER``."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and now - info.st_mtime > STALE_AFTER:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def fix_file(path: Path, unsafe: bool, write: bool, lint=None) -> Optional[FixResult]:
    """None when the file cannot be read or decoded (its SL000 comes from the normal lint)."""
    try:
        data = read_regular(path)
        text, encoding = decode(data)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    result = fix_text(text, str(path), unsafe, lint)
    if write and result.changed:
        _write(path, result, encoding, data)
    return result


def _write(path: Path, result: FixResult, encoding: str, original: bytes) -> None:
    try:
        write_fixed(path, result.fixed.encode(encoding), original)
    except UnicodeEncodeError as exc:
        result.not_written(f"the fixed {path} cannot be encoded as {encoding} ({exc.reason})")
    except OSError as exc:
        result.not_written(write_problem(path, exc))


def fix_bytes(data: bytes, path: str, unsafe: bool, lint=None) -> tuple[bytes, FixResult]:
    """Fix a buffer (``--fix -``): decoded with its declared encoding, returned in it; the input
    bytes come back unchanged when no fix applies (or the buffer cannot be decoded)."""
    if path.endswith(".ipynb"):
        return _fix_notebook_bytes(data, path, unsafe, lint)
    try:
        text, encoding = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        text, encoding = data.decode("utf-8", "replace"), ""
        result = FixResult(path, text, text)
        result.remaining = result.found = (lint or (lambda source: lint_source(source, path).findings))(data)
        return data, result
    result = fix_text(text, path, unsafe, lint)
    if not result.changed:
        return data, result
    try:
        return result.fixed.encode(encoding), result
    except UnicodeEncodeError as exc:
        result.not_written(f"the fixed {path} cannot be encoded as {encoding} ({exc.reason})")
        return data, result


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
        data = read_regular(path)
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    result = fix_notebook_text(text, str(path), unsafe, lint)
    if result is not None and write and result.changed:
        _write(path, result, "utf-8", data)
    return result


def _fix_notebook_bytes(data: bytes, path: str, unsafe: bool, lint=None) -> tuple[bytes, FixResult]:
    try:
        result = fix_notebook_text(data.decode("utf-8-sig"), path, unsafe, lint)
    except UnicodeDecodeError:
        result = None
    if result is None or not result.changed:
        from .notebook import lint_notebook

        if result is None:
            text = data.decode("utf-8", "replace")
            result = FixResult(path, text, text, remaining=lint_notebook(data, path).findings)
        return data, result
    return result.fixed.encode("utf-8"), result
