"""Lint speed as a ratio to a bare ``libcst.parse_module`` of the same files, in one run.

    python tests/bench_speed.py PATH... [--repeat N]

Each file is parsed bare and then linted, alternately, so a noisy machine slows
both measurements alike; the ratio is what to compare across runs. Linting
includes its own parse, so the ratio is at least 1.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import libcst as cst

from shapelint.discovery import python_files
from shapelint.engine import lint_source


def measure(files: list[Path], repeat: int) -> tuple[int, float, float, int]:
    lines = parse_total = lint_total = findings = 0
    for path in files:
        source = path.read_bytes()
        lines += source.count(b"\n")
        best_parse = best_lint = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                cst.parse_module(source)
            except Exception:  # noqa: BLE001 - the linter reports these; the baseline just times them
                pass
            best_parse = min(best_parse, time.perf_counter() - start)
            start = time.perf_counter()
            found = lint_source(source, str(path)).findings
            best_lint = min(best_lint, time.perf_counter() - start)
        parse_total += best_parse
        lint_total += best_lint
        findings += len(found)
    return lines, parse_total, lint_total, findings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=1, help="best of N per file (default 1)")
    args = parser.parse_args(argv)
    files = list(python_files(args.paths))
    lines, parse_s, lint_s, findings = measure(files, args.repeat)
    print(f"{len(files)} files, {lines:,} lines, {findings} findings (one process)")
    print(f"bare libcst.parse_module: {parse_s:8.2f} s  {lines / parse_s:10,.0f} lines/s")
    print(f"shapelint (parse + lint): {lint_s:8.2f} s  {lines / lint_s:10,.0f} lines/s")
    print(f"ratio lint/parse: {lint_s / parse_s:.2f}x  (analysis alone: {(lint_s - parse_s) / parse_s:.0%} of the parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
