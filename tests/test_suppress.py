"""``# noqa``, ``# shapelint: ignore[...]``, ``# shapelint: skip-file`` and unused suppressions."""
from __future__ import annotations

from shapelint.engine import lint_source

HEADER = "import numpy as np\n\n\ndef f(n):\n    v = np.zeros(n)\n"


def lint(body: str, report_unused: bool = False):
    return [(f.line, f.code) for f in lint_source(HEADER + body, "s.py", report_unused).findings]


def test_unsuppressed_finding_is_reported():
    assert lint("    return v.T\n") == [(6, "SL001")]


def test_noqa_forms():
    assert lint("    return v.T  # noqa\n") == []
    assert lint("    return v.T  # noqa: SL001\n") == []
    assert lint("    return v.T  # noqa:SL005,SL001\n") == []
    assert lint("    return v.T  # NOQA: sl001\n") == []
    assert lint("    return v.T  # noqa: SL002\n") == [(6, "SL001")]


def test_shapelint_ignore_forms():
    assert lint("    return v.T  # shapelint: ignore[SL001]\n") == []
    assert lint("    return v.T  # shapelint: ignore\n") == []
    assert lint("    return v.T  # shapelint: ignore[SL004]\n") == [(6, "SL001")]


def test_noqa_in_a_string_is_not_a_suppression():
    assert lint("    return v.T, '# noqa'\n") == [(6, "SL001")]


def test_suppression_applies_to_its_line_only():
    assert lint("    w = 1  # noqa\n    return v.T\n") == [(7, "SL001")]


def test_skip_file_in_leading_comments():
    source = "#!/usr/bin/env python\n# shapelint: skip-file\n" + HEADER + "    return v.T\n"
    assert lint_source(source, "s.py").findings == []
    late = HEADER + "    # shapelint: skip-file\n    return v.T\n"
    assert [f.code for f in lint_source(late, "s.py").findings] == ["SL001"]


def test_unused_suppressions_are_reported_when_asked():
    body = "    a = v.T  # noqa: SL001\n    b = 1  # noqa: SL002\n    c = 2  # shapelint: ignore\n    d = 3  # noqa\n    e = 4  # noqa: E501\n"
    assert lint(body, report_unused=True) == [(7, "SL100"), (8, "SL100")]
    assert lint(body) == []


def test_syntax_errors_cannot_be_suppressed():
    assert [f.code for f in lint_source("def f(:  # noqa\n", "s.py").findings] == ["SL000"]


def messages(body: str, select=None) -> list[tuple[int, str, str]]:
    return [(f.line, f.code, f.message) for f in lint_source(HEADER + body, "s.py", True, select=select).findings]


def test_rule_names_and_prefixes_suppress_as_in_the_configuration():
    for comment in (
        "# shapelint: ignore[rank-1-array]", "# shapelint: ignore[SL00]", "# shapelint: ignore[sl0]",
        "# shapelint: ignore[SL]", "# shapelint: ignore[ALL]", "# shapelint: ignore[rank-1-array SL001]",
        "# noqa: SL00", "# noqa: rank-1-array", "# noqa: E501, SL0",
    ):
        assert lint(f"    return v.T  {comment}\n", report_unused=True) == [], comment
    assert lint("    return v.T  # shapelint: ignore[missing-keepdims]\n") == [(6, "SL001")]
    assert lint("    return v.T  # shapelint: ignore[SL01]\n") == [(6, "SL001")]
    assert lint("    return v.T  # noqa: SL005\n") == [(6, "SL001")]


def test_unknown_selectors_suppress_nothing_and_are_reported():
    assert lint("    return v.T  # shapelint: ignore[SL999]\n") == [(6, "SL001")]
    assert lint("    return v.T  # shapelint: ignore[not-a-rule]\n") == [(6, "SL001")]
    (line, code, message), = messages("    w = 1  # shapelint: ignore[SL999]\n")
    assert (line, code) == (6, "SL100")
    assert message.startswith("`# shapelint: ignore[SL999]`: unknown rule selector SL999 (") and message.endswith("; remove it")
    (_, _, message), = messages("    return v.T  # shapelint: ignore[not-a-rule, SL001]\n")
    assert "unknown rule selector not-a-rule" in message and message.endswith("remove not-a-rule")
    (_, _, message), = messages("    w = 1  # noqa: SL9, E501\n")
    assert "unknown rule selector SL9" in message and message.endswith("remove SL9")


def test_other_linters_codes_in_noqa_are_theirs():
    body = "    w = 1  # noqa: E501, SLF001, SLOT000, unused-import\n"
    assert lint(body, report_unused=True) == []
    assert lint("    return v.T  # noqa: SLF001\n") == [(6, "SL001")]


def test_unused_selectors_and_rules_not_enabled_for_the_file():
    (_, _, message), = messages("    w = 1  # noqa: SL00\n")
    assert message == "`# noqa: SL00`: nothing to suppress for SL00 on this line; remove it"
    (_, _, message), = messages("    return v.T  # noqa: SL001, SL002, E501\n")
    assert message == "`# noqa: SL001, SL002, E501`: nothing to suppress for SL002 on this line; remove SL002"
    everything_but_sl001 = {"SL000", "SL002", "SL003", "SL004", "SL005", "SL006", "SL007", "SL100"}
    (_, _, message), = messages("    return v.T  # shapelint: ignore[rank-1-array]\n", everything_but_sl001)
    assert message.endswith("nothing to suppress for rank-1-array on this line (rank-1-array not enabled for this file); remove it")


def test_unknown_selector_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from shapelint.cli import main

    path = tmp_path / "s.py"
    path.write_text(HEADER + "    return v.T  # shapelint: ignore[rank1-array]\n")
    result = CliRunner().invoke(main, ["--output-format", "concise", str(path)])
    findings = [line for line in result.stdout.splitlines() if ": SL" in line]  # not the summary
    assert result.exit_code == 1 and [line.split(": ")[1][:5] for line in findings] == ["SL001"]
    result = CliRunner().invoke(main, ["--output-format", "concise", "--show-unused-suppressions", str(path)])
    assert [line.split(": ")[1][:5] for line in result.stdout.splitlines() if ": SL" in line] == ["SL001", "SL100"]
    assert "unknown rule selector rank1-array" in result.stdout
