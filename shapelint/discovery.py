"""Which files a run lints: the paths given, and the ``*.py`` and ``*.ipynb`` files below directories."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator, Optional

Excluded = Callable[[Path, Path], bool]  # (path found by a walk, the directory walked) -> skip it?


def default_excluded(path: Path, root: Path) -> bool:
    from .config import Settings

    return Settings(frozenset(), root).excluded_below(path, root)


def is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def python_files(paths: list[str], excluded: Optional[Excluded] = None) -> Iterator[Path]:
    """Paths given explicitly are always linted; directories are walked in a stable order,
    skipping what ``excluded`` says (judged below the directory given, never its parents)."""
    skip = excluded or default_excluded
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, skip)
        else:
            yield path


def _walk(root: Path, skip: Excluded) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(root):
        current = Path(directory)
        subdirectories[:] = sorted(
            name for name in subdirectories
            if not skip(current / name, root) and not is_virtualenv(current / name)
        )
        for name in sorted(files):
            if name.endswith((".py", ".pyi", ".ipynb")) and not skip(current / name, root):
                yield current / name
