#!/usr/bin/env python
"""Run shapelint over pinned releases of real scientific Python packages and count what it says.

What it is for: the fixtures show that shapelint finds the bugs it was written for; this script
shows what it says about code nobody wrote for it.  Every finding on a mature, well-tested
library is most likely a false positive, so the counts per 10k lines are the false-positive
rate a user would meet, and ``--show`` prints the findings of chosen rules one per line
(``path:line:col CODE message``, paths relative to the package root) for a human to judge.

It needs the network (PyPI, through pip) only on the first run: each pinned release is fetched
once with ``python -m pip download --no-deps`` into the cache (default
``~/.cache/shapelint-realcode/``, ``--cache DIR`` to change it) and only its ``.py`` files are
kept, in ``CACHE/src/NAME-VERSION/``.  Later runs lint the cached trees and touch no network.
The wheel for CPython 3.11 on manylinux x86_64 is asked for whatever the host is, so every
machine lints the same files (a platform wheel of a package with C extensions still carries all
its ``.py`` sources); when no such wheel exists the source distribution is used instead.  A
package that cannot be fetched is reported and skipped; the others still run.

Library code only by default: directories named ``tests``/``test`` and files ``test_*.py``,
``*_test.py`` and ``conftest.py`` are left out (``--include-tests`` keeps them); the output
says which was done.  shapelint runs as a subprocess (``python -m shapelint check
--output-format json-lines``) with an empty configuration, one run per package, using its own
``--jobs`` process pool.

This is a measuring tool, not a test: the default pytest run does not run it
(tests/test_realcode_script.py covers its offline parts).

    python scripts/realcode.py                         # the four judged packages
    python scripts/realcode.py --packages all --show SL003,SL004,SL007
    python scripts/realcode.py --packages pyod,quantecon --json /tmp/findings.json
    # lint with a committed shapelint rather than the (possibly half-edited) installed tree:
    mkdir /tmp/sl && git archive HEAD | tar -x -C /tmp/sl && python scripts/realcode.py --shapelint /tmp/sl
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

# name on PyPI -> pinned version.  CORE are the packages shapelint is judged on; EXTRAS are more
# real code to look at when there is time.  Change a pin deliberately: the baselines compare runs.
CORE = {
    "statsmodels": "0.14.6",
    "quantecon": "0.11.4",
    "scikit-image": "0.25.2",
    "pyod": "3.6.7",
}
EXTRAS = {
    "librosa": "0.11.0",
    "trimesh": "5.2.0",
    "pymoo": "0.6.1.5",
    "PyWavelets": "1.8.0",
    "shap": "0.51.0",
}
PINNED = {**CORE, **EXTRAS}

RULES = tuple(f"SL00{i}" for i in range(8))  # SL000 = syntax/internal error, SL001..SL007 the rules
DEFAULT_CACHE = Path("~/.cache/shapelint-realcode").expanduser()
# Fixed target so every host downloads the same wheel (its .py files are what we lint).
WHEEL_TARGET = ["--platform", "manylinux2014_x86_64", "--python-version", "3.11",
                "--implementation", "cp", "--abi", "cp311"]
DONE_MARK = ".extracted"
TEST_DIRS = {"tests", "test"}


@dataclass(frozen=True)
class Result:
    """One package's run: the files and lines linted, the findings (dicts), or why it failed."""

    name: str
    version: str
    files: int = 0
    lines: int = 0
    findings: tuple = ()
    seconds: float = 0.0
    error: Optional[str] = None


# ---------------------------------------------------------------- fetching and extracting

