"""One statement, one "NumPy raises" finding per rule: NumPy stops at the statement's first error."""
from __future__ import annotations

from shapelint.engine import lint_source

SOURCE = """import numpy as np

x = np.ones(4)
y = np.ones(5)
z = 2.0 * x * y + 3.0 * x ** 2 * y - x * y ** 2
w = x * y
A = np.ones((2, 3))
v = np.dot(A, A) + np.dot(A, A)
u = (x + y) @ A
"""


def test_each_statement_keeps_its_first_raise_and_counts_the_rest():
    findings = lint_source(SOURCE, "poly.py").findings
    assert [(f.line, f.column, f.code) for f in findings] == [(5, 5, "SL007"), (6, 5, "SL007"), (8, 5, "SL004"), (9, 6, "SL007")]
    assert findings[0].message.endswith("; 2 more in this statement (NumPy stops at the first)")
    assert findings[2].message.endswith("; 1 more in this statement (NumPy stops at the first)")
    assert "more in this statement" not in findings[1].message + findings[3].message
