from __future__ import annotations

import libcst as cst

from ..cst_walk import last_name
from ..domain.dims import dim_eq, is_one, known_to_differ
from ..infer.events import Declared, Elementwise, Inplace, Matmul, Transpose
from ..numpy_model import properties
from ._explain import outcome
from ._fixes import SAFE, UNSAFE, column_maker, column_of, fix, operand
from .base import Report, Rule


class Rank1Array(Rule):
    """## What it does
    Checks for rank-1 arrays `(n,)` used where a row or a column is meant: `.T`
    on a rank-1 array, `a @ a.T`, or a rank-1 array made in the code meeting a
    2-D operand along the wrong axis.

    ## Why is this bad?
    A rank-1 array is neither a row nor a column. `.T` does nothing to it,
    `a @ a.T` is a scalar dot product, and broadcasting lines it up with the
    *last* axis: `W @ x + b` with `x: (3,)` and `b: (4, 1)` is `(4, 4)`.

    ## Example
    ```python
    import numpy as np
    def forward(n_x, n_h):
        x = np.random.randn(n_x)
        W = np.random.randn(n_h, n_x)
        b = np.zeros((n_h, 1))
        return W @ x + b
    ```

    ## Use instead
    ```python
    import numpy as np
    def forward(n_x, n_h):
        x = np.random.randn(n_x, 1)
        W = np.random.randn(n_h, n_x)
        b = np.zeros((n_h, 1))
        return W @ x + b
    ```

    ## Fix safety
    Making the array 2-D changes the rank of everything computed from it; unsafe.
    """

    code = "SL001"
    name = "rank-1-array"
    priority = 40
    fixable = True

    def on_transpose(self, event: Transpose, ctx):
        if deliberately_flat(event.operand.made_at) or event.operand.loose:
            return ()  # np.array([1, 2, 3]).T, X.ravel().T: the author knows it is flat; the .T is only redundant
        operand = ctx.code(event.operand_node)
        n = event.operand.shape.dims[0]
        parent = ctx.parent(event.node)
        if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.MatrixMultiply):
            if parent.right is event.node and parent.left.deep_equals(event.operand_node):
                message = (
                    f"`{ctx.code(parent)}` with rank-1 `{operand}` {event.operand.shape}"
                    f"{made_where(ctx, event.operand, operand)} is a scalar dot product, not an ({n}, {n}) "
                    f"outer product: `.T` does nothing to a rank-1 array; use `np.outer({operand}, {operand})` "
                    f"or make `{operand}` a column ({n}, 1)"
                )
                return (Report(parent, message, origin_fix(ctx, event.operand)),)
        if event.operand.made_at is not None and not ctx.first_report_of(("rank-1", event.operand.made_at), event.node):
            return ()  # the same rank-1 array is reported where it first went wrong
        nothing = (f"`{ctx.code(event.node)}` does nothing: `{operand}` is rank-1 {event.operand.shape}"
                   f"{made_where(ctx, event.operand, operand)} and has no second axis to swap")
        taker = _taken_as_column(event.node, ctx)
        if taker is not None:  # ``np.c_[x, np.ones(n).T * z]``: a column there already; a 2-D one would break it
            message = f"{nothing}; `{taker}` takes a rank-1 array as a column already: use `{operand}` itself"
            return (Report(event.node, message, fix(f"Use `{operand}`", SAFE, (event.node, ctx.render(event.operand_node)))),)
        message = f"{nothing}; make it a column with `{column_of(operand, event.operand_node)}` ({n}, 1) or a row ({suggest_row(n)})"
        return (Report(event.node, message, origin_fix(ctx, event.operand)),)

    def on_elementwise(self, event: Elementwise, ctx):
        return self._meets(event, ctx, ((event.left, event.left_node, event.right, event.right_node), (event.right, event.right_node, event.left, event.left_node)))

    def on_inplace(self, event: Inplace, ctx):
        return self._meets(event, ctx, ((event.value, event.value_node, event.target, event.target_node),))

    def _meets(self, event, ctx, pairs):
        for vector, vector_node, other, other_node in pairs:
            if vector.shape.rank != 1 or other.shape.rank != 2 or other.explicit:
                continue  # a column made on purpose ([:, None], reshape, [[3], [11]]) means an outer broadcast
            n = vector.shape.dims[0]
            p, q = other.shape.dims
            if dim_eq(n, q) is True or dim_eq(n, p) is not True:
                continue
            if vector.made_at is None and is_one(q) is True:
                continue  # (n,) meets (n, 1), made elsewhere: SL005 reports the expansion
            counted = not (is_one(q) is True or known_to_differ(n, q))  # a size read off data: ``len(np.unique(y))``
            if counted:
                happens = (f"NumPy raises ValueError unless that axis has {n} entries (then each value weights "
                           f"the wrong axis) or 1 (then the result expands to ({n}, {n}))")
            else:
                happens = outcome(event.result, event.error, None, (vector.shape, other.shape))
            code = ctx.code(vector_node)
            inherited = vector.inherited if vector.made_at is not None else None
            if vector.made_at is not None and inherited is None:  # the array made there: make it a column there
                how = f"make it a column ({n}, 1){suggest_column(vector.made_at, ctx)}"
                repair, cause = column_fix(ctx, vector.made_at), vector.made_at
            elif inherited is not None and inherited.carries:  # ``X @ w``: a column ``w`` makes it a column
                how = f"{make_origin_column(ctx, vector.made_at, inherited, code)} and `{code}` becomes ({n}, 1)"
                repair, cause = column_fix(ctx, vector.made_at), vector.made_at
            else:  # made where it is not known (a parameter, two paths joined), or from a rank-1 array
                # whose column would not make it one (``w @ X``): a column where it is used
                column = f"{operand(code, vector_node)}[:, None]"
                how = f"make it a column ({n}, 1) with `{column}`"
                repair = fix(f"Use `{column}`", UNSAFE, (vector_node, column))
                cause = vector.made_at if vector.made_at is not None else code
            message = (
                f"`{code}` is rank-1 {vector.shape}{made_where(ctx, vector, code)} and meets "
                f"`{ctx.code(other_node)}` {other.shape} in `{ctx.code(event.node)}`: NumPy lines it up with the "
                f"last axis ({q}), not the first ({p}), so {happens}; {how}"
            )
            if not ctx.first_report_of(("rank-1", cause), event.node):
                return ()  # the same rank-1 array was reported where it first went wrong
            return (Report(event.node, message, repair),)
        return ()

    def on_matmul(self, event: Matmul, ctx):
        return ()

    def on_declared(self, event: Declared, ctx):
        value, declared = event.value, event.declared
        if value.shape.rank != 1 or value.made_at is None or declared.rank != 2 or value.reduction is not None:
            return ()
        n = value.shape.dims[0]
        if not any(dim_eq(n, d) is True for d in declared.dims):
            return ()
        code = ctx.code(event.value_node)
        if value.inherited is None:
            how = f"make it 2-D{suggest_column(value.made_at, ctx)}"
        elif value.inherited.carries:
            how = f"{make_origin_column(ctx, value.made_at, value.inherited, code)} and `{code}` becomes ({n}, 1)"
        else:
            how = f"make it 2-D with `{column_of(code, event.value_node)}`"
        message = (
            f"`{code}` makes a rank-1 array {value.shape}{made_where(ctx, value, code, same=False)} but its "
            f"{event.source} declares {declared}: a rank-1 array broadcasts as a row; {how}"
        )
        if not ctx.first_report_of(("rank-1", value.made_at), event.node):
            return ()
        return (Report(event.node, message, origin_fix(ctx, value)),)


