"""Line and column of a few nodes, for a fraction of what libcst's PositionProvider costs.

PositionProvider re-generates the module while tracking line and column through
every token and records every node. Findings need a handful of nodes, so this
re-generates the code once, counting characters, up to the last node asked for,
and records only those nodes (and their subtrees, for the positions libcst
hoists from children).
Offsets become lines and columns at the end. The ranges are PositionProvider's:
syntactic, without surrounding whitespace; columns count code points, 0-based.
"""
from __future__ import annotations

import bisect
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

_LINE_END = re.compile(r"\r\n|\r|\n")


class _AllLocated(Exception):
    """Every wanted node is placed: the rest of the module need not be generated."""


@dataclass(frozen=False)
class _LocatingState(CodegenState):
    wanted: frozenset = frozenset()
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
        if node in self.wanted:
            self.starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        """Nodes without a syntactic position of their own (``Index``) span all their code.
        The last node wanted ends the walk: the code after it cannot move it."""
        if node in self.wanted:
            start = self.starts.pop()
            self.offsets.setdefault(node, (start, self.offset))
            self.located.add(node)
            if len(self.located) == len(self.wanted):
                raise _AllLocated

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> Iterator[None]:
        wanted = node in self.wanted
        if not wanted and not self.inside:
            yield
            return
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


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    wanted = frozenset(nodes)
    if not wanted:
        return {}
    state = _LocatingState(default_indent=module.default_indent, default_newline=module.default_newline, wanted=wanted)
    try:
        module._codegen(state)
    except _AllLocated:
        pass
    code = "".join(state.tokens)
    starts = [0] + [match.end() for match in _LINE_END.finditer(code)]

    def position(offset: int) -> CodePosition:
        line = bisect.bisect_right(starts, offset) - 1
        return CodePosition(line + 1, offset - starts[line])

    return {
        node: CodeRange(position(start), position(end))
        for node, (start, end) in state.offsets.items()
        if node in wanted
    }


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
    if isinstance(source, bytes):
        encoding = "utf-8-sig" if module.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else module.encoding
        try:
            source = source.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            return {}
    return dropped_form_feeds(source, module.code)
