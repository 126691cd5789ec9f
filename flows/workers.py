"""Where reports are processed: in worker processes forked from one host that loaded the tagger and the
model once (flows.limits), started by this process or, on a Dask cluster, by each Dask worker.

Each worker fetches, extracts, tags and classifies one report at a time under the per-file limits: the
memory cap holds in the worker itself, and a report that overruns its time is recorded as failed while a
fresh worker (a fork, not a start-up) takes the next. Workers only read the store; the parent writes it.
A remote report whose last bytes the store holds is fetched by the pool first, outside the workers: an
unchanged one needs no worker, so a run that finds nothing new never starts the host (nor loads a model).

    pool = open_pool(2, WorkerConfig.for_run(settings))
    outcome = run_here(Job(ref), pool.config)
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import logging
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flows.fetch import Fetched, FetchError, FetchPolicy, timed_out
from flows.interrupt import check_stop, stop_requested
from flows.limits import LimitedPool, ResourceLimits, WorkerError, extract_limited
from flows.pipeline import (
    FAILED,
    Outcome,
    WorkerContext,
    failed_last_time,
    may_be_unchanged,
    process_report,
    read_report,
    sha256_hex,
)
from flows.sources import RegisteredSource, ReportRef, with_password

if TYPE_CHECKING:
    from collections.abc import Mapping

    from corpus import Corpus
    from flows.settings import Settings

T = TypeVar("T")
log = logging.getLogger(__name__)
POOL_CLOSED = "the worker pool was closed"


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build its context: plain values, so it pickles to any process."""

    db_url: str
    policy: FetchPolicy
    cache_dir: Path | None = None
    limits: ResourceLimits = field(default_factory=ResourceLimits.from_env)

    @classmethod
    def for_run(
        cls, settings: Settings, db_url: str | None = None, policy: FetchPolicy | None = None
    ) -> WorkerConfig:
        """The configuration an ingest run with these settings hands its workers."""
        return cls(
            db_url or settings.db_url,
            policy or FetchPolicy(user_agent=settings.user_agent),
            settings.cache_dir,
            ResourceLimits.from_env(),
        )


@dataclass(frozen=True)
class Job:
    """A report as handed to a worker: the ref without its PDF password, and the registered source whose
    password_env names the variable the worker reads it from. The password itself never travels, not even
    to a Dask worker on another machine (which must have the variable set)."""

    ref: ReportRef
    source: RegisteredSource | None = None

    @classmethod
    def of(cls, ref: ReportRef, source: RegisteredSource | None = None) -> Job:
        if source is None or not source.password_env:
            return cls(ref)
        return cls(replace(ref, password=None, password_error=None), source)

    def resolved(self, environ: Mapping[str, str]) -> ReportRef:
        """The ref with its password read from `environ` (or the error saying the variable is unset)."""
        if self.source is None or not self.source.password_env:
            return self.ref
        return with_password(self.ref, self.source, environ)


class _Store:
    """The store's read side for one process, opened on first use: the host disconnects it before it
    forks, and each forked worker opens its own connection. In the run's process, the pool's reading
    threads share it and close() comes from another thread: connecting holds no lock (a PostgreSQL server
    that does not answer holds up only the thread connecting, never close()), and once closed it opens no
    connection again; one that arrives after close() is closed at once."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self._corpus: Corpus | None = None
        self._closed = False
        self._lock = threading.Lock()  # guards the two above, never held while connecting

    def corpus(self) -> Corpus:
        """The open store; WorkerError once close() ran, even for a connection under way then."""
        with self._lock:
            if self._closed:
                raise WorkerError(POOL_CLOSED)
            if self._corpus is not None:
                return self._corpus
        from corpus import Corpus

        opened = Corpus.open(self.db_url)
        with self._lock:
            if not self._closed and self._corpus is None:
                self._corpus = opened
                return opened
        opened.close()  # closed meanwhile, or another thread connected first
        return self.corpus()

    def is_known(self, sha256: str, **options: Any) -> bool:
        """flows.pipeline.is_stored_complete on this process's connection."""
        from flows.pipeline import is_stored_complete

        return is_stored_complete(self.corpus(), sha256, **options)

    def disconnect(self) -> None:
        """Close the connection; the next use opens another (the host, before it forks)."""
        self._drop(closed=False)

    def close(self) -> None:
        """Close the connection for good."""
        self._drop(closed=True)

    def _drop(self, closed: bool) -> None:
        with self._lock:
            corpus, self._corpus = self._corpus, None
            self._closed = self._closed or closed
        if corpus is not None:
            corpus.close()


