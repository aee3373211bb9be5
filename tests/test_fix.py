"""``--fix``, ``--unsafe-fixes`` and ``--diff``: what changes, what never does, and the proof
that fixed networks compute what the loop twin computes."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixed_files import fixable_fixtures, fixed_text, sibling

from shapelint.cli import main
from shapelint.fix import apply_edits, fix_text
from shapelint.verify import verify

ROOT = Path(__file__).resolve().parent.parent
BUGGY = """import numpy as np


def step(n_h, m, k, lr):
    dZ = np.random.randn(n_h, m)
    b = np.zeros((n_h, 1))
    db = np.sum(dZ, axis=1)
    W = np.random.randn(n_h, m)
    A = np.random.randn(k, m)
    return b - lr * db, W @ A
"""
FIXED = BUGGY.replace("axis=1)", "axis=1, keepdims=True)").replace("W @ A", "W @ A.T")


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_fix_applies_safe_fixes_only(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    code, out, err = run(str(path), "--fix")
    assert "W @ A.T" in path.read_text()  # the one transpose that lines up: safe
    assert "keepdims" not in path.read_text()  # meets b, not what it reduced: unsafe
    assert code == 1 and "SL002" in out and "Fixed 1 finding in 1 file; 1 remaining (1 fixable with --unsafe-fixes)." in err


def test_unsafe_fixes_and_idempotence(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    assert run(str(path), "--fix", "--unsafe-fixes")[0] == 0
    assert path.read_text() == FIXED
    before = path.stat().st_mtime_ns
    code, _, err = run(str(path), "--fix", "--unsafe-fixes")
    assert code == 0 and path.read_text() == FIXED and path.stat().st_mtime_ns == before
    assert "Fixed 0 findings" in err


def test_diff_prints_and_changes_nothing(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    code, out, _ = run(str(path), "--diff", "--unsafe-fixes")
    assert code == 1 and path.read_text() == BUGGY
    assert f"--- {path}" in out and "-    db = np.sum(dZ, axis=1)" in out and "+    db = np.sum(dZ, axis=1, keepdims=True)" in out
    path.write_text(FIXED)
    assert run(str(path), "--diff")[:2] == (0, "")


def test_without_fix_nothing_is_written(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    run(str(path), "--unsafe-fixes")
    assert path.read_text() == BUGGY


def test_writes_keep_encoding_line_endings_permissions_and_missing_newline(tmp_path):
    path = tmp_path / "m.py"
    source = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BUGGY).replace("\n", "\r\n").rstrip("\r\n")
    path.write_bytes(source.encode("latin-1"))
    path.chmod(0o750)
    assert run(str(path), "--fix", "--unsafe-fixes")[0] == 0
    data = path.read_bytes()
    assert data.decode("latin-1").startswith("# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n")
    assert b"keepdims=True" in data and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert not data.endswith(b"\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]  # no temp file left behind


def test_bom_is_kept(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(b"\xef\xbb\xbf" + BUGGY.encode())
    run(str(path), "--fix", "--unsafe-fixes")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"keepdims=True" in path.read_bytes()


def test_stdin_fix_prints_the_fixed_source():
    code, out, _ = run("-", "--fix", "--unsafe-fixes", "--stdin-filename", "m.py", input=BUGGY)
    assert code == 0 and out == FIXED


def test_overlapping_edits_are_applied_one_at_a_time():
    text = "abcdef\n"
    first = {"edits": [{"content": "X", "location": {"row": 1, "column": 2}, "end_location": {"row": 1, "column": 4}}]}
    second = {"edits": [{"content": "Y", "location": {"row": 1, "column": 3}, "end_location": {"row": 1, "column": 5}}]}
    third = {"edits": [{"content": "Z", "location": {"row": 1, "column": 6}, "end_location": {"row": 1, "column": 7}}]}
    assert apply_edits(text, [second, first, third]) == ("aXdeZ\n", 2)


def test_a_fix_that_would_not_parse_is_dropped():
    from shapelint.findings import Finding

    broken = Finding("m.py", 1, 1, "SL002", "m", "missing-keepdims", fix={
        "applicability": "safe", "message": "Break it",
        "edits": [{"content": "(", "location": {"row": 1, "column": 1}, "end_location": {"row": 1, "column": 2}}],
    })
    result = fix_text("x = 1\n", "m.py", unsafe=False, lint=lambda text: [broken] if text == "x = 1\n" else [])
    assert result.fixed == "x = 1\n" and result.applied == 0
    assert result.dropped and "would not parse" in result.dropped[0]


@pytest.mark.parametrize("path", fixable_fixtures(), ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixed_siblings_hold_the_result_of_fixing(path):
    assert sibling(path).exists(), "run: python tests/fixed_files.py"
    assert fixed_text(path) == sibling(path).read_text(encoding="utf-8")


NETWORK_COPIES = sorted(p for p in (ROOT / "fixtures" / "reference_net").glob("*.py") if not p.name.endswith(".fixed.py"))
NOT_FIXABLE = {
    # copy: (why, what verify says after --fix)
    "silent_broadcast.py": ("(m,) + (n_y, 1): the intended operand is `W @ A_prev`, not a reshape of `W[0] @ A_prev`", 1),
    "loopy_forward.py": ("correct but slow: SL006 offers no automatic rewrite of this loop yet", 0),
}


@pytest.mark.slow
@pytest.mark.parametrize("path", NETWORK_COPIES, ids=lambda p: p.stem)
def test_fix_then_verify_matches_the_loop_twin(path, tmp_path):
    """The loop, proven: lint, fix, run beside the loop twin."""
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    done = subprocess.run([sys.executable, "-m", "shapelint", "--fix", "--unsafe-fixes", "--output-format", "json", str(copy)],
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    assert not [f for f in json.loads(done.stdout) if f["fix"]], "a fixable finding survived --fix"
    with open(os.devnull, "w") as sink:
        outcome = verify(str(copy), out=sink)
    if path.name in NOT_FIXABLE:
        assert copy.read_text() == path.read_text(), "no fix was expected here"
        assert outcome == NOT_FIXABLE[path.name][1]
    else:
        assert copy.read_text() != path.read_text()
        assert outcome == 0


def test_notebooks_are_fixed_cell_by_cell(tmp_path):
    original = ROOT / "fixtures" / "notebooks" / "bias_gradient_across_cells.ipynb"
    path = tmp_path / "nb.ipynb"
    shutil.copy(original, path)
    code, _, err = run(str(path), "--fix", "--unsafe-fixes")
    assert code == 0 and "Fixed 1 finding" in err
    before, after = json.loads(original.read_text()), json.loads(path.read_text())
    changed = [i for i, (a, b) in enumerate(zip(before["cells"], after["cells"]), start=1) if a != b]
    assert changed == [3]
    assert "db = np.sum(dZ, axis=1, keepdims=True) / m" in "".join(after["cells"][2]["source"])
    assert before["cells"][0]["source"] == after["cells"][0]["source"]  # the magics are untouched
    assert run(str(path))[0] == 0
    text = path.read_text()
    run(str(path), "--fix", "--unsafe-fixes")
    assert path.read_text() == text


def test_a_literal_column_becomes_a_plain_slice():
    """``X[:, 0]`` -> ``X[:, 0:1]`` (not ``0:0 + 1``); ``-1`` -> ``-1:`` (``-1:0`` would be empty)."""
    source = """import numpy as np

def f(data, b):
    # data: (n, d)
    # b: (n, 1)
    a = data[:, 0]
    e = data[:, -1]
    c = data[:, -2]
    return b + a, b + e, b + c
"""
    fixed = fix_text(source, "columns.py", unsafe=True).fixed
    assert "a = data[:, 0:1]\n" in fixed
    assert "e = data[:, -1:]\n" in fixed
    assert "c = data[:, -2:-1]\n" in fixed
