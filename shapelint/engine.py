"""Lint one source: parse, infer, judge, place. Never raises for bad input."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Optional

import ast
import re
import sys
import threading
from itertools import accumulate

import libcst as cst

from . import retained
from .budget import TIMEOUT_NAME, BudgetExceeded, Worker, wait_within_budget
from .budget import message as over_budget
from .complexity import NAME as TOO_COMPLEX_NAME
from .complexity import TooComplex
from .findings import INTERNAL_NAME, SYNTAX_CODE, SYNTAX_NAME, FileResult, Finding  # noqa: F401  (FileResult re-exported)
from .infer.interpreter import Analysis, InternalError, analyze
from .infer.project import keep_linted, parsed_for_import
from .infer.values import Expanded
from .parsing import parse_module
from .positions import form_feed_shifts, realign
from .rules import RuleContext, enabled_rules
from .rules.base import Hints, Rule, under_call_site
from .suppress import apply as apply_suppressions
from .suppress import skips_file


MAX_BRACKET_DEPTH = 200  # CPython's own limit: deeper code is not valid Python
_BRACKETS = bytes(range(256)).translate(None, b"()[]{}")
_DEPTH_STEP = {ord("("): 1, ord("["): 1, ord("{"): 1, ord(")"): -1, ord("]"): -1, ord("}"): -1}


def too_deeply_nested(source: bytes | str) -> bool:
    """Brackets nested past CPython's limit (libcst's native parser would overflow its stack).

    Counts brackets in strings too, so a deep count is confirmed by CPython.
    """
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    brackets = data.translate(None, _BRACKETS)
    if len(brackets) <= MAX_BRACKET_DEPTH or max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) <= MAX_BRACKET_DEPTH:
        return False
    try:
        compile(source, "<check>", "exec", ast.PyCF_ONLY_AST)
    except (SyntaxError, RecursionError, MemoryError, ValueError, UnicodeDecodeError):
        return True
    return False


def null_byte(source: bytes | str) -> Optional[tuple[int, int]]:
    """Line and column of the first NUL: CPython refuses any source holding one, even in a string."""
    if (b"\0" if isinstance(source, bytes) else "\0") not in source:
        return None
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    before = text[:text.index("\0")]
    starts = [match.end() for match in re.finditer(r"\r\n|\r|\n", before)]
    return len(starts) + 1, len(before) - (starts[-1] if starts else 0) + 1


def parse(source: bytes | str, path: str) -> tuple[Optional[cst.Module], Optional[Finding]]:
    nul = null_byte(source)
    if nul is not None:
        message = f"{path} does not parse: source code cannot contain null bytes"
        return None, Finding(path, *nul, SYNTAX_CODE, message, SYNTAX_NAME)
    if too_deeply_nested(source):
        message = f"{path} does not parse: brackets nested more than {MAX_BRACKET_DEPTH} deep"
        return None, Finding(path, 1, 1, SYNTAX_CODE, message, SYNTAX_NAME)
    reused = parsed_for_import(path, source)
    if reused is None:
        reused = retained.parsed(source, path)  # the daemon's tree of this file, brought up to date
    if reused is not None:
        return reused, None
    try:
        with retained.timing(path):
            return parse_module(source), None
    except cst.ParserSyntaxError as exc:
        return None, syntax_finding(source, path, exc)
    except TooComplex as exc:
        return None, Finding(path, exc.line, exc.column, SYNTAX_CODE, str(exc), TOO_COMPLEX_NAME)
    except (UnicodeDecodeError, LookupError, SyntaxError, ValueError) as exc:
        return None, Finding(path, 1, 1, SYNTAX_CODE, f"{path} cannot be read as Python: {exc}", SYNTAX_NAME)
    except RecursionError:
        return None, Finding(path, 1, 1, SYNTAX_CODE, f"{path} is nested too deeply to parse", SYNTAX_NAME)


def syntax_finding(source: bytes | str, path: str, exc: cst.ParserSyntaxError) -> Finding:
    """Where CPython places the error (libcst's own position can be a line late), and its words."""
    try:
        compile(source, path, "exec", ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        line, column = error.lineno or 1, error.offset or 1
        return Finding(path, line, max(column, 1), SYNTAX_CODE, f"{path} does not parse: {error.msg}", SYNTAX_NAME)
    except (ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        pass
    message = f"{path} does not parse with libcst: {exc.message}"
    return Finding(path, max(exc.raw_line, 1), max(exc.raw_column, 0) + 1, SYNTAX_CODE, message, SYNTAX_NAME)


def lint_source(source: bytes | str, path: str, report_unused_suppressions: bool = False, hints: Optional[Hints] = None,
                select: Optional[Iterable[str]] = None) -> FileResult:
    """Lint one file's source; suppression comments apply. Never raises for bad input.

    ``select``: the codes of the rules that judge this file (None: every rule). A rule left
    out is never asked, so it cannot claim an event another rule would have reported.
    """
    if skips_file(source):
        return FileResult(path)
    codes = None if select is None else frozenset(select)
    try:
        result = on_large_stack(_lint_source, source, path, hints, enabled_rules(codes))
    except BudgetExceeded as exc:  # the time budget (budget.time_budget) ran out: one finding, the run goes on
        return FileResult(path, [Finding(path, 1, 1, SYNTAX_CODE, over_budget(exc.seconds), TIMEOUT_NAME)])
    result.findings = sorted(apply_suppressions(result.findings, source, path, report_unused_suppressions, codes))
    return result


def _lint_source(source: bytes | str, path: str, hints: Optional[Hints], rules: tuple[Rule, ...]) -> FileResult:
    """Runs on a thread with a large stack: deep code gets an SL000, not a segfault."""
    module, failure = parse(source, path)
    if module is None:
        if failure.name == TOO_COMPLEX_NAME:
            return lint_around_too_complex(source, path, hints, rules, failure)
        return FileResult(path, [failure])
    result = lint_parsed(source, path, module, RuleContext(module, hints, source), rules)
    keep_linted(path, source, module)  # a file this process lints later may import this one
    return result


def lint_around_too_complex(source, path: str, hints: Optional[Hints], rules: tuple[Rule, ...], failure: Finding) -> FileResult:
    """The file with its too deeply nested expressions masked (``masking``): one SL000 at each,
    the rest analysed as usual but without fixes (they would render the mask); the file's one
    SL000 when masking cannot help."""
    from .masking import masked

    mask = masked(source)
    if mask is None:
        return FileResult(path, [failure])
    try:
        module = parse_module(mask.text)
    except Exception:  # noqa: BLE001 - whatever libcst says of the masked text, the file's SL000 stands
        return FileResult(path, [failure])
    result = lint_parsed(source, path, module, RuleContext(module, hints, mask.text), rules)
    result.findings = sorted([replace(finding, fix=None) for finding in result.findings] + [
        Finding(path, problem.line, problem.column, SYNTAX_CODE, str(problem), TOO_COMPLEX_NAME) for problem in mask.problems])
    return result


def lint_parsed(source: bytes | str, path: str, module: cst.Module, ctx: RuleContext, rules: tuple[Rule, ...]) -> FileResult:
    """Analyse a parsed module and judge it with ``ctx`` (the server passes one that knows its
    positions chunk by chunk)."""
    result = FileResult(path, module=module)
    try:
        analysis = analyze(module, path)
        ctx.stale_declarations = frozenset(analysis.stale_declarations)
        ctx.unproven_events = analysis.unproven
        answers = Answers()
        reports, failures = judge(analysis, ctx, rules, answers)
        if ctx.lines_were_missing():
            # Messages asked for lines ("made on line 3"): locate those with the reports, then ask
            # again only the events whose answers asked (``judge``).
            ctx.locate(located_nodes(reports, analysis.errors + failures))
            reports, failures = judge(analysis, ctx, rules, answers)
        errors = analysis.errors + failures
        ctx.locate(located_nodes(reports, errors))
        reports = first_raise_per_statement(reports, ctx)
        placed = [place(ctx, path, rule.code, rule.name, report.node, report.message, report.fix) for rule, report in reports]
        for error in errors:
            message = f"internal error while analysing this code, skipped: {error.message}"
            placed.append(place(ctx, path, SYNTAX_CODE, INTERNAL_NAME, error.node, message))
    except RecursionError:
        result.findings.append(Finding(path, 1, 1, SYNTAX_CODE, "analysis skipped: code nested too deeply", INTERNAL_NAME))
        return result
    result.analysis = analysis
    result.context = ctx
    result.findings.extend(realign(placed, form_feed_shifts(source, module)))
    result.findings.sort()
    return result


def judge(analysis: Analysis, ctx: RuleContext, rules: Optional[tuple[Rule, ...]] = None, answers: Optional["Answers"] = None):
    """Ask the rules (default: all) in priority order; the first to report claims the event.

    ``answers`` keeps each event's answer from one judgement to the next: judged again once the
    positions its messages asked for are located, only the events whose rules asked for a
    position are asked again. The others' answers cannot change (the rules keep no state, and
    ``first_report_of`` answers alike when asked again), and the claims are made again in the
    same order, so the result is a whole second judgement's at the cost of those few events."""
    seen: set = set()
    reports = []
    failures: list[InternalError] = []
    rules = enabled_rules() if rules is None else rules
    answers = Answers() if answers is None else answers
    if answers.judged is None:
        answers.judged = [(event, analysis.contexts.get(id(event))) for event in analysis.events if not _dropped(event, ctx)]
    reported_nodes: set = set()
    for event, site in answers.judged:
        if site is not None and id(event.node) in reported_nodes:
            continue  # what a caller's arguments show adds to the code as written, never repeats it
        answer = answers.of.get(id(event))
        if answer is None or answer.asked_position:
            answer = answers.of[id(event)] = _answer(event, site, ctx, rules)
        failures.extend(answer.failures)
        for rule, report in answer.reports:
            key = (rule.code, id(report.node))
            if key not in seen:
                seen.add(key)
                reported_nodes.add(id(report.node))
                reports.append((rule, report))
    return reports, failures


def _dropped(event, ctx: RuleContext) -> bool:
    """Does the event rest on a declaration the code contradicts, or echo a silent expansion?"""
    return any(source in ctx.stale_declarations or isinstance(source, Expanded) for array in event.arrays() for source in array.basis)


class Answers:
    """The events a judgement asks about (with their call sites) and what the rules answered."""

    def __init__(self) -> None:
        self.judged: Optional[list] = None
        self.of: dict = {}


@dataclass(frozen=True)
class _Answer:
    """What the rules said of one event: the claiming rule's reports, the failures of the rules
    asked before it, and whether any asked for a position not located yet."""

    reports: tuple
    failures: tuple
    asked_position: bool


def _answer(event, site, ctx: RuleContext, rules: tuple[Rule, ...]) -> _Answer:
    asks = ctx.unplaced_asks
    failures = []
    reports: list = []
    for rule in rules:
        try:
            found = list(rule.check(event, ctx))
        except Exception as exc:  # noqa: BLE001 - one rule failing must not lose the file
            failures.append(InternalError(event.node, f"{rule.code} failed: {type(exc).__name__}: {exc}"))
            continue
        if found:
            reports = [(rule, report if site is None else under_call_site(report, site, ctx)) for report in found]
            break
    return _Answer(tuple(reports), tuple(failures), ctx.unplaced_asks != asks)


RAISING_RULES = frozenset({"SL004", "SL007"})  # each of their findings says NumPy raises


def first_raise_per_statement(reports: list, ctx: RuleContext) -> list:
    """NumPy stops a statement at its first error, so of one rule's "NumPy raises" findings in one
    statement only the first is kept, saying how many follow (a generated polynomial called with
    mismatched arrays fails in each of its 400 terms: one finding, not 400)."""
    raising = [index for index, (rule, _) in enumerate(reports) if rule.code in RAISING_RULES]
    if len(raising) < 2:
        return reports  # (finding statements walks the whole module once: only when it can matter)
    groups: dict = {}
    for index in raising:
        rule, report = reports[index]
        groups.setdefault((rule.code, id(_statement_of(report.node, ctx))), []).append(index)
    dropped: set = set()
    kept: dict = {}
    for indices in groups.values():
        if len(indices) < 2:
            continue
        indices.sort(key=lambda i: _start(ctx, reports[i][1].node))
        first, *rest = indices
        dropped.update(rest)
        kept[first] = len(rest)
    if not kept:
        return reports
    folded = []
    for index, (rule, report) in enumerate(reports):
        if index in dropped:
            continue
        if index in kept:
            more = kept[index]
            report = replace(report, message=f"{report.message}; {more} more in this statement (NumPy stops at the first)")
        folded.append((rule, report))
    return folded


def _statement_of(node, ctx: RuleContext):
    current = node
    while current is not None and not isinstance(current, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
        current = ctx.parent(current)
    return current if current is not None else node


def _start(ctx: RuleContext, node) -> tuple:
    position = ctx.position(node)
    return (position.start.line, position.start.column) if position is not None else (0, 0)


def located_nodes(reports, errors) -> list:
    """Every node a finding or its fix points at."""
    nodes = [error.node for error in errors]
    for _, report in reports:
        nodes.append(report.node)
        if report.fix is not None:
            nodes.extend(node for node, _ in report.fix.edits)
    return nodes


def place(ctx: RuleContext, path: str, code: str, name: str, node, message: str, fix=None) -> Finding:
    position = ctx.position(node) if node is not None else None
    if position is None:
        return Finding(path, 1, 1, code, message, name, 1, 1)
    start, end = position.start, position.end
    return Finding(path, start.line, start.column + 1, code, message, name, end.line, end.column + 1, fix_dict(ctx, fix))


def fix_dict(ctx: RuleContext, fix) -> Optional[dict]:
    """A fix in ruff's JSON shape, with 1-based positions of each replaced range."""
    if fix is None:
        return None
    edits = []
    for node, content in fix.edits:
        position = ctx.position(node)
        if position is None:
            return None
        edits.append({
            "content": content,
            "location": {"row": position.start.line, "column": position.start.column + 1},
            "end_location": {"row": position.end.line, "column": position.end.column + 1},
        })
    return {"applicability": fix.applicability, "message": fix.title, "edits": edits}


STACK_SIZE = 512 * 1024 * 1024  # address space, not memory: pages are used only as deep code needs them
RECURSION_LIMIT = 20_000


def on_large_stack(function, *args):
    """Run ``function`` on a thread whose C stack fits libcst's recursion on deep but valid code;
    past the time budget (``budget.time_budget``) it is stopped and ``BudgetExceeded`` raised."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    previous = threading.stack_size()
    try:
        threading.stack_size(STACK_SIZE)
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        # a daemon: a thread stopped for running past its budget never keeps the process alive
        worker = Worker(target=target, name="shapelint-lint", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    wait_within_budget(worker)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
