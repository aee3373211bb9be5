"""Lint many files, in parallel when there are enough of them to pay for the processes."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Iterable, Optional

from .engine import lint_source
from .findings import SYNTAX_CODE, Finding
from .notebook import is_notebook, lint_notebook

PARALLEL_THRESHOLD = 32


def lint_file(path: Path, report_unused: bool = False) -> list[Finding]:
    try:
        source = path.read_bytes()
    except OSError as exc:
        return [Finding(str(path), 1, 1, SYNTAX_CODE, f"cannot read {path}: {exc.strerror or exc}", "io-error")]
    if is_notebook(path):
        return lint_notebook(source, str(path), report_unused).findings
    return lint_source(source, str(path), report_unused).findings


def lint_files(paths: Iterable[Path], jobs: Optional[int] = None, report_unused: bool = False) -> list[Finding]:
    files = list(paths)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    lint = partial(lint_file, report_unused=report_unused)
    if workers <= 1 or len(files) < PARALLEL_THRESHOLD:
        results = [lint(p) for p in files]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lint, files, chunksize=8))
    return [finding for found in results for finding in found]