def load_for_reports() -> None:
    """What every report host loads whatever its run (its preload: flows.limits.WorkerHost): the
    extractors, the language detector, the tagger's pipelines and the model libraries."""
    import trafilatura  # noqa: F401

    from flows.pipeline import load_readers
    from models.artifacts import skops_io

    skops_io()  # and scikit-learn
    load_readers()


def report_handler(config: WorkerConfig) -> Callable[[Job, Callable[[Any], None]], Outcome]:
    """Runs in the host, under the memory cap: load the extractors, the tagger and the model, and enter
    the built-in seed model in the registry if the store will need it (so the parent, which stores the
    predictions, never has to import the model libraries); returns what each forked worker runs per job."""
    from flows.pipeline import ensure_model_registered

    load_for_reports()  # done already in a host that preloaded it

    store = _Store(config.db_url)

    def load_model() -> Any:
        from models.registry import load_model

        return load_model(store.corpus(), cache_dir=config.cache_dir)

    ctx = WorkerContext(is_known=store.is_known, policy=config.policy, load_model=load_model)
    ctx.warm()
    # If this fails, the parent registers the model before it stores the first predictions.
    with contextlib.suppress(Exception):
        ensure_model_registered(store.corpus(), ctx.model.version)
    store.disconnect()
    return functools.partial(_process_job, ctx=ctx, limits=config.limits)


def _process_job(
    job: Job, mark: Callable[[Any], None], *, ctx: WorkerContext, limits: ResourceLimits
) -> Outcome:
    """In a forked worker: one report. The file's clock starts (and its sha256 is marked, so a report
    killed over the time limit is still remembered by its bytes) when extraction starts, after any fetch."""

    def extract(data: bytes, uri: str, password: str | None = None) -> Any:
        mark(sha256_hex(data))
        return extract_limited(data, uri, limits, password)

    ctx.extract = extract
    return process_report(job.resolved(os.environ), ctx)


