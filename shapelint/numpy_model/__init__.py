"""What NumPy functions and methods do to shapes, keyed by qualified or method name."""
from . import creation, elementwise, joining, linalg, manipulation, random, reductions, searching  # noqa: F401
