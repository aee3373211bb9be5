from __future__ import annotations

from ..domain import ops
from ..domain.shapes import shapes_eq
from ..infer.events import Elementwise, Failure, Inplace, Matmul
from .base import Report, Rule


class ShapeMismatch(Rule):
    """## What it does
    Checks for operations that raise for every size the symbols could take:
    constant sizes that cannot broadcast, matrix products whose inner sizes
    differ with no transpose that helps, reshapes to another size, joins of
    mismatched arrays, too many indices, axes out of bounds.

    ## Why is this bad?
    The code cannot run; NumPy raises ValueError (or IndexError/AxisError).

    ## Example
    ```python
    import numpy as np
    total = np.ones((3, 4)) + np.ones((3, 5))
    ```

    ## Use instead
    ```python
    import numpy as np
    total = np.ones((3, 4)) + np.ones((3, 4))
    ```

    ## Fix safety
    There is no automatic fix: the intended shape is unknown.
    """

    code = "SL007"
    name = "shape-mismatch"
    priority = 90

    def check(self, event, ctx):
        """Every verdict here says NumPy raises: it needs shapes from the code or declarations, never a guess."""
        if not ctx.raise_proven(event):
            return ()
        return super().check(event, ctx)

    def on_elementwise(self, event: Elementwise, ctx):
        if event.error is None:
            return ()
        message = (
            f"`{ctx.code(event.node)}`: `{ctx.code(event.left_node)}` {event.left.shape} and "
            f"`{ctx.code(event.right_node)}` {event.right.shape} cannot broadcast; NumPy raises ValueError"
        )
        return (Report(event.node, message),)

    def on_inplace(self, event: Inplace, ctx):
        if event.error is None and not (event.result is not None and shapes_eq(event.result, event.target.shape) is False):
            return ()
        message = (
            f"`{ctx.code(event.node)}`: `{ctx.code(event.value_node)}` {event.value.shape} cannot broadcast "
            f"into `{ctx.code(event.target_node)}` {event.target.shape}; NumPy raises ValueError"
        )
        return (Report(event.node, message),)

    def on_matmul(self, event: Matmul, ctx):
        if event.error is None:
            return ()
        left, right = event.left.shape, event.right.shape
        inner = ops.inner_dims(left, right)
        why = f"the inner dimensions {inner[0]} and {inner[1]} differ" if inner else event.error
        message = (
            f"`{ctx.code(event.node)}`: `{ctx.code(event.left_node)}` {left} and "
            f"`{ctx.code(event.right_node)}` {right}: {why}; NumPy raises ValueError"
        )
        return (Report(event.node, message),)

    def on_failure(self, event: Failure, ctx):
        return (Report(event.node, f"`{ctx.code(event.node)}`: {event.error}; NumPy raises"),)

