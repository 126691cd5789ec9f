"""`citsec label export` -> `citsec label import` round trips: a line's own "annotator" is kept, a store's own
export imported back changes nothing, and a file from another store (which numbers the same passages
differently) finds its passages by their text. Real stores: B on SQLite and PostgreSQL, A a SQLite file."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from label_material import Material, label_history, write_label_file
from readings import COUNCILS, PORTS, reading, stored

from corpus import Corpus, NewPassage, NewReport

Cli = Callable[..., tuple[int, str, str]]

TREATY = "Colombia and the US signed an extradition treaty."


def _report(name: str, texts: list[str]) -> NewReport:
    passages = [NewPassage(i, 1, 1, text, "en") for i, text in enumerate(texts, 1)]
    return NewReport(uri=f"file:///{name}.pdf", sha256=name.encode().hex().ljust(64, "0"), title=name,
                     passages=passages)  # fmt: skip


def _exported(cli: Cli, url: str, *flags: str) -> list[dict[str, Any]]:
    code, out, err = cli("label", "export", *flags, "--db", url)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


# --- a: a line's annotator -------------------------------------------------------------------------------


def test_a_lines_annotator_is_kept_and_annotator_overrides_it(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    a, b, c = [row.id for row in filled.passages(limit=3)]
    path = write_label_file(tmp_path, [
        {"passage_id": a, "labels": ["enforcement"], "annotator": "ana"},
        {"passage_id": b, "labels": ["prevention"], "annotator": None},  # nobody named: kept as nobody
        {"passage_id": c, "labels": []},  # no field: the OS user, as before
        {"text": TREATY, "labels": ["enforcement", "transnational"], "annotator": "ben"},
    ])  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert (code, err) == (0, "imported 4 labels: 3 on stored passages, 1 free text\n")
    given = [filled.latest_labels(pid) for pid in (a, b, c)]
    assert [label.annotator for label in given if label] == ["ana", None, getpass.getuser()]
    assert [h.annotator for h in filled.text_label_history(TREATY)] == ["ben"]

    code, _, err = cli("label", "import", path, "--annotator", "lead", "--db", store_url)
    said = ("note: --annotator lead gave 2 lines naming another annotator (ana 1, ben 1) as lead's; without "
            "--annotator each line keeps its own\nimported 4 labels: 3 on stored passages, 1 free text\n")
    assert (code, err) == (0, said)
    assert {filled.latest_labels(pid).annotator for pid in (a, b, c)} == {"lead"}  # type: ignore[union-attr]
    assert [h.annotator for h in filled.text_label_history(TREATY)] == ["ben", "lead"]
    assert {h.origin for h in filled.label_history(a)} == {"import"}


# --- c: a store's own export imported back ---------------------------------------------------------------


def _labeled_by_hand(filled: Corpus, store_url: str, cli: Cli, tmp_path: Path) -> list[int]:
    """Labels as analysts give them: by hand (two annotators, a correction, a "none"), an imported file,
    and a free text."""
    a, b, c, d = [row.id for row in filled.passages(limit=4)]
    for args in (
        (str(a), "enforcement", "--annotator", "ana"),
        (str(a), "enforcement", "transnational", "--annotator", "ben"),  # a correction: history of two
        (str(b), "prevention", "--annotator", "ana"),
    ):
        assert cli("label", "add", *args, "--db", store_url)[0] == 0
    assert cli("label", "none", str(c), "--annotator", "ana", "--db", store_url)[0] == 0
    path = write_label_file(tmp_path, [{"passage_id": d, "labels": ["prevention"]},
                             {"text": TREATY, "labels": ["enforcement", "transnational"], "lang": "en"}],
                  name="given.jsonl")  # fmt: skip
    assert cli("label", "import", path, "--annotator", "gold-team", "--db", store_url)[0] == 0
    return [a, b, c, d]


@pytest.mark.parametrize("history", [False, True], ids=["in-force", "history"])
def test_a_stores_own_export_imported_back_adds_nothing(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path, history: bool
) -> None:
    _labeled_by_hand(filled, store_url, cli, tmp_path)
    flags = ("--history",) if history else ()
    rows = _exported(cli, store_url, *flags)
    assert {r["origin"] for r in rows} == {"human", "import"}
    before = label_history(filled)
    path = write_label_file(tmp_path, rows, name="export.jsonl")
    code, out, err = cli("label", "import", path, "--db", store_url)  # no --annotator: the lines' own
    assert (code, out) == (0, "")
    assert err == (
        f"imported 0 labels: 0 on stored passages, 0 free texts; {len(rows)} lines already current, "
        "left unchanged\n"
    )
    assert label_history(filled) == before
    assert _exported(cli, store_url, *flags) == rows


def test_a_line_restates_the_label_in_force_only_with_its_origin(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """ana's label by hand: a line with her labels and origin "human" is that label, and so is one without
    an origin (a team review: her own file imported again recorded each label again, as an import); with
    another origin it is a new label, stored with the line's origin."""
    a, b, c = [row.id for row in filled.passages(limit=3)]
    for pid in (a, b, c):
        filled.add_labels(pid, ["prevention"], annotator="ana")
    path = write_label_file(tmp_path, [
        {"passage_id": a, "labels": ["prevention"], "annotator": "ana", "origin": "human"},
        {"passage_id": b, "labels": ["prevention"], "annotator": "ana"},
        {"passage_id": c, "labels": ["prevention"], "annotator": "ana", "origin": "gold"},
    ])  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert (code, err) == (
        0, "imported 1 label: 1 on stored passage, 0 free texts; 2 lines already current, left unchanged\n"
    )  # fmt: skip
    assert [[h.origin for h in filled.label_history(pid)] for pid in (a, b, c)] == [
        ["human"], ["human"], ["human", "gold"]
    ]  # fmt: skip
    code, _, err = cli("label", "import", path, "--db", store_url)  # b and c now hold what the file says
    assert (code, err) == (
        0, "imported 0 labels: 0 on stored passages, 0 free texts; 3 lines already current, left unchanged\n"
    )  # fmt: skip


