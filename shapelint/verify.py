"""``shapelint verify PATH``: run a user's network beside the loop twin.

The static rules say where a shape bug may be; this says whether the code
computes the right numbers. PATH is a module with the reference-network API
(``init_params``, ``forward``, ``cost``, ``backward``, ``train``, features-first
layout). It runs on the same data as ``reference_net.loops`` for several
architectures whose dims are all different (a swapped axis cannot hide),
including ones with ``n_y >= 2`` (``n_y == 1`` hides rank-1 bias bugs), and
reports the first array that disagrees, or where the user's code raised.

Exit codes: 0 match, 1 mismatch or the user's code raised, 2 could not load.
"""
from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import itertools
import os
import sys
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Optional, TextIO

import numpy as np

from reference_net import loops

from .verify_api import Api, ApiMismatch, check_api, expected_api

API = ("init_params", "forward", "cost", "backward", "train")
RELATIVE_TOLERANCE = 1e-8
ABSOLUTE_TOLERANCE = 1e-12  # for arrays that are (near) zero, like fresh biases
INIT_SEED = 3
TRAIN_EPOCHS = 3
TRAIN_LR = 0.5
MINI_BATCH_SIZE = 4  # divides none of the case sizes, so the last batch is short

EXIT_MATCH, EXIT_MISMATCH, EXIT_LOAD_ERROR = 0, 1, 2

_module_numbers = itertools.count()


@dataclass(frozen=True)
class Case:
    """One architecture, sample count and hidden activation."""

    layer_dims: tuple
    m: int
    hidden: str

    def __str__(self) -> str:
        return f"[layer_dims={self.layer_dims}, m={self.m}, hidden={self.hidden}]"


CASES = (
    Case((5, 4, 3, 1), 7, "tanh"),
    Case((6, 3, 2), 11, "tanh"),  # n_y = 2: a rank-1 or (1, m) bias cannot pass for (n_y, 1)
    Case((4, 5, 1), 9, "relu"),
    Case((3, 8, 6, 4), 5, "relu"),  # n_y = 4 and m < n_1
)


class LoadError(Exception):
    """The module could not be imported or lacks part of the API."""


class Mismatch(Exception):
    """An output differs from the loop twin's in shape or value."""

    def __init__(self, what: str, expected_shape=None, got_shape=None,
                 max_abs_diff: Optional[float] = None, note: str = ""):
        super().__init__(what)
        self.what = what
        self.expected_shape = expected_shape
        self.got_shape = got_shape
        self.max_abs_diff = max_abs_diff
        self.note = note


class UserCodeError(Exception):
    """The user's code raised; remembers which call and where in the user's file."""

    def __init__(self, call: str, error: BaseException, location: Optional[traceback.FrameSummary]):
        super().__init__(call)
        self.call = call
        self.error = error
        self.location = location


class Tally:
    """What has been compared so far, for the summary line."""

    def __init__(self):
        self.arrays = 0
        self.worst_relative = 0.0
        self.init_values_match = True
        self.printed_lines = 0
        self.cases: list = []  # as run (a network with one activation built in runs every case with it)
        self.minibatch = False  # train took batch_size
        self.train_values = True  # train took the seed, so its values could be compared


def verify(path: str, out: Optional[TextIO] = None) -> int:
    """Compare the network at PATH with the loop twin; print a report; return the exit code."""
    out = sys.stdout if out is None else out
    tally = Tally()
    try:
        module = load_user_module(path, tally)
    except LoadError as error:
        print(f"shapelint verify: could not load {path}: {error}", file=out)
        return EXIT_LOAD_ERROR
    try:
        api = check_api(module)
    except ApiMismatch as error:
        sys.modules.pop(module.__name__, None)
        print(f"shapelint verify: cannot run {path}: {error}", file=out)
        return EXIT_LOAD_ERROR
    try:
        for case in CASES:
            verify_case(module, case, tally, api)
    except Mismatch as mismatch:
        report_mismatch(path, mismatch, out)
        return EXIT_MISMATCH
    except UserCodeError as error:
        report_user_error(path, error, out)
        return EXIT_MISMATCH
    finally:
        sys.modules.pop(module.__name__, None)
    report_match(path, tally, out)
    return EXIT_MATCH


# --- loading ------------------------------------------------------------------------------


