"""The console script's way into a running daemon (``shapelint.daemon``): light, so that a run it
serves never imports click, libcst or the engine.

A run is handed to the daemon when one is running for this very shapelint (its socket's name is
derived from the code's fingerprint, the Python running it and libcst's install), unless
``SHAPELINT_DAEMON=0``; with ``SHAPELINT_DAEMON=auto`` a missing daemon is started in the
background for the runs after this one. The request carries the arguments, the working
directory, the environment, the umask, ``sys.path`` and the three standard streams themselves (their file
descriptors, passed over the Unix socket), so the daemon's worker reads and writes exactly
where this process would, terminal and pipes alike; what comes back is the exit code.
Anything short of a served run (no daemon, a refused connection, a closed stream) leaves the
run to this process, as if no daemon existed.
"""
from __future__ import annotations

import hashlib
import os
import stat
import struct
import sys
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    import socket

DAEMON_ENV = "SHAPELINT_DAEMON"  # 0: never use one; auto: start one when none runs
RUNTIME_ENV = "SHAPELINT_RUNTIME_DIR"  # where the socket lives [default: $XDG_RUNTIME_DIR, else the temp dir]
NOT_SERVED = frozenset({"server", "daemon"})  # commands that stay in their own process
HEADER = struct.Struct("!I")  # a message's length, before its JSON
MAX_MESSAGE = 16 * 1024 * 1024


def runtime_dir(create: bool = False) -> Optional[str]:
    """This user's private directory for the socket (mode 0700, owned by the user); None when
    it is missing (and not to be made) or anyone else could enter it."""
    base = os.environ.get(RUNTIME_ENV)
    if not base:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp", f"shapelint-{os.getuid()}")
    if create:
        try:
            os.makedirs(base, mode=0o700, exist_ok=True)
        except OSError:
            return None
    try:
        info = os.lstat(base)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return base


def daemon_key() -> str:
    """What a daemon must share with its client: shapelint's code and place, the Python, and the
    installs of the libraries a run imports (libcst, click)."""
    from .fingerprint import code_fingerprint

    parts = [code_fingerprint(), os.path.dirname(os.path.realpath(__file__)),  # a copy elsewhere is another install
             os.path.realpath(sys.executable), sys.version]
    for library in ("libcst", "click"):
        for entry in sys.path:
            candidate = os.path.join(entry or ".", library, "__init__.py")
            try:
                info = os.stat(candidate)
            except OSError:
                continue
            parts.append(f"{os.path.realpath(candidate)}\0{info.st_mtime_ns}\0{info.st_size}")
            break
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def socket_path(create: bool = False) -> Optional[str]:
    directory = runtime_dir(create)
    return None if directory is None else os.path.join(directory, f"daemon-{daemon_key()}.sock")


def served_by_daemon(argv: list[str]) -> Optional[int]:
    """The exit code of the run the daemon did for ``argv``; None when it did not take it."""
    mode = os.environ.get(DAEMON_ENV, "").strip().lower()
    if mode in ("0", "no", "off", "false") or (argv and argv[0] in NOT_SERVED):
        return None
    path = socket_path()
    if path is None or not os.path.exists(path):  # (the usual case: then socket and json are not even imported)
        if mode == "auto" and socket_path(create=True) is not None:  # (none where one could not start)
            start_in_background()
        return None
    import socket

    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:  # a socket left by a daemon that was killed
        connection.close()
        if mode == "auto":
            start_in_background()
        return None
    with connection:
        try:
            send_message(connection, request(argv), fds=[0, 1, 2])
            started = receive_message(connection)
        except (OSError, ValueError):  # a standard stream closed (EBADF), the daemon gone: this process runs it
            return None
        except KeyboardInterrupt:  # before the worker said where it is: closing the connection ends it
            sys.stderr.write("\nAborted!\n")
            return 1
        if not isinstance(started, dict) or type(started.get("pid")) is not int:
            return None
        reply = _wait_for_code(connection, started["pid"])
    if isinstance(reply, dict) and "declined" in reply:
        return None  # another interpreter flag, a limit it cannot take on: this process runs it
    if isinstance(reply, dict) and type(reply.get("signal")) is int:
        return _end_by_signal(reply["signal"])
    if not isinstance(reply, dict) or type(reply.get("code")) is not int:
        sys.stderr.write("shapelint: error: the daemon's worker ended without an exit code\n")
        return 2
    return reply["code"]


