"""How much of a file shapelint could see: ``shapelint coverage PATH``.

A finding needs known shapes, so a file where few are known is a file where bugs
go unseen. For each file: of the expressions that can hold an array (names,
attributes, subscripts, calls, operators) and hold an array or a value nobody
knows, the share whose value is an array of known rank in some run (as written,
or with a caller's arguments), and of those with every size known; and the functions with parameters that never got a shape (from a
declaration or from a caller in the file), where one declaration would help most.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .infer.values import UNKNOWN, ArrayValue


@dataclass
class FileCoverage:
    path: str
    expressions: int = 0  # arrays or unknowns
    known_rank: int = 0
    fully_known: int = 0
    blind_functions: list[tuple[str, list[str]]] = field(default_factory=list)  # (function, parameters)

    @property
    def share(self) -> float:
        return self.known_rank / self.expressions if self.expressions else 1.0


def file_coverage(path: str, analysis) -> FileCoverage:
    found = FileCoverage(path)
    counted: dict[int, int] = {}  # the best any run (as written, or with some caller's arguments) knew
    for node, value in analysis.seen_values:
        if isinstance(value, ArrayValue) and value.shape.rank:
            level = 2 if value.shape.fully_known else 1
            counted[id(node)] = max(counted.get(id(node), 0), level)
        elif value is UNKNOWN:
            counted.setdefault(id(node), 0)
    found.expressions = len(counted)
    found.known_rank = sum(1 for level in counted.values() if level >= 1)
    found.fully_known = sum(1 for level in counted.values() if level == 2)
    for function, parameters in analysis.parameters.items():
        blind = [name for name, seen in parameters.items() if not seen]
        if blind:
            found.blind_functions.append((function.name.value, blind))
    return found


def render(rows: list[FileCoverage]) -> list[str]:
    lines = [f"{'file':40} {'exprs':>6} {'rank known':>11} {'all sizes':>10}"]
    total = FileCoverage("TOTAL")
    for row in rows:
        lines.append(_line(row))
        total.expressions += row.expressions
        total.known_rank += row.known_rank
        total.fully_known += row.fully_known
    if len(rows) > 1:
        lines.append(_line(total))
    for row in rows:
        for function, parameters in row.blind_functions:
            lines.append(f"{row.path}: {function}() never got a shape for {', '.join(parameters)}")
    return lines


def _line(row: FileCoverage) -> str:
    rank = f"{row.known_rank} ({100 * row.share:.0f}%)"
    full = f"{row.fully_known} ({100 * (row.fully_known / row.expressions if row.expressions else 1):.0f}%)"
    return f"{row.path:40} {row.expressions:>6} {rank:>11} {full:>10}"
