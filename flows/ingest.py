"""The ingest flow: resolve sources → fetch → extract → tag → classify → store.

One Prefect task per report does the CPU-bound part (in a worker process, or on a Dask worker) and hands
back a plain Outcome; the flow stores each outcome from this process, one transaction per report, as soon
as it arrives. Business logic lives in flows.pipeline and flows.sources, which run without Prefect.

    from flows.ingest import run_ingest
    summary = run_ingest(["corpus/samples"], db_url="sqlite:///citsec.db", workers=2)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from sqlalchemy.exc import OperationalError

from flows.fetch import FetchPolicy, fetch, make_client
from flows.httpcache import ValidatorCache
from flows.pipeline import (
    FAILED,
    NEW,
    UNCHANGED,
    Outcome,
    is_stored_complete,
    one_line,
    plan_fetches,
    store_outcome,
)
from flows.settings import Settings
from flows.sources import RegisteredSource, ReportRef, Resolution, resolve_sources
from flows.workers import WorkerConfig, close_pool, open_pool, run_here

if TYPE_CHECKING:
    from prefect.client.schemas.objects import TaskRun
    from prefect.states import State
    from prefect.tasks import Task

    from corpus import Corpus


@dataclass
class IngestSummary:
    """What a run did: report counts, passages and pages added, seconds, and one line per problem."""

    run_id: int
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    passages: int = 0
    pages: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "passages": self.passages,
            "pages": self.pages,
        }

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 2)}

    def add(self, outcome: Outcome) -> None:
        if outcome.status == NEW and outcome.report is not None:
            self.new += 1
            self.passages += len(outcome.report.passages)
            self.pages += outcome.pages
        elif outcome.status == UNCHANGED:
            self.unchanged += 1
        elif outcome.status == FAILED:
            self.failed += 1
            self.errors.append(outcome.error or f"{outcome.uri}: failed")


ProgressListener = Callable[[str, Any], None]  # ("total", n) once, then ("report", Outcome) per report
_listeners: list[ProgressListener] = []


@contextmanager
def progress_listener(listener: ProgressListener) -> Iterator[None]:
    """Receive progress events of flows run in this process (the CLI's progress bar)."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def _emit(event: str, value: Any) -> None:
    for listener in list(_listeners):
        listener(event, value)


def is_transient_store_error(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry storing only when the database hiccupped (locked, connection lost), not on bad data."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    try:
        state.result()
    except Exception as exc:
        cause = exc.__cause__ or exc
        return isinstance(cause, OperationalError) or bool(
            isinstance(cause, DBAPIError) and cause.connection_invalidated
        )
    return False


@task(name="resolve-sources", cache_policy=NO_CACHE)
def resolve(sources: list[str], corpus: Corpus, policy: FetchPolicy) -> Resolution:
    """Files, folders, URLs, feeds and registered names → the reports to ingest."""
    registered = {
        s.name: RegisteredSource(s.id, s.name, s.location, s.kind) for s in corpus.sources()
    }
    with make_client(policy) as client:
        return resolve_sources(sources, registered, lambda url: fetch(url, policy, client=client))


@task(name="process-report", cache_policy=NO_CACHE)
def process(ref: ReportRef, config: WorkerConfig) -> Outcome:
    """Fetch → extract → tag → classify one report, in a worker process; never raises for a bad report."""
    return run_here(ref, config)


@task(
    name="store-report",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[0.5, 2.0],
    retry_condition_fn=is_transient_store_error,
)
def store(corpus: Corpus, outcome: Outcome) -> Outcome:
    """Write one report (passages, entities, then predictions); a failed report as a failed row.

    A report the store refuses (bad data, not a hiccup) is recorded as failed and the batch goes on."""
    from corpus import CorpusError

    try:
        store_outcome(corpus, outcome)
    except CorpusError as exc:
        if isinstance(exc.__cause__, OperationalError):
            raise  # transient: let the task retry it
        error = f"{outcome.uri}: not stored: {one_line(exc)}"
        failed = replace(outcome, status=FAILED, report=None, error=error)
        store_outcome(corpus, failed)
        return failed
    return outcome


@flow(name="ingest", log_prints=False, validate_parameters=False)
def ingest_flow(
    sources: list[str],
    db_url: str | None = None,
    workers: int | None = None,
    trigger: str = "cli",
    fetch_policy: FetchPolicy | None = None,
) -> IngestSummary:
    """Ingest reports from files, folders, URLs, feeds and registered sources into the store."""
    from corpus import Corpus

    started = time.perf_counter()
    settings = Settings.from_env()
    policy = fetch_policy or FetchPolicy(user_agent=settings.user_agent)
    url = db_url or settings.db_url
    corpus = Corpus.open(url)
    cache = ValidatorCache(settings.cache_dir)
    summary = IngestSummary(run_id=corpus.start_ingest_run(trigger))
    try:
        resolution = resolve(sources, corpus, policy)
        summary.errors.extend(resolution.errors)
        refs = plan_fetches(resolution.refs, cache.get, lambda sha: is_stored_complete(corpus, sha))
        _emit("total", len(refs))
        config = WorkerConfig(url, policy, settings.cache_dir)
        open_pool(min(workers or settings.workers, max(len(refs), 1)), config)
        try:
            for future in as_completed([process.submit(ref, config) for ref in refs]):
                outcome = future.result()
                outcome = store(corpus, outcome)
                if outcome.sha256 and outcome.status != FAILED:
                    cache.put(outcome.uri, outcome.validators, outcome.sha256)
                summary.add(outcome)
                _emit("report", outcome)
        finally:
            close_pool()
            cache.save()
    finally:
        summary.seconds = time.perf_counter() - started
        corpus.finish_ingest_run(summary.run_id, summary.counts(), summary.errors)
        corpus.close()
    return summary


def run_ingest(
    sources: list[str],
    db_url: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    trigger: str = "cli",
    fetch_policy: FetchPolicy | None = None,
) -> IngestSummary:
    """Run the ingest flow: reports in `workers` local processes, or on the Dask cluster at `dask_address`."""
    from prefect.task_runners import ThreadPoolTaskRunner

    n = workers or Settings.from_env().workers
    if dask_address:
        from prefect_dask import DaskTaskRunner

        # On Dask each task runs in a Dask worker process, which loads its own tagger and model.
        runner: Any = DaskTaskRunner(address=dask_address)
        n = 1
    else:
        # Threads only wait on the process pool; the pool does the CPU work.
        runner = ThreadPoolTaskRunner(max_workers=max(n, 1))
    configured = ingest_flow.with_options(task_runner=runner)
    return configured(sources, db_url=db_url, workers=n, trigger=trigger, fetch_policy=fetch_policy)

