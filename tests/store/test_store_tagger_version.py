"""Migration 0011 and reports.tagger_version, on SQLite and PostgreSQL: which tagger found a report's
countries and programs, what the query commands say when an older one did, and `citsec db retag`."""

from __future__ import annotations

import hashlib

import pytest
from cli_runner import run_cli
from revisions import migrate
from sqlalchemy import inspect, text

from corpus import Corpus, NewEntity, NewPassage, NewReport
from corpus.engine import make_engine
from extractors import TAGGER_VERSION

OLDER = (
    "note: the countries and programs of {} found by an older tagger than this citsec's: `citsec db retag`"
)


GLO = NewEntity("program", "GLO", "Garantia da Lei e da Ordem")
RIO = NewEntity("program", "intervenção federal no Rio de Janeiro", "Intervenção Federal no Rio de Janeiro")


def _reading(name: str, tagger_version: int | None, served: str = "", rio: bool = False) -> NewReport:
    """A report of two Brazilian passages, its address named `name` and its bytes `name` + `served`; the
    second passage tagged with the federal intervention when `rio` (a newer tagger's finding)."""
    passages = [
        NewPassage(0, 1, 1, "Uma operação de GLO no Complexo da Maré.", "pt", entities=[GLO]),
        NewPassage(1, 1, 1, "A intervenção federal no Rio de Janeiro durou dez meses.", "pt",
                   entities=[RIO] if rio else []),
    ]  # fmt: skip
    sha256 = hashlib.sha256((name + served).encode()).hexdigest()
    uri = f"file:///{name}.pdf"
    return NewReport(uri=uri, sha256=sha256, passages=passages, tagger_version=tagger_version)


def _report(store: Corpus, name: str, tagger_version: int | None) -> int:
    """A report of two Brazilian passages, its address and bytes named `name`."""
    return store.add_report(_reading(name, tagger_version))


def _versions(store: Corpus) -> dict[int, int | None]:
    with store.engine.connect() as conn:
        return {int(i): v for i, v in conn.execute(text("SELECT id, tagger_version FROM reports"))}


def test_reports_stored_before_revision_0011_count_as_tagged_by_an_older_tagger(store_url: str) -> None:
    with Corpus.open(store_url) as store:
        report = _report(store, "a", TAGGER_VERSION)
    migrate(store_url, "0010")
    engine = make_engine(store_url)
    try:
        assert "tagger_version" not in {c["name"] for c in inspect(engine).get_columns("reports")}
    finally:
        engine.dispose()
    with Corpus.open(store_url) as store:  # migrates to head
        assert _versions(store) == {report: None}
        assert store.reports_tagged_before(TAGGER_VERSION) == 1
        assert store.reports_tagged_before(1) == 1  # not recorded: older than any


def test_which_reports_an_older_tagger_tagged(store_url: str) -> None:
    with Corpus.open(store_url) as store:
        assert store.reports_tagged_before(TAGGER_VERSION) == 0
        current = _report(store, "current", TAGGER_VERSION)
        older = _report(store, "older", TAGGER_VERSION - 1)
        newer = _report(store, "newer", TAGGER_VERSION + 1)  # a newer release shares the store
        assert store.reports_tagged_before(TAGGER_VERSION) == 1
        # Tags written with this tagger's version (as `db retag` writes them) record it.
        store.replace_entities({row.id: [] for row in store.passages()}, TAGGER_VERSION)
        versions = _versions(store)
        assert (versions[older], versions[current]) == (TAGGER_VERSION, TAGGER_VERSION)
        assert versions[newer] == TAGGER_VERSION + 1  # never taken back to an older tagger's
        assert store.reports_tagged_before(TAGGER_VERSION) == 0
        # A failed report, and an older version of a report (a new reading of other words replaced it),
        # have no passages a query shows.
        _report(store, "oldest", TAGGER_VERSION - 1)
        assert store.reports_tagged_before(TAGGER_VERSION) == 1
        store.record_failed_report("file:///broken.pdf", "b" * 64, "not a PDF")
        passage = NewPassage(0, 1, 1, "Outra leitura, outro texto.", "pt")
        store.add_report(NewReport(uri="file:///oldest.pdf", sha256="c" * 64, passages=[passage],
                                   tagger_version=TAGGER_VERSION))  # fmt: skip
        assert store.reports_tagged_before(TAGGER_VERSION) == 0


