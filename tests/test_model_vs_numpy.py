"""What the NumPy model infers for a call is what NumPy returns: each case runs under NumPy.

Each case is a statement sequence ending in ``v = ...`` with concrete arrays; the linter's
``reveal_shape(v)`` must print exactly NumPy's ``v.shape`` (or the case says the model stays
unknown, which is never wrong). Sizes are all distinct so that a swapped axis shows.
"""
from __future__ import annotations

import numpy as np
import pytest

from shapelint.domain.dims import UnknownDim, const
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
    # np.r_ / np.c_ / grids
    "v = np.c_[np.ones(5), np.ones((5, 3))]",
    "v = np.c_[np.ones((5, 2)), np.ones((5, 3))]",
    "v = np.c_[np.ones(5), np.zeros(5), np.arange(5)]",
    "v = np.c_[0:4, np.ones(4)]",
    "v = np.c_[np.ones((2, 3, 4)), np.zeros((2, 3, 5))]",
    "v = np.c_[1.0, np.ones((1, 3))]",
    "v = np.r_[np.ones(5), 0:3, 7]",
    "v = np.r_[np.ones((2, 3)), np.zeros((4, 3))]",
    "v = np.r_[-1:1:6j, 2.0]",
    "v = np.r_[0:10:3]",
    "v = np.r_['0,2', np.ones(3), np.zeros(3)]",
    "v = np.r_['0,2,0', np.ones(3), np.zeros(3)]",
    "v = np.r_['1,2,0', np.ones(3), np.zeros(3)]",
    "v = np.r_['-1', np.ones((2, 3)), np.zeros((2, 4))]",
    "v = np.mgrid[0:4, 0:3]",
    "v = np.mgrid[0:5]",
    "v = np.mgrid[0:1:7j, 0:2]",
    "v = np.ogrid[0:4, 0:3][0]",
    "v = np.ogrid[0:4, 0:3][1]",
    "v = np.meshgrid(np.ones(4), np.ones(3))[0]",
    "v = np.meshgrid(np.ones(4), np.ones(3), indexing='ij')[1]",
    "v = np.meshgrid(np.ones(4), np.ones(3), np.ones(2))[2]",
    "v = np.meshgrid(np.ones(4), np.ones(3), sparse=True)[0]",
    "v = np.meshgrid(np.ones((2, 3)), np.ones(5))[0]",
    # joining: exact widths, flattened concatenation, dstack, column_stack of numbers
    "v = np.hstack([np.ones((5, 1)), np.zeros((5, 3))])",
    "v = np.column_stack([np.ones(5), np.zeros((5, 3))])",
    "v = np.column_stack([np.ones(()), np.zeros((1, 3))])",
    "v = np.concatenate([np.ones((2, 3)), np.zeros(4)], axis=None)",
    "v = np.dstack([np.ones(3), np.zeros(3)])",
    "v = np.dstack([np.ones((2, 3)), np.zeros((2, 3, 4))])",
    "v = np.vstack([np.ones(3), np.zeros((2, 3))])",
    "v = np.stack([np.ones((2, 3)), np.zeros((2, 3)), np.ones((2, 3)), np.ones((2, 3))], axis=1)",
    # atleast_Nd: a vector becomes a row; several arguments give a tuple
    "v = np.atleast_2d(np.ones(3))",
    "v = np.atleast_3d(np.ones(3))",
    "v = np.atleast_3d(np.ones((2, 3)))",
    "v = np.atleast_3d(np.ones(()))",
    "v = np.atleast_1d(np.ones(()), np.ones((2, 3)))[0]",
    "v = np.atleast_2d(np.ones(4), np.ones((2, 3)))[0]",
    # einsum / tensordot
    "v = np.einsum('ij,jk->ik', np.ones((2, 3)), np.ones((3, 4)))",
    "v = np.einsum('ij,jk', np.ones((2, 3)), np.ones((3, 4)))",
    "v = np.einsum('bij,bjk->bik', np.ones((5, 2, 3)), np.ones((5, 3, 4)))",
    "v = np.einsum('...ij,...jk', np.ones((5, 2, 3)), np.ones((3, 4)))",
    "v = np.einsum('ii->i', np.ones((3, 3)))",
    "v = np.einsum('ij->', np.ones((3, 2)))",
    "v = np.einsum('i,j->ij', np.ones(3), np.ones(4))",
    "v = np.einsum('ba', np.ones((2, 3)))",
    "v = np.tensordot(np.ones((2, 3, 4)), np.ones((3, 4, 5)))",
    "v = np.tensordot(np.ones((2, 3)), np.ones((3, 5)), axes=1)",
    "v = np.tensordot(np.ones((2, 3, 4)), np.ones((4, 3, 5)), axes=([1, 2], [1, 0]))",
    "v = np.tensordot(np.ones((2, 3)), np.ones((3, 5)), axes=(1, 0))",
    "v = np.tensordot(np.ones((2, 3)), np.ones((4, 5)), 0)",
    # numpy.linalg
    "A = np.eye(3) + 1.0\nv = np.linalg.inv(A)",
    "v = np.linalg.pinv(np.ones((2, 3)))",
    "A = np.eye(3) + 1.0\nv = np.linalg.solve(A, np.ones(3))",
    "A = np.eye(3) + 1.0\nv = np.linalg.solve(A, np.ones((3, 4)))",
    "A = np.eye(3) + np.ones((5, 3, 3))\nv = np.linalg.solve(A, np.ones((5, 3, 2)))",
    "v = np.linalg.lstsq(np.ones((5, 3)), np.ones(5), rcond=None)[0]",
    "v = np.linalg.lstsq(np.ones((5, 3)), np.ones((5, 2)), rcond=None)[0]",
    "v = np.linalg.lstsq(np.ones((5, 3)), np.ones(5), rcond=None)[2]",
    "v = np.linalg.lstsq(np.ones((5, 3)), np.ones(5), rcond=None)[3]",
    "v = np.linalg.svd(np.ones((5, 3)))[0]",
    "v = np.linalg.svd(np.ones((5, 3)))[1]",
    "v = np.linalg.svd(np.ones((5, 3)))[2]",
    "v = np.linalg.svd(np.ones((5, 3)), full_matrices=False)[0]",
    "v = np.linalg.svd(np.ones((5, 3)), full_matrices=False)[2]",
    "v = np.linalg.svd(np.ones((3, 5)), full_matrices=False)[0]",
    "v = np.linalg.svd(np.ones((4, 5, 3)), compute_uv=False)",
    "U, S, Vt = np.linalg.svd(np.ones((2, 5, 3)), False)\nv = Vt",
    "v = np.linalg.eigh(np.eye(3))[0]",
    "v = np.linalg.eigh(np.eye(3))[1]",
    "v = np.linalg.eig(np.ones((2, 3, 3)))[1]",
    "v = np.linalg.eigvals(np.ones((2, 3, 3)))",
    "v = np.linalg.eigvalsh(np.eye(4))",
    "v = np.linalg.det(np.ones((2, 3, 3)))",
    "v = np.linalg.det(np.eye(3))",
    "v = np.linalg.slogdet(np.ones((2, 3, 3)))[1]",
    "v = np.linalg.qr(np.ones((5, 3)))[0]",
    "v = np.linalg.qr(np.ones((5, 3)))[1]",
    "v = np.linalg.qr(np.ones((5, 3)), mode='complete')[0]",
    "v = np.linalg.qr(np.ones((3, 5)), mode='r')",
    "v = np.linalg.cholesky(np.eye(3))",
    "v = np.linalg.norm(np.ones((2, 3)))",
    "v = np.linalg.norm(np.ones((2, 3)), axis=1)",
    "v = np.linalg.norm(np.ones((2, 3)), axis=0, keepdims=True)",
    "v = np.linalg.norm(np.ones((2, 3, 4)), axis=(1, 2))",
    "v = np.linalg.norm(np.ones((2, 3)), ord=2)",
    "v = np.linalg.norm(np.ones((2, 3)), keepdims=True)",
    "v = np.linalg.matrix_rank(np.ones((2, 3, 4)))",
    "v = np.linalg.multi_dot([np.ones(3), np.ones((3, 4)), np.ones((4, 5))])",
    # statistics
    "v = np.average(np.ones((2, 3)))",
    "v = np.average(np.ones((2, 3)), axis=1, weights=np.ones(3))",
    "v = np.average(np.ones((2, 3)), axis=0, weights=np.ones((2, 3)))",
    "v = np.average(np.ones((2, 3)), axis=1, returned=True)[1]",
    "v = np.average(np.ones((2, 3)), axis=1, keepdims=True)",
    "v = np.cov(np.ones((3, 5)))",
    "v = np.cov(np.ones((5, 3)), rowvar=False)",
    "v = np.cov(np.ones(5))",
    "v = np.cov(np.ones((2, 5)), np.ones((3, 5)))",
    "v = np.cov(np.ones((5, 2)), np.ones((5, 3)), rowvar=False)",
    "v = np.cov(np.ones(5), np.ones(5))",
    "v = np.corrcoef(np.ones((3, 5)) + np.arange(5))",
    "v = np.corrcoef(np.arange(5.0), np.arange(5.0) ** 2)",
    # tile / repeat / pad / diff
    "v = np.tile(np.ones(3), 2)",
    "v = np.tile(np.ones(3), (2, 4))",
    "v = np.tile(np.ones((2, 3)), (5, 1, 4))",
    "v = np.tile(np.ones((2, 3)), 4)",
    "v = np.repeat(np.ones((2, 3)), 4)",
    "v = np.repeat(np.ones((2, 3)), 4, axis=1)",
    "v = np.ones((2, 3)).repeat(5, axis=0)",
    "v = np.repeat(np.ones((2, 3)), [4], axis=0)",
    "v = np.pad(np.ones((2, 3)), 1)",
    "v = np.pad(np.ones((2, 3)), (1, 2))",
    "v = np.pad(np.ones((2, 3)), ((1, 2), (0, 4)))",
    "v = np.pad(np.ones((2, 3)), ((1,), (2,)))",
    "v = np.pad(np.ones((2, 3)), [[1, 5]], mode='edge')",
    "v = np.diff(np.ones(5))",
    "v = np.diff(np.ones((4, 5)), axis=0)",
    "v = np.diff(np.ones((4, 5)), n=2)",
    "v = np.diff(np.ones(3), n=5)",
    "v = np.diff(np.ones(5), prepend=0)",
    "v = np.diff(np.ones((4, 5)), axis=0, append=np.zeros((2, 5)))",
    # cumulative / sorting / unique / arg-reductions
    "v = np.cumsum(np.ones((2, 3)))",
    "v = np.cumsum(np.ones((2, 3)), axis=1)",
    "v = np.ones((2, 3)).cumprod(0)",
    "v = np.sort(np.ones((2, 3)))",
    "v = np.sort(np.ones((2, 3)), axis=None)",
    "v = np.argsort(np.ones((2, 3)), axis=0)",
    "v = np.ones((2, 3)).argsort(axis=None)",
    "v = np.partition(np.ones((2, 5)), 2)",
    # np.diag: a vector's matrix, a matrix's diagonal
    "v = np.diag(np.ones(3))",
    "v = np.diag(np.ones(3), k=1)",
    "v = np.diag(np.ones(3), -2)",
    "v = np.diag(np.ones((3, 5)))",
    "v = np.diag(np.ones((3, 5)), 4)",
    "v = np.diag(np.ones((3, 5)), k=6)",
    "v = np.diag(np.ones((5, 3)), -4)",
    "U = np.ones((6, 4))\nv = U @ np.diag(np.ones(4)) @ np.ones((4, 2))",
    # a 0-d array is one of shape (1,) to these (not to sort/partition: they raise)
    "v = np.argsort(np.array(1.0))",
    "v = np.argpartition(np.array(1.0), 0)",
    "v = np.array(1.0).argsort(axis=0)",
    "v = np.cumsum(np.array(2.0), axis=0)",
    "v = np.array(2.0).cumprod(-1)",
    "v = np.nancumsum(np.array(2.0), axis=0)",
    "v = np.unique(np.ones(4), return_inverse=True)[1]",
    "v = np.argmax(np.ones((2, 3)))",
    "v = np.argmax(np.ones((2, 3)), axis=1)",
    "v = np.ones((2, 3)).argmin(axis=0)",
    "v = np.argmax(np.ones((2, 3)), axis=1, keepdims=True)",
    # searching
    "v = np.searchsorted(np.arange(5), np.ones((2, 3)))",
    "v = np.isin(np.ones((2, 3)), [1, 2])",
    # Generator and legacy draws
    "v = rng.choice(5, size=3)",
    "v = rng.choice(7, size=(2, 3), replace=False)",
    "v = rng.choice(5)",
    "v = rng.choice(np.ones((4, 3)), size=2)",
    "v = rng.choice(np.ones((4, 3)), size=(2, 5), axis=1)",
    "v = rng.choice(np.ones((4, 3)))",
    "v = np.random.choice(7, 3)",
    "v = np.random.choice(np.ones(7), size=(2, 3))",
    "v = rng.permutation(6)",
    "v = rng.permutation(np.ones((4, 3)))",
    "v = np.random.permutation(6)",
    "v = rng.integers(0, 5, size=(2, 3))",
    "v = rng.integers(5, size=4)",
    "v = rng.random((2, 3))",
    "v = rng.random()",
    "v = rng.normal(size=(4, 2))",
    "v = rng.standard_normal((3, 2))",
    "v = rng.multivariate_normal(np.zeros(3), np.eye(3))",
    "v = rng.multivariate_normal(np.zeros(3), np.eye(3), size=5)",
    "v = rng.multivariate_normal(np.zeros(3), np.eye(3), size=(4, 5))",
    "v = np.random.multivariate_normal(np.zeros(3), np.eye(3), 5)",
    "v = rng.dirichlet(np.ones(3), size=4)",
    "v = rng.dirichlet(np.ones(3))",
    "v = rng.multinomial(10, np.ones(4) / 4, size=(2, 3))",
    "v = rng.exponential(size=(2, 3))",
    "v = rng.standard_exponential(4)",
    "v = rng.gumbel(size=3)",
    "v = rng.triangular(0.0, 0.5, 1.0, size=(2, 3))",
    # integer-array and boolean-mask indexing, 0-d indices
    "X = np.ones((5, 3))\nv = X[np.arange(4)]",
    "X = np.ones((5, 3))\nv = X[[0, 2]]",
    "X = np.ones((5, 3))\nv = X[:, [0, 2]]",
    "X = np.ones((5, 3))\ny = np.arange(5.0)\nv = X[np.argmax(y)]",
    "X = np.ones((5, 3))\ny = np.arange(5.0)\nv = X[y.argmin(), 1:]",
    "X = np.ones((5, 3))\nperm = rng.permutation(5)\nv = X[perm]",
    "X = np.ones((5, 3))\nidx = rng.choice(5, size=2, replace=False)\nv = X[idx, :]",
    "X = np.ones((5, 3, 4))\nv = X[0, :, [0, 1]]",
    "X = np.ones((5, 3, 4))\nv = X[:, [0, 1], 0]",
    "X = np.ones((5, 3, 4))\nv = X[np.arange(2).reshape(2, 1), :, np.arange(3)]",
    "X = np.ones((5, 3, 4))\nv = X[..., np.argsort(np.ones(4))]",
    "X = np.ones((5, 3))\nv = X[np.ones(5).astype(int)]",
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


