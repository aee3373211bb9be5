"""Small sources several test modules lint."""

# One SL002: ``np.sum(dZ, axis=1)`` is (n_h,) and meets the column ``b`` (n_h, 1).
MISSING_KEEPDIMS = """import numpy as np


def step(n_h, m, lr):
    dZ = np.random.randn(n_h, m)
    b = np.zeros((n_h, 1))
    db = np.sum(dZ, axis=1)
    return b - lr * db
"""
