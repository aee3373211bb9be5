"""Rule documentation, generated from the rules' docstrings (the one source of truth)."""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from .config import UNUSED_SUPPRESSION
from .findings import SYNTAX_CODE

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")

SL000_DOC = """## What it does
Reports a file that does not parse (or cannot be decoded), code nested too
deeply to parse and analyse in bounded time (`too-complex`: a syntax tree
deeper than 1,000 levels, or very many expressions nested past 100; each such
expression is reported and the rest of the file analysed around it), a file
whose analysis ran past its time budget (`timeout`), and code the analysis
failed on. One finding per file or function; the run goes on.

## Why is this bad?
Code that does not parse cannot run, and code that was not analysed may hide
shape bugs.

## Example
```python
def f(:
    pass
```

## Use instead
```python
def f():
    pass
```

## Fix safety
There is no automatic fix.
"""

SL100_DOC = """## What it does
Reports `# noqa: SL...` and `# shapelint: ignore[...]` comments that suppress
nothing or name no rule (only with `--show-unused-suppressions` or when
selected). A selector that names no rule (`ignore[SL999]`, `ignore[rank1-array]`)
is an unknown rule selector; a rule that is not enabled for the file suppresses
nothing there. A bare `# noqa`, and codes of other linters in a `# noqa`
(`E501`, `SLF001`), are left alone: other linters own them.

## Why is this bad?
A stale suppression hides the next real bug on that line, and one that names no
rule (a typo) never suppressed what it was meant to.

## Example
```python
x = 1  # noqa: SL002
```

## Use instead
```python
x = 1
```

## Fix safety
Removing the comment is safe.
"""


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    text: str
    fixable: bool

    @property
    def summary(self) -> str:
        """The first sentence of *What it does*."""
        body = section(self.text, "What it does")
        sentence = re.split(r"(?<=\.)\s", " ".join(body.split()), maxsplit=1)[0]
        return sentence.rstrip(".")


def all_docs() -> list[RuleDoc]:
    from .rules import all_rules  # here: the rules import libcst, which a cached run never needs

    docs = [RuleDoc(SYNTAX_CODE, "syntax-error", SL000_DOC, False)]
    for rule in all_rules():
        docs.append(RuleDoc(rule.code, rule.name, inspect.cleandoc(type(rule).__doc__ or ""), bool(getattr(rule, "fixable", False))))
    docs.append(RuleDoc(UNUSED_SUPPRESSION[0], UNUSED_SUPPRESSION[1], SL100_DOC, False))
    return sorted(docs, key=lambda d: d.code)


def section(text: str, title: str) -> str:
    match = re.search(r"^## " + re.escape(title) + r"\s*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return match.group(1).strip() if match else ""


def code_block(text: str, title: str) -> str:
    match = re.search(r"```python\n(.*?)```", section(text, title), re.S)
    return match.group(1) if match else ""


def rule_table() -> str:
    """The README's table of rules."""
    rows = ["| code | name | what it flags | fix |", "| --- | --- | --- | --- |"]
    for doc in all_docs():
        rows.append(f"| {doc.code} | {doc.name} | {doc.summary} | {'yes' if doc.fixable else 'no'} |")
    return "\n".join(rows) + "\n"


def render(doc: RuleDoc) -> str:
    return f"# {doc.name} ({doc.code})\n\n{doc.text.strip()}\n"
