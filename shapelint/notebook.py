"""Jupyter notebooks: the code cells linted as one module, findings reported by cell.

As with ruff, the code cells are concatenated in order, so that shapes flow from earlier
cells to later ones, and every finding is placed back in its cell:

- ``Finding.cell`` is the cell's 1-based position among **all** cells of the notebook
  (markdown and raw cells count too), ruff's convention: the third cell is ``cell 3`` even
  when the second is markdown. ``line`` and ``end_line`` count within that cell.
- IPython syntax is masked so that it parses, line numbers unchanged: a line magic (``%``),
  a shell escape (``!``) or a help request (``?obj``, ``obj?``) becomes ``pass`` at the line's
  own indentation (a magic inside a block leaves the block a body); ``x = !ls`` and
  ``x = %time f()`` keep their target, which becomes unknown; a cell magic (``%%bash``...)
  turns its whole cell into comments, except ``%%time`` and ``%%capture``, whose body is
  Python run in the notebook's namespace and is linted.
- A notebook that is not JSON, or not an nbformat 4 notebook, gets one SL000 at line 1,
  column 1 (no cell); a notebook whose kernel is not Python is skipped.
"""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from .findings import SYNTAX_CODE, SYNTAX_NAME, Finding

if TYPE_CHECKING:  # pragma: no cover
    from .engine import FileResult

MASK_COMMENT = "# shapelint: masked magic"
MASKED_VALUE = "__shapelint_masked_magic__"  # an unbound name: its value is unknown
PYTHON_CELL_MAGICS = frozenset({"time", "capture"})  # body runs in the notebook's namespace

_NEWLINE = re.compile(r"\r\n|\r|\n")
_MAGIC_ASSIGNMENT = re.compile(
    r"^(?P<head>\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*,?\s*=\s*)(?P<magic>[!%].*)$"
)
_CELL_MAGIC = re.compile(r"^%%(?P<name>\w+)")


class NotebookError(ValueError):
    """Not a notebook this linter reads: the message says why."""


@dataclass
class Notebook:
    """The code cells as one Python source, and where each of its lines came from."""

    source: str
    rows: list[tuple[int, int]] = field(default_factory=list)  # source line (index + 1) -> (cell, line in cell)
    cells: dict[int, list[str]] = field(default_factory=dict)  # cell -> its original lines
    python: bool = True  # False for a notebook whose kernel runs another language

    def locate(self, line: int) -> tuple[int, int]:
        """``(cell, line in cell)`` of a line of ``source`` (past the end: the last cell, counting on)."""
        if not self.rows:
            return 1, max(line, 1)
        if line < 1:
            return self.rows[0]
        if line > len(self.rows):
            cell, row = self.rows[-1]
            return cell, row + line - len(self.rows)
        return self.rows[line - 1]


def read_notebook(data: bytes | str) -> Notebook:
    """Parse nbformat 4 JSON; raise ``NotebookError`` for anything else."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise NotebookError(f"is not UTF-8: {exc}") from None
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotebookError(f"is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotebookError("is not a Jupyter notebook: no list of cells at the top level")
    version = document.get("nbformat", 4)
    if not isinstance(version, int) or isinstance(version, bool) or version < 4:
        raise NotebookError(f"is an nbformat {version!r} notebook; only nbformat 4 is supported")
    notebook = Notebook(source="", python=_is_python(document.get("metadata")))
    lines: list[str] = []
    for index, cell in enumerate(document["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"is not a Jupyter notebook: cell {index} has no cell_type")
        if cell["cell_type"] != "code":
            continue
        original = _cell_lines(cell.get("source", ""), index)
        notebook.cells[index] = original
        lines.extend(mask_cell(original))
        notebook.rows.extend((index, row) for row in range(1, len(original) + 1))
    notebook.source = "".join(line + "\n" for line in lines)
    return notebook


def _is_python(metadata) -> bool:
    if not isinstance(metadata, dict):
        return True
    for key, name in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(name), str):
            return section[name].strip().lower() in ("python", "python3", "ipython", "")
    return True


def _cell_lines(source, index: int) -> list[str]:
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise NotebookError(f"is not a Jupyter notebook: the source of cell {index} is not text")
    lines = _NEWLINE.split(source)
    if lines and lines[-1] == "":
        lines.pop()  # the newline ending the last line
    return lines


# --- masking IPython syntax ----------------------------------------------------


def mask_cell(lines: list[str]) -> list[str]:
    """The cell's lines with IPython syntax replaced by Python of the same line count."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        magic = _CELL_MAGIC.match(lines[first])
        if magic:
            if magic.group("name") not in PYTHON_CELL_MAGICS:
                return [MASK_COMMENT if line.strip() else line for line in lines]
            lines = lines[:first] + [MASK_COMMENT] + lines[first + 1:]
    masked: list[str] = []
    scanner = _Scanner()
    in_magic = False  # inside a magic continued with a trailing backslash
    for line in lines:
        if in_magic:
            masked.append(MASK_COMMENT)
            in_magic = line.rstrip().endswith("\\")
            continue
        if scanner.at_statement_start:
            replacement = _mask_line(line)
            if replacement is not None:
                masked.append(replacement)
                in_magic = line.rstrip().endswith("\\")
                continue
        scanner.feed(line)
        masked.append(line)
    return masked


