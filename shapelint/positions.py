"""Line and column of a few nodes, for a fraction of what libcst's PositionProvider costs.

PositionProvider re-generates the module while tracking line and column through
every token and records every node. Findings need a handful of nodes, so this
re-generates the code, counting characters, of only the top-level statements that
hold them, and records only those nodes (and their subtrees, for the positions
libcst hoists from children). Where a statement starts is read off the source:
CPython's parser gives the line of each top-level statement's first code, and the
statement's generated code must then be the source's text from there, character
for character (else, or without the source, the module is generated from its top
up to the last node asked for, as before: a form feed libcst drops, say).
Offsets become lines and columns at the end. The ranges are PositionProvider's:
syntactic, without surrounding whitespace; columns count code points, 0-based.
"""
from __future__ import annotations

import ast
import bisect
import re
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

from .complexity import first_code_lines, top_level_lines
from .cst_walk import code_children

_LINE_END = re.compile(r"\r\n|\r|\n")
_NOTHING = nullcontext()  # what recording the position of a node no one asked about does


class _AllLocated(Exception):
    """Every wanted node is placed: the rest of the module need not be generated."""


@dataclass(frozen=False)
class _LocatingState(CodegenState):
    wanted_ids: frozenset = frozenset()  # id() of each node wanted: a node's own __hash__ is a Python call, asked of every node generated
    offsets: dict = field(default_factory=dict)
    offset: int = 0
    inside: int = 0
    starts: list = field(default_factory=list)
    located: set = field(default_factory=set)  # wanted nodes whose code has been generated

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted_ids:
            self.starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        """Nodes without a syntactic position of their own (``Index``) span all their code.
        The last node wanted ends the walk: the code after it cannot move it."""
        if id(node) in self.wanted_ids:
            start = self.starts.pop()
            self.offsets.setdefault(node, (start, self.offset))
            self.located.add(node)
            if len(self.located) == len(self.wanted_ids):
                raise _AllLocated

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ):
        """A no-op for most nodes (neither wanted nor inside one): one shared context, not a
        generator made and run per node, which was a fifth of the time to place a file's findings."""
        wanted = id(node) in self.wanted_ids
        if not wanted and not self.inside:
            return _NOTHING
        return self._recording(node, wanted, start_node, end_node)

    @contextmanager
    def _recording(self, node: cst.CSTNode, wanted: bool, start_node: Optional[cst.CSTNode],
                   end_node: Optional[cst.CSTNode]) -> Iterator[None]:
        self.inside += wanted
        start = self.offset
        try:
            yield
        finally:
            self.inside -= wanted
            end = self.offset
            if start_node is not None and start_node in self.offsets:
                start = self.offsets[start_node][0]
            if end_node is not None and end_node in self.offsets:
                end = self.offsets[end_node][1]
            self.offsets[node] = (start, end)


class SourceLines:
    """The text a module was parsed from, with what placing its statements needs (computed once,
    on first use: a file may be located several times)."""

    def __init__(self, module: cst.Module, source: bytes | str) -> None:
        self.module, self.source = module, source
        self._computed = False
        self.text: Optional[str] = None
        self.line_starts: list[int] = []
        self.first_lines: Optional[list[int]] = None

    def ready(self) -> bool:
        """Can statements be placed in the text (decoded, and paired with CPython's)?"""
        if not self._computed:
            self._computed = True
            self.text = source_text(self.source, self.module)
            if self.text is not None:
                self.first_lines = _first_code_lines(self.module, self.text, top_level_lines(self.source))
                self.line_starts = [0] + [match.end() for match in _LINE_END.finditer(self.text)]
        return self.first_lines is not None


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode], lines: Optional[SourceLines] = None) -> dict[cst.CSTNode, CodeRange]:
    """The ranges of ``nodes``; ``lines``: the source ``module`` was parsed from, when known."""
    wanted = frozenset(nodes)
    if not wanted:
        return {}
    found = _locate_by_statement(module, wanted, lines) if lines is not None and lines.ready() else None
    if found is not None:
        return found
    state = _new_state(module, wanted)
    try:
        module._codegen(state)
    except _AllLocated:
        pass
    return _ranges("".join(state.tokens), state.offsets, wanted)


def _new_state(module: cst.Module, wanted: frozenset) -> _LocatingState:
    return _LocatingState(default_indent=module.default_indent, default_newline=module.default_newline,
                          wanted_ids=frozenset(map(id, wanted)))


def _ranges(code: str, offsets: dict, wanted: frozenset, starts: Optional[list[int]] = None) -> dict[cst.CSTNode, CodeRange]:
    if starts is None:
        starts = [0] + [match.end() for match in _LINE_END.finditer(code)]

    def position(offset: int) -> CodePosition:
        line = bisect.bisect_right(starts, offset) - 1
        return CodePosition(line + 1, offset - starts[line])

    return {node: CodeRange(position(start), position(end)) for node, (start, end) in offsets.items() if node in wanted}


