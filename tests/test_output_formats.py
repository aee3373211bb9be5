"""Output formats: a snapshot of the real command per format, and the renderers' details.

Each snapshot in ``tests/snapshots/<format>.txt`` records one run of
``python -m shapelint check buggy.py broken.py --output-format <format>`` in a temporary
directory (paths relative to it): the command, the exit code, stdout and stderr, with the
temporary directory written ``[TMP]``. In the SARIF snapshot the driver version is written
``[VERSION]`` and each rule's documentation text ``[DOC]`` (rule docstrings change often;
``test_sarif_rules_carry_their_documentation`` checks those fields instead).

After an intended change of output, rewrite the snapshots and review the diff::

    UPDATE_SNAPSHOTS=1 python -m pytest tests/test_output_formats.py
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shapelint import __version__
from shapelint.docs import all_docs
from shapelint.findings import Finding
from shapelint.output import FORMATS, RenderContext, full, github, json_format, json_lines, sarif
from shapelint.rules import all_rules
from samples import MISSING_KEEPDIMS

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

# Two different findings: SL002 on line 7, SL004 on line 14.
BUGGY = MISSING_KEEPDIMS + """

def forward(n_x, n_h, m):
    W = np.random.randn(n_h, n_x)
    X = np.random.randn(m, n_x)
    return np.dot(W, X)
