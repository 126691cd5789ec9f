"""PREFECT_API_URL naming a server that does not answer, or a URL that is no Prefect API: `ingest`,
`retrain` and `schedule` say so in one line before starting anything, and leave no store behind.

A review: `citsec ingest` and `citsec schedule` printed Prefect's traceback ("RuntimeError: Failed to
reach API at http://127.0.0.1:9/api/") after the worker host had loaded the tagger and the model."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli_runner import run_cli
from prefect_stand_in import AUTH_STRING, answering_api

from corpus import Corpus
from flows.prefect_api import server_problem


def _closed_port() -> int:
    """A loopback port nothing listens on (bound and released: the system hands it out again later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"http://127.0.0.1:{_closed_port()}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)
    return url


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("Police arrested 40 gang members in San Salvador after the state of exception.\n")
    return path


def test_server_problem_tells_a_stopped_server_a_wrong_url_and_a_working_one(
    nowhere: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = server_problem(nowhere)
    assert problem is not None and problem.startswith(f"the Prefect server at {nowhere} does not answer (")
    assert problem.endswith("start it (prefect server start)")
    # A user review: a mistyped port or an unclosed bracket was httpx's traceback.
    assert server_problem("http://127.0.0.1:42o0/api") == (
        "PREFECT_API_URL is not a URL (Invalid port: '42o0'): 'http://127.0.0.1:42o0/api'"
    )
    no_scheme = "127.0.0.1:4200/api"
    assert server_problem(no_scheme) == f"PREFECT_API_URL is not an http(s) URL: {no_scheme!r}"
    monkeypatch.delenv("PREFECT_API_AUTH_STRING", raising=False)
    monkeypatch.delenv("PREFECT_API_KEY", raising=False)
    with answering_api() as api:
        assert server_problem(api) is None
        assert server_problem(api + "/") is None
        wrong = api.removesuffix("/api")  # the server's address without /api, a common slip
        assert server_problem(wrong) == (
            f"{wrong} answers, but not as a Prefect API (HTTP 404 at {wrong}/admin/version): PREFECT_API_URL "
            "names a Prefect server's API, such as http://127.0.0.1:4200/api"
        )
        # A redirect (http to https, say) is followed, as Prefect's client follows it.
        assert server_problem(api.replace("/api", "/moved/api")) is None
        broken = api.replace("/api", "/broken/api")
        answered = server_problem(broken)
        assert answered == f"the Prefect server at {broken} answered HTTP 500 when asked its version"
        # A server that asks for credentials (PREFECT_SERVER_API_AUTH_STRING): a user review found the
        # health check passed and Prefect's client then failed with a 401 traceback.
        locked = api.replace("/api", "/locked/api")
        assert server_problem(locked) == (
            f"the Prefect server at {locked} asks for credentials (HTTP 401): set PREFECT_API_AUTH_STRING to "
            "its user:password, or PREFECT_API_KEY"
        )
        monkeypatch.setenv("PREFECT_API_AUTH_STRING", "admin:wrong")
        assert server_problem(locked) == (
            f"the Prefect server at {locked} refused the credentials in PREFECT_API_AUTH_STRING (HTTP 401)"
        )
        monkeypatch.setenv("PREFECT_API_AUTH_STRING", AUTH_STRING)
        assert server_problem(locked) is None


def test_ingest_says_the_server_does_not_answer_and_creates_no_store(
    nowhere: str, report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "new.db"
    code, out, err = run_cli(capsys, "ingest", str(report), "--db", str(store))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: the Prefect server at {nowhere} does not answer (")
    assert err.endswith(
        ": start it (prefect server start); or unset PREFECT_API_URL to record the run in a temporary "
        "API, or use --no-prefect\n"
    )
    assert len(err.splitlines()) == 1
    assert not store.exists()
    # Without Prefect the same command needs no server.
    code, out, err = run_cli(capsys, "ingest", str(report), "--db", str(store), "--no-prefect", "-w", "1")
    assert code == 0, err
    assert "new        1" in out


def test_retrain_says_the_server_does_not_answer(
    nowhere: str, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Corpus.open(sqlite_url) as corpus:  # a label: --promote auto would say first it will not promote
        corpus.add_text_labels("Soldiers raided the port.", ["enforcement"], lang="en")
    code, out, err = run_cli(capsys, "retrain", "--db", sqlite_url)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: the Prefect server at {nowhere} does not answer (")
    assert len(err.splitlines()) == 1
    assert "unset PREFECT_API_URL" in err


def test_schedule_says_the_server_does_not_answer_and_creates_no_store(
    nowhere: str, report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "sched.db"
    code, out, err = run_cli(capsys, "schedule", str(report), "--interval", "3600", "--db", str(store))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: the Prefect server at {nowhere} does not answer (")
    assert len(err.splitlines()) == 1
    assert not store.exists()
