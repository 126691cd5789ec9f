"""`citsec schedule DIR --interval S` against a real `prefect server start` on loopback fills the store."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

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


def _reports(db_path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("select count(*) from reports where status = 'ok'").fetchone()[0])
    except sqlite3.Error:
        return 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
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
    }
    port = api.split(":")[2].split("/")[0]
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", port],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    serve = None
    try:
        _wait_for(lambda: _healthy(api), 120, "the Prefect server")
        serve = subprocess.Popen(
            [sys.executable, "-m", "flows", "schedule", str(folder), "--interval", "5", "--db", db_url,
             "--workers", "1"],
            env={**env, "PREFECT_API_URL": api}, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        db_path = Path(db_url.removeprefix("sqlite:///"))
        _wait_for(lambda: _reports(db_path) >= 1 or serve.poll() is not None, 180, "a scheduled run")
        assert serve.poll() is None, serve.stderr.read().decode() if serve.stderr else ""
        # The run that filled the store is on the server, as a run of the ingest deployment.
        started = {"flow_runs": {"state": {"type": {"any_": ["RUNNING", "COMPLETED"]}}}, "limit": 5}
        runs = httpx.post(f"{api}/flow_runs/filter", json=started, timeout=10).json()
        assert runs and all(run["deployment_id"] for run in runs)
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
