"""The offline parts of scripts/realcode.py: extraction, file selection, counting, the table.

The script itself downloads packages and is not run here."""
from __future__ import annotations

import importlib.util
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "realcode.py"


@pytest.fixture(scope="module")
def realcode():
    spec = importlib.util.spec_from_file_location("realcode", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["realcode"] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("realcode", None)


def make_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/__init__.py", "import numpy as np\n")
        zf.writestr("pkg/core.py", "x = 1\ny = 2\n")
        zf.writestr("pkg/tests/test_core.py", "def test(): pass\n")
        zf.writestr("pkg/_ext.cpython-311-x86_64-linux-gnu.so", b"\x7fELF")
        zf.writestr("pkg/data.txt", "not python\n")
        zf.writestr("pkg-1.0.dist-info/METADATA", "Name: pkg\n")
        zf.writestr("pkg-1.0.dist-info/fake.py", "dropped = True\n")
        zf.writestr("../escape.py", "evil = True\n")
    return path


def make_sdist(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, text in {"pkg-1.0/setup.py": "setup()\n", "pkg-1.0/pkg/mod.py": "a = 1",
                           "pkg-1.0/README": "readme\n"}.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_wheel_keeps_only_py_files_inside_the_package(realcode, tmp_path):
    wheel = make_wheel(tmp_path / "pkg-1.0-py3-none-any.whl")
    assert sorted(realcode.py_members(wheel)) == ["pkg/__init__.py", "pkg/core.py", "pkg/tests/test_core.py"]
    dest = tmp_path / "src" / "pkg-1.0"
    assert realcode.extract_py(wheel, dest) == 3
    assert (dest / "pkg" / "core.py").read_text() == "x = 1\ny = 2\n"
    assert (dest / realcode.DONE_MARK).is_file()
    assert not (tmp_path / "escape.py").exists()


def test_sdist_top_directory_is_stripped(realcode, tmp_path):
    sdist = make_sdist(tmp_path / "pkg-1.0.tar.gz")
    assert sorted(realcode.py_members(sdist)) == ["pkg/mod.py", "setup.py"]


def test_fetch_reuses_the_cache_without_network(realcode, tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("pip must not run when the archive is cached")

    monkeypatch.setattr(realcode, "_pip_download", no_network)
    dist = tmp_path / "dist" / "pkg-1.0"
    dist.mkdir(parents=True)
    make_wheel(dist / "pkg-1.0-py3-none-any.whl")
    root = realcode.fetch("pkg", "1.0", tmp_path, log=lambda msg: None)
    assert root == tmp_path / "src" / "pkg-1.0"
    assert realcode.fetch("pkg", "1.0", tmp_path, log=lambda msg: None) == root  # extracted: not redone
    assert realcode.source_files(root, include_tests=False) == ["pkg/__init__.py", "pkg/core.py"]
    assert len(realcode.source_files(root, include_tests=True)) == 3


def test_failed_download_is_reported_not_raised(realcode, tmp_path, monkeypatch):
    monkeypatch.setattr(realcode, "_pip_download", lambda spec, into, extra: (False, "ERROR: no network"))
    result = realcode.run_package("pkg", "1.0", tmp_path, False, 1, 10, log=lambda msg: None)
    assert result.error and "no network" in result.error
    assert realcode.summarise([result])[-1]["package"] == "TOTAL"


@pytest.mark.parametrize("path, is_test", [
    ("pkg/tests/helpers.py", True), ("pkg/test/x.py", True), ("pkg/test_a.py", True),
    ("pkg/a_test.py", True), ("pkg/conftest.py", True), ("pkg/testing/tools.py", False),
    ("pkg/contest.py", False), ("pkg/latest.py", False),
])
def test_is_test_path(realcode, path, is_test):
    assert realcode.is_test_path(path) is is_test


def test_count_lines(realcode):
    assert realcode.count_lines(b"") == 0
    assert realcode.count_lines(b"a\nb\n") == 2
    assert realcode.count_lines(b"a\nb") == 2


def test_parse_json_lines_and_summarise(realcode):
    record = {"code": "SL004", "filename": "pkg/a.py", "location": {"row": 3, "column": 5}, "message": "m"}
    findings = realcode.parse_json_lines(json.dumps(record) + "\n\n" + json.dumps({**record, "code": "SL100"}))
    assert findings[0] == {"path": "pkg/a.py", "line": 3, "column": 5, "code": "SL004", "message": "m"}
    first = realcode.Result("a", "1", files=2, lines=20_000, findings=tuple(findings), seconds=1.0)
    second = realcode.Result("b", "2", files=1, lines=5_000,
                             findings=({**findings[0], "code": "SL000"},), seconds=0.5)
    rows = realcode.summarise([first, second])
    assert [r["package"] for r in rows] == ["a 1", "b 2", "TOTAL"]
    assert rows[0]["SL004"] == 1 and rows[0]["other"] == 1 and rows[0]["per_10k"] == 1.0
    total = rows[-1]
    assert (total["files"], total["lines"], total["findings"], total["SL000"]) == (3, 25_000, 3, 1)
    assert total["per_10k"] == 1.2
    table = realcode.format_table(rows).splitlines()
    assert table[0].split()[:4] == ["package", "files", "lines", "SL000"]
    assert table[-1].split()[0] == "TOTAL" and len(table) == 6
    assert realcode.format_findings(first, {"SL004"}) == ["pkg/a.py:3:5 SL004 m"]


def test_pick_packages(realcode):
    assert [n for n, _ in realcode.pick_packages(None)] == list(realcode.CORE)
    assert len(realcode.pick_packages("all")) == len(realcode.PINNED)
    assert realcode.pick_packages("PYOD,pywavelets") == [("pyod", realcode.PINNED["pyod"]),
                                                          ("PyWavelets", realcode.PINNED["PyWavelets"])]
    with pytest.raises(SystemExit):
        realcode.pick_packages("numpy")
