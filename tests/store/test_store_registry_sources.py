"""The model registry, registered sources and the ingest-run log."""

from __future__ import annotations

import re

import pytest

from corpus import Corpus, CorpusError, NewPassage, NewReport


def test_model_versions_round_trip(store: Corpus) -> None:
    row = store.add_model_version(
        "2026-01-01-a", "tfidf+logreg", {"C": 1.0, "thresholds": {"prevention": 0.4}}, 420, {"f1": 0.71},
        b"\x00artifact\xff", promoted=True,
    )  # fmt: skip
    assert (row.version, row.training_size, row.promoted, row.has_artifact) == (
        "2026-01-01-a",
        420,
        True,
        True,
    )
    assert row.parameters["thresholds"] == {"prevention": 0.4}
    assert store.model_artifact("2026-01-01-a") == b"\x00artifact\xff"
    assert store.promoted_model().version == "2026-01-01-a"  # type: ignore[union-attr]
    store.add_model_version("2026-01-02-b", "tfidf+logreg", {}, 500, {}, b"x")
    assert [m.version for m in store.model_versions()] == ["2026-01-02-b", "2026-01-01-a"]
    assert store.promoted_model().version == "2026-01-01-a"  # type: ignore[union-attr]
    with pytest.raises(CorpusError, match="already exists"):
        store.add_model_version("2026-01-02-b", "x", {}, 1, {}, b"y")
    with pytest.raises(CorpusError, match="no model version"):
        store.model_artifact("nope")


def test_predictions_before_registration_fill_in_later(store: Corpus) -> None:
    store.add_report(NewReport(uri="u", sha256="2" * 64, passages=[NewPassage(1, 1, 1, "text")]))
    store.add_predictions("seed", [(1, "prevention", 0.8)])
    placeholder = store.model_version("seed")
    assert placeholder is not None and not placeholder.has_artifact and placeholder.promoted
    full = store.add_model_version("seed", "seed-model", {"k": 1}, 300, {"f1": 0.5}, b"blob")
    assert (full.algorithm, full.has_artifact, full.promoted) == ("seed-model", True, True)
    assert store.passage(1).labels == ["prevention"]


def test_at_most_one_promoted_model(store: Corpus) -> None:
    for v in ("a", "b", "c"):
        store.add_model_version(v, "x", {}, 1, {}, b"z", promoted=True)
    assert [m.version for m in store.model_versions() if m.promoted] == ["c"]


def test_sources(store: Corpus) -> None:
    added = store.add_source("unodc", "https://www.unodc.org/feed.xml", "feed")
    assert (added.name, added.kind) == ("unodc", "feed")
    store.add_source("local", "/data/reports")
    assert [s.name for s in store.sources()] == ["local", "unodc"]
    assert store.source("local").kind == "auto"  # type: ignore[union-attr]
    with pytest.raises(CorpusError, match="already exists"):
        store.add_source("local", "/elsewhere")
    with pytest.raises(CorpusError, match="unknown source kind"):
        store.add_source("x", "y", "ftp")
    # PostgreSQL holds 200 characters in each: a longer one was a database traceback there.
    with pytest.raises(CorpusError, match="a source's name has at most 200 characters"):
        store.add_source("n" * 201, "/data")
    with pytest.raises(CorpusError, match="an environment variable name has at most 200 characters"):
        store.add_source("long", "/data", password_env="P" * 201)
    assert store.add_source("n" * 200, "/data", password_env="P" * 200).name == "n" * 200
    # A name written like a path or URL would hide what it spells when given to `citsec ingest`.
    for name in ("./folder", "reports/2024", "http://example.org/feed", "a\\b", ".", "..", "~", "~ana"):
        with pytest.raises(CorpusError, match="a source's name is a word such as 'ministry', not a path"):
            store.add_source(name, "/data")
    for name, hint in (("ministry reports", "ministry-reports"), ("a\tb", "a-b"), ("x\x07", "x")):
        with pytest.raises(CorpusError, match=re.escape(f"without spaces or control characters: {name!r} "
                                                        f"(such as {hint!r})")):
            store.add_source(name, "/data")
    assert store.add_source("ministry-2024_es.v2", "/data").name == "ministry-2024_es.v2"
    assert store.add_source("ministério", "/data").name == "ministério"
    store.remove_source("ministério")
    store.remove_source("ministry-2024_es.v2")
    store.remove_source("n" * 200)
    store.remove_source("local")
    assert store.source("local") is None
    with pytest.raises(CorpusError, match="no source named 'local'"):
        store.remove_source("local")


def test_sources_removed_leave_their_reports(store: Corpus) -> None:
    source = store.add_source("s", "/x")
    rid = store.add_report(NewReport(uri="u", sha256="3" * 64, source_id=source.id))
    store.remove_source("s")
    assert store.report(rid).source_id is None


def test_ingest_runs(store: Corpus) -> None:
    run = store.start_ingest_run("schedule")
    assert store.ingest_runs()[0].finished_at is None
    store.finish_ingest_run(run, {"new": 3, "failed": 1}, ["b.pdf: not a PDF"])
    done = store.ingest_runs()[0]
    assert (done.trigger, done.counts, done.errors) == (
        "schedule",
        {"new": 3, "failed": 1},
        ["b.pdf: not a PDF"],
    )
    assert done.finished_at is not None and done.finished_at >= done.started_at
    with pytest.raises(CorpusError, match="no ingest run"):
        store.finish_ingest_run(999, {})
