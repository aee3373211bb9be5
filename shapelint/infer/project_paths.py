"""Which file of the user's project an import names: free of libcst, so that the screen
(``shapelint.screening``) follows imports exactly as the interpreter (``infer.project``) does."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional


def package_root(directory: Path) -> Path:
    """The directory from which the package holding ``directory`` is imported."""
    return Path(_package_root(str(directory)))


def _package_root(directory: str, probes: Optional[set] = None) -> str:
    while _is_file(os.path.join(directory, "__init__.py"), probes):
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return directory


def resolve(importer: Optional[str], module: str, level: int, probes: Optional[set] = None,
            real_importer: Optional[str] = None) -> Optional[Path]:
    """The file ``import module`` (``level`` dots) means for ``importer``; None when it is not a
    file of the importer's project (a library, a missing file, no importer path).

    The answer rests on which files exist, and on nothing else but the importer's directory:
    with ``probes``, every ``(path, is a file)`` asked on the way is added to it. While each of
    those answers the same, so does the import (``shapelint.cache`` asks them again: creating
    ``helper.py`` beside ``from helper import center``, or one that shadows the file found, is a
    change to the importer). With ``os.path`` rather than ``pathlib``: it is on every import's path.
    ``real_importer``: the importer's ``os.path.realpath``, when the caller knows it already."""
    if not importer or importer == "-" or not module and not level:
        return None
    here = os.path.dirname(real_importer or os.path.realpath(importer))
    if level:
        base = here
        for _ in range(level - 1):
            base = os.path.dirname(base)
        roots = [base]
    else:
        roots = list(dict.fromkeys((here, _package_root(here, probes))))
    parts = module.split(".") if module else []
    for root in roots:
        target = os.path.join(root, *parts)
        # a package before a module of the same name, as Python's own finder looks
        for candidate in (os.path.join(target, "__init__.py"), (target + ".py") if parts else None):
            if candidate is not None and _is_file(candidate, probes):
                return Path(candidate)
    return None


def _is_file(path: str, probes: Optional[set]) -> bool:
    found = os.path.isfile(path)
    if probes is not None:
        probes.add((path, found))
    return found
