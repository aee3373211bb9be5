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

import re
from pathlib import Path
from typing import Iterable

_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import\b", re.MULTILINE)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([\w.]+)", re.MULTILINE)


def shared_imports(files: Iterable[tuple[Path, bytes]]) -> dict[Path, Path]:
    """Each project file that two or more of ``files`` (path, source) import -> one importer."""
    from .infer.interpreter import Interpreter

    importers: dict[Path, list[Path]] = {}
    for path, source in files:
        finder = Interpreter(str(path))  # its ``user_module``: the resolution the analysis uses
        named = [(m[2], len(m[1])) for m in _FROM.finditer(source)] + [(m[1], 0) for m in _IMPORT.finditer(source)]
        found = {finder.user_module(module.decode("ascii", "replace"), level) for module, level in named}
        for module in found - {None}:
            importers.setdefault(module, []).append(path)
    return {module: paths[0] for module, paths in importers.items() if len(paths) >= 2}


def load_shared_imports(files: Iterable[tuple[Path, bytes]], timeout) -> int:
    """Load (parse and run, as an import does) the modules several ``files`` import, each within
    ``timeout`` seconds; how many were loaded. Never raises: what fails is left to the workers."""
    from .budget import BudgetExceeded, time_budget
    from .engine import on_large_stack
    from .infer import project
    from .infer.interpreter import Interpreter

    try:
        wanted = shared_imports(files)
    except Exception:  # noqa: BLE001 - an optimisation: the workers load what they need anyway
        return 0
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
