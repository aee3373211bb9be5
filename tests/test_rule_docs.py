"""Every rule documents itself, its examples are true, and the README's table is current."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shapelint.cli import main
from shapelint.docs import SECTIONS, all_docs, code_block, rule_table, section
from shapelint.engine import lint_source

ROOT = Path(__file__).resolve().parent.parent
DOCS = {doc.code: doc for doc in all_docs()}


@pytest.mark.parametrize("code", sorted(DOCS))
def test_every_section_is_there(code):
    for title in SECTIONS:
        assert section(DOCS[code].text, title), f"{code} lacks '## {title}'"


@pytest.mark.parametrize("code", sorted(DOCS))
def test_example_triggers_and_use_instead_does_not(code):
    doc = DOCS[code]
    example, instead = code_block(doc.text, "Example"), code_block(doc.text, "Use instead")
    assert example and instead
    report_unused = code == "SL100"
    assert code in {f.code for f in lint_source(example, "example.py", report_unused).findings}
    assert lint_source(instead, "instead.py", report_unused).findings == []


def test_readme_table_is_generated_from_the_rules():
    assert rule_table() in (ROOT / "README.md").read_text(), "regenerate with: python -c 'from shapelint.docs import rule_table; print(rule_table())'"


def test_rule_command_prints_the_docs():
    result = CliRunner().invoke(main, ["rule", "missing-keepdims"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# missing-keepdims (SL002)")
    for title in SECTIONS:
        assert f"## {title}" in result.stdout
    listing = CliRunner().invoke(main, ["rule", "--all"]).stdout.splitlines()
    assert [line.split()[0] for line in listing] == sorted(DOCS)


def test_the_rule_table_is_the_rules() -> None:
    """``shapelint.rule_table`` (read on every run without importing the rules) names every rule
    exactly as its class does."""
    from shapelint.rule_table import RULE_NAMES
    from shapelint.rules import all_rules

    assert RULE_NAMES == {rule.code: rule.name for rule in all_rules()}