def is_test_path(relative: str) -> bool:
    """Test code by its path relative to the package root (``a/tests/x.py``, ``a/test_x.py``)."""
    parts = PurePosixPath(relative.replace(os.sep, "/")).parts
    name = parts[-1]
    if any(part in TEST_DIRS for part in parts[:-1]):
        return True
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _safe_member(name: str) -> Optional[str]:
    """The archive member's path if it is a .py file that stays inside the target, else None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if not name.endswith(".py") or path.is_absolute() or ".." in path.parts:
        return None
    return str(path)


def py_members(archive: Path) -> dict[str, bytes]:
    """The ``.py`` files of a wheel, zip or tar.gz as {path relative to the package root: bytes}.

    A wheel's root is the archive root (``*.dist-info`` dropped); an sdist's single top
    directory (``name-1.0/``) is stripped.
    """
    members: dict[str, bytes] = {}
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = _safe_member(info.filename)
                if name is not None and not info.is_dir():
                    members[name] = zf.read(info)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            for info in tf.getmembers():
                name = _safe_member(info.name)
                if name is not None and info.isfile():
                    handle = tf.extractfile(info)
                    if handle is not None:
                        members[name] = handle.read()
    else:
        raise ValueError(f"{archive}: not a zip, wheel or tar archive")
    is_wheel = archive.suffix == ".whl"
    if is_wheel:
        members = {n: b for n, b in members.items() if not PurePosixPath(n).parts[0].endswith(".dist-info")}
    else:
        tops = {PurePosixPath(n).parts[0] for n in members}
        if len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in members):
            members = {str(PurePosixPath(*PurePosixPath(n).parts[1:])): b for n, b in members.items()}
    return members


def extract_py(archive: Path, dest: Path) -> int:
    """Write the archive's .py files below ``dest`` (replacing it); returns how many."""
    members = py_members(archive)
    staging = dest.with_name(dest.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    for name, data in members.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / DONE_MARK).write_text(f"{archive.name}\n{len(members)} .py files\n")
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)
    return len(members)


def _pip_download(spec: str, into: Path, extra: list[str]) -> tuple[bool, str]:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--retries", "2", "--timeout", "60",
               "--dest", str(into), *extra, spec]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return False, "pip download timed out after 600 s"
    lines = [line for line in (done.stderr or "").splitlines() if line.strip() and "WARNING" not in line]
    return done.returncode == 0, "\n".join(lines[-3:])


def fetch(name: str, version: str, cache: Path, log=print) -> Path:
    """``CACHE/src/NAME-VERSION/`` with the release's .py files; downloads only when not cached.

    Raises RuntimeError with pip's reason when the release cannot be downloaded.
    """
    src = cache / "src" / f"{name}-{version}"
    if (src / DONE_MARK).is_file():
        return src
    dist = cache / "dist" / f"{name}-{version}"
    archives = sorted(p for p in dist.glob("*") if p.suffix in (".whl", ".zip", ".gz", ".tgz", ".bz2")) if dist.is_dir() else []
    if not archives:
        dist.mkdir(parents=True, exist_ok=True)
        spec = f"{name}=={version}"
        log(f"  fetching {spec} from PyPI ...")
        with tempfile.TemporaryDirectory(dir=dist) as tmp:
            ok, why = _pip_download(spec, Path(tmp), ["--only-binary", ":all:", *WHEEL_TARGET])
            if not ok:
                log(f"  no cp311 manylinux wheel ({why.splitlines()[-1] if why else 'pip failed'}); trying the sdist")
                ok, why = _pip_download(spec, Path(tmp), ["--no-binary", ":all:"])
            if not ok:
                raise RuntimeError(f"cannot download {spec}: {why or 'pip failed'}")
            for file in Path(tmp).iterdir():
                file.rename(dist / file.name)
        archives = sorted(dist.glob("*"))
    if not archives:
        raise RuntimeError(f"pip downloaded nothing for {name}=={version}")
    count = extract_py(archives[0], src)
    log(f"  extracted {count} .py files from {archives[0].name}")
    return src


# ---------------------------------------------------------------- linting

def source_files(root: Path, include_tests: bool) -> list[str]:
    """The .py files below ``root`` to lint, as sorted POSIX paths relative to it."""
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if include_tests or not is_test_path(relative):
            found.append(relative)
    return sorted(found)


def count_lines(data: bytes) -> int:
    """Physical lines (a last line without a newline counts)."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def parse_json_lines(text: str) -> list[dict]:
    """shapelint's json-lines output -> [{path, line, column, code, message}]."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        location = record.get("location") or {}
        found.append({
            "path": record.get("filename", ""),
            "line": location.get("row", 0),
            "column": location.get("column", 0),
            "code": record.get("code", ""),
            "message": record.get("message", ""),
        })
    return found


