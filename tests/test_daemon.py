"""``shapelint daemon``: runs handed to it print what they print without it, and nothing leaks."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shapelint import daemon_client, fingerprint

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "e2e" / "training_loop.py"
BUGGY = "import numpy as np\n\nb = np.zeros(4)\nW = np.ones((4, 3))\nZ = W.T @ np.ones((4, 5)) + b\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the daemon needs Unix sockets and fork")


@pytest.fixture
def runtime(tmp_path):
    directory = tmp_path / "rt"
    directory.mkdir(mode=0o700)
    env = {**os.environ, "SHAPELINT_RUNTIME_DIR": str(directory), "SHAPELINT_DAEMON": ""}
    yield directory, env
    subprocess.run([sys.executable, "-m", "shapelint", "daemon", "stop"], env=env, capture_output=True, timeout=30)


def shapelint(env, *args, cwd=ROOT, input=None, daemon=True):
    env = dict(env, SHAPELINT_DAEMON="" if daemon else "0")
    proc = subprocess.run([sys.executable, "-m", "shapelint", *args], env=env, cwd=cwd, input=input,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def served(env) -> int:
    code, out, _ = shapelint(env, "daemon", "status", daemon=False)
    assert code == 0, out
    return int(out.split(" runs served")[0].rsplit(" ", 1)[-1])


def start(env, *extra):
    code, out, err = shapelint(env, "daemon", "start", *extra, daemon=False)
    assert code == 0, err
    return out


def test_runs_through_the_daemon_print_what_they_print_without_it(runtime, tmp_path):
    _, env = runtime
    assert "started" in start(env)
    assert "already running" in start(env)
    (tmp_path / "m.py").write_text(BUGGY)
    runs = [
        ("check", str(FIXTURE), "--output-format", "concise"),
        ("check", str(tmp_path / "m.py"), "--output-format", "json"),
        ("check", str(tmp_path / "m.py"), "--statistics"),
        ("check", "--select", "SL999", str(tmp_path / "m.py")),  # a configuration error: exit 2
        ("check", "--no-such-option"),  # a usage error
        ("rule", "SL002"),
        ("--version",),
    ]
    before = served(env)
    for args in runs:
        alone = shapelint(env, *args, daemon=False)
        assert shapelint(env, *args) == alone, args
    assert served(env) == before + len(runs)
    assert {code for code, _, _ in (shapelint(env, *args, daemon=False) for args in runs[:5])} == {1, 2}


def test_standard_input_working_directory_and_configuration_are_the_callers(runtime, tmp_path):
    _, env = runtime
    start(env)
    project = tmp_path / "project"
    project.mkdir()
    (project / "m.py").write_text(BUGGY)
    (project / "pyproject.toml").write_text("[tool.shapelint]\nselect = [\"SL007\"]\n")
    piped = ("check", "-", "--stdin-filename", "m.py", "--output-format", "concise")
    with_sl001 = shapelint(env, *piped, cwd=project, input=BUGGY)
    assert with_sl001 == shapelint(env, *piped, cwd=project, input=BUGGY, daemon=False)
    assert with_sl001[0] == 1 and "SL007" in with_sl001[1]
    (project / "pyproject.toml").write_text("[tool.shapelint]\nselect = [\"SL003\"]\n")  # read again by the next run
    assert shapelint(env, "check", "m.py", cwd=project)[:2] == (0, "All checks passed!\n")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_a_client_that_is_interrupted_takes_its_run_down_with_it(runtime):
    directory, env = runtime
    start(env)
    pid = int(next(directory.glob("*.lock")).read_text())
    client = subprocess.Popen([sys.executable, "-m", "shapelint", "check", "-", "--stdin-filename", "m.py"], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not _children(pid) and time.monotonic() < deadline:  # the worker, waiting for the client's input
        time.sleep(0.05)
    assert _children(pid)
    client.send_signal(signal.SIGINT)
    assert client.wait(timeout=20) == 130
    client.stdin.close()
    deadline = time.monotonic() + 20
    while _children(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _children(pid)


def test_a_directory_others_can_enter_is_never_used(runtime, tmp_path):
    directory, env = runtime
    directory.chmod(0o755)
    code, _, err = shapelint(env, "daemon", "start", daemon=False)
    assert code == 2 and "private directory" in err
    (tmp_path / "m.py").write_text(BUGGY)
    assert shapelint(env, "check", str(tmp_path / "m.py"))[0] == 1  # linted here, as without a daemon
    assert not list(directory.iterdir())  # no socket, no lock: nothing was made there
    directory.chmod(0o700)
    assert shapelint(env, "daemon", "status", daemon=False)[0] == 1


def test_stop_status_and_idle_timeout(runtime):
    directory, env = runtime
    start(env, "--idle-timeout", "1")
    assert shapelint(env, "daemon", "status", daemon=False)[0] == 0
    deadline = time.monotonic() + 20
    while shapelint(env, "daemon", "status", daemon=False)[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert shapelint(env, "daemon", "status", daemon=False)[:2] == (1, "no shapelint daemon is running\n")
    assert not list(directory.glob("*.sock"))
    start(env)
    code, out, _ = shapelint(env, "daemon", "stop", daemon=False)
    assert code == 0 and "stopped" in out
    assert shapelint(env, "daemon", "status", daemon=False)[0] == 1


def test_auto_starts_one_for_the_runs_after(runtime, tmp_path):
    _, env = runtime
    (tmp_path / "m.py").write_text(BUGGY)
    auto = dict(env, SHAPELINT_DAEMON="auto")
    proc = subprocess.run([sys.executable, "-m", "shapelint", "check", str(tmp_path / "m.py")], env=auto,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "SL007" in proc.stdout
    deadline = time.monotonic() + 30
    while shapelint(env, "daemon", "status", daemon=False)[0] != 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert served(env) == 0
    assert shapelint(env, "check", str(tmp_path / "m.py"))[0] == 1
    assert served(env) == 1


def test_the_socket_is_named_after_the_exact_code(monkeypatch, tmp_path):
    monkeypatch.setattr(fingerprint, "code_fingerprint", lambda: "a")
    first = daemon_client.daemon_key()
    monkeypatch.setattr(fingerprint, "code_fingerprint", lambda: "b")
    assert daemon_client.daemon_key() != first
