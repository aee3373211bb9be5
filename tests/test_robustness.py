"""Never crash, never lose a file: real code and hostile input give findings, not tracebacks."""
from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import numpy
import pytest

from shapelint.engine import lint_source
from shapelint.findings import INTERNAL_NAME
from shapelint.discovery import python_files

NUMPY = Path(numpy.__file__).parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def internal_errors(paths):
    errors = []
    count = 0
    for path in python_files([str(p) for p in paths]):
        count += 1
        for finding in lint_source(path.read_bytes(), str(path)).findings:
            if finding.name == INTERNAL_NAME:
                errors.append(f"{finding.path}:{finding.line}: {finding.message}")
    return count, errors


@pytest.mark.slow
def test_numpy_package_subset_has_no_internal_error():
    count, errors = internal_errors([NUMPY / "linalg", NUMPY / "lib", NUMPY / "_core" / "tests" / "test_multiarray.py", NUMPY / "polynomial"])
    assert count > 40
    assert errors == []


@pytest.mark.slow
def test_stdlib_subset_has_no_internal_error():
    count, errors = internal_errors([STDLIB / name for name in ("json", "email", "asyncio", "unittest", "statistics.py", "fractions.py", "dataclasses.py")])
    assert count > 60
    assert errors == []


HOSTILE = {
    "empty": b"",
    "only comments": b"# nothing here\n# (n, m)\n",
    "null byte": b"x = 1\x00\n",
    "crlf": b"import numpy as np\r\nx = np.zeros(3)\r\ny = x.T\r\n",
    "form feed": b"import numpy as np\n\x0c\nx = 1\n",
    "deep nesting": b"x = " + b"(" * 3000 + b"1" + b")" * 3000 + b"\n",
    "deep arithmetic": b"import numpy as np\nx = np.zeros(3)\ny = " + b" + ".join([b"x"] * 3000) + b"\n",
    "mixed tabs": b"if True:\n\tx = 1\n        y = 2\n",
    "undecodable": b"s = '\xff'\n",
    "unknown coding": b"# -*- coding: klingon -*-\nx = 1\n",
    "huge": b"import numpy as np\n" + b"a = np.zeros((3, 4))\nb = a.sum(axis=0)\n" * 20000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_gives_findings_not_exceptions(name):
    result = lint_source(HOSTILE[name], f"{name}.py")
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
        assert finding.code.startswith("SL")


def test_crlf_file_is_still_analysed():
    result = lint_source(HOSTILE["crlf"], "crlf.py")
    assert [(f.line, f.code) for f in result.findings] == [(3, "SL001")]


def test_unparseable_inputs_are_reported_as_sl000():
    for name in ("null byte", "undecodable", "unknown coding", "mixed tabs"):
        codes = [f.code for f in lint_source(HOSTILE[name], f"{name}.py").findings]
        assert codes == ["SL000"], name


def test_one_failing_function_does_not_stop_the_others(monkeypatch):
    from shapelint.infer import functions

    original = functions.FunctionAnalyzer.analyze_function

    def explode_on_first(self, function, instance=None):
        if function.node.name.value == "first":
            raise RuntimeError("boom")
        return original(self, function, instance)

    monkeypatch.setattr(functions.FunctionAnalyzer, "analyze_function", explode_on_first)
    source = b"""import numpy as np

def first():
    return 1

def second(n):
    v = np.zeros(n)
    return v.T
"""
    findings = lint_source(source, "two.py").findings
    assert [(f.line, f.code, f.name) for f in findings] == [(3, "SL000", INTERNAL_NAME), (8, "SL001", "rank-1-array")]
    assert "boom" in findings[0].message


@pytest.mark.skipif(os.name != "posix", reason="permissions")
def test_unreadable_file_is_reported(tmp_path):
    from shapelint.runner import lint_file

    path = tmp_path / "secret.py"
    path.write_text("x = 1\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything
        path.chmod(0o644)
        path = tmp_path / "missing.py"
    findings = lint_file(path)
    assert [f.code for f in findings] == ["SL000"]
