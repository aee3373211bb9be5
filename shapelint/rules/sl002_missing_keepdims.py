from __future__ import annotations

from ..domain.shapes import shapes_same
from ._explain import reduction_meeting
from .sl003_wrong_reduction_axis import axis_text
from ._fixes import DISPLAY_ONLY, SAFE, UNSAFE, fix, refit_reduction
from .base import Report, Rule


class MissingKeepdims(Rule):
    """## What it does
    Checks for reductions without `keepdims=True` whose result is then broadcast
    against an array of the original rank, or declared with the kept axis.

    ## Why is this bad?
    `np.sum(dZ, axis=1)` on `dZ: (n_h, m)` is `(n_h,)`. Broadcasting lines a
    rank-1 array up with the *last* axis, so `b - lr * db` with `b: (n_h, 1)`
    silently becomes `(n_h, n_h)` (or raises when updated in place).

    ## Example
    ```python
    import numpy as np
    def step(n_h, m, lr):
        dZ = np.random.randn(n_h, m)
        b = np.zeros((n_h, 1))
        db = np.sum(dZ, axis=1)
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
    Adding `keepdims=True` is safe when the result only meets arrays of the
    original rank; elsewhere it changes the result's rank.
    """

    code = "SL002"
    name = "missing-keepdims"
    priority = 20
    fixable = True

    def check(self, event, ctx):
        meeting = reduction_meeting(event, ctx)
        if meeting is None or meeting.refit.changes_axis(meeting.reduction):
            return ()
        red = meeting.reduction
        alternative = meeting.other_axis
        instead = ""
        if alternative is not None:
            keep = ", keepdims=True" if alternative.keepdims and not red.keepdims else ""
            instead = f", or reduce over axis={axis_text(alternative.axes)}{keep} to get {alternative.shape} (the shapes cannot tell which is meant)"
        message = (
            f"`{ctx.code(red.node)}` is {meeting.value.shape} but {meeting.what}: "
            f"{meeting.happened}; pass keepdims=True to get {meeting.refit.shape}{instead}"
        )
        return (Report(red.node, message, self.fix(meeting, ctx)),)

    def fix(self, meeting, ctx):
        """Safe when the result only meets the array it was reduced from (or its declaration)."""
        red = meeting.reduction
        replacement = refit_reduction(ctx, red, red.axes, True)
        if replacement is None:
            return None
        target = meeting.target_shape
        if meeting.other_axis is not None:  # the message says the shapes cannot tell: shown, never applied
            return fix("Pass `keepdims=True`", DISPLAY_ONLY, (red.node, replacement))
        safe = target is None or shapes_same(target, red.source)
        return fix("Pass `keepdims=True`", SAFE if safe else UNSAFE, (red.node, replacement))
