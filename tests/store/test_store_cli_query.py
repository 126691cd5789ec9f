"""`citsec reports | passages | stats | db upgrade` end to end: formats, filters, and user errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli
from storedata import fill

from corpus import Corpus, NewEntity, NewPassage, NewReport, PassageFilter
from extractors import TAGGER_VERSION
from flows.cli.query_cmd import PASSAGE_FIELDS, build_filter, no_label_rule_of, percent
from flows.cli.reports_cmd import REPORT_FIELDS
from flows.fetch import timed_out

TAGGED = TAGGER_VERSION  # a report this release tagged: no query says to tag it again


@pytest.fixture
def filled(sqlite_url: str) -> str:
    with Corpus.open(sqlite_url) as corpus:
        fill(corpus, n_reports=6, per_report=20, seed=5)
    return sqlite_url


def _row(passage: Any) -> dict[str, Any]:
    """A stored passage as `citsec passages` writes it in JSON: its fields and the rule that left it
    unlabeled."""
    return passage.to_json() | {"no_label_rule": no_label_rule_of(passage)}


def test_passages_json_has_exactly_the_design_fields(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Corpus.open(store_url) as corpus:
        fill(corpus, n_reports=3, per_report=10, seed=2)
        expected = [_row(p) for p in corpus.passages(PassageFilter(labels=("prevention", "enforcement")))]
    code, out, err = run_cli(
        capsys, "passages", "--db", store_url, "--label", "prevention", "-l", "enforcement", "-f", "json"
    )
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert rows == expected and rows
    assert all(list(r) == list(PASSAGE_FIELDS) for r in rows)


def test_passages_jsonl_csv_and_table(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Corpus.open(filled) as corpus:
        expected = [_row(p) for p in corpus.passages(PassageFilter(countries=("CO",)), limit=7)]
    _, out, _ = run_cli(
        capsys, "passages", "--db", filled, "--country", "co", "--limit", "7", "--format", "jsonl"
    )
    assert [json.loads(line) for line in out.splitlines()] == expected
    _, out, _ = run_cli(
        capsys, "passages", "--db", filled, "--country", "CO", "--limit", "7", "--format", "csv"
    )
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0]) == [*PASSAGE_FIELDS, "prevention_score", "enforcement_score", "transnational_score"]
    assert [int(r["id"]) for r in table] == [r["id"] for r in expected]
    assert [r["labels"] for r in table] == [";".join(r["labels"]) for r in expected]
    assert [json.loads(r["scores"]) for r in table] == [r["scores"] for r in expected]
    code, out, _ = run_cli(capsys, "passages", "--db", filled, "--country", "CO", "--limit", "3")
    assert code == 0 and "countries" in out and str(expected[2]["id"]) in out
    # --kind reaches the filter (the stored passages here are all running text).
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "--country", "CO", "--limit", "7",
                        "--kind", "text", "--kind", "table", "-f", "jsonl")
    assert [json.loads(line) for line in out.splitlines()] == expected
    code, out, err = run_cli(capsys, "stats", "--by", "lang", "--db", filled, "--kind", "reference",
                             "-f", "json")
    assert (code, json.loads(out), err) == (0, [], "")


def test_a_country_can_be_named_as_the_tagger_names_it(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A user review: "EUA" and "Estados Unidos da América" were unknown countries, though the tagger
    # finds the United States by them. The gazetteer's names and abbreviations are taken too.
    _, by_code, _ = run_cli(capsys, "passages", "--db", filled, "--country", "US", "-f", "json")
    assert json.loads(by_code)
    for typed in ("EUA", "EE.UU.", "ee. uu.", "EEUU", "Estados Unidos da América", "U.S.A."):
        code, out, err = run_cli(capsys, "passages", "--db", filled, "--country", typed, "-f", "json")
        assert (code, out) == (0, by_code), (typed, err)
    assert build_filter(country=["Inglaterra", "Holanda", "co"]).countries == ("CO", "GB", "NL")
    # A review: "Northern Triangle" was an unknown country, though the tagger reads it as its three.
    triangle = ["--country", "GT", "--country", "HN", "--country", "SV"]
    _, by_codes, _ = run_cli(capsys, "passages", "--db", filled, *triangle, "-f", "json")
    for typed in ("Northern Triangle", "triángulo norte", "Triângulo do Norte"):
        code, out, err = run_cli(capsys, "passages", "--db", filled, "--country", typed, "-f", "json")
        assert (code, out) == (0, by_codes), (typed, err)
    assert build_filter(country=["Northern Triangle", "MX"]).countries == ("GT", "HN", "MX", "SV")
    # A journalist's review: "Centroamérica" was an unknown country; as a filter it is its seven.
    seven = ("BZ", "CR", "GT", "HN", "NI", "PA", "SV")
    for typed in ("Centroamérica", "América Central", "central america", "Centro América"):
        assert build_filter(country=[typed]).countries == seven, typed


def test_table_without_limit_shows_a_page_and_says_so(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "passages", "--db", filled)
    assert code == 0 and "--limit" in err


def test_every_filter_option_reaches_the_query(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    f = PassageFilter(
        labels=("transnational", "none"), countries=("MX", "BR"), programs=("carsi", "Plan Colombia"),
        lang="en", search="cartel", min_score=0.2, since=dt.date(2003, 1, 1),
        until=dt.date(2024, 12, 31),
    )  # fmt: skip
    with Corpus.open(filled) as corpus:
        expected = [p.id for p in corpus.passages(f)]
        expected_report = [p.id for p in corpus.passages(PassageFilter(report_id=2))]
    argv = [
        "passages",
        "--db",
        filled,
        "-f",
        "jsonl",
        "--label",
        "transnational",
        "--label",
        "none",
        "--country",
        "MX",
        "--country",
        "BR",
        "--program",
        "carsi",
        "--program",
        "Plan Colombia",
        "--lang",
        "en",
        "--search",
        "cartel",
        "--min-score",
        "0.2",
        "--since",
        "2003",
        "--until",
        "2024",
    ]
    _, out, _ = run_cli(capsys, *argv)
    assert [json.loads(line)["id"] for line in out.splitlines()] == expected
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "-f", "jsonl", "--report", "2")
    assert [json.loads(line)["id"] for line in out.splitlines()] == expected_report


def test_a_program_can_be_named_by_an_alias_in_any_language(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Corpus.open(filled) as corpus:
        expected = [p.id for p in corpus.passages(PassageFilter(programs=("Merida Initiative",)))]
    assert expected
    for alias in ("Iniciativa Mérida", "iniciativa merida", "Merida Initiative"):
        _, out, _ = run_cli(capsys, "passages", "--db", filled, "-f", "jsonl", "--program", alias)
        assert [json.loads(line)["id"] for line in out.splitlines()] == expected, alias
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "-f", "jsonl", "--program", "Iniciativa Nada")
    assert out == ""


def test_stats_by_country_with_places(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    from corpus import NewEntity, NewPassage, NewReport

    with Corpus.open(filled) as corpus:
        putumayo = NewEntity("place", "Putumayo", "CO")
        passage = NewPassage(1, 1, 1, "Erradicación manual en Putumayo.", "es", entities=[putumayo])
        corpus.add_report(NewReport(uri="gme.pdf", sha256="g" * 64, title="GME", passages=[passage]))
        plain = {row["country"]: row["count"] for row in corpus.stats(["country"])}
    argv = ["stats", "--by", "country", "--places", "--format", "json", "--db", filled]
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    counted = {row["country"]: row["count"] for row in json.loads(out)}
    assert counted["CO"] == plain["CO"] + 1 and counted[None] == plain[None] - 1


def test_stats_says_a_filtered_field_keeps_passages_not_groups(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A journalist's review: `stats --by country,label --country SV --country MX` listed US rows, read as a
    # filter that did not work; they count the passages naming SV or MX that also name the US.
    with Corpus.open(filled) as corpus:
        rows = corpus.stats(["country"], PassageFilter(countries=("SV", "MX")))
    others = [row["country"] for row in rows if row["country"] not in ("SV", "MX")]
    assert others  # fill() names two countries in some passages
    code, out, err = run_cli(capsys, "stats", "--by", "country", "--country", "SV", "--country", "mx",
                             "-f", "json", "--db", filled)  # fmt: skip
    assert code == 0 and json.loads(out) == rows  # the counts stay as they were
    assert err == (f"note: --country keeps the passages that name MX or SV; the country rows of "
                   f"{', '.join(others)} count those of them that also name them\n")  # fmt: skip
    code, _, err = run_cli(capsys, "stats", "--by", "country", "--country", "SV", "--db", filled)
    assert code == 0 and "--country keeps the passages that name SV;" in err
    code, _, err = run_cli(capsys, "stats", "--by", "label", "--country", "SV", "--db", filled)
    assert code == 0 and "note" not in err  # grouped by another field: nothing to say
    code, _, err = run_cli(capsys, "stats", "--by", "program", "--program", "plan colombia", "--db", filled)
    assert code == 0 and ("note" not in err or "the program rows of Plan Colombia" not in err), err


def test_stats_formats(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Corpus.open(filled) as corpus:
        expected = corpus.stats(["label", "country"], PassageFilter(lang="es"))
    _, out, _ = run_cli(
        capsys, "stats", "--db", filled, "--by", "label,country", "--lang", "es", "-f", "json"
    )
    assert json.loads(out) == expected
    _, out, _ = run_cli(capsys, "stats", "--db", filled, "--by", "label,country", "--lang", "es", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["label"], r["country"] or None, int(r["count"])) for r in rows] == [
        (e["label"], e["country"], e["count"]) for e in expected
    ]
    code, out, _ = run_cli(capsys, "stats", "--db", filled, "--by", "year")
    assert code == 0 and "count" in out
    with Corpus.open(filled) as corpus:
        undated = corpus.stats(["year"])[-1]
    assert undated["year"] is None and out.rstrip().splitlines()[-2].split("│")[1:3] == [
        " (undated) ", f" {undated['count']:<5} "
    ]  # the last row, in the table's words
    # The table names each report by its title too; JSON keeps the contract's fields.
    with Corpus.open(filled) as corpus:
        titles = {r.title for r in corpus.reports() if r.title}
    code, out, _ = run_cli(capsys, "stats", "--db", filled, "--by", "report")
    assert code == 0 and "title" in out and titles and all(t in out for t in titles)
    _, out, _ = run_cli(capsys, "stats", "--db", filled, "--by", "report", "-f", "json")
    assert all(set(row) == {"report", "count"} for row in json.loads(out))


def test_stats_share_in_every_format(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    # An analyst's question (is a country moving from enforcement to prevention?) reads as shares: of a
    # country's labeled passages, how many carry each label.
    labels = ("prevention", "enforcement")
    with Corpus.open(filled) as corpus:
        expected = corpus.stats(["country", "label"], PassageFilter(labels=labels), share=True)
        colombia = corpus.count_passages(PassageFilter(labels=labels, countries=("CO",)))
        colombia_all = corpus.count_passages(PassageFilter(countries=("CO",)))
    argv = ["stats", "--db", filled, "--by", "country,label", "-l", labels[0], "-l", labels[1], "--share"]
    code, out, err = run_cli(capsys, *argv, "-f", "json")
    assert code == 0 and json.loads(out) == expected, err
    co = {row["label"]: row for row in expected if row["country"] == "CO"}
    assert {"prevention", "enforcement"} <= set(co)  # and transnational, of those passages that carry it
    assert all(row["whole"] == colombia for row in co.values())
    assert all(row["share"] == round(row["count"] / colombia, 4) for row in co.values())
    assert all(list(row) == ["country", "label", "count", "whole", "share"] for row in expected)
    _, out, _ = run_cli(capsys, *argv, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    typed = [
        (r["country"] or None, r["label"], int(r["count"]), int(r["whole"]), float(r["share"])) for r in rows
    ]
    assert typed == [(e["country"], e["label"], e["count"], e["whole"], e["share"]) for e in expected]
    # The table says percentages; without --share nothing changes.
    _, out, _ = run_cli(capsys, *argv)
    first = out.splitlines()[3].split("│")[1:6]
    assert [cell.strip() for cell in first] == [
        expected[0]["country"] or "(none)", expected[0]["label"], str(expected[0]["count"]),
        str(expected[0]["whole"]), f"{expected[0]['share']:.1%}",
    ]
    _, out, _ = run_cli(capsys, *argv[:-1], "-f", "json")
    assert all("share" not in row for row in json.loads(out))
    # By one field, the share of every passage the filters keep; programs by name, as without shares.
    with Corpus.open(filled) as corpus:
        everything = corpus.count_passages(PassageFilter(lang="es"))
        programs = corpus.stats(["program"], PassageFilter(lang="es"), share=True)
    by_label = ["stats", "--db", filled, "--by", "label", "--lang", "es", "--share", "-f", "json"]
    _, out, _ = run_cli(capsys, *by_label)
    rows = json.loads(out)
    assert [row["share"] for row in rows] == [round(row["count"] / everything, 4) for row in rows]
    assert "CARSI" in {row["program"] for row in programs}  # a name: "carsi" is its key
    # --places widens a country's whole as it does its groups.
    with Corpus.open(filled) as corpus:
        putumayo = NewEntity("place", "Putumayo", "CO")
        passage = NewPassage(1, 1, 1, "Erradicación manual en Putumayo.", "es", entities=[putumayo])
        corpus.add_report(NewReport(uri="gme.pdf", sha256="g" * 64, title="GME", passages=[passage]))
        widened = corpus.count_passages(PassageFilter(countries=("CO",), with_places=True))
    by_country = ["stats", "--db", filled, "--by", "country,lang", "--places", "--share", "-f", "json"]
    _, out, _ = run_cli(capsys, *by_country)
    co_rows = [row for row in json.loads(out) if row["country"] == "CO"]
    assert widened == colombia_all + 1 and {row["whole"] for row in co_rows} == {widened}


def test_a_share_too_small_to_show_is_not_shown_as_none() -> None:
    assert [percent(*pair) for pair in [(16, 22), (0, 22), (3, 4237), (2, 4237), (1, 1)]] == [
        "72.7%", "0.0%", "0.1%", "<0.1%", "100.0%"
    ]


def test_min_score_with_label_none_alone_is_said_to_have_no_effect(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "--min-score has no effect with --label none alone"
    for command in ("passages", "stats"):
        by = ["--by", "label"] if command == "stats" else []
        code, out, err = run_cli(
            capsys, command, "--db", filled, *by, "--label", "none", "--min-score", "0.9", "-f", "json"
        )
        _, plain, _ = run_cli(capsys, command, "--db", filled, *by, "--label", "none", "-f", "json")
        assert code == 0 and said in err and json.loads(out) == json.loads(plain)
        # With a label asked for, the minimum applies to it: nothing to say.
        _, _, err = run_cli(
            capsys, command, "--db", filled, *by, "--label", "none", "--label", "enforcement",
            "--min-score", "0.9", "-f", "json",
        )  # fmt: skip
        assert said not in err


def test_reports_json_fields(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "reports", "--db", filled, "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 3  # six reports, three of them newer versions of the others
    assert all(list(r) == list(REPORT_FIELDS) for r in rows)
    _, out, _ = run_cli(capsys, "reports", "--db", filled, "--format", "json", "--all")
    assert len(json.loads(out)) == 6


@pytest.fixture
def wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables wide enough that no cell wraps, whatever width the test runner's output has."""
    from flows.cli.common import out_console

    monkeypatch.setattr(out_console, "width", 240)


