"""Warm (cached) against cold runs of the whole ``shapelint`` command on a tree.

    python scripts/bench_cache.py PATH [--repeat N] [--jobs J]

Each round: a cold run (a fresh, empty cache directory) then a warm run on the same cache,
each a new process, start-up included; wall and CPU (of all processes) are the best of the
rounds. The warm run must print the same findings as the cold one.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def timed(command: list[str], env: dict) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "SHAPELINT_NO_CACHE"}
    cold = [float("inf"), float("inf")]
    warm = [float("inf"), float("inf")]
    for _ in range(args.repeat):
        directory = tempfile.mkdtemp(prefix="shapelint-bench-cache-")
        try:
            command = [sys.executable, "-m", "shapelint", "check", args.path, "--quiet", "--exit-zero",
                       "--output-format", "concise", "--cache-dir", directory]
            if args.jobs:
                command += ["--jobs", str(args.jobs)]
            wall, cpu, first = timed(command, env)
            cold = [min(cold[0], wall), min(cold[1], cpu)]
            wall, cpu, second = timed(command, env)
            warm = [min(warm[0], wall), min(warm[1], cpu)]
            if first != second:
                print("error: the warm run's findings differ from the cold run's", file=sys.stderr)
                return 1
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    findings = first.count(b"\n")
    print(f"{args.path}: {findings} findings, best of {args.repeat}")
    print(f"cold: {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU")
    print(f"warm: {warm[0]:.2f} s wall, {warm[1]:.2f} s CPU")
    print(f"warm/cold: {warm[0] / cold[0]:.1%} wall, {warm[1] / cold[1]:.1%} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
