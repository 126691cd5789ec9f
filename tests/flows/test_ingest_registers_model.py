"""Stored predictions have their model in the registry: ingest registers the built-in seed model it used."""

from __future__ import annotations

import json
import shutil

import pytest
from cli_runner import run_cli

from corpus import Corpus, PassageFilter
from flows.run import ingest_local


def test_ingest_registers_the_seed_model_it_used(tmp_path, samples_dir, seed_stand_in, capsys):
    # The cache holds the built-in seed version's files, as a run before model cards left them; the small
    # test model stands in for the seed model, which takes a minute to train.
    version = seed_stand_in
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    db = f"sqlite:///{tmp_path / 'fresh.db'}"

    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", db, "--workers", "1", "--no-prefect")
    assert code == 0 and "new        1" in out, err
    code, out, err = run_cli(capsys, "models", "list", "--db", db, "--format", "json")
    assert code == 0, err
    rows = {row["version"]: row for row in json.loads(out)}
    assert set(rows) == {version}
    assert rows[version]["artifact"] == "stored" and rows[version]["promoted"]
    assert rows[version]["cv_macro_f1"] is not None and rows[version]["training_size"] > 0
    with Corpus.open(db) as corpus:
        row = corpus.model_version(version)
        assert row is not None and set(row.metrics["cv_f1"]) == {"prevention", "enforcement", "transnational"}
        assert all(p.scores for p in corpus.passages(PassageFilter()))
        corpus.add_model_version("m-other", "x", {}, 1, {}, b"other", promoted=True)

    code, out, err = run_cli(capsys, "models", "promote", version, "--db", db)
    assert code == 0 and f"promoted {version}" in out, err
    with Corpus.open(db) as corpus:
        assert corpus.promoted_model().version == version  # type: ignore[union-attr]
        assert any(p.labels for p in corpus.passages(PassageFilter()))


def test_unchanged_run_neither_loads_nor_registers_a_model(tmp_path, samples_dir, db_url, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    assert ingest_local([str(folder)], db_url=db_url, workers=1).new == 1

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged run loaded or registered a model")

    for name in ("load_model", "seed_model", "register_builtin_seed", "builtin_seed_version"):
        monkeypatch.setattr(f"models.registry.{name}", refuse)
    monkeypatch.setattr("models.seed_version.builtin_seed_version", refuse)
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (summary.new, summary.unchanged, summary.failed) == (0, 1, 0)


@pytest.mark.slow
def test_report_an_older_run_stored_without_predictions_is_completed(tmp_path, samples_dir, db_url):
    """Before a report and its predictions were one transaction, a run killed between the two left this."""
    from sqlalchemy import delete

    from corpus.labelstate import rebuild
    from corpus.schema import Prediction

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    assert ingest_local([str(folder)], db_url=db_url, workers=1).new == 1
    with Corpus.open(db_url) as corpus:
        with corpus.engine.begin() as conn:
            conn.execute(delete(Prediction))
            rebuild(conn)
        (report,) = corpus.reports()
        assert report.sha256 is not None and not corpus.has_whole_report(report.sha256)

    assert ingest_local([str(folder)], db_url=db_url, workers=1).failed == 0
    with Corpus.open(db_url) as corpus:
        assert [r.id for r in corpus.reports(include_superseded=True)] == [report.id]
        assert corpus.has_whole_report(report.sha256)
        assert all(p.scores for p in corpus.passages(PassageFilter()))
    assert ingest_local([str(folder)], db_url=db_url, workers=1).unchanged == 1
