"""Re-linting a buffer after an edit: parse only the top-level statements the edit touched.

A document is kept as *chunks*: the lines from one top-level statement's first line to the
next one's (its trailing blank and comment lines included), each with its libcst nodes. After
an edit, the chunks around the changed lines are parsed again as one *region* and split at their
statements; the others keep their nodes, and the module is assembled from all of them. The
assembled module is the one ``libcst.parse_module`` gives for the whole text (``deep_equals``:
``tests/test_server.py`` checks it through random edits), so the analysis and the rules see what
a lint from scratch sees. They still run on the whole module: a change anywhere can reach any
function, and the engine does not say which findings an edit leaves alone.

Why the assembled module is the whole text's parse:

* A region starts at a line the edit left unchanged where a top-level statement started (or
  at line 1): the text before it is unchanged and ends between statements, so it parses as it did.
* A region that parses on its own, followed by a statement (a ``pass`` stands for the chunks
  after it), ends between statements; the unchanged chunks after it start with a statement at
  column 0 (never ``else:``; a region that ends in a decorator does not parse), so they parse
  as they did.
* libcst gives a statement's preceding blank and comment lines to that statement: a chunk keeps
  them as ``trailing`` and the next chunk's first statement gets them when assembled (the
  last chunk's are the module's footer). An indented block is written against the module's
  default indent (``indent=None`` when they agree): a region whose parse guessed another default
  is rewritten against the file's.

Where that cannot be promised the whole text is parsed as the engine parses it: a form feed,
mixed line endings, a byte-order mark, NUL, deep brackets, the first lint of a document, a
text that never parsed, a change of the file's default indent, and code libcst does not render
as written (a line of only a backslash, a ``match``: ``chunks._MISRENDERED``; and any text or
region whose rendering differs from it, checked on each parse), since the chunks' lines are
counted from their rendering. A region that does not parse is
extended by a chunk, then to the end of the file; if that fails the file does not parse (the
text before the region is complete statements) and the finding is the engine's own, from
CPython's parser. The last text that parsed stays the base for the next edit, so typing through
a syntax error costs a region, not the file.

Positions of nodes (for findings, fixes, hovers) are found chunk by chunk and kept with the
chunk, and so are parents: an edit costs those of the chunks it made. Suppression comments are
read in the chunks that have findings (the tokenizer restarts at each chunk).
"""
from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass
from typing import Iterable, Optional

import libcst as cst

from .. import engine
from ..budget import TIMEOUT_NAME, BudgetExceeded
from ..budget import message as over_budget
from ..complexity import NAME as TOO_COMPLEX_NAME
from ..findings import SYNTAX_CODE, Finding
from ..parsing import parse_module
from ..rules import RuleContext, enabled_rules
from ..rules.base import Hints
from ..suppress import apply as apply_suppressions
from ..suppress import skips_file

from .chunks import Chunk, ChunkedContext, DEFAULT_INDENT, Fallback, Layout, SENTINEL, _CODING, _LINE_END, _Reindent, _deep_same, _first_block, chunkable, split_lines


@dataclass
class Stats:
    """What the last parse did, for the server's log and the benchmark."""

    mode: str = "full"  # "full": the whole text; "region": some chunks; "same": nothing changed
    lines: int = 0  # lines parsed


