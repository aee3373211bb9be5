"""The README's commands, run verbatim: what it shows is what they print.

The console examples run from the repository's root on ``examples/``; the pre-commit
configuration runs with pre-commit in a fresh git repository (``language: system``: the
shapelint of this environment).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def console_example(command: str) -> str:
    """The output the README shows under ``$ command``."""
    match = re.search(rf"```console\n\$ {re.escape(command)}\n(.*?)```", README, re.S)
    assert match, f"no console example for `{command}` in the README"
    return match.group(1)


def shapelint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    return subprocess.run(["shapelint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [
    "shapelint --output-format concise examples/backprop.py",
    "shapelint --diff --unsafe-fixes examples/backprop.py",
])
def test_console_example_prints_what_the_readme_shows(command):
    proc = shapelint(*command.split()[1:])
    assert proc.returncode == 1
    assert proc.stdout + proc.stderr == console_example(command)


def yaml_after(heading: str) -> str:
    start = README.index(heading)
    return re.compile(r"```yaml\n(.*?)```", re.S).search(README, start).group(1)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_readme_precommit_configuration_runs_and_honours_excludes(tmp_path):
    pytest.importorskip("pre_commit", reason="the test extra installs pre-commit")
    repo = tmp_path / "repo"
    repo.mkdir()
    buggy = (ROOT / "examples" / "backprop.py").read_text()
    (repo / "backprop.py").write_text(buggy)
    (repo / "generated").mkdir()
    (repo / "generated" / "model.py").write_text(buggy)
    (repo / "pyproject.toml").write_text('[tool.shapelint]\nextend-exclude = ["generated"]\n')
    (repo / ".pre-commit-config.yaml").write_text(yaml_after("### In CI and pre-commit"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), NO_COLOR="1", PRE_COMMIT_COLOR="never",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    identity = ["-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *identity, *args], cwd=repo, env=env, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "backprop.py:7:10: SL004" in output and "generated" not in output, output
