"""Which files a run lints: the paths given, and the ``*.py`` files below directories."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".eggs", ".mypy_cache",
        ".pytest_cache", ".ruff_cache", "__pycache__", "__pypackages__", "build", "dist",
        "node_modules", "site-packages", "_build", "buck-out",
    }
)


def is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def python_files(paths: list[str]) -> Iterator[Path]:
    """Paths given explicitly are always linted; directories are walked in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(root: Path) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(root):
        current = Path(directory)
        subdirectories[:] = sorted(
            name for name in subdirectories
            if name not in SKIPPED_DIRECTORIES and not name.endswith(".egg-info") and not is_virtualenv(current / name)
        )
        for name in sorted(files):
            if name.endswith(".py") or name.endswith(".pyi"):
                yield current / name
