"""``python -m reference_net check``: do the three implementations agree?

Same seed and data through the loop twin, the vectorized network and the
samples-first variant (on transposed data): forward output, cost, every
gradient, and costs and weights after training must agree to a relative
difference of 1e-10. A central-difference gradient check confirms that the
vectorized ``backward`` is the derivative of ``cost`` (relative error 1e-7).
Sizes are small and no two dims are equal, so a swapped axis cannot hide.
"""
import sys

import numpy as np

from reference_net import loops, samples_first, vectorized

AGREEMENT_TOLERANCE = 1e-10
GRADIENT_CHECK_TOLERANCE = 1e-7
GRADIENT_CHECK_STEP = 1e-6
CONFIGS = (((5, 4, 3, 1), 7), ((6, 3, 2), 11))  # (layer_dims, m); n_y = 2 in the second
HIDDENS = ("tanh", "relu")
TRAIN_EPOCHS = 100
TRAIN_LR = 0.5
MINI_BATCH_SIZE = 3  # does not divide m, so the last batch is smaller
DATA_SEED = 1234


def relative_difference(expected, got):
    """Largest absolute difference relative to the largest magnitude (0 if both are 0)."""
    expected = np.asarray(expected, dtype=float)
    got = np.asarray(got, dtype=float)
    if expected.shape != got.shape:
        return float("inf")
    scale = max(np.max(np.abs(expected), initial=0.0), np.max(np.abs(got), initial=0.0))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(expected - got)) / scale)


def make_data(n_x, n_y, m, seed=DATA_SEED):
    """Gaussian inputs ``(n_x, m)`` and random 0/1 labels ``(n_y, m)``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((n_y, m)) < 0.5).astype(float)
    return X, Y


def random_params(layer_dims, seed=DATA_SEED):
    """Unit-scale weights and non-zero biases, so every term of every gradient matters."""
    rng = np.random.default_rng(seed + 1)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n_l = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)
        params[f"b{l}"] = 0.5 * rng.standard_normal((n_l, 1))
    return params


class Checker:
    """Prints one line per quantity and remembers whether anything disagreed."""

    def __init__(self, out):
        self.out = out
        self.failures = []
        self.count = 0
        self.worst_agreement = 0.0
        self.worst_gradient_check = 0.0
        self.context = ""

    def agree(self, label, expected, vectorized_value, samples_first_value):
        """Compare both vectorized layouts with the loop twin's value."""
        diffs = [relative_difference(expected, vectorized_value),
                 relative_difference(expected, samples_first_value)]
        ok = max(diffs) <= AGREEMENT_TOLERANCE
        self.count += 2
        self.worst_agreement = max(self.worst_agreement, *diffs)
        self._line(label, f"{diffs[0]:>12.1e}  {diffs[1]:>13.1e}", ok)

    def gradient(self, label, error):
        ok = error <= GRADIENT_CHECK_TOLERANCE
        self.count += 1
        self.worst_gradient_check = max(self.worst_gradient_check, error)
        self._line(label, f"{'':>12}  {error:>13.1e}", ok)

    def _line(self, label, numbers, ok):
        print(f"  {label:<34}{numbers}  {'ok' if ok else 'FAIL'}", file=self.out)
        if not ok:
            self.failures.append(f"{label} {self.context}")


def check_forward_backward(checker, X, Y, params, hidden):
    """Forward output, cost and every gradient for fixed params."""
    sf_params = samples_first.to_samples_first(params)
    AL_loop, cache_loop = loops.forward(X, params, hidden)
    AL_vec, cache_vec = vectorized.forward(X, params, hidden)
    AL_sf, cache_sf = samples_first.forward(X.T, sf_params, hidden)
    checker.agree("forward AL", AL_loop, AL_vec, AL_sf.T)
    checker.agree("cost", loops.cost(AL_loop, Y), vectorized.cost(AL_vec, Y),
                  samples_first.cost(AL_sf, Y.T))
    grads_loop = loops.backward(AL_loop, Y, params, cache_loop)
    grads_vec = vectorized.backward(AL_vec, Y, params, cache_vec)
    grads_sf = samples_first.to_features_first(
        samples_first.backward(AL_sf, Y.T, sf_params, cache_sf))
    for name in sorted(grads_loop, key=layer_order):
        checker.agree(f"backward {name}", grads_loop[name], grads_vec[name], grads_sf[name])


