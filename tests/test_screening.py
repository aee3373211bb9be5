"""The screen (shapelint.screening): a file it answers without libcst gets exactly the findings
linting it gives, and every way the engine learns a shape keeps a file from being screened out."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

import pytest

from shapelint import screening
from shapelint.discovery import python_files
from shapelint.runner import NO_SCREEN_ENV, LintOptions, lint_file, lint_files, lint_result

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT / "fixtures", ROOT / "reference_net"]
OFF = LintOptions(screen=False, report_unused=True)
ON = LintOptions(screen=True, report_unused=True)


def lint(source: bytes | str, name: str = "m.py", options: LintOptions = OFF):
    data = source.encode() if isinstance(source, str) else source
    return lint_result(data, name, options).findings


def screened(source: bytes | str, name: str = "m.py", notebook: bool = False):
    data = source.encode() if isinstance(source, str) else source
    return screening.screened_result(data, name, True, None, notebook)


# --- the corpus -------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def corpus_files() -> tuple[Path, ...]:
    return tuple(python_files([str(p) for p in CORPUS]))


def test_no_fixture_with_findings_is_screened_out():
    """What the screen rests on, checked where the findings are: every fixture (and reference_net
    file) that linting gives a finding is one the screen sends to the linter."""
    with_findings = 0
    for path in corpus_files():
        found = lint(path.read_bytes(), str(path))
        if found:
            with_findings += 1
            assert screened(path.read_bytes(), str(path), path.suffix == ".ipynb") is None, path
    assert with_findings > 50


def test_the_corpus_gives_the_same_findings_with_and_without_the_screen():
    files = list(corpus_files())
    assert len(files) > 100
    on = lint_files(files, 1, {path: ON for path in files})
    off = lint_files(files, 1, {path: OFF for path in files})
    assert on == off


def real_code_screened_out() -> list[Path]:
    """Files of real code the screen answers without linting (library code with little NumPy)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    packages = Path(sysconfig.get_paths()["purelib"])
    roots = [stdlib / name for name in ("json", "email", "asyncio", "unittest", "http", "logging", "xml")]
    roots += [packages / name for name in ("pygls", "click", "_pytest", "libcst", "numpy")]
    files = [p for p in python_files([str(r) for r in roots if r.exists()])]
    return [p for p in files if screening.cannot_hold_findings(p.read_bytes(), str(p)) is not None]


@pytest.mark.slow
def test_real_code_the_screen_answers_gives_the_same_findings_when_linted():
    """Only the files the screen answers can differ: lint each of them for real."""
    files = real_code_screened_out()
    assert len(files) >= 100
    for path in files:
        data = path.read_bytes()
        assert lint(data, str(path)) == screened(data, str(path)).findings, path


# --- every source of a shape keeps a file from the screen -------------------------------------

# Each source holds a finding (asserted), made only by the way of learning a shape it is named
# after, in a file with no other: the screen must send each to the linter.
HOLDERS = {
    "numpy": "import numpy as np\nx = np.zeros((3, 4)) @ np.zeros((3, 4))\n",
    "trailing comment": "def f(a, b):\n    x = a  # (3, 4)\n    y = b  # (5, 6)\n    return x + y\n",
    "comment line": "def f(a, b):\n    # x: (3, 4)\n    x = a\n    # y: (5, 6)\n    y = b\n    return x + y\n",
    "names in a comment line": "def f(a, b):\n    # x, z: (3, 4)\n    x = a\n    # y: (5, 6)\n    y = b\n    return x + y\n",
    "docstring": 'def f(x):\n    """x: (n, m)\n    """\n    return x - x.sum(axis=1)\n',  # (a hint: no raise rests on a docstring)
    "numpydoc": 'def f(x):\n    """\n    Parameters\n    ----------\n    x : array\n        (n, m) data.\n    """\n    return x - x.sum(axis=1)\n',
    "assert": "def f(x, y):\n    assert x.shape == (3, 4)\n    assert y.shape == (5, 6)\n    return x + y\n",
    "jaxtyping": 'from jaxtyping import Float\nfrom numpy.typing import NDArray\n\ndef f(x: Float[NDArray, "3 4"], y: Float[NDArray, "5 6"]):\n    return x + y\n',
    "jaxtyping, no numpy": 'from jaxtyping import Float\nfrom mytypes import ndarray\n\ndef f(x: Float[ndarray, "3 4"], y: Float[ndarray, "5 6"]):\n    return x + y\n',
    "nptyping": 'from nptyping import NDArray, Shape, Float\n\ndef f(x: NDArray[Shape["3, 4"], Float], y: NDArray[Shape["5, 6"], Float]):\n    return x + y\n',
    "a number's .T": "x = 1.5\ny = x.T\nz = y[0]\n",
    "a number's method": "x = 1.5\ny = x.reshape(3, 4)\n",
    "a flag's method": "flag = True\ny = flag.swapaxes(0, 1)\n",
    "a float() flattened": "def f(s):\n    x = float(s)\n    return x.flatten() + x.ravel().reshape(2, 1).T\n",
}


@pytest.mark.parametrize("name", sorted(HOLDERS))
def test_each_source_of_a_shape_is_screened_in(name):
    source = HOLDERS[name]
    assert [f for f in lint(source) if f.code != "SL100"], "the example must hold a finding"
    assert screened(source) is None


def test_a_number_joined_with_a_flag_is_still_a_number():
    """``infer.values.join``: what the screen rests on (a number is never indexed as an array)."""
    source = "def f(c):\n    x = 1.0 if c else True\n    if c:\n        z = 1.5\n    else:\n        z = False\n    return x[0], z[1], x @ z\n"
    assert lint(source) == []
    assert screened(source) is not None and screened(source).findings == []


