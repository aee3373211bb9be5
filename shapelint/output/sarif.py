"""SARIF 2.1.0, as GitHub code scanning takes it (``github/codeql-action/upload-sarif``).

One run; ``tool.driver.rules`` lists every rule (and SL000, SL100) with its documentation, so a
result's ``ruleIndex`` points into it. ``partialFingerprints["shapelint/v1"]`` hashes the code,
the path, the message (line numbers in it normalised) and the stripped source line, not the
line number, so an alert keeps its identity when lines are inserted above it. Identical
findings in one file are told apart by a ``:N`` occurrence suffix, as GitHub does for its
own ``primaryLocationLineHash``.

Columns count Unicode code points (``run.columnKind``), as shapelint's do; end columns are
exclusive, as SARIF's are.

A notebook finding counts lines within its cell, which SARIF cannot say (it has no cells), so its
region points at the ``.ipynb`` file's own line holding that line of the cell's source (with
columns when the JSON string escapes nothing before them; line 1 when the source is not found);
the message starts with ``cell 3, line 2, column 5:``, and ``properties`` carry ``cell`` and the
range within the cell (``cellRegion``).
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Iterable, Optional
from urllib.parse import quote_from_bytes

from .. import __version__
from ..docs import all_docs, section
from ..files import read_regular
from ..findings import SYNTAX_CODE, Finding
from ..notebook_lines import CellLines
from .context import RenderContext, printable
from .full import source_line

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "shapelint/v1"

#: The project's home page; ``tool.driver.informationUri`` when set.
INFORMATION_URI: Optional[str] = None
#: A rule's documentation page, formatted with ``code`` and ``name``
#: (``"https://example.org/rules/{name}/"``); ``helpUri`` of every rule when set.
HELP_URI: Optional[str] = None

ERROR_CODES = frozenset({SYNTAX_CODE, "SL007"})


def reflow(text: str) -> str:
    """Paragraphs on one line each (plain-text viewers wrap them themselves)."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", flat)
    return match.group(1) if match else flat


def level(code: str) -> str:
    return "error" if code in ERROR_CODES else "warning"


def rule_descriptor(code: str, name: str, doc: Optional[str]) -> dict:
    descriptor: dict = {"id": code, "name": name}
    if doc:
        doc = inspect.cleandoc(doc)
        what = section(doc, "What it does") or doc
        descriptor["shortDescription"] = {"text": first_sentence(what)}
        descriptor["fullDescription"] = {"text": reflow(what)}
        descriptor["help"] = {"text": doc, "markdown": doc}
    else:
        descriptor["shortDescription"] = {"text": f"{code} ({name})" if name else code}
    if HELP_URI:
        descriptor["helpUri"] = HELP_URI.format(code=code, name=name)
    descriptor["defaultConfiguration"] = {"level": level(code)}
    return descriptor


def rule_descriptors() -> list[dict]:
    """Every documented code, by code: SL000, the rules, SL100 (``shapelint.docs``, as ``shapelint rule`` shows them)."""
    return [rule_descriptor(doc.code, doc.name, doc.text) for doc in all_docs()]


def artifact_uri(path: str) -> str:
    """The path as a URI reference: relative paths stay relative (forward slashes, percent-encoded);
    absolute ones become ``file://`` URIs. The file name's bytes are percent-encoded, as RFC 3986
    says, so a name that is not UTF-8 keeps its bytes (``caf%E9.py``)."""
    windows = PureWindowsPath(path)
    if windows.drive and windows.is_absolute():
        return windows.as_uri()
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return PurePosixPath(posix).as_uri()
    return quote_from_bytes(os.fsencode(posix), safe="/")


def normalized_message(message: str) -> str:
    """The message without what moves when code above it is edited: line numbers, spacing."""
    message = re.sub(r"\b(lines?) \d+(?:\s*[-\u2013]\s*\d+)?", r"\1 N", message)
    return " ".join(message.split())


def fingerprint(finding: Finding, line_text: Optional[str]) -> str:
    parts = (finding.code, finding.path, normalized_message(finding.message), (line_text or "").strip())
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def region(finding: Finding, cells: Optional[CellLines] = None) -> dict:
    """The finding's range; a notebook finding's (lines within its cell) is moved to the ``.ipynb``
    file's own lines, where the cell's source is (columns only where the JSON string has no escape)."""
    if finding.cell is not None:
        return notebook_region(finding, cells)
    end_line = max(finding.end_line, finding.line) if finding.end_line else finding.line
    end_column = finding.end_column if finding.end_line else finding.column + 1
    if end_line == finding.line:
        end_column = max(end_column, finding.column + 1)
    return {"startLine": finding.line, "startColumn": finding.column, "endLine": end_line, "endColumn": end_column}


def notebook_region(finding: Finding, cells: Optional[CellLines]) -> dict:
    start = cells.spot(finding.cell, finding.line, finding.column) if cells else None
    if start is None:
        return {"startLine": 1}  # the cell's source could not be found in the file: the message names the cell
    out = {"startLine": start.line}
    if start.column is not None:
        out["startColumn"] = start.column
        if finding.end_line == finding.line and finding.end_column > finding.column:
            end = cells.spot(finding.cell, finding.line, finding.end_column)
            if end is not None and end.column is not None:
                out["endColumn"] = end.column
    return out


def notebook_lines(path: str, cache: dict) -> Optional[CellLines]:
    if path not in cache:
        try:
            cache[path] = CellLines(read_regular(path).decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            cache[path] = None
    return cache[path]


def result(finding: Finding, index: int, fingerprint_value: str, cells: Optional[CellLines] = None) -> dict:
    out: dict = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": level(finding.code),
        "message": {"text": printable(finding.message if finding.cell is None else f"{cell_place(finding)}: {finding.message}")},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(finding.path)},
                    "region": region(finding, cells),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint_value},
    }
    if finding.cell is not None:
        out["properties"] = {"cell": finding.cell, "cellRegion": cell_region(finding)}
    return out


def cell_place(finding: Finding) -> str:
    return f"cell {finding.cell}, line {finding.line}, column {finding.column}"


def cell_region(finding: Finding) -> dict:
    """Where the finding is within its cell, as a region would say it (a property: SARIF has no cells)."""
    end_line = max(finding.end_line, finding.line) if finding.end_line else finding.line
    end_column = finding.end_column if finding.end_line else finding.column + 1
    return {"startLine": finding.line, "startColumn": finding.column, "endLine": end_line, "endColumn": max(end_column, 1)}


def document(findings: Iterable[Finding], ctx: Optional[RenderContext] = None) -> dict:
    rules = rule_descriptors()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    seen: dict[tuple[str, str], int] = {}
    notebooks: dict = {}
    for finding in findings:
        if finding.code not in index:  # a code with no rule class (SL100 unused-suppression, ...)
            index[finding.code] = len(rules)
            rules.append(rule_descriptor(finding.code, finding.name, None))
        digest = fingerprint(finding, source_line(ctx, finding))
        seen[(finding.path, digest)] = occurrence = seen.get((finding.path, digest), 0) + 1
        cells = notebook_lines(finding.path, notebooks) if finding.cell is not None else None
        results.append(result(finding, index[finding.code], f"{digest}:{occurrence}", cells))
    driver: dict = {"name": "shapelint", "version": __version__}
    if INFORMATION_URI:
        driver["informationUri"] = INFORMATION_URI
    driver["rules"] = rules
    return {
        "$schema": SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }


def render(findings: Iterable[Finding], ctx: Optional[RenderContext] = None) -> str:
    return json.dumps(document(findings, ctx), indent=2) + "\n"
