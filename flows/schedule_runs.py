"""What `citsec schedule` checks and tells its operator about runs Prefect settles without it.

Each citsec deployment runs one run at a time (flows.schedule.one_at_a_time): a run that falls due while
another holds the deployment's slot is cancelled. So:

- One `citsec schedule` serves a Prefect server's citsec deployments (their names are fixed: a second
  would serve the first one's runs with its own sources and store). `serving_elsewhere` tells whether
  another process is polling for their runs now, and `serve_schedules` then refuses to start.
- A run left unfinished by a `citsec schedule` that stopped (Ctrl-C or SIGTERM while Prefect's runner was
  submitting it, a machine that went down) keeps the slot: Prefect frees it only when the run's lease
  expires, and never if the server restarted meanwhile, its leases being kept in memory. Every later run
  is cancelled, and the schedule ingests nothing. Once no other runner serves them, `release_orphaned_runs`
  marks such runs crashed, which gives the slot back: those pending (no runner is left to start them),
  and those running with no process of this machine running them (a flow run's process carries its id
  in PREFECT__FLOW_RUN_ID). A run still going in a process the stopped schedule left behind is left
  alone, and so is every running run when some flow-run process's environment cannot be read (another
  user's): any of them may be its run. Two schedules started within one polling period of each other
  are not told apart: neither has polled yet when the other looks.
- A run skipped because another held the slot (going, or starting: a flow-run process takes seconds to
  start, and a runner polling every 10 s takes the runs that fell due meanwhile at once): `SkippedRuns`
  says so, one line each.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import psutil


@contextlib.contextmanager
def said_if_failing(what: str) -> Iterator[None]:
    """A scheduled run (`what`: "scheduled run", "scheduled retrain") that stops on an error says so in one
    line on stderr, which the schedule passes on, URL passwords hidden; the traceback goes to Prefect's UI,
    not the schedule's terminal (flows.schedule.SERVED_RUNS_QUIET)."""
    try:
        yield
    except Exception as exc:
        from flows.pipeline import one_line
        from flows.redaction import hide_passwords

        print(hide_passwords(f"{what} failed: {one_line(exc)}"), file=sys.stderr, flush=True)
        raise


# Prefect's message on a run its deployment's concurrency limit cancelled (CANCEL_NEW).
LIMIT_MESSAGE = "Deployment concurrency limit reached"
ORPHAN_MESSAGE = "left unfinished by a citsec schedule that stopped; marked crashed by the next one"
SKIP_POLL_SECONDS = 5.0
# A serving runner polls its deployments every PREFECT_RUNNER_POLL_FREQUENCY seconds (10 by default):
# a poll older than this comes from no runner still going.
RECENT_POLL = timedelta(seconds=60)
MAX_PAGES = 10  # of orphans released at a time (a page is the server's default limit, 200)
SKIP_LOOKBACK = timedelta(minutes=10)


def _deployment_filter(deployments: Collection[str]) -> Any:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    return DeploymentFilter(name=DeploymentFilterName(any_=list(deployments)))


def _runs_in_states(
    client: Any, deployments: Collection[str], states: list[Any], **filters: Any
) -> list[Any]:
    """The runs of `deployments` in `states`, newest due first: one page, of the server's size."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.sorting import FlowRunSort

    state = FlowRunFilterState(type=FlowRunFilterStateType(any_=states))
    return list(
        client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=state, **filters),
            deployment_filter=_deployment_filter(deployments),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
        )
    )


def _last_polled(client: Any, deployments: Collection[str]) -> datetime | None:
    found = client.read_deployments(deployment_filter=_deployment_filter(deployments))
    polled = [d.last_polled for d in found if d.last_polled is not None]
    return max(polled) if polled else None


def serving_elsewhere(deployments: Collection[str], say: Callable[[str], None] = print) -> float | None:
    """How many seconds ago another process polled for runs of `deployments`, when one is serving them
    now; else None. A poll in the last few polling periods may be a schedule stopped a moment ago: then
    this waits a little longer than a runner waits between polls (Prefect's poller waits up to 1.3
    periods), and says so, to see whether another poll comes."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    period = float(get_current_settings().runner.poll_frequency)
    recent = max(RECENT_POLL, timedelta(seconds=3 * period))
    with get_client(sync_client=True) as client:
        first = _last_polled(client, deployments)
        if first is None or datetime.now(UTC) - first > recent:
            return None
        say(f"checking that no other citsec schedule serves this Prefect server (one asked for runs "
            f"{(datetime.now(UTC) - first).total_seconds():.0f} s ago)")
        time.sleep(1.5 * period + 3)
        last = _last_polled(client, deployments)
    if last is None or last <= first:
        return None
    return (datetime.now(UTC) - last).total_seconds()


def served_elsewhere_line(seconds: float) -> str:
    return (
        f"another citsec schedule is serving on this Prefect server (it asked for runs {seconds:.0f} s "
        "ago): stop it first, or give this one a Prefect server of its own (PREFECT_API_URL); one schedule "
        "serves a server's citsec runs"
    )


class Running(NamedTuple):
    """The flow runs this machine's processes run (their PREFECT__FLOW_RUN_ID), and whether some flow-run
    process's environment could not be read (another user's, a hidden /proc): then any run may be one."""

    ids: frozenset[str]
    unknown: bool


