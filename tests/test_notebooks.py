"""Jupyter notebooks: code cells linted in order, IPython syntax masked, findings placed by cell.

Cells are numbered as ruff numbers them: by position among all cells (markdown too), from 1.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from summary import findings_only  # the summary lines; these tests look at the findings
from shapelint.cli import main
from shapelint.discovery import python_files
from shapelint.findings import SYNTAX_CODE
from shapelint.notebook import MASK_COMMENT, lint_notebook, read_notebook
from shapelint.runner import lint_file, lint_files

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "fixtures" / "notebooks").glob("*.ipynb"))
EXPECT = re.compile(r"#\s*expect:\s*(SL\d{3}(?:\s*,\s*SL\d{3})*)")

SETUP = """import numpy as np
n_h, m = 4, 10
dZ = np.random.randn(n_h, m)
b = np.zeros((n_h, 1))"""
BUG = """lr = 0.1
s = np.sum(dZ, axis=1)
b = b - lr * s"""


def cell(source, kind: str = "code", as_list: bool = True) -> dict:
    made = {"cell_type": kind, "metadata": {}, "source": source}
    if as_list and isinstance(source, str):
        made["source"] = source.splitlines(keepends=True)
    if kind == "code":
        made.update(execution_count=None, outputs=[])
    return made


def notebook(*cells, metadata=None) -> str:
    cells = [c if isinstance(c, dict) else cell(c) for c in cells]
    return json.dumps({"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def markdown(text: str) -> dict:
    return cell(text, "markdown")


def lint(text: str | bytes, path: str = "nb.ipynb"):
    return lint_notebook(text, path).findings


def where(findings) -> list[tuple]:
    return [(f.cell, f.line, f.column, f.code) for f in findings]


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, findings_only(result.stdout)


# --- the fixture notebooks ------------------------------------------------------


def expected(path: Path) -> list[tuple[int, int, str]]:
    found = []
    for index, c in enumerate(json.loads(path.read_text())["cells"], start=1):
        if c["cell_type"] != "code":
            continue
        source = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        for line, text in enumerate(source.splitlines(), start=1):
            for match in EXPECT.finditer(text):
                found.extend((index, line, code.strip()) for code in match.group(1).split(","))
    return sorted(found)


def test_there_are_fixture_notebooks():
    assert NOTEBOOKS, "fixtures/notebooks/*.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_fixture_notebook_findings_are_its_markers(path):
    found = sorted((f.cell, f.line, f.code) for f in lint_file(path))
    assert found == expected(path)


def test_fixture_shape_flows_from_cell_1_past_markdown_into_cell_3():
    path = ROOT / "fixtures" / "notebooks" / "bias_gradient_across_cells.ipynb"
    cells = json.loads(path.read_text())["cells"]
    assert [c["cell_type"] for c in cells[:3]] == ["code", "markdown", "code"]
    (finding,) = lint_file(path)
    assert (finding.cell, finding.line, finding.column, finding.code) == (3, 2, 6, "SL002")
    assert (finding.end_line, finding.end_column) == (2, 24)
    assert "(4, 1)" in finding.message and "keepdims=True" in finding.message
    assert finding.where == f"{path}:cell 3:2:6"


# --- cells and lines -------------------------------------------------------------


def test_finding_in_cell_3_line_2_is_reported_there():
    findings = lint(notebook(SETUP, markdown("# Gradient\nof the bias"), BUG))
    assert where(findings) == [(3, 2, 5, "SL002")]


def test_cells_count_among_all_cells_and_source_may_be_one_string():
    text = notebook(markdown("title"), cell("", as_list=False), markdown("x"), cell(SETUP, as_list=False),
                    cell("raw text", "raw"), cell(BUG, as_list=False))
    assert where(lint(text)) == [(6, 2, 5, "SL002")]


def test_shapes_flow_only_forwards_in_cell_order():
    assert where(lint(notebook(SETUP, BUG))) == [(2, 2, 5, "SL002")]
    assert lint(notebook(BUG, SETUP)) == []  # used before defined: the shapes are unknown


def test_windows_newlines_and_a_byte_order_mark():
    text = notebook(SETUP.replace("\n", "\r\n"), BUG.replace("\n", "\r\n"))
    assert where(lint(b"\xef\xbb\xbf" + text.encode())) == [(2, 2, 5, "SL002")]


def test_suppression_comments_work_in_cells():
    assert lint(notebook(SETUP, BUG.replace("axis=1)", "axis=1)  # noqa: SL002"))) == []
    assert lint(notebook("# shapelint: skip-file\n" + SETUP, BUG)) == []


# --- IPython syntax ----------------------------------------------------------------


MAGICS = [
    "%matplotlib inline\n" + SETUP + "\n!pip list",
    "%load_ext autoreload\n%autoreload 2",
    "%%bash\nfor f in *.csv; do\n  echo $f\ndone",
    "%%html\n<b>not python</b>",
    "files = !ls -la\nt = %timeit -o np.zeros(3)\nfirst, rest = !ls | head",
    "for i in range(2):\n    !echo {i}\n    %time np.zeros(3)\nprint(i)",
    "def f():\n    %who\nf()",
    "np.sum?\n?np.mean\nnp.mean??",
    "%time np.dot(dZ, \\\n    dZ.T)\nx = 1",
    "!!ls\n  \n%env A=1",
]


def test_masked_magics_do_not_give_syntax_errors():
    findings = lint(notebook(*MAGICS, BUG))
    assert where(findings) == [(len(MAGICS) + 1, 2, 5, "SL002")]


@pytest.mark.parametrize("magic", MAGICS)
def test_each_magic_masks_to_python_of_the_same_length(magic):
    nb = read_notebook(notebook(magic))
    assert len(nb.source.splitlines()) == len(magic.splitlines()) == len(nb.rows)
    compile(nb.source, "nb", "exec")


def test_masking_keeps_indentation_targets_and_ordinary_lines():
    nb = read_notebook(notebook("for i in range(2):\n    !echo {i}\nfiles = !ls\ny = 1  # why?\nx != 3"))
    lines = nb.source.splitlines()
    assert lines[0] == "for i in range(2):"
    assert lines[1] == f"    pass  {MASK_COMMENT}"
    assert lines[2].startswith("files = ") and "!" not in lines[2]
    assert lines[3:] == ["y = 1  # why?", "x != 3"]


def test_magic_lookalikes_inside_strings_and_brackets_are_kept():
    source = 's = """\n!not a shell escape\n%not a magic\n"""\nt = (1,\n     -1)\nu = f(\n%s\n)'
    lines = read_notebook(notebook(source)).source.splitlines()
    assert lines[1:3] == ["!not a shell escape", "%not a magic"]
    assert lines[7] == "%s"  # inside brackets: left for the parser to judge


def test_assigned_magic_makes_the_target_unknown():
    code = SETUP + "\ndZ = !cat data.txt\ns = np.sum(dZ, axis=1)\nb = b - 0.1 * s"
    assert lint(notebook(code)) == []


def test_time_and_capture_cell_bodies_are_linted_other_cell_magics_not():
    assert where(lint(notebook(SETUP, "%%time\n" + BUG))) == [(2, 3, 5, "SL002")]
    assert where(lint(notebook(SETUP, "%%capture out\n" + BUG))) == [(2, 3, 5, "SL002")]
    assert lint(notebook(SETUP, "%%timeit\n" + BUG)) == []
    assert lint(notebook(SETUP, "%%writefile step.py\n" + BUG)) == []


# --- bad notebooks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "not a Jupyter notebook"),
        ('{"cells": "x", "nbformat": 4}', "not a Jupyter notebook"),
        ('{"cells": [{"source": "x = 1"}], "nbformat": 4}', "cell 1 has no cell_type"),
        ('{"cells": [{"cell_type": "code", "source": 3}], "nbformat": 4}', "source of cell 1"),
        ('{"cells": [], "nbformat": 3}', "nbformat 3"),
    ],
)
def test_a_broken_notebook_is_one_syntax_error_at_1_1(text, words):
    (finding,) = lint(text)
    assert (finding.line, finding.column, finding.code, finding.name, finding.cell) == (1, 1, SYNTAX_CODE, "syntax-error", None)
    assert words in finding.message and "nb.ipynb" in finding.message


def test_not_utf8_is_one_syntax_error():
    (finding,) = lint(b'{"cells": ["\xff"]}')
    assert finding.code == SYNTAX_CODE and "UTF-8" in finding.message


def test_invalid_json_does_not_stop_the_run(tmp_path):
    (tmp_path / "a_bad.ipynb").write_text("{oops")
    (tmp_path / "b_nb.ipynb").write_text(notebook(SETUP, BUG))
    (tmp_path / "c.py").write_text(SETUP + "\n" + BUG + "\n")
    findings = lint_files(python_files([str(tmp_path)]), jobs=1)
    assert [(Path(f.path).name, f.cell, f.line, f.code) for f in findings] == [
        ("a_bad.ipynb", None, 1, SYNTAX_CODE),
        ("b_nb.ipynb", 2, 2, "SL002"),
        ("c.py", None, 6, "SL002"),
    ]
    code, out = run("check", str(tmp_path))
    assert code == 1 and len(out.splitlines()) == 3


def test_syntax_error_in_cell_2_is_reported_in_cell_2():
    (finding,) = lint(notebook(SETUP, markdown("text"), "x = 1\ndef f(:\n    pass", BUG))
    assert (finding.cell, finding.line, finding.code) == (3, 2, SYNTAX_CODE)
    (finding,) = lint(notebook("x = 1", "y = (1,\nz = 2"))
    assert (finding.cell, finding.code) == (2, SYNTAX_CODE)


def test_statement_running_on_into_the_next_cell_is_an_error():
    found = lint(notebook(SETUP, "def f(x):", "    return x", "y = (1,", "     2)"))
    assert [(f.cell, f.line, f.code) for f in found] == [(2, 1, SYNTAX_CODE), (4, 1, SYNTAX_CODE)]
    assert "cell 2" in found[0].message and "cell 3" in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        notebook(),
        notebook(markdown("only words")),
        notebook("", cell([], as_list=False), "\n\n", "# just a comment"),
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}),
    ],
    ids=["no cells", "markdown only", "empty code cells", "compact"],
)
def test_empty_notebooks_are_clean(text):
    assert lint(text) == []


def test_a_notebook_in_another_language_is_skipped():
    r_kernel = {"kernelspec": {"name": "ir", "language": "R"}, "language_info": {"name": "R"}}
    assert lint(notebook("x <- c(1, 2)\nlibrary(dplyr)", metadata=r_kernel)) == []
    python = {"kernelspec": {"name": "python3", "language": "python"}, "language_info": {"name": "python"}}
    assert len(lint(notebook(SETUP, BUG, metadata=python))) == 1


# --- the command -----------------------------------------------------------------------


def test_concise_output_names_the_cell(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook(SETUP, markdown("## step"), BUG))
    code, out = run("check", str(path), "--output-format", "concise")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith(f"{path}:cell 3:2:5: SL002 ")


def test_json_output_has_the_cell(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook(SETUP, markdown("## step"), BUG))
    code, out = run("check", str(path), "--output-format", "json")
    assert code == 1
    (item,) = json.loads(out)
    assert item["cell"] == 3 and item["code"] == "SL002"
    assert item["location"] == {"row": 2, "column": 5} and item["end_location"]["row"] == 2


def test_directories_are_walked_for_notebooks_but_not_checkpoints(tmp_path):
    (tmp_path / "nb.ipynb").write_text(notebook(SETUP, BUG))
    checkpoints = tmp_path / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "nb-checkpoint.ipynb").write_text(notebook(SETUP, BUG))
    assert [p.name for p in python_files([str(tmp_path)])] == ["nb.ipynb"]


# --- notebook findings in JSON, SARIF and `shapes` ------------------------------------------------


FIXTURE_NB = ROOT / "fixtures" / "notebooks" / "bias_gradient_across_cells.ipynb"


def test_json_notebook_finding_carries_its_fix_in_cell_lines():
    from shapelint.output import json_format

    (finding,) = lint_notebook(FIXTURE_NB.read_bytes(), str(FIXTURE_NB)).findings
    item = json.loads(json_format.render([finding]))[0]
    assert item["cell"] == 3 and item["location"]["row"] == 2
    (edit,) = item["fix"]["edits"]
    assert edit["location"] == {"row": 2, "column": 6} and edit["content"] == "np.sum(dZ, axis=1, keepdims=True)"


def test_sarif_notebook_region_is_the_line_of_the_ipynb_file():
    from shapelint.output import sarif

    (finding,) = lint_notebook(FIXTURE_NB.read_bytes(), str(FIXTURE_NB)).findings
    (res,) = sarif.document([finding])["runs"][0]["results"]
    region = res["locations"][0]["physicalLocation"]["region"]
    line = FIXTURE_NB.read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == "np.sum(dZ, axis=1)"
    assert res["message"]["text"].startswith("cell 3, line 2, column 6: ")


def test_shapes_prints_a_notebooks_shapes_by_cell():
    result = CliRunner().invoke(main, ["shapes", str(FIXTURE_NB)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and all(line.startswith("cell ") for line in lines)
    assert "cell 1:6:1 X (2, 400)" in lines