def _end_by_signal(number: int) -> int:
    """End as the worker did, killed by signal ``number`` (a CPU limit, the OOM killer, ``kill``):
    the shell then reports what it would have for the run in this process ("Killed", 137). No
    core is dumped: it would be this process's, not the worker's. 128 + the number if it lives on."""
    import resource
    import signal

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (OSError, ValueError):
        pass
    try:
        signal.signal(number, signal.SIG_DFL)
    except (OSError, ValueError):  # (SIGKILL's cannot be set, nor need be)
        pass
    try:
        os.kill(os.getpid(), number)
    except (OSError, ValueError):
        pass
    return 128 + number


def _wait_for_code(connection: "socket.socket", worker: int) -> Optional[dict]:
    """The worker's last word (its exit code, or that it declines); a Ctrl-C here is passed on to it (and its worker processes), which
    then stops as the run would have in this process; a second one leaves at once (closing the
    connection kills the worker's whole process group)."""
    import signal

    interrupted = False
    while True:
        try:
            return receive_message(connection)
        except KeyboardInterrupt:
            if interrupted:
                raise SystemExit(130)
            interrupted = True
            try:
                os.killpg(worker, signal.SIGINT)
            except OSError:
                raise SystemExit(130)
        except (OSError, ValueError):
            return None


def request(argv: list[str]) -> dict:
    mask = os.umask(0)
    os.umask(mask)
    streams = {}
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        streams[name] = None if stream is None else {
            "encoding": getattr(stream, "encoding", None), "errors": getattr(stream, "errors", None),
            "line_buffering": bool(getattr(stream, "line_buffering", False)),
        }
    main = sys.modules.get("__main__")
    return {"run": argv, "interpreter": interpreter_state(), "limits": limits(), "argv0": sys.argv[0] if sys.argv else "shapelint", "main_package": getattr(main, "__package__", None),
            "cwd": os.getcwd(), "env": dict(os.environ), "umask": mask, "streams": streams, "path": list(sys.path)}


def interpreter_state() -> list:
    """What of this interpreter a run's behaviour may depend on and a daemon's worker cannot take
    on after its start: the command-line flags, ``-W`` and ``PYTHONWARNINGS`` filters, ``-X`` options."""
    return [list(sys.flags), list(sys.warnoptions), sorted(f"{k}={v}" for k, v in sys._xoptions.items())]


def limits() -> dict:
    """This process's CPU affinity, priority and resource limits, for the daemon's worker to take on."""
    import resource

    found: dict = {"rlimits": {}}
    try:
        found["affinity"] = sorted(os.sched_getaffinity(0))
        found["nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    except (AttributeError, OSError):
        pass
    for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_STACK", "RLIMIT_NPROC"):
        if hasattr(resource, name):
            found["rlimits"][name] = list(resource.getrlimit(getattr(resource, name)))
    return found


def send_message(connection: "socket.socket", message: dict, fds: Optional[list[int]] = None) -> None:
    import json
    import socket

    data = json.dumps(message).encode("utf-8", "surrogateescape")
    data = HEADER.pack(len(data)) + data
    if fds:
        for fd in fds:
            os.fstat(fd)  # a closed one raises here, not halfway through the message
        sent = socket.send_fds(connection, [data], fds)
        data = data[sent:]
    if data:  # (sending nothing still fails on a connection the other side has closed)
        connection.sendall(data)


def receive_message(connection: "socket.socket") -> Optional[dict]:
    """The next message; None at the end of the stream. Reads exactly its bytes, never into the
    next message (a worker sends two in a row: where it is, then its exit code)."""
    import json

    header = _exactly(connection, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError("message too long")
    data = _exactly(connection, size)
    return None if data is None else json.loads(data.decode("utf-8", "surrogateescape"))


def _exactly(connection: "socket.socket", size: int) -> Optional[bytes]:
    data = b""
    while len(data) < size:
        more = connection.recv(min(65536, size - len(data)))
        if not more:
            return None
        data += more
    return data


def start_in_background() -> None:
    """``shapelint daemon start``, detached, its output discarded (``SHAPELINT_DAEMON=auto``)."""
    import subprocess

    try:
        subprocess.Popen([sys.executable, "-m", "shapelint", "daemon", "start", "--quiet"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                         env={**os.environ, DAEMON_ENV: "0"})
    except OSError:
        pass
