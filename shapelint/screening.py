"""Files that cannot hold a finding, told without libcst: they are not parsed or analysed at all.

Every finding of the analysis rests on an array whose shape the interpreter knows, and that
can only come from a few places, each of which leaves a mark in the text:

- NumPy itself (``import numpy``, ``from numpy import ...``, ``jax.numpy``): the only source of
  NumPy functions, methods of random generators, ``np.c_``... -> the word ``numpy``;
- a shape written down: ``.shape`` (unpacking, ``assert x.shape == ...``, ``x.shape = ...``),
  ``reveal_shape``, nptyping's ``Shape[...]``, a ``# shape: (n, m)`` comment, a docstring's
  "of shape (n, d)" -> the word ``shape`` in any case; a jaxtyping or ``numpy.typing``
  annotation -> ``ndarray``/``NDArray``/``ArrayLike``; a comment ``# (n, m)`` or
  ``# X, W: (n, m)`` -> those comment grammars (``infer.declarations``); a docstring that
  declares a parameter's shape -> the interpreter's own ``docstring_declarations`` on it;
- a Python number used as an array: a float, ``True`` or ``x / y`` is a rank-0 "array" to the
  interpreter; ``x.T`` makes it one that is no longer a number (indexed, it fails) and an array
  method (``x.reshape(3, 4)``, ``x.swapaxes(0, 1)``) can fail or give it axes -> an attribute named
  ``T`` or like one of ``registry.METHODS`` (but for a few harmless ones); numbers themselves are
  never indexed or matmul'ed (``infer.values.join`` keeps two numbers a number; ``@`` on one is
  unknown);
- the user's own modules (``infer.project``): every file an import can load, followed from file
  to file as the interpreter follows them, must pass this screen too. (Files that import this
  one do not matter: what a caller's arguments show in another file's function is reported in
  the caller, at the call; the cache's dependencies rest on the same.)

Without any of these, every value the interpreter makes is a Python number (rank 0), a container,
an int or unknown, and no event can reach a rule: broadcasting, matmul and transposition events
need operands of rank >= 1 (or, for ``@``, arrays that are not numbers), failures need an array
method or index of a non-number, declarations need a declaration, and SL006 needs an array of
known rank in the loop's scope (or, for arrays assumed from their use, a module that imports
NumPy). The result of a screened file is then the engine's result on no findings: suppression
comments still apply (``# shapelint: skip-file``, SL100 for unused ones).

SL000 is kept too: a file must compile (``compile(..., PyCF_ONLY_AST)``: anything that does
not, including null bytes, bad encodings, deep brackets, is linted and gets its SL000), be UTF-8
(what libcst reads alike), and have no syntax tree deeper than ``MAX_DEPTH`` (deep chains are
where libcst and the analysis run out of stack or time). A notebook's cells must each compile on
their own (else a statement may run across cells: SL000).

Not promised: the SL000 of an analysis that would have failed (an internal error: a bug, which
the robustness tests keep out of real code) or run past its time budget; a screened file is
answered as a completed analysis would be.

Decided by ``tests/test_screening.py``: no fixture with findings is screened out, and the
fixtures, ``reference_net`` and real code give the same findings with and without the screen.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .findings import FileResult
from .infer.project_paths import resolve
from .infer.shape_text import comment_declarations, docstring_declarations, trailing_comment_shape

MAX_DEPTH = 100  # syntax-tree depth past which a file is linted rather than screened

# What an attribute of a number can do: ``.T`` (``infer.expressions.array_attribute``) makes an array
# that is no longer a number, and the methods of ``numpy_model.registry.METHODS`` may fail on it or give
# it axes, except these, whose handlers never do: ``copy`` returns the number itself, a method
# ``sort()``/``partition()`` sorts in place (None), ``item()``/``tolist()`` give unknown Python values.
# ``tests/test_screening.py`` checks both against the registry.
NUMBER_SAFE_METHODS = frozenset({"copy", "sort", "partition", "item", "tolist"})
NUMBER_ATTRIBUTES = frozenset({
    "T", "all", "any", "argmax", "argmin", "argpartition", "argsort", "astype", "clip", "conj",
    "conjugate", "cumprod", "cumsum", "dot", "flatten", "max", "mean", "min", "nancumprod",
    "nancumsum", "nonzero", "prod", "ptp", "ravel", "repeat", "reshape", "round", "searchsorted",
    "squeeze", "std", "sum", "swapaxes", "transpose", "var",
})
ARRAY_TYPES = ("ndarray", "NDArray", "ArrayLike")  # numpy_model.properties.ARRAY_TYPES
_SHAPE = re.compile("shape(?!lint)", re.IGNORECASE)  # (``# shapelint: ignore`` is no shape)
# Every ``#`` where a shape comment could start: ``#`` then ``(`` (``declarations.trailing_comment_shape``;
# with ``shape`` the word has marked the file already) or ``NAMES:`` then ``(`` (``comment_declarations``),
# looser than both; the functions themselves then read the comment from there to the end of its line.
# (A comment's first ``#`` never follows a ``#``: before it is code, a string's quote or a line start.)
_COMMENT = re.compile(r"(?<!#)(?=#[\s#]*(?:\(|\w+(?:\s*,\s*\w+)*\s*:\s*\())")
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


@dataclass(frozen=True)
class _Local:
    """What one file's own text says: whether it may hold an array, and the files it imports."""

    marked: bool
    imports: tuple[str, ...] = ()
    probes: frozenset = frozenset()  # (path, is a file) its imports' resolution asked (``project_paths.resolve``)


