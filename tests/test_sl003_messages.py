"""SL003's in-place message: "unless a == b" only where two named sizes could be one."""
from __future__ import annotations

from shapelint.runner import lint_data

NUMBERS = b"""import numpy as np


def update(b, dZ):
    b -= np.sum(dZ, axis=0, keepdims=True)


update(np.zeros((5, 1)), np.ones((5, 10)))
"""


def message(source: bytes) -> str:
    (finding,) = [f for f in lint_data(source, "m.py") if f.code == "SL003"]
    return finding.message


def test_two_numbers_that_differ_make_no_unless() -> None:
    text = message(NUMBERS)
    assert "NumPy raises ValueError (non-broadcastable output operand);" in text and "unless" not in text


def test_a_named_size_keeps_its_unless() -> None:
    from shapelint.domain.dims import const, sym
    from shapelint.domain.shapes import Shape
    from shapelint.rules._explain import unless_equal

    assert unless_equal(Shape((const(1), sym("m"))), Shape((sym("n_h"), const(1)))) == " unless m == 1"
    assert unless_equal(Shape((const(1), const(10))), Shape((const(5), const(1)))) == ""
