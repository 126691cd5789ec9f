"""Scheduled ingest (and retrain) as Prefect deployments served from this process.

The ephemeral API that `citsec ingest` uses runs no scheduler, so schedules need a real Prefect server
(`prefect server start`) named by PREFECT_API_URL. Each deployment runs at most one run at a time: a run
that falls due while the previous one is still going is cancelled (the next one picks up whatever changed),
so a schedule shorter than a run never piles up processes.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.settings import normalize_db_url

# Prefect's logging setting for its task-run logger (PREFECT_LOGGING_<path in logging.yml>).
QUIET_TASK_RUNS = "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL"
# ... and for its console handler: what a run process prints to the terminal (its logs still go to the API).
QUIET_CONSOLE = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
INGEST_DEPLOYMENT = "citsec-ingest"
RETRAIN_DEPLOYMENT = "citsec-retrain"


class ScheduleError(Exception):
    """A schedule that cannot be served; one line."""


@dataclass(frozen=True)
class ScheduleSpec:
    """What to serve: sources and how often to ingest them, and optionally when to retrain."""

    sources: tuple[str, ...]
    db_url: str
    cron: str | None = None
    interval: float | None = None
    retrain_cron: str | None = None
    workers: int | None = None
    retrain_augment: bool = False  # scheduled retrains as `citsec retrain --augment`


def absolute_sources(sources: list[str]) -> list[str]:
    """Paths made absolute (the served runs may start elsewhere); URLs and source names kept."""
    resolved = []
    for source in sources:
        path = Path(source).expanduser()
        resolved.append(str(path.resolve()) if "://" not in source and path.exists() else source)
    return resolved


def absolute_db_url(db_url: str) -> str:
    """A SQLite URL with an absolute path, so every scheduled run writes the same file."""
    url = normalize_db_url(db_url)
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(Path(url[len(prefix) :]).resolve())
    return url


def check_spec(spec: ScheduleSpec, api_url: str | None, registered: Collection[str] = ()) -> None:
    """Refuse what cannot work, each with one line that says what to do: the options first, then the
    sources (a local one must exist, or be the name of a registered source), then the server."""
    if (spec.cron is None) == (spec.interval is None):
        raise ScheduleError("give exactly one of --cron EXPR or --interval SECONDS")
    if spec.interval is not None and not (math.isfinite(spec.interval) and spec.interval >= 1):
        # Prefect counts an interval in whole microseconds and a run takes seconds: nan, inf or 1e-9 were
        # a traceback, and half a second a line every half second saying a run was skipped.
        raise ScheduleError("--interval must be a finite number of seconds, at least 1")
    if not spec.sources and not spec.retrain_cron:
        raise ScheduleError("nothing to schedule: give SOURCE... to ingest, or --retrain-cron")
    for expr in (spec.cron, spec.retrain_cron):
        if expr is not None:
            check_cron(expr)
    for source in spec.sources:
        if "://" not in source and source not in registered and not Path(source).expanduser().exists():
            raise ScheduleError(f"{source}: no such file, folder or registered source")
    if not api_url:
        raise ScheduleError(
            "schedules need a Prefect server: run `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (the ephemeral API runs no scheduler)"
        )


def check_cron(expr: str) -> None:
    """Validate a cron expression the way Prefect will read it."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=expr)
    except ValueError as exc:
        raise ScheduleError(f"not a cron expression: {expr!r} (e.g. '0 6 * * *' for 06:00 daily)") from exc


