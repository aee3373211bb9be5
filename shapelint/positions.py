"""Line and column of a few nodes, for a fraction of what libcst's PositionProvider costs.

PositionProvider re-generates the module while tracking line and column through
every token and records every node. Findings need a handful of nodes, so this
re-generates the code once, counting characters, and records only the nodes
asked for (and their subtrees, for the positions libcst hoists from children).
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


@dataclass(frozen=False)
class _LocatingState(CodegenState):
    wanted: frozenset = frozenset()
    offsets: dict = field(default_factory=dict)
    offset: int = 0
    inside: int = 0
    starts: list = field(default_factory=list)

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
        """Nodes without a syntactic position of their own (``Index``) span all their code."""
        if node in self.wanted:
            start = self.starts.pop()
            self.offsets.setdefault(node, (start, self.offset))

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
    module._codegen(state)
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