def test_the_screen_knows_every_method_of_the_registry():
    from shapelint.numpy_model import properties, registry

    assert set(registry.METHODS) <= screening.NUMBER_ATTRIBUTES | screening.NUMBER_SAFE_METHODS
    assert not screening.NUMBER_ATTRIBUTES & screening.NUMBER_SAFE_METHODS
    assert set(screening.ARRAY_TYPES) == set(properties.ARRAY_TYPES)


@pytest.mark.parametrize("method", sorted(screening.NUMBER_SAFE_METHODS))
def test_the_methods_the_screen_lets_through_leave_a_number_a_number(method):
    """Their handlers on a number (a float, a flag) with any arguments: a number, None or unknown,
    and nothing for a rule."""
    for receiver in ("1.5", "True", "float(s)", "2 / 3"):
        for args in ("", "0", "0, 1", "axis=1", "(3, 4), axis=0, kind='x', dtype=object", "-1"):
            source = f"def f(s, c):\n    x = {receiver}\n    y = x.{method}({args})\n    return y[0], y @ y, y[0, 1], x @ y\n"
            assert lint(source) == [], source
    assert screened(f"x = 1.5\ny = x.{method}()\n") is not None


def test_stub_of_the_registry_methods_is_needed():
    """Without the attribute check a number's method would slip through: the flattened float is
    found by the linter only."""
    found = lint(HOLDERS["a number's method"])
    assert [f.code for f in found] == ["SL007"]


def test_a_project_module_that_makes_arrays_keeps_its_importers_in(tmp_path):
    (tmp_path / "model.py").write_text("import numpy as np\n\ndef make():\n    return np.zeros((3, 4))\n")
    (tmp_path / "middle.py").write_text("from model import make\n\ndef build():\n    return make()\n")
    direct = "from model import make\n\nx = make() @ make()\n"
    through = "import middle\n\nx = middle.build() @ middle.build()\n"
    for name, source in (("direct.py", direct), ("through.py", through)):
        path = tmp_path / name
        path.write_text(source)
        assert lint(source, str(path)), name
        assert screened(source, str(path)) is None, name


def test_a_screened_file_rests_on_the_project_files_it_imports(tmp_path):
    (tmp_path / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    main = tmp_path / "main.py"
    main.write_text("from helpers import double\n\nprint(double(3))\n")
    result = screened(main.read_bytes(), str(main))
    assert result is not None and result.findings == []
    assert result.depends == frozenset({str(tmp_path / "helpers.py")})


def test_the_cache_of_a_screened_file_goes_stale_with_its_imports(tmp_path):
    helpers = tmp_path / "helpers.py"
    helpers.write_text("def make():\n    return 1\n")
    main = tmp_path / "main.py"
    main.write_text("from helpers import make\n\nx = make() @ make()\n")
    options = LintOptions(cache_dir=str(tmp_path / "cache"))
    assert lint_file(main, options) == []
    helpers.write_text("import numpy as np\n\n\ndef make():\n    return np.zeros((3, 4))\n")
    os.utime(helpers, ns=(1, 1))  # another time and size: the screen and the cache read it again
    assert lint_file(main, options)


# --- SL000, suppressions, notebooks: the screen's answer is the linter's ----------------------

LINTED_FOR_SL000 = {
    "syntax error": b"def f(:\n    pass\n",
    "null byte": b"x = 1\x00\n",
    "deep nesting": b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
    "deep chain": b"x = a" + b".b" * 3000 + b"\n",
    "long sum": b"x = " + b" + ".join([b"a"] * 500) + b"\n",
    "undecodable": b"s = '\xff'\n",
    "latin-1": b"# -*- coding: latin-1 -*-\ns = '\xe9'\n",
    "mixed tabs": b"if True:\n\tx = 1\n        y = 2\n",
}


@pytest.mark.parametrize("name", sorted(LINTED_FOR_SL000))
def test_what_may_not_parse_or_is_too_deep_is_linted(name):
    assert screened(LINTED_FOR_SL000[name]) is None


def test_suppressions_in_a_screened_file_are_judged_as_when_linted():
    source = "x = 1  # noqa: SL001\ny = 2  # shapelint: ignore[SL999]\nz = 3  # noqa\n"
    result = screened(source)
    assert result is not None
    assert result.findings == lint(source)
    assert [f.code for f in result.findings] == ["SL100", "SL100"]
    skipped = "# shapelint: skip-file\nx = 1  # noqa: SL001\n"
    assert screened(skipped).findings == lint(skipped) == []


def notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": None} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })


def test_a_notebook_whose_cells_stand_alone_is_screened_like_a_file():
    source = notebook("def f(x):\n    return x + 1", "    # a comment\nprint(f(2))  # noqa: SL002", "%time f(3)")
    result = screened(source, "nb.ipynb", notebook=True)
    assert result is not None and result.findings
    assert result.findings == lint(source, "nb.ipynb")


def test_a_statement_across_cells_is_linted_for_its_sl000():
    source = notebook("x = (1,", "     2)")
    assert [f.code for f in lint(source, "nb.ipynb")] == ["SL000"]
    assert screened(source, "nb.ipynb", notebook=True) is None


def test_a_screened_run_never_imports_libcst(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\n")
    (tmp_path / "app.py").write_text("import json\n\n\ndef load(path):\n    return json.loads(open(path).read())\n")
    driver = (
        "import sys\nfrom shapelint.cli import main\n"
        "try:\n    main(['check', '--no-cache', 'app.py'])\nexcept SystemExit:\n    pass\n"
        "print('libcst imported:', 'libcst' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != NO_SCREEN_ENV}
    done = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "libcst imported: False" in done.stderr, done.stderr
    assert "All checks passed" in done.stdout + done.stderr
