"""Table-driven tests of the pure shape algebra in ``shapelint.domain``.

Concrete cases are checked against NumPy itself: each case builds ``np.zeros``
arrays of the same shapes, runs the real operation, and requires ``ops`` to give
the same shape, or to raise ``ShapeError`` exactly when NumPy raises. Symbolic
cases are checked against the documented three-valued semantics instead.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from shapelint.domain import ops
from shapelint.domain.dims import (
    Dim,
    UnknownDim,
    const,
    dim_add,
    dim_div,
    dim_eq,
    dim_mul,
    dim_sub,
    is_one,
    sym,
    unknown,
)
from shapelint.domain.ops import INFER, ArrayIndex, EllipsisIndex, IntIndex, MaskIndex, NewAxis, OpaqueIndex, SliceIndex
from shapelint.domain.shapes import (
    SCALAR,
    UNKNOWN_SHAPE,
    Shape,
    ShapeError,
    shape_of,
    shapes_eq,
    size,
    unknown_of_rank,
)

NUMPY_ERRORS = (ValueError, IndexError, TypeError)  # AxisError subclasses the first two


# --- helpers ----------------------------------------------------------------


def S(*sizes: int) -> Shape:
    """A Shape of constants: ``S(2, 3)`` is ``(2, 3)``."""
    return shape_of(const(n) for n in sizes)


def Sym(*names: str | int) -> Shape:
    """A Shape mixing symbols and constants: ``Sym("n", 3)`` is ``(n, 3)``."""
    return shape_of(const(n) if isinstance(n, int) else sym(n) for n in names)


def as_ints(shape: Shape) -> tuple[int, ...]:
    """The sizes of a Shape of constants; fails on unknown rank, unknown dims or symbols."""
    assert shape.dims is not None, f"rank of {shape} is unknown"
    for d in shape.dims:
        assert isinstance(d, Dim) and d.is_const, f"{d} in {shape} is not a constant"
    return tuple(d.coeff for d in shape.dims)


def zeros(shape: tuple[int, ...]) -> np.ndarray:
    return np.zeros(shape)


def numpy_shape(run):
    """NumPy's result shape, or the exception type it raised."""
    try:
        return np.shape(run())
    except NUMPY_ERRORS as exc:
        return type(exc)


def assert_matches_numpy(expected, run_ops) -> None:
    """``expected`` is a shape tuple or an exception type from ``numpy_shape``."""
    if isinstance(expected, type):
        try:
            got = run_ops()
        except ShapeError:
            return
        pytest.fail(f"numpy raised {expected.__name__} but ops gave {got}")
    got = run_ops()
    assert as_ints(got) == expected
    assert str(got) == str(expected)  # Shape prints like a tuple of ints


def fmt(shape: tuple[int, ...]) -> str:
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def pair_ids(pairs) -> list[str]:
    return [f"{fmt(a)}-{fmt(b)}" for a, b in pairs]


# --- helpers are themselves right ----------------------------------------------


def test_as_ints_and_str_of_concrete_shapes() -> None:
    assert as_ints(S(2, 3)) == (2, 3)
    assert as_ints(SCALAR) == ()
    assert str(S(2, 3)) == "(2, 3)" == str((2, 3))
    assert str(S(5)) == "(5,)" == str((5,))
    with pytest.raises(AssertionError):
        as_ints(Sym("n"))
    with pytest.raises(AssertionError):
        as_ints(UNKNOWN_SHAPE)


# --- broadcasting --------------------------------------------------------------

BROADCAST_SHAPES = [(), (1,), (3,), (4,), (0,), (2, 1), (2, 3), (1, 3), (3, 4), (4, 1), (2, 0), (2, 1, 4), (5, 2, 3), (5, 1, 1)]
BROADCAST_PAIRS = list(itertools.product(BROADCAST_SHAPES, repeat=2))


@pytest.mark.parametrize("a, b", BROADCAST_PAIRS, ids=pair_ids(BROADCAST_PAIRS))
def test_broadcast_matches_numpy(a, b) -> None:
    expected = numpy_shape(lambda: zeros(a) + zeros(b))
    assert_matches_numpy(expected, lambda: ops.broadcast(S(*a), S(*b)))


BROADCAST_ALL_CASES = [
    [(2, 3), (3,), (1, 1)],
    [(5, 1, 4), (3, 1), (4,)],
    [(2, 3), (3,), (2,)],
    [(1,), (1,), (1,)],
    [(), (2, 3), ()],
    [],
]


@pytest.mark.parametrize("shapes", BROADCAST_ALL_CASES, ids=lambda ss: "+".join(map(fmt, ss)) or "none")
def test_broadcast_all_matches_numpy(shapes) -> None:
    expected = numpy_shape(lambda: np.broadcast_to(0.0, np.broadcast_shapes(*shapes)))
    assert_matches_numpy(expected, lambda: ops.broadcast_all([S(*s) for s in shapes]))


# --- matmul and dot --------------------------------------------------------------

MATMUL_SHAPES = [
    (), (3,), (4,), (2, 3), (3, 4), (4, 3), (4, 5), (3, 0), (0, 4),
    (2, 3, 4), (5, 4, 3), (1, 4, 5), (2, 4, 5), (2, 1, 3, 4), (0, 3, 4),
]
MATMUL_PAIRS = list(itertools.product(MATMUL_SHAPES, repeat=2))


@pytest.mark.parametrize("a, b", MATMUL_PAIRS, ids=pair_ids(MATMUL_PAIRS))
def test_matmul_matches_numpy(a, b) -> None:
    expected = numpy_shape(lambda: zeros(a) @ zeros(b))
    assert_matches_numpy(expected, lambda: ops.matmul(S(*a), S(*b)))


DOT_SHAPES = [(), (3,), (4,), (2, 3), (3, 4), (4, 5), (2, 3, 4), (5, 4, 3), (2, 4, 5), (2, 3, 4, 5)]
DOT_PAIRS = list(itertools.product(DOT_SHAPES, repeat=2))