class WorkerPool:
    """`size` report workers forked from one host process; `run` blocks, `submit` runs on a thread."""

    def __init__(self, size: int, config: WorkerConfig) -> None:
        self.size, self.config = size, config
        handler, preload = "flows.workers:report_handler", "flows.workers:load_for_reports"
        self._pool = LimitedPool(handler, (config,), config.limits, size, preload)
        self._threads: ThreadPoolExecutor | None = None
        self._early: dict[tuple[str, str | None], Future[Outcome]] = {}
        self._already_read: dict[str, Outcome] = {}  # by URI
        self._early_lock = threading.Lock()
        # What read_report needs in this process (flows.pipeline.may_be_unchanged): opened on first use.
        self._store = _Store(config.db_url)
        self._reader: WorkerContext | None = None
        self._reader_lock = threading.Lock()
        self._stopped = threading.Event()
        # When the first report was begun ahead of its run (head_start): the run's work began then.
        self.began: dt.datetime | None = None
        # Feeds and pages `citsec ingest`'s plan fetched to resolve its sources, by URL (take_prefetched).
        self._prefetched: dict[str, Fetched | FetchError] = {}

    def start(self) -> WorkerPool:
        """Start the host now: it imports and loads the model while the caller starts Prefect."""
        self._pool.start()
        return self

    def head_start(self, jobs: list[Job]) -> None:
        """Begin these jobs now, before the run asks for them (while Prefect starts its API): the run's
        `run` or `submit` of the same report then gets the result already under way."""
        with self._early_lock:
            if jobs and self.began is None:
                self.began = dt.datetime.now(dt.UTC)
        for job in jobs:
            with self._early_lock:
                self._early[_job_key(job)] = self._executor().submit(self._run, job)

    def already_read(self, outcomes: list[Outcome]) -> None:
        """What reading these URLs came to before the run (citsec ingest's plan asked their servers and
        found them unchanged, or a link dead last time still dead): the run's `run` or `submit` of such a
        report returns its outcome, once, instead of asking the server again, so an unchanged URL costs
        one request per command."""
        with self._early_lock:
            self._already_read.update((outcome.uri, outcome) for outcome in outcomes)

    def prefetched(self, fetched: Mapping[str, Fetched | FetchError]) -> None:
        """Feeds and pages fetched to plan the run, or that failed for good then: its resolution takes each
        once instead of fetching it again (take_prefetched)."""
        with self._early_lock:
            self._prefetched.update(fetched)

    def take_prefetched(self, url: str) -> Fetched | FetchError | None:
        with self._early_lock:
            return self._prefetched.pop(url, None)

    def take_began(self) -> dt.datetime | None:
        """When head_start first began a report (None if it did not), once."""
        with self._early_lock:
            began, self.began = self.began, None
            return began

    def _take_early(self, job: Job) -> Future[Outcome] | None:
        with self._early_lock:
            return self._early.pop(_job_key(job), None)

    def _take_already_read(self, job: Job) -> Outcome | None:
        with self._early_lock:
            return self._already_read.pop(job.ref.uri, None)

    def run(self, job: Job) -> Outcome:
        """Process one report; a report over a limit (or whose worker died) comes back failed."""
        early = self._take_early(job)
        return early.result() if early is not None else self._run(job)

    def _run(self, job: Job) -> Outcome:
        settled = self._take_already_read(job)  # what the plan found: unchanged, or still a dead link
        if settled is not None:
            return settled
        # A link that could not be fetched (a feed's dead link) is recorded as failed without a worker, and
        # one that could not be fetched last time is asked again before one is needed (still dead: none).
        to_read = may_be_unchanged(job.ref) or job.ref.error is not None
        # Looked up only when nothing else sends it to be read: a store slow to answer holds up no other read.
        failure = None if to_read else self._failure_last_time(job.ref)
        if to_read or failure is not None:
            read = self._read_first(job, once=failure is not None and timed_out(failure))
            if isinstance(read, Outcome):
                return read  # unchanged, or failed as its worker would have said: no worker needed
            job = read
        answer = self._pool.call(job)
        if answer.kind == "ok":
            return answer.value
        ref = job.ref
        error = answer.value if answer.kind != "overrun" else f"processing {answer.value}"
        return Outcome(ref.uri, FAILED, answer.mark, error=error, source_id=ref.source_id)

    def _failure_last_time(self, ref: ReportRef) -> str | None:
        """flows.pipeline.failed_last_time for a link (not a file, nor bytes at hand) on this process's
        store connection; None on a store hiccup (the worker fetches it, as before)."""
        if ref.url is None or ref.content is not None or ref.path is not None:
            return None
        try:
            return failed_last_time(self._store.corpus(), ref.url)
        except WorkerError:
            raise
        except Exception:
            log.debug("looking up %s before its worker failed", ref.url, exc_info=True)
            return None

    def _read_first(self, job: Job, once: bool = False) -> Outcome | Job:
        """flows.pipeline.read_report in this process, before any worker: the Outcome when it settles the
        report, else the job holding the changed bytes, which its worker then need not fetch. `once`: a
        link that gave no answer in time last run (flows.fetch.timed_out) is asked once, not with the
        policy's retries.

        On a daemon thread, waited for until the pool closes: a fetch here cannot be killed as a worker
        can, and a stopped run must not wait for a server that does not answer."""
        ref = job.resolved(os.environ)
        try:
            read = _on_daemon_thread(lambda: read_report(ref, self._reading(once)), self._stopped)
        except WorkerError:
            raise
        except Exception:  # a bug, a store hiccup: the worker reads it as before and says what went wrong
            log.debug("reading %s before its worker failed; its worker reads it", job.ref.uri, exc_info=True)
            return job
        if isinstance(read, Outcome):
            return read
        # The job's own ref, not the one read: that holds the source's password, which never travels.
        return replace(job, ref=replace(job.ref, content=read.content, validators=read.validators))

    def _reading(self, once: bool = False) -> WorkerContext:
        """read_report's context in this process, made once for every thread: a client, and the store,
        which connects on its first look-up (_Store: without this lock, which close() takes). `once`: the
        same, fetching with one attempt."""
        with self._reader_lock:
            if self._stopped.is_set():
                raise WorkerError(POOL_CLOSED)
            if self._reader is None:
                from flows.fetch import make_client

                policy = self.config.policy
                self._reader = WorkerContext(self._is_known, policy, client=make_client(policy))
            reader = self._reader
        return replace(reader, policy=replace(reader.policy, attempts=1)) if once else reader

    def _is_known(self, sha256: str, **options: Any) -> bool:
        if self._stopped.is_set():  # a read the pool stopped waiting for looks nothing up
            raise WorkerError(POOL_CLOSED)
        return self._store.is_known(sha256, **options)  # WorkerError too once the pool closed its store

    def submit(self, job: Job) -> Future[Outcome]:
        return self._take_early(job) or self._executor().submit(self._run, job)

    def _executor(self) -> ThreadPoolExecutor:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="citsec-worker")
        return self._threads

    def close(self) -> None:
        """Stop the workers, then their threads: a report still being processed (an interrupted run, or a
        head start nobody asked for) is stopped with its worker instead of being waited for."""
        self._stopped.set()  # reports still being fetched here end too (_read_first)
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)  # no new ones
        self._pool.close()  # the running ones end now, their workers killed
        if self._threads is not None:
            self._threads.shutdown(wait=True)
            self._threads = None
        with self._early_lock:
            self._early.clear()
            self._already_read.clear()
            self._prefetched.clear()
            self.began = None
        with self._reader_lock:
            reader, self._reader = self._reader, None
        if reader is not None and reader.client is not None:
            reader.client.close()
        self._store.close()  # at once, even while a read on a daemon thread is still connecting


