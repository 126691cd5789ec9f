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
process, killing its hosts, when the socket to it closes (at exit, or when this process is killed), or
once no host of it has run for IDLE_SECONDS (a thread of this process retires it).
The child side is flows.worker_host.template_main.
"""

from __future__ import annotations

import atexit
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

# Two workers on two cores: BLAS threads would only oversubscribe them, and a host must not hold threads
# when it forks.
HOST_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_GONE = -signal.SIGKILL  # the exit code of a host whose template is gone (it took its hosts with it)
T = TypeVar("T")
ANSWER_SECONDS = 30.0  # a loaded template answers in microseconds; one that does not is stuck
# A template none of whose hosts runs leaves after this long (half a GB given back to a notebook that
# ingested once an hour ago, or to one whose TZ changed since); the next host starts a new one.
IDLE_SECONDS = 600.0


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

    def give_up(self) -> None:
        """The host did not start: a template that has not even loaded is stuck, and is closed (the next
        host gets a new one)."""
        self._template.close_if_loading()

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
        self._has_loaded = False
        self._broken = False
        self._hosts: weakref.WeakSet[ForkedHost] = weakref.WeakSet()  # a host nobody holds has no run
        self.used = time.monotonic()  # when it last forked a host

    @property
    def alive(self) -> bool:
        return not self._broken and self.process.poll() is None

    def fork(self, host_sock: socket.socket) -> ForkedHost:
        """Have the template fork a host that talks over `host_sock` (the caller closes its copy) and
        writes to this process's stderr. Returns at once: a template still loading forks when it is done.
        A template that is gone forks nothing: the host's socket closes, and its status says so."""
        hid = next(self._ids)

        def spawn() -> None:
            self._conn.send(("spawn", hid))
            socket.send_fds(self._sock, [b"h"], [host_sock.fileno(), 2])

        self._exchange(spawn, None)
        host = ForkedHost(self, hid)
        with self._lock:
            self._hosts.add(host)
        self.used = time.monotonic()
        return host

    def idle(self) -> bool:
        """Whether every host it forked that someone still holds has ended. One still running counts as
        use: the idle time runs from the end of its template's last host, not from its fork."""
        with self._lock:
            hosts = list(self._hosts)
        if all(host.poll() is not None for host in hosts):
            return True
        self.used = time.monotonic()
        return False

    def status(self, hid: int) -> int | None:
        """The host's exit code, None while it runs (or waits for its template to load and fork it)."""
        gone: int | None = _GONE
        return self._exchange(lambda: self._ask("status", hid), gone)

    def pid(self, hid: int, timeout: float = 300.0) -> int | None:
        """The host's process id, once the template has loaded and forked it; None once it is gone, or
        if the template has not loaded within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self._exchange(self._loaded, True):
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        return self._exchange(lambda: self._ask("pid", hid), None)

    def close_if_loading(self) -> None:
        if not self._exchange(self._loaded, True):
            self.close()

    def kill(self, hid: int) -> None:
        """Kill the host (a template still loading kills it as it forks it)."""
        self._exchange(lambda: self._conn.send(("kill", hid)), None)

    def _ask(self, command: str, hid: int) -> int | None:
        """The template's answer to `command` about host `hid`. A template still loading has forked
        nothing yet: no host of it has ended or has a pid."""
        if not self._loaded():
            return None
        self._conn.send((command, hid))
        if not self._conn.poll(ANSWER_SECONDS):
            raise TimeoutError(f"the host template did not answer within {ANSWER_SECONDS:g} s")
        answer: int | None = self._conn.recv()
        return answer

    def _loaded(self) -> bool:
        """Whether the template has loaded (it says so once, before any answer)."""
        if not self._has_loaded and self._conn.poll(0):
            self._has_loaded = self._conn.recv() == "loaded"
        return self._has_loaded

    def _exchange(self, exchange: Callable[[], T], gone: T) -> T:
        """One exchange with the template, under the lock; `gone` when the template is gone or silent. One
        that fails midway (or a Ctrl-C between a question and its answer) leaves the channel out of step:
        the template is then closed, its hosts with it, and the next host gets a new template."""
        with self._lock:
            if self._broken:
                return gone
            try:
                return exchange()
            except BaseException as exc:
                self._broken = True
                self._conn.close()
                self._sock.close()
                if not self._has_loaded:  # it would go on loading (seconds, half a GB) beside its successor
                    self.process.kill()
                if isinstance(exc, OSError | EOFError | TimeoutError):
                    return gone
                raise

    def close(self) -> None:
        """Close the socket: the template kills its hosts and leaves. One still loading reads the socket
        only once loaded: it is killed after a second (a host still loading leaves with it)."""
        with self._lock:
            self._broken = True
            self._conn.close()
            self._sock.close()
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# What a process reads from its environment as it starts or imports (the module path, the dynamic
# linker's, time zone and locale, BLAS threads): a template started under other values would not take
# them on as a host takes on the rest of its run's environment, so each set of values has its own.
STARTUP_VARIABLES = (
    "PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH", "LD_PRELOAD", "TZ", "LANG", "LC_ALL", "LC_CTYPE",
    *HOST_ENV,
)  # fmt: skip
_templates: dict[tuple[str | None, tuple[str | None, ...]], HostTemplate] = {}
_templates_lock = threading.Lock()


def fork_host(preload: str | None, host_sock: socket.socket) -> ForkedHost:
    """A host forked from this process's template for `preload` and the STARTUP_VARIABLES as they are now
    (started now if there is none, or if the one there was went down or left idle)."""
    with _templates_lock:
        _watch_idle()
        key = (preload, tuple(os.environ.get(name) for name in STARTUP_VARIABLES))
        template = _templates.get(key)
        if template is None or not template.alive:
            template = _templates[key] = HostTemplate(preload)
        return template.fork(host_sock)  # under the lock: retire_idle does not close it in between


def retire_idle(idle_seconds: float) -> None:
    """Close every template that has forked nothing for `idle_seconds` and whose hosts have all ended."""
    now = time.monotonic()
    with _templates_lock:
        candidates = [(key, t, t.used) for key, t in _templates.items() if now - t.used >= idle_seconds]
    idle = [(key, t, used) for key, t, used in candidates if t.idle()]  # asks them: not under the lock
    retired = []
    with _templates_lock:
        for key, template, used in idle:
            if _templates.get(key) is template and template.used == used:  # no host forked since
                retired.append(_templates.pop(key))
    for template in retired:
        template.close()


_watching = False  # this process's watcher thread is started (a forked child starts its own)


def _watch_idle() -> None:
    """Start this process's thread that retires idle templates (once per process; under the lock)."""
    global _watching
    if _watching:
        return
    _watching = True

    def watch() -> None:
        while True:
            time.sleep(max(IDLE_SECONDS / 10, 0.1))
            try:
                retire_idle(IDLE_SECONDS)
            except Exception:  # a template that could not be asked is asked next time
                continue

    threading.Thread(target=watch, name="citsec-host-templates", daemon=True).start()


def close_templates() -> None:
    """Stop this process's templates and the hosts they hold (at exit)."""
    with _templates_lock:
        templates = list(_templates.values())
        _templates.clear()
    for template in templates:
        template.close()


atexit.register(close_templates)


def _forget_in_child() -> None:
    """A child forked from this process (multiprocessing, a library's os.fork) starts without its parent's
    templates (its exit must not close them) and watcher, and with locks no thread of its own holds: a
    fork while the watcher held one would leave the child's next fork_host waiting for ever."""
    global _templates_lock, _watching
    _templates_lock = threading.Lock()
    _templates.clear()
    _watching = False


os.register_at_fork(after_in_child=_forget_in_child)
