"""How the runner spreads files over worker processes: largest first, results in order, no pool
for what the cache answers."""
from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pytest

import shapelint.runner as runner
from shapelint.runner import PARALLEL_THRESHOLD, LintOptions, iter_lint

BUGGY = "import numpy as np\n\nx = np.zeros((3, 4)) @ np.zeros((5, 6))\n"


class InlinePool:
    """A ProcessPoolExecutor that runs each task at once, in this process, and records the order."""

    submitted: list = []

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def submit(self, function, *args):
        InlinePool.submitted.append(args[0][0].name)
        future: Future = Future()
        future.set_result(function(*args))
        return future

    def shutdown(self, wait=True, cancel_futures=False) -> None:
        pass


@pytest.fixture
def tree(tmp_path: Path) -> list[Path]:
    paths = []
    for index in range(PARALLEL_THRESHOLD + 4):
        path = tmp_path / f"m{index:02d}.py"
        padding = "\n" * ((index * 7) % 23)  # sizes in no particular order
        path.write_text(BUGGY + padding if index % 3 == 0 else "x = 1\n" + padding)
        paths.append(path)
    return paths


def test_workers_get_the_largest_files_first_and_results_come_in_order(tree, monkeypatch):
    monkeypatch.setattr(runner, "process_pool", InlinePool)
    monkeypatch.setattr(runner, "_preload", lambda items: None)
    InlinePool.submitted = []
    pooled = list(iter_lint(tree, jobs=2))
    sizes = {path.name: path.stat().st_size for path in tree}
    assert [sizes[name] for name in InlinePool.submitted] == sorted(sizes.values(), reverse=True)
    assert pooled == list(iter_lint(tree, jobs=1))
    assert [bool(found) for found in pooled] == [index % 3 == 0 for index in range(len(tree))]


def test_a_run_the_cache_answers_starts_no_worker(tree, tmp_path, monkeypatch):
    options = {path: LintOptions(cache_dir=str(tmp_path / "cache")) for path in tree}
    first = list(iter_lint(tree, 1, options))

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for cached files")

    monkeypatch.setattr(runner, "process_pool", no_pool)
    assert list(iter_lint(tree, 2, options)) == first


def test_real_worker_processes_give_the_findings_of_one_process(tree):
    assert list(iter_lint(tree, jobs=2)) == list(iter_lint(tree, jobs=1))


def test_one_files_cycles_are_collected_once_after_it():
    """The collector is paused while a file is linted and frees what the file left behind after."""
    import gc
    import weakref

    from shapelint.runner import collected_once

    class Node:
        pass

    assert gc.isenabled()
    with collected_once():
        assert not gc.isenabled()
        cycle = Node()
        cycle.self = cycle
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None  # nothing collects it meanwhile
    assert gc.isenabled()
    assert alive() is None
