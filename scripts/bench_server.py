"""Server time to re-lint a 1,000-line file after an edit, measured through the protocol.

    python scripts/bench_server.py [--edits N] [--lines N]

Starts ``shapelint server``, opens a file of about ``--lines`` lines made of the fixtures' real
network code, then types ``--edits`` one-line edits inside a function in the middle of it, each
waited out. For each edit the server logs how long its lint thread worked (the quick look at
the edited function, then the full file); this prints their medians, and the time from sending
the change to the first diagnostics for it, less the debounce.
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
TIMING = re.compile(r"shapelint: (quick|full) lint of \S+ took ([\d.]+) ms")


def big_file(lines: int) -> str:
    """Whole fixture files, one after another, until there are ``lines`` lines."""
    files = sorted((ROOT / "fixtures" / "e2e").glob("*.py")) + sorted((ROOT / "fixtures" / "reference_net").glob("*.py"))
    text = ""
    for path in (p for p in files if not p.name.endswith(".fixed.py")):
        text += path.read_text() + "\n"
        if text.count("\n") >= lines:
            break
    return text


def edit_line(text: str) -> int:
    """A line inside a function body near the middle of the file (0-based)."""
    lines = text.splitlines()
    middle = len(lines) // 2
    for number in range(middle, len(lines)):
        if lines[number].startswith("    ") and lines[number].strip() and not lines[number - 1].rstrip().endswith(("(", ",", "\\")):
            return number
    raise SystemExit("no function body in the second half of the file")


async def measure(text: str, edits: int) -> dict:
    from shapelint.server.app import DEBOUNCE

    client = LanguageClient("bench", "1")
    published: dict[int, float] = {}
    timings: list[tuple[str, float]] = []

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        published.setdefault(params.version, time.perf_counter())

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def log(params: lsp.LogMessageParams) -> None:
        match = TIMING.search(params.message)
        if match:
            timings.append((match.group(1), float(match.group(2))))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.py"
        path.write_text(text)
        uri = path.as_uri()
        await client.start_io(sys.executable, "-m", "shapelint", "server", cwd=folder)
        await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
        client.initialized(lsp.InitializedParams())
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
        await until(lambda: 1 in published and timings)
        line = edit_line(text)
        indent = len(text.splitlines()[line]) - len(text.splitlines()[line].lstrip())
        latencies, rounds = [], []
        for version in range(2, edits + 2):
            timings.clear()
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)), text=" " * indent + f"bench_{version} = {version}\n")
            sent = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version, uri), [change]))
            await until(lambda: version in published and any(kind == "full" for kind, _ in timings))
            latencies.append((published[version] - sent - DEBOUNCE) * 1000)
            rounds.append(list(timings))
        await client.shutdown_async(None)
        client.exit(None)
    return {"latency": latencies, "rounds": rounds, "debounce": DEBOUNCE}


async def until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the server did not answer in time")
        await asyncio.sleep(0.002)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args(argv)
    text = big_file(args.lines)
    result = asyncio.run(measure(text, args.edits))
    quick = [ms for round_ in result["rounds"] for kind, ms in round_ if kind == "quick"]
    full = [ms for round_ in result["rounds"] for kind, ms in round_ if kind == "full"]
    print(f"{text.count(chr(10)):,} lines, {args.edits} edits inside one function (median; min-max)")
    if quick:
        print(f"server time, quick look at the edited function: {statistics.median(quick):7.1f} ms  ({min(quick):.1f}-{max(quick):.1f})")
    else:
        print("server time, quick look: none taken (the edit was not inside one definition)")
    print(f"server time, full lint of the file:             {statistics.median(full):7.1f} ms  ({min(full):.1f}-{max(full):.1f})")
    latency = result["latency"]
    print(f"change sent -> first diagnostics, less the {result['debounce'] * 1000:.0f} ms debounce: {statistics.median(latency):7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
