"""Imports between the user's own files: ``train.py`` does ``from model import forward``.

The imported file is found beside the importer (or from the root of the package
the importer is in), parsed once per process and run at module level (its
``if __name__ == "__main__":`` block left out, as Python does on import). Its
functions and classes then work in the importer like its own: calls run their
bodies with the importer's arguments to learn what they return. What those runs
see is reported when the imported file itself is linted, not in the importer.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Optional

import libcst as cst

from ..parsing import parse_module
from .frame import Frame
from .imports import dotted, is_foreign_array_library, numpy_qualname
from .project_paths import FileAnswers, package_root, resolve  # noqa: F401  (package_root re-exported)
from .values import UNKNOWN, UserClass, UserFunction, Value

MAX_FILE_BYTES = 2_000_000  # a generated file that large is not worth parsing for summaries
MAX_IMPORT_DEPTH = 3


@dataclass(frozen=True)
class UserModule(Value):
    """A linted project's own module, imported: its top-level names."""

    path: str
    env: dict

    def __hash__(self) -> int:
        return hash(self.path)

    def attribute(self, name: str) -> Value:
        return self.env.get(name, UNKNOWN)


@dataclass(frozen=True)
class LazyImport(Value):
    """A name imported from the project's own file, read (parsed, run) only when the code uses it:
    most imported names are never called with shapes, and parsing their file costs."""

    path: str
    name: Optional[str]  # None: the module itself


_LOADED: dict[tuple, Optional[dict]] = {}
_DEPENDS: dict[tuple, set] = {}  # what loading a module loaded in turn: the cache's dependencies
_PROBES: dict[tuple, set] = {}  # which files its imports found or missed (project_paths.resolve): the cache asks again
_PARSED: dict[str, tuple[bytes, cst.Module]] = {}  # real path -> (source, tree) parsed for an import, until it is linted

# The other way round: a file linted first and imported afterwards by another file this process
# lints was parsed twice (on geomstats, 36 of its 189 files). The runner names the files some
# linted file imports (``IMPORTED_BY_LINTED``, from their text: ``shared_imports``); the tree of
# such a file is kept once linted, within ``MAX_LINTED_BYTES`` of source (the oldest let go
# first), until an import takes it.
IMPORTED_BY_LINTED: frozenset = frozenset()  # real paths
MAX_LINTED_BYTES = 1_500_000  # of source: 40-100 bytes of tree per byte, 150 MB at most
_LINTED: dict[str, tuple[bytes, cst.Module]] = {}  # real path -> (source, tree), oldest first


def keep_linted(path: str, source, module: cst.Module) -> None:
    """Keep the tree of a file just linted if a file still to lint may import it."""
    if not IMPORTED_BY_LINTED or not isinstance(source, bytes):
        return
    real = os.path.realpath(path)
    if real not in IMPORTED_BY_LINTED or len(source) > MAX_LINTED_BYTES:
        return
    _LINTED[real] = (source, module)
    while sum(len(kept) for kept, _ in _LINTED.values()) > MAX_LINTED_BYTES:
        del _LINTED[next(iter(_LINTED))]


def forget_linted() -> None:
    """The run is over: no file is noted as imported, no tree kept for an import."""
    global IMPORTED_BY_LINTED
    IMPORTED_BY_LINTED = frozenset()
    _LINTED.clear()


def _linted_tree(path: str, source: bytes) -> Optional[cst.Module]:
    found = _LINTED.pop(path, None)
    return found[1] if found is not None and found[0] == source else None


def parsed_for_import(path: str, source) -> Optional[cst.Module]:
    """The tree of ``path`` if an import in this process parsed that very source (then the file's
    own lint need not parse it again: the tree is immutable, and the import keeps it alive anyway);
    taken once."""
    if not _PARSED or not isinstance(source, bytes):
        return None
    found = _PARSED.pop(os.path.realpath(path), None)
    return found[1] if found is not None and found[0] == source else None