def check_training(checker, X, Y, layer_dims, hidden, epochs, batch_size):
    """Costs per epoch and final weights after the same training run."""
    schedule = "full batch" if batch_size is None else f"batch_size={batch_size}"
    kwargs = dict(batch_size=batch_size, seed=0, hidden=hidden)
    params_loop, costs_loop = loops.train(X, Y, layer_dims, epochs, TRAIN_LR, **kwargs)
    params_vec, costs_vec = vectorized.train(X, Y, layer_dims, epochs, TRAIN_LR, **kwargs)
    params_sf, costs_sf = samples_first.train(X.T, Y.T, layer_dims, epochs, TRAIN_LR, **kwargs)
    params_sf = samples_first.to_features_first(params_sf)
    label = f"train {epochs} ep, {schedule}:"
    checker.agree(f"{label} costs", costs_loop, costs_vec, costs_sf)
    for name in sorted(params_loop, key=layer_order):
        checker.agree(f"{label} {name}", params_loop[name], params_vec[name], params_sf[name])


def numerical_gradient(X, Y, params, name, hidden):
    """Central differences of the vectorized cost with respect to one parameter array."""
    value = params[name]
    numeric = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        original = value[index]
        value[index] = original + GRADIENT_CHECK_STEP
        cost_plus = vectorized.cost(vectorized.forward(X, params, hidden)[0], Y)
        value[index] = original - GRADIENT_CHECK_STEP
        cost_minus = vectorized.cost(vectorized.forward(X, params, hidden)[0], Y)
        value[index] = original
        numeric[index] = (cost_plus - cost_minus) / (2 * GRADIENT_CHECK_STEP)
    return numeric


def gradient_error(analytic, numeric):
    """``|a - n| / (|a| + |n|)``, the usual relative error of a gradient check."""
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def check_gradients(checker, X, Y, params, hidden):
    """Vectorized backward against central differences, per array and overall."""
    params = {name: value.copy() for name, value in params.items()}
    AL, cache = vectorized.forward(X, params, hidden)
    grads = vectorized.backward(AL, Y, params, cache)
    analytic_all, numeric_all = [], []
    print(f"  {'gradient check (vectorized)':<34}{'':>12}  {'rel. error':>13}"
          "  (against central differences of cost)", file=checker.out)
    for name in sorted(params, key=layer_order):
        numeric = numerical_gradient(X, Y, params, name, hidden)
        analytic = grads["d" + name]
        checker.gradient(f"gradient check d{name}", gradient_error(analytic, numeric))
        analytic_all.append(analytic.ravel())
        numeric_all.append(numeric.ravel())
    overall = gradient_error(np.concatenate(analytic_all), np.concatenate(numeric_all))
    checker.gradient("gradient check, all parameters", overall)


def layer_order(name):
    """Sort ``W1, b1, W2, ...`` (and ``dW1, db1, ...``) by layer, weights first."""
    bare = name.lstrip("d")
    return int(bare[1:]), bare[0]


def check(out=None, epochs=TRAIN_EPOCHS):
    """Run every comparison; return 0 if all agree, 1 otherwise."""
    out = sys.stdout if out is None else out
    checker = Checker(out)
    print(f"reference_net check: loop twin vs vectorized and samples-first "
          f"(agreement <= {AGREEMENT_TOLERANCE:g}, gradient check <= {GRADIENT_CHECK_TOLERANCE:g})",
          file=out)
    for layer_dims, m in CONFIGS:
        X, Y = make_data(layer_dims[0], layer_dims[-1], m)
        params = random_params(layer_dims)
        for hidden in HIDDENS:
            checker.context = f"[layer_dims={layer_dims}, m={m}, hidden={hidden}]"
            print(f"\n{checker.context}", file=out)
            print(f"  {'quantity':<34}{'vectorized':>12}  {'samples-first':>13}"
                  "  (relative difference to the loop twin)", file=out)
            check_forward_backward(checker, X, Y, params, hidden)
            check_training(checker, X, Y, layer_dims, hidden, epochs, None)
            check_training(checker, X, Y, layer_dims, hidden, epochs, MINI_BATCH_SIZE)
            check_gradients(checker, X, Y, params, hidden)
    print(file=out)
    if checker.failures:
        print(f"check FAILED: {len(checker.failures)} of {checker.count} comparisons "
              f"out of tolerance: {', '.join(checker.failures)}", file=out)
        return 1
    print(f"check passed: {checker.count} comparisons; largest relative difference "
          f"{checker.worst_agreement:.1e}, largest gradient-check error "
          f"{checker.worst_gradient_check:.1e}", file=out)
    return 0
