"""``[tool.shapelint]`` and the flags that override it, as a user runs them."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from summary import findings_only  # the summary lines; these tests look at the findings
from shapelint.cli import main
from shapelint.config import ConfigError, resolve_selector

BUGGY = """import numpy as np


def step(n_h, m, lr):
    dZ = np.random.randn(n_h, m)
    b = np.zeros((n_h, 1))
    db = np.sum(dZ, axis=1)
    v = np.zeros(n_h)
    return b - lr * db, v.T
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "src" / "model.py").write_text(BUGGY)
    (tmp_path / "tests" / "test_model.py").write_text(BUGGY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, findings_only(result.stdout), result.stderr


def codes(out: str) -> list[tuple[str, str]]:
    return [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in out.splitlines()]


def configure(root, text: str) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.shapelint]\n" + text)


def test_selectors_accept_codes_names_prefixes():
    assert resolve_selector("SL002") == {"SL002"}
    assert resolve_selector("missing-keepdims") == {"SL002"}
    assert {"SL001", "SL002", "SL007"} <= resolve_selector("SL00")
    with pytest.raises(ConfigError, match="unknown rule selector 'SL9'"):
        resolve_selector("SL9")


def test_defaults_report_everything(project):
    code, out, _ = run(".")
    assert code == 1
    assert sorted(codes(out)) == sorted([("src/model.py", "SL001"), ("src/model.py", "SL002"), ("tests/test_model.py", "SL001"), ("tests/test_model.py", "SL002")])


def test_select_and_ignore_from_pyproject(project):
    configure(project, 'select = ["missing-keepdims"]\n')
    assert {c for _, c in codes(run(".")[1])} == {"SL002"}
    configure(project, 'ignore = ["SL002"]\n')
    assert {c for _, c in codes(run(".")[1])} == {"SL001", "SL005"}  # SL005 now judges the missing keepdims
    configure(project, 'select = ["SL002"]\nextend-select = ["rank-1-array"]\n')
    assert {c for _, c in codes(run(".")[1])} == {"SL001", "SL002"}


def test_command_line_overrides_the_file(project):
    configure(project, 'select = ["SL002"]\n')
    assert {c for _, c in codes(run(".", "--select", "SL001")[1])} == {"SL001"}
    assert run(".", "--ignore", "SL002")[0] == 0


def test_per_file_ignores(project):
    configure(project, '[tool.shapelint.per-file-ignores]\n"tests/*" = ["SL001"]\n')
    found = codes(run(".")[1])
    assert ("tests/test_model.py", "SL001") not in found and ("tests/test_model.py", "SL002") in found
    found = codes(run(".", "--per-file-ignores", "src/*:SL002")[1])
    assert ("src/model.py", "SL002") not in found and ("src/model.py", "SL001") in found


def test_excludes_apply_to_walks_and_with_force_exclude(project):
    configure(project, 'extend-exclude = ["tests"]\n')
    assert {p for p, _ in codes(run(".")[1])} == {"src/model.py"}
    assert {p for p, _ in codes(run("tests/test_model.py")[1])} == {"tests/test_model.py"}
    assert run("tests/test_model.py", "--force-exclude")[0] == 0


def test_nearest_pyproject_wins(project):
    configure(project, 'select = ["SL002"]\n')
    (project / "tests" / "pyproject.toml").write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    found = set(codes(run(".")[1]))
    assert found == {("src/model.py", "SL002"), ("tests/test_model.py", "SL001")}


def test_explicit_config_file(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("cfg") / "pyproject.toml"
    other.write_text('[tool.shapelint]\nselect = ["SL001"]\n')
    assert {c for _, c in codes(run(".", "--config", str(other))[1])} == {"SL001"}


@pytest.mark.parametrize(
    "text, message",
    [
        ('slect = ["SL001"]\n', "unknown key slect"),
        ('select = ["SL042"]\n', "unknown rule selector 'SL042'"),
        ('layout = "rows-first"\n', "layout"),
        ('select = "SL001"\n', "must be a list"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_a_clear_error(project, text, message):
    configure(project, text)
    code, out, err = run(".")
    assert code == 2 and message in err and out == ""


def test_layout_and_sample_dims_are_validated_and_accepted(project):
    configure(project, 'layout = "features-first"\nsample-dims = ["m", "batch"]\n')
    assert run(".")[0] == 1
    assert run(".", "--layout", "samples-first", "--sample-dims", "m,n_samples")[0] == 1
    assert run(".", "--layout", "sideways")[0] == 2


def test_stdin_uses_the_stdin_filename_for_config(project):
    configure(project, '[tool.shapelint.per-file-ignores]\n"tests/*" = ["SL001", "SL002", "SL005"]\n')
    code, out, _ = run("-", "--stdin-filename", "src/new.py", input=BUGGY)
    assert code == 1 and {p for p, _ in codes(out)} == {"src/new.py"}
    assert run("-", "--stdin-filename", "tests/new.py", input=BUGGY)[0] == 0


def test_statistics_exit_zero_and_quiet(project):
    code, out, _ = run(".", "--statistics")
    assert code == 1
    assert out.splitlines() == ["    2\tSL001\trank-1-array", "    2\tSL002\tmissing-keepdims"]
    assert run(".", "--exit-zero")[0] == 0


def test_unknown_rule_in_rule_command():
    code, _, err = run("rule", "SL042")
    assert code == 2 and "unknown rule" in err


SQUARE_PRODUCT = """import numpy as np


def gram(n, m):
    W = np.random.randn(n, m)
    A = np.random.randn(n, m)
    return W @ A
"""


def test_sample_dims_order_the_transpose_suggestions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.py").write_text(SQUARE_PRODUCT)
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nsample-dims = ["m"]\n')
    out = run("g.py")[1]
    assert "`W @ A.T` gives (n, n) or `W.T @ A` gives (m, m)" in out
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nsample-dims = ["n"]\n')
    out = run("g.py")[1]
    assert "`W.T @ A` gives (m, m) or `W @ A.T` gives (n, n)" in out
