"""Ingest into a real PostgreSQL store: new reports, a new version at the same path, unchanged re-runs."""

from __future__ import annotations

import shutil

import pytest
from small_model import copy_model

from corpus import Corpus, PassageFilter
from flows.run import ingest_local

MODEL = "flows-test-model"


@pytest.mark.pg
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
