"""Ingest into a real PostgreSQL store: new reports, a new version at the same path, unchanged re-runs."""

from __future__ import annotations

import os
import shutil

import pytest
from small_model import copy_model

from corpus import Corpus, PassageFilter
from flows.run import ingest_local

MODEL = "flows-test-model"


@pytest.mark.pg
@pytest.mark.slow
def test_postgres_ingest_versions_and_reruns(tmp_path, samples_dir, model_store, pg_store_url, monkeypatch):
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(tmp_path / "cache"))
    copy_model(model_store, pg_store_url, MODEL)
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "report.html"
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", report)
    shutil.copyfile(samples_dir / "iniciativa_merida_balance_es.pdf", folder / "merida.pdf")

    first = ingest_local([str(folder)], db_url=pg_store_url, workers=2)
    assert (first.new, first.failed) == (2, 0), first.errors
    report.write_text(report.read_text(encoding="utf-8").replace("2022", "2021"), encoding="utf-8")
    second = ingest_local([str(folder)], db_url=pg_store_url, workers=1)
    assert (second.new, second.unchanged, second.failed) == (1, 1, 0)

    with Corpus.open(pg_store_url) as corpus:
        reports = list(corpus.reports())
        assert len(reports) == 2  # the first version of report.html is superseded
        assert all(p.scores for p in corpus.passages(PassageFilter()))
        assert [run.counts["new"] for run in corpus.ingest_runs()] == [1, 2]


@pytest.mark.pg
def test_a_password_in_the_store_url_never_reaches_prefect(
    tmp_path, samples_dir, model_store, pg_store_url, monkeypatch, capsys
):
    # A user review: Prefect's database (and a schedule's deployment, in its UI) held the flow's db_url
    # parameter, password and all. The password travels as PGPASSWORD instead (trust auth here takes any).
    import uuid

    from cli_runner import run_cli

    from flows.schedule import ScheduleSpec, deployments
    from flows.settings import password_to_environment

    monkeypatch.setenv("CITSEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PGPASSWORD", "")  # restored after the test: the command sets it
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))  # a Prefect database of this test's own
    copy_model(model_store, pg_store_url, MODEL)
    secret = f"s3cret-{uuid.uuid4().hex}"
    url = pg_store_url.replace("postgresql://postgres@", f"postgresql://postgres:{secret}@", 1)
    assert secret in url
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")

    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", url, "--workers", "1")
    assert code == 0, err
    assert secret not in out + err
    stored = b"".join(path.read_bytes() for path in (tmp_path / "prefect").rglob("*") if path.is_file())
    assert b"h.html" in stored or b"ingest" in stored  # the run was recorded there ...
    assert secret.encode() not in stored  # ... without the password

    bare = password_to_environment(url)
    assert secret not in bare and bare.startswith("postgresql://postgres@")
    assert os.environ["PGPASSWORD"] == secret
    spec = ScheduleSpec(sources=(str(folder),), db_url=bare, interval=60)
    assert all(secret not in str(d.parameters) for d in deployments(spec))