def shapelint_env(shapelint_src: Optional[Path]) -> dict:
    """The environment for the shapelint subprocess: ``shapelint_src`` (a checkout) first on the path."""
    env = dict(os.environ)
    if shapelint_src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(shapelint_src.resolve()), *filter(None, [env.get("PYTHONPATH")])])
    return env


def shapelint_location(shapelint_src: Optional[Path]) -> str:
    """Where the shapelint that will run is imported from."""
    done = subprocess.run([sys.executable, "-c", "import shapelint; print(shapelint.__file__)"],
                          capture_output=True, text=True, env=shapelint_env(shapelint_src), cwd=tempfile.gettempdir())
    return done.stdout.strip() or f"not importable: {done.stderr.strip().splitlines()[-1:]}"


def lint_tree(root: Path, files: list[str], jobs: Optional[int], timeout: float,
              shapelint_src: Optional[Path] = None) -> tuple[list[dict], Optional[str]]:
    """Lint ``files`` (relative to ``root``) with the shapelint CLI; findings' paths stay relative."""
    if not files:
        return [], None
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        config.write("# empty: shapelint's defaults, whatever pyproject.toml sits above the cache\n")
    command = [sys.executable, "-m", "shapelint", "check", "--output-format", "json-lines", "--exit-zero",
               "-q", "--config", config.name]
    if jobs:
        command += ["--jobs", str(jobs)]
    try:
        done = subprocess.run(command + ["--", *files], cwd=root, capture_output=True, text=True,
                              timeout=timeout, env=shapelint_env(shapelint_src))
    except subprocess.TimeoutExpired:
        return [], f"shapelint timed out after {timeout:.0f} s"
    finally:
        os.unlink(config.name)
    if done.returncode not in (0, 1):
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return parse_json_lines(done.stdout), f"shapelint exited {done.returncode}: {tail}"
    return parse_json_lines(done.stdout), None


def run_package(name: str, version: str, cache: Path, include_tests: bool, jobs: Optional[int],
                timeout: float, log=print, shapelint_src: Optional[Path] = None) -> Result:
    try:
        root = fetch(name, version, cache, log)
    except (RuntimeError, OSError, ValueError) as exc:
        return Result(name, version, error=str(exc))
    files = source_files(root, include_tests)
    lines = sum(count_lines((root / f).read_bytes()) for f in files)
    start = time.monotonic()
    findings, error = lint_tree(root, files, jobs, timeout, shapelint_src)
    return Result(name, version, len(files), lines, tuple(findings), time.monotonic() - start, error)


# ---------------------------------------------------------------- reporting

def summarise(results: Iterable[Result]) -> list[dict]:
    """One row per package that ran, then a TOTAL row: files, lines, counts per rule, per 10k lines."""
    rows = []
    total: Counter = Counter()
    total_files = total_lines = 0
    total_seconds = 0.0
    for result in results:
        if result.error is not None and not result.findings and not result.files:
            continue
        counts = Counter(f["code"] for f in result.findings)
        rows.append(_row(f"{result.name} {result.version}", result.files, result.lines, counts, result.seconds))
        total += counts
        total_files += result.files
        total_lines += result.lines
        total_seconds += result.seconds
    rows.append(_row("TOTAL", total_files, total_lines, total, total_seconds))
    return rows


def _row(label: str, files: int, lines: int, counts: Counter, seconds: float) -> dict:
    findings = sum(counts.values())
    return {
        "package": label,
        "files": files,
        "lines": lines,
        **{code: counts.get(code, 0) for code in RULES},
        "other": sum(n for code, n in counts.items() if code not in RULES),
        "findings": findings,
        "per_10k": round(findings * 10_000 / lines, 2) if lines else 0.0,
        "seconds": round(seconds, 1),
    }


def format_table(rows: list[dict]) -> str:
    columns = ["package", "files", "lines", *RULES, "other", "findings", "per_10k", "seconds"]
    headers = {"per_10k": "/10k lines", "seconds": "lint s"}
    cells = [[headers.get(c, c) for c in columns]]
    for row in rows:
        cells.append([f"{row[c]:.2f}" if c == "per_10k" else str(row[c]) for c in columns])
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]

    def render(line: list[str]) -> str:
        return "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))

    out = [render(cells[0]), "  ".join("-" * w for w in widths)]
    out += [render(line) for line in cells[1:-1]]
    if len(cells) > 2:
        out.append("  ".join("-" * w for w in widths))
    out.append(render(cells[-1]))
    return "\n".join(out)


