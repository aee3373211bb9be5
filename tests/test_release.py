"""A linted file's syntax tree is freed by reference counting, not left to the cycle collector.

Functions and their scopes, classes and their methods, instances and their bound methods refer
to each other; through them the analysis reaches the whole tree. ``runner.lint_data`` releases
the analysis once the findings are taken, so the collector has no tree to search for."""
from __future__ import annotations

import gc
import subprocess
import sys

import libcst as cst
import pytest

from shapelint.runner import LintOptions, lint_data, lint_file, lint_result

# Every kind of value that used to close a cycle: module functions, a nested function, a lambda
# kept in a name, a class with methods, an instance with a bound method, and a finding to report.
SOURCE = b'''
import numpy as np

scale = lambda a: a * 2.0


def outer(X):
    def inner(Y):
        return Y.sum(axis=0)
    return inner(X)


class Model:
    def __init__(self, n):
        self.W = np.zeros((n, 3))
        self.step = self.update

    def update(self, X):
        return X @ self.W


def train(m):
    X = np.ones((m, 4))
    model = Model(4)
    b = np.zeros((m, 1))
    return np.sum(X, axis=1) + b, outer(X), model.update(X), scale(X)
'''


def tree_nodes_left_to_the_collector(lint) -> list:
    """libcst nodes the cycle collector finds as garbage after ``lint()`` ran with it paused."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        lint()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return [item for item in gc.garbage if isinstance(item, cst.CSTNode)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def test_the_source_holds_a_finding():
    assert any(finding.code == "SL002" for finding in lint_data(SOURCE, "model.py"))


def test_lint_data_leaves_no_tree_to_the_collector():
    assert tree_nodes_left_to_the_collector(lambda: lint_data(SOURCE, "model.py")) == []


def test_lint_file_with_the_cache_leaves_no_tree_to_the_collector(tmp_path):
    path = tmp_path / "model.py"
    path.write_bytes(SOURCE)
    options = LintOptions(cache_dir=str(tmp_path / "cache"))
    assert tree_nodes_left_to_the_collector(lambda: lint_file(path, options)) == []


def test_without_release_the_collector_would_have_found_the_tree():
    """The check above can fail: an analysis kept unreleased leaves its tree in cycles."""
    kept = []

    def lint_unreleased() -> None:
        result = lint_result(SOURCE, "model.py")
        kept.append(result.findings)

    assert tree_nodes_left_to_the_collector(lint_unreleased)


@pytest.mark.parametrize("released", [False, True])
def test_release_changes_no_finding(released):
    result = lint_result(SOURCE, "model.py")
    findings = list(result.findings)
    if released:
        result.release()
    assert result.findings == findings == lint_data(SOURCE, "model.py")


def test_values_shared_with_the_import_cache_are_not_released(tmp_path):
    """A call's summary from one file's run can be stored in an imported module's bindings; the
    next file must still see it (helper 16's reproduction)."""
    (tmp_path / "lib.py").write_text("import numpy as np\n\n\nclass P:\n    def __init__(self, d):\n"
                                     "        self.W = np.ones((2, d))\n\n\ndef make(d):\n    return P(d)\n")
    (tmp_path / "mid.py").write_text("from lib import make\nOBJ = make(3)\n")
    (tmp_path / "a.py").write_text("from lib import make\nfrom mid import OBJ\nmake(3)\nOBJ\n")
    (tmp_path / "b.py").write_text("import numpy as np\nfrom mid import OBJ\n\ny = OBJ.W @ np.ones((5, 1))\n")
    done = subprocess.run([sys.executable, "-m", "shapelint", "check", "--no-cache", "--jobs", "1",
                           str(tmp_path / "a.py"), str(tmp_path / "b.py")], capture_output=True, text=True)
    assert "b.py:4:5: SL007" in done.stdout


def test_the_collection_after_a_file_meets_no_live_tree(monkeypatch):
    """The collection after each file (``runner.collected_once``) used to walk the whole tree, then
    still held by the result: a tenth of the parse's time on 65k lines. Released, the result
    keeps its findings and dependencies only, so no node is alive when the collector runs."""
    import shapelint.runner as runner

    alive_at_collection = []
    real_collect = gc.collect

    def counting_collect(*args):
        alive_at_collection.append(live_nodes())
        return real_collect(*args)

    def live_nodes() -> int:
        return sum(isinstance(item, cst.CSTNode) for item in gc.get_objects())

    lint_data(SOURCE, "model.py")  # the engine and rules imported
    gc.collect()
    before = live_nodes()  # the nodes other modules keep (libcst's constants, other tests' trees)
    monkeypatch.setattr(runner.gc, "collect", counting_collect)
    findings = lint_data(SOURCE, "model.py")
    assert findings and alive_at_collection == [before]


def test_a_released_result_keeps_its_findings_and_dependencies(tmp_path):
    (tmp_path / "helpers.py").write_text("import numpy as np\n\n\ndef make(n):\n    return np.zeros(n)\n")
    (tmp_path / "main.py").write_text("import numpy as np\nfrom helpers import make\n\nv = make(3)\n"
                                      "w = np.sum(np.ones((3, 4)), axis=0) + np.zeros((4, 1))\n")
    result = lint_result((tmp_path / "main.py").read_bytes(), str(tmp_path / "main.py"))
    findings = list(result.findings)
    result.release()
    assert (result.module, result.analysis, result.context) == (None, None, None)
    assert result.findings == findings and findings
    assert str(tmp_path / "helpers.py") in {str(path) for path in result.depends}
