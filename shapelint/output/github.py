"""GitHub Actions workflow commands: each finding an ``::error`` annotation on the pull request::

    ::error file=buggy.py,line=7,col=10,endLine=7,endColumn=28,title=SL002 (missing-keepdims)::`np.sum(...` ...

Every finding is an error (none is a warning). A notebook finding's line counts within its cell,
not the ``.ipynb`` file, so it is annotated on the file and names the cell in its message.
"""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from .context import printable


def escape_data(text: str) -> str:
    """The message part, escaped as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property: the message escapes, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def properties(finding: Finding) -> dict[str, object]:
    props: dict[str, object] = {"file": finding.path}
    if finding.cell is None:
        props["line"] = finding.line
        props["col"] = finding.column
        if finding.end_line:
            props["endLine"] = finding.end_line
            if finding.end_line == finding.line:  # GitHub takes end columns only on one-line ranges
                props["endColumn"] = finding.end_column
    props["title"] = f"{finding.code} ({finding.name})" if finding.name else finding.code
    return props


def command(finding: Finding) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties(finding).items())
    message = finding.message
    if finding.cell is not None:
        message = f"cell {finding.cell}, line {finding.line}, column {finding.column}: {message}"
    return printable(f"::error {props}::{escape_data(message)}\n")


def render(findings: Iterable[Finding], ctx=None) -> str:
    return "".join(command(f) for f in findings)
