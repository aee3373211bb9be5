"""The engine's parse (shapelint.parsing): libcst's tree for less, and once per file per process."""
from __future__ import annotations

import gc
import inspect
from pathlib import Path

import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from shapelint.discovery import python_files
from shapelint.engine import lint_source
from shapelint.infer import project
from shapelint import parsing
from shapelint.parse_inits import parse_constructors
from shapelint.parsing import parse_module

ROOT = Path(__file__).resolve().parent.parent


def test_the_tree_is_libcsts_and_nothing_stays_switched_off():
    validating = CSTNode.__post_init__
    for path in list(python_files([str(ROOT / "fixtures" / "e2e"), str(ROOT / "shapelint" / "infer")]))[:30]:
        source = path.read_bytes()
        assert parse_module(source).deep_equals(cst.parse_module(source)), path
    assert CSTNode.__post_init__ is validating and gc.isenabled()
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")  # nodes built by hand are still checked


def test_the_parse_constructors_take_libcsts_parameters():
    made = parse_constructors()
    assert {cst.Name, cst.Call, cst.Attribute, cst.SimpleStatementLine, cst.FunctionDef, cst.Module} <= set(made)
    assert len(made) >= 150  # every slotted node class (160 in libcst 1.0.1): none silently left out
    for cls, fast in made.items():
        own, ours = inspect.signature(cls.__dict__["__init__"]).parameters, inspect.signature(fast).parameters
        assert list(own) == list(ours), cls
        for name, parameter in own.items():
            assert parameter.kind == ours[name].kind, (cls, name)
            assert (parameter.default is inspect.Parameter.empty) == (ours[name].default is inspect.Parameter.empty), (cls, name)
            if parameter.default is not inspect.Parameter.empty and repr(parameter.default) != "<factory>":
                assert ours[name].default is parameter.default, (cls, name)


def test_with_the_parse_constructors_the_tree_is_libcsts(monkeypatch):
    monkeypatch.setattr(parsing, "FAST_CONSTRUCTORS_AFTER", 0)
    roots = [ROOT / "fixtures", ROOT / "reference_net", ROOT / "shapelint" / "infer", ROOT / "shapelint" / "loops"]
    paths = list(python_files([str(root) for root in roots]))
    assert len(paths) > 100
    for path in paths:
        source = path.read_bytes()
        try:
            expected = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        ours = parse_module(source)
        assert ours.deep_equals(expected) and ours.code == expected.code, path
    assert parsing._CONSTRUCTORS
    for cls, _, own in parsing._CONSTRUCTORS:
        assert cls.__dict__["__init__"] is own, cls  # libcst's own constructors are back
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    assert cst.Name("x", lpar=[cst.LeftParen()], rpar=[cst.RightParen()]).value == "x"


def test_a_source_libcst_rejects_is_rejected_alike():
    for source in (b"def f(:\n", b"x = (\n", "x = 'caf\xe9'\n".encode("latin-1")):
        with pytest.raises(Exception) as ours:
            parse_module(source)
        with pytest.raises(Exception) as theirs:
            cst.parse_module(source)
        assert type(ours.value) is type(theirs.value)
    assert CSTNode.__post_init__ is not None and gc.isenabled()


def test_a_file_parsed_for_an_import_is_not_parsed_again_for_its_own_lint(tmp_path, monkeypatch):
    (tmp_path / "model.py").write_text("import numpy as np\n\ndef make(n):\n    return np.zeros((n, 3))\n\nx = np.zeros(3)\ny = x.T\n")
    main = tmp_path / "main.py"
    main.write_text("import numpy as np\nfrom model import make\n\nz = make(4) @ np.zeros((4, 5))\n")
    model = tmp_path / "model.py"
    fresh = lint_source(model.read_bytes(), str(model)).findings
    assert lint_source(main.read_bytes(), str(main)).findings  # loads model.py
    assert str(model.resolve()) in project._PARSED
    parses = []
    monkeypatch.setattr("shapelint.engine.parse_module", lambda source: parses.append(source) or parse_module(source))
    assert lint_source(model.read_bytes(), str(model)).findings == fresh
    assert parses == [] and str(model.resolve()) not in project._PARSED
    model.write_text(model.read_text() + "\n")
    assert project.parsed_for_import(str(model), model.read_bytes()) is None  # another source: parsed anew
