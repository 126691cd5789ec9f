"""Worker hosts forked from a template process that has loaded what every host of its kind loads.

A host started as a new interpreter spends about 5 of its 6 seconds of start-up here importing
scikit-learn, skops, spaCy and the extractors and building the language detector and the tagger, none of
which depends on the run. The template does that once per process and preload, then forks each host; the
host loads only its run's model. A `citsec ingest` command starts one host, so it pays the same; a
process that starts many (a notebook or a script running ingest after ingest, the test suite) pays once.

    host = fork_host("flows.workers:load_for_reports", sock)   # sock: the parent's end is the caller's
    host.poll(), host.kill(), host.wait(10)                     # as subprocess.Popen's

The template is this process's child, started with `subprocess` (so a daemonic Dask worker may start one
too); the hosts are its children, so it reaps them and answers for their exit codes. It leaves with this
process, killing its hosts, when the socket to it closes (at exit, or when this process is killed).
The child side is flows.worker_host.template_main.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

# Two workers on two cores: BLAS threads would only oversubscribe them, and a host must not hold threads
# when it forks.
HOST_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_GONE = -signal.SIGKILL  # the exit code of a host whose template is gone (it took its hosts with it)


class ForkedHost:
    """A host the template forked, as the parent sees it: what WorkerHost asks of a process."""

    def __init__(self, template: HostTemplate, hid: int) -> None:
        self._template, self._hid = template, hid
        self.returncode: int | None = None

    @property
    def pid(self) -> int | None:
        """The host's process id (waits for a template still loading to fork it); None once it has ended."""
        return self._template.pid(self._hid)

    def poll(self) -> int | None:
        """The host's exit code, None while it runs."""
        if self.returncode is None:
            self.returncode = self._template.status(self._hid)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            self._template.kill(self._hid)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the host to end (the template reaps it); subprocess.TimeoutExpired after `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker host {self._hid}", timeout or 0)
            time.sleep(0.02)
        return code


class HostTemplate:
    """The template process for one preload ("module:function", or None for a bare interpreter)."""

    def __init__(self, preload: str | None) -> None:
        mine, theirs = socket.socketpair()
        code = "from flows.worker_host import template_main; template_main()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno()), *([preload] if preload else [])],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=2,  # a host writes to the stderr of its run, passed when it is forked
            env={**HOST_ENV, **os.environ},
        )
        theirs.close()
        self._sock = mine
        self._conn = Connection(os.dup(mine.fileno()))
        self._lock = threading.Lock()
        self._ids = itertools.count()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, host_sock: socket.socket) -> ForkedHost:
        """Have the template fork a host that talks over `host_sock` (the caller closes its copy) and
        writes to this process's stderr. Returns at once: a template still loading forks when it is done."""
        with self._lock:
            hid = next(self._ids)
            # A template that is gone: the host's socket closes, and its status says so.
            with contextlib.suppress(OSError):
                self._conn.send(("spawn", hid))
                socket.send_fds(self._sock, [b"h"], [host_sock.fileno(), 2])
        return ForkedHost(self, hid)

    def status(self, hid: int) -> int | None:
        return self._ask("status", hid, _GONE)

    def pid(self, hid: int) -> int | None:
        return self._ask("pid", hid, None)

    def _ask(self, command: str, hid: int, gone: int | None) -> int | None:
        """The template's answer to `command` about host `hid`; `gone` when the template is."""
        with self._lock:
            try:
                self._conn.send((command, hid))
                answer: int | None = self._conn.recv()
            except (EOFError, OSError):
                return gone
        return answer

    def kill(self, hid: int) -> None:
        with self._lock, contextlib.suppress(OSError):
            self._conn.send(("kill", hid))

    def close(self) -> None:
        """Close the socket: the template kills its hosts and leaves. One still loading reads the socket
        only once loaded: it is killed after a second (its hosts, if any, leave with their own sockets)."""
        with self._lock:
            self._conn.close()
            self._sock.close()
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_templates: dict[str | None, HostTemplate] = {}
_templates_lock = threading.Lock()
_owner = os.getpid()


def fork_host(preload: str | None, host_sock: socket.socket) -> ForkedHost:
    """A host forked from this process's template for `preload` (started now if there is none, or if the
    one there was died)."""
    global _owner
    with _templates_lock:
        if os.getpid() != _owner:  # a child forked from the process that started them: not its templates
            _templates.clear()
            _owner = os.getpid()
        template = _templates.get(preload)
        if template is None or not template.alive:
            template = _templates[preload] = HostTemplate(preload)
    return template.fork(host_sock)


def close_templates() -> None:
    """Stop this process's templates and the hosts they hold (at exit)."""
    with _templates_lock:
        templates = list(_templates.values()) if os.getpid() == _owner else []
        _templates.clear()
    for template in templates:
        template.close()


atexit.register(close_templates)