def _mask_line(line: str) -> Optional[str]:
    """Python for a line that starts a statement and is IPython syntax; None for a Python line."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith(("%", "!", "?")):
        return f"{indent}pass  {MASK_COMMENT}"
    assignment = _MAGIC_ASSIGNMENT.match(line)
    if assignment and not assignment.group("magic").startswith(("!=", "%=")):
        return f"{assignment.group('head')}{MASKED_VALUE}  {MASK_COMMENT}"
    if stripped and not stripped.startswith("#"):
        probe = _Scanner()
        code = probe.feed(line)
        if code.endswith("?") and probe.at_statement_start:
            return f"{indent}pass  {MASK_COMMENT}"
    return None


class _Scanner:
    """Just enough of Python's tokenizer to tell where statements start: brackets, strings, ``\\``."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: Optional[str] = None  # the open string's quote, one or three characters
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> str:
        """Advance over one line; return its code (without the comment), right-stripped."""
        i, n, code_end = 0, len(line), len(line)
        while i < n:
            c = line[i]
            if self.quote is not None:
                if c == "\\":
                    i += 2
                elif line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                else:
                    i += 1
                continue
            if c == "#":
                code_end = i
                break
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(self.depth - 1, 0)
            elif c in "'\"":
                self.quote = c * 3 if line.startswith(c * 3, i) else c
                i += len(self.quote)
                continue
            i += 1
        code = line[:code_end].rstrip()
        ends_escaped = code.endswith("\\") and code_end == n
        if self.quote is not None and len(self.quote) == 1 and not ends_escaped:
            self.quote = None  # an unterminated string: a syntax error the parser reports
        self.continued = self.quote is None and ends_escaped
        return code


# --- linting ---------------------------------------------------------------------


def lint_notebook(data: bytes | str, path: str, report_unused_suppressions: bool = False, hints=None, select=None) -> FileResult:
    """Lint a notebook's code cells as one module; findings carry their cell.

    Suppression comments (``# noqa``, ``# shapelint: skip-file``...) and ``select`` work as in a ``.py`` file.
    ``result.module`` and ``result.analysis`` are of the concatenated source (``read_notebook``).
    """
    from .engine import FileResult, lint_source  # here, not at import: a cached run never needs libcst

    try:
        notebook = read_notebook(data)
    except NotebookError as exc:
        return FileResult(path, [Finding(path, 1, 1, SYNTAX_CODE, f"{path} {exc}", SYNTAX_NAME)])
    if not notebook.python:
        return FileResult(path)
    result = lint_source(notebook.source, path, report_unused_suppressions, hints, select)
    findings = [place_in_cell(notebook, finding) for finding in result.findings]
    if result.module is not None and result.context is not None:
        findings.extend(cross_cell_statements(notebook, result, path))
    result.findings = sorted(findings, key=lambda f: (f.cell or 0, f.line, f.column, f.code, f.message))
    return result


def place_in_cell(notebook: Notebook, finding: Finding) -> Finding:
    """The finding with its line numbers counted within its cell, and so its fix's (kept only when
    ``--fix`` can apply it to the notebook: every edit in this cell, no line added or removed)."""
    cell, line = notebook.locate(finding.line)
    end_line, end_column = finding.end_line, finding.end_column
    if end_line:
        end_cell, end_line = notebook.locate(end_line)
        if end_cell != cell:
            end_line, end_column = line, finding.column
    message = _LINE_MENTION.sub(lambda m: "in cell {}, line {}".format(*notebook.locate(int(m.group(2)))), finding.message)
    fix = fix_in_cell(notebook, finding.fix, cell)
    return dataclasses.replace(finding, line=line, end_line=end_line, end_column=end_column, cell=cell, fix=fix, message=message)


def fix_in_cell(notebook: Notebook, fix: Optional[dict], cell: int) -> Optional[dict]:
    """``fix`` with its edits' rows counted within ``cell``; None when ``--fix`` could not apply it
    to the notebook (an edit in another cell, or one that adds or removes lines)."""
    if fix is None:
        return None
    edits = []
    for edit in fix["edits"]:
        (start_cell, start_row), (end_cell, end_row) = (notebook.locate(edit[key]["row"]) for key in ("location", "end_location"))
        if start_cell != cell or end_cell != cell or edit["content"].count("\n") != end_row - start_row:
            return None
        edits.append({**edit, "location": {**edit["location"], "row": start_row}, "end_location": {**edit["end_location"], "row": end_row}})
    return {**fix, "edits": edits}


_LINE_MENTION = re.compile(r"\b(on|at) line (\d+)\b")  # "made by `np.zeros(n)` on line 3": lines of the joined cells


def cross_cell_statements(notebook: Notebook, result: FileResult, path: str) -> list[Finding]:
    """A statement begun in one cell and ended in another parses here, but Jupyter runs cells alone."""
    positions = result.context.locate(result.module.body)
    found = []
    for statement in result.module.body:
        span = positions.get(statement)
        if span is None:
            continue
        (start_cell, start_line), (end_cell, _) = notebook.locate(span.start.line), notebook.locate(span.end.line)
        if start_cell != end_cell:
            message = (
                f"{path} does not run: a statement begun in cell {start_cell} goes on in cell {end_cell}, "
                "and Jupyter runs each cell on its own"
            )
            found.append(
                Finding(path, start_line, span.start.column + 1, SYNTAX_CODE, message, SYNTAX_NAME, cell=start_cell)
            )
    return found


def is_notebook(path) -> bool:
    return str(path).lower().endswith(".ipynb")

