from __future__ import annotations

from ..domain import ops
from ..domain.dims import dim_eq, known_to_differ
from ..domain.shapes import shapes_same
from ..infer.values import from_docstring
from ..infer.events import Matmul
from ._fixes import SAFE, UNSAFE, fix, transposed
from .base import Report, Rule


class MissingTranspose(Rule):
    """## What it does
    Checks for matrix products whose inner dimensions differ where transposing
    one operand makes them line up exactly.

    ## Why is this bad?
    `dZ @ A_prev` with `dZ: (n_l, m)` and `A_prev: (n_prev, m)` raises (or, for
    square shapes, silently computes the wrong product). The gradient needs
    `A_prev.T`.

    ## Example
    ```python
    import numpy as np
    def grad(n_l, n_prev, m):
        dZ = np.random.randn(n_l, m)
        A_prev = np.random.randn(n_prev, m)
        return dZ @ A_prev
    ```

    ## Use instead
    ```python
    import numpy as np
    def grad(n_l, n_prev, m):
        dZ = np.random.randn(n_l, m)
        A_prev = np.random.randn(n_prev, m)
        return dZ @ A_prev.T
    ```

    When both operands could be transposed, the `layout` and `sample-dims`
    settings order the suggestions: the product that sums over the samples
    comes first.

    ## Fix safety
    Unsafe when both operands could be transposed: only the author knows which.
    """

    code = "SL004"
    name = "missing-transpose"
    priority = 30
    fixable = True

    def on_matmul(self, event: Matmul, ctx):
        a, b = event.left.shape, event.right.shape
        if a.rank not in (1, 2) or b.rank not in (1, 2) or a.rank + b.rank < 3:
            return ()
        inner_a, inner_b = a.dims[-1], b.dims[0]
        if not known_to_differ(inner_a, inner_b) or not ctx.raise_proven(event):
            return ()
        if shapes_same(a, b) and documented_only(event.left, event.right):
            return ()  # two parameters documented alike, multiplied: the docs describe rows, or square input
        left, right = ctx.code(event.left_node), ctx.code(event.right_node)
        options = []
        if a.rank == 2 and dim_eq(a.dims[0], b.dims[0]) is True:
            options.append((_product(event, _t(left), right), ops.matmul(ops.transpose(a), b), event.left_node))
        if b.rank == 2 and dim_eq(a.dims[-1], b.dims[1]) is True:
            options.append((_product(event, left, _t(right)), ops.matmul(a, ops.transpose(b)), event.right_node))
        if not options:
            return ()
        options.sort(key=lambda option: layout_preference(option[1], ctx.hints))
        raises = "NumPy raises ValueError" if event.error else f"NumPy raises ValueError unless {inner_a} == {inner_b}"
        fixes = " or ".join(f"`{code}` gives {shape}" for code, shape, _ in options)
        message = (
            f"`{ctx.code(event.node)}`: inner dimensions differ: `{left}` is {a} and `{right}` is {b} "
            f"({inner_a} vs {inner_b}); {raises}; {fixes}"
        )
        operand = options[0][2]
        title = f"Transpose `{ctx.code(operand)}`"
        applicability = SAFE if len(options) == 1 else UNSAFE
        return (Report(event.node, message, fix(title, applicability, (operand, transposed(ctx, operand)))),)


def documented_only(*arrays) -> bool:
    """Do these shapes come from docstrings, which say what a function accepts (loosely)?"""
    return all(
        any(from_docstring(source) for source in array.basis)
        for array in arrays
    )


def layout_preference(result, hints) -> tuple[int, int]:
    """When both transposes line up, the configured layout decides which comes first: a product
    that sums over the samples (fewest sample dims left) and keeps them where the layout puts them."""
    samples = set(hints.sample_dims)
    names = [str(d) for d in result.dims]
    count = sum(name in samples for name in names)
    if hints.layout == "features-first":
        misplaced = sum(name in samples for name in names[:-1])
    elif hints.layout == "samples-first":
        misplaced = sum(name in samples for name in names[1:])
    else:
        misplaced = 0
    return count, misplaced


def _t(code: str) -> str:
    """``A`` -> ``A.T``; ``W.T`` -> ``W`` (the transpose was the mistake)."""
    if code.endswith(".T"):
        return code[:-2]
    simple = code.replace("_", "").replace(".", "").isalnum()
    return f"{code}.T" if simple else f"({code}).T"


def _product(event: Matmul, left: str, right: str) -> str:
    return f"{left} @ {right}" if event.func == "@" else f"{event.func}({left}, {right})"
