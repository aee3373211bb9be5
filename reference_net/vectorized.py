"""Vectorized L-layer network, features-first layout.

Every example is a column: ``X: (n_x, m)``, ``W[l]: (n_l, n_prev)``,
``b[l]: (n_l, 1)``. Hidden layers use tanh or ReLU, the output layer a
sigmoid, and the cost is binary cross-entropy. Each step works on all m
examples at once with matrix operations; ``loops.py`` computes the same
numbers one example and one unit at a time.

This file is a teaching artefact and a lint fixture: shapes are written as
trailing comments on assignments and checked by asserts.
"""
import numpy as np

EPSILON = 1e-15  # keeps log() finite when a prediction saturates at 0 or 1
HIDDEN_ACTIVATIONS = ("tanh", "relu")


def init_params(layer_dims, seed=0):
    """Small random weights and zero biases for ``layer_dims = [n_x, ..., n_y]``.

    ``RandomState(seed).randn`` draws the same numbers as the classic
    ``np.random.seed(seed); np.random.randn(...)`` without touching the
    global generator, so course-style code with the same seed gets the same
    weights.
    """
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n_prev = layer_dims[l - 1]
        n_l = layer_dims[l]
        params[f"W{l}"] = rng.randn(n_l, n_prev) * 0.01  # (n_l, n_prev)
        params[f"b{l}"] = np.zeros((n_l, 1))  # (n_l, 1)
    return params


def sigmoid(Z):
    """Output activation: a probability per unit and example."""
    return 1 / (1 + np.exp(-Z))


def hidden_activation(Z, hidden):
    """tanh or ReLU, applied elementwise."""
    if hidden == "tanh":
        return np.tanh(Z)
    if hidden == "relu":
        return np.maximum(Z, 0)
    raise ValueError(f"hidden must be one of {HIDDEN_ACTIVATIONS}, got {hidden!r}")


def hidden_derivative(Z, A, hidden):
    """g'(Z) for the hidden activation; tanh reuses its output A."""
    if hidden == "tanh":
        return 1 - A**2
    if hidden == "relu":
        return (Z > 0).astype(Z.dtype)
    raise ValueError(f"hidden must be one of {HIDDEN_ACTIVATIONS}, got {hidden!r}")


def forward(X, params, hidden="tanh"):
    """Run all m examples through the network.

    Returns the output activations ``AL: (n_y, m)`` and a cache holding
    every ``Z[l]`` and ``A[l]`` (and the hidden activation) for backward.
    """
    n_x, m = X.shape
    L = len(params) // 2
    cache = {"A0": X, "hidden": hidden}
    A = X  # (n_x, m)
    for l in range(1, L + 1):
        A_prev = A  # (n_prev, m)
        W = params[f"W{l}"]  # (n_l, n_prev)
        b = params[f"b{l}"]  # (n_l, 1)
        n_l, n_prev = W.shape
        assert A_prev.shape == (n_prev, m)
        assert b.shape == (n_l, 1)
        Z = W @ A_prev + b  # (n_l, m)
        if l == L:
            A = sigmoid(Z)  # (n_l, m)
        else:
            A = hidden_activation(Z, hidden)  # (n_l, m)
        assert Z.shape == (n_l, m)
        cache[f"Z{l}"] = Z
        cache[f"A{l}"] = A
    return A, cache


def cost(AL, Y):
    """Binary cross-entropy averaged over the m examples."""
    n_y, m = Y.shape
    assert AL.shape == (n_y, m)
    AL_safe = np.clip(AL, EPSILON, 1 - EPSILON)  # (n_y, m)
    log_likelihood = Y * np.log(AL_safe) + (1 - Y) * np.log(1 - AL_safe)  # (n_y, m)
    return float(-np.sum(log_likelihood) / m)


def backward(AL, Y, params, cache):
    """Gradients of the cost for every weight and bias.

    With a sigmoid output and cross-entropy cost, ``dZ[L] = A[L] - Y``;
    each earlier ``dZ`` goes back through ``W.T`` and the hidden g'.
    """
    n_y, m = AL.shape
    assert Y.shape == (n_y, m)
    L = len(params) // 2
    hidden = cache["hidden"]
    grads = {}
    dZ = AL - Y  # (n_y, m)
    for l in range(L, 0, -1):
        A_prev = cache[f"A{l - 1}"]  # (n_prev, m)
        W = params[f"W{l}"]  # (n_l, n_prev)
        n_l, n_prev = W.shape
        assert dZ.shape == (n_l, m)
        dW = (1 / m) * (dZ @ A_prev.T)  # (n_l, n_prev)
        db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)  # (n_l, 1)
        assert dW.shape == W.shape
        assert db.shape == (n_l, 1)
        grads[f"dW{l}"] = dW
        grads[f"db{l}"] = db
        if l > 1:
            dA_prev = W.T @ dZ  # (n_prev, m)
            g_prime = hidden_derivative(cache[f"Z{l - 1}"], A_prev, hidden)  # (n_prev, m)
            dZ = dA_prev * g_prime  # (n_prev, m)
    return grads


def update_params(params, grads, lr):
    """One gradient-descent step, in place."""
    L = len(params) // 2
    for l in range(1, L + 1):
        params[f"W{l}"] -= lr * grads[f"dW{l}"]
        params[f"b{l}"] -= lr * grads[f"db{l}"]
    return params


def train(X, Y, layer_dims, epochs, lr, batch_size=None, seed=0, hidden="tanh"):
    """Gradient descent, full batch or in mini-batches taken in order.

    The epoch loop stays a loop: each epoch needs the weights of the one
    before. Batches are not shuffled so that both twins see the same data.
    Returns the trained params and one cost per epoch: the cost of each
    batch before its update, weighted by the batch size.
    """
    n_x, m = X.shape
    n_y = Y.shape[0]
    assert Y.shape == (n_y, m)
    assert layer_dims[0] == n_x and layer_dims[-1] == n_y
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
