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
