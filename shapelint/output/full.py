"""The source line with carets under the reported range, as ruff's ``full`` format::

    buggy.py:7:10: SL002 [missing-keepdims] `np.sum(dZ, axis=1)` is (n_h,) but ...
      |
    7 |     db = np.sum(dZ, axis=1)
      |          ^^^^^^^^^^^^^^^^^^
      |
      = help: Pass `keepdims=True`

The message already names the shapes and the fix, so nothing else is added. Colour only
with ``ctx.color``; without a source (or past its end) a finding is just its header line.
A blank line follows every finding.

A notebook finding counts lines within its cell: the cell's lines are looked up in
``ctx.sources`` under ``cell_source_key(path, cell)`` (``"nb.ipynb:cell 3"``); when absent,
the notebook is read with ``shapelint.notebook.read_notebook`` and its cells registered there.
"""
from __future__ import annotations

import unicodedata
from typing import Iterable, Optional

from ..files import read_regular
from ..findings import Finding
from .color import BLUE, BOLD, RED, paint
from .context import RenderContext, fix_mark, printable

TAB_WIDTH = 4


def cell_source_key(path: str, cell: int) -> str:
    """Where a notebook cell's lines are registered in ``RenderContext.sources``: ``nb.ipynb:cell 3``.

    A notebook finding counts lines within its cell, so the ``.ipynb`` file's own lines (JSON) are
    never shown for it: without this entry the notebook is read and its code cells registered.
    """
    return f"{path}:cell {cell}"


def source_lines(ctx: Optional[RenderContext], finding: Finding) -> Optional[list[str]]:
    """The lines ``finding.line`` counts in: the file's, or its notebook cell's."""
    if ctx is None:
        return None
    if finding.cell is None:
        return ctx.source_lines(finding.path)
    key = cell_source_key(finding.path, finding.cell)
    if key not in ctx.sources:
        _register_cells(ctx, finding.path)
    return ctx.sources.get(key)


def _register_cells(ctx: RenderContext, path: str) -> None:
    """Read the notebook at ``path`` and register its code cells' lines, when nobody has."""
    try:
        from ..notebook import read_notebook

        cells = read_notebook(read_regular(path)).cells
    except Exception:  # noqa: BLE001 - no source is shown, the finding still is
        return
    for cell, lines in cells.items():
        ctx.sources.setdefault(cell_source_key(path, cell), list(lines))


def source_line(ctx: Optional[RenderContext], finding: Finding) -> Optional[str]:
    """The line the finding starts on, or ``None`` when the source is missing or shorter."""
    lines = source_lines(ctx, finding)
    if lines is None or not 1 <= finding.line <= len(lines):
        return None
    return lines[finding.line - 1]


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display(line: str) -> tuple[str, list[int]]:
    """``line`` as a terminal shows it (tabs expanded, control characters blanked) and the display
    column where each character starts (one entry more, for the end of the line)."""
    shown: list[str] = []
    starts: list[int] = []
    width = 0
    for char in line:
        starts.append(width)
        if char == "\t":
            step = TAB_WIDTH - width % TAB_WIDTH
            shown.append(" " * step)
        elif unicodedata.category(char) == "Cc":
            step = 1
            shown.append(" ")
        else:
            step = _char_width(char)
            shown.append(char)
        width += step
    starts.append(width)
    return "".join(shown), starts


def caret_span(finding: Finding, length: int) -> tuple[int, int]:
    """The 0-based character range ``[start, end)`` to underline on the first line: at least one
    character; a range running onto later lines is underlined to the end of this one."""
    start = min(max(finding.column - 1, 0), length)
    if finding.end_line > finding.line:
        end = length
    elif finding.end_line == finding.line:
        end = min(finding.end_column - 1, length)
    else:  # no end recorded (syntax errors)
        end = start + 1
    return start, max(end, start + 1)


def header(finding: Finding, color: bool, mark: str = "") -> str:
    """``path:line:col: SL002 [*] [missing-keepdims] message`` (``[*]``: ``--fix`` would fix it)."""
    code = paint(finding.code, BOLD, RED, enabled=color)
    name = f" [{finding.name}]" if finding.name else ""
    return printable(f"{finding.where}: {code}{' ' + mark.rstrip() if mark else ''}{name} {finding.message}")


def render_one(finding: Finding, ctx: Optional[RenderContext]) -> str:
    color = bool(ctx and ctx.color)
    out = [header(finding, color, fix_mark(finding, ctx))]
    line = source_line(ctx, finding)
    if line is not None:
        number = str(finding.line)
        blank = paint(" " * len(number) + " |", BLUE, enabled=color)
        shown, starts = display(line)
        start, end = caret_span(finding, len(line))
        pad = " " * starts[start]
        carets = "^" * max(starts[min(end, len(line))] - starts[start], 1)
        out += [
            blank,
            f"{paint(number + ' |', BLUE, enabled=color)} {shown}".rstrip(),
            f"{blank} {pad}{paint(carets, RED, enabled=color)}",
            blank,
        ]
    fix_title = (finding.fix or {}).get("message")
    if fix_title:
        indent = " " * (len(str(finding.line)) + 1) if line is not None else ""
        out.append(f"{indent}= help: {fix_title}")
    return "\n".join(out) + "\n"


def render(findings: Iterable[Finding], ctx: Optional[RenderContext] = None) -> str:
    """Each finding followed by a blank line (so a summary line after them stands apart)."""
    return "".join(render_one(f, ctx) + "\n" for f in findings)
