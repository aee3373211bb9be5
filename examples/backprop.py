import numpy as np


def update(W, b, dZ, A_prev, lr):
    # W: (n_l, n_prev), b: (n_l, 1), dZ: (n_l, m), A_prev: (n_prev, m)
    m = A_prev.shape[1]
    dW = (1 / m) * dZ @ A_prev
    db = (1 / m) * np.sum(dZ, axis=1)
    W -= lr * dW
    b -= lr * db
    return W, b
