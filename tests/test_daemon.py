"""``shapelint daemon``: runs handed to it print what they print without it, and nothing leaks."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shapelint import daemon_client, fingerprint

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "e2e" / "course_network_sl002.py"  # one SL002 finding, with a fix
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


def _reading_standard_input(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/syscall").read_text().startswith("0 0x0 ")  # read(0, ...)
    except OSError:
        return False


def _blocked_client(env):
    """A run waiting for its standard input, as long as the test keeps it open."""
    return subprocess.Popen([sys.executable, "-m", "shapelint", "check", "-", "--stdin-filename", "m.py"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_ctrl_c_on_the_client_stops_its_run_as_it_would_in_process(runtime):
    """The client passes its SIGINT on to the worker: click's "Aborted!" and exit 1, as without a daemon."""
    directory, env = runtime
    start(env)
    pid = int(next(directory.glob("*.lock")).read_text())
    outcomes = []
    for daemon in (True, False):
        client = _blocked_client(dict(env, SHAPELINT_DAEMON="" if daemon else "0"))
        if daemon:
            assert _wait(lambda: _children(pid))  # the worker, waiting for the client's input
        else:
            time.sleep(1.5)  # the run in this process, waiting for its input too
        client.send_signal(signal.SIGINT)
        client.wait(timeout=20)  # (its input stays open: closed at once, the run could end before the Ctrl-C reached it)
        _, err = client.communicate()
        outcomes.append((client.returncode, err.strip().splitlines()[-1]))
    assert outcomes[0] == outcomes[1] == (1, "Aborted!")
    assert _wait(lambda: not _children(pid))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_a_client_that_is_killed_takes_its_run_down_with_it(runtime):
    directory, env = runtime
    start(env)
    pid = int(next(directory.glob("*.lock")).read_text())
    client = _blocked_client(env)
    assert _wait(lambda: _children(pid))
    client.kill()
    client.wait(timeout=20)
    assert _wait(lambda: not _children(pid))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM])
def test_a_worker_killed_by_a_signal_ends_its_client_by_that_signal(runtime, tmp_path, number):
    """As the run in the client's own process would have ended (the shell says "Killed", 137); the
    daemon serves the next run as ever."""
    directory, env = runtime
    start(env)
    pid = int(next(directory.glob("*.lock")).read_text())
    client = _blocked_client(env)
    assert _wait(lambda: len(_children(pid)) == 1)
    (worker,) = _children(pid)
    assert _wait(lambda: _reading_standard_input(worker))  # under way: it has told the client where it is
    os.kill(worker, number)
    _, err = client.communicate(timeout=20)
    assert client.returncode == -number, err
    assert "without an exit code" not in err
    (tmp_path / "m.py").write_text(BUGGY)
    assert shapelint(env, "check", str(tmp_path / "m.py"))[0] == 1
    assert _wait(lambda: not _children(pid))


def _status(env) -> str:
    code, out, _ = shapelint(env, "daemon", "status", daemon=False)
    assert code == 0, out
    return out


def _settled(env) -> bool:
    """No run in flight and no file left to keep: the daemon has kept what the last run linted."""
    out = _status(env)
    return "(0 in flight)" in out and " 0 to keep" in out


def test_a_file_the_daemon_kept_is_parsed_again_only_where_it_changed_with_the_same_output(runtime, tmp_path):
    """The daemon keeps the tree of a file a run linted; the next run on it, edited, parses only
    the statements that changed (the status counts it) and prints what an in-process run prints,
    lines moved by the edit included."""
    _, env = runtime
    start(env)
    source = FIXTURE.read_text()
    target = tmp_path / "net.py"
    target.write_text(source)
    args = ("check", str(target), "--output-format", "json", "--no-cache")
    assert shapelint(env, *args) == shapelint(env, *args, daemon=False)
    assert _wait(lambda: _settled(env) and "trees kept of 1 files" in _status(env))
    edits = [source.replace("\ndef backward_propagation", "\n# two lines\n# moved\ndef backward_propagation", 1),
             source.replace("learning_rate=1.2)", "learning_rate=0.5)", 1)]
    rows = []
    for text in edits:
        assert text != source
        target.write_text(text)
        served_run = shapelint(env, *args)
        assert served_run == shapelint(env, *args, daemon=False)
        rows.append([finding["location"]["row"] for finding in json.loads(served_run[1])])
        assert _wait(lambda: _settled(env))
    assert "reused by 2 lints" in _status(env)
    assert rows == [[55], [53]]  # the finding two lines down after the comment, then back


