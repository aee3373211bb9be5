"""Project modules several linted files import are loaded once, before worker processes fork."""
from __future__ import annotations

from pathlib import Path

import pytest

import shapelint.engine as engine
import shapelint.infer.project as project
import shapelint.parsing as parsing
from shapelint.runner import iter_lint, lint_data
from shapelint.shared_imports import load_shared_imports, shared_imports

UTIL = """import numpy as np


def center(X):
    return X - np.mean(X, axis=1)
"""
A = """import numpy as np
from .util import center


def run(n):
    X = np.ones((n, 4))
    return center(X)
"""
B = """import numpy as np
from pkg.util import center
from pkg.broken import thing


def go():
    return center(np.zeros((3, 5)))
"""
C = """import numpy as np
from .broken import other
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "pkg"
    root.mkdir()
    for name, text in {"__init__.py": "", "util.py": UTIL, "a.py": A, "b.py": B, "c.py": C, "broken.py": "def (:\n"}.items():
        (root / name).write_text(text)
    for cache in ("_LOADED", "_DEPENDS", "_PROBES", "_PARSED"):  # this test's own import caches
        monkeypatch.setattr(project, cache, {})
    return root


def sources(root: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes()) for path in sorted(root.glob("*.py"))]


def test_modules_two_files_import_are_found_with_one_importer(package):
    found = shared_imports(sources(package))
    assert {module.name for module in found} == {"util.py", "broken.py"}
    assert found[(package / "util.py").resolve()].name in ("a.py", "b.py")


def test_loaded_once_then_reused_by_the_lints_with_the_same_findings(package, monkeypatch):
    names = ("a.py", "b.py", "util.py")
    unloaded = {name: lint_data((package / name).read_bytes(), str(package / name)) for name in names}
    for cache in ("_LOADED", "_DEPENDS", "_PROBES", "_PARSED"):
        monkeypatch.setattr(project, cache, {})
    assert load_shared_imports(sources(package), timeout=60) == 1  # util; broken does not parse
    assert not [key for key, env in project._LOADED.items() if env is None]  # the broken one is left to the workers
    parsed = []
    real = parsing.parse_module

    def counting(source):
        parsed.append(source)
        return real(source)

    monkeypatch.setattr(project, "parse_module", counting)
    monkeypatch.setattr(engine, "parse_module", counting)
    findings = {name: lint_data((package / name).read_bytes(), str(package / name)) for name in names}
    assert UTIL.encode() not in [s if isinstance(s, bytes) else s.encode() for s in parsed]  # neither imported nor linted again
    assert findings == unloaded
    assert findings["a.py"] and findings["b.py"]  # (n, 4) - (n,), (3, 5) - (3,): seen through the imported module


def test_a_parallel_run_finds_what_one_process_finds(package):
    files = sorted(package.glob("*.py")) * 9  # enough files for worker processes
    assert list(iter_lint(files, jobs=2)) == list(iter_lint(files, jobs=1))


def test_import_lines_are_read_from_the_text():
    from shapelint.shared_imports import imports_named

    source = (b"import a.b as c\nfrom . import x\nfrom ..pkg.mod import (y,\n    z)\nx = 1  # import q\n"
              b"def f():\n    from .util import g\n    import importlib\nreimport = 2\n")
    assert imports_named(source) == {(b"a.b", 0), (b"", 1), (b"pkg.mod", 2), (b"util", 1), (b"importlib", 0)}


def test_a_file_linted_before_a_file_that_imports_it_is_parsed_once(package, monkeypatch):
    """One process, util.py linted first, then a.py and b.py that import it: the import takes the
    tree util.py's lint parsed (``project.keep_linted``), with the findings of a run without it."""
    files = [package / "util.py", package / "a.py", package / "b.py"]
    monkeypatch.setattr(project, "_LINTED", {})
    without = [lint_data(path.read_bytes(), str(path)) for path in files]  # nothing noted: nothing kept
    assert project._LINTED == {}
    for cache in ("_LOADED", "_DEPENDS", "_PROBES", "_PARSED"):
        monkeypatch.setattr(project, cache, {})
    parsed = []
    real = parsing.parse_module

    def counting(source):
        parsed.append(source if isinstance(source, bytes) else source.encode())
        return real(source)

    monkeypatch.setattr(project, "parse_module", counting)
    monkeypatch.setattr(engine, "parse_module", counting)
    found = list(iter_lint(files, jobs=1))
    assert parsed.count(UTIL.encode()) == 1  # linted, then imported: one parse
    assert found == without
    assert project.IMPORTED_BY_LINTED == frozenset() and project._LINTED == {}  # forgotten after the run


def test_only_the_files_others_import_are_kept_and_within_their_bound(package, monkeypatch):
    monkeypatch.setattr(project, "_LINTED", {})
    monkeypatch.setattr(project, "IMPORTED_BY_LINTED", frozenset({str((package / "util.py").resolve())}))
    for name in ("util.py", "a.py"):
        path = package / name
        source = path.read_bytes()
        project.keep_linted(str(path), source, parsing.parse_module(source))
    assert list(project._LINTED) == [str((package / "util.py").resolve())]  # a.py: nobody imports it
    monkeypatch.setattr(project, "MAX_LINTED_BYTES", 10)
    project._LINTED.clear()
    project.keep_linted(str(package / "util.py"), UTIL.encode(), parsing.parse_module(UTIL.encode()))
    assert project._LINTED == {}  # larger than the bound: not kept
