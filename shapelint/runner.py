"""Lint many files, in parallel when there are enough of them to pay for the processes."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .engine import lint_source
from .findings import SYNTAX_CODE, Finding
from .rules.base import Hints
from .notebook import is_notebook, lint_notebook

PARALLEL_THRESHOLD = 32


@dataclass(frozen=True)
class LintOptions:
    """Per-file options from the configuration (picklable: they travel to worker processes)."""

    report_unused: bool = False
    hints: Optional[Hints] = None
    select: Optional[frozenset[str]] = None  # the codes enabled for the file (only their rules judge it); None: all


def lint_data(source: bytes, name: str, options: LintOptions = LintOptions()) -> list[Finding]:
    """Lint a ``.py`` file's or a notebook's bytes (told apart by ``name``)."""
    lint = lint_notebook if is_notebook(name) else lint_source
    return lint(source, name, options.report_unused, options.hints, options.select).findings


def lint_file(path: Path, options: LintOptions = LintOptions()) -> list[Finding]:
    try:
        source = path.read_bytes()
    except OSError as exc:
        return [Finding(str(path), 1, 1, SYNTAX_CODE, f"cannot read {path}: {exc.strerror or exc}", "io-error")]
    return lint_data(source, str(path), options)


def _lint_with(item: tuple[Path, LintOptions]) -> list[Finding]:
    return lint_file(*item)


def lint_files(paths: Iterable[Path], jobs: Optional[int] = None, options: Optional[dict] = None) -> list[Finding]:
    """``options`` maps a path to its LintOptions (default: none)."""
    items = [(p, (options or {}).get(p, LintOptions())) for p in paths]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
        results = [_lint_with(item) for item in items]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_lint_with, items, chunksize=8))
    return [finding for found in results for finding in found]