def test_a_run_in_flight_neither_holds_the_lock_nor_delays_others(runtime, tmp_path):
    """A run (or a connection that says nothing) does not keep the daemon from stopping, a new one
    from starting, or another run from being served at once."""
    import socket

    directory, env = runtime
    start(env)
    client = _blocked_client(env)
    idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    idle.connect(str(next(directory.glob("*.sock"))))
    (tmp_path / "m.py").write_text(BUGGY)
    began = time.monotonic()
    assert shapelint(env, "check", str(tmp_path / "m.py"))[0] == 1
    assert time.monotonic() - began < 4  # not held up by the idle connection (it has 5 s to speak)
    idle.close()
    began = time.monotonic()
    assert shapelint(env, "daemon", "stop", daemon=False)[0] == 0
    assert time.monotonic() - began < 5
    assert "started" in start(env)
    out, _ = client.communicate(BUGGY, timeout=30)  # the run in flight still finishes
    assert client.returncode == 1 and "SL007" in out


def test_a_client_the_worker_cannot_be_runs_in_its_own_process(runtime, tmp_path):
    """Other interpreter flags or warning filters (here -W error) are declined: the client runs the
    command itself, with the same result as without a daemon."""
    _, env = runtime
    start(env)
    (tmp_path / "m.py").write_text(BUGGY)
    before = served(env)
    command = [sys.executable, "-W", "error::UserWarning", "-m", "shapelint", "check", str(tmp_path / "m.py")]
    through = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    alone = subprocess.run(command, env=dict(env, SHAPELINT_DAEMON="0"), capture_output=True, text=True, timeout=60)
    assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert served(env) == before + 1  # asked, and declined


def test_the_worker_takes_on_the_clients_limits_or_declines():
    script = (
        "import resource, sys\n"
        "from shapelint.daemon import _refusal\n"
        "from shapelint.daemon_client import interpreter_state\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "print(_refusal({'interpreter': interpreter_state(), 'limits': {'rlimits': {'RLIMIT_NOFILE': [64, hard]}}}))\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n"
        "print(_refusal({'interpreter': [], 'limits': {}}) is not None)\n"
    )
    lines = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60).stdout.split()
    assert lines == ["None", "64", "True"]


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


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_a_run_longer_than_the_idle_timeout_keeps_the_daemon_waiting_not_spinning(runtime):
    """The idle time counts from the end of the last run; while one is in flight the daemon sleeps."""
    directory, env = runtime
    start(env, "--idle-timeout", "1")
    pid = int(next(directory.glob("*.lock")).read_text())
    client = _blocked_client(env)
    assert _wait(lambda: _children(pid))
    time.sleep(1.5)  # past the idle timeout, the run still in flight
    before = _cpu_seconds(pid)
    time.sleep(2)
    assert _cpu_seconds(pid) - before < 0.5  # (a daemon polling with no timeout spends the 2 s)
    out, _ = client.communicate(BUGGY, timeout=30)
    assert client.returncode == 1 and "SL007" in out
    assert _wait(lambda: not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z")


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


def test_many_quick_runs_at_once_each_get_their_exit_code(runtime):
    """A worker's two messages (where it is, then its exit code) often arrive in one read."""
    _, env = runtime
    start(env)
    expected = shapelint(env, "--version", daemon=False)
    clients = [subprocess.Popen([sys.executable, "-m", "shapelint", "--version"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(16)]
    outcomes = [(client.wait(timeout=60), *client.communicate()) for client in clients]
    assert outcomes == [expected] * 16


def test_stop_all_reaches_a_daemon_this_install_no_longer_names(runtime):
    """A daemon whose socket name is not this code's (an older version, another install) is listed by
    status and stopped by `stop --all`."""
    directory, env = runtime
    start(env)
    (socket_file,) = directory.glob("*.sock")
    (lock,) = directory.glob("*.lock")
    socket_file.rename(directory / "daemon-0123456789abcdef01234567.sock")  # as if the code had changed since
    lock.rename(directory / "daemon-0123456789abcdef01234567.lock")
    code, out, _ = shapelint(env, "daemon", "status", daemon=False)
    assert code == 1 and "another shapelint daemon runs" in out
    code, out, _ = shapelint(env, "daemon", "stop", "--all", daemon=False)
    assert code == 0 and "stopped" in out
    assert "another" not in shapelint(env, "daemon", "status", daemon=False)[1]