@pytest.mark.parametrize("a, b", DOT_PAIRS, ids=pair_ids(DOT_PAIRS))
def test_dot_matches_numpy(a, b) -> None:
    expected = numpy_shape(lambda: np.dot(zeros(a), zeros(b)))
    assert_matches_numpy(expected, lambda: ops.dot(S(*a), S(*b)))


OUTER_SHAPES = [(), (1,), (3,), (2, 3), (4, 1, 5)]
OUTER_PAIRS = list(itertools.product(OUTER_SHAPES, repeat=2))


@pytest.mark.parametrize("a, b", OUTER_PAIRS, ids=pair_ids(OUTER_PAIRS))
def test_outer_matches_numpy(a, b) -> None:
    expected = numpy_shape(lambda: np.outer(zeros(a), zeros(b)))
    assert_matches_numpy(expected, lambda: ops.outer(S(*a), S(*b)))


# --- reductions ------------------------------------------------------------------


def _reduce_cases():
    for shape in [(2,), (2, 3), (2, 3, 4)]:
        rank = len(shape)
        axes: list[object] = [None, ()]
        axes += [ax for ax in range(-rank - 1, rank + 1)]  # includes one out of bounds each side
        axes += list(itertools.combinations(range(rank), 2))
        axes += [(0, -1), (0, 0), (-1, rank - 1), tuple(range(rank)), (0, rank)]
        for axis in axes:
            for keepdims in (False, True):
                yield shape, axis, keepdims
    for axis in [(0,), (-1,), (0, 0)]:  # a tuple axis on a 0-d array is an error in NumPy too
        yield (), axis, False


REDUCE_CASES = list(_reduce_cases())


@pytest.mark.parametrize(
    "shape, axis, keepdims",
    REDUCE_CASES,
    ids=[f"{fmt(s)}-axis={a}-{'keep' if k else 'drop'}" for s, a, k in REDUCE_CASES],
)
def test_reduce_matches_numpy(shape, axis, keepdims) -> None:
    expected = numpy_shape(lambda: np.sum(zeros(shape), axis=axis, keepdims=keepdims))
    ops_axis = (axis,) if isinstance(axis, int) else axis  # ops takes a sequence or None
    assert_matches_numpy(expected, lambda: ops.reduce(S(*shape), ops_axis, keepdims))


# --- transpose and swapaxes -----------------------------------------------------------


