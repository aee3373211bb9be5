"""Lint one source: parse, infer, judge, place. Never raises for bad input."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from .findings import INTERNAL_NAME, SYNTAX_CODE, SYNTAX_NAME, Finding
from .infer.interpreter import Analysis, analyze
from .rules import RuleContext, all_rules


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    module: Optional[cst.Module] = None
    analysis: Optional[Analysis] = None
    context: Optional[RuleContext] = None


def parse(source: bytes | str, path: str) -> tuple[Optional[cst.Module], Optional[Finding]]:
    try:
        return cst.parse_module(source), None
    except cst.ParserSyntaxError as exc:
        message = f"{path} does not parse: {exc.message}"
        return None, Finding(path, max(exc.raw_line, 1), max(exc.raw_column, 0) + 1, SYNTAX_CODE, message, SYNTAX_NAME)
    except (UnicodeDecodeError, LookupError, SyntaxError, ValueError) as exc:
        return None, Finding(path, 1, 1, SYNTAX_CODE, f"{path} cannot be read as Python: {exc}", SYNTAX_NAME)
    except RecursionError:
        return None, Finding(path, 1, 1, SYNTAX_CODE, f"{path} is nested too deeply to parse", SYNTAX_NAME)


def lint_source(source: bytes | str, path: str) -> FileResult:
    module, failure = parse(source, path)
    if module is None:
        return FileResult(path, [failure])
    result = FileResult(path, module=module)
    try:
        analysis = analyze(module)
    except RecursionError:
        result.findings.append(Finding(path, 1, 1, SYNTAX_CODE, "analysis failed: nested too deeply", INTERNAL_NAME))
        return result
    result.analysis = analysis
    ctx = RuleContext(module)
    result.context = ctx
    reports = judge(analysis, ctx)
    for rule, report in reports:
        result.findings.append(place(ctx, path, rule.code, rule.name, report.node, report.message))
    for error in analysis.errors:
        message = f"internal error while analysing this code, skipped: {error.message}"
        result.findings.append(place(ctx, path, SYNTAX_CODE, INTERNAL_NAME, error.node, message))
    result.findings.sort()
    return result


def judge(analysis: Analysis, ctx: RuleContext):
    """Ask the rules in priority order; the first to report claims the event."""
    seen: set = set()
    reports = []
    rules = all_rules()
    for event in analysis.events:
        for rule in rules:
            found = list(rule.check(event, ctx))
            if found:
                for report in found:
                    key = (rule.code, id(report.node))
                    if key not in seen:
                        seen.add(key)
                        reports.append((rule, report))
                break
    return reports


def place(ctx: RuleContext, path: str, code: str, name: str, node, message: str) -> Finding:
    position = ctx.positions().get(node) if node is not None else None
    if position is None:
        return Finding(path, 1, 1, code, message, name, 1, 1)
    start, end = position.start, position.end
    return Finding(path, start.line, start.column + 1, code, message, name, end.line, end.column + 1)
