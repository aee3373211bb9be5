"""``shapelint coverage`` tells how much could be seen; ``shapelint shapes`` shows caller contexts."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SEEN = """import numpy as np


def forward(X, W):
    return W @ X


def blind(A, k):
    return A.sum(axis=k)


out = forward(np.ones((3, 5)), np.ones((4, 3)))
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_coverage_counts_known_shapes_and_names_blind_parameters(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SEEN)
    result = run("coverage", "m.py", "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["expressions"] > row["known_rank"] > 0
    assert row["blind_functions"] == [{"function": "blind", "parameters": ["A", "k"]}]


def test_coverage_text_has_a_row_per_file_and_a_total(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SEEN)
    (tmp_path / "b.py").write_text("import numpy as np\nx = np.zeros((2, 3))\ny = x.T\n")
    result = run("coverage", ".", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert any(line.startswith("a.py") for line in lines) and any(line.startswith("b.py") for line in lines)
    assert any(line.startswith("TOTAL") for line in lines)
    assert "blind() never got a shape for A, k" in result.stdout
    b_row = next(line for line in lines if line.startswith("b.py"))
    assert "(100%)" in b_row


def test_shapes_shows_what_a_caller_gave_when_it_differs(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import numpy as np\n\n\ndef forward(X, W):\n    Z = W @ X\n    return Z\n\n\n"
        "Z1 = forward(np.ones((3, 5)), np.ones((4, 3)))\n"
    )
    result = run("shapes", "m.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Z1 (4, 5)" in result.stdout
    assert "5:5 Z (...)\n    when called from module level at line 9: (4, 5)" in result.stdout