_LOCAL: dict[tuple, _Local] = {}  # (path, mtime, size) -> its screen, per process


def screened_result(source: bytes, path: str, report_unused: bool = False, select: Optional[Iterable[str]] = None,
                    notebook: bool = False) -> Optional[FileResult]:
    """The result of linting ``source`` when the screen proves the analysis finds nothing in it
    (then only suppression comments can speak); None when it must be linted."""
    from .suppress import apply, skips_file

    codes = None if select is None else frozenset(select)
    if notebook:
        from .notebook import NotebookError, place_in_cell, read_notebook

        try:
            book = read_notebook(source)
        except NotebookError:
            return None
        if not book.python or not cells_compile_alone(book):
            return None
        text = book.source
    else:
        text = source
    verdict = screen(text, path)
    if verdict is None:
        return None
    depends, probes = verdict
    if skips_file(text):
        return FileResult(path, depends=depends, probes=probes)
    findings = apply([], text, path, report_unused, codes)
    if notebook:
        findings = sorted((place_in_cell(book, f) for f in findings), key=lambda f: (f.cell or 0, f.line, f.column, f.code, f.message))
    else:
        findings = sorted(findings)
    return FileResult(path, findings, depends=depends, probes=probes)


def cannot_hold_findings(source: bytes | str, path: str) -> Optional[frozenset]:
    """The project files (besides ``path``) the verdict rests on when no finding of the analysis
    can be in ``source``; None when one may be (or the screen cannot tell)."""
    verdict = screen(source, path)
    return None if verdict is None else verdict[0]


def screen(source: bytes | str, path: str) -> Optional[tuple[frozenset, frozenset]]:
    """When no finding of the analysis can be in ``source``: the project files (besides ``path``)
    that verdict rests on, and which files its imports found or missed (``(path, is a file)``,
    ``project_paths.resolve``); None when a finding may be there (or the screen cannot tell)."""
    local = _screen_text(source, path)
    if local.marked:
        return None
    probes = set(local.probes)
    depends: set[str] = set()
    pending = list(local.imports)
    while pending:
        name = pending.pop()
        if name in depends:
            continue
        depends.add(name)
        imported = _screen_file(name)
        if imported.marked:
            return None
        pending.extend(imported.imports)
        probes |= imported.probes
    return frozenset(depends), frozenset(probes)


def _screen_file(path: str) -> _Local:
    try:
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in _LOCAL:
            with open(path, "rb") as handle:
                _LOCAL[key] = _screen_text(handle.read(), path)
        return _LOCAL[key]
    except OSError:
        return _Local(True)


