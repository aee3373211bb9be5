"""SL001's provenance and fix text: a rank-1 array is "made by" its maker only when it is that
array; an array computed from it (``X @ w``, a function's result) says which array it comes from,
and a column fix at that maker is offered only where it makes this array a column."""
from __future__ import annotations

import json

from shapelint.engine import lint_source
from shapelint.fix import fix_text
from shapelint.notebook import lint_notebook

INHERITED = """import numpy as np

rng = np.random.default_rng(0)
X = rng.standard_normal((100, 3))
t = (rng.random((100, 1)) > 0.5).astype(float)
w = np.zeros(3)


def predict(X, w):
    return 1 / (1 + np.exp(-(X @ w)))


y = predict(X, w)
err = y - t
"""


def sl001(source: str) -> list[str]:
    return [f.message for f in lint_source(source.encode(), "m.py").findings if f.code == "SL001"]


def test_a_value_computed_from_a_rank1_array_names_that_array_not_made_by():
    (message,) = sl001(INHERITED)
    assert "made by `np.zeros(3)` on line 6)" in message
    assert message.startswith("`y` is rank-1 (100,) (it comes from rank-1 `w` (3,), made by `np.zeros(3)` on line 6) and meets `t` (100, 1)")
    assert message.endswith("; make `w` a column (3, 1) with `np.zeros((3, 1))` and `y` becomes (100, 1)")
    assert "make it a column (100, 1)" not in message


def test_the_inherited_fix_is_still_the_makers_column():
    fixed = fix_text(INHERITED, "m.py", unsafe=True).fixed
    assert "w = np.zeros((3, 1))\n" in fixed


def test_in_a_notebook_the_origin_is_named_by_cell_and_line():
    cells = [
        "import numpy as np\nrng = np.random.default_rng(0)\nX = rng.standard_normal((100, 3))\n"
        "t = (rng.random((100, 1)) > 0.5).astype(float)\nw = np.zeros(3)",
        "def predict(X, w):\n    return 1 / (1 + np.exp(-(X @ w)))\ny = predict(X, w)",
        "err = y - t",
    ]
    text = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": c, "execution_count": None, "outputs": []} for c in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (finding,) = lint_notebook(text, "analysis.ipynb").findings
    assert (finding.cell, finding.line, finding.code) == (3, 1, "SL001")
    assert finding.message.startswith("`y` is rank-1 (100,) (it comes from rank-1 `w` (3,), made by `np.zeros(3)` in cell 1, line 5) and meets")
    assert finding.message.endswith("make `w` a column (3, 1) with `np.zeros((3, 1))` and `y` becomes (100, 1)")


def test_the_array_made_there_keeps_made_by():
    (message,) = sl001("import numpy as np\n\ndef f(n, m):\n    b = np.zeros(n)\n    Z = np.ones((n, m))\n    return Z + b\n")
    assert message == (
        "`b` is rank-1 (n,) (made by `np.zeros(n)` on line 4) and meets `Z` (n, m) in `Z + b`: NumPy lines it up "
        "with the last axis (m), not the first (n), so NumPy raises ValueError unless n == m (and then it lines up "
        "the wrong axes); make it a column (n, 1) with `np.zeros((n, 1))`"
    )


def test_a_scalar_multiple_and_asarray_are_the_same_array():
    source = "import numpy as np\n\ndef f(n):\n    b = np.asarray(-np.zeros(n) * 2 + 1)\n    col = np.ones((n, 1))\n    return b - col\n"
    (message,) = sl001(source)
    assert "(made by `np.zeros(n)` on line 4)" in message and message.endswith("make it a column (n, 1) with `np.zeros((n, 1))`")


def test_row_times_matrix_is_made_a_column_where_it_is_used():
    """``v @ M`` with ``v`` a column raises: the fix is at the use, not at ``v``'s maker."""
    source = ("import numpy as np\n\ndef f(n, k):\n    v = np.ones(n)\n    M = np.ones((n, k))\n    r = v @ M\n"
              "    c = np.ones((k, 3))\n    return r + c\n")
    (message,) = sl001(source)
    assert "`r` is rank-1 (k,) (it comes from rank-1 `v` (n,), made by `np.ones(n)` on line 4)" in message
    assert message.endswith("make it a column (k, 1) with `r[:, None]`")
    assert "return r[:, None] + c\n" in fix_text(source, "m.py", unsafe=True).fixed


def test_two_rank1_arrays_mixed_are_made_a_column_where_used():
    """``a + b``, both (n,): a column ``a`` would make (n, n), so the fix is ``s[:, None]``."""
    source = ("import numpy as np\n\ndef f(n):\n    a = np.zeros(n)\n    b = np.ones(n)\n    s = a + b\n"
              "    col = np.ones((n, 1))\n    return s - col\n")
    (message,) = sl001(source)
    assert "(it comes from rank-1 `a` (n,), made by `np.zeros(n)` on line 4)" in message
    assert message.endswith("make it a column (n, 1) with `s[:, None]`")


def test_a_rank1_array_times_itself_carries_the_column():
    source = ("import numpy as np\n\ndef f(n):\n    v = np.zeros(n)\n    s = v * v\n    col = np.ones((n, 1))\n"
              "    return s - col\n")
    (message,) = sl001(source)
    assert message.endswith("make `v` a column (n, 1) with `np.zeros((n, 1))` and `s` becomes (n, 1)")


def test_transpose_of_a_product_says_where_it_comes_from():
    source = "import numpy as np\n\ndef f(n, m):\n    W = np.ones((m, n))\n    x = np.zeros(n)\n    h = W @ x\n    return h.T\n"
    (message,) = sl001(source)
    assert message.startswith("`h.T` does nothing: `h` is rank-1 (m,) (it comes from rank-1 `x` (n,), made by `np.zeros(n)` on line 5)")


def test_declared_product_names_the_array_to_make_a_column():
    source = "import numpy as np\n\ndef f(n, m):\n    W = np.ones((m, n))\n    x = np.zeros(n)\n    h = W @ x  # (m, 1)\n    return h\n"
    (message,) = sl001(source)
    assert message == (
        "`W @ x` makes a rank-1 array (m,) (it comes from rank-1 `x` (n,), made by `np.zeros(n)` on line 5) but "
        "its shape comment declares (m, 1): a rank-1 array broadcasts as a row; make `x` a column (n, 1) with "
        "`np.zeros((n, 1))` and `W @ x` becomes (m, 1)"
    )


def test_a_name_rebound_to_its_product_names_the_maker():
    source = ("import numpy as np\n\ndef f(n, m):\n    x = np.zeros(n)\n    W = np.ones((m, n))\n    x = W @ x\n"
              "    b = np.ones((m, 1))\n    return x + b\n")
    (message,) = sl001(source)
    assert "(it comes from rank-1 `np.zeros(n)` (n,) on line 4)" in message
    assert message.endswith("make `np.zeros(n)` a column (n, 1) with `np.zeros((n, 1))` and `x` becomes (m, 1)")