FLAT_MAKERS = properties.named("flat")


def deliberately_flat(made_at) -> bool:
    if isinstance(made_at, cst.Call):
        func = made_at.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        return name in FLAT_MAKERS
    return False


def made_where(ctx, value, code: str, same: bool = True) -> str:
    """Where rank-1 ``value`` (written ``code``) comes from; with ``same=False``, only when it is
    computed from another array (the message already names the expression that made it)."""
    if value.inherited is None and not same:
        return ""
    return ctx.made_where(value.made_at, value.inherited, code)


def make_origin_column(ctx, made_at, inherited, code: str) -> str:
    """``make `w` a column (3, 1) with `np.zeros((3, 1))` ``: the array ``code`` is computed from
    (named by its maker when its name is ``code``'s own: ``x = W @ x``)."""
    name = ctx.origin_name(made_at)
    name = name if name is not None and name != code else ctx.code(made_at)
    k = inherited.shape.dims[0] if inherited.shape.dims else "k"
    return f"make `{name}` a column ({k}, 1){suggest_column(made_at, ctx)}"


def origin_fix(ctx, value):
    """The column fix at the array's maker, unless a column there would not make this one a column."""
    if value.inherited is not None and not value.inherited.carries:
        return None
    return column_fix(ctx, value.made_at)


def column_fix(ctx, made_at):
    column = column_maker(ctx, made_at) if made_at is not None else None
    if column is None:
        return None
    return fix(f"Make `{ctx.code(made_at)}` a column: `{column.code}`", UNSAFE, column.edit)


def suggest_row(n) -> str:
    return f"1, {n}"


def suggest_column(made_at, ctx) -> str:
    """`` with `np.zeros((n, 1))` `` when the maker is a constructor with a bare size, or a column slice."""
    column = column_maker(ctx, made_at) if made_at is not None else None
    return f" with `{column.code}`" if column else " with `.reshape(-1, 1)`"


def _taken_as_column(node: cst.CSTNode, ctx) -> "str | None":
    """``np.c_`` or ``np.column_stack`` when the value of ``node`` goes straight to one of them,
    through elementwise arithmetic at most (``np.c_[x, v.T * z]``, ``np.column_stack((v.T, w))``):
    both take a rank-1 array as a column."""
    parent = ctx.parent(node)
    while isinstance(parent, cst.UnaryOperation) or (
            isinstance(parent, cst.BinaryOperation) and not isinstance(parent.operator, cst.MatrixMultiply)):
        parent = ctx.parent(parent)
    if isinstance(parent, cst.Index):  # np.c_[a, b]: Subscript > SubscriptElement > Index
        element = ctx.parent(parent)
        subscript = ctx.parent(element) if isinstance(element, cst.SubscriptElement) else None
        if isinstance(subscript, cst.Subscript) and last_name(subscript.value) == "c_":
            return "np.c_"
    elif isinstance(parent, cst.Element):  # np.column_stack((a, b)): Call > Arg > Tuple/List > Element
        sequence = ctx.parent(parent)
        argument = ctx.parent(sequence) if isinstance(sequence, (cst.Tuple, cst.List)) else None
        call = ctx.parent(argument) if isinstance(argument, cst.Arg) else None
        if isinstance(call, cst.Call) and last_name(call.func) == "column_stack":
            return "np.column_stack"
    return None
