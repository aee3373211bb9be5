"""Lint many files, in parallel when there are enough of them to pay for the processes."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from .budget import DEFAULT_TIMEOUT, time_budget
from .cache import Cache, content_hash, settings_key
from .files import io_finding, read_regular
from .findings import Finding
from .hints import Hints
from .notebook import is_notebook, lint_notebook

if TYPE_CHECKING:  # pragma: no cover
    from .engine import FileResult


def lint_source(source, path, *args, **kwargs) -> "FileResult":
    """The engine's ``lint_source``, imported on first use: a run answered from the cache never
    imports libcst."""
    from .engine import lint_source as lint

    return lint(source, path, *args, **kwargs)

PARALLEL_THRESHOLD = 32


@dataclass(frozen=True)
class LintOptions:
    """Per-file options from the configuration (picklable: they travel to worker processes)."""

    report_unused: bool = False
    hints: Optional[Hints] = None
    select: Optional[frozenset[str]] = None  # the codes enabled for the file (only their rules judge it); None: all
    timeout: Optional[float] = DEFAULT_TIMEOUT  # seconds the file's analysis may take; None or 0: no limit
    cache_dir: Optional[str] = None  # where findings are kept between runs (shapelint.cache); None: no cache


def lint_result(source: bytes, name: str, options: LintOptions = LintOptions()) -> FileResult:
    """Lint a ``.py`` file's or a notebook's bytes (told apart by ``name``)."""
    lint = lint_notebook if is_notebook(name) else lint_source
    with time_budget(options.timeout):
        return lint(source, name, options.report_unused, options.hints, options.select)


def lint_data(source: bytes, name: str, options: LintOptions = LintOptions()) -> list[Finding]:
    """Lint a ``.py`` file's or a notebook's bytes (told apart by ``name``)."""
    return lint_result(source, name, options).findings


def lint_file(path: Path, options: LintOptions = LintOptions()) -> list[Finding]:
    """A regular file's findings; anything else (unreadable, a FIFO, a device) is one SL000.
    With ``options.cache_dir``, from the cache when its entry still holds, else stored there."""
    try:
        source = read_regular(path)
    except OSError as exc:
        return [io_finding(path, "read", exc)]
    name = str(path)
    if options.cache_dir is None:
        return lint_data(source, name, options)
    cache = Cache(options.cache_dir)
    digest, settings = content_hash(source), settings_key(options.select, options.hints, options.report_unused)
    found = cache.get(name, digest, settings)
    if found is not None:
        return found
    result = lint_result(source, name, options)
    loaded = result.analysis.loaded_files if result.analysis is not None else ()
    cache.put(name, digest, settings, result.findings, loaded)
    return result.findings


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