def _screen_text(source: bytes | str, path: str) -> _Local:
    text = _decoded(source)
    if text is None or _marked_text(text):
        return _Local(True)
    try:
        tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return _Local(True)
    return _screen_tree(tree, path)


def _decoded(source: bytes | str) -> Optional[str]:
    """The text, when it is UTF-8 (or ASCII) as declared; None for anything else (linted)."""
    if isinstance(source, str):
        return source
    for line in source.split(b"\n", 2)[:2]:
        coding = _CODING.match(line)
        if coding and coding.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8", "ascii", "us-ascii"):
            return None
    try:
        return source.decode("utf-8-sig" if source.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        return None


def _marked_text(text: str) -> bool:
    if "numpy" in text or any(name in text for name in ARRAY_TYPES) or _SHAPE.search(text):
        return True
    for match in _COMMENT.finditer(text):
        at = match.start()
        comment = text[at:].split("\n", 1)[0].split("\r", 1)[0]
        line = text[max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1:at]
        if line.strip(" \t\f"):  # after code: a statement's trailing comment (statements.exec_SimpleStatementLine)
            if trailing_comment_shape(comment) is not False:
                return True
        elif any(True for _ in comment_declarations(comment)):  # a line of its own (declaring.apply_comment_lines)
            return True
    return False


def _screen_tree(tree: ast.AST, path: str) -> _Local:
    imports: list[str] = []
    probes: set = set()
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _Local(True)
        kind = type(node)
        if kind is ast.Attribute:
            if node.attr in NUMBER_ATTRIBUTES:
                return _Local(True)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            if _declares_in_docstring(node):
                return _Local(True)
        elif kind is ast.Import or kind is ast.ImportFrom:
            imports.extend(_imported_files(node, path, probes))
        depth += 1
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return _Local(False, tuple(dict.fromkeys(imports)), frozenset(probes))


def _declares_in_docstring(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does the docstring declare a parameter's shape (``infer.functions.parameter_declarations``,
    which reads libcst's ``get_docstring()``: the first statement's string, cleaned)?"""
    body = node.body
    if not body or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Constant):
        return False
    doc = body[0].value.value
    if not isinstance(doc, str):
        return False
    arguments = node.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    from inspect import cleandoc  # what libcst's get_docstring() cleans with

    return bool(docstring_declarations(cleandoc(doc), names) or docstring_declarations(doc, names))


def _imported_files(node: ast.Import | ast.ImportFrom, path: str, probes: set) -> list[str]:
    """Every file of the project the import could make the interpreter load (``infer.project``
    follows fewer: this errs on the side of following); what each resolution asked is added to ``probes``."""
    wanted: list[tuple[str, int]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            wanted.extend((".".join(parts[:k]), 0) for k in range(1, len(parts) + 1))
    else:
        if node.module == "__future__":
            return []
        module, level = node.module or "", node.level or 0
        wanted.append((module, level))
        wanted.extend((f"{module}.{alias.name}" if module else alias.name, level) for alias in node.names if alias.name != "*")
    found = []
    for module, level in wanted:
        target = resolve(path, module, level, probes)
        if target is not None:
            found.append(str(target))
    return found


def cells_compile_alone(book) -> bool:
    """Does each code cell of a notebook (masked, as linted) compile by itself? Then no statement
    of the joined cells begins in one cell and ends in another (``notebook.cross_cell_statements``):
    a cell that compiles ends outside any bracket, string or continued line, and the next one starts
    unindented, so it closes every block before its first statement."""
    lines = book.source.split("\n")
    cells: dict[int, list[str]] = {}
    for (cell, _), line in zip(book.rows, lines):
        cells.setdefault(cell, []).append(line)
    for cell_lines in cells.values():
        try:
            compile("\n".join(cell_lines) + "\n", "<cell>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return False
    return True


def clear() -> None:
    """Forget what the screen read (tests that rewrite files within one clock tick)."""
    _LOCAL.clear()


__all__ = ["MAX_DEPTH", "cannot_hold_findings", "cells_compile_alone", "screen", "screened_result"]
