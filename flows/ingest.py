"""The ingest flow: resolve sources → fetch → extract → tag → classify → store.

One Prefect task per report does the CPU-bound part (in a worker process forked from a host that loaded
the tagger and the model once, or on a Dask worker: flows.workers) and hands back a plain Outcome; the flow
stores each outcome from this process, one transaction per report, as soon as it arrives. The steps live in
flows.run, flows.pipeline and flows.sources, which run without Prefect.

    from flows.ingest import run_ingest
    summary = run_ingest(["corpus/samples"], db_url="sqlite:///citsec.db", workers=2)
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import TYPE_CHECKING, Any, cast

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from flows.dask_scheduler import SchedulerUnreachable, check_scheduler, scheduler_error
from flows.fetch import FetchPolicy
from flows.interrupt import check_stop, sigterm_stops_the_run
from flows.pipeline import Outcome
from flows.redaction import hide_passwords
from flows.run import (
    IngestRun,
    IngestSummary,
    progress_listener,
    relabel_after_ingest,
    resolve_with_store,
    store_or_fail,
)
from flows.schedule_runs import said_if_failing
from flows.settings import Settings
from flows.sources import Resolution
from flows.workers import Job, WorkerConfig, close_pool, open_pool, run_here

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from prefect.client.schemas.objects import TaskRun
    from prefect.states import State
    from prefect.tasks import Task

    from corpus import Corpus
    from flows.httpcache import Remembered

__all__ = ["IngestSummary", "ingest_flow", "progress_listener", "run_ingest"]

log = logging.getLogger(__name__)


def is_transient_store_error(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry storing only when the database hiccupped (locked, connection lost), not on bad data."""
    from sqlalchemy.exc import DBAPIError

    try:
        state.result()
    except Exception as exc:
        cause = exc.__cause__ or exc
        return isinstance(cause, DBAPIError) and (
            cause.connection_invalidated or type(cause).__name__ == "OperationalError"
        )
    return False


@task(name="resolve-sources", cache_policy=NO_CACHE)
def resolve(
    sources: list[str], corpus: Corpus, policy: FetchPolicy, remembered: Callable[[str], Remembered | None],
    config: WorkerConfig,
) -> Resolution:
    """Files, folders, URLs, feeds and registered names → the reports to ingest (a page read before is
    left to be read conditionally: `remembered` holds what each URL served last; what `citsec ingest`'s
    plan fetched for this run's pool is taken from it)."""
    return resolve_with_store(sources, corpus, policy, remembered, config)


@task(name="process-report", cache_policy=NO_CACHE)
def process(job: Job, config: WorkerConfig) -> Outcome:
    """Fetch → extract → tag → classify one report, in a worker process; never raises for a bad report. A
    remote report the store held is fetched first, outside the workers: unchanged, it needs none."""
    return run_here(job, config)


@task(
    name="store-report",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[0.5, 2.0],
    retry_condition_fn=is_transient_store_error,
)
def store(corpus: Corpus, outcome: Outcome) -> Outcome:
    """Write one report with its passages, entities and predictions in one transaction; a failed report
    as a failed row."""
    return store_or_fail(corpus, outcome)


@task(name="relabel-if-rules-changed", cache_policy=NO_CACHE)
def relabel(corpus: Corpus, cache_dir: Path | None) -> str | None:
    """When the store's labels were given under older labeling rules than this citsec's, label every
    stored passage again with the promoted model (what `citsec db reclassify` does); the line saying so."""
    line = relabel_after_ingest(corpus, cache_dir)
    if line is not None:
        log.info(line)  # for the run's log in Prefect; the command prints it from the summary
    return line


