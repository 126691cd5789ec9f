"""`citsec db retag`: stored passages get this version's countries and programs; labels and scores stay."""

from __future__ import annotations

import json

import pytest
from cli_runner import run_cli

from corpus import Corpus, NewEntity, NewPassage, NewReport, PassageFilter
from flows.retag import retag_store
from models.labels import LABELS

TEXTS = [
    "Plan Colombia paid for helicopters that the Colombian army flew against coca growers in Putumayo.",
    "Mexico and the United States renewed the Merida Initiative after a decade of joint operations.",
    "Homicide rates fell in the region during the decade, according to the national statistics office.",
]


def _stale_store(db_url: str) -> list[int]:
    """A report stored as an older citsec might have: the first passage tagged Brazil and a program that
    is not there, the second with no tags at all, the third (no country, no program) right."""
    stale = [
        (NewEntity("country", "Brasil", "BR", 0, 6), NewEntity("program", "Fica Vivo", "Fica Vivo", 0, 9)),
        (),
        (),
    ]
    passages = [
        NewPassage(seq, 1, 1, text, lang="en", entities=entities)
        for seq, (text, entities) in enumerate(zip(TEXTS, stale, strict=True))
    ]
    with Corpus.open(db_url) as corpus:
        report = corpus.add_report(NewReport(uri="file:///old.pdf", sha256="e" * 64, passages=passages))
        ids = [row.id for row in corpus.passages(PassageFilter(report_id=report))]
        corpus.add_labels(ids[0], ["enforcement", "transnational"], annotator="ana")
    return ids


def test_retag_replaces_stale_tags_and_keeps_labels(db_url: str) -> None:
    ids = _stale_store(db_url)
    with Corpus.open(db_url) as corpus:
        before = {row.id: row for row in corpus.passages(PassageFilter())}
        changes = retag_store(corpus)
        after = {row.id: row for row in corpus.passages(PassageFilter())}
        again = retag_store(corpus)
    assert (changes.passages, changes.added, changes.removed) == (
        2, {"country": 3, "program": 2, "place": 1}, {"country": 1, "program": 1}
    )  # place: Putumayo
    assert (after[ids[0]].countries, after[ids[0]].programs) == (["CO"], ["Plan Colombia"])
    assert (after[ids[1]].countries, after[ids[1]].programs) == (["MX", "US"], ["Merida Initiative"])
    assert after[ids[2]].countries == [] and after[ids[2]].programs == []
    for pid in ids:  # a person's label and the model's scores are not the tagger's business
        assert (after[pid].labels, after[pid].scores) == (before[pid].labels, before[pid].scores)
    assert after[ids[0]].label_origin == "human"
    assert (again.passages, again.added, again.removed) == (0, {}, {})  # nothing changes twice


def test_retag_command_prints_what_changed(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _stale_store(db_url)
    code, out, err = run_cli(capsys, "db", "retag", "--db", db_url)
    assert code == 0, err
    assert out == "re-tagged 3 passages: 2 changed (country +3 -1, place +1 -0, program +2 -1)\n"
    with Corpus.open(db_url) as corpus:
        assert corpus.count_passages(PassageFilter(countries=("BR",))) == 0
        assert corpus.count_passages(PassageFilter(programs=("Plan Colombia",))) == 1


def test_retag_refuses_a_missing_store(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "db", "retag", "--db", str(tmp_path / "nothing.db"))
    assert code == 2 and "no store at" in err


def test_reclassify_command_relabels_stored_passages_by_this_versions_rules(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Predictions stored as an older citsec gave them: every passage prevention, the pension passage (no
    # word of security) included. The promoted model labels them again, and gives that one none; the
    # person's label on the first passage stays.
    from models.registry import load_model

    ids = _stale_store(db_url)
    pensions = "The reform raises the minimum pension by a fifth and lets retirees draw on their homes."
    with Corpus.open(db_url) as corpus:
        model = load_model(corpus)
        report = corpus.add_report(NewReport(uri="file:///programme.pdf", sha256="f" * 64,
                                             passages=[NewPassage(0, 1, 1, pensions, lang="en")]))
        stale = [row.id for row in corpus.passages(PassageFilter(report_id=report))]
        corpus.add_predictions(model.version, [
            (pid, label, 0.9, label == "prevention") for pid in ids + stale for label in LABELS
        ])
    code, out, err = run_cli(capsys, "db", "reclassify", "--db", db_url)
    assert code == 0, err
    expected = model.predict(TEXTS, reports=["old"] * 3)
    changed = 1 + sum(sorted(p.labels) != ["prevention"] for p in expected[1:])
    assert out == f"re-classified 4 passages with {model.version}: {changed} changed their labels\n"
    with Corpus.open(db_url) as corpus:
        rows = {row.id: row for row in corpus.passages(PassageFilter())}
    assert rows[stale[0]].labels == [] and rows[stale[0]].scores["prevention"] != 0.9
    assert rows[ids[0]].labels == ["enforcement", "transnational"] and rows[ids[0]].label_origin == "human"
    assert [sorted(rows[pid].labels) for pid in ids[1:]] == [sorted(p.labels) for p in expected[1:]]
    # The table says why the pension passage has no label, and so does JSON, in a field of its own.
    from flows.cli.common import out_console

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(out_console, "width", 240)
        _, out, _ = run_cli(capsys, "passages", "--report", str(report), "--db", db_url)
    assert "(no word of security)" in out
    _, out, _ = run_cli(capsys, "passages", "--report", str(report), "--db", db_url, "--format", "json")
    assert [(row["labels"], row["no_label_rule"]) for row in json.loads(out)] == [([], "no word of security")]
    _, out, _ = run_cli(capsys, "db", "reclassify", "--db", db_url)  # nothing is left to change
    assert out.endswith(": 0 changed their labels\n")


def test_reclassify_refuses_a_promoted_model_this_citsec_does_not_have(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'placeholder.db'}"
    with Corpus.open(url) as corpus:  # an ingest by another release stored its built-in model's predictions
        report = corpus.add_report(NewReport(uri="file:///a.pdf", sha256="a" * 64,
                                             passages=[NewPassage(0, 1, 1, TEXTS[0], lang="en")]))
        [pid] = [row.id for row in corpus.passages(PassageFilter(report_id=report))]
        corpus.add_predictions("seed-deadbeef", [(pid, label, 0.9, True) for label in LABELS])
    code, _, err = run_cli(capsys, "db", "reclassify", "--db", url)
    assert code == 2 and "seed-deadbeef is not available" in err


def test_reclassify_without_a_promoted_model_is_one_line_error(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Corpus.open(url).close()
    code, _, err = run_cli(capsys, "db", "reclassify", "--db", url)
    assert code == 2 and "no promoted model" in err