"""
BROKEN = "import numpy as np\n\ndef f(x:\n    return x\n"

ESC = "\x1b["


# --- snapshots of the command -----------------------------------------------------------


def run_cli(tmp_path: Path, fmt: str) -> tuple[list[str], subprocess.CompletedProcess]:
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "broken.py").write_text(BROKEN)
    args = ["check", "buggy.py", "broken.py", "--output-format", fmt]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["NO_COLOR"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "shapelint", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    return args, proc


def normalize(text: str, tmp_path: Path) -> str:
    for tmp in {str(tmp_path.resolve()), str(tmp_path)}:
        text = text.replace(json.dumps(tmp)[1:-1], "[TMP]").replace(tmp, "[TMP]")
    return text.replace("\r\n", "\n")


def normalize_sarif(stdout: str) -> str:
    document = json.loads(stdout)
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["version"] == __version__
    driver["version"] = "[VERSION]"
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            if key in rule:
                rule[key] = {field: "[DOC]" for field in rule[key]}
    return json.dumps(document, indent=2) + "\n"


def snapshot_text(args: list[str], proc: subprocess.CompletedProcess, stdout: str, tmp_path: Path) -> str:
    return (
        f"$ shapelint {' '.join(args)}\n"
        f"exit code: {proc.returncode}\n"
        f"----- stdout -----\n{normalize(stdout, tmp_path)}"
        f"----- stderr -----\n{normalize(proc.stderr, tmp_path)}"
    )


def assert_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"no snapshot {path.name}; run with UPDATE_SNAPSHOTS=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs; run with UPDATE_SNAPSHOTS=1 to rewrite it, then review the diff"


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "json-lines", "sarif", "github"])
def test_snapshot(tmp_path, fmt):
    args, proc = run_cli(tmp_path, fmt)
    assert proc.returncode == 1, proc.stderr
    stdout = normalize_sarif(proc.stdout) if fmt == "sarif" else proc.stdout
    assert ESC not in proc.stdout
    assert_snapshot(fmt, snapshot_text(args, proc, stdout, tmp_path))


def test_every_format_is_registered():
    assert {"concise", "full", "json", "json-lines", "sarif", "github"} <= set(FORMATS)


# --- full ---------------------------------------------------------------------------------

SL002 = Finding("a.py", 2, 10, "SL002", "`np.sum(dZ, axis=1)` is (n_h,) ...", "missing-keepdims", 2, 28)
A_PY = ["import numpy as np", "    db = np.sum(dZ, axis=1)", "    return b - lr * db"]


def ctx_with(sources: dict[str, list[str]], color: bool = False) -> RenderContext:
    return RenderContext(color=color, sources=dict(sources), reader=lambda path: None)


def test_full_shows_the_line_with_carets_under_the_range():
    out = full.render([SL002], ctx_with({"a.py": A_PY}))
    assert out == (
        "a.py:2:10: SL002 [missing-keepdims] `np.sum(dZ, axis=1)` is (n_h,) ...\n"
        "  |\n"
        "2 |     db = np.sum(dZ, axis=1)\n"
        "  |          ^^^^^^^^^^^^^^^^^^\n"
        "  |\n"
        "\n"
    )


def test_full_help_line_from_the_fix():
    fix = {"applicability": "safe", "message": "Pass `keepdims=True`", "edits": []}
    out = full.render([Finding(**{**SL002.__dict__, "fix": fix})], ctx_with({"a.py": A_PY}))
    assert "  |\n  = help: Pass `keepdims=True`\n\n" in out
    assert out.count("keepdims=True") == 1  # the message is not repeated


def test_full_colour_only_when_asked():
    plain = full.render([SL002], ctx_with({"a.py": A_PY}))
    assert ESC not in plain
    coloured = full.render([SL002], ctx_with({"a.py": A_PY}, color=True))
    assert "\x1b[1;31mSL002\x1b[0m" in coloured  # code: bold red
    assert "\x1b[31m^^^^^^^^^^^^^^^^^^\x1b[0m" in coloured  # carets: red
    assert "\x1b[34m2 |\x1b[0m" in coloured and "\x1b[34m  |\x1b[0m" in coloured  # gutter: blue
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_full_without_source_is_just_the_header():
    assert full.render([SL002], ctx_with({})) == "a.py:2:10: SL002 [missing-keepdims] `np.sum(dZ, axis=1)` is (n_h,) ...\n\n"
    assert full.render([SL002], None).startswith("a.py:2:10: SL002")
    past_end = Finding("a.py", 9, 1, "SL002", "m", "missing-keepdims", 9, 2)
    assert full.render([past_end], ctx_with({"a.py": A_PY})) == "a.py:9:1: SL002 [missing-keepdims] m\n\n"


def test_full_reads_the_file_when_not_registered(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("\n".join(A_PY) + "\n")
    finding = Finding(str(path), 2, 10, "SL002", "m", "missing-keepdims", 2, 28)
    assert "2 |     db = np.sum(dZ, axis=1)\n" in full.render([finding], RenderContext())


def test_full_multi_line_range_underlines_to_the_end_of_the_first_line():
    finding = Finding("a.py", 2, 10, "SL007", "m", "shape-mismatch", 3, 12)
    lines = full.render([finding], ctx_with({"a.py": A_PY})).splitlines()
    assert lines[2] == "2 |     db = np.sum(dZ, axis=1)"
    assert lines[3] == "  |          ^^^^^^^^^^^^^^^^^^"
    assert "return" not in "".join(lines)


def test_full_point_and_empty_ranges_get_one_caret():
    syntax = Finding("a.py", 1, 19, "SL000", "does not parse", "syntax-error")  # no end recorded, at the line's end
    empty = Finding("a.py", 1, 1, "SL000", "internal", "internal-error", 1, 1)
    out = full.render([syntax, empty], ctx_with({"a.py": A_PY}))
    assert "  |                   ^\n" in out
    assert "  | ^\n" in out


def test_full_carets_follow_tabs_and_wide_characters():
    lines = ["\tx = '表表' + y"]
    finding = Finding("t.py", 1, 13, "SL001", "m", "rank-1-array", 1, 14)  # the `y`
    out = full.render([finding], ctx_with({"t.py": lines})).splitlines()
    assert out[2] == "1 |     x = '表表' + y"
    assert out[3].index("^") == out[2].index("y") + 2  # two wide characters take two columns each


def test_full_gutter_is_as_wide_as_the_line_number():
    lines = ["x = 1"] * 120
    finding = Finding("a.py", 100, 1, "SL001", "m", "rank-1-array", 100, 2)
    out = full.render([finding], ctx_with({"a.py": lines})).splitlines()
    assert out[1:4] == ["    |", "100 | x = 1", "    | ^"]


def test_full_notebook_cell_header_and_cell_source():
    finding = Finding("nb.ipynb", 2, 5, "SL002", "m", "missing-keepdims", 2, 8, cell=3)
    ctx = ctx_with({full.cell_source_key("nb.ipynb", 3): ["import numpy as np", "db = np.sum(a)"]})
    out = full.render([finding], ctx).splitlines()
    assert out[0] == "nb.ipynb:cell 3:2:5: SL002 [missing-keepdims] m"
    assert out[2:4] == ["2 | db = np.sum(a)", "  |     ^^^"]


def test_full_notebook_cells_read_from_the_notebook(tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# title"]},
        {"cell_type": "code", "metadata": {}, "source": ["import numpy as np\n"], "outputs": [], "execution_count": None},
        {"cell_type": "code", "metadata": {}, "source": ["a = 1\n", "db = np.sum(a)\n"], "outputs": [], "execution_count": None},
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    finding = Finding(str(path), 2, 6, "SL002", "m", "missing-keepdims", 2, 15, cell=3)
    out = full.render([finding], RenderContext()).splitlines()
    assert out[2:4] == ["2 | db = np.sum(a)", "  |      ^^^^^^^^^"]
    # the .ipynb JSON is never shown as if it were the cell's lines
    gone = Finding(str(path), 1, 1, "SL002", "m", "missing-keepdims", 1, 2, cell=7)
    assert full.render([gone], RenderContext()).count("\n") == 2


def test_full_blank_line_after_every_finding():
    other = Finding("a.py", 3, 12, "SL005", "n", "silent-broadcast-expansion", 3, 23)
    blocks = full.render([SL002, other], ctx_with({"a.py": A_PY})).split("\n\n")
    assert len(blocks) == 3 and blocks[1].startswith("a.py:3:12: SL005") and blocks[2] == ""


# --- json-lines ----------------------------------------------------------------------------


def test_json_lines_one_object_a_line():
    findings = [SL002, Finding("nb.ipynb", 1, 1, "SL000", 'say "x"\nthen', "syntax-error", cell=2)]
    lines = json_lines.render(findings).splitlines()
    assert [json.loads(line) for line in lines] == [json_format.as_dict(f) for f in findings]
    assert json_lines.render([]) == ""


# --- github --------------------------------------------------------------------------------


def test_github_workflow_command():
    assert github.render([SL002]) == (
        "::error file=a.py,line=2,col=10,endLine=2,endColumn=28,title=SL002 (missing-keepdims)::"
        "`np.sum(dZ, axis=1)` is (n_h,) ...\n"
    )


def test_github_escaping():
    finding = Finding("dir,x/a:b.py", 1, 1, "SL000", "100% off\r\nnext: a, b", "syntax-error")
    (line,) = github.render([finding]).splitlines()
    assert line == "::error file=dir%2Cx/a%3Ab.py,line=1,col=1,title=SL000 (syntax-error)::100%25 off%0D%0Anext: a, b"
    assert github.escape_property("a%:,\n") == "a%25%3A%2C%0A"


def test_github_multi_line_range_has_no_end_column():
    finding = Finding("a.py", 2, 10, "SL007", "m", "shape-mismatch", 3, 12)
    assert github.render([finding]).startswith("::error file=a.py,line=2,col=10,endLine=3,title=SL007 (shape-mismatch)::")


def test_github_notebook_names_the_cell_in_the_message():
    finding = Finding("nb.ipynb", 2, 5, "SL002", "m", "missing-keepdims", 2, 8, cell=3)
    assert github.render([finding]) == "::error file=nb.ipynb,title=SL002 (missing-keepdims)::cell 3, line 2, column 5: m\n"


# --- sarif ---------------------------------------------------------------------------------


def sarif_doc(findings, sources=None) -> dict:
    return json.loads(sarif.render(findings, ctx_with(sources or {})))


def test_sarif_document_structure():
    notebook = Finding("nb.ipynb", 2, 5, "SL007", "boom", "shape-mismatch", 2, 8, cell=3)
    syntax = Finding("b.py", 3, 6, "SL000", "does not parse", "syntax-error")
    doc = sarif_doc([SL002, notebook, syntax], {"a.py": A_PY})
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "shapelint" and driver["version"] == __version__
    assert "informationUri" not in driver
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert {"SL000"} | {rule.code for rule in all_rules()} <= set(ids)
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert set(rule) >= {"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"}
        assert "helpUri" not in rule
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        expected = "error" if rule["id"] in ("SL000", "SL007") else "warning"
        assert rule["defaultConfiguration"] == {"level": expected}

    results = run["results"]
    assert [r["ruleId"] for r in results] == ["SL002", "SL007", "SL000"]
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] == rules[res["ruleIndex"]]["defaultConfiguration"]["level"]
        assert res["message"]["text"]
        (location,) = res["locations"]
        region = location["physicalLocation"]["region"]
        if "cell" not in res.get("properties", {}):
            assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert all(isinstance(v, int) and v >= 1 for v in region.values())
        assert re.fullmatch(r"[0-9a-f]{64}:\d+", res["partialFingerprints"]["shapelint/v1"])
    first, nb, syn = results
    assert first["level"] == "warning" and nb["level"] == "error" and syn["level"] == "error"
    assert first["message"]["text"] == SL002.message
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a.py"},
        "region": {"startLine": 2, "startColumn": 10, "endLine": 2, "endColumn": 28},
    }
    assert "properties" not in first
    # nb.ipynb is not on disk, so where the cell is in it is unknown: line 1, and the message names the cell
    assert nb["properties"] == {"cell": 3, "cellRegion": {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 8}}
    assert nb["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert nb["message"]["text"] == "cell 3, line 2, column 5: boom"
    assert syn["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 7}


def test_sarif_rules_carry_their_documentation():
    rules = {rule["id"]: rule for rule in sarif_doc([])["runs"][0]["tool"]["driver"]["rules"]}
    for rule in all_rules():
        entry = rules[rule.code]
        doc = type(rule).__doc__
        what = doc.split("## What it does", 1)[1].split("##", 1)[0]
        assert entry["name"] == rule.name
        assert " ".join(entry["fullDescription"]["text"].split()) == " ".join(what.split())
        assert entry["shortDescription"]["text"].endswith(".")
        assert " ".join(what.split()).startswith(entry["shortDescription"]["text"])
        assert "## Why is this bad?" in entry["help"]["text"] and "## Fix safety" in entry["help"]["text"]
        assert entry["help"]["markdown"] == entry["help"]["text"]
    assert rules["SL000"]["help"]["text"].startswith("## What it does")
    assert [doc.code for doc in all_docs()] == list(rules)


def test_sarif_help_uri_when_set(monkeypatch):
    monkeypatch.setattr(sarif, "HELP_URI", "https://example.org/rules/{name}/")
    monkeypatch.setattr(sarif, "INFORMATION_URI", "https://example.org/")
    driver = sarif_doc([])["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert rules["SL002"]["helpUri"] == "https://example.org/rules/missing-keepdims/"


def test_sarif_unknown_code_gets_a_rule():
    finding = Finding("a.py", 1, 1, "SL999", "m", "brand-new", 1, 2)
    run = sarif_doc([finding])["runs"][0]
    (res,) = run["results"]
    rule = run["tool"]["driver"]["rules"][res["ruleIndex"]]
    assert rule["id"] == "SL999" and rule["name"] == "brand-new"


def test_sarif_uris():
    assert sarif.artifact_uri("src/model.py") == "src/model.py"
    assert sarif.artifact_uri("src\\model.py") == "src/model.py"
    assert sarif.artifact_uri("my dir/a#1.py") == "my%20dir/a%231.py"
    assert sarif.artifact_uri("/abs/a.py") == "file:///abs/a.py"
    assert sarif.artifact_uri("C:\\work\\a.py") == "file:///C:/work/a.py"


def fingerprints(findings, sources) -> list[str]:
    return [r["partialFingerprints"]["shapelint/v1"] for r in sarif_doc(findings, sources)["runs"][0]["results"]]


def test_sarif_fingerprints_survive_a_line_inserted_above():
    before = Finding("a.py", 2, 10, "SL001", "`db` (made by `np.sum(dZ, axis=1)` on line 2) is rank 1", "rank-1-array", 2, 12)
    after = Finding("a.py", 3, 10, "SL001", "`db` (made by `np.sum(dZ, axis=1)` on line 3) is rank 1", "rank-1-array", 3, 12)
    inserted = [A_PY[0], "# a new comment"] + A_PY[1:]
    assert fingerprints([before], {"a.py": A_PY}) == fingerprints([after], {"a.py": inserted})


def test_sarif_fingerprints_tell_findings_apart():
    base = fingerprints([SL002], {"a.py": A_PY})
    assert fingerprints([SL002], {"a.py": [A_PY[0], "    db = np.sum(dZ, axis=0)"]}) != base  # the line changed
    assert fingerprints([Finding(**{**SL002.__dict__, "path": "b.py"})], {"b.py": A_PY}) != base  # another file
    assert fingerprints([Finding(**{**SL002.__dict__, "code": "SL003"})], {"a.py": A_PY}) != base  # another rule
    # identical findings on identical lines are counted, not merged
    twice = [SL002, Finding(**{**SL002.__dict__, "line": 4, "end_line": 4})]
    first, second = fingerprints(twice, {"a.py": A_PY + A_PY[1:2]})
    assert first.split(":")[0] == second.split(":")[0]
    assert (first[-2:], second[-2:]) == (":1", ":2")


def test_sarif_empty_run_is_still_a_document():
    doc = sarif_doc([])
    assert doc["runs"][0]["results"] == [] and doc["runs"][0]["tool"]["driver"]["rules"]
