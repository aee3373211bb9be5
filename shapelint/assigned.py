"""Every assigned array's inferred shape, placed: what ``shapelint shapes`` prints and the
language server shows as inlay hints and hovers (one place, so they never disagree)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .engine import FileResult


@dataclass(frozen=True)
class CallerShape:
    """The shape one caller's arguments gave the name (only where it differs from the shape as written)."""

    caller: str
    line: int  # of the call, in the linted source (a notebook's: its cells joined)
    shape: object


@dataclass(frozen=True)
class Assigned:
    """``name`` at ``line``/``column`` (1-based; columns count code points) holds ``shape``;
    ``end_column`` is just past the name. In a notebook ``line`` counts within ``cell``."""

    line: int
    column: int
    end_column: int
    name: str
    shape: object  # shapelint.domain.shapes.Shape
    called: tuple[CallerShape, ...] = field(default=())
    cell: Optional[int] = None

    @property
    def dims(self) -> Optional[list[str]]:
        return None if self.shape.dims is None else [str(d) for d in self.shape.dims]


def assigned_shapes(result: FileResult, source, notebook=None) -> list[Assigned]:
    """The assignments of ``result`` whose value is an array (or that a caller made one), in order.

    ``source`` is what was linted (for the columns libcst loses to form feeds); ``notebook``
    (``shapelint.notebook.Notebook``) places lines in cells.
    """
    from .domain.shapes import Shape
    from .infer.values import ArrayValue
    from .positions import form_feed_shifts

    analysis = result.analysis
    if analysis is None or result.context is None or result.module is None:
        return []
    contexts = shapes_by_call(analysis)
    sites = [site.call for by_target in contexts.values() for site, _ in by_target]
    positions = result.context.locate([target for target, _ in analysis.assignments] + sites)
    shifts = form_feed_shifts(source, result.module)  # columns libcst lost to form feeds
    rows = []
    for target, value in analysis.assignments:
        if not isinstance(value, ArrayValue) and target not in contexts:
            continue
        span = positions.get(target)
        if span is None:
            continue
        start = span.start
        shape = value.shape if isinstance(value, ArrayValue) else Shape(None)
        called = tuple(CallerShape(site.caller, positions[site.call].start.line, other)
                       for site, other in contexts.get(target, ()) if str(other) != str(shape) and site.call in positions)
        column = start.column + 1 + shifts.get(start.line, 0)
        line, cell = start.line, None
        if notebook is not None:
            cell, line = notebook.locate(start.line)
        rows.append(Assigned(line, column, column + len(target.value), target.value, shape, called, cell))
    return rows


def shapes_by_call(analysis) -> dict:
    """What each assignment held in the runs with callers' arguments (one entry per distinct shape)."""
    from .infer.values import ArrayValue

    found: dict = {}
    for target, value, site in analysis.context_assignments:
        if isinstance(value, ArrayValue):
            entries = found.setdefault(target, [])
            if all(str(shape) != str(value.shape) for _, shape in entries):
                entries.append((site, value.shape))
    return found
