"""How fast shapelint is, in one run: whole-process cold and warm runs, the bare parse, one file.

    python scripts/bench.py PATH... [--rounds N] [--jobs J] [--one-file FILE] [--latency-runs N]
    python scripts/bench.py PATH... --in-process [--rounds N]

Whole processes, as a user runs them (start-up and worker processes included):

- **cold**: ``shapelint check PATH...`` with a fresh, empty cache directory;
- **warm**: the same command again on that cache (nothing changed: every file from the cache);
- **bare parse**: one process that reads the same files (``shapelint check --show-files``) and
  ``libcst.parse_module``\\ s each, timed around the parsing loop only (no start-up, no import
  of libcst: the baseline is as cheap as it gets; the goal is judged on it), and the same
  process timed whole, from its start (Python's, ``import libcst``, reading the files), as the
  cold run is timed: the ratio to it is printed beside, to show what start-up weighs;
- **one file**: ``shapelint check FILE --no-cache`` on a file of about 1,000 lines (by default
  the one ``scripts/bench_server.py`` edits: the e2e fixtures and reference_net one after
  another; ``--one-file`` to choose), the median of ``--latency-runs`` runs, beside the start-up
  alone (``shapelint --version``) and its floor: a process that only imports libcst and parses
  the file, which no lint with libcst as its parser can beat in its own process; then the same
  run handed to a daemon (``shapelint daemon``, started for it in a scratch directory), whose
  wall time includes the client's own start-up: on a file the daemon has not seen, and on one
  it has kept the tree of, edited by a line since (the pre-commit run after a fix, an editor's
  save hook). The goal is judged on the second.

Every process runs with its bytecode cached (in a scratch ``PYTHONPYCACHEPREFIX``, compiled by
one unmeasured run of each kind first), as an installed package runs, even where
``PYTHONDONTWRITEBYTECODE`` is set.

Wall time is ``time.perf_counter`` around ``subprocess.run``; CPU is user + system time of all the
processes (``resource.getrusage(RUSAGE_CHILDREN)``, which counts the worker processes too). The
rounds interleave parse, cold and warm, so a noisy machine slows all three alike: the ratios are
taken per round, and the medians printed. The CPU ratio is the figure noise moves least.

``--in-process`` instead times, in this process, a bare parse and a whole lint of each file,
alternately (per file, the best of ``--rounds``): the lint's cost beyond its own parse.

The goals of issue 13 are checked at the end: cold CPU at most 1.3x the bare parse, warm at most
5% of cold, one file at most 0.25 s.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not (ROOT / "fixtures").is_dir():  # the script copied elsewhere: the repository is where it runs
    ROOT = Path.cwd()
SHAPELINT = [sys.executable, "-m", "shapelint"]
GOAL_CPU, GOAL_WARM, GOAL_ONE_FILE = 1.3, 0.05, 0.25

# The least a one-file lint can take with libcst as its parser: start Python, import libcst, parse.
FLOOR = "import sys, libcst; libcst.parse_module(open(sys.argv[1], 'rb').read())"

PARSER = r"""
import json, sys, time
from pathlib import Path
import libcst as cst
sources = []
for name in json.load(sys.stdin):
    data = Path(name).read_bytes()
    if name.endswith(".ipynb"):
        from shapelint.notebook import read_notebook
        try:
            data = read_notebook(data).source
        except Exception:
            continue
    sources.append(data)
wall, cpu = time.perf_counter(), time.process_time()
for data in sources:
    try:
        cst.parse_module(data)
    except Exception:
        pass
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""


def run(command: list[str], stdin: bytes | None = None, env: dict | None = None) -> tuple[float, float, bytes]:
    """(wall, CPU of the process and all its children, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"error: {' '.join(command)} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def environment(scratch: str) -> dict:
    """The caller's environment without the variables that switch the cache off or move it, and
    with bytecode caching on (in ``scratch``): an installed package runs from its ``.pyc`` files
    (pip compiles them), while ``PYTHONDONTWRITEBYTECODE`` would recompile every module, libcst's
    included, in every process measured."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SHAPELINT_NO_CACHE", "SHAPELINT_CACHE_DIR", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(scratch, "pycache")
    env["SHAPELINT_DAEMON"] = "0"  # a daemon the user left running must not do (and hide the CPU of) the runs measured
    env["SHAPELINT_RUNTIME_DIR"] = os.path.join(scratch, "daemon")  # the one-file line's own daemon
    return env


