"""The cache (.shapelint_cache): warm runs answer from it, every change that matters invalidates it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import shapelint.runner as runner
from shapelint import __version__
from shapelint.cache import CACHE_DIR_NAME, FORMAT, NO_CACHE_ENV, Cache, content_hash, settings_key
from shapelint.cli import main
from shapelint.findings import Finding

MODEL = """import numpy as np

def scale(x):
    return x * 2
"""

MAIN = """import numpy as np
from model import scale

a = np.zeros((3, 4))
b = np.zeros((5, 4))
c = a @ b
d = scale(a) + np.ones((2, 2))
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a pyproject.toml; the cache enabled (the suite disables it elsewhere)."""
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    monkeypatch.delenv("SHAPELINT_CACHE_DIR", raising=False)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "main.py").write_text(MAIN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def linted(monkeypatch):
    """The names of the files actually linted (not answered from the cache)."""
    names: list[str] = []
    real = runner.lint_source

    def spy(source, path, *args, **kwargs):
        names.append(Path(path).name)
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(runner, "lint_source", spy)
    return names


def run(*args: str):
    result = CliRunner().invoke(main, ["check", "--output-format", "json", "-j", "1", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout[:result.stdout.rindex("]") + 1])


def entries(project: Path) -> list[Path]:
    return sorted((project / CACHE_DIR_NAME / __version__).glob("*.json"))


def test_warm_run_answers_from_the_cache(project, linted):
    cold = run(".")
    assert sorted(linted) == ["main.py", "model.py"]
    assert cold
    assert len(entries(project)) == 2
    linted.clear()
    assert run(".") == cold
    assert linted == []


def test_cache_dir_has_its_own_gitignore(project, linted):
    run(".")
    assert (project / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"


def test_content_change_invalidates(project, linted):
    run(".")
    linted.clear()
    (project / "model.py").write_text(MODEL + "\nunused = 1\n")
    run("model.py")
    assert linted == ["model.py"]


def test_change_to_an_imported_sibling_invalidates_the_importer(project, linted):
    run(".")
    linted.clear()
    run(".")
    assert linted == []
    (project / "model.py").write_text(MODEL.replace("x * 2", "x.sum(axis=0)"))
    run(".")
    assert sorted(linted) == ["main.py", "model.py"]


CENTER = """def center(X):
    return X - X.mean(axis=1, keepdims=True)
"""


@pytest.mark.parametrize("header", ["import numpy as np\n", ""], ids=["analysed", "screened"])
def test_creating_a_module_an_import_missed_invalidates_the_importer(project, linted, header):
    """Cached while ``helper.py`` did not exist, ``user.py`` is linted again once it does (a
    screened file too: without NumPy it passes the screen only while nothing it imports has arrays)."""
    call = "np.ones((7,))" if header else "[1.0] * 7"
    (project / "user.py").write_text(f"{header}from helper import center\nc = center({call})\n")
    assert not [f for f in run("user.py") if f["path"] == "user.py"]
    linted.clear()
    run("user.py")
    assert linted == []
    (project / "helper.py").write_text(CENTER if header else "import numpy as np\n" + CENTER)
    linted.clear()
    warm = run("user.py")
    assert linted == ["user.py"]
    if header:
        assert [f["code"] for f in warm] == ["SL007"]
    assert warm == run("--no-cache", "user.py")


def test_a_module_that_shadows_the_imported_one_invalidates_the_importer(project, linted):
    """``pkg/user.py`` imports ``helper`` from the project's root until ``pkg/helper.py`` (found first) appears."""
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "user.py").write_text("import numpy as np\nfrom helper import center\nc = center(np.ones((7, 3)))\n")
    (project / "helper.py").write_text(CENTER)
    assert run("pkg/user.py") == []
    (project / "pkg" / "helper.py").write_text(CENTER.replace("axis=1", "axis=2"))
    linted.clear()
    warm = run("pkg/user.py")
    assert linted == ["user.py"]
    assert [f["code"] for f in warm] == ["SL007"]


def test_entry_with_malformed_or_stale_probes_is_a_miss(project, linted):
    run("main.py")
    (entry,) = entries(project)
    assert json.loads(entry.read_text())["probes"][str(project / "model.py")] is True
    for probes in (None, ["x"], {str(project / "model.py"): 1}, {str(project / "model.py"): False}, {str(project / "gone.py"): True}):
        data = json.loads(entry.read_text())
        data["probes"] = probes
        entry.write_text(json.dumps(data))
        linted.clear()
        run("main.py")
        assert linted == ["main.py"], probes