def _transpose_cases():
    for shape in [(), (3,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        yield shape, None
        for perm in itertools.permutations(range(len(shape))):
            yield shape, perm
    yield (2, 3, 4), (-1, 0, 1)
    yield (2, 3, 4), (2, -3, -2)
    yield (2, 3, 4), (0, 1)  # too few axes
    yield (2, 3), (0, 1, 2)  # too many axes
    yield (2, 3, 4), (0, 0, 1)  # repeated
    yield (2, 3, 4), (0, -3, 1)  # repeated after normalizing
    yield (2, 3, 4), (0, 1, 3)  # out of bounds
    yield (2, 3), (-3, 0)


TRANSPOSE_CASES = list(_transpose_cases())


@pytest.mark.parametrize(
    "shape, axes", TRANSPOSE_CASES, ids=[f"{fmt(s)}-axes={a}" for s, a in TRANSPOSE_CASES]
)
def test_transpose_matches_numpy(shape, axes) -> None:
    expected = numpy_shape(lambda: np.transpose(zeros(shape), axes))
    assert_matches_numpy(expected, lambda: ops.transpose(S(*shape), axes))


SWAPAXES_CASES = [(shape, i, j) for shape in [(2, 3), (2, 3, 4)] for i in range(-4, 4) for j in (-1, 0, 1, 3)]


@pytest.mark.parametrize(
    "shape, i, j", SWAPAXES_CASES, ids=[f"{fmt(s)}-{i}-{j}" for s, i, j in SWAPAXES_CASES]
)
def test_swapaxes_matches_numpy(shape, i, j) -> None:
    expected = numpy_shape(lambda: np.swapaxes(zeros(shape), i, j))
    assert_matches_numpy(expected, lambda: ops.swapaxes(S(*shape), i, j))


# --- reshape ----------------------------------------------------------------------

RESHAPE_SOURCES = [(), (6,), (2, 3), (3, 2), (2, 3, 4), (1, 5), (0, 3)]
RESHAPE_TARGETS = [
    (-1,), (6,), (2, 3), (3, 2), (2, -1), (-1, 3), (4, -1), (-1, 4), (-1, -1), (1, -1, 1),
    (), (1,), (5, -1), (24,), (2, 3, 4), (4, 3, -1), (0, -1), (0, 3), (3, 0),
]
RESHAPE_CASES = list(itertools.product(RESHAPE_SOURCES, RESHAPE_TARGETS))


@pytest.mark.parametrize("shape, new", RESHAPE_CASES, ids=pair_ids(RESHAPE_CASES))
def test_reshape_matches_numpy(shape, new) -> None:
    expected = numpy_shape(lambda: zeros(shape).reshape(new))
    ops_new = [INFER if n == -1 else const(n) for n in new]
    assert_matches_numpy(expected, lambda: ops.reshape(S(*shape), ops_new))


# --- indexing ------------------------------------------------------------------------

# (name, ops item, numpy item); the slice keeps 2 of each (all indexed dims are >= 2)
INDEX_ITEMS = [
    ("0", IntIndex(), 0),
    (":", SliceIndex(), slice(None)),
    (":2", SliceIndex(const(2)), slice(None, 2)),
    ("None", NewAxis(), None),
    ("...", EllipsisIndex(), Ellipsis),
]


def _index_cases(items, shapes, lengths, wanted=lambda combo: True):
    """Every shape indexed by every combination of ``lengths`` items, with test ids."""
    cases = [
        (shape, combo)
        for shape in shapes
        for length in lengths
        for combo in itertools.product(items, repeat=length)
        if wanted(combo)
    ]
    return cases, [f"{fmt(s)}[{','.join(name for name, _, _ in c)}]" for s, c in cases]


INDEX_CASES, INDEX_IDS = _index_cases(INDEX_ITEMS, [(), (3,), (2, 3), (2, 3, 4)], range(0, 4))


@pytest.mark.parametrize("shape, combo", INDEX_CASES, ids=INDEX_IDS)
def test_index_matches_numpy(shape, combo) -> None:
    np_items = tuple(item for _, _, item in combo)
    expected = numpy_shape(lambda: zeros(shape)[np_items])
    assert_matches_numpy(expected, lambda: ops.index(S(*shape), [item for _, item, _ in combo]))


@pytest.mark.parametrize("length, numpy_item", [(100, slice(None, 100)), (10, slice(2, 12)), (5, slice(-5, None))])
def test_a_slice_past_the_end_of_a_known_axis_is_clipped_as_numpy_clips_it(length, numpy_item) -> None:
    expected = numpy_shape(lambda: zeros((3,))[numpy_item])
    assert_matches_numpy(expected, lambda: ops.index(S(3), [SliceIndex(const(length), numpy_item)]))
    # written length alone (bounds not known): more than the axis holds is not a size
    assert isinstance(ops.index(S(3), [SliceIndex(const(length))]).dims[0], UnknownDim)


def test_a_slice_of_an_axis_of_unknown_size_is_no_longer_than_the_axis() -> None:
    """``np.unique(a)[:5]`` has at most 5 elements: not (5,), which a claim could rest on."""
    axis = unknown_of_rank(1)
    assert isinstance(ops.index(axis, [SliceIndex(const(5))]).dims[0], UnknownDim)
    assert shapes_eq(ops.index(axis, [SliceIndex(const(1), window=True)]), S(1))  # ``a[i:i + 1]``: one element


def test_a_written_length_on_a_symbolic_axis_is_one_unknown_size_per_cut() -> None:
    """``x[:100]`` of (n,) is 100 only if n >= 100: unknown, but the same cut of the same axis twice is one size."""
    first, again = (ops.index(Sym("n"), [SliceIndex(const(100))]) for _ in range(2))
    assert isinstance(first.dims[0], UnknownDim) and shapes_eq(first, again)
    assert not shapes_eq(first, ops.index(Sym("n"), [SliceIndex(const(99))]))
    assert shapes_eq(ops.index(Sym("n"), [SliceIndex(const(4), window=True)]), S(4))  # ``X[i:i + 4]``
    assert shapes_eq(ops.index(Sym("n"), [SliceIndex(sym("k"))]), Sym("k"))  # ``X[:k]``: k, as the code means it


def test_index_with_an_opaque_item_is_unknown() -> None:
    assert ops.index(S(2, 3), [OpaqueIndex(), IntIndex()]).dims is None


def test_index_of_unknown_rank_is_unknown() -> None:
    assert ops.index(UNKNOWN_SHAPE, [IntIndex()]).dims is None


ADVANCED_ITEMS = INDEX_ITEMS[:2] + INDEX_ITEMS[3:] + [
    ("[0,1]", ArrayIndex(S(2)), np.array([0, 1])),
    ("[0,1,1]", ArrayIndex(S(3)), np.array([0, 1, 1])),
    ("[[0],[1]]", ArrayIndex(S(2, 1)), np.array([[0], [1]])),
    ("m2", MaskIndex(1, S(2)), np.ones(2, bool)),
    ("m23", MaskIndex(2, S(2, 3)), np.ones((2, 3), bool)),
    ("True", MaskIndex(0, SCALAR), np.True_),
]


ADVANCED_CASES, ADVANCED_IDS = _index_cases(
    ADVANCED_ITEMS, [(2,), (2, 3), (2, 2, 3), (2, 3, 4)], range(1, 4), lambda combo: any(name[0] in "[mT" for name, _, _ in combo)
)


@pytest.mark.parametrize("shape, combo", ADVANCED_CASES, ids=ADVANCED_IDS)
def test_advanced_index_matches_numpy(shape, combo) -> None:
    """Integer arrays and masks, NumPy's placement of advanced dims included; a mask's count is
    unknown (any size NumPy gives fits it), every other size must be NumPy's."""
    np_items = tuple(item for _, _, item in combo)
    expected = numpy_shape(lambda: zeros(shape)[np_items])
    if isinstance(expected, type) and _count_clash(shape, np_items):
        return  # the mask's count of True decides it: unknown to the algebra
    if isinstance(expected, type):
        assert_matches_numpy(expected, lambda: ops.index(S(*shape), [item for _, item, _ in combo]))
        return
    got = ops.index(S(*shape), [item for _, item, _ in combo])
    if got.dims is None:
        return  # unknown is never wrong
    assert len(got.dims) == len(expected), (got, expected)
    for d, n in zip(got.dims, expected):
        assert isinstance(d, UnknownDim) or d == const(n), (got, expected)


def _count_clash(shape, np_items) -> bool:
    """NumPy raised only because a mask's count of True (unknown to ops) clashed with an index
    array: with a single True in each mask the same index runs."""
    if not any(getattr(item, "dtype", None) == bool for item in np_items):
        return False
    single = tuple(_one_true(item) if getattr(item, "dtype", None) == bool else item for item in np_items)
    return not isinstance(numpy_shape(lambda: zeros(shape)[single]), type)


def _one_true(mask):
    one = np.zeros(np.shape(mask), bool)
    one.flat[0] = True
    return one


def test_a_separated_advanced_index_moves_its_dims_first() -> None:
    assert as_ints(ops.index(S(5, 6, 7), [IntIndex(), SliceIndex(), ArrayIndex(S(2))])) == (2, 6)
    assert as_ints(ops.index(S(5, 6, 7), [SliceIndex(), ArrayIndex(S(2)), IntIndex()])) == (5, 2)


def test_an_index_array_mismatch_raises_only_when_provable() -> None:
    assert ops.index(Sym("n", 3), [ArrayIndex(Sym("k")), ArrayIndex(Sym("j"))]).rank == 1
    with pytest.raises(ShapeError):
        ops.index(S(2, 3), [MaskIndex(1, S(4))])
    assert ops.index(Sym("n", "m"), [MaskIndex(2, Sym("n", "k"))]).rank == 1


# --- joining ----------------------------------------------------------------------------

JOIN_SHAPES = [(), (3,), (4,), (0,), (2, 3), (4, 3), (2, 4), (0, 3), (2, 3, 4), (1, 3)]
JOIN_PAIRS = list(itertools.product(JOIN_SHAPES, repeat=2))
CONCAT_CASES = [(a, b, axis) for a, b in JOIN_PAIRS for axis in (0, 1, -1, 2)]


@pytest.mark.parametrize(
    "a, b, axis", CONCAT_CASES, ids=[f"{fmt(a)}-{fmt(b)}-axis={ax}" for a, b, ax in CONCAT_CASES]
)
def test_concatenate_matches_numpy(a, b, axis) -> None:
    expected = numpy_shape(lambda: np.concatenate([zeros(a), zeros(b)], axis=axis))
    assert_matches_numpy(expected, lambda: ops.concatenate([S(*a), S(*b)], axis))


@pytest.mark.parametrize(
    "shapes, axis",
    [([(2, 3)], 0), ([(2, 3)], 1), ([(2, 3), (4, 3), (1, 3)], 0), ([(2, 3), (2, 1), (2, 4)], -1), ([(2, 3), (2, 3), (3, 2)], 0)],
    ids=["one-ax0", "one-ax1", "three-ax0", "three-ax-1", "three-mismatch"],
)
def test_concatenate_many_matches_numpy(shapes, axis) -> None:
    expected = numpy_shape(lambda: np.concatenate([zeros(s) for s in shapes], axis=axis))
    assert_matches_numpy(expected, lambda: ops.concatenate([S(*s) for s in shapes], axis))


STACK_PAIRS = [(a, b) for a, b in JOIN_PAIRS if a == b or len(a) == len(b)]
STACK_CASES = [(a, b, axis) for a, b in STACK_PAIRS for axis in (0, 1, -1, 2, 3, -4)]


@pytest.mark.parametrize(
    "a, b, axis", STACK_CASES, ids=[f"{fmt(a)}-{fmt(b)}-axis={ax}" for a, b, ax in STACK_CASES]
)
def test_stack_matches_numpy(a, b, axis) -> None:
    expected = numpy_shape(lambda: np.stack([zeros(a), zeros(b)], axis=axis))
    assert_matches_numpy(expected, lambda: ops.stack([S(*a), S(*b)], axis))


JOIN_MANY = [
    [(3,), (4,), ()],
    [(), (), ()],
    [(2, 3), (3,), (1, 3)],
    [(3,), (2, 3), (3,)],
    [(2, 3), (2, 1), (2,)],
    [(2, 3, 4), (2, 1, 4), (2, 3, 4)],
    [(2, 3, 4), (1, 3, 4), (2, 3)],
]


@pytest.mark.parametrize("join", ["vstack", "hstack"])
@pytest.mark.parametrize("shapes", JOIN_MANY, ids=lambda ss: "+".join(map(fmt, ss)))
def test_vstack_hstack_many_match_numpy(join, shapes) -> None:
    expected = numpy_shape(lambda: getattr(np, join)([zeros(s) for s in shapes]))
    assert_matches_numpy(expected, lambda: getattr(ops, join)([S(*s) for s in shapes]))


def test_stack_counts_every_array() -> None:
    assert as_ints(ops.stack([S(2, 3)] * 5, 1)) == np.stack([zeros((2, 3))] * 5, axis=1).shape


@pytest.mark.parametrize("a, b", JOIN_PAIRS, ids=pair_ids(JOIN_PAIRS))
def test_vstack_matches_numpy(a, b) -> None:
    expected = numpy_shape(lambda: np.vstack([zeros(a), zeros(b)]))
    assert_matches_numpy(expected, lambda: ops.vstack([S(*a), S(*b)]))


@pytest.mark.parametrize("a, b", JOIN_PAIRS, ids=pair_ids(JOIN_PAIRS))
def test_hstack_matches_numpy(a, b) -> None:
    expected = numpy_shape(lambda: np.hstack([zeros(a), zeros(b)]))
    assert_matches_numpy(expected, lambda: ops.hstack([S(*a), S(*b)]))


# --- expand_dims and squeeze ----------------------------------------------------------------

EXPAND_CASES = [(shape, axis) for shape in [(), (3,), (2, 3), (2, 3, 4)] for axis in range(-5, 5)]


@pytest.mark.parametrize(
    "shape, axis", EXPAND_CASES, ids=[f"{fmt(s)}-axis={a}" for s, a in EXPAND_CASES]
)
def test_expand_dims_matches_numpy(shape, axis) -> None:
    expected = numpy_shape(lambda: np.expand_dims(zeros(shape), axis))
    assert_matches_numpy(expected, lambda: ops.expand_dims(S(*shape), axis))


def _squeeze_cases():
    for shape in [(1,), (3,), (1, 3), (2, 1), (1, 3, 1), (2, 3), (1, 1, 1), (2, 1, 3, 1)]:
        rank = len(shape)
        yield shape, None
        for ax in range(-rank - 1, rank + 1):
            yield shape, (ax,)
        yield shape, tuple(i for i, n in enumerate(shape) if n == 1)
        yield shape, tuple(range(rank))
        yield shape, (0, 0)
    yield (), None
    yield (), ()


SQUEEZE_CASES = list(_squeeze_cases())


@pytest.mark.parametrize(
    "shape, axis", SQUEEZE_CASES, ids=[f"{fmt(s)}-axis={a}" for s, a in SQUEEZE_CASES]
)
def test_squeeze_matches_numpy(shape, axis) -> None:
    expected = numpy_shape(lambda: np.squeeze(zeros(shape), axis=axis))
    assert_matches_numpy(expected, lambda: ops.squeeze(S(*shape), axis))


# --- symbolic shapes: three-valued semantics ------------------------------------------------------

n, m, k = sym("n"), sym("m"), sym("k")

SYMBOLIC_RESULTS = [
    ("(n,)+(n,1)", lambda: ops.broadcast(Sym("n"), Sym("n", 1)), "(n, n)"),
    ("(n,m)+(m,)", lambda: ops.broadcast(Sym("n", "m"), Sym("m")), "(n, m)"),
    ("(n,1)+(1,m)", lambda: ops.broadcast(Sym("n", 1), Sym(1, "m")), "(n, m)"),
    ("(n,3)+()", lambda: ops.broadcast(Sym("n", 3), SCALAR), "(n, 3)"),
    ("(n,)+(m,)", lambda: ops.broadcast(Sym("n"), Sym("m")), "(?,)"),
    ("(n,m)@(m,k)", lambda: ops.matmul(Sym("n", "m"), Sym("m", "k")), "(n, k)"),
    ("(n,m)@(n,k)", lambda: ops.matmul(Sym("n", "m"), Sym("n", "k")), "(n, k)"),
    ("(m,)@(m,k)", lambda: ops.matmul(Sym("m"), Sym("m", "k")), "(k,)"),
    ("(b,n,m)@(m,)", lambda: ops.matmul(Sym("b", "n", "m"), Sym("m")), "(b, n)"),
    ("(n,)@(n,)", lambda: ops.matmul(Sym("n"), Sym("n")), "()"),
    ("dot(n,m)(m,)", lambda: ops.dot(Sym("n", "m"), Sym("m")), "(n,)"),
    ("outer(n,)(m,2)", lambda: ops.outer(Sym("n"), Sym("m", 2)), "(n, 2*m)"),
    ("outer(...)(3,)", lambda: ops.outer(UNKNOWN_SHAPE, Sym(3)), "(?, 3)"),
    ("reshape(n,m)->(-1,)", lambda: ops.reshape(Sym("n", "m"), [INFER]), "(m*n,)"),
    ("reshape(n,m)->(n,-1)", lambda: ops.reshape(Sym("n", "m"), [n, INFER]), "(n, m)"),
    ("reshape(n,m)->(-1,m)", lambda: ops.reshape(Sym("n", "m"), [INFER, m]), "(n, m)"),
    ("reshape(n,6)->(n,2,-1)", lambda: ops.reshape(Sym("n", 6), [n, const(2), INFER]), "(n, 2, 3)"),
    ("reshape(n,3)->(2,-1)", lambda: ops.reshape(Sym("n", 3), [const(2), INFER]), "(2, ?)"),
    ("reshape(n,m)->(m,n)", lambda: ops.reshape(Sym("n", "m"), [m, n]), "(m, n)"),
    ("sum(n,m,axis=-1)", lambda: ops.reduce(Sym("n", "m"), (-1,)), "(n,)"),
    ("sum(n,m,axis=0,keep)", lambda: ops.reduce(Sym("n", "m"), (0,), True), "(1, m)"),
    ("(n,m).T", lambda: ops.transpose(Sym("n", "m")), "(m, n)"),
    ("(n,m)[0]", lambda: ops.index(Sym("n", "m"), [IntIndex()]), "(m,)"),
    ("(n,m)[:,None]", lambda: ops.index(Sym("n", "m"), [SliceIndex(), NewAxis()]), "(n, 1, m)"),
    ("(n,m)[:k]", lambda: ops.index(Sym("n", "m"), [SliceIndex(k)]), "(k, m)"),
    ("concat(n,3)(m,3)", lambda: ops.concatenate([Sym("n", 3), Sym("m", 3)]), "(m + n, 3)"),
    ("concat(n,3)(n,3)", lambda: ops.concatenate([Sym("n", 3), Sym("n", 3)]), "(2*n, 3)"),
    ("concat(n,3)(n,m)ax0", lambda: ops.concatenate([Sym("n", 3), Sym("n", "m")]), "(2*n, ?)"),
    ("stack(n,m)x3", lambda: ops.stack([Sym("n", "m")] * 3, -1), "(n, m, 3)"),
    ("squeeze(n,1,m)", lambda: ops.squeeze(Sym("n", 1, "m")), "(n, m)"),
    ("squeeze(?,1)", lambda: ops.squeeze(shape_of([unknown(), const(1)])), "(...)"),
    ("expand_dims(n,)", lambda: ops.expand_dims(Sym("n"), -1), "(n, 1)"),
]


@pytest.mark.parametrize("expr, run, expected", SYMBOLIC_RESULTS, ids=[c[0] for c in SYMBOLIC_RESULTS])
def test_symbolic_result(expr, run, expected) -> None:
    assert str(run()) == expected


SYMBOLIC_RAISES = [
    ("(2,3)@(4,5)", lambda: ops.matmul(S(2, 3), S(4, 5)), True),
    ("(n,m)@(n,k)", lambda: ops.matmul(Sym("n", "m"), Sym("n", "k")), False),
    ("(n,3)@(4,k)", lambda: ops.matmul(Sym("n", 3), Sym(4, "k")), True),
    ("(n,3)@(m,k)", lambda: ops.matmul(Sym("n", 3), Sym("m", "k")), False),
    ("(n,)+(m,)", lambda: ops.broadcast(Sym("n"), Sym("m")), False),
    ("(n,2)+(n,3)", lambda: ops.broadcast(Sym("n", 2), Sym("n", 3)), True),
    ("(n,)+(3,)", lambda: ops.broadcast(Sym("n"), Sym(3)), False),
    ("reshape(n,m)->(n,)", lambda: ops.reshape(Sym("n", "m"), [n]), False),
    ("reshape(n,3)->(-1,-1)", lambda: ops.reshape(Sym("n", 3), [INFER, INFER]), True),
    ("reshape(n,3)->(4,)", lambda: ops.reshape(Sym("n", 3), [const(4)]), False),
    ("reshape(n,3)->(3*n+0)", lambda: ops.reshape(Sym("n", 3), [Dim(3, ("n",))]), False),
    ("reshape(n,3)->(2*n,)", lambda: ops.reshape(Sym("n", 3), [Dim(2, ("n",))]), False),
    ("concat(n,3)(m,4)", lambda: ops.concatenate([Sym("n", 3), Sym("m", 4)]), True),
    ("stack(n,)(m,)", lambda: ops.stack([Sym("n"), Sym("m")]), False),
    ("stack(n,)(n,1)", lambda: ops.stack([Sym("n"), Sym("n", 1)]), True),
    ("squeeze(n,axis=0)", lambda: ops.squeeze(Sym("n"), (0,)), False),
    ("squeeze(3,axis=0)", lambda: ops.squeeze(Sym(3), (0,)), True),
    ("(n,m)[0,0,0]", lambda: ops.index(Sym("n", "m"), [IntIndex()] * 3), True),
]


@pytest.mark.parametrize("expr, run, raises", SYMBOLIC_RAISES, ids=[c[0] for c in SYMBOLIC_RAISES])
def test_symbolic_raises_only_when_certain(expr, run, raises) -> None:
    if raises:
        with pytest.raises(ShapeError):
            run()
    else:
        assert isinstance(run(), Shape)


# --- unknown inputs give unknown outputs -------------------------------------------------------

UNKNOWN_PROPAGATION = [
    ("broadcast", lambda: ops.broadcast(UNKNOWN_SHAPE, S(2, 3))),
    ("matmul", lambda: ops.matmul(S(2, 3), UNKNOWN_SHAPE)),
    ("dot", lambda: ops.dot(UNKNOWN_SHAPE, S(3))),
    ("reduce", lambda: ops.reduce(UNKNOWN_SHAPE, (0,))),
    ("transpose", lambda: ops.transpose(UNKNOWN_SHAPE)),
    ("swapaxes", lambda: ops.swapaxes(UNKNOWN_SHAPE, 0, 5)),
    ("concatenate", lambda: ops.concatenate([S(2, 3), UNKNOWN_SHAPE])),
    ("stack", lambda: ops.stack([UNKNOWN_SHAPE, S(2)])),
    ("expand_dims", lambda: ops.expand_dims(UNKNOWN_SHAPE, 7)),
    ("squeeze", lambda: ops.squeeze(UNKNOWN_SHAPE, (3,))),
]


@pytest.mark.parametrize("name, run", UNKNOWN_PROPAGATION, ids=[c[0] for c in UNKNOWN_PROPAGATION])
def test_unknown_rank_propagates(name, run) -> None:
    assert run().dims is None


def test_unknown_dims_broadcast_to_unknown_without_raising() -> None:
    out = ops.broadcast(unknown_of_rank(2), S(2, 3))
    assert out.rank == 2 and all(isinstance(d, UnknownDim) for d in out.dims)


def test_reshape_of_unknown_rank_keeps_the_known_target() -> None:
    assert str(ops.reshape(UNKNOWN_SHAPE, [const(2), const(3)])) == "(2, 3)"
    assert str(ops.reshape(UNKNOWN_SHAPE, [const(2), INFER])) == "(2, ?)"


# --- dims and shapes: equality, size, arithmetic, formatting ---------------------------------------

DIM_EQ_CASES = [
    ("n==m", sym("n"), sym("m"), None),
    ("2==3", const(2), const(3), False),
    ("n==n", sym("n"), sym("n"), True),
    ("3==3", const(3), const(3), True),
    ("n==3", sym("n"), const(3), None),
    ("2n==n", Dim(2, ("n",)), sym("n"), None),
    ("m*n==n*m", dim_mul(n, m), dim_mul(m, n), True),
    ("?==?", unknown(), unknown(), None),
    ("?==3", unknown(), const(3), None),
]


@pytest.mark.parametrize("name, a, b, expected", DIM_EQ_CASES, ids=[c[0] for c in DIM_EQ_CASES])
def test_dim_eq_is_three_valued(name, a, b, expected) -> None:
    assert dim_eq(a, b) is expected
    assert dim_eq(b, a) is expected


def test_the_same_unknown_dim_equals_itself() -> None:
    u = unknown()
    assert dim_eq(u, u) is True
    assert dim_eq(u, unknown()) is None


def test_is_one() -> None:
    assert is_one(const(1)) is True
    assert is_one(const(3)) is False
    assert is_one(sym("n")) is None
    assert is_one(unknown()) is None


u_shared = unknown()
SHAPES_EQ_CASES = [
    ("(2,3)==(2,3)", S(2, 3), S(2, 3), True),
    ("(2,3)==(3,2)", S(2, 3), S(3, 2), False),
    ("(2,3)==(2,3,1)", S(2, 3), S(2, 3, 1), False),
    ("(n,m)==(n,m)", Sym("n", "m"), Sym("n", "m"), True),
    ("(n,m)==(n,k)", Sym("n", "m"), Sym("n", "k"), None),
    ("(n,2)==(m,3)", Sym("n", 2), Sym("m", 3), False),
    ("(?,)==(?,)", unknown_of_rank(1), unknown_of_rank(1), None),
    ("(u,)==(u,)", shape_of([u_shared]), shape_of([u_shared]), True),
    ("(...)==(2,)", UNKNOWN_SHAPE, S(2), None),
    ("(...)==(...)", UNKNOWN_SHAPE, UNKNOWN_SHAPE, None),
    ("()==()", SCALAR, S(), True),
]


@pytest.mark.parametrize("name, a, b, expected", SHAPES_EQ_CASES, ids=[c[0] for c in SHAPES_EQ_CASES])
def test_shapes_eq_is_three_valued(name, a, b, expected) -> None:
    assert shapes_eq(a, b) is expected
    assert shapes_eq(b, a) is expected


SIZE_CASES = [
    ("(n,3)", Sym("n", 3), "3*n"),
    ("(2,3,4)", S(2, 3, 4), "24"),
    ("()", SCALAR, "1"),
    ("(n,m,n)", Sym("n", "m", "n"), "m*n*n"),
    ("(...)", UNKNOWN_SHAPE, "?"),
    ("(n,?)", shape_of([n, unknown()]), "?"),
]


@pytest.mark.parametrize("name, shape, expected", SIZE_CASES, ids=[c[0] for c in SIZE_CASES])
def test_size(name, shape, expected) -> None:
    assert str(size(shape)) == expected


def test_size_of_concrete_shapes_matches_numpy() -> None:
    for shape in [(), (3,), (2, 3, 4), (0, 5), (1, 1)]:
        assert size(S(*shape)) == const(zeros(shape).size)


DIM_ARITHMETIC = [
    ("m*n/n", lambda: dim_div(dim_mul(n, m), n), "m"),
    ("6n/3", lambda: dim_div(Dim(6, ("n",)), const(3)), "2*n"),
    ("n/2", lambda: dim_div(n, const(2)), "?"),
    ("n/m", lambda: dim_div(n, m), "?"),
    ("6/0", lambda: dim_div(const(6), const(0)), "?"),
    ("n+n", lambda: dim_add(n, n), "2*n"),
    ("2+3", lambda: dim_add(const(2), const(3)), "5"),
    ("n+m", lambda: dim_add(n, m), "m + n"),
    ("3n-n", lambda: dim_sub(Dim(3, ("n",)), n), "2*n"),
    ("n-n", lambda: dim_sub(n, n), "?"),
    ("5-2", lambda: dim_sub(const(5), const(2)), "3"),
    ("n*?", lambda: dim_mul(n, unknown()), "?"),
    ("n+1", lambda: dim_add(n, const(1)), "n + 1"),
    ("(n+1)+1", lambda: dim_add(dim_add(n, const(1)), const(1)), "n + 2"),
    ("(n+1)-1", lambda: dim_sub(dim_add(n, const(1)), const(1)), "n"),
    ("n-1", lambda: dim_sub(n, const(1)), "n - 1"),
    ("n-m", lambda: dim_sub(n, m), "?"),
    ("2*(n+1)", lambda: dim_mul(const(2), dim_add(n, const(1))), "2*(n + 1)"),
]


def test_the_same_sum_is_one_size_and_differs_from_its_parts() -> None:
    """``m + 1`` from two places is one size; it is never ``m`` (a sum of sizes named apart)."""
    from shapelint.domain.dims import dim_eq, known_to_differ, label

    assert dim_eq(dim_add(m, const(1)), dim_add(const(1), m)) is True
    assert known_to_differ(dim_add(n, const(1)), n)
    assert not known_to_differ(dim_add(label("k"), const(1)), n)  # a label's sum is a label


@pytest.mark.parametrize("name, run, expected", DIM_ARITHMETIC, ids=[c[0] for c in DIM_ARITHMETIC])
def test_dim_arithmetic(name, run, expected) -> None:
    assert str(run()) == expected


STR_CASES = [
    ("(n_h,m)", Sym("n_h", "m"), "(n_h, m)"),
    ("(n,)", Sym("n"), "(n,)"),
    ("()", SCALAR, "()"),
    ("(...)", UNKNOWN_SHAPE, "(...)"),
    ("(?,3)", shape_of([unknown(), const(3)]), "(?, 3)"),
    ("(?,)", unknown_of_rank(1), "(?,)"),
    ("(2*n,m*n)", shape_of([Dim(2, ("n",)), dim_mul(n, m)]), "(2*n, m*n)"),
]


@pytest.mark.parametrize("name, shape, expected", STR_CASES, ids=[c[0] for c in STR_CASES])
def test_str_formats(name, shape, expected) -> None:
    assert str(shape) == expected


def test_unknown_dim_prints_as_question_mark() -> None:
    assert str(unknown()) == "?"


# --- contractions ---------------------------------------------------------------------------

from shapelint.domain import contract  # noqa: E402

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ij,jk->ki", [(2, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 3), (2, 4)]),
    ("ij,jk", [(2, 3), (1, 4)]),
    ("ij,ij->ij", [(2, 3), (1, 3)]),
    ("i j,jk", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii->i", [(2, 1)]),
    ("ii", [(3, 3)]),
    ("ij->", [(5, 2)]),
    ("ij", [(5, 2, 3)]),
    ("ij...", [(5,)]),
    ("i,i", [(5,), (4,)]),
    ("i,i->i", [(2,), (1,)]),
    ("i,j->", [(2,), (1,)]),
    ("bA", [(2, 3)]),
    ("Ab", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("...i->i", [(2, 3)]),
    ("...i->i", [(3,)]),
    ("i...->...", [(3,)]),
    ("...i", [(5, 3)]),
    ("i...", [(3, 5, 4)]),
    ("...i,...i", [(5, 2, 3), (2, 3)]),
    ("i...,i...", [(5, 2, 3), (5, 3)]),
    ("...,...", [(5,), (4,)]),
    ("ij...,jk...->ik...", [(2, 3, 5), (3, 4, 1)]),
    ("...ij->...ji", [(2, 3)]),
    ("ij->...", [(2, 3)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("bij,bjk->bik", [(5, 2, 3), (6, 3, 4)]),
    ("ij,kl", [(2, 3), (3, 4)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("i", [(0,)]),
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_CASES, ids=[f"{s}-{'+'.join(map(fmt, sh))}" for s, sh in EINSUM_CASES])
def test_einsum_matches_numpy(subscripts, shapes) -> None:
    expected = numpy_shape(lambda: np.einsum(subscripts, *[zeros(s) for s in shapes]))
    assert_matches_numpy(expected, lambda: contract.einsum(subscripts, [S(*s) for s in shapes]))


@pytest.mark.parametrize("subscripts", ["ij->ik", "ij->jj", "i.j", "ij,jk->ik->i", "i1", "ij,jk"])
def test_einsum_subscripts_numpy_refuses_are_unknown_not_claims(subscripts) -> None:
    assert contract.einsum(subscripts, [S(2, 3)]).dims is None


def test_einsum_with_symbols() -> None:
    assert contract.einsum("ij,jk->ik", [Sym("n", "m"), Sym("m", "k")]) == Sym("n", "k")
    assert contract.einsum("ij,jk->ik", [Sym("n", "m"), Sym("p", "k")]) == Sym("n", "k")  # m and p may be equal
    with pytest.raises(ShapeError):
        contract.einsum("ij,jk->ik", [Sym("n", 3), Sym(4, "k")])


TENSORDOT_CASES = [
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3), (4, 5), 0),
    ((2, 3), (3, 5), 1),
    ((2, 3), (4, 5), 1),
    ((2, 3), (3, 5), 3),
    ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])),
    ((2, 3), (3, 5), (1, 0)),
    ((2, 3), (1, 5), (1, 0)),
    ((2, 3), (3, 5), (-1, -2)),
    ((2, 3), (3, 5), ([1], [0, 1])),
    ((2, 3), (3, 5), ([2], [0])),
    ((3,), (3,), 1),
]


@pytest.mark.parametrize("a, b, axes", TENSORDOT_CASES, ids=[f"{fmt(a)}-{fmt(b)}-{ax}" for a, b, ax in TENSORDOT_CASES])
def test_tensordot_matches_numpy(a, b, axes) -> None:
    expected = numpy_shape(lambda: np.tensordot(zeros(a), zeros(b), axes=axes))
    ops_axes = axes if isinstance(axes, int) else tuple([x] if isinstance(x, int) else x for x in axes)
    assert_matches_numpy(expected, lambda: contract.tensordot(S(*a), S(*b), ops_axes))


# --- promotion, tiling, repeating, padding, differencing --------------------------------------

PROMOTE_SHAPES = [(), (3,), (2, 3), (2, 3, 4)]


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("shape", PROMOTE_SHAPES, ids=fmt)
def test_atleast_matches_numpy(shape, rank) -> None:
    expected = np.shape(getattr(np, f"atleast_{rank}d")(zeros(shape)))
    assert as_ints(ops.atleast(S(*shape), rank)) == expected


@pytest.mark.parametrize("directive", ["0,2", "0,2,0", "0,2,1", "1,2,0", "0,3", "0,3,0", "0,3,1", "0,3,-1", "0,3,2", "-1,2,0", "0,1"])
@pytest.mark.parametrize("shape", PROMOTE_SHAPES, ids=fmt)
def test_promote_matches_numpy_r_directives(shape, directive) -> None:
    """``np.r_['axis,ndmin,trans1d', a]`` promotes ``a`` and concatenates it alone."""
    axis, ndmin, *trans = (int(x) for x in directive.split(","))
    expected = numpy_shape(lambda: np.r_[directive, zeros(shape)])
    assert_matches_numpy(expected, lambda: ops.concatenate([ops.promote(S(*shape), ndmin, trans[0] if trans else -1)], axis))


STACKED = [[(3,), (3,)], [(), ()], [(2, 3), (2,)], [(2,), (2, 3)], [(2, 3, 4), (2, 3, 1)], [(2, 3), (4, 3)], [(3,), (4,)]]


@pytest.mark.parametrize("join", ["column_stack", "dstack"])
@pytest.mark.parametrize("shapes", STACKED, ids=lambda ss: "+".join(map(fmt, ss)))
def test_column_stack_dstack_match_numpy(join, shapes) -> None:
    expected = numpy_shape(lambda: getattr(np, join)([zeros(s) for s in shapes]))
    assert_matches_numpy(expected, lambda: getattr(ops, join)([S(*s) for s in shapes]))


@pytest.mark.parametrize("shapes", STACKED, ids=lambda ss: "+".join(map(fmt, ss)))
def test_flat_concatenate_matches_numpy(shapes) -> None:
    expected = np.concatenate([zeros(s) for s in shapes], axis=None).shape
    assert as_ints(ops.flat_concatenate([S(*s) for s in shapes])) == expected


TILE_CASES = [((), (2,)), ((3,), (2,)), ((3,), (2, 4)), ((2, 3), (4,)), ((2, 3), (1, 1)), ((3,), (1, 1)), ((2, 3), (2, 1, 5)), ((2, 3), ())]


@pytest.mark.parametrize("shape, reps", TILE_CASES, ids=pair_ids(TILE_CASES))
def test_tile_matches_numpy(shape, reps) -> None:
    assert as_ints(ops.tile(S(*shape), [const(r) for r in reps])) == np.tile(zeros(shape), reps).shape


REPEAT_CASES = [(shape, count, axis) for shape in PROMOTE_SHAPES for count in (0, 3) for axis in (None, 0, 1, -1, 2)]


@pytest.mark.parametrize("shape, count, axis", REPEAT_CASES, ids=[f"{fmt(s)}-{c}-{a}" for s, c, a in REPEAT_CASES])
def test_repeat_matches_numpy(shape, count, axis) -> None:
    expected = numpy_shape(lambda: np.repeat(zeros(shape), count, axis=axis))
    assert_matches_numpy(expected, lambda: ops.repeat(S(*shape), const(count), axis))


def test_repeat_by_counts_per_element_has_an_unknown_length() -> None:
    got = ops.repeat(S(2, 3), None, 1)
    assert got.dims[0] == const(2) and isinstance(got.dims[1], UnknownDim)


DIFF_CASES = [(shape, n, axis) for shape in PROMOTE_SHAPES for n in (0, 1, 2, 5) for axis in (0, -1, 1, 3)]


@pytest.mark.parametrize("shape, n, axis", DIFF_CASES, ids=[f"{fmt(s)}-n={n}-{a}" for s, n, a in DIFF_CASES])
def test_diff_matches_numpy(shape, n, axis) -> None:
    expected = numpy_shape(lambda: np.diff(zeros(shape), n=n, axis=axis))
    assert_matches_numpy(expected, lambda: ops.diff(S(*shape), n, axis))


def test_pad_adds_both_widths() -> None:
    assert as_ints(ops.pad(S(2, 3), [(const(1), const(2)), (const(0), const(4))])) == np.pad(zeros((2, 3)), ((1, 2), (0, 4))).shape


MESHGRID_CASES = [(shapes, indexing, sparse) for shapes in [[(2,)], [(2,), (3,)], [(2,), (3,), (4,)], [(2, 3), (5,)], []] for indexing in ("xy", "ij") for sparse in (False, True)]


@pytest.mark.parametrize("shapes, indexing, sparse", MESHGRID_CASES, ids=[f"{'+'.join(map(fmt, s))}-{i}-{sp}" for s, i, sp in MESHGRID_CASES])
def test_meshgrid_matches_numpy(shapes, indexing, sparse) -> None:
    expected = [a.shape for a in np.meshgrid(*[zeros(s) for s in shapes], indexing=indexing, sparse=sparse)]
    assert [as_ints(s) for s in ops.meshgrid([S(*s) for s in shapes], indexing, sparse)] == expected
