"""Per-file limits: a time limit and a memory cap, enforced on worker processes that can be killed.

A Python thread cannot be stopped while pdfminer loops over a hostile file, so reports are processed in
worker processes. One *host* process sets the memory cap (RLIMIT_AS), loads the heavy libraries once (for
ingest also the tagger and the model: flows.workers) and then forks the workers from that loaded state, so
a worker costs a fork, not seconds of imports. The parent talks to each worker over a socket of its own and
reads the worker's CPU seconds from /proc; when a file overruns, the parent kills that worker, answers
"over the limit" for the file and has the host fork a fresh worker for the next one. The host is itself
forked, from a template process that loaded the libraries once for every host of this process
(flows.host_template).

    sandbox = ExtractionSandbox(ResourceLimits(seconds=60))
    document = sandbox.extract(data, "report.pdf")      # ExtractionError when over a limit

    pool = LimitedPool("flows.workers:report_handler", (config,), limits, size=2)
    answer = pool.call(request)                         # Answer(kind, value, mark), never raises for a file
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.errors import ExtractionError
from extractors.guards import PdfLimits
from flows.host_template import HOST_ENV, ForkedHost, fork_host

if TYPE_CHECKING:
    from extractors.document import ExtractedDocument

MB = 1 << 20
STARTUP_SECONDS = 300.0
POLL_SECONDS = 0.25
WALL_FACTOR = 4  # a file may take this many times its CPU limit in wall time on a loaded machine

# (request, mark) -> answer; runs in a forked worker. `mark(value)` restarts the file's clock and keeps
# `value` (ingest: the report's sha256, once fetching is done and extraction starts).
Handler = Callable[[Any, Callable[[Any], None]], Any]


class ExtractorCrash(Exception):
    """Extraction failed with an unexpected exception (a bug, not a bad file); one line."""


class WorkerError(Exception):
    """The worker processes could not start (a broken installation, a model that will not load); one line."""


def _env_number(environ: dict[str, str] | os._Environ[str], name: str, default: float) -> float:
    value = environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"{name} must be positive, not {value!r}")
    return number


@dataclass(frozen=True)
class ResourceLimits:
    """What one report may cost: CPU seconds from the start of its extraction until it is classified, and
    memory (MB of address space) for the whole worker process, whose libraries, tagger and model take
    about 500 MB of it; and the PDF limits (pages, inflated streams, content per page). A worker is
    replaced after `recycle_after` reports, which bounds whatever pdfminer and trafilatura leak."""

    seconds: float = 300.0
    memory_mb: int = 3072
    pdf: PdfLimits = field(default_factory=PdfLimits)
    recycle_after: int = 200

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ResourceLimits:
        """Limits from CITSEC_FILE_SECONDS, CITSEC_FILE_MEMORY_MB and CITSEC_MAX_PAGES, else defaults."""
        env = os.environ if environ is None else environ
        default = cls()
        pages = int(_env_number(env, "CITSEC_MAX_PAGES", default.pdf.max_pages))
        return cls(
            seconds=_env_number(env, "CITSEC_FILE_SECONDS", default.seconds),
            memory_mb=int(_env_number(env, "CITSEC_FILE_MEMORY_MB", default.memory_mb)),
            pdf=PdfLimits(max_pages=pages),
        )


def over_memory(limits: ResourceLimits) -> str:
    return f"over the {limits.memory_mb} MB memory limit while extracting"


def crash_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


def extract_limited(
    data: bytes, uri: str, limits: ResourceLimits, password: str | None = None
) -> ExtractedDocument:
    """extractors.extract_bytes under the PDF limits, in a capped process: running into the memory cap or
    into a structure nested too deeply is an ExtractionError line, any other exception an ExtractorCrash."""
    from extractors import extract_bytes

    try:
        return extract_bytes(data, uri, limits.pdf, password=password)
    except ExtractionError:
        raise
    except MemoryError:
        raise ExtractionError(over_memory(limits)) from None
    except RecursionError:
        raise ExtractionError("structure nested too deeply to read") from None
    except Exception as exc:  # reported as a crash so tests and logs can tell bugs from bad files
        raise ExtractorCrash(crash_line(exc)) from None


def load_extractors() -> None:
    """What every extraction host loads (its preload), so no file waits for imports."""
    import pdfplumber  # noqa: F401
    import trafilatura  # noqa: F401

    import extractors  # noqa: F401


def extraction_handler(limits: ResourceLimits) -> Handler:
    """ExtractionSandbox's handler: (data, uri, password) -> ExtractedDocument."""
    load_extractors()

    def handle(request: tuple[bytes, str, str | None], mark: Callable[[Any], None]) -> ExtractedDocument:
        data, uri, password = request
        return extract_limited(data, uri, limits, password)

    return handle


