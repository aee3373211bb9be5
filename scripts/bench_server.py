"""Server time to re-lint a 1,000-line file after an edit, measured through the protocol.

    python scripts/bench_server.py [--rounds N] [--lines N] [--kinds a,b]

Starts ``shapelint server`` twice, once as it runs (re-parsing only the top-level statements an
edit touched) and once with ``incremental: false`` (the whole text parsed on every change), opens
a file of about ``--lines`` lines made of the fixtures' real network code, then makes each kind
of edit and undoes it, ``--rounds`` times, each change waited out. The server logs, for every
lint, the wall time of its lint thread and the CPU time of the process (the machine's load shows
in the first more than in the second); this prints their medians per kind of edit (an edit and
its undo both count), how many lines were parsed, and the time from sending the change to the
diagnostics for it, less the debounce. Both servers must publish the same diagnostics.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import big_file  # noqa: E402  (the same 1,000-line file the CLI bench lints)
TIMING = re.compile(r"shapelint: lint of \S+ took ([\d.]+) ms \(([\d.]+) ms CPU; parsed (\d+) lines \((\w+)\)\)")


def edit_line(text: str) -> int:
    """A line of a function's body near the middle of the file (0-based), where a statement may go."""
    lines = text.splitlines()
    for number in range(len(lines) // 2, len(lines)):
        if all(lines[n].startswith("    ") and not lines[n].startswith("     ") for n in (number - 1, number)) \
                and not lines[number - 1].rstrip().endswith(("(", ",", "\\", ":")):
            return number
    raise SystemExit("no function body in the second half of the file")


def definition_line(text: str) -> int:
    """The first line of a top-level ``def`` near the middle of the file (0-based)."""
    lines = text.splitlines()
    return next(n for n in range(len(lines) // 2, len(lines)) if lines[n].startswith("def "))


def edits(text: str) -> dict[str, tuple[int, str]]:
    """Kind of edit -> (0-based line, lines inserted there); the undo deletes them again."""
    inside, top = edit_line(text), definition_line(text)
    return {
        "a statement in a function": (inside, "    bench = 1\n"),
        "module level: a constant": (top, "BENCH = 3\n\n\n"),
        "a function added (removed)": (top, "def bench(a):\n    return a @ a.T\n\n\n"),
        "an import at the top": (0, "import os\n"),
        "a syntax error mid-typing": (inside, "    x = np.zeros((3,\n"),
    }


async def measure(text: str, rounds: int, kinds: list[str], incremental: bool) -> dict:
    from shapelint.server.app import DEBOUNCE

    client = LanguageClient("bench", "1")
    published: dict[int, tuple[float, list]] = {}
    timings: dict[int, tuple[float, float, int, str]] = {}
    pending: list[int] = []

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        published.setdefault(params.version, (time.perf_counter(), [(d.code, d.range.start.line, d.range.start.character) for d in params.diagnostics]))

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def log(params: lsp.LogMessageParams) -> None:
        match = TIMING.search(params.message)
        if match and pending:
            timings[pending.pop(0)] = (float(match.group(1)), float(match.group(2)), int(match.group(3)), match.group(4))

    results: dict[str, list] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.py"
        path.write_text(text)
        uri = path.as_uri()
        await client.start_io(sys.executable, "-m", "shapelint", "server", cwd=folder)
        await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(),
                                                           initialization_options={"shapelint": {"incremental": incremental}}))
        client.initialized(lsp.InitializedParams())
        pending.append(1)
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
        await until(lambda: 1 in published and 1 in timings)
        version = 1
        table = edits(text)
        for _ in range(rounds):
            for kind in kinds:
                line, inserted = table[kind]
                added = inserted.count("\n")
                for change in (lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)), text=inserted),
                               lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(line, 0), lsp.Position(line + added, 0)), text="")):
                    version += 1
                    pending.append(version)
                    sent = time.perf_counter()
                    client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version, uri), [change]))
                    await until(lambda: version in published and version in timings)
                    results[kind].append((*timings[version], (published[version][0] - sent - DEBOUNCE) * 1000, published[version][1]))
        await client.shutdown_async(None)
        client.exit(None)
        await asyncio.wait_for(client._server.wait(), 30)  # pygls' client keeps the process here
    return results


async def until(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the server did not answer in time")
        await asyncio.sleep(0.002)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="each edit made and undone this many times")
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--kinds", help="a comma-separated subset of the kinds of edit (by their first word)")
    args = parser.parse_args(argv)
    text = big_file(args.lines)
    kinds = list(edits(text))
    if args.kinds:
        kinds = [k for k in kinds if k.split()[0] in args.kinds.split(",") or k in args.kinds.split(",")]
    incremental = asyncio.run(measure(text, args.rounds, kinds, incremental=True))
    scratch = asyncio.run(measure(text, args.rounds, kinds, incremental=False))
    print(f"{text.count(chr(10)):,} lines; server time per lint after an edit, median of {2 * args.rounds} "
          f"(each edit and its undo, {args.rounds} times); wall ms on the lint thread / CPU ms of the process")
    print(f"{'edit':28s} {'incremental':>24s}   {'from scratch':>18s}   {'sent -> diagnostics':>19s}")
    print(f"{'':28s} {'wall':>8s} {'CPU':>6s} {'parsed':>8s}   {'wall':>8s} {'CPU':>8s}   {'(less debounce)':>19s}")
    differ = []
    for kind in kinds:
        mine, theirs = incremental[kind], scratch[kind]
        print(f"{kind:28s} {median([r[0] for r in mine]):8.1f} {median([r[1] for r in mine]):6.1f} {median([r[2] for r in mine]):8.0f}"
              f"   {median([r[0] for r in theirs]):8.1f} {median([r[1] for r in theirs]):8.1f}   {median([r[4] for r in mine]):19.1f}")
        differ += [kind for a, b in zip(mine, theirs) if a[5] != b[5]]
    everything = [r for kind in kinds for r in incremental[kind]]
    print(f"{'all edits':28s} {median([r[0] for r in everything]):8.1f} {median([r[1] for r in everything]):6.1f}"
          f" (max {max(r[0] for r in everything):.1f} wall)")
    if differ:
        print(f"the two servers published different diagnostics after: {', '.join(sorted(set(differ)))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
