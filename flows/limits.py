"""Per-file limits on extraction: a time limit and a memory cap, enforced in a child process that can be
killed.

A Python thread cannot be stopped while pdfminer loops over a hostile file, and a MemoryError in a worker
that also holds the tagger and the model takes them down with it. So each worker keeps one small
extraction process (`ExtractionSandbox`): it runs `extractors.extract_bytes` under an address-space limit
(RLIMIT_AS), and when a file overruns its time (CPU seconds, with a wall-clock backstop) the parent kills
it, records the file as failed and starts a fresh one for the next file.

    sandbox = ExtractionSandbox(ResourceLimits(seconds=60))
    document = sandbox.extract(data, "report.pdf")      # ExtractionError when over a limit
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.errors import ExtractionError
from extractors.guards import PdfLimits

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from extractors.document import ExtractedDocument

MB = 1 << 20
STARTUP_SECONDS = 300.0
POLL_SECONDS = 0.25
WALL_FACTOR = 4  # a file may take this many times its CPU limit in wall time on a loaded machine


class ExtractorCrash(Exception):
    """Extraction failed with an unexpected exception (a bug, not a bad file); one line."""


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
    """What one report may cost: CPU seconds and memory (MB of address space) for its extraction, and the
    PDF limits (pages, inflated streams, content per page). `recycle_after` extractions per process
    bound whatever pdfminer and trafilatura leak."""

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


def _limit_memory(memory_mb: int) -> None:
    import resource

    cap = memory_mb * MB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _serve(conn: Connection, limits: ResourceLimits) -> None:
    """The child: extract each (data, uri, password) it is sent, answer ("ok", doc) | ("error", line) |
    ("crash", line); leave when the parent closes the pipe (including when the parent is killed)."""
    _limit_memory(limits.memory_mb)
    # The heavy libraries load now, not on the first report's clock.
    import pdfplumber  # noqa: F401
    import trafilatura  # noqa: F401

    from extractors import extract_bytes

    conn.send(("ready", None))
    while True:
        try:
            data, uri, password = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", extract_bytes(data, uri, limits.pdf, password=password))
        except ExtractionError as exc:
            answer = ("error", str(exc))
        except MemoryError:
            answer = ("error", f"over the {limits.memory_mb} MB memory limit while extracting")
        except RecursionError:
            answer = ("error", "structure nested too deeply to read")
        except Exception as exc:  # reported as a crash so tests and logs can tell bugs from bad files
            answer = ("crash", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
        del data
        try:
            conn.send(answer)
        except MemoryError:
            conn.send(("error", f"over the {limits.memory_mb} MB memory limit while extracting"))


class ExtractionSandbox:
    """One child process that extracts reports one at a time under a time limit and a memory cap.

    Thread-safe (one extraction at a time); the child starts on first use and is replaced after a kill,
    a crash or `recycle_after` extractions."""

    def __init__(self, limits: ResourceLimits | None = None) -> None:
        self.limits = limits or ResourceLimits()
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._served = 0

    def _start(self) -> Connection:
        # spawn, not fork: the parent may run Prefect's threads, which must not be forked.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self.limits), daemon=True, name="citsec-extract"
        )
        process.start()
        child.close()
        self._process, self._conn, self._served = process, parent, 0
        # Start-up (imports) is not on the first report's clock: a loaded machine may take long here.
        try:
            if not parent.poll(STARTUP_SECONDS):
                raise EOFError
            parent.recv()
        except (EOFError, OSError):
            self._stop()
            raise ExtractionError("the extraction process did not start") from None
        return parent

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=10)
        self._process = self._conn = None

    def extract(self, data: bytes, uri: str, password: str | None = None) -> ExtractedDocument:
        """Extract `data` in the child: ExtractionError (bad file, limit) or ExtractorCrash (a bug).
        `password` opens an encrypted PDF."""
        if multiprocessing.current_process().daemon:
            # A daemonic process (a Dask worker) may not start children: extract here, under the PDF
            # limits only; the time limit is then the task runner's to enforce.
            from extractors import extract_bytes

            return extract_bytes(data, uri, self.limits.pdf, password=password)
        with self._lock:
            if self._conn is None or self._served >= self.limits.recycle_after:
                self._stop()
            conn = self._conn or self._start()
            self._served += 1
            try:
                conn.send((data, uri, password))
                answer = conn.recv() if self._wait(conn) else None
            except (EOFError, OSError):
                code = self._process.exitcode if self._process is not None else None
                self._stop()
                raise ExtractionError(f"extraction process died ({_exit_reason(code)})") from None
            if answer is None:
                self._stop()  # the only way to stop pdfminer mid-loop
                raise ExtractionError(f"extraction took longer than the {self.limits.seconds:g}-second limit")
        kind, value = answer
        if kind == "ok":
            return value
        if kind == "error":
            raise ExtractionError(value)
        raise ExtractorCrash(value)

    def _wait(self, conn: Connection) -> bool:
        """Wait for the child's answer; False once it has used `seconds` of CPU on this file, or spent
        WALL_FACTOR times that in wall time. CPU time, because a busy machine must not fail good files."""
        pid = self._process.pid if self._process is not None else None
        start_cpu, start_wall = _cpu_seconds(pid), time.monotonic()
        while not conn.poll(POLL_SECONDS):
            cpu = _cpu_seconds(pid)
            wall = time.monotonic() - start_wall
            if cpu is not None and start_cpu is not None and cpu - start_cpu > self.limits.seconds:
                return False
            if wall > self.limits.seconds * (WALL_FACTOR if cpu is not None else 1):
                return False
        return True

    def close(self) -> None:
        with self._lock:
            self._stop()


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
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}, likely out of memory"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


_shared: ExtractionSandbox | None = None
_shared_lock = threading.Lock()


def shared_sandbox(limits: ResourceLimits | None = None) -> ExtractionSandbox:
    """This process's sandbox (one extraction child per worker), replaced when the limits change."""
    global _shared
    limits = limits or ResourceLimits.from_env()
    with _shared_lock:
        if _shared is None or _shared.limits != limits:
            if _shared is not None:
                _shared.close()
            _shared = ExtractionSandbox(limits)
        return _shared