class Document:
    """One buffer's chunks, from the last text that parsed."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.chunks: list[Chunk] = []
        self.starts: list[int] = []  # 1-based first line of each chunk
        self.indent = DEFAULT_INDENT
        self.newline = "\n"
        self.layout: Optional[Layout] = None
        self.stats = Stats()

    # --- parsing --------------------------------------------------------------------------

    def parse(self, source: str, path: str) -> tuple[Optional[cst.Module], Optional[Finding], Optional[Layout]]:
        """(module, None, layout) or (None, the engine's syntax finding, None), as ``engine.parse``."""
        if not isinstance(source, str) or not chunkable(source) or engine.too_deeply_nested(source):
            return self._whole(source, path, keep=False)
        lines = split_lines(source)
        if not self.chunks or not lines:
            return self._whole(source, path)
        if lines == self.lines and self.layout is not None:
            self.stats = Stats("same", 0)
            return self.layout.module, None, self.layout
        try:
            return self._region(source, lines, path)
        except (Fallback, RecursionError, ValueError, MemoryError):
            return self._whole(source, path)

    def _whole(self, source, path: str, keep: bool = True):
        self.stats = Stats("full", source.count("\n") + 1 if isinstance(source, str) else 0)
        module, failure = engine.parse(source, path)
        if not keep:
            self.reset()
        if module is None or not keep:
            return module, failure, None  # a text that does not parse leaves the last one that did as the base
        if module.code != source:  # (see chunks._MISRENDERED): the whole text, parsed whole, every time
            self.reset()
            return module, None, None
        lines = split_lines(source)
        indent = module.default_indent if any(_first_block(s) is not None for s in module.body) else DEFAULT_INDENT
        try:
            chunks = self._split(module, lines, at_start=True, indent=indent)
        except Fallback:
            self.reset()
            return module, None, None
        self._settle(lines, chunks, indent)
        return self.layout.module, None, self.layout

    def reset(self) -> None:
        self.__init__()

    def _region(self, source: str, lines: list[str], path: str):
        old = self.lines
        prefix, suffix = common_ends(old, lines)
        delta = len(lines) - len(old)
        lo, hi = (prefix + 1, len(old) - suffix) if prefix + 1 <= len(old) - suffix else (prefix, prefix + 1)
        lo, hi = max(lo, 1), min(hi, len(old))
        first = bisect.bisect_right(self.starts, lo) - 1
        last = bisect.bisect_right(self.starts, hi) - 1
        while first > 0 and self.starts[first] > prefix:
            first -= 1  # a region starts on a line the edit left as it was (or at line 1)
        extended = False
        while True:
            start = self.starts[first]  # 1-based, the same in both texts
            end_old = self.starts[last + 1] - 1 if last + 1 < len(self.chunks) else len(old)
            end = end_old + delta
            at_end = last + 1 == len(self.chunks)
            # not at the end, a statement follows the region: libcst gives it the region's last blank
            # lines (at the end of a module it drops lines of only spaces, as it does for the whole text)
            text = "".join(lines[start - 1:end]) + ("" if at_end else SENTINEL + self.newline)
            self.stats = Stats("region", end - start + 1)
            try:
                parsed = parse_module(text)  # refuses code too deeply nested (complexity)
                if parsed.code != text:  # what the statements' code says of their lines would be wrong
                    raise Fallback("libcst does not render the region as written")
                if not at_end:
                    parsed = _without_sentinel(parsed)
            except cst.ParserSyntaxError as exc:
                if last + 1 < len(self.chunks):
                    # a decorator now on the next definition, or a string that runs on: a chunk more, then all
                    last = last + 1 if not extended else len(self.chunks) - 1
                    extended = True
                    continue
                return None, self._syntax_failure(source, path, exc), None
            except Exception as exc:  # noqa: BLE001 - whatever else libcst raises, the engine says it
                raise Fallback(str(exc)) from exc
            if not parsed.body and (first > 0 or last + 1 < len(self.chunks)):
                first, last = (first - 1, last) if first > 0 else (first, last + 1)  # only comments left: join a neighbour
                continue
            break
        kept = self.chunks[:first] + self.chunks[last + 1:]
        mine = next((b for b in map(_first_block, parsed.body) if b is not None), None)
        before = next((c.first_indent for c in self.chunks[:first] if c.first_indent is not None), None)
        after = next((c.first_indent for c in self.chunks[last + 1:] if c.first_indent is not None), None)
        natural = None if mine is None else (mine.indent if mine.indent is not None else parsed.default_indent)
        indent = before or natural or after or DEFAULT_INDENT  # libcst's guess for the file: its first block's
        if any(c.indent not in (None, indent) for c in kept):
            raise Fallback("the file's default indent changed")  # the kept chunks are written against another
        if mine is not None and parsed.default_indent != indent:
            parsed = parsed.visit(_Reindent(parsed.default_indent, indent))
        made = self._split(parsed, lines[start - 1:end], at_start=first == 0, indent=indent)
        following = self.chunks[last + 1] if last + 1 < len(self.chunks) else None
        if following is not None and following.body and _deep_same(made[-1].trailing, following.body[0].leading_lines):
            made[-1].trailing = tuple(following.body[0].leading_lines)  # the next chunk keeps its nodes, positions and all
        self._settle(lines, self.chunks[:first] + made + self.chunks[last + 1:], indent)
        return self.layout.module, None, self.layout

    def _syntax_failure(self, source: str, path: str, exc: cst.ParserSyntaxError) -> Finding:
        """The engine's finding for a text libcst does not parse (CPython's words and place);
        the engine's own parse when CPython accepts the text (its words are then libcst's)."""
        finding = engine.syntax_finding(source, path, exc)
        if "does not parse with libcst" in finding.message:
            self.stats = Stats("full", source.count("\n") + 1)
            _, finding = engine.parse(source, path)
        return finding

    def _split(self, module: cst.Module, lines: list[str], at_start: bool, indent: str) -> list[Chunk]:
        """The chunks of a parsed region (its ``lines``): one per statement. ``indent``: the
        default indent its blocks are written against."""
        statements = module.body
        if not statements:
            if not at_start:
                raise Fallback("a region without statements")
            return [Chunk("".join(lines), len(lines), tuple(module.header), (), tuple(module.footer), None, None)]
        if not at_start and (module.header or statements[0].leading_lines):
            raise Fallback("a region that does not start at a statement")
        firsts = []  # 0-based line of each statement's first token
        line = len(module.header)
        for statement in statements:
            firsts.append(line + len(statement.leading_lines))
            line += len(_LINE_END.findall(module.code_for_node(statement)))
        if any(b <= a for a, b in zip(firsts, firsts[1:])) or firsts[-1] >= len(lines) or \
                any(not lines[f][:1].strip() or lines[f][0] == "#" for f in firsts):
            raise Fallback("statements not where their lines are")
        chunks = []
        for index, statement in enumerate(statements):
            begin = 0 if index == 0 else firsts[index]
            stop = firsts[index + 1] if index + 1 < len(statements) else len(lines)
            trailing = statements[index + 1].leading_lines if index + 1 < len(statements) else module.footer
            block = _first_block(statement)
            natural = None if block is None else (block.indent if block.indent is not None else indent)
            chunks.append(Chunk("".join(lines[begin:stop]), stop - begin, tuple(module.header) if index == 0 else (),
                                (statement,), tuple(trailing), None if block is None else indent, natural))
        return chunks

    def _settle(self, lines: list[str], chunks: list[Chunk], indent: str) -> None:
        self.lines = lines
        self.chunks = chunks
        self.starts = []
        line = 1
        for chunk in chunks:
            self.starts.append(line)
            line += chunk.lines
        self.indent = indent
        self.newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        trailing_newline = bool(lines) and lines[-1].endswith(("\n", "\r"))
        self.layout = Layout(chunks, indent, self.newline, trailing_newline)

    # --- linting ----------------------------------------------------------------------------

    def lint(self, source: str, path: str, report_unused_suppressions: bool = False, hints: Optional[Hints] = None,
             select: Optional[Iterable[str]] = None) -> engine.FileResult:
        """``engine.lint_source`` with the parse above and positions by chunk: the same findings."""
        if skips_file(source):
            return engine.FileResult(path)
        codes = None if select is None else frozenset(select)
        try:
            result = engine.on_large_stack(self._lint, source, path, hints, enabled_rules(codes))
        except BudgetExceeded as exc:
            return engine.FileResult(path, [Finding(path, 1, 1, SYNTAX_CODE, over_budget(exc.seconds), TIMEOUT_NAME)])
        if result.findings or report_unused_suppressions:
            result.findings = sorted(self._unsuppressed(result, source, path, report_unused_suppressions, codes))
        return result

    def _unsuppressed(self, result: engine.FileResult, source: str, path: str, report_unused: bool, codes) -> list[Finding]:
        """``suppress.apply`` on the findings, reading comments only where they can matter.

        The tokenizer restarts at each chunk (chunks are whole statements), so a finding's
        suppression comments are those of its chunk: each chunk with findings is read alone.
        Unused suppressions are wanted from every chunk with a comment: the others are blanked to
        their line ends. A coding line (it would change how the whole text is read) or a chunk
        Python's tokenizer stops in: the whole text, as the engine reads it."""
        layout = result.context.layout if isinstance(result.context, ChunkedContext) else None
        if layout is None or layout is not self.layout or _CODING.search("".join(self.lines[:2])) \
                or not all(chunk.tokenizes() for chunk in layout.chunks):
            return apply_suppressions(result.findings, source, path, report_unused, codes)
        if report_unused:
            seen = "".join(c.text if i == 0 or "#" in c.text else c.blank() for i, c in enumerate(layout.chunks))
            return apply_suppressions(result.findings, seen, path, True, codes)
        by_chunk: dict[int, list[Finding]] = {}
        for finding in result.findings:
            by_chunk.setdefault(bisect.bisect_right(self.starts, finding.line) - 1, []).append(finding)
        kept = []
        for index, found in by_chunk.items():
            shift = self.starts[index] - 1
            alone = [dataclasses.replace(f, line=f.line - shift) for f in found]
            survivors = {id(f) for f in apply_suppressions(alone, layout.chunks[index].text, path, False, codes)}
            kept.extend(f for f, moved in zip(found, alone) if id(moved) in survivors)
        return kept

    def _lint(self, source: str, path: str, hints: Optional[Hints], rules) -> engine.FileResult:
        """``engine._lint_source`` on the assembled module, with positions found chunk by chunk."""
        module, failure, layout = self.parse(source, path)
        if module is None:
            if failure.name == TOO_COMPLEX_NAME:  # as the CLI lints it: around its too deep expressions
                return engine.lint_around_too_complex(source, path, hints, rules, failure)
            return engine.FileResult(path, [failure])
        ctx = ChunkedContext(module, hints, layout) if layout is not None else RuleContext(module, hints)
        return engine.lint_parsed(source, path, module, ctx, rules)


def _without_sentinel(parsed: cst.Module) -> cst.Module:
    """The region's module without the statement that stood for the rest of the file: the lines
    before it are the region's trailing lines (the next chunk's first statement's leading lines)."""
    sentinel = parsed.body[-1] if parsed.body else None
    if not (isinstance(sentinel, cst.SimpleStatementLine) and len(sentinel.body) == 1 and isinstance(sentinel.body[0], cst.Pass)
            and not parsed.footer):
        raise Fallback("the region swallowed what follows it")
    return parsed.with_changes(body=parsed.body[:-1], footer=sentinel.leading_lines)


def common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many lines ``a`` and ``b`` share at the start, and then at the end."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix
