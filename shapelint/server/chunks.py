"""The pieces an incrementally parsed buffer is kept in: chunks of top-level statements, the
views that locate their nodes, and the layout that assembles them (see ``incremental``)."""
from __future__ import annotations

import io
import re
import threading
import tokenize
from dataclasses import dataclass, field
from typing import Iterable, Optional

import libcst as cst
from libcst.metadata import CodePosition, CodeRange

from ..cst_walk import direct_children
from ..positions import locate as locate_nodes
from ..rules import RuleContext
from ..rules.base import Hints

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINE_END = re.compile(r"\r\n|\r|\n")
DEFAULT_INDENT = "    "  # libcst's when a file has no indented block
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=]", re.M)  # PEP 263
SENTINEL = "pass"  # the statement that stands for the chunks after a region while it is parsed


def split_lines(text: str) -> list[str]:
    """Lines with their ends, ended as libcst and the protocol end them (not ``str.splitlines``,
    which also ends a line at a form feed or U+2028)."""
    return _LINE.findall(text)


# Lines libcst does not render as written, so that a statement's code does not tell where its
# lines are: a line of only a backslash (dropped; after a ``def`` the next statement even moves
# into it), a comment ending in a backslash (the module's trailing newline), and ``match``
# statements (their indent is kept apart from the blocks').
_MISRENDERED = re.compile(r"^[ \t]*\\\r?$|#[^\r\n]*\\\r?$|^[ \t]*match\b(?![ \t]*=[^=])", re.M)
# (a ``match`` statement is told loosely, by a line that starts with the word and is no plain
# ``match = ...``: ``match (y := g()):`` and ``match (\n x\n):`` are statements too; a line that
# only looks like one costs a whole parse, nothing else)


def chunkable(text: str) -> bool:
    """Whether the text may be kept in chunks (else it is parsed whole, as the engine does)."""
    if "\f" in text or "\0" in text or text.startswith("\ufeff"):
        return False  # libcst drops form feeds (engine.realign); NUL and BOM: the engine's own words
    if ("\\" in text or "match" in text) and _MISRENDERED.search(text):
        return False
    if "\r" in text:  # one kind of line end only: libcst's default newline is the first one's
        return text.count("\r\n") == text.count("\r") == text.count("\n")
    return True


class Fallback(Exception):
    """The region cannot be shown to parse as the whole text would: parse the whole text."""


@dataclass(eq=False)
class Chunk:
    """Lines from a top-level statement's first line to the next statement's (the first chunk
    from line 1), and their nodes. ``body[0]`` may carry the previous chunk's ``trailing`` as
    its leading lines (as parsed); assembling gives it the current ones."""

    text: str
    lines: int
    header: tuple  # the module's header: the first chunk only
    body: tuple  # its statements (one, unless a region could not be split)
    trailing: tuple  # blank and comment lines after them: the next statement's leading lines
    indent: Optional[str]  # the default indent its blocks are written against; None: it has none
    first_indent: Optional[str]  # how its first block is indented (libcst's guess, if it is the file's first)
    views: dict = field(default_factory=dict)  # (its first statement as assembled, last?, ...) -> View
    _tokenizes: Optional[bool] = None

    def blank(self) -> str:
        """Its lines emptied: their line ends only."""
        return "".join(_LINE_END.findall(self.text))

    def tokenizes(self) -> bool:
        """Whether Python's tokenizer reads it to the end (else suppressions read the whole text)."""
        if self._tokenizes is None:
            try:
                for _ in tokenize.generate_tokens(io.StringIO(self.text).readline):
                    pass
                self._tokenizes = True
            except (tokenize.TokenError, SyntaxError):
                self._tokenizes = False
        return self._tokenizes

    def view(self, first: cst.BaseStatement, last: bool, indent: str, newline: str, trailing_newline: bool) -> "View":
        key = (first, last, indent, newline, trailing_newline if last else True)
        found = self.views.get(key)
        if found is None:
            if len(self.views) > 4:
                self.views.clear()
            pseudo = cst.Module(body=(first,) + self.body[1:], header=self.header, footer=self.trailing if last else (),
                                default_indent=indent, default_newline=newline,
                                has_trailing_newline=trailing_newline if last else True)
            found = self.views[key] = View(pseudo)
        return found


