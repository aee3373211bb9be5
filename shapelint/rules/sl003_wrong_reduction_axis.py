from __future__ import annotations

from ._explain import reduction_meeting
from ._fixes import UNSAFE, fix, refit_reduction
from .base import Report, Rule


def axis_text(axes: tuple[int, ...]) -> str:
    return str(axes[0]) if len(axes) == 1 else str(axes)


class WrongReductionAxis(Rule):
    """## What it does
    Checks for reductions over the axis that should have been kept, judged by
    what the result meets: a declared shape, an in-place update target, a
    return annotation, or an array of the original rank, where reducing the
    other axis lines up exactly.

    ## Why is this bad?
    With `dZ: (n_h, m)` (samples on axis 1), `np.sum(dZ, axis=0, keepdims=True)`
    sums over neurons and gives one value per sample, `(1, m)`. The bias update
    then broadcasts to `(n_h, m)` or raises.

    ## Example
    ```python
    import numpy as np
    def step(n_h, m, lr):
        dZ = np.random.randn(n_h, m)
        b = np.zeros((n_h, 1))
        db = np.sum(dZ, axis=0, keepdims=True)
        return b - lr * db
    ```

    ## Use instead
    ```python
    import numpy as np
    def step(n_h, m, lr):
        dZ = np.random.randn(n_h, m)
        b = np.zeros((n_h, 1))
        db = np.sum(dZ, axis=1, keepdims=True)
        return b - lr * db
    ```

    ## Fix safety
    Changing the axis changes what is computed; the fix is unsafe.
    """

    code = "SL003"
    name = "wrong-reduction-axis"
    priority = 10
    fixable = True

    def check(self, event, ctx):
        meeting = reduction_meeting(event, ctx)
        if meeting is None or not meeting.refit.changes_axis(meeting.reduction):
            return ()
        red, refit = meeting.reduction, meeting.refit
        keep = ", keepdims=True" if refit.keepdims and not red.keepdims else ""
        message = (
            f"`{ctx.code(red.node)}` reduces axis {axis_text(red.axes)} of {red.source} to {meeting.value.shape} "
            f"but {meeting.what}: {meeting.happened}; reduce over axis={axis_text(refit.axes)}{keep} "
            f"to get {refit.shape}"
        )
        replacement = refit_reduction(ctx, red, refit.axes, refit.keepdims)
        title = f"Reduce over axis={axis_text(refit.axes)}{keep}"
        return (Report(red.node, message, fix(title, UNSAFE, (red.node, replacement)) if replacement else None),)
