"""Code too deeply nested to analyse in bounded time, told by CPython's parser before libcst's.

libcst's parser takes time that grows with the square of an expression's nesting (measured on
libcst 1.0.1: a chain of 1,000 subscripts ``a[0][0]...`` parses in 0.8 s, 2,000 in 4.9 s; a
20,000-long ``a.b.b...``, ``-(-(...))`` or ``a + a + ...`` takes minutes), and its parser holds
the GIL, so not even the time budget (``budget``) can stop it. CPython's own parser builds the
same trees in milliseconds, so the depth of the syntax tree is measured on it first, and code
past either limit below is not given to libcst: its too deep expressions get an SL000 ("too
complex to analyse") and the rest is analysed around them (``masking``), or, when that cannot
be done, the file gets one:

- ``MAX_DEPTH``: the deepest syntax tree found in 26,184 files (the standard library and a
  site-packages with sympy, numpy, scipy) is 569, in code sympy generates; 1,000 leaves room,
  and at 1,000 the slowest shape (subscripts) parses in under a second;
- ``MAX_DEEP_WORK``: the nesting beyond depth 100, summed over all nodes (what the quadratic
  cost grows with when a file holds many deep expressions); the most of those files is 3.9
  million (sympy again), and 8 million bounds such a file's parse to some seconds;
- ``MAX_PATTERN_WORK``: ``case`` patterns, whose parse time libcst makes exponential in their
  nesting (``pattern_nesting``).

Source CPython cannot build a tree for at all (a ``RecursionError`` or ``MemoryError`` while it
parses) is too complex too; source that does not compile for any other reason is left to the
parser, whose syntax error says where.
"""
from __future__ import annotations

import ast
import warnings
from typing import Optional

from .pattern_nesting import MAX_PATTERN_WORK, measured_patterns, too_much

MAX_DEPTH = 1_000
DEEP = 100  # nesting that real code reaches: beyond it, depth counts towards MAX_DEEP_WORK
MAX_DEEP_WORK = 8_000_000
NAME = "too-complex"  # the SL000 finding's name