def load_user_module(path: str, tally: Optional[Tally] = None):
    """Import PATH under a unique module name; LoadError if that fails or the API is missing."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise LoadError("no such file")
    name = f"_shapelint_verify_user_{next(_module_numbers)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError("not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, os.path.dirname(path))  # so the user's sibling modules import
    try:
        with quiet(tally if tally is not None else Tally()):
            spec.loader.exec_module(module)
    except SyntaxError as error:
        sys.modules.pop(name, None)
        raise LoadError(f"SyntaxError at {error.filename}:{error.lineno}: {error.msg}") from None
    except (Exception, SystemExit) as error:
        sys.modules.pop(name, None)
        where = user_frame(error, path)
        at = f" at {where.filename}:{where.lineno}" if where else ""
        raise LoadError(f"importing raised {describe(error)}{at}") from None
    finally:
        with contextlib.suppress(ValueError):  # the user's code may have removed it itself
            sys.path.remove(os.path.dirname(path))
    missing = [name for name in API if not callable(getattr(module, name, None))]
    if missing:
        sys.modules.pop(module.__name__, None)
        raise LoadError(f"missing API function(s): {', '.join(missing)}; "
                        f"expected (features-first: every example is a column):\n{expected_api()}")
    return module


@contextlib.contextmanager
def quiet(tally: Tally):
    """Swallow the user's prints and warnings so they cannot garble the report."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            tally.printed_lines += buffer.getvalue().count("\n")


def call_user(tally: Tally, path: str, call: str, function, *args, **kwargs):
    """Call a user function quietly; any exception becomes a UserCodeError naming the call."""
    try:
        with quiet(tally):
            return function(*args, **kwargs)
    except (Exception, SystemExit) as error:
        raise UserCodeError(call, error, user_frame(error, path)) from None


def user_frame(error: BaseException, path: str) -> Optional[traceback.FrameSummary]:
    """The innermost traceback frame inside the user's file (None if there is none)."""
    path = os.path.realpath(path)
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if os.path.realpath(frame.filename) == path]
    return frames[-1] if frames else None


def describe(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# --- comparing ----------------------------------------------------------------------------


def make_case_data(case: Case, index: int):
    """Gaussian inputs, 0/1 labels, and unit-scale params with non-zero biases."""
    rng = np.random.default_rng(2024 + index)
    n_x, n_y = case.layer_dims[0], case.layer_dims[-1]
    X = rng.standard_normal((n_x, case.m))
    Y = (rng.random((n_y, case.m)) < 0.5).astype(float)
    params = {}
    for l in range(1, len(case.layer_dims)):
        n_prev, n_l = case.layer_dims[l - 1], case.layer_dims[l]
        params[f"W{l}"] = rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)
        params[f"b{l}"] = 0.5 * rng.standard_normal((n_l, 1))
    return X, Y, params


def verify_case(module, case: Case, tally: Tally, api: Optional[Api] = None) -> None:
    """init_params, forward, cost, backward and train for one case; raises on the first difference."""
    api = api or Api()
    X, Y, params = make_case_data(case, CASES.index(case))
    path = module.__file__
    if not api.forward_hidden:  # one activation, built in: the case is run with the one it matches
        case = Case(case.layer_dims, case.m, builtin_hidden(module, X, params, tally))

    tally.cases.append(case)

    def user(call, function, *args, **kwargs):
        return call_user(tally, path, f"{call} {case}", function, *args, **kwargs)

    expected_init = loops.init_params(list(case.layer_dims), INIT_SEED)
    got_init = user("init_params", module.init_params, list(case.layer_dims), INIT_SEED)
    compare_init(case, expected_init, got_init, tally)

    expected_AL, expected_cache = loops.forward(X, params, case.hidden)
    hidden_arg = (case.hidden,) if api.forward_hidden else ()
    got_forward = user("forward", module.forward, X.copy(), copy.deepcopy(params), *hidden_arg)
    got_AL, got_cache = unpack_pair(got_forward, "forward", "(AL, cache)", case)
    compare_array(f"forward: AL {case}", expected_AL, got_AL, tally)

    got_cost = user("cost", module.cost, expected_AL.copy(), Y.copy())
    compare_cost(f"cost {case}", loops.cost(expected_AL, Y), got_cost, tally)

    expected_grads = loops.backward(expected_AL, Y, params, expected_cache)
    got_grads = user("backward", module.backward, got_AL, Y.copy(), copy.deepcopy(params), got_cache)
    compare_dict("backward", case, expected_grads, got_grads, tally)

    for batch_size in (None, MINI_BATCH_SIZE) if "batch_size" in api.train_options else (None,):
        verify_training(module, case, X, Y, batch_size, user, tally, api)


