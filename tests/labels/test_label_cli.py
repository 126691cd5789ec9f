"""`citsec label add|none|import|export|queue` and `citsec retrain` argument checks, end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus import Corpus, PassageFilter
from models.retrain import human_examples

Cli = Callable[..., tuple[int, str, str]]


def _write(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_add_supersedes_and_keeps_history(filled: Corpus, store_url: str, cli: Cli) -> None:
    pid = next(filled.passages()).id
    code, out, err = cli("label", "add", str(pid), "enforcement", "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, "") and "enforcement" in out
    code, out, err = cli("label", "add", str(pid), "prevention", "transnational", "--annotator", "ben",
                         "--db", store_url)  # fmt: skip
    assert code == 0, err
    # Another person's label replaced: said, with whose and when (two people correcting one passage).
    given = filled.label_history(pid)[0].created_at.strftime("%Y-%m-%d %H:%M UTC")
    assert err.strip() == (f"note: this replaces the label ana gave passage {pid} on {given} (enforcement); "
                           "it stays in the passage's label history")  # fmt: skip
    assert filled.passage(pid).labels == ["prevention", "transnational"]
    history = filled.label_history(pid)
    assert [(h.labels, h.annotator, h.origin) for h in history] == [
        (["enforcement"], "ana", "human"),
        (["prevention", "transnational"], "ben", "human"),
    ]
    assert history[0].created_at <= history[1].created_at
    code, out, err = cli("label", "none", str(pid), "--annotator", "ben", "--db", store_url)
    assert (code, err) == (0, "")  # ben's own label corrected: nobody else's replaced
    code, out, err = cli("label", "none", str(pid), "--db", store_url)
    assert code == 0 and filled.passage(pid).labels == [] and filled.passage(pid).label_origin == "human"
    assert filled.latest_labels(pid).annotator  # type: ignore[union-attr]  # the OS user by default

    code, out, _ = cli("label", "export", "--history", "--db", store_url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["labels"] for r in rows] == [["enforcement"], ["prevention", "transnational"], [], []]
    assert {r["passage_id"] for r in rows} == {pid} and all(r["text"] for r in rows)
    code, out, _ = cli("label", "export", "--db", store_url)
    assert [json.loads(line)["labels"] for line in out.splitlines()] == [[]]  # only the label in force


BAD_LINES = [
    ('{"passage_id": PID, "labels": ["prevention"]', "not valid JSON"),
    ('{"passage_id": PID, "labels": ["diplomacy"]}', "unknown label 'diplomacy'"),
    ('{"passage_id": 999999, "labels": []}', "no passage with id 999999"),
    ('{"passage_id": "PID", "labels": []}', '"passage_id" must be a positive integer'),
    ('{"labels": ["prevention"]}', 'needs "passage_id"'),
    ('{"text": "Some text."}', 'missing "labels"'),
    ('{"text": "Some text.", "labels": "prevention"}', '"labels" must be a list'),
    ('{"passage_id": PID, "text": "Not the stored text.", "labels": []}',
     'has a different text, and no stored passage has this text (remove "passage_id" to import it as a free'),
    ('{"passage_id": 999999, "text": "Not the stored text.", "labels": []}',
     "no passage with id 999999 in the store, and no stored passage has this text"),
    ('{"text": "Some text.", "labels": [], "annotator": 7}',
     '"annotator" must be a name (a string of 1 to 200 characters) or null'),
    ('{"text": "Some text.", "labels": [], "annotator": " "}', '"annotator" must be a name'),
    ('{"text": "Some text.", "labels": [], "annotator": "' + "a" * 201 + '"}', '"annotator" must be a name'),
    ('{"text": "Some text.", "labels": [], "annotator": "ana \\udc00"}', '"annotator" must be a name'),
    ('{"passage_id": PID, "labels": [], "origin": "model"}',
     '"origin" must be one of human, gold, import, seed, or null'),
    ('{"passage_id": PID, "labels": [], "origin": ["human"]}', '"origin" must be one of'),
    ('{"text": "Some text.", "labels": [], "lang": "portuguese"}',
     '"lang": malformed language code \'portuguese\': expected ISO 639-1'),
    ('{"text": "Some text.", "labels": [], "lang": "xx"}', '"lang": unknown language code \'xx\''),
    ('["prevention"]', "expected a JSON object"),
    ('{"text": "Mexico \\udc00 raids", "labels": []}', '"text" is not valid Unicode (unpaired surrogate'),
]


def test_a_bad_line_names_itself_and_imports_nothing(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    first = next(filled.passages())
    good = json.dumps({"passage_id": first.id, "labels": ["prevention"]})
    text_line = '{"text": "A youth centre opened.", "labels": ["prevention"]}'
    for bad_line, message in BAD_LINES:
        path = _write(tmp_path, good, text_line, "", bad_line.replace("PID", str(first.id)))
        code, out, err = cli("label", "import", path, "--db", store_url)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "labels.jsonl:4" in err and message in err, err
        assert filled.count_labels() == 0 and filled.label_history(first.id) == []


def test_every_bad_line_of_a_file_is_listed_at_once(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A review: a file with four bad lines took four runs to fix, each naming only the first bad line.
    good = '{"text": "A youth centre opened.", "labels": ["prevention"]}'
    bad = ['{"text": "x", "labels": ["diplomacy"]}', "{not json", '{"text": "y", "labels": "prevention"}']
    path = _write(tmp_path, good, bad[0], good, bad[1], bad[2])
    code, out, err = cli("label", "import", path, "--db", store_url)
    assert code == 2 and out == "" and filled.count_labels() == 0
    assert "labels.jsonl: 3 bad lines, nothing imported:" in err
    for number, message in [(2, "unknown label 'diplomacy'"), (4, "not valid JSON"), (5, '"labels" must be')]:
        assert f"labels.jsonl:{number}: {message}" in err, err
    # Lines naming passages the store does not hold, each listed at once too (a review of the above).
    ids = (99999, 88888)
    unknown = [json.dumps({"passage_id": pid, "text": f"Text {pid}.", "labels": []}) for pid in ids]
    code, out, err = cli("label", "import", _write(tmp_path, good, *unknown), "--db", store_url)
    assert code == 2 and "labels.jsonl: 2 bad lines, nothing imported:" in err and filled.count_labels() == 0
    assert "labels.jsonl:2: no passage with id 99999" in err
    assert "labels.jsonl:3: no passage with id 88888" in err
    path = _write(tmp_path, *[bad[1]] * 25)
    code, out, err = cli("label", "import", path, "--db", store_url)
    assert code == 2 and "25 bad lines" in err and "... and 5 more" in err
    assert err.count("not valid JSON") == 20


def test_import_passages_and_texts_then_export_round_trip(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    a, b = [row.id for row in filled.passages(limit=2)]
    path = _write(
        tmp_path,
        json.dumps({"passage_id": a, "labels": ["Enforcement"]}),
        json.dumps({"passage_id": b, "labels": []}),
        json.dumps({"text": "Colombia and the US signed an extradition treaty.", "labels":
                    ["enforcement", "transnational"], "lang": "en"}),
    )  # fmt: skip
    code, out, err = cli("label", "import", path, "--annotator", "gold-team", "--db", store_url)
    assert code == 0 and "imported 3 labels: 2 on stored passages, 1 free text" in err
    assert filled.passage(a).labels == ["enforcement"] and filled.passage(b).labels == []
    assert {h.origin for h in filled.label_history(a)} == {"import"}
    code, out, _ = cli("label", "export", "--db", store_url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["passage_id"], r["labels"], r["annotator"]) for r in rows] == [
        (a, ["enforcement"], "gold-team"),
        (b, [], "gold-team"),
        (None, ["enforcement", "transnational"], "gold-team"),
    ]
    # An export imports back into the same store unchanged (passage ids and texts agree).
    again = tmp_path / "again.jsonl"
    again.write_text(out, encoding="utf-8")
    code, _, err = cli("label", "import", str(again), "--annotator", "ben", "--db", store_url)
    assert code == 0, err
    # Importing again as another annotator adds to the history (as the same one it adds nothing:
    # test_label_reimport.py); the labels in force stay the same three.
    assert [(e.text[:8], e.labels) for e in human_examples(filled.labeled_examples())] == [
        (filled.passage(a).text[:8], ("enforcement",)),
        (filled.passage(b).text[:8], ()),
        ("Colombia", ("enforcement", "transnational")),
    ]
    # ... and so do the export and the count: a text imported twice is one example, its history two labels
    code, out, _ = cli("label", "export", "--db", store_url)
    assert len(out.splitlines()) == 3 and filled.count_labels() == 3
    code, out, _ = cli("label", "export", "--history", "--db", store_url)
    texts = [json.loads(line) for line in out.splitlines() if json.loads(line)["passage_id"] is None]
    assert [r["labels"] for r in texts] == [["enforcement", "transnational"]] * 2


def test_add_rejects_unknown_labels_and_passages(filled: Corpus, store_url: str, cli: Cli) -> None:
    pid = next(filled.passages()).id
    code, _, err = cli("label", "add", str(pid), "diplomacy", "--db", store_url)
    assert code == 2 and "unknown label 'diplomacy'" in err
    code, _, err = cli("label", "add", "999999", "prevention", "--db", store_url)
    assert code == 2 and "no passage with id 999999" in err
    code, _, err = cli("label", "add", str(pid), "none", "prevention", "--db", store_url)
    assert code == 2 and "'none'" in err
    assert filled.count_labels() == 0
    code, _, err = cli("passages", "--label", "crime", "--db", store_url)
    assert code == 2 and "expected one of prevention, enforcement, transnational or none" in err


def test_an_annotator_the_store_cannot_hold_is_refused_before_anything_is_written(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # PostgreSQL's labels.annotator holds 200 characters: a longer --annotator was a database traceback.
    pid = next(filled.passages()).id
    lines = tmp_path / "labels.jsonl"
    lines.write_text(json.dumps({"passage_id": pid, "labels": ["prevention"]}) + "\n")
    for argv in (["add", str(pid), "prevention"], ["none", str(pid)], ["import", str(lines)]):
        for name, said in (("x" * 201, "at most 200 characters, got 201"), ("  ", "not blank")):
            code, out, err = cli("label", *argv, "--annotator", name, "--db", store_url)
            assert code == 2 and out == "" and said in err and "Traceback" not in err
    assert filled.count_labels() == 0
    code, _, err = cli("label", "add", str(pid), "prevention", "--annotator", "y" * 200, "--db", store_url)
    assert code == 0, err
    latest = filled.latest_labels(pid)
    assert latest is not None and latest.annotator == "y" * 200


def test_none_alone_in_an_import_means_no_strategy(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    first = next(filled.passages())
    path = _write(tmp_path, json.dumps({"passage_id": first.id, "labels": ["none"]}),
                  json.dumps({"text": "Coffee exports grew.", "labels": ["None"]}))  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert code == 0, err
    assert filled.passage(first.id).labels == [] and filled.passage(first.id).label_origin == "human"
    assert [row.labels for row in filled.labeled_examples()] == [[], []]
    mixed = _write(tmp_path, json.dumps({"passage_id": first.id, "labels": ["none", "prevention"]}))
    code, _, err = cli("label", "import", mixed, "--db", store_url)
    assert code == 2 and "labels.jsonl:1" in err and "'none' means no strategy" in err


def test_queue_never_shows_labeled_passages(filled: Corpus, store_url: str, cli: Cli) -> None:
    ids = [row.id for row in filled.passages()]
    code, out, err = cli("label", "queue", "--n", "5", "--format", "json", "--db", store_url)
    assert code == 0, err
    first = json.loads(out)
    assert len(first) == 5
    assert all(row["uncertainty"] == round(row["uncertainty"], 4) for row in first)  # as scores are
    for row in first:  # a person labels what the queue offered...
        filled.add_labels(row["id"], row["labels"])
    code, out, _ = cli("label", "queue", "--n", str(len(ids)), "--format", "json", "--db", store_url)
    rest = json.loads(out)
    # ...and it is never offered again; everything else still is.
    assert {r["id"] for r in rest} == set(ids) - {r["id"] for r in first}
    assert set(rest[0]) == {"id", "report_id", "report_title", "page_start", "page_end", "lang",
                            "uncertainty", "labels", "scores", "text"}  # fmt: skip


def test_queue_spreads_over_reports_and_languages(filled: Corpus, store_url: str, cli: Cli) -> None:
    reports = {row.report_id for row in filled.passages()}
    langs = {row.lang for row in filled.passages()}
    code, out, _ = cli("label", "queue", "--n", str(len(reports)), "--format", "json", "--db", store_url)
    rows = json.loads(out)
    assert {r["report_id"] for r in rows} == reports  # one per report before any report gives two
    assert {r["lang"] for r in rows[: len(langs)]} == langs  # languages take turns


def test_queue_narrows_to_a_language_or_a_report(filled: Corpus, store_url: str, cli: Cli) -> None:
    rows = list(filled.passages())
    spanish = {row.id for row in rows if row.lang == "es"}
    report = rows[0].report_id
    code, out, err = cli("label", "queue", "--n", "100", "--lang", "es", "-f", "json", "--db", store_url)
    assert code == 0, err
    assert {r["id"] for r in json.loads(out)} == spanish
    args = ("--n", "100", "--report", str(report), "-f", "json", "--db", store_url)
    code, out, err = cli("label", "queue", *args)
    assert code == 0, err
    assert {r["id"] for r in json.loads(out)} == {row.id for row in rows if row.report_id == report}
    code, _, err = cli("label", "queue", "--lang", "spanish", "--db", store_url)
    assert code == 2 and "malformed language" in err
    # Nothing to offer: an empty table says why (JSON stays an empty list).
    code, out, err = cli("label", "queue", "--lang", "fr", "--report", str(report), "--db", store_url)
    assert code == 0 and err.strip() == f"no unlabeled passages in language fr in report {report} to offer"
    code, out, err = cli("label", "queue", "--lang", "fr", "-f", "json", "--db", store_url)
    assert (code, json.loads(out), err) == (0, [], "")
    # A report a newer version replaced is said to be so, as `passages --report` says (a team review).
    from corpus import NewPassage, NewReport

    uri = filled.report(report).uri
    newer = filled.add_report(NewReport(uri=uri, sha256="9" * 64, passages=[
        NewPassage(1, 1, 1, "Police raided the port of Buenaventura and seized two tons of cocaine.", "en")]))
    code, out, err = cli("label", "queue", "--report", str(report), "-f", "json", "--db", store_url)
    assert code == 0 and json.loads(out)
    assert f"note: report {report} was replaced by report {newer}" in err


def test_queue_offers_tables_fragments_off_topic_passages_and_reference_lists_after_prose(
    filled: Corpus, store_url: str, cli: Cli
) -> None:
    from corpus import NewPassage, NewReport

    table = ("Homicides 2019 2020 2021 Honduras 3,482 3,482 3,500 (12.1) (11.9) 41.2 38.6 36.3 "
             "El Salvador 1,341 1.2")
    refs = ("Ramírez, A. (2019). Policing Reform in Honduras. Journal of Security Studies 14(2): 33-58. "
            "Torres, M. and Díaz, L. (2021). Mano Dura Revisited. Latin American Review 9: 101-127.")
    caption = "Table 4. Area of coca eradicated by hand, by department and municipality, phase IV"
    ocr = "22 telefonica ,; § = e 2s cobro de piso ."  # lower-case words, but a line of OCR, not a passage
    pensions = ("The reform raises the minimum pension by a fifth, lets retirees draw on the equity of their "
                "homes, and gives small firms three more years to enrol their workers in the new funds.")
    odd = [table, refs, caption, ocr, pensions]  # the last is prose, but never speaks of security
    passages = [NewPassage(i, i, i, text, "en") for i, text in enumerate(odd, start=1)]
    filled.add_report(NewReport(uri="file:///appendix.pdf", sha256="8" * 64, passages=passages))
    total = len(list(filled.passages()))
    code, out, err = cli("label", "queue", "--n", str(total), "-f", "json", "--db", store_url)
    assert code == 0, err
    texts = [r["text"] for r in json.loads(out)]
    assert len(texts) == total and set(texts[-len(odd):]) == set(odd)  # offered, but only after the rest


def test_retrain_rejects_an_unknown_policy(sqlite_url: str, cli: Cli) -> None:
    code, out, err = cli("retrain", "--promote", "sometimes", "--db", sqlite_url)
    assert code == 2 and out == "" and "sometimes" in err
    code, out, err = cli("retrain", "--format", "csv", "--db", sqlite_url)
    assert code == 2 and out == "" and "Invalid value for '--format'" in err and "'csv' is not one of" in err


def test_retrain_defaults_to_the_shipped_design() -> None:
    import inspect

    from flows.cli.retrain_cmd import retrain_command
    from models.training import SHIPPED_DESIGN

    assert inspect.signature(retrain_command).parameters["design"].default == SHIPPED_DESIGN


def test_evaluate_on_the_store_reads_labeled_passages_in_their_reports(
    filled: Corpus, store_url: str, cli: Cli
) -> None:
    from models.registry import load_model
    from models.retrain import report_texts, score, store_examples

    for row in filled.passages():
        filled.add_labels(row.id, ["prevention"], annotator="tester")
    code, out, err = cli("models", "evaluate", "--db", store_url, "--format", "json")
    assert code == 0, err
    printed = json.loads(out)
    examples = store_examples(filled)
    estimator = load_model(filled).estimator
    in_reports = score(estimator, examples, report_texts(filled, examples))
    alone = score(estimator, examples)
    assert in_reports is not None and alone is not None
    assert printed["macro_f1"] == in_reports.to_json()["macro_f1"] != alone.to_json()["macro_f1"]


def test_a_lines_language_is_stored_as_passages_are(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # "es-MX" and "spa" are Spanish: stored as "es", the code passages carry, so the label is one text's.
    path = _write(
        tmp_path,
        '{"text": "La policía detuvo a 40 pandilleros.", "labels": ["enforcement"], "lang": "es-MX"}',
        '{"text": "Abrió un centro juvenil en el barrio.", "labels": ["prevention"], "lang": "spa"}',
    )
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert code == 0, err
    code, out, _ = cli("label", "export", "--db", store_url)
    assert [json.loads(line)["lang"] for line in out.splitlines()] == ["es", "es"]


def test_a_label_file_with_a_byte_order_mark_imports(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # Saved by a Windows tool: the BOM made line 1 "not valid JSON (Unexpected UTF-8 BOM ...)".
    pid = next(filled.passages()).id
    path = tmp_path / "bom.jsonl"
    path.write_bytes(("\ufeff" + json.dumps({"passage_id": pid, "labels": ["prevention"]}) + "\r\n").encode())
    code, _, err = cli("label", "import", str(path), "--db", store_url)
    assert code == 0, err
    latest = filled.latest_labels(pid)
    assert latest is not None and latest.labels == ["prevention"]


def test_labels_of_stored_passages_into_a_mistyped_store_leave_no_store(tmp_path: Path, cli: Cli) -> None:
    typo = tmp_path / "typo.db"
    path = _write(tmp_path, '{"passage_id": 49, "labels": ["prevention"]}')
    code, out, err = cli("label", "import", path, "--db", str(typo))
    assert code == 2 and out == "" and f"no store at {typo}" in err
    assert not typo.exists()
    # Free texts alone may start a store (labels to retrain on before any report is ingested).
    texts = _write(tmp_path, '{"text": "Police raided the port.", "labels": ["enforcement"], "lang": "en"}')
    code, _, err = cli("label", "import", texts, "--db", str(typo))
    assert code == 0 and typo.exists(), err


def test_an_export_imported_after_a_correction_leaves_the_correction(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: Monday's export imported on Tuesday put ben's older label back over ana's correction,
    # dated as if ben had given it after her; labels moved to another store all took the import's time.
    import datetime as dt

    a, b = [row.id for row in filled.passages(limit=2)]
    filled.add_labels(a, ["prevention"], annotator="ben")
    filled.add_labels(b, ["prevention"], annotator="ben")
    _, monday, _ = cli("label", "export", "--db", store_url)
    filled.add_labels(a, ["enforcement"], annotator="ana")
    given = {json.loads(line)["passage_id"]: json.loads(line)["created_at"] for line in monday.splitlines()}
    later = (dt.datetime.fromisoformat(given[b]) + dt.timedelta(seconds=1)).isoformat()
    path = _write(tmp_path, *(line for line in monday.splitlines()),
                  json.dumps({"passage_id": b, "labels": ["transnational"], "annotator": "carla",
                              "created_at": later}))  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert code == 0, err
    assert "imported 1 label" in err and "1 line older than the label in force" in err
    assert filled.passage(a).labels == ["enforcement"]  # ana's correction stands
    newest = filled.latest_labels(b)
    assert newest is not None and newest.labels == ["transnational"] and newest.annotator == "carla"
    assert newest.created_at == dt.datetime.fromisoformat(later)  # the line's time, not the import's

    bad = _write(tmp_path, json.dumps({"passage_id": a, "labels": [], "created_at": "last Monday"}))
    code, _, err = cli("label", "import", bad, "--db", store_url)
    assert code == 2 and 'labels.jsonl:1: "created_at" must be a date and time' in err


def test_every_bad_line_is_named_at_once_whether_or_not_the_store_tells_it(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: an unknown passage id came out only once the file's format errors were fixed.
    pid = next(filled.passages()).id
    path = _write(tmp_path, json.dumps({"passage_id": 999999, "labels": []}),
                  json.dumps({"passage_id": pid, "labels": ["diplomacy"]}),
                  json.dumps({"passage_id": pid, "labels": ["prevention"]}))  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert code == 2 and err.splitlines() == [
        "error: labels.jsonl: 2 bad lines, nothing imported:",
        "  labels.jsonl:1: no passage with id 999999 in the store",
        "  labels.jsonl:2: unknown label 'diplomacy'; expected one of prevention, enforcement, transnational",
    ], err
    assert filled.count_labels() == 0
    # Without a store, the file's own mistakes still come first.
    code, _, err = cli("label", "import", path, "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 2 and "labels.jsonl:2: unknown label 'diplomacy'" in err and "no store" not in err, err
    # And a free text's language the store cannot take (a code review: it came a run later still).
    path = _write(tmp_path, json.dumps({"text": "Un texto.", "labels": [], "lang": "portuguese"}),
                  json.dumps({"passage_id": 999999, "labels": []}), "{not json")  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert code == 2 and [line.split(":")[1] for line in err.splitlines()[1:]] == ["1", "2", "3"], err
    assert 'labels.jsonl:1: "lang"' in err
    code, _, err = cli("label", "import", path, "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 2 and [line.split(":")[1] for line in err.splitlines()[1:]] == ["1", "3"], err


def test_a_line_whose_report_is_not_in_the_store_says_to_ingest_it_first(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: labels moved to a PostgreSQL store before their report was ingested there were told to
    # drop "passage_id" (and the link to their passage) rather than to ingest the report first.
    a, b = [row.id for row in filled.passages(limit=2)]
    line = {"passage_id": a, "labels": ["prevention"], "text": "A passage of a report this store lacks.",
            "report_sha256": "f" * 64, "seq": 3}  # fmt: skip
    code, _, err = cli("label", "import", _write(tmp_path, json.dumps(line)), "--db", store_url)
    assert code == 2 and (
        f"labels.jsonl:1: passage {a} in the store has a different text, and the report the line names "
        "(sha256 ffffffffffff…) is not in this store: ingest that report here first, then import the file "
        "again"
    ) in err, err
    held = filled.passage(b)  # its report is here: the usual advice
    line = {**line, "report_sha256": held.report_sha256, "seq": held.seq}
    code, _, err = cli("label", "import", _write(tmp_path, json.dumps(line)), "--db", store_url)
    assert code == 2 and 'remove "passage_id" to import it as a free text' in err, err


def test_a_line_without_an_origin_restating_a_label_by_hand_records_nothing(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: ben's own labels, given by hand, imported again from his file (no "origin") were
    # recorded again as imports, against the help's "same labels and annotator, and its origin if given".
    a, b = [row.id for row in filled.passages(limit=2)]
    filled.add_labels(a, ["enforcement"], annotator="ben")
    filled.add_text_labels("A free text ben labeled.", ["prevention"], lang="en", annotator="ben")
    path = _write(tmp_path, json.dumps({"passage_id": a, "labels": ["enforcement"]}),
                  json.dumps({"text": "A free text ben labeled.", "labels": ["prevention"], "lang": "en"}),
                  json.dumps({"passage_id": b, "labels": ["prevention"]}))  # fmt: skip
    code, _, err = cli("label", "import", path, "--annotator", "ben", "--db", store_url)
    assert code == 0 and "imported 1 label: 1 on stored passage, 0 free texts; 2 lines already current" in err
    assert [row.origin for row in filled.label_history(a)] == ["human"]
    # A line that says its origin is another route: recorded (an export from a store where it was imported).
    path = _write(tmp_path, json.dumps({"passage_id": a, "labels": ["enforcement"], "origin": "import"}))
    code, _, err = cli("label", "import", path, "--annotator", "ben", "--db", store_url)
    assert code == 0 and [row.origin for row in filled.label_history(a)] == ["human", "import"], err


def test_lines_of_one_file_count_in_the_order_they_were_given(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: two analysts' exports joined into one file, carla's 07:00 label listed before dan's
    # 06:00 one; the older label became the label in force (in two files it was left out as older).
    a, b = [row.id for row in filled.passages(limit=2)]
    path = _write(
        tmp_path,
        json.dumps({"passage_id": a, "labels": ["enforcement"], "annotator": "carla",
                    "created_at": "2026-03-02T07:00:00+00:00"}),
        json.dumps({"passage_id": b, "labels": ["transnational"], "annotator": "eva"}),  # no time: now
        json.dumps({"passage_id": a, "labels": ["prevention"], "annotator": "dan",
                    "created_at": "2026-03-02T06:00:00+00:00"}),
        json.dumps({"passage_id": b, "labels": ["prevention"], "annotator": "dan",
                    "created_at": "2026-03-02T06:00:00+00:00"}),
    )  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert code == 0, err
    assert [(row.annotator, row.labels) for row in filled.label_history(a)] == [
        ("dan", ["prevention"]), ("carla", ["enforcement"]),  # history oldest first, the newest in force
    ]
    assert filled.passage(a).labels == ["enforcement"]
    assert filled.passage(b).labels == ["transnational"]  # a line without a time was given now
    code, _, err = cli("label", "import", path, "--db", store_url)  # again: nothing changes
    assert code == 0 and "imported 0 labels" in err, err


def test_an_import_with_annotator_says_whose_lines_it_credits(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: a team's export imported with --annotator credited everyone's labels to one person
    # without a word (the same labels from another person replace nothing, so no note said it).
    a, b, c = [row.id for row in filled.passages(limit=3)]
    filled.add_labels(a, ["enforcement"], annotator="ana")
    filled.add_labels(b, ["prevention"], annotator="ana")
    filled.add_labels(c, ["transnational"], annotator="ben")
    _, export, _ = cli("label", "export", "--db", store_url)
    path = _write(tmp_path, *export.splitlines())
    code, _, err = cli("label", "import", path, "--annotator", "lead", "--db", store_url)
    assert code == 0, err
    assert "note: --annotator lead gave 3 lines naming another annotator (ana 2, ben 1) as lead's; without " \
           "--annotator each line keeps its own" in err
    assert filled.latest_labels(c).annotator == "lead"  # type: ignore[union-attr]  # as asked, but said
    code, _, err = cli("label", "import", path, "--db", store_url)  # each line's own annotator: no note
    assert code == 0 and "--annotator" not in err, err


def test_label_add_says_what_it_gave_and_who_labeled_after(
    filled: Corpus, store_url: str, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A team review: four people labeling one passage at once; `label add` printed the passage's labels
    # read back after the save, another person's, as if they were this one's.
    from flows.cli import label_cmd

    pid = next(filled.passages()).id
    by_hand = label_cmd._label_by_hand

    def and_then_ben(corpus: Corpus, passage_id: int, labels: list[str], annotator: str | None) -> bool:
        written = by_hand(corpus, passage_id, labels, annotator)
        corpus.add_labels(passage_id, ["enforcement"], annotator="ben")  # ben, a moment later
        return written

    monkeypatch.setattr(label_cmd, "_label_by_hand", and_then_ben)
    code, out, err = cli("label", "add", str(pid), "prevention", "--annotator", "ana", "--db", store_url)
    assert code == 0 and out.strip() == f"passage {pid}: prevention", (out, err)
    assert f"note: ben labeled passage {pid} enforcement at " in err and "that label is in force" in err
    monkeypatch.setattr(label_cmd, "_label_by_hand", by_hand)
    code, out, err = cli("label", "add", str(pid), "transnational", "--annotator", "ana", "--db", store_url)
    assert code == 0 and out.strip() == f"passage {pid}: transnational" and "labeled passage" not in err


def test_an_import_says_whose_different_labels_it_replaces(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A team review: `label add` said whose label it replaced, `label import` replaced them without a word.
    a, b, c = [row.id for row in filled.passages(limit=3)]
    filled.add_labels(a, ["enforcement"], annotator="ben")
    filled.add_labels(b, ["prevention"], annotator="ben")
    filled.add_labels(c, ["prevention"], annotator="carla")
    path = _write(tmp_path, json.dumps({"passage_id": a, "labels": ["prevention"]}),
                  json.dumps({"passage_id": b, "labels": ["prevention"]}),  # the same labels: agreement
                  json.dumps({"passage_id": c, "labels": ["transnational"]}))  # carla's own: her correction
    code, _, err = cli("label", "import", path, "--annotator", "carla", "--db", store_url)
    assert code == 0, err
    assert err.splitlines()[0] == (
        f"note: 1 label of this file replaces another person's (ben's on passage {a}); they stay in the "
        "label history"
    )
    code, _, err = cli("label", "import", path, "--annotator", "carla", "--db", store_url)  # again: nothing
    assert code == 0 and "note:" not in err


def test_a_label_on_an_older_reading_says_where_it_went(filled: Corpus, store_url: str, cli: Cli) -> None:
    # A team review: `label add` on a passage of a replaced report version said only "passage 371:
    # prevention", while the label came over to the newer reading's passage 417.
    from corpus import NewPassage, NewReport

    old = list(filled.passages(limit=2))
    report = filled.report(old[0].report_id)
    held = filled.passages(PassageFilter(report_id=report.id))
    same = [NewPassage(p.seq, 1, 1, p.text, p.lang) for p in held]
    newer = filled.add_report(NewReport(uri=report.uri, sha256="8" * 64, passages=same))
    twin = next(p.id for p in filled.passages(PassageFilter(report_id=newer)) if p.text == old[0].text)
    code, out, err = cli("label", "add", str(old[0].id), "prevention", "--db", store_url)
    assert code == 0, err
    assert err.strip() == (
        f"note: passage {old[0].id} is in report {report.id}, which report {newer} replaced (a newer version "
        f"at the same path or URL); its label came over to passage {twin} there"
    )
    assert filled.passage(twin).labels == ["prevention"]
    code, out, err = cli("label", "add", str(twin), "enforcement", "--db", store_url)  # the current reading
    assert code == 0 and "report" not in err


def test_label_times_that_cannot_be_right_are_refused_and_an_older_identical_line_hides_nothing(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # A code review: a newer line after an older, identical one was dropped with it; a time out of range
    # crashed; a time in the future would win over every later correction, at each re-import.
    import datetime as dt

    a = next(iter(filled.passages(limit=1))).id
    filled.add_labels(a, ["enforcement"], annotator="ana")
    at = filled.latest_labels(a).created_at  # type: ignore[union-attr]
    times = [(at + dt.timedelta(minutes=m)).isoformat() for m in (-60, 1)]  # before ana's, then after
    lines = [json.dumps({"passage_id": a, "labels": ["prevention"], "annotator": "ben", "created_at": t})
             for t in times]  # fmt: skip
    code, _, err = cli("label", "import", _write(tmp_path, *lines), "--db", store_url)
    assert code == 0 and "imported 1 label" in err, err
    assert filled.passage(a).labels == ["prevention"]
    wrong = (("0001-01-01T00:00:00+05:00", "out of range"), ("2999-01-01T00:00:00", "in the future"))
    for when, said in wrong:
        bad = _write(tmp_path, json.dumps({"passage_id": a, "labels": [], "created_at": when}))
        code, _, err = cli("label", "import", bad, "--db", store_url)
        assert code == 2 and f'labels.jsonl:1: "created_at" is {said}' in err, err
