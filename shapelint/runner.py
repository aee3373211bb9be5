"""Lint many files, in parallel when there are enough of them to pay for the processes."""
from __future__ import annotations

import contextlib
import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .budget import DEFAULT_TIMEOUT, time_budget
from .cache import Cache, content_hash, settings_key
from .files import io_finding, read_regular
from .findings import FileResult, Finding
from .hints import Hints
from .notebook import is_notebook, lint_notebook


# Set by the console script (``console.run``), whose process ends with its run: once the engine
# is imported, everything loaded so far is frozen (``gc.freeze``), never scanned by a collection
# again. Otherwise the collection after the first file (``collected_once``) walks libcst's and
# the engine's module objects: a third of its cost on a one-file run. Not for a library caller,
# whose own objects it would freeze too.
FREEZE_ON_ENGINE_IMPORT = False


def lint_source(source, path, *args, **kwargs) -> FileResult:
    """The engine's ``lint_source``, imported on first use: a run answered from the cache never
    imports libcst."""
    first = "shapelint.engine" not in sys.modules
    from .engine import lint_source as lint

    if first and FREEZE_ON_ENGINE_IMPORT:
        gc.freeze()
    return lint(source, path, *args, **kwargs)


PARALLEL_THRESHOLD = 32
NO_SCREEN_ENV = "SHAPELINT_NO_SCREEN"  # set: every file is parsed and analysed (to compare, to measure)


@dataclass(frozen=True)
class LintOptions:
    """Per-file options from the configuration (picklable: they travel to worker processes)."""

    report_unused: bool = False
    hints: Optional[Hints] = None
    select: Optional[frozenset[str]] = None  # the codes enabled for the file (only their rules judge it); None: all
    timeout: Optional[float] = DEFAULT_TIMEOUT  # seconds the file's analysis may take; None or 0: no limit
    cache_dir: Optional[str] = None  # where findings are kept between runs (shapelint.cache); None: no cache
    screen: bool = True  # answer files that cannot hold a finding without parsing them (shapelint.screening)


def lint_result(source: bytes, name: str, options: LintOptions = LintOptions()) -> FileResult:
    """Lint a ``.py`` file's or a notebook's bytes (told apart by ``name``)."""
    notebook = is_notebook(name)
    if options.screen and not os.environ.get(NO_SCREEN_ENV):
        from .screening import screened_result

        screened = screened_result(source, name, options.report_unused, options.select, notebook)
        if screened is not None:
            return screened
    lint = lint_notebook if notebook else lint_source
    with time_budget(options.timeout):
        return lint(source, name, options.report_unused, options.hints, options.select)


def lint_data(source: bytes, name: str, options: LintOptions = LintOptions()) -> list[Finding]:
    """Lint a ``.py`` file's or a notebook's bytes (told apart by ``name``)."""
    return released_result(source, name, options).findings


def released_result(source: bytes, name: str, options: LintOptions) -> FileResult:
    """``lint_result`` with the collector paused, its analysis released once done (``Analysis.release``):
    for callers that keep only the findings and dependencies."""
    with collected_once():
        result = lint_result(source, name, options)
        result.release()
    return result


@contextlib.contextmanager
def collected_once() -> Iterator[None]:
    """The cycle collector paused while one file is linted, then run once on the youngest objects.

    The analysis allocates millions of objects, and every few hundred the collector would walk
    the young ones (each few of those, older ones too) to find the few cycles it makes: a tenth
    of the run's CPU. Paused, nothing is collected meanwhile (memory grows by the file's own
    garbage, at most); afterwards one pass over the youngest generation, which then holds all
    the file left behind, frees its cycles."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
            gc.collect(0)


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
    result = released_result(source, name, options)
    cache.put(name, digest, settings, result.findings, result.depends, result.probes)
    return result.findings


def cached_findings(path: Path, options: LintOptions) -> Optional[list[Finding]]:
    """The file's findings from the cache, when its entry still holds; None otherwise (no cache,
    a miss, a file that cannot be read: ``lint_file`` then says why)."""
    if options.cache_dir is None:
        return None
    try:
        source = read_regular(path)
    except OSError:
        return None
    settings = settings_key(options.select, options.hints, options.report_unused)
    return Cache(options.cache_dir).get(str(path), content_hash(source), settings)


def _lint_with(item: tuple[Path, LintOptions]) -> list[Finding]:
    return lint_file(*item)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def process_pool(workers: int):
    """The worker processes (``concurrent.futures`` imported here: a run of a few files never
    starts processes, nor pays for importing what does)."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers)