class View:
    """A chunk as it stands in one assembled module: its nodes, their positions relative to
    its first line (that of its leading lines), their parents."""

    def __init__(self, pseudo: cst.Module) -> None:
        self.pseudo = pseudo
        self.lock = threading.Lock()  # the lint thread and a hover may ask at once
        self._nodes: Optional[frozenset] = None
        self._parents: Optional[dict] = None
        self.ranges: dict = {}

    @property
    def nodes(self) -> frozenset:
        if self._nodes is None:
            found = []
            stack = list(direct_children(self.pseudo))
            while stack:
                node = stack.pop()
                found.append(node)
                stack.extend(direct_children(node))
            self._nodes = frozenset(found)
        return self._nodes

    def parents(self) -> dict:
        if self._parents is None:
            parents = {}
            stack = [self.pseudo]
            while stack:
                current = stack.pop()
                for child in direct_children(current):
                    parents[child] = current
                    stack.append(child)
            self._parents = parents
        return self._parents

    def locate(self, nodes: set) -> dict:
        with self.lock:
            missing = {node for node in nodes if node not in self.ranges}
            if missing:
                found = locate_nodes(self.pseudo, missing)
                self.ranges.update(found)
                self.ranges.update((node, None) for node in missing if node not in found)
            return {node: self.ranges[node] for node in nodes}


class Layout:
    """The chunks of one assembled module, where each starts, and how to find a node's chunk."""

    def __init__(self, chunks: list[Chunk], indent: str, newline: str, trailing_newline: bool) -> None:
        self.chunks = chunks
        body: list = []
        self.views: list[View] = []
        self.offsets: list[int] = []  # the 0-based line each view's code starts on
        line = 0
        previous: tuple = ()
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            if chunk.body:
                first = chunk.body[0]
                if index > 0 and not _same(first.leading_lines, previous):
                    first = first.with_changes(leading_lines=previous)
                    chunk.body = (first,) + chunk.body[1:]  # the nodes a module of today's text has
            else:
                first = None
            view = chunk.view(first, last, indent, newline, trailing_newline) if first is not None else None
            self.views.append(view)
            self.offsets.append(line - (len(previous) if index > 0 else 0))
            body.extend(chunk.body)
            line += chunk.lines
            previous = chunk.trailing
        header = chunks[0].header if chunks else ()
        self.module = cst.Module(body=tuple(body), header=header, footer=previous, default_indent=indent,
                                 default_newline=newline, has_trailing_newline=trailing_newline)

    def _view_of(self, node) -> Optional[int]:
        for index, view in enumerate(self.views):
            if view is not None and node in view.nodes:
                return index
        return None

    def locate(self, nodes: Iterable[cst.CSTNode]) -> dict:
        """Positions as ``positions.locate`` on the assembled module gives them (absent: not in it)."""
        groups: dict[int, set] = {}
        for node in nodes:
            index = self._view_of(node)
            if index is not None:
                groups.setdefault(index, set()).add(node)
        out = {}
        for index, group in groups.items():
            shift = self.offsets[index]
            for node, span in self.views[index].locate(group).items():
                if span is not None:
                    out[node] = CodeRange(CodePosition(span.start.line + shift, span.start.column),
                                          CodePosition(span.end.line + shift, span.end.column))
        return out

    def parent(self, node) -> Optional[cst.CSTNode]:
        index = self._view_of(node)
        if index is None:
            return None
        view = self.views[index]
        parent = view.parents().get(node)
        return self.module if parent is view.pseudo else parent


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _deep_same(a, b) -> bool:
    return len(a) == len(b) and all(x.deep_equals(y) for x, y in zip(a, b))


class ChunkedContext(RuleContext):
    """``RuleContext`` whose positions and parents come from the chunks (same answers, a chunk's cost)."""

    def __init__(self, module: cst.Module, hints: Optional[Hints], layout: Layout) -> None:
        super().__init__(module, hints)
        self.layout = layout

    def locate(self, nodes) -> dict:
        wanted = {node for node in nodes if node not in self._positions} | self._missing
        if wanted:
            self._positions.update(self.layout.locate(wanted))
            self._positions.update((node, None) for node in wanted if node not in self._positions)
            self._missing.clear()
        return {node: self._positions.get(node) for node in nodes}

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.layout.parent(node)


def _first_block(node: cst.CSTNode) -> Optional[cst.IndentedBlock]:
    """The first indented block in the source order (libcst guesses the default indent from it)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.IndentedBlock):
            return current
        if isinstance(current, (cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.BaseExpression, cst.EmptyLine)):
            continue
        stack.extend(reversed(list(direct_children(current))))
    return None


class _Reindent(cst.CSTTransformer):
    """Blocks written against ``parsed`` (the region's guess) rewritten against ``file``."""

    def __init__(self, parsed: str, file: str) -> None:
        super().__init__()
        self.parsed, self.file = parsed, file

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        actual = original.indent if original.indent is not None else self.parsed
        return updated.with_changes(indent=None if actual == self.file else actual)