def one_at_a_time() -> Any:
    """Prefect's deployment concurrency: one run; a run due while one is going is cancelled, not queued."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def deployments(spec: ScheduleSpec) -> list[Any]:
    """The Prefect deployments to serve for a spec."""
    from flows.ingest import ingest_flow

    served = []
    if spec.sources:
        served.append(
            ingest_flow.to_deployment(
                name=INGEST_DEPLOYMENT,
                cron=spec.cron,
                interval=spec.interval,
                parameters={
                    "sources": list(spec.sources),
                    "db_url": spec.db_url,
                    "workers": spec.workers,
                    "trigger": "schedule",
                },
                description="citsec: ingest reports from the configured sources",
                concurrency_limit=one_at_a_time(),
            )
        )
    if spec.retrain_cron:
        served.append(_retrain_deployment(spec))
    return served


def _retrain_deployment(spec: ScheduleSpec) -> Any:
    try:
        from flows.retrain import scheduled_retrain_flow  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise ScheduleError("--retrain-cron needs the retrain flow (flows/retrain.py)") from exc
    return scheduled_retrain_flow.to_deployment(
        name=RETRAIN_DEPLOYMENT,
        cron=spec.retrain_cron,
        parameters={"db_url": spec.db_url, "promote": "auto", "augment": spec.retrain_augment},
        description="citsec: retrain the classifier on the store's labels",
        concurrency_limit=one_at_a_time(),
    )


def serve_schedules(
    spec: ScheduleSpec, api_url: str | None, registered: Collection[str] = (),
    say: Callable[[str], None] = print,
) -> None:
    """Serve the deployments until interrupted; runs fire on the Prefect server's schedule. `registered`:
    the store's registered source names, which the spec's sources may be (check_spec). `say` gets the
    line that serving starts, and a line for runs an earlier schedule left unfinished and for each run
    skipped while another held the slot (flows.schedule_runs). ScheduleError when another process
    serves the citsec deployments on that server."""
    check_spec(spec, api_url, registered)
    from prefect import serve

    from flows.schedule_runs import (
        SkippedRuns,
        orphans_line,
        release_orphaned_runs,
        served_elsewhere_line,
        serving_elsewhere,
    )

    served = deployments(spec)
    names = [INGEST_DEPLOYMENT, RETRAIN_DEPLOYMENT]
    seconds = serving_elsewhere(names, say)
    if seconds is not None:
        raise ScheduleError(served_elsewhere_line(seconds))
    say(f"serving citsec schedules ({schedule_words(spec)}) on {api_url}; Ctrl-C stops")
    orphans = release_orphaned_runs(names)
    if orphans:
        say(orphans_line(orphans))
    left = _stop_runs_left_unfinished(spec.db_url)
    if left:
        runs = "1 scheduled ingest run" if left == 1 else f"{left} scheduled ingest runs"
        say(f"{runs} left unfinished by an earlier schedule marked stopped (citsec runs)")
    skipped = SkippedRuns(names, say).start()
    _prefect_console_here()
    try:
        with _served_runs_quiet():
            serve(*served, print_starting_message=False, prefetch_seconds=prefetch_seconds(spec))
    finally:
        skipped.stop()


def schedule_words(spec: ScheduleSpec) -> str:
    """When runs come, as the serving line says it: cron expressions are read in UTC (Prefect's default
    time zone, whatever the machine's: crontab's are local time), and an interval's first run comes one
    interval after serving starts, not at once (an ops review found both only by waiting)."""
    if spec.cron:
        said = f"cron {spec.cron} UTC"
    elif spec.interval is not None:
        said = f"every {spec.interval:g} s, the first {spec.interval:g} s from now"
    else:
        said = "no ingest"
    return said + (f"; retrain cron {spec.retrain_cron} UTC" if spec.retrain_cron else "")


# How far ahead Prefect's runner takes the runs coming due (its default): it submits each at once, and a
# submitted run holds the deployment's one slot.
RUNNER_PREFETCH = 10.0


def prefetch_seconds(spec: ScheduleSpec) -> float:
    """How far ahead the runner takes runs: Prefect's 10 s, or half an interval shorter than 20 s. With
    --interval 3 the runner took three or four runs at once, one held the slot and the limit cancelled the
    others, said as skipped though no run was going (a user review). Runs due between two polls start up
    to a polling period late instead."""
    if spec.interval is None:
        return RUNNER_PREFETCH
    return min(RUNNER_PREFETCH, spec.interval / 2)


@contextlib.contextmanager
def _served_runs_quiet() -> Iterator[None]:
    """While serving, the runs' processes (which inherit this process's environment) log no task-run
    errors: a run stopped with the server (Ctrl-C, SIGTERM) had each report's task log an ERROR with a
    traceback ("the worker process did not start"). A task fails only then, or when the run itself fails,
    which the flow's own log says. Nor do they print Prefect's own logs to the terminal: a run that fails
    (a source that yielded nothing, a store gone away) printed the engine's traceback there, tens to
    hundreds of lines a run (an ops review); each run prints its own line instead (flows.ingest,
    flows.retrain), and Prefect's UI keeps every log. A setting the operator made stays."""
    quieted = {name: os.environ.get(name) for name in SERVED_RUNS_QUIET}
    for name, level in SERVED_RUNS_QUIET.items():
        os.environ.setdefault(name, level)
    try:
        yield
    finally:
        for name, before in quieted.items():
            if before is None:
                os.environ.pop(name, None)


def _stop_runs_left_unfinished(db_url: str) -> int:
    """The store's scheduled ingest runs that never recorded their end: no schedule serves now (checked
    before), so none is running; `citsec runs` showed them "unfinished" forever (an ops review: Ctrl-C
    during a run). Marked stopped, their end unknown; 0 when the store cannot be opened (the runs say)."""
    from corpus import Corpus, CorpusError
    from flows.run import LEFT_BY_A_SCHEDULE, RUN_STOPPED

    try:
        with Corpus.open(db_url, must_exist=True) as corpus:
            return corpus.stop_unfinished_runs("schedule", RUN_STOPPED + LEFT_BY_A_SCHEDULE)
    except CorpusError:
        return 0


def _prefect_console_here() -> None:
    """This serving process prints what Prefect's runner reports (a run's process killed, its API gone,
    at WARNING and up: flows.prefect_env.quiet_prefect), though SERVED_RUNS_QUIET, set before Prefect was
    imported so that the run processes inherit it, quieted its console handler here too."""
    import logging

    for handler in logging.getLogger().handlers:
        if type(handler).__name__ == "PrefectConsoleHandler":
            handler.setLevel(logging.NOTSET)


# Prefect reads its logging settings from the environment when it is first imported, and hands its
# run processes that reading: `citsec schedule` sets these before it imports Prefect (flows.cli.main);
# _served_runs_quiet sets them for a caller that serves from Python.
SERVED_RUNS_QUIET = {QUIET_TASK_RUNS: "CRITICAL", QUIET_CONSOLE: "CRITICAL"}
