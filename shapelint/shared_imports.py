"""The project's modules that several linted files import, loaded once before worker processes fork.

A file's lint parses and runs the project modules it imports (``infer.project``), once per
process. With two workers, a module both workers' files import was parsed and run twice, and a
module that one worker imported and the other linted was parsed twice: on quantecon, whose files
all import its utilities, 29% more source parsed with two workers than with one (numpy's
package: 580 KB twice). Loaded here, in the parent, each worker finds them in its inherited
cache (copy-on-write) and a worker that lints one of them reuses the parse.

Which modules: those at least two of the files import, read from their text (an ``import`` line
in a string or comment counts too, which at worst loads a module no analysis asks for: on
quantecon every module found this way was loaded by the one-process run too; on numpy 30 of 34).
A module whose load fails or runs out of its time budget is left for the workers, as before.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Optional

_WORD = re.compile(rb"import")  # a literal: searched for at C speed, then its line is read
_FROM = re.compile(rb"[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import\b")
_IMPORT = re.compile(rb"[ \t]*import[ \t]+([\w.]+)")


def imports_named(source: bytes) -> set[tuple[bytes, int]]:
    """(module, level) of each line of ``source`` that starts with ``import``/``from ... import``."""
    named, lines = set(), set()
    for word in _WORD.finditer(source):
        start = source.rfind(b"\n", 0, word.start()) + 1
        if start in lines:
            continue
        lines.add(start)
        line = source[start:word.end() + 200]
        found = _FROM.match(line)
        if found:
            named.add((found[2], len(found[1])))
        elif found := _IMPORT.match(line):
            named.add((found[1], 0))
    return named


def shared_imports(files: Iterable[tuple[Path, bytes]]) -> dict[Path, Path]:
    """Each project file that two or more of ``files`` (path, source) import -> one importer."""
    return _shared(importers_of(files))


def _shared(importers: dict[Path, list[Path]]) -> dict[Path, Path]:
    return {module: paths[0] for module, paths in importers.items() if len(paths) >= 2}


def importers_of(files: Iterable[tuple[Path, bytes]]) -> dict[Path, list[Path]]:
    """Each project file that some of ``files`` (path, source) import -> those importers."""
    from .infer.project import project_file  # the resolution the analysis uses

    importers: dict[Path, list[Path]] = {}
    resolved: dict[tuple, Optional[Path]] = {}  # (directory, module, level): files of a directory import alike
    for path, source in files:
        found = set()
        for module, level in imports_named(source):
            key = (path.parent, module, level)
            if key not in resolved:
                resolved[key] = project_file(str(path), module.decode("ascii", "replace"), level)
            found.add(resolved[key])
        for module in found - {None, Path(os.path.realpath(path))}:
            importers.setdefault(module, []).append(path)
    return importers


def note_imported(importers: dict[Path, list[Path]]) -> None:
    """Tell the analysis which linted files others import: their trees are kept once linted
    (``infer.project.keep_linted``), for an import later in the same process."""
    from .infer import project

    project.IMPORTED_BY_LINTED = frozenset(str(module) for module in importers)


def load_shared_imports(files: Iterable[tuple[Path, bytes]], timeout) -> int:
    """Load (parse and run, as an import does) the modules several ``files`` import, each within
    ``timeout`` seconds; how many were loaded. Never raises: what fails is left to the workers."""
    from .budget import BudgetExceeded, time_budget
    from .engine import on_large_stack
    from .infer import project
    from .infer.interpreter import Interpreter

    try:
        importers = importers_of(files)
    except Exception:  # noqa: BLE001 - an optimisation: the workers load what they need anyway
        return 0
    note_imported(importers)
    wanted = _shared(importers)
    before = set(project._LOADED)
    loaded = 0
    for module, importer in wanted.items():
        try:
            with time_budget(timeout):
                loaded += on_large_stack(Interpreter(str(importer)).load_module, module) is not None
        except (Exception, BudgetExceeded):  # noqa: BLE001
            pass
    for key in set(project._LOADED) - before:
        if project._LOADED[key] is None:  # unfinished (or empty): a worker tries again, as it would have
            del project._LOADED[key]
    return loaded
