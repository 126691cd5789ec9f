"""`citsec schedule DIR --interval S` against a real `prefect server start` on loopback fills the store.

Cost: the server's scheduler by default creates the next 100 runs of an interval schedule at once; before
`citsec schedule` limited each deployment to one run at a time, a new `python -m prefect.engine` (which
loads the tagger and the model) started every 5 s, about twenty of them shared two cores, and the first
run took minutes. The server here also creates one run at a time. Both processes run in a session of
their own, and stopping one signals and then kills its whole process group, so no flow-run process
outlives the test.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from ingest_folders import count_rows
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.schedule_runs import SkippedRuns

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C as a terminal sends it (to the whole process group: the command and the flow-run processes
    it started), then SIGKILL to whatever of the group is left (a flow run's worker host still loading, or
    a flow-run process its runner did not stop)."""
    pgid = process.pid  # started with start_new_session=True: its own process group
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_interval_schedule_fires_and_fills_store(tmp_path, samples_dir, db_url):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    api = f"http://127.0.0.1:{_free_port()}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        # One scheduled run at a time (the default is the next 100): runs fire every 5 s and each takes
        # longer than that here, and the runner starts every due run at once.
        "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS": "1",
        "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "1",
        # Server services this test has no use for (the scheduler stays on).
        "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    }
    port = api.split(":")[2].split("/")[0]
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", port],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    serve = None
    try:
        _wait_for(lambda: _healthy(api), 120, "the Prefect server")
        serve = _serve(folder, db_url, env, api)
        db_path = Path(db_url.removeprefix("sqlite:///"))
        ok = "reports where status = 'ok'"
        _wait_for(lambda: count_rows(db_path, ok) >= 1 or serve.poll() is not None, 180, "a scheduled run")
        assert serve.poll() is None, serve.stderr.read().decode() if serve.stderr else ""
        # The run that filled the store is on the server, as a run of the ingest deployment.
        started = {"flow_runs": {"state": {"type": {"any_": ["RUNNING", "COMPLETED"]}}}, "limit": 5}
        runs = httpx.post(f"{api}/flow_runs/filter", json=started, timeout=10).json()
        assert runs and all(run["deployment_id"] for run in runs)
        finished = "ingest_runs where finished_at is not null"
        _wait_for(lambda: count_rows(db_path, finished) >= 1, 120, "a scheduled run to end")
        _stop(serve)
        said = serve.stderr.read().decode() if serve.stderr else ""
        # Each run that ends is a line on the server's stderr (a user review: it printed nothing), and a
        # Ctrl-C says the schedules stopped.
        assert re.search(r"^scheduled run \d+: 1 new, 0 unchanged, 0 failed, \d+ passages \(\d+\.\d s\)$",
                         said, re.MULTILINE), said
        assert said.strip().splitlines()[-1] == "stopped serving citsec schedules", said
        assert "Traceback" not in said, said
        # When runs come (an ops review: an interval's first run an interval after start, unsaid).
        assert re.search(r"^serving citsec schedules \(every 5 s, the first 5 s from now\) on http", said,
                         re.MULTILINE), said

        # A run left unfinished by a schedule that stopped (a user review: stopped while submitting it, and
        # every later run was cancelled, silently) holds the deployment's one slot. Such a run, running in
        # no process of this machine (it went down), and one the limit then cancels, made through the
        # server's API:
        orphan = _run_of(api, "citsec-ingest")
        pending = {"state": {"type": "PENDING", "name": "Submitting"}}
        assert _set_state(api, orphan, pending)["status"] == "ACCEPT"
        assert _set_state(api, orphan, {"state": {"type": "RUNNING"}})["status"] == "ACCEPT"
        lines: list[str] = []
        with temporary_settings({PREFECT_API_URL: api}):
            watch = SkippedRuns(["citsec-ingest"], lines.append, every=0.5).start()
            refused = _run_of(api, "citsec-ingest")
            assert _set_state(api, refused, pending)["state"]["type"] == "CANCELLED"
            _wait_for(lambda: bool(lines), 30, "the skipped run's line")
            time.sleep(1.5)  # more polls: said once
            watch.stop()
        assert len(lines) == 1, lines
        skipped = r"scheduled run due \S+ \S+ skipped: another was going \(one at a time\)"
        assert re.fullmatch(skipped, lines[0]), lines

        # Serving again marks the orphan crashed and says so, and scheduled runs start again.
        runs_before = count_rows(db_path, finished)
        serve = _serve(folder, db_url, env, api)
        _wait_for(lambda: count_rows(db_path, finished) > runs_before or serve.poll() is not None, 180,
                  "a scheduled run after the orphan")
        assert serve.poll() is None, serve.stderr.read().decode() if serve.stderr else ""
        # A second schedule on the same server is refused (a user review: it took the first one's runs
        # over, with its own sources and store, and marked the first one's live run crashed).
        second = subprocess.run(
            [sys.executable, "-m", "flows", "schedule", str(folder), "--interval", "5", "--db",
             str(tmp_path / "other.db")],
            env={**env, "PREFECT_API_URL": api}, cwd=REPO, capture_output=True, text=True, timeout=120,
        )
        assert second.returncode == 2, second.stderr
        assert "error: another citsec schedule is serving on this Prefect server" in second.stderr
        assert not (tmp_path / "other.db").exists()
        _stop(serve)
        said = serve.stderr.read().decode() if serve.stderr else ""
        assert "1 run left unfinished by an earlier citsec schedule marked crashed" in said, said
        assert httpx.get(f"{api}/flow_runs/{orphan}", timeout=10).json()["state"]["type"] == "CRASHED"
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)


def _serve(folder: Path, db_url: str, env: dict[str, str], api: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "flows", "schedule", str(folder), "--interval", "5", "--db", db_url,
         "--workers", "1"],
        env={**env, "PREFECT_API_URL": api}, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _post(url: str, body: dict) -> httpx.Response:
    """POST to the server, asked again after a 503: a loaded machine's Prefect server answers so while its
    own database is busy (the full suite saw it once), and Prefect's client retries it the same way."""
    for attempt in range(5):
        answer = httpx.post(url, json=body, timeout=10)
        if answer.status_code != 503:
            break
        time.sleep(0.5 * (attempt + 1))
    answer.raise_for_status()
    return answer


def _run_of(api: str, deployment: str) -> str:
    """A new run of the named deployment, made through the server's API; its id."""
    found = _post(f"{api}/deployments/filter", {"deployments": {"name": {"any_": [deployment]}}}).json()
    made = _post(f"{api}/deployments/{found[0]['id']}/create_flow_run", {})
    return str(made.json()["id"])


def _set_state(api: str, run: str, body: dict) -> dict:
    return _post(f"{api}/flow_runs/{run}/set_state", body).json()
