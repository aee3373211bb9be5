"""Shapes in the editor: inlay hints after assigned names, and hovers that say where a shape came from.

Both read the analysis of the last full lint (``assigned.assigned_shapes``, the rows
``shapelint shapes`` prints), so the editor shows exactly what the CLI would.
"""
from __future__ import annotations

from typing import Optional

from ..assigned import Assigned, assigned_shapes
from .linting import Snapshot


def rows(snapshot: Snapshot) -> list[Assigned]:
    """Cached on the snapshot: a full lint's rows do not change."""
    cached = getattr(snapshot, "_rows", None)
    if cached is None:
        cached = assigned_shapes(snapshot.result, snapshot.text, snapshot.notebook) if snapshot.result else []
        snapshot._rows = cached
    return cached


def hint_rows(snapshot: Snapshot, cell: Optional[int], first: int, last: int) -> list[Assigned]:
    """Rows with a known rank on lines ``first``..``last`` (1-based) of the file, or of ``cell``."""
    return [row for row in rows(snapshot)
            if row.cell == cell and first <= row.line <= last and row.shape.dims is not None]


def hover_text(snapshot: Snapshot, cell: Optional[int], line: int, column: int) -> Optional[str]:
    """Markdown for the expression at 1-based ``line``/``column`` (code points), or None."""
    found = expression_at(snapshot, cell, line, column)
    if found is not None:
        return found
    for row in rows(snapshot):
        if row.cell == cell and row.line == line and row.column <= column < row.end_column:
            return describe_row(snapshot, row, "assigned here")
    return None


def describe_row(snapshot: Snapshot, row: Assigned, origin: str) -> str:
    out = [f"```\n{row.name}: {row.shape}\n```", origin]
    for called in row.called:
        out.append(f"when called from `{called.caller}` {where(snapshot, called.line)}: {called.shape}")
    return "\n\n".join(out)


def where(snapshot: Snapshot, line: int) -> str:
    """A line of the linted text as the user counts it: ``at line N`` or ``in cell C, line N``."""
    if snapshot.notebook is None:
        return f"at line {line}"
    cell, row = snapshot.notebook.locate(line)
    return f"in cell {cell}, line {row}"


def expression_at(snapshot: Snapshot, cell: Optional[int], line: int, column: int) -> Optional[str]:
    """The innermost expression at the position whose value is an array, and where its shape came from."""
    from ..infer.values import ArrayValue

    result = snapshot.result
    if result is None or result.analysis is None or result.context is None:
        return None
    target_line = line
    if snapshot.notebook is not None:
        target_line = next((i for i, (c, r) in enumerate(snapshot.notebook.rows, start=1) if (c, r) == (cell, line)), None)
        if target_line is None:
            return None
    values: dict = {}
    for node, value in result.analysis.seen_values:
        if isinstance(value, ArrayValue):
            values.setdefault(node, value)  # the first run is the code as written
    positions = result.context.locate(list(values))
    best = None
    for node, span in positions.items():
        if span is None or not (span.start.line, span.start.column + 1) <= (target_line, column) < (span.end.line, span.end.column + 1):
            continue
        size = (span.end.line - span.start.line, span.end.column - span.start.column)
        if best is None or size < best[0]:
            best = (size, node)
    if best is None:
        return None
    node = best[1]
    value = values[node]
    text = result.context.code(node)
    return "\n\n".join([f"```\n{text}: {value.shape}\n```", origin(snapshot, node, value, target_line)])


def origin(snapshot: Snapshot, node, value, line: int) -> str:
    """Declared (a docstring, an annotation), assigned on line N, or derived here."""
    import libcst as cst

    for source in value.basis:
        kind = getattr(source, "source", None)
        function = getattr(source, "function", None)
        if kind and function is not None:
            return f"declared in the {kind} of `{function.name.value}` (parameter `{source.name}`)"
    if isinstance(node, cst.Name):
        earlier = [row for row in rows(snapshot) if row.name == node.value and _joined_line(snapshot, row) <= line]
        if earlier:
            row = earlier[-1]
            return f"from the assignment {where(snapshot, _joined_line(snapshot, row))}"
    return "derived here from its operands"


def _joined_line(snapshot: Snapshot, row: Assigned) -> int:
    """The row's line in the linted text (a notebook's rows count within their cell)."""
    if snapshot.notebook is None:
        return row.line
    return next((i for i, place in enumerate(snapshot.notebook.rows, start=1) if place == (row.cell, row.line)), row.line)