def test_queries_say_when_an_older_tagger_tagged_and_retag_settles_it(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Corpus.open(sqlite_url) as store:
        _report(store, "old", None)
        _report(store, "also-old", TAGGER_VERSION - 1)
        _report(store, "new", TAGGER_VERSION)
    said = OLDER.format("2 reports were")
    for argv in (["passages"], ["stats", "--by", "country"], ["stats", "--by", "label", "--program", "GLO"]):
        code, _, err = run_cli(capsys, *argv, "--db", sqlite_url)
        assert code == 0 and said in err, (argv, err)
    # Counts that neither show nor filter on tags have nothing to say.
    code, _, err = run_cli(capsys, "stats", "--by", "label,year", "--db", sqlite_url)
    assert code == 0 and "tagger" not in err
    code, out, err = run_cli(capsys, "db", "retag", "--db", sqlite_url)
    assert code == 0, err
    with Corpus.open(sqlite_url) as store:
        assert set(_versions(store).values()) == {TAGGER_VERSION}
        # This tagger finds the 2018 intervention the older ones did not store.
        programs = {row["program"] for row in store.stats(["program"])}
    assert "Intervenção Federal no Rio de Janeiro" in programs
    code, _, err = run_cli(capsys, "passages", "--db", sqlite_url)
    assert code == 0 and "tagger" not in err
    with Corpus.open(sqlite_url) as store:
        one = _report(store, "one", TAGGER_VERSION - 1)
    _, _, err = run_cli(capsys, "passages", "--db", sqlite_url)
    assert OLDER.format("1 report was") in err
    # --report asks about its report alone.
    _, _, err = run_cli(capsys, "passages", "--db", sqlite_url, "--report", str(one))
    assert OLDER.format("1 report was") in err
    _, _, err = run_cli(capsys, "passages", "--db", sqlite_url, "--report", str(one - 1))
    assert "tagger" not in err


def test_a_retag_by_an_older_release_leaves_a_newer_taggers_reports_alone(store_url: str) -> None:
    from extractors.tagging import Tagger
    from flows.retag import retag_store

    made_up = NewEntity("program", "Programa Inventado", "Programa Inventado")
    with Corpus.open(store_url) as store:
        older = _report(store, "older", None)
        passage = NewPassage(0, 1, 1, "A intervenção federal no Rio de Janeiro.", "pt", entities=[made_up])
        newer = store.add_report(NewReport(
            uri="file:///newer.pdf", sha256="d" * 64, tagger_version=TAGGER_VERSION + 1, passages=[passage]
        ))  # fmt: skip
        changes = retag_store(store, Tagger(use_statistical=False), batch_size=1)
        versions = _versions(store)
        programs = {row.report_id: row.programs for row in store.passages()}
    assert versions == {older: TAGGER_VERSION, newer: TAGGER_VERSION + 1}
    assert programs[newer] == ["Programa Inventado"]  # the newer tagger's, kept
    assert "Intervenção Federal no Rio de Janeiro" in programs[older]  # this tagger's, recorded with them
    assert changes.passages == 2 and not changes.removed  # both of the older report's, nothing taken


def test_other_bytes_that_read_the_same_bring_a_newer_taggers_tags(store_url: str) -> None:
    # The same reading at the same address (a page's footer carries the time it was served) keeps its
    # report; its tags, an older tagger's, gave way to nothing, though the ingest had the newer tagger's.
    with Corpus.open(store_url) as store:
        report = store.add_report(_reading("a", TAGGER_VERSION - 1))
        assert store.add_new_report(_reading("a", TAGGER_VERSION, served=" 10:30", rio=True)) is None
        assert [r.id for r in store.reports(include_superseded=True)] == [report]
        assert _versions(store) == {report: TAGGER_VERSION}
        assert store.reports_tagged_before(TAGGER_VERSION) == 0
        assert [p.programs for p in store.passages()] == [
            ["Garantia da Lei e da Ordem"], ["Intervenção Federal no Rio de Janeiro"]
        ]
        # An older release serving the page again leaves the newer tagger's tags alone.
        assert store.add_new_report(_reading("a", TAGGER_VERSION - 1, served=" 11:00")) is None
        assert _versions(store) == {report: TAGGER_VERSION}
        assert [p.programs for p in store.passages()][1] == ["Intervenção Federal no Rio de Janeiro"]
