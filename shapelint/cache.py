"""The cache of findings, in ruff's manner: ``.shapelint_cache/`` at the project root.

One JSON file per linted file under ``<cache dir>/<version>/``, named by a hash of the file's path.
An entry answers only when the file's content and real path, every project file its analysis
loaded (the modules it imports from, and theirs), which files their imports found or missed (a
``helper.py`` created later is a change), the settings that decide its findings and shapelint's
own code are all as they were. Entries are JSON, never pickle: a corrupt or foreign file is a
miss, then rewritten; writes go to a temporary file in the same directory and are renamed into
place, so concurrent runs never leave half an entry.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from . import __version__
from .budget import TIMEOUT_NAME
from .findings import Finding
from .fingerprint import code_fingerprint

CACHE_DIR_NAME = ".shapelint_cache"
FORMAT = 2
NO_CACHE_ENV = "SHAPELINT_NO_CACHE"
CACHE_DIR_ENV = "SHAPELINT_CACHE_DIR"
_INT_FIELDS = ("line", "column", "end_line", "end_column")
_STR_FIELDS = ("code", "message", "name")


def project_root(start: Optional[Path] = None) -> Path:
    """The directory of the nearest pyproject.toml at or above ``start`` (default: the current
    directory), else ``start`` itself."""
    start = (start or Path.cwd()).absolute()
    for directory in (start, *start.parents):
        try:
            if (directory / "pyproject.toml").is_file():
                return directory
        except OSError:
            continue
    return start


def cache_dir_for(option: Optional[str], configured: Optional[Path]) -> Path:
    """``--cache-dir``, else ``SHAPELINT_CACHE_DIR``, else ``cache-dir`` of the config (already made
    absolute against its project root), else ``.shapelint_cache`` at the project root."""
    chosen = option or os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen).absolute()
    if configured is not None:
        return configured
    return project_root() / CACHE_DIR_NAME


def disabled_by_environment() -> bool:
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def settings_key(select: Optional[Iterable[str]], hints, report_unused: bool) -> str:
    """What decides a file's findings besides its code (the timeout does not: a result that ran
    out of time is never stored)."""
    layout = getattr(hints, "layout", None)
    sample_dims = getattr(hints, "sample_dims", None)
    data = {
        "code": code_fingerprint(),
        "select": None if select is None else sorted(select),
        "layout": layout,
        "sample_dims": None if sample_dims is None else list(sample_dims),
        "report_unused": bool(report_unused),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_FILE_HASHES: dict[tuple, Optional[str]] = {}


def file_hash(path: str) -> Optional[str]:
    """The hash of a file's content now (None: gone or unreadable); remembered per process by
    path, modification time and size."""
    try:
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in _FILE_HASHES:
            with open(path, "rb") as handle:
                _FILE_HASHES[key] = content_hash(handle.read())
        return _FILE_HASHES[key]
    except OSError:
        return None


def _probes_hold(probes) -> bool:
    """Is each file stored as ``{path: is a file}`` still a file, or still not one?"""
    return isinstance(probes, dict) and all(
        type(found) is bool and os.path.isfile(path) == found for path, found in probes.items())


def finding_to_json(finding: Finding) -> dict:
    return {
        "path": finding.path, "line": finding.line, "column": finding.column, "code": finding.code,
        "message": finding.message, "name": finding.name, "end_line": finding.end_line,
        "end_column": finding.end_column, "fix": finding.fix, "cell": finding.cell,
    }


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_location(value) -> bool:
    return isinstance(value, dict) and _is_int(value.get("row")) and _is_int(value.get("column"))


def _valid_fix(fix) -> bool:
    if fix is None:
        return True
    if not isinstance(fix, dict) or not isinstance(fix.get("applicability"), str) or not isinstance(fix.get("message"), str):
        return False
    edits = fix.get("edits")
    return isinstance(edits, list) and all(
        isinstance(edit, dict) and isinstance(edit.get("content"), str)
        and _valid_location(edit.get("location")) and _valid_location(edit.get("end_location"))
        for edit in edits
    )


def finding_from_json(data) -> Optional[Finding]:
    """The finding an entry holds; None when it is not one (a foreign or damaged file)."""
    if not isinstance(data, dict) or not isinstance(data.get("path"), str):
        return None
    if not all(_is_int(data.get(key)) for key in _INT_FIELDS) or not all(isinstance(data.get(key), str) for key in _STR_FIELDS):
        return None
    cell = data.get("cell")
    if not (cell is None or _is_int(cell)) or not _valid_fix(data.get("fix")):
        return None
    return Finding(data["path"], data["line"], data["column"], data["code"], data["message"], data["name"],
                   data["end_line"], data["end_column"], data.get("fix"), cell)


class Cache:
    """The entries of one cache directory for this version of shapelint."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.entries = self.directory / __version__

    def entry_path(self, name: str) -> Path:
        key = f"{os.path.abspath(name)}\0{name}"
        return self.entries / (hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest() + ".json")

    def get(self, name: str, source_hash: str, settings: str) -> Optional[list[Finding]]:
        """The stored findings of ``name``, if its entry still holds; else None (never raises)."""
        try:
            with open(self.entry_path(name), "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("name") != name:
            return None
        if data.get("source") != source_hash or data.get("settings") != settings:
            return None
        if data.get("real") != os.path.realpath(name):  # a symlinked directory pointed elsewhere: other neighbours
            return None
        depends, stored = data.get("depends"), data.get("findings")
        if not isinstance(depends, dict) or not isinstance(stored, list) or not _probes_hold(data.get("probes")):
            return None
        for path, digest in depends.items():
            if not isinstance(digest, str) or file_hash(path) != digest:
                return None
        findings = [finding_from_json(item) for item in stored]
        if any(finding is None for finding in findings):
            return None
        return findings

    def put(self, name: str, source_hash: str, settings: str, findings: list[Finding], loaded: Iterable[str],
            probes: Iterable[tuple[str, bool]] = ()) -> None:
        """Store a result with what it rests on: ``loaded``, the project files its analysis read
        (by content), and ``probes``, whether each file its imports looked for was there
        (``project_paths.resolve``). A result that ran out of time, or a cache that cannot be
        written, is left alone."""
        if any(finding.name == TIMEOUT_NAME for finding in findings):
            return
        depends = {}
        for path in sorted(set(loaded)):
            absolute = os.path.abspath(path)
            digest = file_hash(absolute)
            if digest is None:
                return  # a dependency vanished while linting: nothing to check it against later
            depends[absolute] = digest
        probes = set(probes)
        found = dict(probes)
        if len(found) != len(probes):
            return  # a file appeared or vanished while linting: the result may rest on either
        entry = {
            "format": FORMAT, "name": name, "real": os.path.realpath(name), "source": source_hash, "settings": settings,
            "depends": depends, "probes": dict(sorted(found.items())),
            "findings": [finding_to_json(finding) for finding in findings],
        }
        try:
            self.prepare()
            atomic_write(self.entry_path(name), json.dumps(entry).encode("utf-8", "surrogateescape"))
        except (OSError, ValueError, TypeError):
            pass

    def prepare(self) -> None:
        """The directories, and the ``.gitignore`` (``*``) that keeps the cache out of git."""
        if self.entries.is_dir():
            return
        self.entries.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, b"# Automatically created by shapelint.\n*\n")


def atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def clean(directory: Path) -> bool:
    """Remove a cache directory; False when there was none."""
    if not directory.is_dir():
        return False
    shutil.rmtree(directory)
    return True
