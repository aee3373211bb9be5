"""Which file of the user's project an import names: free of libcst, so that the screen
(``shapelint.screening``) follows imports exactly as the interpreter (``infer.project``) does."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional


class FileAnswers:
    """The file system's answers to the questions one run asks again and again (the importer's
    real path; each ``__init__.py`` up to its package root, for every import), each asked once:
    a run sees one state of the files. Without it, every question goes to the file system."""

    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        self._files: dict[str, bool] = {}

    def realpath(self, path: str) -> str:
        found = self._real.get(path)
        if found is None:
            found = self._real[path] = os.path.realpath(path)
        return found

    def isfile(self, path: str) -> bool:
        found = self._files.get(path)
        if found is None:
            found = self._files[path] = os.path.isfile(path)
        return found


def package_root(directory: Path) -> Path:
    """The directory from which the package holding ``directory`` is imported."""
    return Path(_package_root(str(directory)))


def _package_root(directory: str, probes: Optional[set] = None, answers: Optional[FileAnswers] = None) -> str:
    while _is_file(os.path.join(directory, "__init__.py"), probes, answers):
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return directory


def resolve(importer: Optional[str], module: str, level: int, probes: Optional[set] = None,
            answers: Optional[FileAnswers] = None) -> Optional[Path]:
    """The file ``import module`` (``level`` dots) means for ``importer``; None when it is not a
    file of the importer's project (a library, a missing file, no importer path).

    The answer rests on which files exist, and on nothing else but the importer's directory:
    with ``probes``, every ``(path, is a file)`` asked on the way is added to it. While each of
    those answers the same, so does the import (``shapelint.cache`` asks them again: creating
    ``helper.py`` beside ``from helper import center``, or one that shadows the file found, is a
    change to the importer). With ``os.path`` rather than ``pathlib``: it is on every import's path."""
    if not importer or importer == "-" or not module and not level:
        return None
    here = os.path.dirname(answers.realpath(importer) if answers is not None else os.path.realpath(importer))
    if level:
        base = here
        for _ in range(level - 1):
            base = os.path.dirname(base)
        roots = [base]
    else:
        roots = list(dict.fromkeys((here, _package_root(here, probes, answers))))
    parts = module.split(".") if module else []
    for root in roots:
        target = os.path.join(root, *parts)
        # a package before a module of the same name, as Python's own finder looks
        for candidate in (os.path.join(target, "__init__.py"), (target + ".py") if parts else None):
            if candidate is not None and _is_file(candidate, probes, answers):
                return Path(candidate)
    return None


def _is_file(path: str, probes: Optional[set], answers: Optional[FileAnswers] = None) -> bool:
    found = answers.isfile(path) if answers is not None else os.path.isfile(path)
    if probes is not None:
        probes.add((path, found))
    return found