# Sizes that depend on the data (how many True in a mask, how many distinct values) are unknown;
# the rank and every other size are NumPy's.
PARTIAL_CASES = [
    "v = np.unique(np.ones((2, 3)), return_inverse=True)[0]",
    "v = np.nonzero(np.ones((2, 3)))[1]",
    "v = np.where(np.ones((2, 3)) > 0)[0]",
    "v = np.argwhere(np.ones((2, 3)))",
    "X = np.ones((5, 3))\nv = X[X > 0]",
    "X = np.ones((5, 3))\nv = X[X[:, 0] > 0]",
    "X = np.ones((5, 3))\nv = X[~(X[:, 0] > 0)]",
    "X = np.ones((5, 3))\nv = X[np.isnan(X[:, 0]) | (X[:, 1] > 0)]",
    "X = np.ones((5, 3))\nm = np.isfinite(X)\nv = X[m]",
    "X = np.ones((5, 3))\nidx = np.argsort(np.ones(5))[:2]\nv = X[idx]",
    "X = np.ones((5, 3))\nv = X[np.nonzero(np.ones(5))[0]]",
    "X = np.ones((5, 3))\nv = X[np.where(X[:, 0] > 0)[0], 1]",
    "X = np.ones((5, 3))\nv = X[np.ones(5).astype(bool)]",
    "X = np.ones((5, 3))\nv = X[X[:, 0] > 0, 1:]",
]


