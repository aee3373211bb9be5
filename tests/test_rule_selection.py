"""Only the rules enabled for a file judge it: a disabled rule never claims an event another rule reports."""
from __future__ import annotations

import json
import pickle

from click.testing import CliRunner

from summary import findings_only  # the summary lines; these tests look at the findings
from shapelint.cli import main
from shapelint.config import Settings
from shapelint.engine import lint_source
from shapelint.notebook import lint_notebook
from shapelint.rules import all_rules, enabled_rules
from shapelint.rules.base import Hints
from shapelint.runner import LintOptions
from samples import MISSING_KEEPDIMS

# In MISSING_KEEPDIMS, SL002 (priority 20) claims the broadcast of the sum without keepdims (and
# points at the sum, line 7); SL005 (50) also sees the broadcast (line 8).

# SL001 (priority 40) claims the rank-1 product meeting a column; SL005 (50) also sees it.
RANK1_FORWARD = """import numpy as np


def forward(n_h, n_x):
    W = np.random.randn(n_h, n_x)
    b = np.zeros((n_h, 1))
    x = np.random.randn(n_x)
    return W @ x + b
"""

EVERY_RULE = frozenset(rule.code for rule in all_rules())


def found(source: str, select=None) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in lint_source(source, "m.py", select=select).findings]


def test_a_disabled_rule_does_not_claim_the_event():
    assert found(MISSING_KEEPDIMS) == [(7, "SL002")]
    assert found(MISSING_KEEPDIMS, EVERY_RULE - {"SL002"}) == [(8, "SL005")]
    assert found(RANK1_FORWARD) == [(8, "SL001")]
    assert found(RANK1_FORWARD, EVERY_RULE - {"SL001"}) == [(8, "SL005")]
    assert found(RANK1_FORWARD, EVERY_RULE - {"SL001", "SL005"}) == []


def test_no_selection_is_every_rule_and_order_stays_priority_order():
    assert enabled_rules() == all_rules()
    assert found(MISSING_KEEPDIMS, None) == found(MISSING_KEEPDIMS, EVERY_RULE)
    chosen = enabled_rules(["SL005", "SL002", "SL100", "SL000"])  # codes without a rule are harmless
    assert [rule.code for rule in chosen] == ["SL002", "SL005"]
    priorities = [rule.priority for rule in all_rules()]
    assert priorities == sorted(priorities)


def test_notebooks_take_the_selection():
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": MISSING_KEEPDIMS}
    notebook = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})
    assert [f.code for f in lint_notebook(notebook, "n.ipynb").findings] == ["SL002"]
    assert [f.code for f in lint_notebook(notebook, "n.ipynb", select=EVERY_RULE - {"SL002"}).findings] == ["SL005"]


def test_per_file_codes_and_options_travel_to_workers(tmp_path):
    settings = Settings(codes=EVERY_RULE | {"SL000"}, root=tmp_path, per_file_ignores=(("tests/*", frozenset({"SL002"})),))
    assert settings.codes_for(str(tmp_path / "tests" / "t.py")) == (EVERY_RULE | {"SL000"}) - {"SL002"}
    assert settings.codes_for(str(tmp_path / "src" / "m.py")) == EVERY_RULE | {"SL000"}
    options = LintOptions(False, Hints(), settings.codes_for(str(tmp_path / "tests" / "t.py")))
    assert pickle.loads(pickle.dumps(options)) == options


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, ["--output-format", "concise", *args], input=input)
    return result.exit_code, findings_only(result.stdout)


def codes(out: str) -> list[tuple[str, int, str]]:
    return [(line.split(":")[0], int(line.split(":")[1]), line.split(": ")[1].split()[0]) for line in out.splitlines()]


def test_ignore_on_the_command_line_lets_the_next_rule_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "step.py").write_text(MISSING_KEEPDIMS)
    (tmp_path / "forward.py").write_text(RANK1_FORWARD)
    assert codes(run("step.py")[1]) == [("step.py", 7, "SL002")]
    assert codes(run("step.py", "--ignore", "SL002")[1]) == [("step.py", 8, "SL005")]
    assert codes(run("forward.py", "--ignore", "rank-1-array")[1]) == [("forward.py", 8, "SL005")]
    assert run("forward.py", "--select", "SL002,SL003,SL004")[0] == 0
    assert codes(run("-", "--stdin-filename", "forward.py", "--ignore", "SL001", input=RANK1_FORWARD)[1]) == [("forward.py", 8, "SL005")]


def test_per_file_ignores_in_the_config_let_the_next_rule_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "src" / "step.py").write_text(MISSING_KEEPDIMS)
    (tmp_path / "tests" / "test_step.py").write_text(MISSING_KEEPDIMS)
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint.per-file-ignores]\n"tests/*" = ["missing-keepdims"]\n')
    assert sorted(codes(run(".")[1])) == [("src/step.py", 7, "SL002"), ("tests/test_step.py", 8, "SL005")]


def test_fixes_come_from_the_enabled_rules_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "step.py").write_text(MISSING_KEEPDIMS)
    assert "keepdims=True" in run("step.py", "--diff", "--unsafe-fixes")[1]
    patch = run("step.py", "--diff", "--unsafe-fixes", "--ignore", "SL002")[1]
    assert "keepdims=True" not in patch and "(lr * db).reshape(-1, 1)" in patch


def test_each_rule_module_is_named_after_its_rules_code():
    """``enabled_rules`` imports a rule's module by the code its name starts with."""
    import importlib
    import pkgutil

    import shapelint.rules as rules

    for info in pkgutil.iter_modules(rules.__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"shapelint.rules.{info.name}")
        codes = {rule.code for rule in all_rules() if type(rule).__module__ == module.__name__}
        assert codes == {info.name.split("_", 1)[0].upper()}, info.name


def test_the_modules_of_rules_turned_off_are_not_imported():
    import subprocess
    import sys

    script = ("import sys\nfrom shapelint.rules import enabled_rules\n"
              "print([r.code for r in enabled_rules(['SL001'])])\n"
              "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('shapelint.rules.sl')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    codes, modules = done.stdout.splitlines()
    assert codes == "['SL001']"
    assert "sl006_vectorizable_loop" not in modules and "sl007_shape_mismatch" not in modules


def test_a_rule_is_the_same_object_whichever_selection_asks_for_it():
    assert enabled_rules(["SL002"])[0] is next(rule for rule in all_rules() if rule.code == "SL002")