def _locate_by_statement(module: cst.Module, wanted: frozenset, lines: SourceLines) -> Optional[dict[cst.CSTNode, CodeRange]]:
    """``locate`` generating only the top-level statements that hold wanted nodes, each placed
    where its code stands in the source; None when a statement cannot be placed so (or a node is
    not under the statements' code: a header comment, say)."""
    holding = _statements_holding(module, wanted)
    if holding is None:
        return None
    text, first_lines, line_starts = lines.text, lines.first_lines, lines.line_starts
    offsets: dict = {}
    for index, inside in holding:
        statement = module.body[index]
        above = len(statement.leading_lines)  # each a whole line of its own, before its first code
        decorators = getattr(statement, "decorators", ())
        if decorators:
            above += len(decorators[0].leading_lines)
        line = first_lines[index] - 1 - above
        if not 0 <= line < len(line_starts):
            return None
        state = _new_state(module, inside)
        state.offset = start = line_starts[line]
        try:
            statement._codegen(state)
        except _AllLocated:
            pass
        code = "".join(state.tokens)
        if not text.startswith(code, start):
            return None
        offsets.update(state.offsets)
    return _ranges(text, offsets, wanted, line_starts)


def _statements_holding(module: cst.Module, wanted: frozenset) -> Optional[list[tuple[int, frozenset]]]:
    """(index, wanted nodes within) of each top-level statement holding some, in order; None when
    some are not found under the statements' code (layout nodes: the whole module is generated)."""
    holding = []
    left = {id(node): node for node in wanted}  # by id(): a node's own __hash__ is a Python call, and every node is asked
    for index, statement in enumerate(module.body):
        inside = []
        pending = [statement]
        while pending:
            node = pending.pop()
            if id(node) in left:
                inside.append(left.pop(id(node)))
            pending.extend(code_children(node))
        if inside:
            holding.append((index, frozenset(inside)))
            if not left:
                return holding
    return None


def _first_code_lines(module: cst.Module, text: str, theirs: Optional[list[int]] = None) -> Optional[list[int]]:
    """The 1-based line of each top-level statement's first code (a decorator's ``@`` for a
    decorated definition), from CPython's parse of ``text`` (``theirs``: those lines of CPython's
    statements, when the screen before the parse has them: ``complexity.top_level_lines``); None
    when its statements and libcst's do not pair up one to one (``a; b`` is one libcst statement,
    two of CPython's)."""
    if theirs is None:
        try:
            with warnings.catch_warnings():  # the file's own warnings (an invalid escape) are not ours to print
                warnings.simplefilter("ignore")
                tree = compile(text, "<positions>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        theirs = first_code_lines(tree)
    lines, at = [], 0
    for statement in module.body:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        if at + count > len(theirs):
            return None
        lines.append(theirs[at])
        at += count
    return lines if at == len(theirs) else None


# --- form feeds libcst drops ---------------------------------------------------------
# libcst (1.x) drops a form feed at the start of a statement's line ("\f    x = 1" comes back as
# "    x = 1"), so positions read from its code are one column early on that line, and a fix
# placed by them lands one character off. Python itself counts the form feed as a character.


def dropped_form_feeds(original: str, generated: str) -> dict[int, int]:
    """1-based line -> how many leading form feeds ``generated`` lost there ({} when none, or
    when the two differ in any other way, which leaves positions as they are)."""
    if "\f" not in original or original == generated:
        return {}
    before, after = split_code_lines(original), split_code_lines(generated)
    if len(before) != len(after):
        return {}
    shifts = {}
    for number, (line, kept) in enumerate(zip(before, after), start=1):
        if line == kept:
            continue
        indent = len(line) - len(line.lstrip(" \t\f"))
        if line[:indent].replace("\f", "") + line[indent:] != kept:
            return {}
        shifts[number] = line[:indent].count("\f")
    return shifts


def split_code_lines(text: str) -> list[str]:
    return _LINE_END.split(text)


def realign(findings: list, shifts: dict[int, int]) -> list:
    """Findings (and their fixes' edits) moved right on the lines where form feeds were dropped."""
    if not shifts:
        return findings
    from dataclasses import replace

    def column(line: int, value: int) -> int:
        return value + shifts.get(line, 0)

    def moved_fix(fix: Optional[dict]) -> Optional[dict]:
        if fix is None:
            return None
        edits = [
            {**edit,
             "location": {"row": edit["location"]["row"], "column": column(edit["location"]["row"], edit["location"]["column"])},
             "end_location": {"row": edit["end_location"]["row"], "column": column(edit["end_location"]["row"], edit["end_location"]["column"])}}
            for edit in fix["edits"]
        ]
        return {**fix, "edits": edits}

    return [
        replace(f, column=column(f.line, f.column), end_column=column(f.end_line, f.end_column), fix=moved_fix(f.fix))
        for f in findings
    ]


def form_feed_shifts(source: bytes | str, module: cst.Module) -> dict[int, int]:
    """``dropped_form_feeds`` of a parsed source (cheap when it holds no form feed)."""
    if (b"\f" if isinstance(source, bytes) else "\f") not in source:
        return {}
    text = source_text(source, module)
    return {} if text is None else dropped_form_feeds(text, module.code)


def source_text(source: bytes | str, module: cst.Module) -> Optional[str]:
    """The text ``module`` was parsed from, decoded as libcst decoded it (None when it cannot be)."""
    if isinstance(source, str):
        return source
    encoding = "utf-8-sig" if module.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else module.encoding
    try:
        return source.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
