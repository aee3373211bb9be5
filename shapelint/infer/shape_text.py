"""The text grammars of shape declarations: shape comments and docstrings.

Free of libcst, so that ``shapelint.screening`` can ask the very functions the interpreter
asks (``shapelint.infer.declarations`` re-exports them) without parsing with libcst.
Parsing gives a ``ShapeSpec``: a list of names, ints and ``None`` (unknown dim),
or ``None`` for an unknown rank.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Union

DimToken = Union[str, int, None]
ShapeSpec = Optional[list[DimToken]]

_TUPLE = r"\(([^()]*)\)"
_DOC_LINE = re.compile(r"^\s*\*{0,2}(\w+)\s*:\s*(.*)$")
_DIM_TOKEN = re.compile(r"^(?:[A-Za-z_][\w.]*|\d+|\?)$")


def parse_dims(text: str, separator: Optional[str] = ",") -> ShapeSpec | bool:
    """``"n_h, m"`` -> ``["n_h", "m"]``; returns False when the text is not a shape at all."""
    text = text.strip()
    if not text:
        return []
    parts = [p.strip() for p in (text.split(separator) if separator else text.split())]
    if parts and parts[-1] == "" and separator == ",":
        parts = parts[:-1]
    tokens: list[DimToken] = []
    for part in parts:
        if part in ("_", "?", "*"):
            tokens.append(None)
            continue
        if part == "..." or part.startswith(("*", "#")):
            return None  # a variadic part: the rank is not fixed
        if "=" in part:
            part = part.split("=", 1)[0].strip()
        if not _DIM_TOKEN.match(part):
            return False
        tokens.append(int(part) if part.isdigit() else part)
    return tokens


_TRAILING_SHAPE = re.compile(r"^#\s*(?:shape\s*[:=]?\s*)?" + _TUPLE + r"(?P<rest>.*)$", re.IGNORECASE)
_LINE_ITEM = re.compile(r"^\s*(?P<names>\w+(?:\s*,\s*\w+)*)\s*:\s*" + _TUPLE + r"\s*(?P<rest>.*)$")
_ANOTHER_SHAPE = re.compile(r"\(|->|=>|\u2192|\bto\b", re.IGNORECASE)


def tuple_dims(inner: str) -> ShapeSpec | bool:
    """The dims of a parenthesized shape, read as Python reads a tuple: ``(n,)`` is one dim,
    ``(n, m)`` two, ``()`` none; ``(n)`` or ``(TxK)`` is not a tuple but prose, and declares nothing."""
    if inner.strip() and "," not in inner:
        return False
    return parse_dims(inner)


@lru_cache(maxsize=4096)
def trailing_comment_shape(comment: str) -> ShapeSpec | bool:
    """The shape a trailing comment declares for what the line binds; False when it declares none.
    Read once per comment text (as ``comment_declarations``).

    Grammar: ``# (DIMS)`` or ``# shape (DIMS)`` / ``# shape: (DIMS)`` / ``# shape=(DIMS)``,
    optionally followed by prose or another ``# ...`` comment. A comment that holds a second
    shape or an arrow (``# (n, d) -> (n, k)``) says two things and is ignored.
    """
    match = _TRAILING_SHAPE.match(comment.strip())
    if not match:
        return False
    rest = match.group("rest").split("#", 1)[0]
    if _ANOTHER_SHAPE.search(rest):
        return False
    return tuple_dims(match.group(1))


@lru_cache(maxsize=4096)
def comment_declarations(comment: str) -> tuple[tuple[str, ShapeSpec], ...]:
    """Shapes a comment line declares for names in the body below it, or nothing.

    Grammar (the whole line, up to an optional second ``# ...`` comment, must fit):
    ``# NAMES: (DIMS)`` items separated by ``,`` or ``;``, where ``NAMES`` is one name or
    several joined by commas (``# means, variances: (k, d)`` gives both the shape ``(k, d)``).
    ``# X: (n, m), W: (h, n)``. Anything else (prose, arrows, a shape without a name) declares
    nothing. Read once per comment (a loop's body runs more than once, a function's once per
    call): the specs are shared, and nobody changes one.
    """
    text = comment.lstrip("#").split("#", 1)[0].strip()
    found: list[tuple[str, ShapeSpec]] = []
    while text:
        item = _LINE_ITEM.match(text)
        if not item:
            return ()
        spec = tuple_dims(item.group(2))
        if spec is False:
            return ()
        found.extend((name.strip(), spec) for name in item.group("names").split(","))
        text = item.group("rest")
        if text and text[0] not in ",;":
            return ()
        text = text[1:].strip()
    return tuple(found)


_GOOGLE_LINE = re.compile(r"^\s*\*{0,2}(\w+)\s*\(([^()]*)\)\s*:\s*(.*)$")  # X (np.ndarray): ... shape (n, m)
_A_CHOICE = re.compile(r"\bor\b")  # ``ndarray or list``
_TUPLE_THEN_REST = re.compile(r"\s*" + _TUPLE + r"(.*)$")
_LEADING_TUPLE = re.compile(r"\s*" + _TUPLE + r"\s*(?:$|[,;.]|\w)")  # (compiled once: ``re.match`` on a string looks it up each call)
_FIRST_WORD = re.compile(r"\s*\*{0,2}(\w+)")  # the name of a line of each grammar
_COURSE_LINE = re.compile(r"^\s*(\w+)\s+--\s+(.*)$")  # X -- input data of shape (n_x, m)
_SHAPE_PHRASE = re.compile(r"\b(?:of\s+)?shape\s*[:=]?\s*" + _TUPLE, re.IGNORECASE)
_NOT_AN_ARRAY = re.compile(
    r"\b(list|lists|tuple|tuples|dict|sequence|iterable|iterator|str|string|set|tensor|tensors|"
    r"dataframe|series|callable|generator)\b",
    re.IGNORECASE,
)


def docstring_declarations(doc: str, names: set[str]) -> dict[str, ShapeSpec]:
    """Parameter shapes a docstring states, for the given names:

    - ``X: (n_x, m)`` (a shape right after the name);
    - numpydoc ``X : ndarray of shape (n, d)``, or the shape in the description lines below
      (``..., of shape (nlags, nvars, nvars).``);
    - Google ``X (np.ndarray): ... of shape (n, d)``; course ``X -- input data of shape (n_x, m)``.

    A type that is not an array (``(K,) list``, ``Tensor``, ``dict``) or offers a choice
    (``ndarray or list``) declares nothing: only NumPy arrays have NumPy shapes.
    """
    found: dict[str, ShapeSpec] = {}
    lines = doc.splitlines()
    for index, line in enumerate(lines):
        first = _FIRST_WORD.match(line)
        if first is None or first.group(1) not in names:
            continue  # what each grammar takes for the name is this word: not a parameter's
        name, kind, rest = _parameter_line(line)
        if name is None or name not in names or name in found:
            continue
        if _NOT_AN_ARRAY.search(kind) or _A_CHOICE.search(kind):
            continue
        spec = _shape_in(rest)
        if spec is False and kind is not None:
            spec = _shape_in(" ".join(_description(lines, index)))
        if spec is not False:
            found[name] = spec
    return found


def _parameter_line(line: str) -> tuple[Optional[str], str, str]:
    """(name, the type text, the text to look for a shape in) of a parameter line, or (None, "", "")."""
    google = _GOOGLE_LINE.match(line)
    if google:
        return google.group(1), google.group(2) + " " + google.group(3), google.group(3)
    course = _COURSE_LINE.match(line)
    if course:
        return course.group(1), course.group(2), course.group(2)
    match = _DOC_LINE.match(line)
    if match:
        rest = match.group(2)
        if rest.lstrip().startswith("("):
            leading = _TUPLE_THEN_REST.match(rest)
            return match.group(1), leading.group(2) if leading else rest, rest
        return match.group(1), rest, rest
    return None, "", ""


def _shape_in(text: str) -> ShapeSpec | bool:
    """``(n, m)`` at the start of ``text``, or after "shape"; False when there is none."""
    leading = _LEADING_TUPLE.match(text)
    if leading:
        return tuple_dims(leading.group(1))
    phrase = _SHAPE_PHRASE.search(text)
    return tuple_dims(phrase.group(1)) if phrase else False


def _description(lines: list[str], index: int) -> list[str]:
    """The lines indented under a numpydoc parameter line (its description)."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    found = []
    for line in lines[index + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        found.append(line.strip())
    return found
