"""``type(node) is cst.X`` stands for ``isinstance(node, cst.X)`` only while X has no subclass.

The analysis tests node kinds with ``type(...) is``/``in`` on its hot paths: libcst's node classes
are abstract-base-class instances, and ``isinstance`` against them goes through
``ABCMeta.__instancecheck__`` (about ten times the cost of a type comparison; 245,000 such
calls on the 65k-line benchmark tree). This keeps that substitution sound for the libcst
installed: every class so tested must be a leaf of libcst's class tree."""
from __future__ import annotations

import re
from pathlib import Path

import libcst as cst

import shapelint

TYPE_TEST = re.compile(r"type\([^()]*(?:\([^()]*\))?[^()]*\) (?:is|in|is not|not in) \(?((?:cst\.\w+(?:, )?)+)\)?")


def tested_classes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in Path(shapelint.__file__).parent.rglob("*.py"):
        for match in TYPE_TEST.finditer(path.read_text()):
            for name in match.group(1).split(", "):
                found.setdefault(name.strip().removeprefix("cst."), set()).add(path.name)
    return found


def test_the_type_tests_are_found():
    assert {"Name", "Attribute", "SimpleStatementLine", "Comparison", "In"} <= set(tested_classes())


def test_every_class_tested_by_type_has_no_subclass():
    for name, files in tested_classes().items():
        cls = getattr(cst, name)
        assert isinstance(cls, type) and not cls.__subclasses__(), f"cst.{name} (tested by type in {sorted(files)}) has subclasses"
