"""A quick look after an edit: lint the edited function alone, keep the rest as it was.

The whole-file analysis of a 1,000-line module takes longer than a keystroke should wait
(``scripts/bench_server.py`` measures both), so after an edit inside one top-level function or
class the server first lints a copy of the file without every *other* top-level definition:
the module-level code and the edited definition (its findings are put back on the file's
lines). They replace the old findings in the edited lines; the old findings elsewhere move
with their lines. The full lint follows and replaces this; until then a finding that only another
definition's code shows (a caller's arguments) may be missing in the edited function, never
one that is not there (a blanked name is unknown, and unknown stays silent).
"""
from __future__ import annotations

import ast
import dataclasses
import re
from typing import Callable, Optional

from ..findings import Finding

Block = tuple[int, int, str]  # first line, last line (1-based, inclusive), text
MAX_EDITED_LINES = 400  # past this the quick look would cost about what the full lint does


def top_level_blocks(text: str) -> Optional[tuple[Block, ...]]:
    """Each top-level function or class (decorators included); None when the text does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = text.splitlines(keepends=True)
    blocks = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            end = node.end_lineno or node.lineno
            blocks.append((start, end, "".join(lines[start - 1:end])))
    return tuple(blocks)


def quick_findings(old_text: str, old_findings: list[Finding], old_blocks: tuple[Block, ...], text: str,
                   lint: Callable[[str], list[Finding]]) -> Optional[list[Finding]]:
    """The findings for ``text`` from a lint of its edited definitions alone and the old findings
    moved with their lines; None when the edit is not inside definitions (the full lint it is)."""
    if not old_blocks:
        return None
    blocks = shifted_blocks(old_text, old_blocks, text)
    if blocks is None:
        blocks = top_level_blocks(text)
    if blocks is None:
        return None
    unchanged = {block[2] for block in old_blocks}
    edited = [block for block in blocks if block[2] not in unchanged]
    if not edited or sum(end - start + 1 for start, end, _ in edited) > MAX_EDITED_LINES:
        return None
    if outside(old_text, old_blocks) != outside(text, blocks):
        return None  # module-level code changed: what it does reaches every function
    # the other definitions are left out (a name they define is then unknown, and unknown is silent)
    left_out = {line for block in blocks if block not in edited for line in range(block[0], block[1] + 1)}
    lines = text.splitlines(keepends=True)
    rows = [number for number in range(1, len(lines) + 1) if number not in left_out]
    fresh = [back_to(f, rows) for f in lint("".join(lines[number - 1] for number in rows))]
    in_edited = lambda line: any(start <= line <= end for start, end, _ in edited)  # noqa: E731
    moved = move_findings(old_text, text, [f for f in old_findings if f.cell is None])
    return sorted([f for f in moved if not in_edited(f.line)] + [f for f in fresh if in_edited(f.line)])


def shifted_blocks(old_text: str, old_blocks: tuple[Block, ...], text: str) -> Optional[tuple[Block, ...]]:
    """The definitions of ``text`` from the old ones, when the edit is one stretch inside one
    definition's body (every new line indented or blank); None when that cannot be told (parse then)."""
    a, b = old_text.splitlines(keepends=True), text.splitlines(keepends=True)
    prefix, suffix = common_ends(a, b)
    last = max(len(a) - suffix, prefix)  # old lines prefix+1..last were replaced (none: an insertion after prefix)
    if any(line.strip() and not line[:1].isspace() and not line.startswith("#") for line in b[prefix:len(b) - suffix]):
        return None  # a line at column 0: perhaps a statement of its own
    delta = len(b) - len(a)
    out = []
    for start, end, block_text in old_blocks:
        if end <= prefix:
            out.append((start, end, block_text))
        elif start > last:
            out.append((start + delta, end + delta, block_text))
        elif start <= prefix and last < end:
            out.append((start, end + delta, "".join(b[start - 1:end + delta])))
        else:
            return None  # the edit touches a definition's first or last line, or lies between two
    return tuple(out)


def common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many lines ``a`` and ``b`` share at the start, and then at the end."""
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def back_to(finding: Finding, rows: list[int]) -> Finding:
    """A finding of the shortened text placed on the lines of the whole one."""
    def row(line: int) -> int:
        return rows[line - 1] if 1 <= line <= len(rows) else line
    fix = finding.fix
    if fix is not None:
        fix = {**fix, "edits": [{**e, "location": {**e["location"], "row": row(e["location"]["row"])},
                                 "end_location": {**e["end_location"], "row": row(e["end_location"]["row"])}} for e in fix["edits"]]}
    message = _LINE_MENTION.sub(lambda m: f"{m.group(1)} line {row(int(m.group(2)))}", finding.message)
    return dataclasses.replace(finding, line=row(finding.line), end_line=row(finding.end_line) if finding.end_line else 0,
                               message=message, fix=fix)


def outside(text: str, blocks: tuple[Block, ...]) -> list[str]:
    """The lines of ``text`` not in any definition: the module-level code."""
    inside = {line for start, end, _ in blocks for line in range(start, end + 1)}
    return [line for number, line in enumerate(text.splitlines(), start=1) if number not in inside]


def line_map(old: str, new: str) -> dict[int, int]:
    """Old line -> new line, for the lines before and after the edited stretch (linear: an edit
    between two lints is one stretch; lines of a second one are left unmapped until the full lint)."""
    a, b = old.splitlines(), new.splitlines()
    prefix, suffix = common_ends(a, b)
    mapping = {line: line for line in range(1, prefix + 1)}
    mapping.update((line, line + len(b) - len(a)) for line in range(len(a) - suffix + 1, len(a) + 1))
    return mapping


_LINE_MENTION = re.compile(r"\b(on|at) line (\d+)\b")  # "when called from f() at line 52"


def move_findings(old: str, new: str, findings: list[Finding]) -> list[Finding]:
    """The findings on lines the edit kept, moved to where those lines are now (their fixes too)."""
    mapping = line_map(old, new)
    moved = []
    for finding in findings:
        line, end = mapping.get(finding.line), mapping.get(finding.end_line or finding.line)
        if line is None or end is None:
            continue
        message = _LINE_MENTION.sub(lambda m: f"{m.group(1)} line {mapping.get(int(m.group(2)), int(m.group(2)))}", finding.message)
        moved.append(dataclasses.replace(finding, line=line, end_line=end if finding.end_line else 0, message=message,
                                         fix=_move_fix(finding.fix, mapping)))
    return moved


def _move_fix(fix: Optional[dict], mapping: dict[int, int]) -> Optional[dict]:
    if fix is None:
        return None
    edits = []
    for edit in fix["edits"]:
        start, end = mapping.get(edit["location"]["row"]), mapping.get(edit["end_location"]["row"])
        if start is None or end is None:
            return None
        edits.append({**edit, "location": {**edit["location"], "row": start}, "end_location": {**edit["end_location"], "row": end}})
    return {**fix, "edits": edits}