def _job_key(job: Job) -> tuple[str, str | None]:
    return job.ref.uri, job.ref.path


def _on_daemon_thread(work: Callable[[], T], stop: threading.Event) -> T:
    """work() on a daemon thread: its result (or exception), unless `stop` is set first. Then WorkerError,
    as for a call to a closed pool, and the thread is left to end on its own: nothing waits for it, not
    even the interpreter's exit."""
    result: Future[T] = Future()

    def run() -> None:
        try:
            result.set_result(work())
        except BaseException as exc:
            result.set_exception(exc)

    threading.Thread(target=run, name="citsec-read", daemon=True).start()
    while not wait([result], timeout=0.25).done:
        if stop.is_set():
            raise WorkerError(POOL_CLOSED)
    return result.result()


_pool: WorkerPool | None = None
_pool_lock = threading.Lock()
_closed = False  # close_pool ran and no open_pool since: run_here refuses new reports


class PoolClosed(RuntimeError):
    """run_here was asked for a report after its run closed the pool (an interrupted run's task thread)."""


def prestart_pool(workers: int, config: WorkerConfig) -> WorkerPool:
    """Start this process's pool now, before Prefect's start-up, so the workers' start-up is hidden; the
    run's open_pool adopts it."""
    return open_pool(workers, config).start()


def open_pool(workers: int, config: WorkerConfig) -> WorkerPool:
    """This process's pool of `workers` workers (the one already open when it fits). Its host starts on
    first use, so a run whose reports all go to Dask, or are all unchanged, starts no process."""
    global _pool, _closed
    with _pool_lock:
        check_stop()  # a Ctrl-C or SIGTERM closed the pool: the run it stops must not open another
        _closed = False
        if _pool is not None and (_pool.config != config or _pool.size < workers):
            _pool.close()
            _pool = None
        if _pool is None:
            _pool = WorkerPool(max(workers, 1), config)
        return _pool


def _pool_for(config: WorkerConfig) -> WorkerPool | None:
    """This process's pool when it was opened for `config` (call holding _pool_lock)."""
    return _pool if _pool is not None and _pool.config == config else None


def head_start_began(config: WorkerConfig) -> dt.datetime | None:
    """When this process's pool for `config` began reports ahead of their run (None if it did not), asked
    once, by that run: it records that as its start, so the time `citsec runs` shows covers the reports
    read while Prefect started, not only what was left after."""
    with _pool_lock:
        pool = _pool_for(config)
    return pool.take_began() if pool is not None else None


def take_prefetched(url: str, config: WorkerConfig) -> Fetched | FetchError | None:
    """What this process's pool for `config` was handed for `url` by the plan (WorkerPool.prefetched), the
    bytes or the failure, once; None without such a pool or for a URL the plan did not fetch."""
    with _pool_lock:
        pool = _pool_for(config)
    return pool.take_prefetched(url) if pool is not None else None


def run_here(job: Job, config: WorkerConfig) -> Outcome:
    """Process a report in this process's pool: the run's pool in the parent; on a Dask worker, a pool
    of one opened by its first report and kept for the next ones.

    PoolClosed once the run has closed the pool: a task thread that picks up the next report while an
    interrupted run winds down must not start a new pool (its host would load the model for seconds)."""
    with _pool_lock:
        if _closed or stop_requested():
            raise PoolClosed(f"not processed: the run stopped before {job.ref.uri}")
        pool = _pool_for(config)
    return (pool or open_pool(1, config)).run(job)


def close_pool() -> None:
    """Close this process's pool; reports still being processed are stopped (WorkerPool.close)."""
    global _pool, _closed
    with _pool_lock:
        pool, _pool, _closed = _pool, None, True
    if pool is not None:
        pool.close()


atexit.register(close_pool)