def daemon_latency(target: str, runs: int, env: dict) -> tuple[list, list, int]:
    """``shapelint check FILE`` served by a daemon (``shapelint daemon``) started for the purpose,
    two ways: on first sight (each run on a copy under a new name: the whole file is parsed) and
    after an edit (the daemon has kept the file's tree, ``retained``, and one line in the middle
    changed since the last run: only its statement is parsed again). Wall time of the whole
    client process and the client's own CPU (the daemon's worker is not its child, so its CPU is
    not counted: the wall time is the figure); and how many lints the daemon says reused a tree."""
    os.makedirs(env["SHAPELINT_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    served = dict(env, SHAPELINT_DAEMON="")
    run(SHAPELINT + ["daemon", "start", "--quiet"], env=env)
    scratch = tempfile.mkdtemp(prefix="shapelint-bench-daemon-")
    try:
        def check(name: str) -> tuple[float, float]:
            return run(SHAPELINT + ["check", name, "--no-cache", "--quiet", "--exit-zero"], env=served)[:2]

        text = Path(target).read_text()
        first_sight = []
        for number in range(runs + 1):  # (one more, unmeasured: the daemon's own first run)
            _wait_until_kept(env)
            copy = os.path.join(scratch, f"first_{number}.py")
            Path(copy).write_text(text)
            first_sight.append(check(copy))
        edited = os.path.join(scratch, "edited.py")
        Path(edited).write_text(text)
        check(edited)
        _wait_until_kept(env)
        kept_before = reused_by(env)
        after_edit = []
        for number in range(runs):
            _wait_until_kept(env)
            Path(edited).write_text(with_edit(text, number))
            after_edit.append(check(edited))
        _wait_until_kept(env)
        return first_sight[1:], after_edit, reused_by(env) - kept_before
    finally:
        run(SHAPELINT + ["daemon", "stop"], env=env)
        shutil.rmtree(scratch, ignore_errors=True)


def with_edit(text: str, number: int) -> str:
    """``text`` with a comment ending the logical line nearest its middle: one statement changed."""
    import io
    import tokenize

    ends = [token.start[0] for token in tokenize.generate_tokens(io.StringIO(text).readline) if token.type == tokenize.NEWLINE]
    lines = text.splitlines(keepends=True)
    middle = min(ends, key=lambda line: abs(line - len(lines) // 2)) - 1
    lines[middle] = lines[middle].rstrip("\r\n") + f"  # edit {number}\n"
    return "".join(lines)


def reused_by(env: dict) -> int:
    _, _, out = run(SHAPELINT + ["daemon", "status"], env=env)
    found = re.search(rb"reused by (\d+) lints", out)
    return int(found[1]) if found else 0


def _wait_until_kept(env: dict, seconds: float = 5.0) -> None:
    """Until the daemon has no run in flight and no file left to keep (it parses the files a run
    looked up once the run has ended and no request waits): what a user's pause between two
    runs gives it, kept out of the time measured."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _, _, out = run(SHAPELINT + ["daemon", "status"], env=env)
        if b"(0 in flight)" in out and b" 0 to keep" in out:
            return
        time.sleep(0.05)


def warm_up(env: dict) -> None:
    """One run of each kind of process, unmeasured, so the bytecode they load is compiled."""
    sample = ROOT / "reference_net" / "vectorized.py"
    run(SHAPELINT + ["check", "--no-cache", "--exit-zero", "--quiet", str(sample)], env=env)
    run([sys.executable, "-c", PARSER], stdin=b"[]", env=env)
    run([sys.executable, "-c", FLOOR, str(sample)], env=env)


def files_of(paths: list[str], env: dict) -> list[str]:
    _, _, out = run(SHAPELINT + ["check", "--show-files", *paths], env=env)
    return [line for line in out.decode().splitlines() if line.strip()]


def line_count(name: str) -> int:
    with open(name, "rb") as handle:
        return handle.read().count(b"\n")


def big_file(lines: int = 1000) -> str:
    """Whole fixture files, one after another, until there are ``lines`` lines (bench_server.py edits it too)."""
    files = sorted((ROOT / "fixtures" / "e2e").glob("*.py")) + sorted((ROOT / "fixtures" / "reference_net").glob("*.py"))
    text = ""
    for path in (p for p in files if not p.name.endswith(".fixed.py")):
        text += path.read_text() + "\n"
        if text.count("\n") >= lines:
            break
    return text


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import libcst

        libcst_version = getattr(libcst, "__version__", None) or _version("libcst")
    except ImportError:
        libcst_version = "?"
    from shapelint import __version__

    return (f"shapelint {__version__}, Python {platform.python_version()}, libcst {libcst_version}; "
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu or platform.processor() or '?'})")


def _version(name: str) -> str:
    from importlib.metadata import version

    try:
        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


def load() -> str:
    try:
        return "{:.1f}".format(os.getloadavg()[0])
    except OSError:
        return "?"


def whole_processes(args, env: dict) -> int:
    files = files_of(args.paths, env)
    if not files:
        sys.exit("error: no files to lint")
    lines = sum(line_count(name) for name in files)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(machine())
    print(f"{' '.join(args.paths)}: {len(files)} files, {lines:,} lines; jobs: {args.jobs or f'default ({os.cpu_count()})'}; "
          f"{args.rounds} rounds (medians); load {load()} at the start")
    parse, parse_process, cold, warm = [], [], [], []
    findings = None
    for _ in range(args.rounds):
        wall, cpu, out = run([sys.executable, "-c", PARSER], stdin=json.dumps(files).encode(), env=env)
        measured = json.loads(out)
        parse.append((measured["wall"], measured["cpu"]))
        parse_process.append((wall, cpu))
        directory = tempfile.mkdtemp(prefix="shapelint-bench-")
        try:
            command = SHAPELINT + ["check", *args.paths, "--quiet", "--exit-zero", "--output-format", "concise",
                                   "--cache-dir", directory, *jobs]
            wall, cpu, first = run(command, env=env)
            cold.append((wall, cpu))
            wall, cpu, second = run(command, env=env)
            warm.append((wall, cpu))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        if first != second:
            sys.exit("error: the warm run's findings differ from the cold run's")
        findings = first.count(b"\n")

    def median(pairs, index):
        return statistics.median(pair[index] for pair in pairs)

    def ratio(a, b, index):
        return statistics.median(x[index] / y[index] for x, y in zip(a, b))

    print(f"{'':24}{'wall':>9}{'CPU':>9}")
    print(f"{'bare libcst parse':24}{median(parse, 0):8.2f}s{median(parse, 1):8.2f}s   one process, timed around its parsing loop only")
    print(f"{'  as a whole process':24}{median(parse_process, 0):8.2f}s{median(parse_process, 1):8.2f}s   "
          f"the same process from its start: Python, `import libcst`, reading the files (as the cold run is timed)")
    print(f"{'cold (no cache)':24}{median(cold, 0):8.2f}s{median(cold, 1):8.2f}s   "
          f"{ratio(cold, parse, 0):.2f}x wall, {ratio(cold, parse, 1):.2f}x CPU of the bare parse "
          f"({ratio(cold, parse_process, 1):.2f}x CPU of the whole parsing process); {findings} findings")
    print(f"{'warm (all cached)':24}{median(warm, 0):8.2f}s{median(warm, 1):8.2f}s   "
          f"{ratio(warm, cold, 0):.1%} wall, {ratio(warm, cold, 1):.1%} CPU of the cold run")
    print(f"{'  per round':24}CPU ratios cold/parse: {' '.join(f'{c[1] / p[1]:.2f}' for c, p in zip(cold, parse))}"
          f" (parse CPU {' '.join(f'{p[1]:.2f}' for p in parse)}; cold {' '.join(f'{c[1]:.2f}' for c in cold)})")
    cpu_ratio, warm_ratio = ratio(cold, parse, 1), ratio(warm, cold, 0)
    process_ratio = ratio(cold, parse_process, 1)
    one_file = None
    if args.latency_runs:
        target, scratch = args.one_file, None
        if target is None:
            scratch = tempfile.mkdtemp(prefix="shapelint-bench-one-")
            target = os.path.join(scratch, "one_file.py")
            Path(target).write_text(big_file())
        try:
            startup = [run(SHAPELINT + ["--version"], env=env)[:2] for _ in range(args.latency_runs)]
            single = [run(SHAPELINT + ["check", target, "--no-cache", "--quiet", "--exit-zero"], env=env)[:2]
                      for _ in range(args.latency_runs)]
            floor = [run([sys.executable, "-c", FLOOR, target], env=env)[:2] for _ in range(args.latency_runs)]
            served, edited, reused = daemon_latency(target, args.latency_runs, env)
            lines_there = line_count(target)
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
        first_sight, one_file, alone = median(served, 0), median(edited, 0), median(single, 0)
        print(f"{'one file':24}{alone:8.2f}s{median(single, 1):8.2f}s   {target} ({lines_there:,} lines), "
              f"median of {args.latency_runs}; start-up alone (--version) {median(startup, 0):.2f}s")
        print(f"{'  its floor':24}{median(floor, 0):8.2f}s{median(floor, 1):8.2f}s   "
              f"a process that only imports libcst and parses that file (no lint can take less)")
        print(f"{'  with the daemon':24}{first_sight:8.2f}s{median(served, 1):8.2f}s   "
              f"the same run handed to `shapelint daemon`, on a file it has not seen (CPU: the client's only)")
        print(f"{'  ... after an edit':24}{one_file:8.2f}s{median(edited, 1):8.2f}s   "
              f"the daemon has kept the file's tree; one line changed since its last run "
              f"({reused} of {args.latency_runs} lints reused the tree)")
    print(f"load {load()} at the end")
    verdicts = [f"cold CPU <= {GOAL_CPU}x parse: {'yes' if cpu_ratio <= GOAL_CPU else 'no'} ({cpu_ratio:.2f}x the parsing loop; "
                f"{process_ratio:.2f}x the whole parsing process)",
                f"warm <= {GOAL_WARM:.0%} of cold: {'yes' if warm_ratio <= GOAL_WARM else 'no'} ({warm_ratio:.1%})"]
    if one_file is not None:
        verdicts.append(f"one file <= {GOAL_ONE_FILE} s: {'yes' if one_file <= GOAL_ONE_FILE else 'no'} "
                        f"({one_file:.2f} s with the daemon after an edit; {first_sight:.2f} s on first sight; "
                        f"{alone:.2f} s without the daemon)")
    print("goals (issue 13): " + "; ".join(verdicts))
    return 0


def in_process(args, env: dict) -> int:
    """The lint's cost beyond its parse, file by file, in this process (what a profile sees)."""
    import libcst as cst

    from shapelint.runner import collected_once, lint_data

    files = files_of(args.paths, env)
    lines = parse_total = lint_total = findings = 0
    for name in files:
        data = Path(name).read_bytes()
        lines += data.count(b"\n")
        best_parse = best_lint = float("inf")
        for _ in range(args.rounds):
            start = time.process_time()
            # the collector paused as it is for the lint (collected_once): with it running, its passes
            # over what earlier lints left in this process would be counted against the parse
            with collected_once():
                try:
                    cst.parse_module(data)
                except Exception:  # noqa: BLE001 - the linter reports these; the baseline just times them
                    pass
            best_parse = min(best_parse, time.process_time() - start)
            start = time.process_time()
            found = lint_data(data, name)
            best_lint = min(best_lint, time.process_time() - start)
        parse_total += best_parse
        lint_total += best_lint
        findings += len(found)
    print(machine())
    print(f"{len(files)} files, {lines:,} lines, {findings} findings (one process, CPU, best of {args.rounds} per file)")
    print(f"bare libcst.parse_module: {parse_total:8.2f} s  {lines / parse_total:10,.0f} lines/s")
    print(f"shapelint (parse + lint): {lint_total:8.2f} s  {lines / lint_total:10,.0f} lines/s")
    print(f"ratio lint/parse: {lint_total / parse_total:.2f}x  (beyond the parse: {(lint_total - parse_total) / parse_total:.0%} of it)")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of parse/cold/warm (default 3)")
    parser.add_argument("--jobs", type=int, default=None, help="shapelint --jobs (default: its own, one per core)")
    parser.add_argument("--one-file", default=None, help="the file for the one-file latency (default: the one nearest 1,000 lines)")
    parser.add_argument("--latency-runs", type=int, default=7, help="runs for the one-file latency (0: skip it)")
    parser.add_argument("--in-process", action="store_true", help="time parse and lint per file in this process instead")
    args = parser.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="shapelint-bench-bytecode-")
    try:
        env = environment(scratch)
        if args.in_process:
            return in_process(args, env)
        warm_up(env)
        return whole_processes(args, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
