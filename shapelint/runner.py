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


def lint_file(path: Path, report_unused: bool = False, hints: Optional[Hints] = None) -> list[Finding]:
    try:
        source = path.read_bytes()
    except OSError as exc:
        return [Finding(str(path), 1, 1, SYNTAX_CODE, f"cannot read {path}: {exc.strerror or exc}", "io-error")]
    if is_notebook(path):
        return lint_notebook(source, str(path), report_unused, hints).findings
    return lint_source(source, str(path), report_unused, hints).findings


def _lint_with(item: tuple[Path, LintOptions]) -> list[Finding]:
    path, options = item
    return lint_file(path, options.report_unused, options.hints)


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
