"""Lint many files, in parallel when there are enough of them to pay for the processes."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .budget import DEFAULT_TIMEOUT, time_budget
from .engine import lint_source
from .files import io_finding, read_regular
from .findings import Finding
from .rules.base import Hints
from .notebook import is_notebook, lint_notebook

PARALLEL_THRESHOLD = 32


@dataclass(frozen=True)
class LintOptions:
    """Per-file options from the configuration (picklable: they travel to worker processes)."""

    report_unused: bool = False
    hints: Optional[Hints] = None
    select: Optional[frozenset[str]] = None  # the codes enabled for the file (only their rules judge it); None: all
    timeout: Optional[float] = DEFAULT_TIMEOUT  # seconds the file's analysis may take; None or 0: no limit


def lint_data(source: bytes, name: str, options: LintOptions = LintOptions()) -> list[Finding]:
    """Lint a ``.py`` file's or a notebook's bytes (told apart by ``name``)."""
    lint = lint_notebook if is_notebook(name) else lint_source
    with time_budget(options.timeout):
        return lint(source, name, options.report_unused, options.hints, options.select).findings


def lint_file(path: Path, options: LintOptions = LintOptions()) -> list[Finding]:
    """A regular file's findings; anything else (unreadable, a FIFO, a device) is one SL000."""
    try:
        source = read_regular(path)
    except OSError as exc:
        return [io_finding(path, "read", exc)]
    return lint_data(source, str(path), options)


def _lint_with(item: tuple[Path, LintOptions]) -> list[Finding]:
    return lint_file(*item)


def iter_lint(paths: Iterable[Path], jobs: Optional[int] = None, options: Optional[dict] = None) -> Iterator[list[Finding]]:
    """Each file's findings, in the order of ``paths``, as soon as it and the files before it are
    done (so output can stream). ``options`` maps a path to its LintOptions (default: none)."""
    items = [(p, (options or {}).get(p, LintOptions())) for p in paths]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
        yield from map(_lint_with, items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_lint_with, items, chunksize=1)


def lint_files(paths: Iterable[Path], jobs: Optional[int] = None, options: Optional[dict] = None) -> list[Finding]:
    """``options`` maps a path to its LintOptions (default: none)."""
    return [finding for found in iter_lint(paths, jobs, options) for finding in found]
