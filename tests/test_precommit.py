"""The pre-commit hook, run as a user would try it: ``pre-commit try-repo REPO shapelint --all-files``.

pre-commit installs the hook from a git repository (its HEAD, plus uncommitted changes to tracked
files only), so the hook repository here is a snapshot of this working tree, untracked files
included, committed in a temporary git repository: the test checks the code as it is on disk,
committed or not. ``try-repo`` installs into a store of its own each run (``PRE_COMMIT_HOME`` is
not used for it), so each run installs the hook afresh: a repository with a buggy file, a buggy
notebook and a clean file fails and names only the buggy two; one with the clean file passes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from samples import MISSING_KEEPDIMS

ROOT = Path(__file__).resolve().parents[1]
BUGGY = MISSING_KEEPDIMS
CLEAN = BUGGY.replace("axis=1)", "axis=1, keepdims=True)")
NOTEBOOK = ROOT / "fixtures" / "notebooks" / "bias_gradient_across_cells.ipynb"
IDENTITY = ["-c", "user.name=shapelint tests", "-c", "user.email=tests@shapelint.invalid", "-c", "commit.gpgsign=false"]
SNAPSHOT_IGNORED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".benchmarks", "build", "dist", ".venv", "*.pyc"
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def clean_env(**extra: str) -> dict[str, str]:
    """No git state leaking in from a surrounding hook or worktree, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and not k.startswith("PRE_COMMIT")}
    env.update(PRE_COMMIT_COLOR="never", NO_COLOR="1", **extra)
    return env


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *IDENTITY, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def working_tree_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files, or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, env=clean_env(), capture_output=True, check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in done.stdout.decode().split("\0") if name and (root / name).is_file()]


def snapshot(root: Path, target: Path) -> Path:
    files = working_tree_files(root)
    if files is None:
        shutil.copytree(root, target, ignore=SNAPSHOT_IGNORED)
    else:
        target.mkdir(parents=True)
        for name in files:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "--no-verify", "-m", "snapshot of the working tree")
    return target


def user_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "add", "--", *files)  # staged is enough for --all-files
    return path


def try_repo(hook_repo: Path, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "shapelint", "--all-files",
               "--color", "never"]
    return subprocess.run(command, cwd=cwd, env=clean_env(PRE_COMMIT_HOME=str(home)), capture_output=True,
                          text=True, timeout=900)


def test_manifest_is_what_the_issue_asks():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "shapelint" and hook["entry"] == "shapelint --force-exclude" and hook["language"] == "python"
    assert hook["types_or"] == ["python", "jupyter"] and hook["require_serial"] is True
    assert hook["name"] and hook["description"]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    return snapshot(ROOT, tmp_path_factory.mktemp("hook") / "repo")


@pytest.mark.slow
def test_try_repo_fails_on_the_bugs_and_names_them(hook_repo, tmp_path):
    files = {"buggy.py": BUGGY, "clean.py": CLEAN, "nb.ipynb": NOTEBOOK.read_text()}
    failed = try_repo(hook_repo, user_repo(tmp_path / "repo", files), tmp_path / "home")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "Failed" in output and "- hook id: shapelint" in output, output
    findings = [line for line in output.splitlines() if ": SL" in line]
    assert [line.split(" SL")[0] for line in findings] == ["buggy.py:7:10:", "nb.ipynb:cell 3:2:6:"], output
    assert all(": SL002 " in line for line in findings), output


@pytest.mark.slow
def test_try_repo_passes_clean_code(hook_repo, tmp_path):
    passed = try_repo(hook_repo, user_repo(tmp_path / "repo", {"clean.py": CLEAN}), tmp_path / "home")
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "shapelint" in output and "Passed" in output, output
