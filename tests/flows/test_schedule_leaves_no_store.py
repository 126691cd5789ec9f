"""`citsec schedule` that cannot serve its schedules leaves no new store behind.

A review: `citsec schedule pdfs --interval 3600 --db sched.db` without PREFECT_API_URL said that schedules
need a Prefect server, but had created an empty sched.db first (or citsec.db, without --db), where a later
command then found a store at a mistyped path instead of saying there is none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run_cli
from prefect_stand_in import answering_api

from corpus import Corpus

NEEDS_SERVER = "schedules need a Prefect server"


@pytest.fixture
def pdfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder to schedule, in a working folder of its own, without a Prefect server or a store named in
    the environment."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("CITSEC_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("db", [["--db", "sched.db"], []], ids=["--db", "default-store"])
def test_schedule_without_a_prefect_server_creates_no_store(db, pdfs, tmp_path, capsys):
    code, out, err = run_cli(capsys, "schedule", "pdfs", "--interval", "3600", *db)
    assert code == 2 and out == "" and NEEDS_SERVER in err and "Traceback" not in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pdfs"]  # no sched.db, no citsec.db


def test_schedule_of_a_name_no_store_registers_creates_no_store(pdfs, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # never reached: the source is refused
    code, _, err = run_cli(capsys, "schedule", "briefs", "--interval", "3600", "--db", "sched.db")
    assert code == 2 and "briefs: no such file, folder or registered source" in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pdfs"]


def test_schedule_reads_the_names_of_a_store_that_is_there_and_keeps_it(pdfs, tmp_path, capsys):
    store = tmp_path / "sched.db"
    with Corpus.open(f"sqlite:///{store}") as corpus:
        corpus.add_source("briefs", str(pdfs), "folder")
    code, _, err = run_cli(capsys, "schedule", "briefs", "--interval", "3600", "--db", str(store))
    assert code == 2 and NEEDS_SERVER in err  # the name was found: only the server is missing
    with Corpus.open(f"sqlite:///{store}", must_exist=True) as corpus:
        assert [row.name for row in corpus.sources()] == ["briefs"]


def test_a_registered_source_is_served(pdfs, tmp_path, capsys, monkeypatch):
    # serve_schedules checked the spec again without the store's registered names: `citsec schedule
    # briefs` printed "serving ..." then failed: "briefs: no such file, folder or registered source".
    import prefect

    store = tmp_path / "sched.db"
    with Corpus.open(f"sqlite:///{store}") as corpus:
        corpus.add_source("briefs", str(pdfs), "folder")
    served: list[str] = []
    monkeypatch.setattr(prefect, "serve", lambda *found, **_: served.extend(d.name for d in found))
    with answering_api() as api:
        monkeypatch.setenv("PREFECT_API_URL", api)
        code, _, err = run_cli(capsys, "schedule", "briefs", "--interval", "3600", "--db", str(store))
    assert code == 0 and served == ["citsec-ingest"] and "no such file" not in err
