"""Which files a run lints: the paths given, and the ``*.py`` and ``*.ipynb`` files below directories."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator, Optional

Excluded = Callable[[Path, Path], bool]  # (path found by a walk, the directory walked) -> skip it?
OnError = Callable[[Path, OSError], None]  # a directory that cannot be listed, a path that cannot be judged


def default_excluded(path: Path, root: Path) -> bool:
    from .config import Settings

    return Settings(frozenset(), root).excluded_below(path, root)


def is_virtualenv(directory: Path) -> bool:
    try:
        return (directory / "pyvenv.cfg").is_file()
    except OSError:  # a directory that cannot be searched: the walk reports it when it lists it
        return False


def python_files(paths: list[str], excluded: Optional[Excluded] = None, on_error: Optional[OnError] = None) -> Iterator[Path]:
    """Paths given explicitly are always linted; directories are walked in a stable order,
    skipping what ``excluded`` says (judged below the directory given, never its parents).

    A directory that cannot be listed (or a path whose exclusion cannot be judged) goes to
    ``on_error`` with the error, and the walk goes on; without ``on_error`` it is skipped.
    """
    skip = excluded or default_excluded
    report = on_error or (lambda path, exc: None)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, skip, report)
        else:
            yield path


def _walk(root: Path, skip: Excluded, report: OnError) -> Iterator[Path]:
    def skipped(path: Path) -> bool:
        try:
            return skip(path, root)
        except OSError as exc:
            report(path, exc)
            return True

    def unlisted(exc: OSError) -> None:
        report(Path(exc.filename) if exc.filename is not None else root, exc)

    for directory, subdirectories, files in os.walk(root, onerror=unlisted):
        current = Path(directory)
        subdirectories[:] = sorted(
            name for name in subdirectories
            if not skipped(current / name) and not is_virtualenv(current / name)
        )
        for name in sorted(files):
            if name.endswith((".py", ".pyi", ".ipynb")) and not skipped(current / name):
                yield current / name