def consistent(value, shape: tuple[int, ...]) -> bool:
    """The inferred value is not wrong about NumPy's shape: same rank, and its known sizes agree."""
    if not (isinstance(value, ArrayValue) and value.shape.known_rank):
        return True
    return len(value.shape.dims) == len(shape) and all(
        isinstance(d, UnknownDim) or d == const(n) for d, n in zip(value.shape.dims, shape)
    )


@pytest.mark.parametrize("case", PARTIAL_CASES)
def test_the_model_knows_all_but_data_dependent_sizes(case: str) -> None:
    value = inferred(case)
    assert isinstance(value, ArrayValue) and value.shape.known_rank, f"the model gave {value!r}"
    assert consistent(value, actual(case)), f"{value.shape} against NumPy's {actual(case)}"


UNKNOWN_CASES = [
    "def f(start, stop):\n    return np.linspace(start, stop, 5)\nv = f(np.zeros(3), np.ones(3))",
    "v = np.random.poisson([1.0, 2.0])",
    # an index of unknown dtype: integers pick, booleans mask
    "X = np.ones((5, 3))\ny = X.sum(1) > 0\nv = X[y.sum() - 5]",
    "X = np.ones((5, 3))\nm = X > 0\nv = X[m]",
    "X = np.ones((5, 3))\nm = X[:, 0] > 0\nv = X[m]",
    # NumPy 1 and 2 disagree: inverse of a 2-D array; a stack of vectors for solve
    "v = np.unique(np.ones((2, 3)), return_inverse=True)[1]",
    "v = np.linalg.solve(np.ones((3, 3, 3)) + np.eye(3), np.ones((3, 3)))",
    # repeat counts per element, pad widths that are not literal
    "v = np.repeat(np.ones((2, 3)), [1, 2, 3], axis=1)",
    "w = 2\nv = np.pad(np.ones((2, 3)), ((w, w), (0, 0)))",
    "v = np.einsum(np.ones(3), [0], np.ones(3), [0])",
    "v = np.unique(np.ones((2, 3)), axis=0)",
]


@pytest.mark.parametrize("case", UNKNOWN_CASES)
def test_the_model_stays_unknown_rather_than_guess(case: str) -> None:
    """What the model cannot know stays unknown (endpoints of unknown kind, an index of unknown
    dtype, what NumPy versions disagree on): an unknown size is never wrong."""
    assert consistent(inferred(case), actual(case))


# NumPy raises for these whatever the data; the linter must say so (SL007 or a rule that explains it).
RAISES_CASES = [
    "v = np.einsum('ij,jk->ik', np.ones((2, 3)), np.ones((4, 5)))",
    "v = np.einsum('ij', np.ones((2, 3, 4)))",
    "v = np.einsum('ii->i', np.ones((2, 3)))",
    "v = np.einsum('...i->i', np.ones((2, 3)))",
    "v = np.tensordot(np.ones((2, 3)), np.ones((4, 5)), axes=1)",
    "v = np.tensordot(np.ones((2, 3)), np.ones((3, 5)), axes=([1], [0, 1]))",
    "v = np.c_[np.ones(5), np.ones((4, 3))]",
    "v = np.r_[np.ones(3), np.ones((2, 3))]",
    "v = np.dstack([np.ones((2, 3)), np.ones((4, 3))])",
    "v = np.column_stack([np.ones(5), np.ones((4, 3))])",
    "X = np.ones((5, 3))\nv = X[[0, 1], [0, 1, 2]]",
    "X = np.ones((5, 3))\nv = X[np.ones(4) > 0]",
    "X = np.ones((5, 3))\nv = X[np.arange(2), np.arange(3)]",
    "v = np.linalg.lstsq(np.ones((5, 3)), np.ones(4), rcond=None)",
    "v = np.linalg.solve(np.eye(3), np.ones(4))",
    "v = rng.multivariate_normal(np.zeros(3), np.eye(4))",
    "v = np.average(np.ones((2, 3)), axis=1, weights=np.ones(2))",
    "v = np.average(np.ones((2, 3)), weights=np.ones(3))",
    "v = np.cov(np.ones((2, 3, 4)))",
    "v = np.cov(np.ones((2, 5)), np.ones((3, 4)))",
    "v = np.linalg.norm(np.ones((2, 3, 4)), ord=2)",
    "v = np.linalg.norm(np.ones((2, 3, 4)), axis=(0, 1, 2))",
    "v = np.diff(np.ones(()))",
    "v = np.sort(np.ones((2, 3)), axis=2)",
    "v = np.sort(np.array(1.0))",
    "v = np.diag(np.ones((2, 2, 2)))",
    "U = np.ones((6, 6))\nv = U @ np.diag(np.ones(4))",
    "v = np.partition(np.array(1.0), 0)",
    "v = np.argsort(np.array(1.0), axis=1)",
    "v = np.random.choice(np.ones((4, 3)))",
    "v = np.linalg.multi_dot([np.ones((2, 3)), np.ones((4, 5))])",
]


@pytest.mark.parametrize("case", RAISES_CASES)
def test_the_model_reports_what_numpy_raises_for(case: str) -> None:
    with pytest.raises((ValueError, IndexError, TypeError)):
        actual(case)
    result = lint_source(PRELUDE + case + "\n", "case.py")
    assert result.findings, "NumPy raises, the linter is silent"
