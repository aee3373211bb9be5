from __future__ import annotations

from ..infer.events import Elementwise
import libcst as cst

from ..domain.dims import ONE, Dim, dim_eq
from ..numpy_model import properties
from ..domain.ops import stretched_axes
from ._fixes import UNSAFE, as_column, column_of, fix, operand
from .base import Report, Rule


class SilentBroadcastExpansion(Rule):
    """## What it does
    Checks for elementwise operations between a rank-1 and a 2-D operand whose
    result is larger than both, stretched along different axes, with nothing
    (`None`, `np.newaxis`, `reshape`, `expand_dims`) showing it is meant.

    ## Why is this bad?
    `(B, 1) - (B,)` is `(B, B)`, not `(B, 1)`: an MSE over it averages B*B
    differences and is silently wrong. NumPy raises nothing.

    ## Example
    ```python
    import numpy as np
    from jaxtyping import Float

    def mse(pred: Float[np.ndarray, "B 1"], y: Float[np.ndarray, "B"]):
        return np.mean((pred - y) ** 2)
    ```

    ## Use instead
    ```python
    import numpy as np
    from jaxtyping import Float

    def mse(pred: Float[np.ndarray, "B 1"], y: Float[np.ndarray, "B"]):
        return np.mean((pred - y.reshape(-1, 1)) ** 2)
    ```

    ## Fix safety
    Reshaping one operand changes the result's shape; unsafe.
    """

    code = "SL005"
    name = "silent-broadcast-expansion"
    priority = 50
    fixable = True

    def on_elementwise(self, event: Elementwise, ctx):
        a, b, result = event.left, event.right, event.result
        if result is None or a.explicit or b.explicit or {a.shape.rank, b.shape.rank} != {1, 2}:
            return ()
        stretched_a, stretched_b = stretched_axes(a.shape, result), stretched_axes(b.shape, result)
        if not stretched_a or not stretched_b or set(stretched_a) == set(stretched_b):
            return ()
        left, right = ctx.code(event.left_node), ctx.code(event.right_node)
        vector, vector_code, vector_node = (a, left, event.left_node) if a.shape.rank == 1 else (b, right, event.right_node)
        column = b if vector is a else a
        n = vector.shape.dims[0]
        if not (dim_eq(n, column.shape.dims[0]) is True or symbolic_mismatch(n, column.shape.dims[0], vector)):
            return ()  # (4, 1) against (7,), or a grid from arange/linspace/a literal: a deliberate outer broadcast
        if vector.made_at is not None and not ctx.first_report_of(("rank-1", vector.made_at), event.node):
            return ()  # this rank-1 array was reported where it first went wrong
        message = (
            f"`{ctx.code(event.node)}` broadcasts `{left}` {a.shape} and `{right}` {b.shape} to {result}, "
            f"larger than both: NumPy treats rank-1 `{vector_code}` as a row (1, {n}) and stretches each operand "
            f"along a different axis, silently; if `{vector_code}` is a column, write `{column_of(vector_code, vector_node)}` "
            f"({n}, 1); if the expansion is meant, write it out with `{operand(vector_code, vector_node)}[None, :]`"
        )
        return (Report(event.node, message, self.fix(event, vector, ctx)),)

    def fix(self, event, vector, ctx):
        """``pred (B, 1) - y (B,)``: the column is clear when the other operand is ``(n, 1)`` with the same n."""
        other = event.right if vector is event.left else event.left
        vector_node = event.left_node if vector is event.left else event.right_node
        p, q = other.shape.dims
        if dim_eq(q, ONE) is not True or dim_eq(p, vector.shape.dims[0]) is not True:
            return None
        return fix(f"Reshape `{ctx.code(vector_node)}` to a column", UNSAFE, (vector_node, as_column(ctx, vector_node)))


GRID_MAKERS = properties.named("grid")


def symbolic_mismatch(n, p, vector) -> bool:
    """``(m,)`` against ``(n_l, 1)``: sizes named apart, and the vector is not a grid made to be swept."""
    if not (isinstance(n, Dim) and isinstance(p, Dim) and n.symbols and p.symbols and n != p):
        return False
    made = vector.made_at
    if isinstance(made, cst.Call):
        func = made.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        return name not in GRID_MAKERS
    return True
