"""What the rest of shapelint knows about NumPy names besides their shape rules, in one place.

A name's properties are declared once, in the ``numpy_model`` module of its family: with its
handler (``@function(..., properties={"fresh"})``) or, when the model has no shape rule for it,
with ``describe(...)``. The loop analysis, the rules and their fixes ask here; none keeps a list
of NumPy names of its own.

Keys are qualified names: ``numpy.zeros``, ``numpy.random.randn`` for functions, ``ndarray.sum``
for methods and attributes. The properties:

- ``fresh``: returns a new array that shares no memory with its arguments.
- ``writes``: writes somewhere other than its result (files, ``out``-like targets, NumPy's
  global settings), or builds a Python loop (``vectorize``).
- ``ufunc``: a ufunc (or a function that acts as one: ``round``, ``nan_to_num``), applied
  element by element, with broadcasting.
- ``elementwise``: element by element with broadcasting: the ufuncs, ``where``, ``clip``.
- ``batches``: on a batch of examples it does what it does on one: the elementwise functions,
  ``dot``, ``matmul``.
- ``step_of``: a binary ufunc that is one step of a reduction, the value (``maximum``: ``"max"``).
- ``reducer``: a reduction taking ``axis=`` and ``keepdims=`` (``sum``, ``mean``, ...).
- ``pure`` (methods): no side effect; ``in_place`` (methods): changes its receiver.
- ``data_length``: the result's length depends on the data (``unique``, ``nonzero``, ...).
- ``grid``: makes a 1-D sequence of values meant to be swept (``arange``, ``linspace``, ...).
- ``flat``: makes a rank-1 array on purpose (``ravel``, ``np.array`` of a flat list).
- ``shape_arg``: takes the whole shape as its first argument (``zeros((n, 1))``);
  ``size_args``: takes the sizes as separate arguments (``randn(n, 1)``).
- ``stacks``: makes one array of a sequence of arrays; the value is where the sequence's axis
  goes (0 in front, -1 last).
- ``python_loop``: calls a Python function once per element (``vectorize``).
- ``view`` (attributes): the same data seen another way (``.T``, ``.real``); ``meta``
  (attributes): a fact about the array, not its data (``.shape``, ``.dtype``).
"""
from __future__ import annotations

from typing import Any, Optional

PROPERTIES: dict[str, dict[str, Any]] = {}


def describe(*names: str, prefix: Optional[str] = "numpy.", method: bool = False, **properties: Any) -> None:
    """Declare ``properties`` (a value each, ``True`` for a plain fact) of ``prefix + name`` and,
    with ``method``, of ``ndarray.<name>``."""
    for name in names:
        keys = ([prefix + name] if prefix is not None else []) + ([f"ndarray.{name.rsplit('.', 1)[-1]}"] if method else [])
        for key in keys:
            PROPERTIES.setdefault(key, {}).update(properties)


def has(qualname: Optional[str], prop: str) -> bool:
    """Does ``numpy.<name>`` / ``ndarray.<name>`` have the property?"""
    return qualname is not None and prop in PROPERTIES.get(qualname, ())


def value(qualname: Optional[str], prop: str, default: Any = None) -> Any:
    return PROPERTIES.get(qualname, {}).get(prop, default) if qualname is not None else default


def method_has(name: str, prop: str) -> bool:
    return has(f"ndarray.{name}", prop)


def named(prop: str) -> frozenset[str]:
    """The last components of the names with the property, functions and methods alike: for
    checks that can only read a call's spelling (``made_at.func.attr``)."""
    return frozenset(key.rsplit(".", 1)[-1] for key, found in PROPERTIES.items() if prop in found)


def draws_random(qualname: str) -> bool:
    """``numpy.random.*``: its result depends on a hidden state it changes."""
    return qualname == "numpy.random" or qualname.startswith("numpy.random.")


def writes(qualname: str) -> bool:
    """A NumPy function with an effect beyond its result: ``writes``, a ufunc's in-place ``.at``,
    or a name in ``testing``, ``lib`` or ``ma`` (whose functions the model does not describe)."""
    short = qualname[len("numpy."):] if qualname.startswith("numpy.") else qualname
    return has(qualname, "writes") or short.endswith(".at") or short.startswith(("testing", "lib.", "ma."))


# --- names that are not functions ------------------------------------------------------------

SUBMODULES = frozenset({"random", "linalg", "fft", "ma", "polynomial", "testing", "lib", "char", "emath"})
IMPORTED_SUBMODULES = frozenset({"random", "linalg", "fft"})  # what ``from numpy import x`` binds as a module
CONSTANTS = frozenset({"pi", "e", "inf", "nan", "euler_gamma", "PINF", "NINF", "Inf", "NaN"})
ARRAY_TYPES = frozenset({"ndarray", "NDArray", "ArrayLike"})  # annotations that declare an array

# ``math`` functions and the ufunc that does the same to every element (None: no such ufunc)
MATH_EQUIVALENTS = {
    "exp": "exp", "log": "log", "tanh": "tanh", "sqrt": "sqrt", "sin": "sin", "cos": "cos",
    "tan": "tan", "log1p": "log1p", "expm1": "expm1", "log10": "log10", "log2": "log2",
    "fabs": "abs", "floor": "floor", "ceil": "ceil", "atan": "arctan", "asin": "arcsin",
    "acos": "arccos", "sinh": "sinh", "cosh": "cosh", "erf": None,
}

describe("T", "real", "imag", prefix=None, method=True, view=True)
describe("shape", "ndim", "dtype", "size", "itemsize", "nbytes", prefix=None, method=True, meta=True)

# Functions the model has no shape rule for, known for what they do besides
describe(
    "save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt", "fromfile",
    "tofile", "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis", "seterr",
    "set_printoptions", "printoptions", "errstate", "vectorize", "frompyfunc",
    writes=True,
)
describe("vectorize", python_loop=True)
