"""``shapelint daemon``: a process that keeps libcst and the engine loaded, so a one-file run
(pre-commit on a changed file, an editor's save hook) does not pay for importing them.

Each run the client (``daemon_client``) hands over is done by a process forked from the daemon
for it alone: it takes over the client's standard streams, working directory, environment and
umask, runs the command line exactly as ``shapelint`` would in the client's own process, sends
the exit code back and ends. Nothing of one run outlives it, so two runs can never see each
other's state, and what a run prints is what the same run in-process prints (the tests compare).
The daemon itself never lints. What it keeps between runs are the libcst trees of the files recent
runs linted (``retained``): a run forked afterwards parses such a file again only where it
changed, and gets the module a whole parse gives. The daemon parses them when a run has ended
and no request waits.

The socket lives in a directory only its user can enter (``daemon_client.runtime_dir``) and
is named after the exact code, Python and libcst it serves, so a changed install is never
served by an old daemon (that one idles out: ``--idle-timeout``). A connection from another user
is closed unread (``SO_PEERCRED``). A lock file beside the socket holds the daemon's pid and
keeps a second one from starting.
"""
from __future__ import annotations

import fcntl
import gc
import io
import os
import json
import pkgutil
import selectors
import signal
import socket
import sys
import threading
import time
from typing import Optional

from . import retained
from .daemon_client import HEADER, MAX_MESSAGE, interpreter_state, receive_message, runtime_dir, send_message, socket_path

DEFAULT_IDLE_TIMEOUT = 3600.0  # seconds without a request before the daemon exits
STARTUP_WAIT = 10.0  # seconds ``start`` waits for the socket to answer
REQUEST_WAIT = 5.0  # seconds a connection has to send its request


def lock_path(path: str) -> str:
    return path[: -len(".sock")] + ".lock"