def parent_death_signal(sig: int) -> Callable[[], None] | None:
    """What a child process calls to be sent `sig` when its parent dies, even by SIGKILL (Linux's
    PR_SET_PDEATHSIG; None elsewhere, where closing sockets alone end children). Prepared beforehand, so
    the child, between fork and exec or just forked, only makes the system call."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, sig)


def kill_now(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --- the parent's side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A worker's answer to one request: kind "ok" (value is the handler's result), "error" (value is a
    one-line reason: a bad file, a limit), or "crash" (a bug); `mark` is the last value the handler marked."""

    kind: str
    value: Any
    mark: Any = None


class WorkerHost:
    """The host process, forked at once from this process's template for `preload` ("module:function": what
    every host of its kind loads whatever the run; flows.host_template): it loads while the caller gets on
    with other work."""

    def __init__(
        self, factory: str, args: tuple[Any, ...], limits: ResourceLimits, preload: str | None = None
    ) -> None:
        mine, theirs = socket.socketpair()
        self.process = fork_host(preload, theirs)
        theirs.close()
        self._sock = mine
        self._conn = Connection(os.dup(mine.fileno()))
        self._lock = threading.Lock()
        self._ready = False
        self._error: str | None = None
        self._vanished = False
        with contextlib.suppress(OSError):  # a host that is gone already: _wait_ready says so
            self._conn.send((factory, args, limits, {**HOST_ENV, **os.environ}, _cwd()))

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and self._error is None

    @property
    def died(self) -> bool:
        """It was ready once and is gone now, or it vanished as it started (its template went down, or
        could not fork it): a new one may start. One that said it could not start stays failed."""
        return (self._ready and not self.alive) or self._vanished

    def _wait_ready(self) -> None:
        if self._ready:
            return
        if self._error is None:
            try:
                if not self._conn.poll(STARTUP_SECONDS):
                    self.process.give_up()  # a template stuck loading is not asked again
                    raise EOFError
                kind, value = self._conn.recv()
            except (EOFError, OSError):
                self._vanished = True
                reason = _exit_reason(self.process.poll())
                kind, value = "failed", f"the worker process did not start ({reason})"
            if kind == "ready":
                self._ready = True
                return
            self._error = value
        raise WorkerError(self._error)

    def fork(self) -> LimitedWorker:
        """A new worker, forked from the loaded host (waits for the host to finish loading)."""
        with self._lock:
            self._wait_ready()
            mine, theirs = socket.socketpair()
            try:
                self._conn.send(("fork", None))
                socket.send_fds(self._sock, [b"f"], [theirs.fileno()])
                pid = self._conn.recv()
            except (EOFError, OSError):
                mine.close()
                self._error = f"the worker host process died ({_exit_reason(self.process.poll())})"
                raise WorkerError(self._error) from None
            except BaseException:
                mine.close()
                self._out_of_step()
                raise
            finally:
                theirs.close()
        return LimitedWorker(self, pid, Connection(mine.detach()))

    def stop_worker(self, worker: LimitedWorker) -> int | None:
        """Kill a worker and reap it; its exit code (negative: the signal that ended it)."""
        worker.conn.close()
        kill_now(worker.pid)
        with self._lock:
            if self._error is not None:  # out of step, or gone: its own exit reaps the worker
                return None
            try:
                self._conn.send(("reap", worker.pid))
                code: int | None = self._conn.recv()
            except (EOFError, OSError):
                return None
            except BaseException:
                self._out_of_step()
                raise
        return code

    def _out_of_step(self) -> None:
        """A request interrupted before its answer (a Ctrl-C): the next request would read this one's
        answer (a pid read as an exit code, or the reverse), so the host is not asked again; the pool
        starts a new one."""
        self._error = "the worker host was interrupted between a request and its answer"

    def close(self) -> None:
        """Close the socket: the host kills its workers and leaves. A host still loading has no workers
        yet and reads the socket only once loaded: it is killed, so a caller waiting for it to load (and
        holding the lock) stops waiting now, instead of seconds later (a run interrupted as it starts)."""
        if not self._ready:
            self.process.kill()  # by its template, as soon as it has forked it
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)  # a caller waiting for it to load stops waiting now
        with self._lock:
            self._conn.close()
            self._sock.close()
        if self._ready:
            wait_or_kill(self.process)


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # a working folder deleted under the process
        return None


