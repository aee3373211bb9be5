"""What NumPy functions and methods do to shapes, keyed by qualified or method name."""
from . import creation, elementwise, linalg, manipulation, random, reductions  # noqa: F401
