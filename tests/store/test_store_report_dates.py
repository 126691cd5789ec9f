"""A report's date set by hand (Corpus.set_report_date, `citsec reports date`): what queries read, who set
it, taking it back, and what happens to it when the report is read again or a new version comes in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from cli_runner import run_cli

from corpus import Corpus, CorpusError, NewPassage, NewReport, PassageFilter
from flows.cli.reports_cmd import REPORT_FIELDS

URI = "file:///articles/extortion.txt"
TEXTS = ("Gangs charge bus drivers a weekly fee in Tegucigalpa.", "The police set up an anti-extortion unit.")


def _report(
    sha: str = "a",
    published: dt.date | None = None,
    texts: tuple[str, ...] = TEXTS,
    uri: str = URI,
    extractors: str = "1.0",
    status: str | None = None,
) -> NewReport:
    passages = [NewPassage(i, 1, 1, text, "en") for i, text in enumerate(texts, 1)]
    return NewReport(
        uri=uri, sha256=sha * 64, title="Extortion in Honduras", published=published, passages=passages,
        extractor_version=extractors, status=status,
    )  # fmt: skip


def _years(store: Corpus) -> dict[int | None, int]:
    return {row["year"]: row["count"] for row in store.stats(["year"], PassageFilter())}


def test_a_date_set_by_hand_is_what_queries_read_and_clearing_gives_the_reading_back(store: Corpus) -> None:
    report_id = store.add_report(_report())
    assert _years(store) == {None: 2}
    assert store.report(report_id).date_set is None

    row = store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")

    assert row.published == dt.date(2019, 5, 14)
    assert row.date_set is not None and (row.date_set.by, row.date_set.read) == ("ana", None)
    assert _years(store) == {2019: 2}
    # --since/--until read it too, instead of the day it was ingested.
    in_may = PassageFilter(since=dt.date(2019, 5, 1), until=dt.date(2019, 5, 31))
    assert len(list(store.passages(in_may))) == 2
    assert list(store.passages(PassageFilter(since=dt.date(2020, 1, 1)))) == []
    assert store.report(report_id).to_json()["published"] == "2019-05-14"

    cleared = store.set_report_date(report_id, None)

    assert (cleared.published, cleared.date_set) == (None, None)
    assert _years(store) == {None: 2}
    assert len(list(store.passages(PassageFilter(since=dt.date.today())))) == 2  # the day it was ingested


def test_a_second_date_by_hand_keeps_the_date_the_reading_gave(store: Corpus) -> None:
    report_id = store.add_report(_report(published=dt.date(2018, 3, 2)))  # a misread printed date
    store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")
    row = store.set_report_date(report_id, dt.date(2019, 6, 1), annotator="ben")
    assert row.published == dt.date(2019, 6, 1)
    assert row.date_set is not None and (row.date_set.by, row.date_set.read) == ("ben", dt.date(2018, 3, 2))
    assert store.set_report_date(report_id, None).published == dt.date(2018, 3, 2)
    assert _years(store) == {2018: 2}


def test_what_cannot_be_dated_is_refused(store: Corpus) -> None:
    old_id = store.add_report(_report("a"))
    new_id = store.add_report(_report("b", texts=("A new text altogether about prisons.",)))
    failed_id = store.record_failed_report("file:///broken.pdf", "c" * 64, "not a PDF")
    with pytest.raises(CorpusError, match="no report with id 999"):
        store.set_report_date(999, dt.date(2019, 1, 1))
    with pytest.raises(CorpusError, match=f"replaced by report {new_id}: date that one"):
        store.set_report_date(old_id, dt.date(2019, 1, 1))
    with pytest.raises(CorpusError, match="failed to read"):
        store.set_report_date(failed_id, dt.date(2019, 1, 1))
    with pytest.raises(CorpusError, match="is in the future"):
        store.set_report_date(new_id, dt.date.today() + dt.timedelta(days=2))
    assert store.report(new_id).published is None
    # A day ahead of this machine is taken: the person may live a time zone ahead of it.
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert store.set_report_date(new_id, tomorrow).published == tomorrow


def test_the_same_bytes_read_again_by_newer_extractors_keep_the_date(store: Corpus) -> None:
    report_id = store.add_report(_report())
    store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")
    # The newer extractors cut the text differently and find a date of their own: the same document, so
    # the person's date stands, and the date this reading gave is the one --clear would bring back.
    reread = _report(published=dt.date(2019, 5, 1), texts=(" ".join(TEXTS),), extractors="1.1")
    new_id = store.add_report(reread)
    assert new_id != report_id
    row = store.report(new_id)
    assert row.published == dt.date(2019, 5, 14)
    assert row.date_set is not None and (row.date_set.by, row.date_set.read) == ("ana", dt.date(2019, 5, 1))
    assert store.set_report_date(new_id, None).published == dt.date(2019, 5, 1)


def test_other_bytes_that_read_the_same_stay_the_dated_report(store: Corpus) -> None:
    # A page saved again (its footer's time changed the bytes, not the reading): the dated report stays,
    # rather than becoming a new, undated version because its date is not the one the reading gives.
    report_id = store.add_report(_report("a"))
    store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")
    assert store.add_report(_report("b")) == report_id
    assert store.report(report_id).published == dt.date(2019, 5, 14)
    assert [r.id for r in store.reports(include_superseded=True)] == [report_id]


def test_a_reading_unchanged_by_newer_extractors_at_its_address_keeps_the_date(store: Corpus) -> None:
    # Other bytes (a page saved again) read by newer extractors the same way: the dated report stays, now
    # known by these bytes and read by these extractors.
    report_id = store.add_report(_report("a"))
    store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")
    assert store.add_report(_report("b", extractors="1.1")) == report_id
    row = store.report(report_id)
    assert (row.published, row.extractor_version, row.sha256) == (dt.date(2019, 5, 14), "1.1", "b" * 64)


def test_an_older_versions_bytes_served_again_elsewhere_bring_its_date(store: Corpus) -> None:
    # A rolling latest.txt moved on; its archive copy still serves the bytes of the version a person
    # dated. Current again at the archive's address, those bytes are that same document: the date stays.
    first = store.add_report(_report("a"))
    store.set_report_date(first, dt.date(2019, 5, 14), annotator="ana")
    store.add_report(_report("b", published=dt.date(2024, 2, 1), texts=("The 2024 edition.",)))
    archived = store.add_report(_report("a", uri="file:///archive/extortion-2019.txt"))
    row = store.report(archived)
    assert archived != first and row.uri.endswith("extortion-2019.txt")
    assert row.published == dt.date(2019, 5, 14) and row.date_set is not None and row.date_set.by == "ana"


def test_a_new_version_keeps_the_date_unless_it_prints_its_own(store: Corpus) -> None:
    report_id = store.add_report(_report("a"))
    store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")
    # An updated article, still without a dateline: the person's date comes over.
    updated = store.add_report(_report("b", texts=(*TEXTS, "Update: two arrests were made.")))
    row = store.report(updated)
    assert updated != report_id and row.published == dt.date(2019, 5, 14)
    assert row.date_set is not None and row.date_set.by == "ana" and row.warnings == []
    # A new edition at the same address that prints its own date is dated by it, and says what it left.
    edition = store.add_report(_report("c", published=dt.date(2024, 2, 1), texts=("The 2024 edition.",)))
    row = store.report(edition)
    assert (row.published, row.date_set) == (dt.date(2024, 2, 1), None)
    assert row.warnings == [
        "an older version of this report was dated 2019-05-14 by ana by hand; this version reads as "
        "2024-02-01, so it keeps its own date (`citsec reports date` sets another)"
    ]
    assert _years(store) == {2024: 1}


def test_a_corrected_date_comes_over_to_a_new_version_that_prints_none_or_the_same(store: Corpus) -> None:
    # The extractors misread 2018; a person corrected it to 2019.
    report_id = store.add_report(_report("a", published=dt.date(2018, 3, 2)))
    store.set_report_date(report_id, dt.date(2019, 5, 14), annotator="ana")
    # The same misreading again, or no date at all: the correction stands.
    same = store.add_report(_report("b", published=dt.date(2018, 3, 2), texts=(*TEXTS, "An update.")))
    assert store.report(same).published == dt.date(2019, 5, 14)
    undated = store.add_report(_report("c", texts=(*TEXTS, "A second update.")))
    row = store.report(undated)
    assert row.published == dt.date(2019, 5, 14) and row.date_set is not None and row.date_set.read is None
    # A version that prints the person's date is dated by its own reading, with nothing to warn about.
    printed = store.add_report(_report("d", published=dt.date(2019, 5, 14), texts=("Reprinted whole.",)))
    row = store.report(printed)
    assert (row.published, row.date_set, row.warnings) == (dt.date(2019, 5, 14), None, [])


def test_reports_date_on_the_command_line(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Corpus.open(sqlite_url) as corpus:
        report_id = corpus.add_report(_report(published=dt.date(2018, 3, 2)))
    rid = str(report_id)

    code, out, err = run_cli(
        capsys, "reports", "date", rid, "2019-05-14", "--annotator", "ana", "--db", sqlite_url
    )
    assert (code, out, err) == (0, f"report {rid}: published 2019-05-14 (its reading gave 2018-03-02)\n", "")
    # The table says who set it; JSON keeps exactly the contract's fields, the date as a date.
    code, out, _ = run_cli(capsys, "reports", "--db", sqlite_url)
    assert code == 0 and "2019-05-14 (set by ana)" in out
    code, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--format", "json")
    rows = json.loads(out)
    assert [list(r) for r in rows] == [list(REPORT_FIELDS)] and rows[0]["published"] == "2019-05-14"
    code, out, _ = run_cli(capsys, "stats", "--by", "year", "--db", sqlite_url, "--format", "csv")
    assert out.splitlines() == ["year,count", "2019,2"]

    code, out, err = run_cli(capsys, "reports", "date", rid, "--clear", "--db", sqlite_url)
    assert (code, out, err) == (0, f"report {rid}: 2018-03-02, as its reading gives\n", "")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["2019"], "'2019' is not a day: give YYYY-MM-DD, as in 2019-05-14"),
        (["20190514"], "'20190514' is not a day"),
        (["2019-W20-2"], "'2019-W20-2' is not a day"),
        (["2019-02-30"], "'2019-02-30' is not a day"),
        (["2999-01-01"], "2999-01-01 is in the future"),
        ([], "give the report's DATE (YYYY-MM-DD), or --clear"),
        (["2019-05-14", "--clear"], "give the report's DATE (YYYY-MM-DD), or --clear"),
        (["--clear"], "date was not set by hand; nothing to clear"),
    ],
)
def test_reports_date_mistakes_are_one_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    with Corpus.open(sqlite_url) as corpus:
        report_id = corpus.add_report(_report())
    code, out, err = run_cli(capsys, "reports", "date", str(report_id), *args, "--db", sqlite_url)
    assert code == 2 and out == "" and says in err and len(err.strip().splitlines()) == 1
    with Corpus.open(sqlite_url) as corpus:
        assert corpus.report(report_id).published is None


def test_reports_date_takes_the_store_named_before_it(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `citsec reports --db X date ...` parses --db as the group's: it names the store dated, not one left
    # to the default (a review dated ./citsec.db instead). The listing's options are refused with it.
    with Corpus.open(sqlite_url) as corpus:
        report_id = corpus.add_report(_report())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = run_cli(capsys, "reports", "--db", sqlite_url, "date", str(report_id), "2019-05-14")
    assert (code, err) == (0, "") and "published 2019-05-14" in out
    assert list(elsewhere.iterdir()) == []
    with Corpus.open(sqlite_url) as corpus:
        assert corpus.report(report_id).published == dt.date(2019, 5, 14)
    listing = ("reports", "--format", "json", "--limit", "2")
    code, out, err = run_cli(capsys, *listing, "date", str(report_id), "--clear", "--db", sqlite_url)
    assert code == 2 and out == ""
    assert err.strip() == "error: --format, --limit: for listing reports, not for `citsec reports date`"


def test_reports_date_of_an_unknown_report(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Corpus.open(sqlite_url) as corpus:
        corpus.add_report(_report())
    code, _, err = run_cli(capsys, "reports", "date", "99", "2019-05-14", "--db", sqlite_url)
    assert code != 0 and err.strip() == "error: no report with id 99"


def test_a_reports_metadata_is_stored(store: Corpus) -> None:
    # The insert named the column by its attribute ("meta"), which SQLAlchemy dropped without a word: no
    # report kept its PDF producer or running header, and a date set by hand could not come over.
    from sqlalchemy import select

    from corpus.schema import Report

    report_id = store.add_report(dataclasses.replace(_report(), metadata={"producer": "LibreOffice 7.3"}))
    with store.engine.connect() as conn:
        meta = conn.execute(select(Report.meta.label("meta")).where(Report.id == report_id)).scalar_one()
    assert meta == {"producer": "LibreOffice 7.3"}


def test_reports_undated_lists_the_reports_to_date(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Corpus.open(sqlite_url) as corpus:
        dated = corpus.add_report(_report("a", published=dt.date(2018, 3, 2)))
        undated = corpus.add_report(_report("b", uri="file:///articles/prisons.txt"))
        corpus.add_report(_report("c", uri="file:///scans/blank.pdf", texts=()))  # empty: nothing to date
        corpus.record_failed_report("file:///broken.pdf", "d" * 64, "not a PDF")
    code, out, err = run_cli(capsys, "reports", "--undated", "--format", "csv", "--db", sqlite_url)
    assert (code, err) == (0, "") and [row.split(",")[0] for row in out.splitlines()] == ["id", str(undated)]
    # The note of a date filter names the listing.
    code, _, err = run_cli(capsys, "passages", "--since", "2010", "--db", sqlite_url, "--format", "csv")
    assert code == 0 and "`citsec reports --undated` lists those reports" in err

    # So does the table of `stats --by year`, under its (undated) row; CSV and JSON (programs) say nothing.
    code, out, err = run_cli(capsys, "stats", "--by", "year", "--db", sqlite_url)
    assert code == 0 and "(undated)" in out and "`citsec reports --undated` lists them" in err
    assert run_cli(capsys, "stats", "--by", "year", "--db", sqlite_url, "--format", "csv")[2] == ""

    run_cli(capsys, "reports", "date", str(undated), "2019-05-14", "--db", sqlite_url)
    code, out, err = run_cli(capsys, "stats", "--by", "year", "--db", sqlite_url)
    assert (code, err) == (0, "") and "(undated)" not in out
    code, out, err = run_cli(capsys, "reports", "--undated", "--format", "csv", "--db", sqlite_url)
    assert (code, out.splitlines()[1:], err) == (0, [], "")
    code, _, err = run_cli(capsys, "reports", "--undated", "--db", sqlite_url)  # a table says why it is empty
    assert code == 0 and err.strip() == "every report read has a date"
    assert run_cli(capsys, "reports", "--format", "csv", "--db", sqlite_url)[1].count(f"\n{dated},") == 1