class ProjectImports:
    """Mixin of the interpreter: ``self.path`` is the linted file's path (or None)."""

    def user_module(self, module: str, level: int) -> Optional[Path]:
        """The file of the project that ``import module`` names, if any: looked for once per run
        and importer (a function's imports run on each call), what the search asked noted each time."""
        if getattr(self, "import_depth", 0) >= MAX_IMPORT_DEPTH:
            return None
        key = (self.path, module, level)
        answer = self.import_answers.get(key)
        if answer is None:
            probes: set = set()
            found = project_file(self.path, module, level, probes, self.file_answers)
            itself = self.file_answers.realpath(self.path) if self.path else None
            answer = self.import_answers[key] = (None if found is None or str(found) == itself else found, frozenset(probes))
        self.analysis.import_probes |= answer[1]
        return answer[0]

    @cached_property
    def import_answers(self) -> dict:
        """(importer, module, level) -> (the file found or None, the probes the search made)."""
        return {}

    @cached_property
    def file_answers(self) -> FileAnswers:
        return FileAnswers()

    def resolve_lazy(self, value: LazyImport) -> Value:
        env = self.load_module(Path(value.path))
        if env is None:
            return UNKNOWN
        if value.name is None:
            return UserModule(value.path, env)
        return env.get(value.name, UNKNOWN)

    def load_module(self, path: Path) -> Optional[dict]:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        loaded, probes = self.analysis.loaded_files, self.analysis.import_probes
        loaded.update((str(path), *_DEPENDS.get(key, ())))
        probes.update(_PROBES.get(key, ()))
        if key in _LOADED:
            return _LOADED[key]
        _LOADED[key] = None  # an import cycle sees nothing rather than recursing
        if stat.st_size > MAX_FILE_BYTES:
            return None
        try:
            data = path.read_bytes()
            module = _linted_tree(str(path), data)
            if module is None:
                module = parse_module(data)
                _PARSED[str(path)] = (data, module)  # for the file's own lint, if still to come
        except Exception:  # noqa: BLE001 - a file that does not parse gives no summaries
            return None
        self.analysis.loaded_files, self.analysis.import_probes = _DEPENDS[key], _PROBES[key] = set(), set()
        try:
            _LOADED[key] = self.run_module_silently(module, str(path))
        finally:
            loaded |= _DEPENDS[key]
            probes |= _PROBES[key]
            self.analysis.loaded_files, self.analysis.import_probes = loaded, probes
        return _LOADED[key]

    def run_module_silently(self, module: cst.Module, path: str) -> dict:
        """Its top-level bindings, with functions and classes marked as another file's."""
        from .interpreter import predeclare

        saved = (self.path, getattr(self, "import_depth", 0))
        self.path, self.import_depth = path, saved[1] + 1
        frame = Frame(env={}, emit=False, module=module)
        try:
            predeclare(module, frame, self)
            body = [statement for statement in module.body if not is_main_guard(statement)]
            self.guarded(module, lambda: self.execute_block(body, frame))
        finally:
            self.path, self.import_depth = saved
        return {name: as_external(value, Path(path).name) for name, value in frame.env.items()}

    def bind_user_import(self, node: cst.Import | cst.ImportFrom, env: dict) -> None:
        if isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                return
            module = dotted(node.module) if node.module is not None else ""
            found = self.user_module(module or "", len(node.relative))
            if found is None:
                return
            for alias in node.names:
                name = dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
                if name is not None and local is not None:
                    env[local] = LazyImport(str(found), name)
            return
        for alias in node.names:
            module = dotted(alias.name)
            if module is None or alias.asname is None or not isinstance(alias.asname.name, cst.Name):
                if module is not None and "." not in module:
                    found = self.user_module(module, 0)
                    if found is not None:
                        env[module] = LazyImport(str(found), None)
                continue
            found = self.user_module(module, 0)
            if found is not None:
                env[alias.asname.name.value] = LazyImport(str(found), None)


def project_file(importer: Optional[str], module: str, level: int, probes: Optional[set] = None,
                 answers: Optional[FileAnswers] = None) -> Optional[Path]:
    """The project file ``import module`` names in ``importer`` (perhaps ``importer`` itself);
    never NumPy or another array library. It depends only on the importer's directory and the
    files there (``probes`` records which: see ``project_paths.resolve``)."""
    if level == 0 and (numpy_qualname(module) or is_foreign_array_library(module)):
        return None
    return resolve(importer, module, level, probes, answers)


def is_main_guard(statement: cst.CSTNode) -> bool:
    if not isinstance(statement, cst.If) or not isinstance(statement.test, cst.Comparison):
        return False
    test = statement.test
    sides = [test.left] + [c.comparator for c in test.comparisons]
    names = {s.value for s in sides if isinstance(s, cst.Name)}
    strings = {s.evaluated_value for s in sides if isinstance(s, cst.SimpleString)}
    return names == {"__name__"} and strings == {"__main__"}


def as_external(value: Value, origin: str) -> Value:
    """Another file's function: what it finds as written belongs to that file; what only this
    file's arguments show is reported here, at the call (see ``FunctionAnalyzer.call_user``)."""
    if isinstance(value, UserFunction):
        return replace(value, external=True, origin=origin) if not value.external else value
    if isinstance(value, UserClass):
        for name, method in list(value.methods.items()):
            value.methods[name] = as_external(method, origin)
    return value