def builtin_hidden(module, X, params, tally: Tally) -> str:
    """For a ``forward(X, params)`` without ``hidden``: the activation its output matches (tanh if none)."""
    try:
        with quiet(tally):
            got = np.asarray(module.forward(X.copy(), copy.deepcopy(params))[0], dtype=float)
    except Exception:  # noqa: BLE001 - the comparison proper reports it, with where it raised
        return "tanh"
    for hidden in ("tanh", "relu"):
        if close(loops.forward(X, params, hidden)[0], got):
            return hidden
    return "tanh"


def verify_training(module, case: Case, X, Y, batch_size, user, tally: Tally, api: Optional[Api] = None) -> None:
    """A few epochs of train; values compared only if init_params drew the reference weights (and
    train takes the seed); options the user's train lacks are not passed."""
    api = api or Api()
    schedule = "full batch" if batch_size is None else f"batch_size={batch_size}"
    call = f"train ({TRAIN_EPOCHS} epochs, {schedule})"
    dims = list(case.layer_dims)
    hidden = case.hidden if "hidden" in api.train_options or not api.forward_hidden else (api.forward_default_hidden or "tanh")
    kwargs = dict(batch_size=batch_size, seed=INIT_SEED, hidden=hidden)
    got = user(call, module.train, X.copy(), Y.copy(), dims, TRAIN_EPOCHS, TRAIN_LR,
               **api.train_kwargs(batch_size, INIT_SEED, case.hidden))
    got_params, got_costs = unpack_pair(got, "train", "(params, costs)", case)
    expected_params, expected_costs = loops.train(X, Y, dims, TRAIN_EPOCHS, TRAIN_LR, **kwargs)
    compare_values = tally.init_values_match and "seed" in api.train_options
    tally.minibatch |= batch_size is not None
    tally.train_values &= "seed" in api.train_options
    compare_dict(f"{call}: params", case, expected_params, got_params, tally, compare_values)
    costs_what = f"{call}: costs {case}"
    got_costs_array = as_array(costs_what, got_costs)
    if got_costs_array.shape != (TRAIN_EPOCHS,):
        raise Mismatch(costs_what, (TRAIN_EPOCHS,), got_costs_array.shape,
                       note="train should return one cost per epoch")
    if compare_values and batch_size is None:
        # One cost per epoch, computed before that epoch's update or after it: both are fine.
        longer = loops.train(X, Y, dims, TRAIN_EPOCHS + 1, TRAIN_LR, **kwargs)[1]
        after_update = np.array(longer[1:])
        if close(after_update, got_costs_array):
            compare_array(costs_what, after_update, got_costs_array, tally)
        else:
            compare_array(costs_what, np.array(expected_costs), got_costs_array, tally)


def compare_init(case: Case, expected, got, tally: Tally) -> None:
    """Keys and shapes must match; equal values only decide whether train values can be compared."""
    compare_dict("init_params", case, expected, got, tally, compare_values=False)
    for name, value in expected.items():
        if not close(value, np.asarray(got[name], dtype=float)):
            tally.init_values_match = False


def compare_dict(what: str, case: Case, expected: dict, got: Any, tally: Tally,
                 compare_values: bool = True) -> None:
    """Every expected key, in layer order (W1, b1, W2, ...); extra keys are ignored."""
    if not isinstance(got, dict):
        raise Mismatch(f"{what} {case}", note=f"expected a dict, got {type(got).__name__}")
    for name in sorted(expected, key=layer_order):
        label = f"{what}: {name} {case}"
        if name not in got:
            raise Mismatch(label, expected[name].shape, note=f"key {name!r} is missing")
        if compare_values:
            compare_array(label, expected[name], got[name], tally)
        else:
            compare_shape(label, expected[name], got[name])
            tally.arrays += 1


def compare_shape(what: str, expected: np.ndarray, got: Any) -> np.ndarray:
    got_array = as_array(what, got)
    if got_array.shape != expected.shape:
        raise Mismatch(what, expected.shape, got_array.shape)
    return got_array


def compare_array(what: str, expected: np.ndarray, got: Any, tally: Tally) -> None:
    """Same shape, and equal to a relative 1e-8 of the largest expected magnitude."""
    got_array = compare_shape(what, expected, got)
    if not close(expected, got_array):
        raise Mismatch(what, expected.shape, got_array.shape, max_abs_difference(expected, got_array))
    tally.arrays += 1
    scale = np.max(np.abs(expected), initial=0.0)
    if scale > 0:
        tally.worst_relative = max(tally.worst_relative,
                                   max_abs_difference(expected, got_array) / scale)