def _preload(items: list[tuple[Path, LintOptions]]) -> None:
    """Import the engine and the rules here, before the worker processes fork: each then starts
    with them (copy-on-write) instead of importing them again (a third of a second per process);
    and load the project modules several of ``items`` import (``shared_imports``), once."""
    import multiprocessing  # here, as in process_pool

    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return
    import libcst.native  # noqa: F401 - what the first file's lint would import in each worker
    from libcst._nodes import deep_equals  # noqa: F401

    from . import screening  # noqa: F401
    from .engine import lint_source as _  # noqa: F401
    from .loops import arrayness, body_facts, counted  # noqa: F401
    from .parsing import prepare
    from .rules import all_rules
    from .shared_imports import load_shared_imports

    all_rules()
    prepare(sum(_size(path) for path, _options in items))
    with collected_once():
        load_shared_imports(_sources(items), items[0][1].timeout if items else None)
    gc.freeze()  # what is loaded now is never collected: neither scanned again nor copied by the children


@contextlib.contextmanager
def _imports_noted(items: list[tuple[Path, LintOptions]]) -> Iterator[None]:
    """For a run in this process: which of its files the others import (their trees are kept once
    linted, for those imports: ``infer.project.keep_linted``); forgotten, trees and all, after it."""
    if len(items) < 2:
        yield
        return
    from .infer import project
    from .shared_imports import importers_of, note_imported

    try:
        note_imported(importers_of(_sources(items)))
    except Exception:  # noqa: BLE001 - an optimisation: without it, an import parses the file again
        pass
    try:
        yield
    finally:
        project.forget_linted()


def _sources(items: list[tuple[Path, LintOptions]]) -> Iterator[tuple[Path, bytes]]:
    for path, _ in items:
        try:
            yield path, read_regular(path)
        except OSError:
            continue


def iter_lint(paths: Iterable[Path], jobs: Optional[int] = None, options: Optional[dict] = None) -> Iterator[list[Finding]]:
    """Each file's findings, in the order of ``paths``, as soon as it and the files before it are
    done (so output can stream). ``options`` maps a path to its LintOptions (default: none).

    Worker processes are started only for enough files the cache cannot answer (a warm run starts
    none), and are handed the largest files first, one at a time, so that the last file to finish
    is a small one and both cores stay busy to the end."""
    items = [(p, (options or {}).get(p, LintOptions())) for p in paths]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
        with _imports_noted(items):
            yield from map(_lint_with, items)
        return
    done: dict[int, list[Finding]] = {}
    for index, item in enumerate(items):
        found = cached_findings(*item)
        if found is not None:
            done[index] = found
    todo = [index for index in range(len(items)) if index not in done]
    if len(todo) < PARALLEL_THRESHOLD:
        for index, item in enumerate(items):
            yield done[index] if index in done else _lint_with(item)
        return
    _preload([items[index] for index in todo])
    largest_first = sorted(todo, key=lambda index: _size(items[index][0]), reverse=True)
    pool = process_pool(min(workers, len(todo)))
    try:
        futures = {index: pool.submit(_lint_with, items[index]) for index in largest_first}
        for index in range(len(items)):
            yield done[index] if index in done else futures[index].result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a consumer that stops early leaves nothing running
        from .infer.project import forget_linted

        forget_linted()  # (noted for the workers, by ``_preload``)


def lint_files(paths: Iterable[Path], jobs: Optional[int] = None, options: Optional[dict] = None) -> list[Finding]:
    """``options`` maps a path to its LintOptions (default: none)."""
    return [finding for found in iter_lint(paths, jobs, options) for finding in found]
