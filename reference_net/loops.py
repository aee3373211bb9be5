"""Loop twin of ``vectorized.py``: the same network, one example and one unit at a time.

Same API and layout (``X: (n_x, m)``, ``W[l]: (n_l, n_prev)``,
``b[l]: (n_l, 1)``). Each example is a column slice ``X[:, i:i+1]``; each
unit gets its own dot product; gradients are summed example by example and
averaged by ``1/m``. It exists to show what vectorization replaces (and
what it costs), and as the reference that ``shapelint verify`` compares
a user's network against.

Loops over examples and units are marked ``# expect: SL006`` (a loop that
does the work of one matrix operation), once per nest at its outermost loop:
the per-unit loops inside the per-example loops go with them. The epoch loop,
the mini-batch loop and the loops over layers are inherently sequential and
carry no marker.
"""
import math

import numpy as np

EPSILON = 1e-15  # same clipping as vectorized.cost
HIDDEN_ACTIVATIONS = ("tanh", "relu")


def init_params(layer_dims, seed=0):
    """Identical to ``vectorized.init_params``: same seed, same numbers."""
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev = layer_dims[l - 1]
        n_l = layer_dims[l]
        params[f"W{l}"] = rng.randn(n_l, n_prev) * 0.01  # (n_l, n_prev)
        params[f"b{l}"] = np.zeros((n_l, 1))  # (n_l, 1)
    return params


def sigmoid(z):
    """Sigmoid of one number (math.exp(-z) would overflow below z = -709)."""
    if z < -700:
        return math.exp(z)
    return 1 / (1 + math.exp(-z))


def hidden_activation(z, hidden):
    """tanh or ReLU of one number."""
    if hidden == "tanh":
        return math.tanh(z)
    if hidden == "relu":
        return max(z, 0.0)
    raise ValueError(f"hidden must be one of {HIDDEN_ACTIVATIONS}, got {hidden!r}")


def hidden_derivative(z, a, hidden):
    """g'(z) of one number; tanh reuses its output a."""
    if hidden == "tanh":
        return 1 - a * a
    if hidden == "relu":
        return 1.0 if z > 0 else 0.0
    raise ValueError(f"hidden must be one of {HIDDEN_ACTIVATIONS}, got {hidden!r}")


def forward(X, params, hidden="tanh"):
    """Run each example through the network separately, unit by unit.

    Returns ``AL: (n_y, m)`` and a cache of every ``Z[l]``, ``A[l]`` filled
    in one column (one example) at a time.
    """
    n_x, m = X.shape
    L = len(params) // 2
    cache = {"A0": X, "hidden": hidden}
    for l in range(1, L + 1):
        n_l = params[f"W{l}"].shape[0]
        cache[f"Z{l}"] = np.zeros((n_l, m))  # (n_l, m)
        cache[f"A{l}"] = np.zeros((n_l, m))  # (n_l, m)
    for i in range(m):  # expect: SL006
        a_prev = X[:, i:i + 1]  # (n_x, 1)
        for l in range(1, L + 1):
            W = params[f"W{l}"]  # (n_l, n_prev)
            b = params[f"b{l}"]  # (n_l, 1)
            Z = cache[f"Z{l}"]  # (n_l, m)
            A = cache[f"A{l}"]  # (n_l, m)
            n_l = W.shape[0]
            for j in range(n_l):
                z = (W[j:j + 1, :] @ a_prev).item() + b[j, 0]
                Z[j, i] = z
                A[j, i] = sigmoid(z) if l == L else hidden_activation(z, hidden)
            a_prev = A[:, i:i + 1]  # (n_l, 1)
    return cache[f"A{L}"], cache


def cost(AL, Y):
    """Binary cross-entropy, summed one example and one output at a time."""
    n_y, m = Y.shape
    total = 0.0
    for i in range(m):  # expect: SL006
        for j in range(n_y):
            a = min(max(AL[j, i], EPSILON), 1 - EPSILON)
            y = Y[j, i]
            total += y * math.log(a) + (1 - y) * math.log(1 - a)
    return float(-total / m)


def backward(AL, Y, params, cache):
    """Gradients summed over examples one at a time, then averaged by 1/m."""
    n_y, m = AL.shape
    L = len(params) // 2
    hidden = cache["hidden"]
    grad_sums = {}
    for l in range(1, L + 1):
        grad_sums[f"dW{l}"] = np.zeros_like(params[f"W{l}"])  # (n_l, n_prev)
        grad_sums[f"db{l}"] = np.zeros_like(params[f"b{l}"])  # (n_l, 1)
    for i in range(m):  # expect: SL006
        dz = AL[:, i:i + 1] - Y[:, i:i + 1]  # (n_y, 1)
        for l in range(L, 0, -1):
            a_prev = cache[f"A{l - 1}"][:, i:i + 1]  # (n_prev, 1)
            W = params[f"W{l}"]  # (n_l, n_prev)
            dW_sum = grad_sums[f"dW{l}"]  # (n_l, n_prev)
            db_sum = grad_sums[f"db{l}"]  # (n_l, 1)
            n_l, n_prev = W.shape
            for j in range(n_l):
                dW_sum[j:j + 1, :] += dz[j, 0] * a_prev.T
                db_sum[j, 0] += dz[j, 0]
            if l > 1:
                dz = backprop_one_example(W, dz, cache, l - 1, i, hidden)  # (n_prev, 1)
    grads = {}
    for name, total in grad_sums.items():
        grads[name] = (1 / m) * total
    return grads


def backprop_one_example(W, dz, cache, l_prev, i, hidden):
    """``dZ[l-1]`` for example i, one unit of layer l-1 at a time."""
    n_l, n_prev = W.shape
    Z_prev = cache[f"Z{l_prev}"]  # (n_prev, m)
    A_prev = cache[f"A{l_prev}"]  # (n_prev, m)
    dz_prev = np.zeros((n_prev, 1))  # (n_prev, 1)
    for k in range(n_prev):  # expect: SL006
        da = (W[:, k:k + 1].T @ dz).item()
        dz_prev[k, 0] = da * hidden_derivative(Z_prev[k, i], A_prev[k, i], hidden)
    return dz_prev


def update_params(params, grads, lr):
    """One gradient-descent step, in place (per layer, not per example)."""
    L = len(params) // 2
    for l in range(1, L + 1):
        params[f"W{l}"] -= lr * grads[f"dW{l}"]
        params[f"b{l}"] -= lr * grads[f"db{l}"]
    return params


def train(X, Y, layer_dims, epochs, lr, batch_size=None, seed=0, hidden="tanh"):
    """Same schedule as ``vectorized.train``: in-order batches, one cost per epoch."""
    n_x, m = X.shape
    if batch_size is None:
        batch_size = m
    params = init_params(layer_dims, seed)
    costs = []
    for epoch in range(epochs):
        epoch_cost = 0.0
        for start in range(0, m, batch_size):
            X_batch = X[:, start:start + batch_size]  # (n_x, B)
            Y_batch = Y[:, start:start + batch_size]  # (n_y, B)
            n_batch = X_batch.shape[1]
            AL, cache = forward(X_batch, params, hidden)
            epoch_cost += cost(AL, Y_batch) * n_batch
            grads = backward(AL, Y_batch, params, cache)
            update_params(params, grads, lr)
        costs.append(epoch_cost / m)
    return params, costs
