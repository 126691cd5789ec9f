"""What `citsec schedule` tells its operator about runs Prefect settles without it.

Each citsec deployment runs one run at a time (flows.schedule.one_at_a_time): a run that falls due while
another holds the deployment's slot is cancelled. Two things follow that the served process would
otherwise keep silent about:

- a run left unfinished by a `citsec schedule` that stopped (Ctrl-C or SIGTERM while Prefect's runner was
  submitting it, a machine that went down) keeps the slot: Prefect frees it only when the run's lease
  expires, and never if the server restarted meanwhile, its leases being kept in memory. Every later run
  is cancelled, and the schedule ingests nothing. One process serves citsec's deployments (their names
  are fixed, and a second `citsec schedule` would replace the first one's sources), so whatever of theirs
  is still pending or running when serving starts was left behind: `release_orphaned_runs` marks it
  crashed, which gives the slot back.
- a run skipped because the previous one was still going: `SkippedRuns` says so, one line each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

# Prefect's message on a run its deployment's concurrency limit cancelled (CANCEL_NEW).
LIMIT_MESSAGE = "Deployment concurrency limit reached"
ORPHAN_MESSAGE = "left unfinished by a citsec schedule that stopped; marked crashed by the next one"
SKIP_POLL_SECONDS = 5.0


def _deployment_filter(deployments: Collection[str]) -> Any:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    return DeploymentFilter(name=DeploymentFilterName(any_=list(deployments)))


def _runs_in_states(
    client: Any, deployments: Collection[str], states: list[Any], **filters: Any
) -> list[Any]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType

    state = FlowRunFilterState(type=FlowRunFilterStateType(any_=states))
    return list(
        client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=state, **filters),
            deployment_filter=_deployment_filter(deployments),
        )
    )


def release_orphaned_runs(deployments: Collection[str]) -> int:
    """Mark crashed every pending, running or cancelling run of `deployments` (their process is gone:
    see the module's note); how many there were."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    unfinished = [StateType.PENDING, StateType.RUNNING, StateType.CANCELLING]
    with get_client(sync_client=True) as client:
        runs = _runs_in_states(client, deployments, unfinished)
        for run in runs:
            client.set_flow_run_state(run.id, Crashed(message=ORPHAN_MESSAGE), force=True)
    return len(runs)


def orphans_line(count: int) -> str:
    """What release_orphaned_runs did, for the operator."""
    runs = "1 run" if count == 1 else f"{count} runs"
    return (
        f"{runs} left unfinished by an earlier citsec schedule marked crashed, so scheduled runs can start "
        "again (each deployment runs one run at a time)"
    )


def skipped_line(run: Any, deployment: str) -> str:
    """One line for a run of `deployment` cancelled because the previous one was still going."""
    due = run.expected_start_time or run.created
    when = due.astimezone().strftime("%Y-%m-%d %H:%M:%S") if due is not None else "now"
    what = "retrain" if "retrain" in deployment else "run"
    return f"scheduled {what} due {when} skipped: the previous one was still going"


class SkippedRuns:
    """A daemon thread that prints a line (via `say`) for each run of `deployments` cancelled by their
    concurrency limit since it started; `stop()` ends it."""

    def __init__(self, deployments: Collection[str], say: Callable[[str], None],
                 every: float = SKIP_POLL_SECONDS) -> None:
        self._deployments = list(deployments)
        self._say = say
        self._every = every
        self._since = datetime.now(UTC)
        self._seen: set[Any] = set()
        self._names: dict[Any, str] = {}  # deployment id -> name, read when a first run is cancelled
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="citsec-skipped-runs", daemon=True)

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
        """Say each newly cancelled run (one poll)."""
        from prefect.client.schemas.filters import FlowRunFilterExpectedStartTime
        from prefect.client.schemas.objects import StateType

        recent = FlowRunFilterExpectedStartTime.model_validate({"after_": self._since})
        cancelled = _runs_in_states(
            client, self._deployments, [StateType.CANCELLED], expected_start_time=recent
        )
        if cancelled and not self._names:
            found = client.read_deployments(deployment_filter=_deployment_filter(self._deployments))
            self._names = {d.id: d.name for d in found}
        for run in sorted(cancelled, key=lambda r: r.expected_start_time or r.created):
            message = (run.state.message or "") if run.state is not None else ""
            if run.id in self._seen or LIMIT_MESSAGE not in message:
                continue
            self._seen.add(run.id)
            self._say(skipped_line(run, self._names.get(run.deployment_id, "")))
