"""The worker host and its forked workers: the child side of flows.limits.

The host (`python -c "from flows.worker_host import host_main; host_main()" FD`, started by
flows.limits.WorkerHost) caps its memory, loads the handler once, then forks a worker per request for one;
each worker answers requests until its parent closes the socket."""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from extractors.errors import ExtractionError
from flows.limits import MB, ExtractorCrash, Handler, ResourceLimits, crash_line, kill_now, over_memory


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


def host_main() -> None:
    """The host process: `python -c "...host_main()" FD`. Receives (factory, args, limits), caps its
    memory, builds the handler, then forks a worker per ("fork", None) (the worker's socket arrives as a
    passed descriptor) and reaps one per ("reap", pid). Leaves, killing its workers, when the parent closes
    the socket (including when the parent is killed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    fd = int(sys.argv[1])
    sock = socket.socket(fileno=fd)
    conn = Connection(os.dup(fd))
    children: set[int] = set()
    try:
        factory, args, limits = conn.recv()
        try:
            limit_memory(limits.memory_mb)
            module, name = factory.split(":")
            with _orphan_watch():
                handler = getattr(importlib.import_module(module), name)(*args)
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
                pid = os.fork()
                if pid == 0:
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


def _reap(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)