def running_pid(path: str) -> Optional[int]:
    """The pid of the daemon holding the lock for ``path``; None when no daemon holds it."""
    try:
        with open(lock_path(path), "r+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                text = handle.read().strip()
                return int(text) if text.isdigit() else -1
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None
    except OSError:
        return None


def ask(path: str, message: dict, timeout: float = 5.0) -> Optional[dict]:
    """A control message's answer (``status``, ``stop``); None when nothing answers."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(path)
        send_message(connection, message)
        answer = receive_message(connection)
        return answer if isinstance(answer, dict) else None
    except (OSError, ValueError):
        return None
    finally:
        connection.close()


def start(idle_timeout: float, quiet: bool = False) -> int:
    """Start a daemon in the background (if none runs) and wait until it answers."""
    path = socket_path(create=True)
    if path is None:
        print("shapelint: error: no private directory for the daemon's socket (see SHAPELINT_RUNTIME_DIR)", file=sys.stderr)
        return 2
    status = ask(path, {"status": True})
    if status is not None:
        if not quiet:
            print(f"shapelint daemon already running (pid {status['pid']}, socket {path})")
        return 0
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the first child: a new session, then the daemon is its child (never a terminal's)
        os.close(read)
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        try:
            _daemon_main(path, idle_timeout, write)
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode("utf-8", "replace")
    if not said.startswith("ok"):
        print(f"shapelint: error: the daemon did not start: {said or 'it ended without a word'}", file=sys.stderr)
        return 2
    status = _poll(lambda: ask(path, {"status": True}))
    if status is not None:
        if not quiet:
            print(f"shapelint daemon started (pid {status['pid']}, socket {path})")
        return 0
    print("shapelint: error: the daemon did not answer in time", file=sys.stderr)
    return 2


def _poll(probe, seconds: float = STARTUP_WAIT):
    """``probe()``'s first true answer within ``seconds`` (asked every 20 ms), else its last."""
    deadline = time.monotonic() + seconds
    while True:
        answer = probe()
        if answer or time.monotonic() >= deadline:
            return answer
        time.sleep(0.02)


def others(path: Optional[str]) -> list[tuple[str, int]]:
    """The other daemons of this user (another install, or this one before its code changed):
    (socket, pid) of each that holds its lock."""
    directory = runtime_dir()
    if directory is None:
        return []
    found = []
    for name in sorted(os.listdir(directory)):
        socket_file = os.path.join(directory, name[: -len(".lock")] + ".sock")
        if name.startswith("daemon-") and name.endswith(".lock") and socket_file != path:
            pid = running_pid(socket_file)
            if pid is not None:
                found.append((socket_file, pid))
    return found


def stop(quiet: bool = False, every: bool = False) -> int:
    path = socket_path()
    code = 0
    if every:
        for other, pid in others(path):
            code = max(code, _stop_one(other, pid, quiet))
    pid = running_pid(path) if path is not None else None
    if path is None or pid is None:
        if not quiet and not every:
            print("no shapelint daemon is running")
        return code
    return max(code, _stop_one(path, pid, quiet))


def _stop_one(path: str, pid: int, quiet: bool) -> int:
    if ask(path, {"stop": True}) is None and pid > 0:  # an older daemon that answers no more: its pid
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    if not _poll(lambda: running_pid(path) is None):
        print(f"shapelint: error: the daemon (pid {pid}) did not stop", file=sys.stderr)
        return 2
    if not quiet:
        print(f"shapelint daemon stopped (pid {pid})")
    return 0


def status() -> int:
    path = socket_path()
    answer = ask(path, {"status": True}) if path is not None else None
    for other, pid in others(path):
        print(f"another shapelint daemon runs: pid {pid}, socket {other} (another install, or this one before its "
              f"code changed; `shapelint daemon stop --all` stops it)")
    if answer is None:
        print("no shapelint daemon is running")
        return 1
    files, lines = answer.get("held", (0, 0))
    print(f"shapelint daemon running: pid {answer['pid']}, socket {path}, {answer['served']} runs served "
          f"({answer.get('in_flight', 0)} in flight), up {answer['uptime']:.0f} s, idle timeout {answer['idle_timeout']:g} s; "
          f"trees kept of {files} files ({lines:,} lines), {answer.get('to_keep', 0)} to keep, "
          f"reused by {answer.get('reused', 0)} lints")
    return 0


def _daemon_main(path: str, idle_timeout: float, report_fd: int) -> None:
    """The daemon: take the lock, load everything a run needs, then accept runs until told to stop
    or idle for ``idle_timeout`` seconds (0: never)."""
    def report(text: str) -> None:
        os.write(report_fd, text.encode())
        os.close(report_fd)

    lock = open(lock_path(path), "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        report("another daemon holds the lock")
        return
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    try:
        os.unlink(path)  # a socket left by a daemon that was killed
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
        os.chmod(path, 0o600)
        listener.listen(16)
    except OSError as exc:
        report(f"cannot listen on {path}: {exc}")
        return
    _preload()
    from . import fingerprint

    fingerprint.code_fingerprint.cache_clear()
    if socket_path() != path:  # shapelint changed while it loaded: it would serve new code under the old name
        os.unlink(path)
        report("shapelint's files changed while the daemon started; start it again")
        return
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    report("ok")
    signal.signal(signal.SIGTERM, lambda *_: _quit(listener, path))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _accept_loop(listener, path, idle_timeout, lock)


def _preload() -> None:
    """Import every module a run may use (not the language server's), then freeze them out of the
    collector's sight: each run starts with them, shared copy-on-write."""
    import shapelint

    for module in pkgutil.walk_packages(shapelint.__path__, "shapelint."):
        if module.name.startswith(("shapelint.server", "shapelint.__main__", "shapelint.verify")):
            continue
        try:
            __import__(module.name)
        except Exception:  # noqa: BLE001 - a module that cannot load is loaded (and fails) in the run, as without a daemon
            continue
    from .parsing import FAST_CONSTRUCTORS_AFTER, prepare
    from .rules import all_rules
    from .server import chunks, incremental  # noqa: F401 - what a run uses on a kept tree (``retained``)

    retained.keep_trees()
    all_rules()
    prepare(FAST_CONSTRUCTORS_AFTER + 1)  # made once here, not in every run
    gc.collect()
    gc.freeze()


def _quit(listener: socket.socket, path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
    listener.close()
    os._exit(0)


class _Pending:
    """A connection whose request is still arriving (at most ``REQUEST_WAIT`` seconds)."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.data = b""
        self.fds: list[int] = []
        self.deadline = time.monotonic() + REQUEST_WAIT

    def read(self) -> Optional[bool]:
        """Take what arrived: True once the request is whole, None when the client left or sent
        more than a request."""
        try:
            data, fds, _, _ = socket.recv_fds(self.connection, 65536, 3)
        except BlockingIOError:
            return False
        except OSError:
            return None
        self.fds.extend(fds)
        if not data:
            return None
        self.data += data
        if len(self.data) >= HEADER.size:
            (size,) = HEADER.unpack(self.data[:HEADER.size])
            if size > MAX_MESSAGE:
                return None
            return len(self.data) >= HEADER.size + size
        return False

    def message(self) -> Optional[dict]:
        try:
            message = json.loads(self.data[HEADER.size:].decode("utf-8", "surrogateescape"))
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    def close(self, keep_connection: bool = False) -> None:
        """Close the client's standard streams (only its worker may hold them: a pipeline must see
        them close when the run ends) and, unless kept, the connection."""
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        if not keep_connection:
            self.connection.close()


def _accept_loop(listener: socket.socket, path: str, idle_timeout: float, lock) -> None:
    """Requests arrive side by side (a connection that sends nothing delays no other); a run is
    handed to a worker forked for it, the status and stop are answered here.

    The daemon keeps each run's connection until its worker ends (told by SIGCHLD, through a
    wake-up socket the selector watches): a worker killed by a signal (a CPU limit, the OOM
    killer, ``kill -9``) cannot say so itself, so the daemon tells the client, which then ends by
    the same signal, as the run in its own process would have."""
    started = last_run = time.monotonic()
    served = 0
    selector = selectors.DefaultSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ)
    wake_read, wake_write = socket.socketpair()
    for end in (wake_read, wake_write):
        end.setblocking(False)
    signal.set_wakeup_fd(wake_write.fileno())
    signal.signal(signal.SIGCHLD, lambda *_: None)  # (the wake-up socket is what the selector sees)
    selector.register(wake_read, selectors.EVENT_READ)
    pending: dict[socket.socket, _Pending] = {}
    running: dict[int, socket.socket] = {}  # worker pid -> its client's connection
    reports: dict[int, int] = {}  # worker pid -> the pipe it says, at its end, which files it looked up
    to_keep = _ToKeep()
    while True:
        now = time.monotonic()
        wake = [request.deadline for request in pending.values()]
        if idle_timeout and not running:  # idle since the last run ended (asking for the status is not a run)
            if now >= last_run + idle_timeout and not pending:
                _quit(listener, path)
            wake.append(last_run + idle_timeout)
        if to_keep.paths:
            wake.append(now)  # files to parse and keep: only when nothing else is ready
        ready = selector.select(max(0.0, min(wake) - now) if wake else None)
        if not ready and to_keep.paths:
            to_keep.keep_one()
        for key, _ in ready:
            if key.fileobj is wake_read:
                _drain(wake_read)
                _reap(running, reports, to_keep)
                if not running:
                    last_run = time.monotonic()  # (the idle time counts from the end of the last run)
                continue
            if key.fileobj is listener:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    continue
                if not _same_user(connection):
                    connection.close()
                    continue
                connection.setblocking(False)
                pending[connection] = _Pending(connection)
                selector.register(connection, selectors.EVENT_READ)
                continue
            request = pending[key.fileobj]
            whole = request.read()
            if whole is False:
                continue
            selector.unregister(request.connection)
            del pending[request.connection]
            message = request.message() if whole else None
            keep = False
            try:
                if message is None:
                    continue
                request.connection.setblocking(True)
                if message.get("stop"):
                    send_message(request.connection, {"stopping": True})
                    _quit(listener, path)
                elif message.get("status"):
                    send_message(request.connection, {"pid": os.getpid(), "served": served,
                                                      "uptime": time.monotonic() - started, "idle_timeout": idle_timeout,
                                                      "held": retained.held_files(), "reused": to_keep.reused,
                                                      "in_flight": len(running), "to_keep": len(to_keep.paths)})
                elif "run" in message and len(request.fds) == 3:
                    served += 1
                    last_run = time.monotonic()
                    report_read, report_write = os.pipe()
                    try:
                        worker = os.fork()
                    except OSError:  # (no process to be had: the client is told by the connection's close)
                        os.close(report_read)
                        os.close(report_write)
                        raise
                    if worker == 0:
                        signal.set_wakeup_fd(-1)
                        os.close(report_read)
                        for end in (selector, listener, wake_read, wake_write, lock, *running.values(), *pending.values()):
                            end.close()  # the lock is the daemon's alone: a run in flight must not keep it
                        for fd in reports.values():
                            os.close(fd)
                        _run(request.connection, message, request.fds, report_write)
                    os.close(report_write)
                    running[worker] = request.connection
                    reports[worker] = report_read
                    keep = True
            except OSError:
                pass
            finally:
                request.close(keep_connection=keep)
        for request in [r for r in pending.values() if r.deadline <= time.monotonic()]:
            selector.unregister(request.connection)
            del pending[request.connection]
            request.close()


def _drain(wake_read: socket.socket) -> None:
    try:
        while wake_read.recv(4096):
            pass
    except OSError:  # (BlockingIOError: all read)
        pass


def _reap(running: dict[int, socket.socket], reports: dict[int, int], to_keep: "_ToKeep") -> None:
    """Wait for the workers that ended; of one a signal killed, end the processes left in its group
    and tell its client which signal it was (one that exited has sent its exit code itself); let
    the connection go, and take the files it looked up as ones to keep trees of."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in reports:
            to_keep.take(reports.pop(pid))
        connection = running.pop(pid, None)
        if connection is None:
            continue
        if os.WIFSIGNALED(status):
            try:
                os.killpg(pid, signal.SIGKILL)  # its pool processes, in its group (out of the user's job control's reach)
            except OSError:  # none left
                pass
            try:
                send_message(connection, {"signal": os.WTERMSIG(status)})
            except OSError:  # the client is gone too
                pass
        connection.close()


class _ToKeep:
    """Files the runs looked up, to parse and keep (``retained``), one at a time between requests."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.reused = 0

    def take(self, fd: int) -> None:
        """What an ended worker wrote to its pipe (``_report``): the files, and how many lints reused a tree."""
        data = b""
        try:
            os.set_blocking(fd, False)
            while chunk := os.read(fd, 65536):
                data += chunk
        except OSError:  # (BlockingIOError: its pool processes still hold the pipe; what it wrote is read)
            pass
        finally:
            os.close(fd)
        try:
            report = json.loads(data) if data else {}
            self.reused += int(report.get("reused", 0))
            looked_up = [name for name, seconds in report.get("looked_up", ())
                         if isinstance(name, str) and float(seconds) <= retained.MAX_PARSE_SECONDS]
        except (ValueError, TypeError, AttributeError):
            return
        self.paths = [name for name in self.paths if name not in looked_up] + looked_up
        del self.paths[:-retained.MAX_REPORTED]  # the runs' latest files, if they come faster than they parse

    def keep_one(self) -> None:
        from .runner import collected_once

        with collected_once():  # (as for a lint: a tree has no cycles for the collector to find)
            retained.hold(self.paths.pop(0))
        gc.freeze()  # the runs forked next neither scan nor copy the kept trees


def _report(fd: int) -> None:
    """The worker's last words to the daemon, never waiting for it: what does not fit in the pipe
    is cut off, and the daemon ignores a report it cannot read."""
    try:
        os.set_blocking(fd, False)
        os.write(fd, json.dumps({"looked_up": retained.looked_up(), "reused": retained.reused()}).encode())
    except OSError:
        pass


def _same_user(connection: socket.socket) -> bool:
    import struct

    try:
        credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    _, uid, _ = struct.unpack("3i", credentials)
    return uid == os.getuid()


def _run(connection: socket.socket, message: dict, fds: list[int], report_fd: int) -> None:
    """In the forked worker: become the client's process for one command line, answer its exit
    code, telling the daemon (``report_fd``) first the files it looked up for a kept tree. A worker
    that cannot be the client's in every way that matters (its interpreter flags, warning
    filters, resource limits) declines at once, and the client runs the command itself."""
    code = 2
    answered = False
    try:
        os.setpgid(0, 0)  # a group of its own: the client's Ctrl-C reaches it and its worker processes alike
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # its own worker processes are waited for
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        connection.settimeout(None)  # a run may take minutes; the watcher waits as long
        os.register_at_fork(after_in_child=connection.close)  # its worker processes must not keep the client waiting
        threading.Thread(target=_end_when_client_leaves, args=(connection,), daemon=True).start()
        send_message(connection, {"pid": os.getpid()})  # where the client sends its Ctrl-C
        refusal = _refusal(message)
        if refusal is not None:
            answered = True
            send_message(connection, {"declined": refusal})
            os._exit(0)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(message["cwd"])
        os.environ.clear()
        os.environ.update(message["env"])
        os.umask(message["umask"])
        sys.path[:] = message.get("path") or sys.path  # what ``verify`` imports the user's code from
        _adopt_streams(message["streams"])
        sys.argv = [message.get("argv0") or "shapelint", *message["run"]]
        main = sys.modules.get("__main__")
        if main is not None:
            main.__package__ = message.get("main_package")  # how click names the program in its usage lines
        from .console import execute

        code = execute()
    except BaseException:  # noqa: BLE001 - whatever happened, the client gets an answer
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        _report(report_fd)  # before the answer: once the client has it and leaves, this process is killed
        try:
            if not answered:
                send_message(connection, {"code": code})
        except OSError:
            pass
        os._exit(0)


def _refusal(message: dict) -> Optional[str]:
    """Why this worker cannot run the client's command as the client would (None: it can), after
    taking on the client's CPU affinity, priority and resource limits."""
    if message.get("interpreter") != interpreter_state():
        return "the client's interpreter flags or warning filters differ from the daemon's"
    limits = message.get("limits") or {}
    try:
        if limits.get("affinity") and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, limits["affinity"])
        if limits.get("nice") is not None:
            os.setpriority(os.PRIO_PROCESS, 0, limits["nice"])
        import resource

        for name, (soft, hard) in (limits.get("rlimits") or {}).items():
            resource.setrlimit(getattr(resource, name), (soft, hard))
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        return f"cannot take on the client's limits: {exc}"
    return None


def _adopt_streams(streams: dict) -> None:
    """``sys.stdin``/``stdout``/``stderr`` on the client's descriptors, as the client's Python made them."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        shape = streams.get(name)
        if shape is None:
            setattr(sys, name, None)
            continue
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        setattr(sys, name, io.TextIOWrapper(buffered, encoding=shape["encoding"], errors=shape["errors"],
                                            line_buffering=shape["line_buffering"], write_through=name == "stderr"))


def _end_when_client_leaves(connection: socket.socket) -> None:
    """The client went away (killed, a second Ctrl-C): this run ends too, its worker processes with
    it, as they would have with the client."""
    try:
        while connection.recv(1):
            pass
    except OSError:
        pass
    try:
        os.killpg(0, signal.SIGKILL)
    finally:
        os._exit(130)