def compare_cost(what: str, expected: float, got: Any, tally: Tally) -> None:
    """The cost must be a scalar: a (1, 1) array breaks ``float()`` in NumPy 2."""
    got_array = as_array(what, got)
    if got_array.shape != ():
        raise Mismatch(what, (), got_array.shape,
                       note="cost should return a float (use .item() or np.squeeze)")
    compare_array(what, np.array(expected), got_array, tally)


def close(expected: np.ndarray, got: np.ndarray) -> bool:
    if expected.shape != got.shape:
        return False
    scale = np.max(np.abs(expected), initial=0.0)
    difference = max_abs_difference(expected, got)
    return bool(difference <= RELATIVE_TOLERANCE * scale + ABSOLUTE_TOLERANCE)


def max_abs_difference(expected: np.ndarray, got: np.ndarray) -> float:
    return float(np.max(np.abs(expected - got), initial=0.0))


def as_array(what: str, value: Any) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(what, note=f"not a numeric array: got {type(value).__name__}") from None


def unpack_pair(value: Any, function: str, form: str, case: Case):
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    raise Mismatch(f"{function}: return value {case}",
                   note=f"{function} should return a pair {form}, got {type(value).__name__}")


def layer_order(name: str):
    """``W1, b1, W2, ...`` and ``dW1, db1, ...`` sorted by layer, weights first."""
    bare = name.lstrip("d")
    digits = bare[1:]
    return (int(digits) if digits.isdigit() else 0, bare[:1], name)


# --- reporting ----------------------------------------------------------------------------


def report_mismatch(path: str, mismatch: Mismatch, out: TextIO) -> None:
    print(f"shapelint verify: MISMATCH in {path}", file=out)
    print(f"  {mismatch.what}", file=out)
    if mismatch.expected_shape is not None:
        print(f"    expected shape:     {mismatch.expected_shape}", file=out)
    if mismatch.got_shape is not None:
        print(f"    got shape:          {mismatch.got_shape}", file=out)
    if mismatch.expected_shape is not None and mismatch.got_shape is not None:
        if mismatch.max_abs_diff is None:
            print("    max abs difference: n/a (shapes differ)", file=out)
        else:
            print(f"    max abs difference: {mismatch.max_abs_diff:.3e} "
                  f"(tolerance: relative {RELATIVE_TOLERANCE:g})", file=out)
    if mismatch.note:
        print(f"    note: {mismatch.note}", file=out)
    print("  (compared with the loop twin, reference_net.loops, on the same data)", file=out)


def report_user_error(path: str, error: UserCodeError, out: TextIO) -> None:
    print(f"shapelint verify: ERROR in {path}: your code raised an exception", file=out)
    print(f"  {error.call}", file=out)
    print(f"    {describe(error.error)}", file=out)
    frame = error.location
    if frame is not None:
        print(f"    at {frame.filename}:{frame.lineno} in {frame.name}", file=out)
        if frame.line:
            print(f"        {frame.line.strip()}", file=out)
    else:
        print("    (raised outside your file: check the function's signature and return value)", file=out)
        print(f"  expected (features-first: every example is a column):\n{expected_api()}", file=out)


def report_match(path: str, tally: Tally, out: TextIO) -> None:
    print(f"shapelint verify: match for {path}", file=out)
    cases = tally.cases or list(CASES)
    print(f"  compared with the loop twin (reference_net.loops) on {len(cases)} configurations: "
          + "; ".join(str(case) for case in cases), file=out)
    if not tally.init_values_match:
        train_values = "shapes only: init_params draws different weights than the reference, so trained values cannot be compared"
    elif not tally.train_values:
        train_values = "shapes only: train takes no seed, so its weights cannot be the reference's"
    else:
        train_values = "trained params; costs per epoch for full batch"
    init_values = "same values" if tally.init_values_match else "different values"
    schedules = f"full batch and batch_size={MINI_BATCH_SIZE}" if tally.minibatch or not tally.cases else "full batch (train takes no batch_size)"
    print(f"  per configuration: init_params (keys, shapes; {init_values}), forward AL, cost, "
          f"every backward gradient, train {TRAIN_EPOCHS} epochs {schedules} ({train_values})", file=out)
    print(f"  {tally.arrays} arrays agree; largest relative difference "
          f"{tally.worst_relative:.1e} (tolerance {RELATIVE_TOLERANCE:g})", file=out)
    if tally.printed_lines:
        print(f"  (your code printed {tally.printed_lines} lines; suppressed)", file=out)