def wait_or_kill(process: subprocess.Popen[Any] | ForkedHost, timeout: float = 10) -> None:
    """Give a process asked to leave `timeout` seconds to exit, then kill it; reaped either way."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class LimitedWorker:
    """One forked worker, as the parent sees it."""

    def __init__(self, host: WorkerHost, pid: int, conn: Connection) -> None:
        self.host, self.pid, self.conn = host, pid, conn
        self.served = 0

    def call(self, request: Any, limits: ResourceLimits) -> Answer:
        """Send one request and wait for the answer. Over the time limit (CPU seconds since the request or
        the handler's last mark, or WALL_FACTOR times that in wall time), or when the worker dies, the
        worker is killed and the answer is an error: the caller must not use this worker again."""
        self.served += 1
        mark = None
        try:
            self.conn.send(request)
            start_cpu, start_wall = _cpu_seconds(self.pid), time.monotonic()
            while True:
                if self.conn.poll(POLL_SECONDS):
                    kind, value = self.conn.recv()
                    if kind != "mark":
                        return Answer(kind, value, mark)
                    mark, start_cpu, start_wall = value, _cpu_seconds(self.pid), time.monotonic()
                    continue
                cpu = _cpu_seconds(self.pid)
                wall = time.monotonic() - start_wall
                used = cpu - start_cpu if cpu is not None and start_cpu is not None else None
                if (used is not None and used > limits.seconds) or wall > limits.seconds * (
                    WALL_FACTOR if used is not None else 1
                ):
                    self.host.stop_worker(self)  # the only way to stop pdfminer mid-loop
                    return Answer("overrun", f"took longer than the {limits.seconds:g}-second limit", mark)
        except (EOFError, OSError):
            code = self.host.stop_worker(self)
            return Answer("died", f"worker process died ({_exit_reason(code)})", mark)


class LimitedPool:
    """Up to `size` workers forked from one host; `call` runs a request on a free worker under the limits.

    Thread-safe: up to `size` threads call at once. The host starts on `start()` or the first call; a
    worker is forked on first use and again after a kill, a death or `recycle_after` requests, and a host
    that died is started again."""

    def __init__(
        self,
        factory: str,
        args: tuple[Any, ...],
        limits: ResourceLimits,
        size: int = 1,
        preload: str | None = None,
    ) -> None:
        self.factory, self.args, self.limits, self.size, self.preload = factory, args, limits, size, preload
        self._host: WorkerHost | None = None
        self._host_lock = threading.Lock()
        self._closed = False
        self._free: queue.LifoQueue[LimitedWorker | None] = queue.LifoQueue()
        for _ in range(size):
            self._free.put(None)  # a slot without a worker yet

    def start(self) -> LimitedPool:
        """Start the host now (it loads in the background)."""
        self._current_host()
        return self

    def _current_host(self) -> WorkerHost:
        with self._host_lock:
            if self._closed:
                # A call still under way when the pool closed (a run interrupted) must not start a host.
                raise WorkerError("the worker pool was closed")
            if self._host is None or self._host.died:
                if self._host is not None:
                    self._host.close()
                self._host = WorkerHost(self.factory, self.args, self.limits, self.preload)
            return self._host

    def call(self, request: Any) -> Answer:
        """Answer one request; WorkerError only when the workers cannot start at all."""
        worker = self._free.get()
        try:
            if worker is not None and (worker.served >= self.limits.recycle_after or not worker.host.alive):
                worker.host.stop_worker(worker)
                worker = None
            if worker is None:
                worker = self._current_host().fork()
            try:
                answer = worker.call(request, self.limits)
            except BaseException:  # a Ctrl-C mid-request: its answer would be read by the next request
                worker.host.stop_worker(worker)
                worker = None
                raise
            if answer.kind in ("overrun", "died"):
                worker = None  # killed and reaped already
            return answer
        finally:
            self._free.put(worker)

    def close(self) -> None:
        """Stop the host and every worker, busy ones included. For good: a call still under way when the
        pool closes (an interrupted run) ends as "died" or WorkerError, never by starting a new host."""
        workers = []
        while True:
            try:
                workers.append(self._free.get_nowait())
            except queue.Empty:
                break
        for worker in workers:
            if worker is not None:
                worker.host.stop_worker(worker)
        with self._host_lock:
            self._closed = True
            if self._host is not None:
                self._host.close()  # the host kills the workers still busy: their calls end as "died"
                self._host = None
        for _ in range(self.size):
            self._free.put(None)


class ExtractionSandbox:
    """One worker that extracts reports one at a time under a time limit and a memory cap (the fuzz tests
    and anything that needs extraction alone; ingest workers tag and classify too: flows.workers)."""

    def __init__(self, limits: ResourceLimits | None = None) -> None:
        self.limits = limits or ResourceLimits()
        handler, preload = "flows.limits:extraction_handler", "flows.limits:load_extractors"
        self._pool = LimitedPool(handler, (self.limits,), self.limits, preload=preload)

    def extract(self, data: bytes, uri: str, password: str | None = None) -> ExtractedDocument:
        """Extract `data` in the worker: ExtractionError (bad file, limit) or ExtractorCrash (a bug).
        `password` opens an encrypted PDF."""
        answer = self._pool.call((data, uri, password))
        if answer.kind == "ok":
            return answer.value
        if answer.kind == "crash":
            raise ExtractorCrash(answer.value)
        if answer.kind in ("died", "overrun"):
            raise ExtractionError(f"extraction {answer.value}")
        raise ExtractionError(answer.value)

    def close(self) -> None:
        self._pool.close()


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU seconds (user + system) a live process has used, from /proc; None where there is no /proc."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}, likely out of memory"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