def test_settings_change_invalidates(project, linted):
    run(".")
    linted.clear()
    only = run(".", "--select", "SL001")
    assert sorted(linted) == ["main.py", "model.py"]
    assert all(f["code"] == "SL001" for f in only)
    linted.clear()
    run(".", "--select", "SL001")
    assert linted == []


def test_corrupt_or_foreign_entry_is_ignored_and_rewritten(project, linted):
    cold = run(".")
    for number, entry in enumerate(entries(project)):
        entry.write_bytes([b"{not json", b'{"format": 1, "findings": "x"}', b"\xff\xfe"][number % 3])
    linted.clear()
    assert run(".") == cold
    assert sorted(linted) == ["main.py", "model.py"]
    for entry in entries(project):
        assert json.loads(entry.read_text())["format"] == FORMAT
    linted.clear()
    assert run(".") == cold
    assert linted == []


def test_entry_with_wrongly_typed_findings_is_a_miss(project, linted):
    run("main.py")
    [entry] = entries(project)
    data = json.loads(entry.read_text())
    data["findings"] = [{"path": "main.py", "line": "one"}]
    entry.write_text(json.dumps(data))
    linted.clear()
    run("main.py")
    assert linted == ["main.py"]


def test_no_cache_writes_nothing(project, linted):
    run(".", "--no-cache")
    run(".", "--no-cache")
    assert sorted(linted) == ["main.py", "main.py", "model.py", "model.py"]
    assert not (project / CACHE_DIR_NAME).exists()


def test_environment_disables_the_cache(project, linted, monkeypatch):
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    run(".")
    assert not (project / CACHE_DIR_NAME).exists()


def test_cache_dir_from_config_and_command_line(project, linted):
    (project / "pyproject.toml").write_text("[tool.shapelint]\ncache-dir = 'build/lintcache'\n")
    run(".")
    assert (project / "build" / "lintcache" / __version__).is_dir()
    assert not (project / CACHE_DIR_NAME).exists()
    run(".", "--cache-dir", str(project / "elsewhere"))
    assert (project / "elsewhere" / ".gitignore").is_file()


def test_bad_cache_dir_in_config_is_an_error(project):
    (project / "pyproject.toml").write_text("[tool.shapelint]\ncache-dir = 3\n")
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 2
    assert "cache-dir" in result.output


def test_clean_removes_the_cache(project, linted):
    run(".")
    assert (project / CACHE_DIR_NAME).is_dir()
    result = CliRunner().invoke(main, ["clean"])
    assert result.exit_code == 0
    assert "Removed" in result.output and CACHE_DIR_NAME in result.output
    assert not (project / CACHE_DIR_NAME).exists()
    again = CliRunner().invoke(main, ["clean"])
    assert again.exit_code == 0 and "No cache" in again.output


def test_project_root_is_the_nearest_pyproject(project, linted, monkeypatch):
    (project / "sub").mkdir()
    (project / "sub" / "m.py").write_text(MODEL)
    monkeypatch.chdir(project / "sub")
    run("m.py")
    assert (project / CACHE_DIR_NAME).is_dir()
    assert not (project / "sub" / CACHE_DIR_NAME).exists()


def test_notebook_findings_round_trip(project, linted):
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": MAIN.replace("from model import scale\n", "")}]
    (project / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    cold = run("nb.ipynb")
    assert cold and all(f.get("cell") == 1 for f in cold)
    assert run("nb.ipynb") == cold


def test_timeout_results_are_not_stored(tmp_path):
    cache = Cache(tmp_path / "c")
    timeout = Finding("a.py", 1, 1, "SL000", "too slow", "timeout")
    cache.put("a.py", "h", "s", [timeout], [])
    assert cache.get("a.py", "h", "s") is None
    kept = Finding("a.py", 2, 3, "SL001", "m", "n", 2, 5, {"applicability": "safe", "message": "t", "edits": [
        {"content": "x", "location": {"row": 2, "column": 3}, "end_location": {"row": 2, "column": 5}}]}, None)
    cache.put("a.py", "h", "s", [kept], [])
    assert cache.get("a.py", "h", "s") == [kept]
    assert cache.get("a.py", "h", "other") is None
    assert cache.get("a.py", "other", "s") is None


WRITER = """
import sys
from shapelint.cache import Cache
from shapelint.findings import Finding
cache = Cache(sys.argv[1])
findings = [Finding("a.py", line, 1, "SL001", "m" * 2000, "n") for line in range(1, 200)]
for _ in range(60):
    cache.put("a.py", "h", "s", findings, [])
"""


def test_concurrent_writers_leave_a_valid_entry(tmp_path):
    directory = tmp_path / "c"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(directory)]) for _ in range(2)]
    cache = Cache(directory)
    reads = 0
    while any(writer.poll() is None for writer in writers):
        found = cache.get("a.py", "h", "s")
        if found is not None:
            assert len(found) == 199  # never half an entry
            reads += 1
    assert all(writer.returncode == 0 for writer in writers)
    assert len(cache.get("a.py", "h", "s")) == 199
    assert not [name for name in os.listdir(cache.entries) if name.endswith(".part")]