@pytest.mark.usefixtures("wide_tables")
def test_passages_table_marks_labels_a_person_gave(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Corpus.open(filled) as corpus:
        first, second = list(corpus.passages(limit=2))
        corpus.add_labels(first.id, ["prevention"], annotator="ana")
        corpus.add_labels(second.id, [], annotator="ana")
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "--report", str(first.report_id), "--limit", "2")
    table = " ".join(out.split())
    assert "prevention (by a person)" in table and "none (by a person)" in table
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "--report", str(first.report_id), "-f", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows[first.id]["labels"] == ["prevention"] and rows[second.id]["labels"] == []  # JSON as designed


@pytest.mark.usefixtures("wide_tables")
def test_reports_table_names_each_report_by_its_file(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reports with one title (a series of monitoring reports) or none are told apart by their files."""
    from corpus import NewPassage, NewReport

    with Corpus.open(sqlite_url) as corpus:
        passages = [NewPassage(1, 1, 1, "Police patrols doubled in the capital.", "en")]
        uri = "file:///data/annual%20review.pdf"
        corpus.add_report(NewReport(uri=uri, sha256="6" * 64, passages=passages))
        for phase in ("I", "II"):
            uri = f"/data/gme_fase_{phase}.pdf"
            sha256 = phase.ljust(64, "7")
            corpus.add_report(NewReport(uri=uri, sha256=sha256, title="Monitoreo", passages=passages))
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url)
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert "annual review.pdf" in rows[0]
    assert "gme_fase_I.pdf" in rows[1] and "gme_fase_II.pdf" in rows[2] and "Monitoreo" in rows[2]
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--format", "json")
    assert json.loads(out)[0]["title"] is None  # programs read the title as stored


@pytest.mark.usefixtures("wide_tables")
def test_a_failed_fetch_in_the_reports_table_says_why_not_its_url_again(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The error column (60 wide) was filled by the URL the row already names, and the reason was cut off.
    url = "https://www.ministerio-de-seguridad.gob.example/informes/2024/balance-anual-de-seguridad.pdf"
    with Corpus.open(sqlite_url) as corpus:
        corpus.record_failed_report(url, None, f"{url}: HTTP 404 Not Found")
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url)
    assert "HTTP 404 Not Found" in out and "ministerio-de-seguridad" not in out, out
    assert "balance-anual-de-seguridad.pdf" in out  # the file column names it
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--format", "json")
    assert json.loads(out)[0]["error"] == f"{url}: HTTP 404 Not Found"  # as stored
    # A signed link of 600 characters: the store cuts the error's middle, and its end still says why.
    signed = "https://bucket.s3.example/informe.pdf?X-Amz-Signature=" + "a" * 600
    with Corpus.open(sqlite_url) as corpus:
        error = f"{signed}: timed out (ReadTimeout) (gave up after 4 attempts)"
        corpus.record_failed_report(signed, None, error)
        (stored,) = [row for row in corpus.reports() if row.uri == signed]
    assert stored.error is not None and len(stored.error) <= 500
    assert timed_out(stored.error)  # so the next run asks it once (flows.workers)
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url)
    assert "timed out (ReadTimeout)" in out and "X-Amz" not in out, out
    # Two reports of one download script: the file column keeps the query that tells them apart.
    with Corpus.open(sqlite_url) as corpus:
        for number in (1, 2):
            script = f"https://observatorio.example/download.php?id={number}"
            corpus.record_failed_report(script, None, f"{script}: HTTP 503 Service Unavailable")
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url)
    assert "download.php?id=1" in out and "download.php?id=2" in out, out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["passages", "--label", "violence"], "unknown label 'violence'"),
        (["passages", "--country", "Colmbia"], "unknown country 'Colmbia'"),
        (["passages", "--since", "last year"], "bad date"),
        (["passages", "--report", "999"], "no report with id 999"),
        (["stats", "--by", "colour"], "unknown --by field"),
        (["passages", "--min-score", "2"], "between 0 and 1"),
        (["passages", "--country", "salvador"], "(did you mean El Salvador (SV)?)"),
        # An empty value (an unset shell variable) listed every passage as if unfiltered (a review).
        (["passages", "--search", "  "], "--search is empty"),
        (["stats", "--by", "label", "--search", ""], "--search is empty"),
        # A review: these said "no passages match these filters", as if the store had been searched.
        (["passages", "--search", '""'], """--search '""' holds no word to search for"""),
        (["passages", "--search", "AND"], "--search 'AND' holds no word to search for"),
        (["stats", "--by", "label", "--search", "NOT -"], "--search 'NOT -' holds no word to search for"),
        (["passages", "--program", ""], "--program is empty"),
        # And these (a journalist's review): an empty date or language was no filter at all.
        (["passages", "--since", ""], "--since is empty"),
        (["stats", "--by", "year", "--until", " "], "--until is empty"),
        (["passages", "--lang", ""], "--lang is empty"),
        (["passages", "--country", ""], "--country is empty"),
        (["passages", "--limit", "0"], "Invalid value for '--limit'"),  # printed "no passages match"
        # What a user typed is printed as it is: "[/b]" was a MarkupError traceback (a code review).
        (["passages", "--country", "[/b]"], "unknown country '[/b]'"),
        (["passages", "--lang", "[red]es"], "malformed language code '[red]es'"),
        (["passages", "--places"], "--places widens --country"),
        (["stats", "--by", "label", "--places"], "--places widens --country and the country groups"),
    ],
)
def test_user_mistakes_are_one_line(
    filled: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *argv, "--db", filled)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "passages", "--db", "postgresql://postgres@127.0.0.1:1/none")
    assert code == 2 and "cannot open database" in err and len(err.strip().splitlines()) == 1


def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7\n" + b"not a database " * 400)
    for argv in (["stats", "--by", "label"], ["passages"], ["reports"]):
        code, out, err = run_cli(capsys, *argv, "--db", str(report))
        assert code == 2 and out == "", err
        assert "cannot open database" in err and "not a database" in err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_passages_of_a_failed_report_say_why_there_are_none(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A review: `passages --report 12` of a report that failed said only "no passages match".
    with Corpus.open(sqlite_url) as corpus:
        failed = corpus.record_failed_report("file:///bad.pdf", "b" * 64, "broken PDF: no trailer")
    code, out, err = run_cli(capsys, "passages", "--report", str(failed), "--db", sqlite_url)
    assert code == 0
    assert f"note: report {failed} failed and holds no passages: broken PDF: no trailer" in err


def test_a_store_damaged_inside_is_one_line(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A review: a store whose file was damaged past its header opened, and its first query was a traceback
    # of 76-137 lines ("database disk image is malformed").
    import sqlite3

    path = Path(filled.removeprefix("sqlite:///"))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'passages'").fetchone()[0]
    conn.close()
    with path.open("r+b") as file:  # the passages table's first page
        file.seek((root - 1) * page_size)
        file.write(b"\x55" * page_size)
    # `--format json` printed its "[" before the error line (a review), csv its header.
    formats = [["passages", "--format", "json"], ["passages", "--format", "csv"]]
    for argv in (["passages"], ["passages", "--label", "prevention"], *formats):
        code, out, err = run_cli(capsys, *argv, "--db", filled)
        assert code == 2 and out == "", err
        assert "database disk image is malformed" in err and "the store's file is damaged" in err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["passages"], ["stats", "--by", "label"], ["reports"], ["label", "export"], ["label", "queue"],
     ["label", "add", "1", "prevention"], ["label", "none", "1"], ["models", "promote", "seed"],
     ["sources", "list"], ["sources", "remove", "weekly"]],
)
def test_a_mistyped_store_is_an_error_not_a_new_empty_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    db = tmp_path / "typo.db"
    code, out, err = run_cli(capsys, *argv, "--db", str(db))
    assert code == 2 and out == ""
    assert f"no store at {db}" in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_an_empty_postgresql_database_is_not_silently_made_a_store(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "passages", "--db", pg_url)
    assert code == 2 and "no citsec store in" in err and "citsec ingest" in err
    code, out, err = run_cli(capsys, "db", "upgrade", "--db", pg_url)  # creating one stays explicit
    assert code == 0, err
    code, out, err = run_cli(capsys, "passages", "--db", pg_url, "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_db_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "new.db")
    code, out, _ = run_cli(capsys, "db", "upgrade", "--db", db)
    assert code == 0 and "upgraded from empty to revision" in out
    code, out, _ = run_cli(capsys, "db", "upgrade", "--db", db)
    assert code == 0 and "already at revision" in out


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows", "passages", "--db", str(tmp_path / "x.db"), "--label", "bogus"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: unknown label 'bogus'; expected one of prevention, "
                                                "enforcement, transnational or none"]  # fmt: skip


@pytest.mark.usefixtures("wide_tables")
def test_passages_table_shows_where_the_search_matched(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from corpus import NewPassage, NewReport

    opening = "The ministry's annual review covers the budget, the staff and the buildings of the force. " * 3
    text = opening + "Only its last pages say that drug traffickers bribed officers in the port."
    passages = [NewPassage(1, 1, 1, text, "en")]
    with Corpus.open(sqlite_url) as corpus:
        corpus.add_report(NewReport(uri="file:///r.pdf", sha256="7" * 64, passages=passages))
    for search in ("trafficker", '"drug traf*"', "bribe OR extortion"):
        _, out, _ = run_cli(capsys, "passages", "--db", sqlite_url, "--search", search)
        cell = " ".join(out.split())
        assert "drug traffickers bribed" in cell and "…" in cell, search
    _, out, _ = run_cli(capsys, "passages", "--db", sqlite_url, "--search", "ministry's budget")
    assert "drug traffickers" not in out and "The ministry's annual review" in " ".join(out.split())
    _, out, _ = run_cli(capsys, "passages", "--db", sqlite_url, "--search", "trafficker", "-f", "json")
    assert json.loads(out)[0]["text"] == text  # programs get the whole text


def test_sources_list_in_every_format(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Corpus.open(sqlite_url).close()  # an empty store
    code, out, err = run_cli(capsys, "sources", "list", "--db", sqlite_url)
    assert code == 0 and out == "" and "no sources registered" in err
    code, out, _ = run_cli(capsys, "sources", "list", "--db", sqlite_url, "-f", "json")
    assert code == 0 and json.loads(out) == []
    run_cli(capsys, "sources", "add", "drop", str(tmp_path), "--db", sqlite_url)
    run_cli(capsys, "sources", "add", "ministry", "https://example.org/feed.xml", "--kind", "feed",
        "--password-env", "MINISTRY_PDF_PW", "--db", sqlite_url)
    _, out, _ = run_cli(capsys, "sources", "list", "--db", sqlite_url, "-f", "json")
    rows = json.loads(out)
    assert [(r["name"], r["kind"], r["password_env"]) for r in rows] == [
        ("drop", "folder", None), ("ministry", "feed", "MINISTRY_PDF_PW")
    ]
    assert all(set(r) == {"name", "kind", "location", "password_env", "created_at"} for r in rows)
    _, out, _ = run_cli(capsys, "sources", "list", "--db", sqlite_url, "-f", "csv")
    assert list(csv.DictReader(io.StringIO(out))) == [{k: v or "" for k, v in r.items()} for r in rows]
    _, out, _ = run_cli(capsys, "sources", "list", "--db", sqlite_url, "--json")  # the older flag: JSON lines
    assert [json.loads(line) for line in out.splitlines()] == rows
    _, out, _ = run_cli(capsys, "sources", "list", "--db", sqlite_url)
    assert "ministry" in out and "feed" in out and "drop" in out  # a long location may wrap in the table


def test_an_empty_table_says_why(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    nothing = ["--search", "zzzunmatchedword"]
    code, out, err = run_cli(capsys, "passages", "--db", filled, *nothing)
    assert code == 0 and "no passages match these filters" in err
    code, out, err = run_cli(capsys, "stats", "--by", "label", "--db", filled, *nothing)
    assert code == 0 and "no passages match these filters" in err
    code, out, err = run_cli(capsys, "passages", "--db", filled, *nothing, "-f", "json")
    assert json.loads(out) == [] and err == ""  # program output stays as it was
    _, _, err = run_cli(capsys, "passages", "--db", filled)
    assert "no passages match" not in err


def test_reports_of_an_empty_store_says_how_to_fill_it(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    Corpus.open(sqlite_url).close()
    code, _, err = run_cli(capsys, "reports", "--db", sqlite_url)
    assert code == 0 and "no reports stored yet" in err


def test_a_program_named_by_part_of_its_name_in_another_language_is_widened_and_said(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A review: "National Disarmament Act" (an alias) found Brazil's Estatuto do Desarmamento, and
    # "Disarmament Act" nothing: the widening read the stored (Portuguese) names only.
    from corpus import NewEntity, NewPassage, NewReport

    law = "Estatuto do Desarmamento"
    text = "O Estatuto do Desarmamento restringiu o porte de armas em 2003."
    passage = NewPassage(1, 1, 1, text, "pt", entities=[NewEntity("program", "Estatuto", law)])
    with Corpus.open(sqlite_url) as corpus:
        corpus.add_report(NewReport(uri="file:///armas.pdf", sha256="a" * 64, passages=[passage]))
    asked = ["--program", "Disarmament Act", "-f", "json"]
    code, out, err = run_cli(capsys, "passages", "--db", sqlite_url, *asked)
    assert code == 0 and [r["text"] for r in json.loads(out)] == [text]
    assert "no program is named 'Disarmament Act'" in err and law in err


def test_a_program_named_by_part_of_a_name_the_rules_found_is_widened_and_said(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The rules store "Programa contra Cultivos Ilícitos - DPCI" whole: `--program DPCI` found nothing.
    from corpus import NewEntity, NewPassage, NewReport

    dpci = "Programa contra Cultivos Ilícitos - DPCI"
    passages = [
        NewPassage(1, 1, 1, f"El {dpci} verificó la erradicación.", "es",
                   entities=[NewEntity("program", dpci, dpci)]),
        NewPassage(2, 1, 1, "El Plan Colombia financió helicópteros.", "es",
                   entities=[NewEntity("program", "Plan Colombia", "Plan Colombia")]),
    ]  # fmt: skip
    with Corpus.open(store_url) as corpus:
        corpus.add_report(NewReport(uri="file:///gme.pdf", sha256="d" * 64, passages=passages,
                                    tagger_version=TAGGED))  # fmt: skip
    for typed in ("DPCI", "programa contra cultivos ilicitos"):
        code, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", typed, "-f", "json")
        assert code == 0 and [r["text"] for r in json.loads(out)] == [passages[0].text]
        assert f"no program is named '{typed}'" in err and dpci in err
        _, out, _ = run_cli(capsys, "stats", "--db", store_url, "--by", "program", "--program", typed, "-f",
                        "json")
        assert json.loads(out) == [{"program": dpci, "count": 1}]
    # A name stored as asked for is not widened ("Plan" is part of "Plan Colombia" but a name of neither).
    code, out, err = run_cli(
        capsys, "passages", "--db", store_url, "--program", "Plan Colombia", "-f", "json"
    )
    assert len(json.loads(out)) == 1 and err == ""
    code, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", "Mano Dura", "-f", "json")
    assert json.loads(out) == [] and "no passage names a program 'Mano Dura'" in err
    assert "did you mean" not in err  # a name spelled right is not offered back (a code review)
    # A misspelled name says which it may be (a user review: --country did, --program did not).
    code, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", "Plan Colmbia", "-f", "json")
    assert json.loads(out) == []
    assert "no passage names a program 'Plan Colmbia'; did you mean 'Plan Colombia'?" in err
    # Each name on its own: one found as asked does not silence another widened (a code review).
    both = ["--program", "Plan Colombia", "--program", "DPCI"]
    _, out, err = run_cli(capsys, "passages", "--db", store_url, *both, "-f", "json")
    assert len(json.loads(out)) == 2 and "no program is named 'DPCI'" in err
    # Whole words, and only a name that can say something alone: two words or an acronym.
    with Corpus.open(store_url) as corpus:
        law = "Ley 19.913"
        corpus.add_report(NewReport(uri="file:///ley.pdf", sha256="e" * 64, tagger_version=TAGGED, passages=[
            NewPassage(1, 1, 1, f"La {law} tipificó el lavado de activos.", "es",
                       entities=[NewEntity("program", law, law)])]))  # fmt: skip
    for typed in ("Ley 19", "Plan", "contra", "Nacional", "Ley"):
        _, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", typed, "-f", "json")
        assert json.loads(out) == [] and f"no passage names a program '{typed}'" in err, typed
    # One word of its own widens too (a review: "Kingpin" found neither the Kingpin Act nor the strategy).
    _, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", "Cultivos", "-f", "json")
    assert [r["text"] for r in json.loads(out)] == [passages[0].text]
    assert "no program is named 'Cultivos'" in err and dpci in err
    # A word many programs' names hold asks for one of them, and a year widens to nothing (a code review:
    # "Security" listed CARSI and every other security programme, "2011" every law of that year).
    names = ["Plan de Seguridad Vial", "Ley de Seguridad Ciudadana", "Política de Seguridad Democrática",
             "Estrategia de Seguridad Rural", "Ley 1453 de 2011"]
    with Corpus.open(store_url) as corpus:
        corpus.add_report(NewReport(uri="file:///seg.pdf", sha256="f" * 64, tagger_version=TAGGED, passages=[
            NewPassage(i + 1, 1, 1, f"La {name}.", "es", entities=[NewEntity("program", name, name)])
            for i, name in enumerate(names)]))  # fmt: skip
    _, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", "Seguridad", "-f", "json")
    assert json.loads(out) == [] and "the names of 4 programs hold it" in err and "name one of them" in err
    _, out, err = run_cli(capsys, "passages", "--db", store_url, "--program", "2011", "-f", "json")
    assert json.loads(out) == [] and "no passage names a program '2011'" in err


@pytest.mark.usefixtures("wide_tables")
def test_reports_all_says_which_version_replaced_an_older_one(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from corpus import NewPassage, NewReport

    with Corpus.open(sqlite_url) as corpus:
        old = corpus.add_report(NewReport(uri="file:///plan.pdf", sha256="1" * 64, tagger_version=TAGGED,
                                          passages=[NewPassage(1, 1, 1, "First draft.", "en")]))
        new = corpus.add_report(NewReport(uri="file:///plan.pdf", sha256="2" * 64, tagger_version=TAGGED,
                                          passages=[NewPassage(1, 1, 1, "Final text.", "en")]))
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--all")
    assert f"ok (replaced by {new})" in out and out.count("replaced by") == 1
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--all", "-f", "json")
    rows = json.loads(out)
    assert {r["id"]: r["status"] for r in rows} == {old: "ok", new: "ok"}  # the contract's status
    # ... and a script tells the versions apart by "replaced_by", after the contract's fields.
    assert {r["id"]: r["replaced_by"] for r in rows} == {old: new, new: None}
    assert all(list(r) == [*REPORT_FIELDS, "replaced_by"] for r in rows)
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--all", "-f", "csv")
    header, *lines = out.splitlines()
    assert header.endswith(",replaced_by")
    assert sorted(line.rsplit(",", 1)[1] for line in lines) == ["", str(new)]
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "-f", "json")
    assert [list(r) for r in json.loads(out)] == [list(REPORT_FIELDS)]  # without --all: the contract's fields
    # Asked for by id, the older version's passages are shown, and said to be the older reading.
    for command in (("passages",), ("stats", "--by", "lang")):
        code, out, err = run_cli(capsys, *command, "--report", str(old), "--db", sqlite_url, "-f", "json")
        assert code == 0 and json.loads(out), err
        assert err.strip() == (
            f"note: report {old} was replaced by report {new} (a newer version at the same path or URL): "
            "these are its older passages, left out of queries without --report"
        )
        code, out, err = run_cli(capsys, *command, "--report", str(new), "--db", sqlite_url, "-f", "json")
        assert code == 0 and err == ""


def test_a_date_filter_says_how_many_passages_of_undated_reports_it_let_through(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A researcher's review: `passages --since 2026-06` listed 151 passages of undated articles (placed
    # on the day they were ingested), unsaid; `stats --by year` counts them under an empty year.
    import datetime as dt

    from corpus import NewPassage, NewReport

    with Corpus.open(sqlite_url) as corpus:
        for name, published in (("dated", dt.date(2012, 5, 1)), ("undated", None)):
            texts = [NewPassage(i, 1, 1, f"Police patrols in Honduras, part {i}.", "en") for i in (1, 2)]
            report = NewReport(uri=name, sha256=name[0] * 64, published=published, passages=texts,
                               tagger_version=TAGGED)  # fmt: skip
            corpus.add_report(report)
    code, out, err = run_cli(capsys, "passages", "--db", sqlite_url, "--since", "2010", "-f", "jsonl")
    assert code == 0 and len(out.splitlines()) == 4
    assert err.startswith("note: 2 of these passages come from undated reports, which --since/--until "
                          "place on the day they were ingested")
    code, out, err = run_cli(capsys, "stats", "--by", "lang", "--db", sqlite_url, "--until", "2015",
                             "-f", "csv")
    assert (code, out.splitlines(), err) == (0, ["lang,count", "en,2"], "")  # only the dated report's


def test_reports_takes_the_limit_its_note_names(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # An analyst with 382 reports was told "use --limit N" by `reports`, which had no --limit.
    from flows.cli.output import TABLE_DEFAULT_ROWS

    with Corpus.open(sqlite_url) as corpus:
        fill(corpus, n_reports=TABLE_DEFAULT_ROWS + 5, per_report=1, seed=3)
        current = [r.id for r in corpus.reports()]
    assert len(current) > TABLE_DEFAULT_ROWS
    code, _, err = run_cli(capsys, "reports", "--db", sqlite_url)
    assert code == 0 and f"showing the first {TABLE_DEFAULT_ROWS} rows; use --limit N" in err
    code, _, err = run_cli(capsys, "reports", "--db", sqlite_url, "--limit", str(len(current)))
    assert code == 0 and "showing the first" not in err
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "-n", "2", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == current[:2]
    _, out, _ = run_cli(capsys, "reports", "--db", sqlite_url, "--format", "jsonl")
    assert len(out.splitlines()) == len(current)


@pytest.mark.usefixtures("wide_tables")
def test_the_passages_table_shows_every_page_a_passage_is_on(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # An analyst citing a passage that runs over a page break saw only its first page in the table.
    with Corpus.open(sqlite_url) as corpus:
        passages = [
            NewPassage(1, 10, 11, "Police patrols in San Salvador ran over the page break.", "en"),
            NewPassage(2, 11, 11, "The next passage stays on one page.", "en"),
        ]
        corpus.add_report(NewReport(uri="file:///r.pdf", sha256="a" * 64, title="R", passages=passages))
    code, out, _ = run_cli(capsys, "passages", "--db", sqlite_url)
    pages = [line.split("│")[3].strip() for line in out.splitlines() if line.startswith("│ ")]
    assert code == 0 and pages == ["10-11", "11"]
    _, out, _ = run_cli(capsys, "passages", "--db", sqlite_url, "--format", "json")
    assert [(r["page_start"], r["page_end"]) for r in json.loads(out)] == [(10, 11), (11, 11)]


def test_passage_rows_give_labels_and_scores_in_the_taxonomys_order(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A researcher's review: `tag` wrote ["prevention", "enforcement"], `passages` ["enforcement",
    # "prevention"] for the same set, so label sets from the two did not compare as text.
    with Corpus.open(filled) as corpus:
        first = next(iter(corpus.passages(limit=1)))
        corpus.add_labels(first.id, ["transnational", "enforcement", "prevention"], annotator="ana")
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "--format", "json")
    rows = json.loads(out)
    labeled = next(r for r in rows if r["id"] == first.id)
    assert labeled["labels"] == ["prevention", "enforcement", "transnational"]
    assert all(list(r["scores"]) == ["prevention", "enforcement", "transnational"] for r in rows)
    order = {"prevention": 0, "enforcement": 1, "transnational": 2}
    assert all(r["labels"] == sorted(r["labels"], key=order.__getitem__) for r in rows)


def test_csv_gives_each_labels_score_a_column_to_sort_on(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # An analyst could not sort by prevention score in a spreadsheet: the three scores were one JSON cell.
    import csv
    import io

    _, out, _ = run_cli(capsys, "passages", "--db", filled, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    _, out, _ = run_cli(capsys, "passages", "--db", filled, "--format", "json")
    by_id = {row["id"]: row for row in json.loads(out)}
    assert list(rows[0])[-3:] == ["prevention_score", "enforcement_score", "transnational_score"]
    for row in rows:
        for label, score in by_id[int(row["id"])]["scores"].items():
            assert float(row[f"{label}_score"]) == score
    assert list(by_id[int(rows[0]["id"])]) == list(PASSAGE_FIELDS)  # JSON keeps the contract's fields


def test_lang_br_says_it_is_breton(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A Brazilian researcher typed --lang br for Brazil and got nothing, with no word why.
    for command in (["passages"], ["stats", "--by", "label"]):
        code, _, err = run_cli(capsys, *command, "--db", filled, "--lang", "br")
        assert code == 0 and "--lang br is Breton: Brazil is --country BR, Portuguese --lang pt" in err
        _, _, err = run_cli(capsys, *command, "--db", filled, "--lang", "fr", "--search", "zzzz")
        assert "Breton" not in err


def test_json_and_csv_rows_name_the_rule_that_left_a_passage_unlabeled(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table marked a reference list, a passage without a word of security and a table; JSON and CSV
    rows did not say why a passage whose scores pass a threshold has no label (an analyst's wish)."""
    crackdown = "Police raided the barrio at dawn and arrested twelve gang members, the prosecutor said."
    passages = [
        NewPassage(1, 1, 1, crackdown, "en"),
        NewPassage(2, 1, 1, "The pension reform raises the minimum pension by a fifth for retirees.", "en"),
        NewPassage(3, 2, 2, "Capturas 4.120 Allanamientos 388 Incautaciones 2.310 Extradiciones 12", "es",
                   kind="table"),
        NewPassage(4, 3, 3, "Dammert, L. (2012). Fear and Crime in Latin America. Routledge.", "en",
                   kind="reference"),
        NewPassage(5, 3, 3, crackdown, "en"),
    ]
    with Corpus.open(sqlite_url) as corpus:
        corpus.add_report(NewReport(uri="file:///r.pdf", sha256="e" * 64, title="R", passages=passages))
        last = max(p.id for p in corpus.passages())
        corpus.add_labels(last, [], annotator="ana")  # a person's "none" is the person's, not a rule's
    _, out, _ = run_cli(capsys, "passages", "--db", sqlite_url, "--format", "json")
    assert [row["no_label_rule"] for row in json.loads(out)] == [
        None, "no word of security", "table or listing", "reference list", None,
    ]
    _, out, _ = run_cli(capsys, "passages", "--db", sqlite_url, "--format", "csv")
    assert [row["no_label_rule"] for row in csv.DictReader(io.StringIO(out))] == [
        "", "no word of security", "table or listing", "reference list", "",
    ]
