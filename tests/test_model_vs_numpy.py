"""What the NumPy model infers for a call is what NumPy returns: each case runs under NumPy.

Each case is a statement sequence ending in ``v = ...`` with concrete arrays; the linter's
``reveal_shape(v)`` must print exactly NumPy's ``v.shape`` (or the case says the model stays
unknown, which is never wrong). Sizes are all distinct so that a swapped axis shows.
"""
from __future__ import annotations

import numpy as np
import pytest

from shapelint.engine import lint_source
from shapelint.infer.values import ArrayValue

PRELUDE = "import numpy as np\nrng = np.random.default_rng(0)\n"

CASES = [
    # random draws: parameters broadcast without size=, size= wins
    "v = rng.poisson(np.ones(4))",
    "v = rng.poisson(np.exp(np.ones((5, 3)).sum(1)))",
    "v = np.random.poisson(np.ones((2, 3)))",
    "v = np.random.normal(np.zeros((3, 1)), np.ones(5))",
    "v = rng.normal(np.zeros(4), 1.0)",
    "v = rng.normal(0.0, 1.0)",
    "v = rng.binomial(np.full(3, 5), 0.5)",
    "v = rng.exponential(np.ones((2, 7)))",
    "v = rng.uniform(np.zeros(3), np.ones((4, 1)))",
    "v = rng.normal(np.zeros(4), 1.0, size=(2, 4))",
    "v = rng.integers(0, 5, size=(2, 3))",
    "v = np.random.randn(3, 4)",
    "v = rng.standard_normal(6)",
    # linspace / logspace / geomspace between arrays
    "v = np.linspace(0, 1, 5)",
    "v = np.linspace(np.zeros(3), np.ones(3), 7)",
    "v = np.linspace(np.zeros(3), np.ones(3), num=7, axis=1)",
    "v = np.linspace(np.zeros(3), np.ones(3), 7, axis=-1)",
    "v = np.linspace(np.zeros((2, 3)), 1.0, 4)",
    "v = np.logspace(np.zeros(3), 2.0, 6)",
    "v = np.geomspace(1.0, np.full((2, 5), 2.0), 4)",
    "v = np.linspace(np.zeros(3), np.ones(3), 7).T",
    # assigning .shape reshapes in place
    "v = np.zeros(12)\nv.shape = (3, 4)",
    "v = np.zeros((2, 6))\nv.shape = (-1,)",
    # the same slice twice is one size
    "b = np.ones((5, 4))\nv = b[:, 1:] - b[:, 1:].mean(0)",
    # products that only run on square input
    "A = np.eye(3) + 1.0\nv = np.linalg.inv(A) @ A",
]


def inferred(case: str):
    result = lint_source(PRELUDE + case + "\nreveal_shape(v)\n", "case.py")
    assert result.analysis is not None and not result.findings, result.findings
    (_, value), = result.analysis.reveals
    return value


def actual(case: str) -> tuple[int, ...]:
    namespace: dict = {}
    exec(PRELUDE + case, namespace)  # noqa: S102 - our own table of NumPy calls
    return np.shape(namespace["v"])


def show(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"


@pytest.mark.parametrize("case", CASES)
def test_model_matches_numpy(case: str) -> None:
    value = inferred(case)
    assert isinstance(value, ArrayValue), f"the model gave {value!r}"
    assert str(value.shape) == show(actual(case))


UNKNOWN_CASES = [
    "def f(start, stop):\n    return np.linspace(start, stop, 5)\nv = f(np.zeros(3), np.ones(3))",
    "v = np.random.poisson([1.0, 2.0])",
]


@pytest.mark.parametrize("case", UNKNOWN_CASES)
def test_the_model_stays_unknown_rather_than_guess(case: str) -> None:
    """Endpoints or rates of unknown kind may be arrays: no shape, rather than a rank-1 guess."""
    value = inferred(case)
    assert not (isinstance(value, ArrayValue) and value.shape.known_rank and str(value.shape) != show(actual(case)))