@flow(name="ingest", log_prints=False, validate_parameters=False)
def ingest_flow(
    sources: list[str],
    db_url: str | None = None,
    workers: int | None = None,
    trigger: str = "cli",
    fetch_policy: FetchPolicy | None = None,
    workers_here: bool = True,
) -> IngestSummary | State:
    """Ingest reports from files, folders, URLs, feeds and registered sources into the store
    (`workers_here`: False when the task runner hands reports to Dask workers elsewhere). A scheduled run
    (`trigger` "schedule") whose SOURCE yielded no report returns a Failed state (scheduled_end)."""
    said = said_if_failing("scheduled run") if trigger == "schedule" else contextlib.nullcontext()
    with said, sigterm_stops_the_run(), IngestRun(db_url, trigger, fetch_policy) as run:
        refs = run.plan(resolve(sources, run.corpus, run.policy, run.cache.get, run.config), workers_here)
        open_pool(run.workers_for(workers, refs), run.config)  # its processes start with the first report
        try:
            for future in as_completed([process.submit(job, run.config) for job in run.jobs(refs)]):
                # Before the result: a report stopped by a Ctrl-C is not an outcome. (On Dask, which a
                # stop does not reach, the stop waits for the next report to finish there.)
                check_stop()
                # quote: Prefect would otherwise walk every passage of the outcome looking for futures,
                # twice per report (seconds per run in this process); the task receives it unwrapped.
                run.record(store(run.corpus, quote(future.result())))  # type: ignore[call-overload]
        finally:
            close_pool()
        run.summary.relabeled = relabel(run.corpus, run.settings.cache_dir)
    if trigger == "schedule":
        # `citsec schedule` serves this flow in runs of their own, whose stderr its runner passes on: the
        # person watching the server sees each run end, as `citsec ingest` would print it.
        lines = "\n".join(scheduled_run_lines(run.summary))
        print(hide_passwords(lines), file=sys.stderr, flush=True)  # "failed: https://ana:***@host/feed.xml"
        return scheduled_end(run.summary)
    return run.summary


def scheduled_end(summary: IngestSummary) -> Any:
    """How a scheduled run ends in Prefect: Failed when a SOURCE yielded no report at all (a feed that does
    not answer, a folder gone: where `citsec ingest` exits 1), so Prefect's alerts on failed runs see it;
    else the summary (Completed). Reports that failed each are no failure of the run, as for `ingest`."""
    if not summary.sources_without_report:
        return summary
    from prefect.states import Failed

    count = summary.sources_without_report
    return Failed(message=f"{count} source{'s' if count != 1 else ''} yielded no report (its line says why)")


# A scheduled run's failures shown under its line; `citsec runs --format json` keeps every one.
SHOWN_FAILURES = 10


def scheduled_run_lines(summary: IngestSummary) -> list[str]:
    """A scheduled run's line, then what failed and why, as `citsec ingest` says it (the first few)."""
    failures = [f"failed: {error}" for error in summary.errors[:SHOWN_FAILURES]]
    if len(summary.errors) > SHOWN_FAILURES:
        failures.append(f"... and {len(summary.errors) - SHOWN_FAILURES} more (citsec runs --format json)")
    return [scheduled_run_line(summary), *failures]


def scheduled_run_line(summary: IngestSummary) -> str:
    """One line for a scheduled run that ended: its id, counts and time."""
    reread = f", {summary.reread} read again" if summary.reread else ""
    failed = summary.failed + summary.unreadable  # one per "failed:" line, as `ingest` and `runs` count
    return (
        f"scheduled run {summary.run_id}: {summary.new} new{reread}, {summary.unchanged} unchanged, "
        f"{failed} failed, {summary.passages} passage{'' if summary.passages == 1 else 's'} "
        f"({summary.seconds:.1f} s)"
    )


def run_ingest(
    sources: list[str],
    db_url: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    trigger: str = "cli",
    fetch_policy: FetchPolicy | None = None,
) -> IngestSummary:
    """Run the ingest flow: reports in `workers` local processes, or on the Dask cluster at `dask_address`.
    A scheduler that does not answer raises SchedulerUnreachable (one line)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    n = workers or Settings.from_env().workers
    runner: Any
    if dask_address:
        from prefect_dask import DaskTaskRunner

        check_scheduler(dask_address)

        # Each task then runs on a Dask worker, whose own worker process (forked from a host there, under
        # the same per-file limits) loads the tagger and the model once.
        runner, n = DaskTaskRunner(address=dask_address), 1
    else:
        runner = ThreadPoolTaskRunner(max_workers=max(n, 1))  # threads only wait on the process pool
    configured = ingest_flow.with_options(task_runner=runner)
    try:
        # A summary: the Failed state a scheduled run may end in raises here, in this process.
        return cast(IngestSummary, configured(
            sources, db_url=db_url, workers=n, trigger=trigger, fetch_policy=fetch_policy,
            workers_here=not dask_address,
        ))  # fmt: skip
    except OSError as exc:
        if not dask_address:
            raise
        # Dask's client connects on the first report; past check_scheduler, only a scheme it does not
        # probe (tls://) or a scheduler gone since then fails here ("Timed out trying to connect").
        raise SchedulerUnreachable(scheduler_error(dask_address, exc)) from None