def running_here() -> Running:
    """The flow runs this machine's processes run, as far as this user may tell."""
    ids: set[str] = set()
    unknown = False
    for process in psutil.process_iter():
        try:
            if not any("prefect.engine" in part for part in process.cmdline()):
                continue
            run_id = process.environ().get("PREFECT__FLOW_RUN_ID")
        except psutil.NoSuchProcess:
            continue
        except (psutil.Error, OSError):
            unknown = True
            continue
        if run_id:
            ids.add(run_id)
    return Running(frozenset(ids), unknown)


def release_orphaned_runs(deployments: Collection[str]) -> int:
    """Mark crashed the runs of `deployments` left unfinished with no process going on with them (see
    the module's note); how many. Called once no other runner serves them (serving_elsewhere): a pending
    run has no runner to start it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.responses import SetStateStatus
    from prefect.states import Crashed

    unfinished = [StateType.PENDING, StateType.RUNNING, StateType.CANCELLING]
    running = running_here()
    released = 0
    with get_client(sync_client=True) as client:
        for _ in range(MAX_PAGES):  # each page's orphans leave the filter; the next page holds the rest
            orphans = [
                run for run in _runs_in_states(client, deployments, unfinished) if _orphaned(run, running)
            ]
            accepted = [
                client.set_flow_run_state(run.id, Crashed(message=ORPHAN_MESSAGE), force=True).status
                == SetStateStatus.ACCEPT
                for run in orphans
            ]
            released += sum(accepted)
            if not orphans or not all(accepted):
                break
    return released


def _orphaned(run: Any, running: Running) -> bool:
    """Whether a pending or running run has no process here going on with it, as far as one can tell."""
    from prefect.client.schemas.objects import StateType

    if run.state is None or str(run.id) in running.ids:
        return False
    return run.state.type == StateType.PENDING or not running.unknown


def orphans_line(count: int) -> str:
    """What release_orphaned_runs did, for the operator."""
    runs = "1 run" if count == 1 else f"{count} runs"
    return (
        f"{runs} left unfinished by an earlier citsec schedule marked crashed, so scheduled runs can start "
        "again (each deployment runs one run at a time)"
    )


def skipped_line(run: Any, deployment: str) -> str:
    """One line for a run of `deployment` cancelled because another held the deployment's one slot."""
    when = _due(run).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    what = "retrain" if "retrain" in deployment else "run"
    return f"scheduled {what} due {when} skipped: another was going (one at a time)"


class SkippedRuns:
    """A daemon thread that prints a line (via `say`) for each run of `deployments` cancelled by their
    concurrency limit since it started; `stop()` ends it. It runs in the creating thread's context, so it
    asks the same Prefect server (Prefect keeps its settings in a context variable)."""

    def __init__(self, deployments: Collection[str], say: Callable[[str], None],
                 every: float = SKIP_POLL_SECONDS) -> None:
        self._deployments = list(deployments)
        self._say = say
        self._every = every
        # Runs cancelled since now; those due a while before count too (runs missed while no schedule
        # served are replayed when serving starts, and the limit may cancel them then).
        self._started = datetime.now(UTC)
        self._since = self._started - SKIP_LOOKBACK
        self._seen: dict[Any, datetime] = {}  # run id -> when it was due, for the runs said
        self._names: dict[Any, str] = {}  # deployment id -> name, read when a first run is cancelled
        self._stopped = threading.Event()
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=lambda: context.run(self._watch), name="citsec-skipped-runs", daemon=True
        )

    def start(self) -> SkippedRuns:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self._every + 5)

    def _watch(self) -> None:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            while not self._stopped.wait(self._every):
                try:
                    self.check(client)
                except Exception:  # noqa: BLE001 - a server that does not answer now may answer next time
                    continue

    def check(self, client: Any) -> None:
        """Say each newly cancelled run (one poll), oldest first. The newest are asked for (a page of
        them), from the last one said on: a long run skips many, and each poll stays one page."""
        from prefect.client.schemas.filters import FlowRunFilterExpectedStartTime
        from prefect.client.schemas.objects import StateType

        recent = FlowRunFilterExpectedStartTime.model_validate({"after_": self._since})
        cancelled = _runs_in_states(
            client, self._deployments, [StateType.CANCELLED], expected_start_time=recent
        )
        if cancelled and not self._names:
            found = client.read_deployments(deployment_filter=_deployment_filter(self._deployments))
            self._names = {d.id: d.name for d in found}
        for run in sorted(cancelled, key=_due):
            if run.state is None or run.id in self._seen or LIMIT_MESSAGE not in (run.state.message or ""):
                continue
            if run.state.timestamp < self._started:  # cancelled before this schedule served
                continue
            self._seen[run.id] = _due(run)
            self._say(skipped_line(run, self._names.get(run.deployment_id, "")))
        if self._seen:
            # Later polls ask from a little before the newest run said (one skipped a while ago may be
            # cancelled late, when runs missed while the server was down are replayed), and forget the
            # runs due before that.
            self._since = max(self._since, max(self._seen.values()) - SKIP_LOOKBACK)
            self._seen = {run_id: due for run_id, due in self._seen.items() if due >= self._since}


def _due(run: Any) -> datetime:
    return run.expected_start_time or run.created