def test_settings_key_depends_on_what_decides_findings():
    from shapelint.rules.base import Hints

    base = settings_key(frozenset({"SL001"}), Hints("auto", ("m",)), False)
    assert base == settings_key(frozenset({"SL001"}), Hints("auto", ("m",)), False)
    assert base != settings_key(frozenset({"SL001", "SL002"}), Hints("auto", ("m",)), False)
    assert base != settings_key(frozenset({"SL001"}), Hints("samples-first", ("m",)), False)
    assert base != settings_key(frozenset({"SL001"}), Hints("auto", ("m",)), True)
    assert content_hash(b"a") != content_hash(b"b")


def test_a_run_answered_from_the_cache_never_imports_libcst(tmp_path: Path) -> None:
    """Start-up is most of a warm run: the CLI, the configuration and the cache stay free of libcst
    (the engine, the rules and ``--fix`` are imported only when a file must be linted)."""
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\n")
    (tmp_path / "m.py").write_text("import numpy as np\n\nx = np.zeros(3)\ny = x.T\n")
    env = {k: v for k, v in os.environ.items() if k != NO_CACHE_ENV}
    driver = (
        "import sys\nfrom shapelint.cli import main\n"
        "try:\n    main(['m.py'])\nexcept SystemExit:\n    pass\n"
        "print('libcst imported:', 'libcst' in sys.modules, file=sys.stderr)\n"
    )
    cold = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, env=env, capture_output=True, text=True)
    warm = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "libcst imported: True" in cold.stderr  # the first run lints
    assert "libcst imported: False" in warm.stderr, warm.stderr
    assert warm.stdout == cold.stdout and "SL001" in warm.stdout


def test_the_fixture_corpus_gives_the_same_findings_with_and_without_the_cache(tmp_path, monkeypatch):
    """Cold (filling the cache), warm (every file from it) and no cache at all: one result."""
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    root = Path(__file__).resolve().parents[1]
    corpus = [str(root / "fixtures"), str(root / "reference_net")]
    command = [sys.executable, "-m", "shapelint", "check", "--output-format", "json", "--exit-zero", *corpus]

    def findings(*options: str) -> list:
        done = subprocess.run(command + list(options), capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    cache_dir = tmp_path / "cache"
    uncached = findings("--no-cache")
    cold = findings("--cache-dir", str(cache_dir))
    stored = list(cache_dir.rglob("*.json"))
    warm = findings("--cache-dir", str(cache_dir))
    assert len(uncached) > 100
    assert len(stored) > 100  # the warm run had entries to answer from
    assert cold == uncached
    assert warm == uncached


def test_a_symlinked_directory_pointed_elsewhere_is_linted_again(project, linted):
    """Same path, same content, other neighbours: `cur/main.py` imports the `helper` beside its target."""
    for version, rows in (("v1", 3), ("v2", 4)):
        (project / version).mkdir()
        (project / version / "main.py").write_text("from helper import W, v\nz = W @ v\n")
        (project / version / "helper.py").write_text(f"import numpy as np\nW = np.ones((3, 4))\nv = np.ones(({rows}, 1))\n")
    (project / "cur").symlink_to("v1")
    assert [f["code"] for f in run("cur/main.py")] == ["SL004"]  # W (3, 4) @ v (3, 1): W.T was meant
    (project / "cur").unlink()
    (project / "cur").symlink_to("v2")
    linted.clear()
    assert run("cur/main.py") == []
    assert linted == ["main.py"]
