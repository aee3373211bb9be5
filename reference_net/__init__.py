"""Reference network for shapelint: one L-layer network written three ways.

- ``vectorized``: features-first matrix code (``X: (n_x, m)``), the teaching artefact.
- ``loops``: the loop twin, one example and one unit at a time, same numbers.
- ``samples_first``: the PyTorch-style layout (``X: (B, n_x)``, rank-1 biases).

``python -m reference_net check`` shows that they agree; ``python -m
reference_net bench`` measures what vectorization buys.
"""