class TooComplex(ValueError):
    """Code past the limits, raised instead of parsing it: its text says which limit and by how
    much, ``line`` and ``column`` (1-based) the place of the most deeply nested code."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def too_complex(source: bytes | str) -> Optional[TooComplex]:
    """Why ``source`` is too deeply nested to parse and analyse, or None when it is not."""
    global _screened
    try:
        with warnings.catch_warnings():  # the file's own warnings (an invalid escape) are not ours to print
            warnings.simplefilter("ignore")
            tree = compile(source, "<shapelint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (RecursionError, MemoryError):
        return TooComplex("too complex to analyse: nested too deeply for Python's own parser; not analysed")
    except (SyntaxError, ValueError, OverflowError):  # the parser reports these, with a place
        return None
    _screened = (source, first_code_lines(tree))
    if _shallow(tree):
        return _patterns_too_complex(tree, source)
    depth, deep_work, deepest = _nesting(tree)
    if depth > MAX_DEPTH:
        message = f"too complex to analyse: code nested {depth:,} deep (the limit is {MAX_DEPTH:,}); not analysed"
    elif deep_work > MAX_DEEP_WORK:
        message = (f"too complex to analyse: too many deeply nested expressions ({deep_work:,} nodes x levels "
                   f"beyond depth {DEEP}; the limit is {MAX_DEEP_WORK:,}); not analysed")
    else:
        return _patterns_too_complex(tree, source)
    return TooComplex(message, *_place(source, deepest))


def _patterns_too_complex(tree: ast.Module, source: bytes | str) -> Optional[TooComplex]:
    """``case`` patterns nested too deeply for libcst (``pattern_nesting``), or None."""
    measured = measured_patterns(tree, source)
    if not too_much(measured):
        return None
    work = sum(1 + pattern.work for pattern in measured)
    deepest = max(measured, key=lambda pattern: pattern.depth)
    amount = f"{work:,}" if work < 10 ** 9 else "over a billion"
    message = (f"too complex to analyse: `case` patterns nested up to {deepest.depth} brackets deep ({amount} units of work "
               f"for the parser, whose time doubles with each bracket level; the limit is {MAX_PATTERN_WORK:,}); not analysed")
    return TooComplex(message, *_place(source, deepest.span))


# The source screened last, with the line each of its top-level statements starts on: placing
# findings needs those (``positions``), and this parse already has them; kept for that one source.
_screened: Optional[tuple] = None


def first_code_lines(tree: ast.Module) -> list[int]:
    """The 1-based line of each top-level statement's first code (a decorator's ``@`` for a decorated definition)."""
    return [statement.decorator_list[0].lineno if getattr(statement, "decorator_list", None) else statement.lineno
            for statement in tree.body]


def top_level_lines(source: bytes | str) -> Optional[list[int]]:
    """``first_code_lines`` of ``source`` (that very object) if it was the last screened, else None."""
    screened = _screened
    return screened[1] if screened is not None and screened[0] is source else None


SPAN_SLACK = 3  # a one-line node's subtree is at most its width in bytes + 2 levels deep (see _shallow)


def _shallow(tree: ast.AST) -> bool:
    """True when no node of ``tree`` can lie deeper than ``DEEP``: then the file is within both
    limits, and ``_nesting`` need not visit every node (it takes 40% of the time of the walk).

    A node written on one line is not descended into when its width in UTF-8 bytes (what
    ``col_offset`` counts) bounds its subtree above ``DEEP``: every level an expression adds
    below a node takes at least one byte of its own (an operator, a bracket, a dot, a keyword),
    and the levels that take none (a ``Load`` context, an operator node, an implicit tuple) add
    at most two in all, so a subtree is at most its width + 2 levels deep (``~~x``, ``x[*a]``;
    checked on every one-line node of the standard library by ``tests/test_complexity.py``).
    Positions inside an f-string are not relied on (before Python 3.12 some point at the whole
    string): an f-string too wide to skip is walked through. Nor is a decorated definition
    skipped (its position starts at ``def``, below its decorators). Multi-line nodes are walked,
    since their width would need the file's line offsets in CPython's own decoding."""
    level, exact = [tree], []
    depth = 1
    while level or exact:
        depth += 1
        if depth > DEEP:
            return False
        room = DEEP - depth - SPAN_SLACK
        below: list = []
        exact_below: list = []
        for node in level:
            for name in node._fields:
                value = getattr(node, name, None)
                for child in (value if type(value) is list else (value,)):
                    if isinstance(child, ast.AST):
                        end = getattr(child, "end_lineno", None)
                        if (end is not None and end == child.lineno and child.end_col_offset - child.col_offset <= room
                                and not getattr(child, "decorator_list", None)):
                            continue
                        (exact_below if type(child) is ast.JoinedStr else below).append(child)
        for node in exact:
            for name in node._fields:
                value = getattr(node, name, None)
                exact_below.extend(child for child in (value if type(value) is list else (value,)) if isinstance(child, ast.AST))
        level, exact = below, exact_below
    return True


def _nesting(tree: ast.AST) -> tuple[int, int, Optional[ast.AST]]:
    """The tree's depth, the sum over its nodes of how far each lies beyond ``DEEP``, and a node
    of the deepest level that has a place in the source.

    Level by level, so the walk itself cannot recurse too deeply; fields read directly, which
    takes 40% less time than ``ast.iter_child_nodes``."""
    level = [tree]
    depth = deep_work = 0
    deepest = None
    while level:
        depth += 1
        if depth > DEEP:
            deep_work += (depth - DEEP) * len(level)
        below: list = []
        for node in level:
            for name in node._fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    below.extend(value)
                elif isinstance(value, ast.AST):
                    below.append(value)
        deepest = next((node for node in level if hasattr(node, "lineno")), deepest)
        level = [node for node in below if isinstance(node, ast.AST)]
    return depth, deep_work, deepest


def _place(source: bytes | str, node: Optional[ast.AST]) -> tuple[int, int]:
    """1-based line and column (in characters; CPython counts UTF-8 bytes) where ``node`` starts."""
    if node is None:
        return 1, 1
    lines = source.splitlines() if isinstance(source, str) else source.decode("utf-8", "replace").splitlines()
    text = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
    return node.lineno, len(text.encode("utf-8")[:node.col_offset].decode("utf-8", "replace")) + 1


__all__ = ["MAX_DEPTH", "MAX_DEEP_WORK", "MAX_PATTERN_WORK", "NAME", "TooComplex", "first_code_lines", "top_level_lines", "too_complex"]
