"""The vectorized network in the samples-first (PyTorch-style) layout.

Every example is a row: ``X: (B, n_x)``, ``W[l]: (n_l, n_prev)`` (as in
PyTorch's ``Linear``), ``b[l]: (n_l,)`` rank-1, ``Z = A_prev @ W.T + b``,
``db = dZ.sum(axis=0)``. A rank-1 bias is correct here: it broadcasts as a
row across the B examples. Same math as ``vectorized.py``; the converters
below move params and grads between the two layouts so that both can be
checked against the loop twin on transposed data.
"""
import numpy as np

from reference_net import vectorized

EPSILON = vectorized.EPSILON


def is_bias(name):
    """``b3`` and ``db3`` are biases; ``W3`` and ``dW3`` are weights."""
    return name.lstrip("d").startswith("b")


def to_samples_first(arrays):
    """Params or grads from features-first: biases ``(n_l, 1) -> (n_l,)``."""
    converted = {}
    for name, value in arrays.items():
        converted[name] = value[:, 0].copy() if is_bias(name) else value.copy()
    return converted


def to_features_first(arrays):
    """Params or grads from samples-first: biases ``(n_l,) -> (n_l, 1)``."""
    converted = {}
    for name, value in arrays.items():
        converted[name] = value[:, np.newaxis].copy() if is_bias(name) else value.copy()
    return converted


def init_params(layer_dims, seed=0):
    """The features-first initial params (same seed, same numbers), converted."""
    return to_samples_first(vectorized.init_params(layer_dims, seed))


def forward(X, params, hidden="tanh"):
    """All B examples at once; returns ``AL: (B, n_y)`` and the cache."""
    B, n_x = X.shape
    L = len(params) // 2
    cache = {"A0": X, "hidden": hidden}
    A = X  # (B, n_x)
    for l in range(1, L + 1):
        A_prev = A  # (B, n_prev)
        W = params[f"W{l}"]  # (n_l, n_prev)
        b = params[f"b{l}"]  # (n_l,)
        n_l, n_prev = W.shape
        assert A_prev.shape == (B, n_prev)
        assert b.shape == (n_l,)
        Z = A_prev @ W.T + b  # (B, n_l)
        if l == L:
            A = vectorized.sigmoid(Z)  # (B, n_l)
        else:
            A = vectorized.hidden_activation(Z, hidden)  # (B, n_l)
        cache[f"Z{l}"] = Z
        cache[f"A{l}"] = A
    return A, cache


def cost(AL, Y):
    """Binary cross-entropy averaged over the B examples (rows)."""
    B, n_y = Y.shape
    assert AL.shape == (B, n_y)
    AL_safe = np.clip(AL, EPSILON, 1 - EPSILON)  # (B, n_y)
    log_likelihood = Y * np.log(AL_safe) + (1 - Y) * np.log(1 - AL_safe)  # (B, n_y)
    return float(-np.sum(log_likelihood) / B)


def backward(AL, Y, params, cache):
    """Gradients with rows as examples: ``dW = dZ.T @ A_prev / B``, ``db = dZ.sum(axis=0) / B``."""
    B, n_y = AL.shape
    assert Y.shape == (B, n_y)
    L = len(params) // 2
    hidden = cache["hidden"]
    grads = {}
    dZ = AL - Y  # (B, n_y)
    for l in range(L, 0, -1):
        A_prev = cache[f"A{l - 1}"]  # (B, n_prev)
        W = params[f"W{l}"]  # (n_l, n_prev)
        n_l, n_prev = W.shape
        dW = (1 / B) * (dZ.T @ A_prev)  # (n_l, n_prev)
        db = (1 / B) * dZ.sum(axis=0)  # (n_l,)
        assert db.shape == (n_l,)
        grads[f"dW{l}"] = dW
        grads[f"db{l}"] = db
        if l > 1:
            dA_prev = dZ @ W  # (B, n_prev)
            g_prime = vectorized.hidden_derivative(cache[f"Z{l - 1}"], A_prev, hidden)  # (B, n_prev)
            dZ = dA_prev * g_prime  # (B, n_prev)
    return grads


def train(X, Y, layer_dims, epochs, lr, batch_size=None, seed=0, hidden="tanh"):
    """Same schedule as ``vectorized.train`` with batches of rows."""
    B_total, n_x = X.shape
    if batch_size is None:
        batch_size = B_total
    params = init_params(layer_dims, seed)
    costs = []
    for epoch in range(epochs):
        epoch_cost = 0.0
        for start in range(0, B_total, batch_size):
            X_batch = X[start:start + batch_size]  # (B, n_x)
            Y_batch = Y[start:start + batch_size]  # (B, n_y)
            n_batch = X_batch.shape[0]
            AL, cache = forward(X_batch, params, hidden)
            epoch_cost += cost(AL, Y_batch) * n_batch
            grads = backward(AL, Y_batch, params, cache)
            for name in params:
                params[name] -= lr * grads["d" + name]
        costs.append(epoch_cost / B_total)
    return params, costs