def test_an_export_holding_labels_carried_to_a_new_reading_imports_back_unchanged(
    store: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """A label carried over when the report was read again is a copy; the export line restating it (its
    annotator and origin) is that copy, not a person's new label on the new passage."""
    _, (old_ports, old_councils) = stored(store, reading("1.0", (PORTS, COUNCILS)))
    store.add_labels(old_ports, ["enforcement", "transnational"], annotator="ana")
    store.add_labels(old_councils, ["prevention"], annotator="ana")
    _, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    assert store.label_history(new_ports)[0].labels == ["enforcement", "transnational"]
    before = label_history(store)
    for flags in ((), ("--history",)):
        rows = _exported(cli, store_url, *flags)
        assert rows and all(r["annotator"] == "ana" for r in rows)
        code, _, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
        assert (code, err) == (
            0, f"imported 0 labels: 0 on stored passages, 0 free texts; {len(rows)} lines already current, "
            "left unchanged\n"
        )  # fmt: skip
        assert label_history(store) == before


def test_a_store_is_not_scanned_when_every_id_holds_its_text(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _labeled_by_hand(filled, store_url, cli, tmp_path)
    rows = _exported(cli, store_url, "--history")

    def scanned(self: Corpus, texts: Any) -> Any:
        raise AssertionError("the store was scanned for texts")

    monkeypatch.setattr(Corpus, "passages_with_text", scanned)
    code, _, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert code == 0 and "already current" in err, err


# --- b, d: labels moving between two stores that number passages differently -------------------------


class TwoStores(NamedTuple):
    a: Corpus
    a_url: str
    b: Corpus
    x: list[str]  # only in A
    r1: list[str]
    r2: list[str]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def two_stores(store: Corpus, material: Material, tmp_path: Path) -> Iterator[TwoStores]:
    """Store A (a SQLite file): reports X, R1, R2. Store B (`store`): R2, R1 (its lines broken elsewhere:
    the same words all the same) and R3, which repeats R1's first paragraph. So A's ids of R1 are ids B
    holds with other texts, and A's ids of R2 are ids B does not have."""
    texts = [p.text for p in material.stored]
    x, r1, r2 = texts[:8], texts[8:14], texts[14:20]
    a_url = f"sqlite:///{tmp_path / 'a.db'}"
    a = Corpus.open(a_url)
    for name, report in (("x", x), ("r1", r1), ("r2", r2)):
        a.add_report(_report(name, report))
    for name, report in (("r2", r2), ("r1", [t.replace(" ", "\n", 3) for t in r1]), ("r3", [r1[0]])):
        store.add_report(_report(name, report))
    try:
        yield TwoStores(a, a_url, store, x, r1, r2)
    finally:
        a.close()


def _first_id(store: Corpus, text: str) -> int:
    return min(_ids_by_words(store)[_words(text)])


def _ids_by_words(store: Corpus) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for row in store.passages():
        ids.setdefault(_words(row.text), []).append(row.id)
    return ids


def _labels_by_words(rows: list[dict[str, Any]]) -> list[tuple[str, tuple[str, ...], str | None]]:
    """What an export says, store ids, origins and line breaks left out: each text's labels and annotator
    (a text B holds twice once)."""
    return sorted({(_words(r["text"]), tuple(r["labels"]), r["annotator"]) for r in rows})


def test_labels_move_between_stores_that_number_passages_differently(
    two_stores: TwoStores, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    a, b, r1, r2 = two_stores.a, two_stores.b, two_stores.r1, two_stores.r2
    a.add_labels(_first_id(a, r1[0]), ["prevention"], annotator="ana")  # the paragraph B holds twice
    a.add_labels(_first_id(a, r1[1]), ["enforcement"], annotator="ana")
    a.add_labels(_first_id(a, r2[0]), ["transnational"], annotator="ben")
    a.add_labels(_first_id(a, r2[1]), [], annotator="ben")
    a.add_text_labels(TREATY, ["enforcement", "transnational"], lang="en", annotator="gold-team")
    exported = _exported(cli, two_stores.a_url)
    in_b = _ids_by_words(b)
    assert not any(r["passage_id"] in in_b[_words(r["text"])] for r in exported[:4])  # ids differ

    path = write_label_file(tmp_path, exported)
    code, out, err = cli("label", "import", path, "--db", store_url)
    assert (code, out) == (0, "")
    assert err == "imported 5 labels: 4 on stored passages, 1 free text; 4 re-attached by text\n"
    # The paragraph B holds twice goes to R1's copy, the one the line names by report and position; R3's
    # copy is another report's passage, which nobody labeled.
    in_r1, in_r3 = in_b[_words(r1[0])]
    assert [h.labels for h in b.label_history(in_r1)] == [["prevention"]]
    assert b.label_history(in_r3) == []
    # A person's label in A is a person's label in B (the line's origin), so the export of B imports back
    # into A as what A holds (a user review: every hand label was recorded again there, as "import").
    assert {h.origin for pid in in_b[_words(r2[0])] for h in b.label_history(pid)} == {"human"}
    assert _labels_by_words(_exported(cli, store_url)) == _labels_by_words(exported)
    back = write_label_file(tmp_path, _exported(cli, store_url), "back.jsonl")
    code, _, err = cli("label", "import", back, "--db", two_stores.a_url)
    assert code == 0 and err.startswith("imported 0 labels"), err

    before = label_history(b)
    code, _, err = cli("label", "import", path, "--db", store_url)  # the same file again: nothing new
    assert (code, err) == (
        0, "imported 0 labels: 0 on stored passages, 0 free texts; 5 lines already current, left unchanged\n"
    )  # fmt: skip (a team review: "4 re-attached by text" on an import that imported nothing misled)
    assert label_history(b) == before


def test_an_older_export_whose_text_two_reports_hold_is_refused(
    two_stores: TwoStores, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """A file without "report_sha256" and "seq" (an export from before they were written): the paragraph
    B holds in R1 and R3 cannot be placed, and nothing is imported."""
    a, b, r1 = two_stores.a, two_stores.b, two_stores.r1
    a.add_labels(_first_id(a, r1[1]), ["enforcement"], annotator="ana")
    a.add_labels(_first_id(a, r1[0]), ["prevention"], annotator="ana")
    rows = [{k: v for k, v in r.items() if k not in ("report_sha256", "seq")}
            for r in _exported(cli, two_stores.a_url)]  # fmt: skip
    code, out, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert (code, out) == (2, "")
    assert err == (
        "error: labels.jsonl:2: 2 reports hold this text, and the line does not say which (its passage_id "
        "may be another store's): a file from `citsec label export`, which names the report, places it\n"
    )
    assert b.count_labels() == 0


def test_an_export_with_history_rebuilds_the_labels_in_force_in_another_store(
    two_stores: TwoStores, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    a, b, r1, r2 = two_stores.a, two_stores.b, two_stores.r1, two_stores.r2
    a.add_labels(_first_id(a, r1[1]), ["enforcement"], annotator="ana")
    a.add_labels(_first_id(a, r1[1]), ["enforcement", "transnational"], annotator="ben")  # ben corrects ana
    a.add_labels(_first_id(a, r2[2]), ["prevention"], annotator="ben")
    a.add_labels(_first_id(a, r2[2]), ["prevention"], annotator="ana")  # ana agrees: in force, from her
    a.add_text_labels(TREATY, ["enforcement"], lang="en", annotator="gold-team")
    a.add_text_labels(TREATY, ["enforcement", "transnational"], lang="en", annotator=None)
    history = _exported(cli, two_stores.a_url, "--history")
    assert len(history) == 6

    code, _, err = cli("label", "import", write_label_file(tmp_path, history), "--db", store_url)
    assert (code, err) == (
        0, "imported 6 labels: 4 on stored passages, 2 free texts; 4 re-attached by text\n"
    )  # fmt: skip
    assert _labels_by_words(_exported(cli, store_url)) == _labels_by_words(_exported(cli, two_stores.a_url))
    assert [(h.labels, h.annotator) for h in b.label_history(_first_id(b, r2[2]))] == [
        (["prevention"], "ben"), (["prevention"], "ana")
    ]  # fmt: skip


def test_a_line_whose_text_no_passage_holds_refuses_the_file(
    two_stores: TwoStores, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    a, b = two_stores.a, two_stores.b
    a.add_labels(_first_id(a, two_stores.r1[1]), ["enforcement"], annotator="ana")
    a.add_labels(_first_id(a, two_stores.x[0]), ["prevention"], annotator="ana")  # X: B has its id, not it
    rows = _exported(cli, two_stores.a_url)
    code, out, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert (code, out) == (2, "")
    assert err == (
        f"error: labels.jsonl:2: passage {rows[1]['passage_id']} in the store has a different text, and the "
        f"report the line names (sha256 {rows[1]['report_sha256'][:12]}…) is not in this store: ingest that "
        "report here first, then import the file again\n"
    )
    assert b.count_labels() == 0  # line 1 would have been re-attached: nothing is imported

    del rows[1]["passage_id"]  # or, without its place, a free text example
    code, _, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert (code, err) == (0, "imported 2 labels: 1 on stored passage, 1 free text; 1 re-attached by text\n")