def format_findings(result: Result, codes: set[str]) -> list[str]:
    chosen = sorted((f for f in result.findings if f["code"] in codes),
                    key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
    # one finding a line: a message quoting multi-line code is joined up
    return [f"{f['path']}:{f['line']}:{f['column']} {f['code']} {' '.join(f['message'].split())}" for f in chosen]


def pick_packages(spec: Optional[str]) -> list[tuple[str, str]]:
    """``None``/``core`` -> the judged four; ``all``; ``extras``; else comma-separated names (any case)."""
    if spec is None or spec.strip().lower() == "core":
        return list(CORE.items())
    if spec.strip().lower() == "all":
        return list(PINNED.items())
    if spec.strip().lower() == "extras":
        return list(EXTRAS.items())
    by_lower = {name.lower(): name for name in PINNED}
    picked = []
    for word in spec.split(","):
        word = word.strip()
        if not word:
            continue
        if word.lower() not in by_lower:
            raise SystemExit(f"realcode: unknown package {word!r}; pinned: {', '.join(PINNED)}")
        name = by_lower[word.lower()]
        picked.append((name, PINNED[name]))
    return picked


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", help="comma-separated names, or core (default), extras, all")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"cache directory [{DEFAULT_CACHE}]")
    parser.add_argument("--show", default="", help="print every finding of these codes, e.g. SL003,SL004,SL007 (ALL for all)")
    parser.add_argument("--json", type=Path, help="write the raw findings to this file")
    parser.add_argument("--include-tests", action="store_true", help="lint test files too (default: library code only)")
    parser.add_argument("--jobs", type=int, help="shapelint worker processes [one per core]")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one package may take [3600]")
    parser.add_argument("--shapelint", type=Path, metavar="DIR",
                        help="run the shapelint of this source tree (e.g. a `git archive` of a commit) instead of the installed one")
    parser.add_argument("--list", action="store_true", help="print the pinned packages and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name, version in PINNED.items():
            print(f"{name}=={version}{'' if name in CORE else '  (extra)'}")
        return 0
    packages = pick_packages(args.packages)
    show = {c.strip().upper() for c in args.show.split(",") if c.strip()}
    cache = args.cache.expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    scope = "library and test code" if args.include_tests else \
        "library code only (skipped: tests/ and test/ directories, test_*.py, *_test.py, conftest.py)"
    print(f"shapelint on real code: {', '.join(f'{n}=={v}' for n, v in packages)}")
    print(f"cache: {cache}; linted: {scope}")
    print(f"shapelint: {shapelint_location(args.shapelint)}")

    started = time.monotonic()
    results = []
    for name, version in packages:
        print(f"{name} {version}:", flush=True)
        result = run_package(name, version, cache, args.include_tests, args.jobs, args.timeout,
                             log=lambda msg: print(msg, flush=True), shapelint_src=args.shapelint)
        if result.error:
            print(f"  ERROR: {result.error}", flush=True)
        if result.files:
            print(f"  {result.files} files, {result.lines} lines, {len(result.findings)} findings "
                  f"in {result.seconds:.1f} s", flush=True)
        results.append(result)
    wall = time.monotonic() - started

    for result in results:
        if not show or (result.error and not result.files):
            continue
        lines = format_findings(result, show if "ALL" not in show else {f["code"] for f in result.findings})
        print(f"\n== {result.name} {result.version}: {len(lines)} findings of {','.join(sorted(show))} "
              f"(paths relative to {cache / 'src' / f'{result.name}-{result.version}'})")
        for line in lines:
            print(line)

    print(f"\nSummary ({scope}; lines are physical lines of the linted files):")
    print(format_table(summarise(results)))
    failed = [r for r in results if r.error]
    for result in failed:
        print(f"FAILED {result.name} {result.version}: {result.error.splitlines()[0]}")
    print(f"wall time {wall:.1f} s")

    if args.json:
        raw = [{"package": r.name, "version": r.version, **f} for r in results for f in r.findings]
        args.json.write_text(json.dumps(raw, indent=1) + "\n")
        print(f"wrote {len(raw)} findings to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
