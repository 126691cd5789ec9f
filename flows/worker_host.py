"""The host template, the worker hosts it forks and their forked workers: the child side of flows.limits.

The template (`python -c "from flows.worker_host import template_main; template_main()" FD [PRELOAD]`,
started by flows.host_template, one per process and preload) loads PRELOAD, what every host of its kind
loads whatever the run (the libraries, the language detector, the tagger), then forks a host per request.
A host takes on its run (the caller's environment, working folder and stderr), caps its memory, loads the
handler once, then forks a worker per request for one; each worker answers requests until its parent
closes the socket. So the second run of a process (a notebook, a script, the tests) forks its host in
milliseconds where a new interpreter would load for seconds."""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from extractors.errors import ExtractionError
from flows.limits import (
    MB,
    ExtractorCrash,
    Handler,
    ResourceLimits,
    crash_line,
    kill_now,
    over_memory,
    parent_death_signal,
)


def limit_memory(memory_mb: int) -> None:
    import resource

    cap = memory_mb * MB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


@contextlib.contextmanager
def _orphan_watch(every: float = 0.5) -> Iterator[None]:
    """While the block runs (loading takes seconds), leave at once if the parent dies: the socket that
    tells the host so is only read after loading. Stopped before any fork: workers start single-threaded."""
    parent, done = os.getppid(), threading.Event()

    def watch() -> None:
        while not done.wait(every):
            if os.getppid() != parent:
                os._exit(0)

    watcher = threading.Thread(target=watch, name="orphan-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def template_main() -> None:
    """The template process: `python -c "...template_main()" FD [PRELOAD]`. Loads PRELOAD
    ("module:function"), then answers its parent: ("spawn", hid), with the host's socket and stderr as
    passed descriptors, forks a host; ("status", hid) is answered with the host's exit code (None while it
    runs), ("pid", hid) with its process id; ("kill", hid) kills it. Sends "loaded" first, once PRELOAD is.
    Leaves, killing its hosts, when the parent closes the socket (including when the parent is killed);
    their workers die with them (_die_with_parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    fd = int(sys.argv[1])
    sock = socket.socket(fileno=fd)
    conn = Connection(os.dup(fd))
    hosts: dict[int, int] = {}  # hid -> pid
    ended: dict[int, int] = {}  # hid -> exit code
    try:
        if len(sys.argv) > 2:
            # Outside any run's memory cap; a failure here is the handler's to report, in its host.
            with _orphan_watch(), contextlib.suppress(Exception):
                _call(sys.argv[2])
        gc.collect()
        gc.freeze()  # what is loaded stays shared with the hosts instead of being copied
        conn.send("loaded")  # until this, the parent answers for its hosts itself (flows.host_template)
        while True:
            command, hid = conn.recv()
            for ended_hid, pid in list(hosts.items()):  # reap the hosts that ended since
                if (code := _exited(pid)) is not None:
                    ended[ended_hid] = code
                    del hosts[ended_hid]
            if command == "spawn":
                _, fds, _, _ = socket.recv_fds(sock, 1, 2)
                try:
                    hosts[hid] = _fork_host(conn, sock, fds)
                except OSError:  # a fork refused (a process limit, memory): this host fails, not the others
                    ended[hid] = 1
                finally:
                    for passed in fds:
                        os.close(passed)  # the host's socket closes here: its parent reads that it failed
            elif command == "status":
                conn.send(None if hid in hosts else ended.get(hid))
            elif command == "pid":
                conn.send(hosts.get(hid))
            elif command == "kill" and hid in hosts:
                kill_now(hosts[hid])
    except (EOFError, OSError):
        pass
    finally:
        for pid in hosts.values():
            kill_now(pid)
            _reap(pid)


def _fork_host(conn: Connection, sock: socket.socket, fds: list[int]) -> int:
    """Fork a host on the passed descriptors (its socket, its stderr); its pid."""
    if len(fds) != 2:
        raise OSError(f"expected a host's socket and stderr, got {len(fds)} descriptors")
    _flush()  # or every host would write what the template left in its buffers
    template = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            _die_with_parent(template)
            conn.close()
            sock.close()
            _host(fds[0], fds[1])
        finally:
            os._exit(70)  # never back into the template's loop, or its exit, which kill hosts
    return pid


def _host(fd: int, stderr: int) -> NoReturn:
    """A host, forked from the template (_run_host), leaving without the template's exit handlers; what
    escapes it is printed, as an interpreter would, and ends it with exit code 1."""
    code = 0
    try:
        _run_host(fd, stderr)
    except BaseException:
        code = 1
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        _flush()
        os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe must not stop a process leaving
            stream.flush()


def _die_with_parent(parent: int) -> None:
    """Be killed when the process that forked this one dies, however it dies (Linux; elsewhere sockets
    closing still end hosts and workers): a host whose template went down, a worker whose host did, even
    mid-file, when no parent is left to enforce its limits."""
    if _on_parent_death is not None:
        _on_parent_death()
    if os.getppid() != parent:  # it died before that took effect
        os._exit(0)


_on_parent_death = parent_death_signal(signal.SIGKILL)


def _run_host(fd: int, stderr: int) -> None:
    """A host: receives (factory, args, limits, environ, cwd) on socket `fd`,
    takes them on, caps its memory, builds the handler, then forks a worker per ("fork", None) (the
    worker's socket arrives as a passed descriptor) and reaps one per ("reap", pid). Leaves, killing its
    workers, when the parent closes the socket (including when the parent is killed)."""
    sock = socket.socket(fileno=fd)
    conn = Connection(os.dup(fd))
    children: set[int] = set()
    try:
        os.dup2(stderr, 1)  # anything a library prints goes to the caller's stderr, never into its output
        os.dup2(stderr, 2)
        os.close(stderr)
        factory, args, limits, environ, cwd = conn.recv()
        _take_over(environ, cwd)
        try:
            limit_memory(limits.memory_mb)
            with _orphan_watch():
                handler = _call(factory, *args)
        except MemoryError:
            line = f"the worker process needs more than the {limits.memory_mb} MB memory limit to start"
            conn.send(("failed", line))
            return
        except Exception as exc:
            conn.send(("failed", f"the worker process could not start: {crash_line(exc)}"))
            return
        gc.collect()
        gc.freeze()  # the loaded objects stay shared with the forked workers instead of being copied
        conn.send(("ready", None))
        while True:
            command, value = conn.recv()
            if command == "fork":
                _, fds, _, _ = socket.recv_fds(sock, 1, 1)
                host = os.getpid()
                pid = os.fork()
                if pid == 0:
                    _die_with_parent(host)
                    conn.close()
                    sock.close()
                    _serve(Connection(fds[0]), handler, limits)
                os.close(fds[0])
                children.add(pid)
                conn.send(pid)
            elif command == "reap":
                children.discard(value)
                conn.send(_reap(value))
    except (EOFError, OSError):
        pass
    finally:
        for pid in children:
            kill_now(pid)
            _reap(pid)


def _call(name: str, *args: Any) -> Any:
    """Call "module:function" with `args`."""
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)(*args)


def _take_over(environ: dict[str, str], cwd: str | None) -> None:
    """Become the caller's process as of now: its environment (the template started earlier, before a
    variable such as a source's password was set) and its working folder."""
    os.environ.clear()
    os.environ.update(environ)
    if cwd is not None:
        with contextlib.suppress(OSError):
            os.chdir(cwd)


def _serve(conn: Connection, handler: Handler, limits: ResourceLimits) -> NoReturn:
    """A forked worker: answer each request with ("ok", value) | ("error", line) | ("crash", line), after
    any number of ("mark", value); leave when the parent closes the socket."""
    try:

        def mark(value: Any) -> None:
            conn.send(("mark", value))

        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                break
            try:
                answer: tuple[str, Any] = ("ok", handler(request, mark))
            except ExtractionError as exc:
                answer = ("error", str(exc))
            except MemoryError:
                answer = ("error", over_memory(limits))
            except RecursionError:
                answer = ("error", "structure nested too deeply to read")
            except Exception as exc:
                answer = ("crash", str(exc) if isinstance(exc, ExtractorCrash) else crash_line(exc))
            del request
            try:
                conn.send(answer)
            except MemoryError:
                conn.send(("error", over_memory(limits)))
    finally:
        os._exit(0)  # no atexit handlers or buffers inherited from the host


def _exited(pid: int) -> int | None:
    """The exit code of a child that has ended (reaped now), None while it runs."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return -signal.SIGKILL  # reaped elsewhere: gone
    return os.waitstatus_to_exitcode(status) if done else None


def _reap(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)
