"""Labels moving between stores when the same words stand in several reports ("Table 1" in every report):
`label export` names each labeled passage's report (sha256) and position (seq), and `label import` places
a line there, not on whatever passage its id or its words name. And the import's own guards: one
transaction for passage and free-text labels, NUL characters, languages stored by older releases, stdin
read as UTF-8, ids no store holds. On SQLite and PostgreSQL (store A is a SQLite file)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from label_material import label_history, write_label_file
from sqlalchemy import insert

from corpus import Corpus, CorpusError, NewPassage, NewReport
from corpus.schema import HumanLabel

Cli = Callable[..., tuple[int, str, str]]

TABLE = "Table 1"
A_TEXTS = ["Homicides fell in Medellin after the youth programme began.", TABLE, "Sources: police data."]
B_TEXTS = ["Mexico and the US agreed to share intelligence on cartels.", TABLE, "Sources: press reports."]


def _report(name: str, texts: list[str]) -> NewReport:
    passages = [NewPassage(i, 1, 1, text, "en") for i, text in enumerate(texts, 1)]
    return NewReport(uri=f"file:///{name}.pdf", sha256=name.encode().hex().ljust(64, "0"), title=name,
                     passages=passages)  # fmt: skip


def _exported(cli: Cli, url: str, *flags: str) -> list[dict[str, Any]]:
    code, out, err = cli("label", "export", *flags, "--db", url)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


class Swapped(NamedTuple):
    a: Corpus
    a_url: str
    b: Corpus
    in_a: dict[tuple[str, int], int]  # (report, seq) -> id in A
    in_b: dict[tuple[str, int], int]


def _ids(store: Corpus) -> dict[tuple[str, int], int]:
    """Each passage's id by (report title, position): passages() lists them in report and seq order."""
    by_report = {row.id: str(row.title) for row in store.reports()}
    ids: dict[tuple[str, int], int] = {}
    for row in store.passages():
        name = by_report[row.report_id]
        ids[(name, sum(key[0] == name for key in ids) + 1)] = row.id
    return ids


@pytest.fixture
def swapped(store: Corpus, tmp_path: Path) -> Iterator[Swapped]:
    """Store A holds reports a then b, store B (`store`) b then a: A's id of a's "Table 1" is B's id of
    b's "Table 1", the same words."""
    a_url = f"sqlite:///{tmp_path / 'a.db'}"
    a = Corpus.open(a_url)
    for name, texts in (("a", A_TEXTS), ("b", B_TEXTS)):
        a.add_report(_report(name, texts))
    for name, texts in (("b", B_TEXTS), ("a", A_TEXTS)):
        store.add_report(_report(name, texts))
    try:
        in_a, in_b = _ids(a), _ids(store)
        assert in_a[("a", 2)] == in_b[("b", 2)] and in_a[("b", 2)] == in_b[("a", 2)]  # the trap is set
        yield Swapped(a, a_url, store, in_a, in_b)
    finally:
        a.close()


def _label_tables(s: Swapped) -> None:
    s.a.add_labels(s.in_a[("a", 2)], [], annotator="ana")
    s.a.add_labels(s.in_a[("b", 2)], ["prevention"], annotator="ben")


def _held(s: Swapped) -> dict[str, list[tuple[list[str], str | None]]]:
    return {
        name: [(h.labels, h.annotator) for h in s.b.label_history(s.in_b[(name, 2)])] for name in ("a", "b")
    }


def test_same_words_in_two_reports_keep_their_own_labels_across_stores(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    _label_tables(swapped)
    rows = _exported(cli, swapped.a_url)
    path = write_label_file(tmp_path, rows)
    code, out, err = cli("label", "import", path, "--db", store_url)
    assert (code, out) == (0, "")
    assert _held(swapped) == {"a": [([], "ana")], "b": [(["prevention"], "ben")]}  # not swapped
    assert err == "imported 2 labels: 2 on stored passages, 0 free texts; 2 re-attached by text\n"
    assert [(r["report_sha256"], r["seq"]) for r in rows] == [
        (b"a".hex().ljust(64, "0"), 2), (b"b".hex().ljust(64, "0"), 2)
    ]  # fmt: skip
    before = label_history(swapped.b)
    code, _, err = cli("label", "import", path, "--db", store_url)  # again: nothing new
    assert code == 0 and "2 lines already current" in err, err
    assert label_history(swapped.b) == before
    # B's own export, imported back into B, changes nothing either.
    own = _exported(cli, store_url)
    code, _, err = cli("label", "import", write_label_file(tmp_path, own, "own.jsonl"), "--db", store_url)
    assert (code, err) == (
        0, "imported 0 labels: 0 on stored passages, 0 free texts; 2 lines already current, left unchanged\n"
    )  # fmt: skip
    assert label_history(swapped.b) == before


def test_a_line_naming_a_report_this_store_lacks_is_refused_when_two_reports_hold_its_words(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    # Its report is not here (another version of it, say): its words alone cannot say which copy it was.
    _label_tables(swapped)
    rows = [r | {"report_sha256": "f" * 64} for r in _exported(cli, swapped.a_url)]
    code, out, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert (code, out) == (2, "")
    assert "labels.jsonl:1: 2 reports hold this text, and the report the line" in err
    assert _held(swapped) == {"a": [], "b": []}


def test_an_older_file_with_a_foreign_id_does_not_trust_ids_of_words_two_reports_hold(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """No "report_sha256"/"seq" (an older export): the first line's id names other words in B, so the
    file is another store's, and the "Table 1" line's id (which holds those words, in the wrong report)
    is not taken on trust: refused, naming the lines; nothing is imported."""
    swapped.a.add_labels(swapped.in_a[("a", 1)], ["prevention"], annotator="ana")
    _label_tables(swapped)
    rows = [{k: v for k, v in r.items() if k not in ("report_sha256", "seq")}
            for r in _exported(cli, swapped.a_url)]  # fmt: skip
    code, out, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert (code, out) == (2, "")
    said = (
        "2 reports hold this text, and the line does not say which (its passage_id may be another store's): "
        "a file from `citsec label export`, which names the report, places it"
    )
    # Both table lines are named at once (lines 2 and 3), each saying why.
    assert err == f"error: labels.jsonl: 2 bad lines, nothing imported:\n  labels.jsonl:2: {said}\n" + (
        f"  labels.jsonl:3: {said}\n"
    )
    assert swapped.b.count_labels() == 0


def test_a_failure_writing_free_texts_leaves_no_passage_label(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The free text's row fails as it is written (its time stamp is taken then): the passage label
    written just before it in the same transaction is rolled back with it."""
    import corpus.labels

    def failing() -> Any:
        raise CorpusError("the store refused the free text")

    monkeypatch.setattr(corpus.labels, "utcnow", failing)
    path = write_label_file(tmp_path, [
        {"passage_id": swapped.in_b[("a", 1)], "labels": ["prevention"]},
        {"text": "A truce in San Salvador.", "labels": ["prevention"], "lang": "en"},
    ])  # fmt: skip
    code, _, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (2, "error: the store refused the free text\n")
    assert label_history(swapped.b) == []


@pytest.mark.parametrize("row", [
    {"labels": [], "annotator": "a\u0000b"},
    {"text": "A truce\u0000.", "labels": []},
], ids=["annotator", "text"])  # fmt: skip
def test_a_nul_character_is_a_one_line_error(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path, row: dict[str, Any]
) -> None:
    if "text" not in row:
        row = {"passage_id": swapped.in_b[("a", 1)], **row}
    path = write_label_file(tmp_path, [{"passage_id": swapped.in_b[("a", 3)], "labels": []}, row])
    code, out, err = cli("label", "import", path, "--db", store_url)
    assert (code, out) == (2, "")
    assert err.startswith("error: labels.jsonl:2: ") and "NUL" in err and err.count("\n") == 1, err
    assert label_history(swapped.b) == []


def test_languages_stored_by_older_releases_import_back(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """Older releases stored a free text's "lang" as given: "es-MX", "spanish". The store's own export
    imports back unchanged; a correction of the "spanish" text keeps its language; a new text with
    "spanish" is still refused, naming its line."""
    store = swapped.b
    with store.engine.begin() as conn:
        for text, lang in (("Una tregua.", "es-MX"), ("Uma trégua.", "spanish")):
            conn.execute(insert(HumanLabel), {"text": text, "lang": lang, "labels": ["prevention"],
                                              "annotator": "ana", "origin": "import"})  # fmt: skip
    before = label_history(store)
    rows = _exported(cli, store_url)
    code, _, err = cli("label", "import", write_label_file(tmp_path, rows), "--db", store_url)
    assert (code, err) == (
        0, "imported 0 labels: 0 on stored passages, 0 free texts; 2 lines already current, left unchanged\n"
    )  # fmt: skip
    assert label_history(store) == before

    fixed = [{**r, "labels": ["prevention", "transnational"]} for r in rows]
    code, _, err = cli("label", "import", write_label_file(tmp_path, fixed), "--db", store_url)
    assert (code, err) == (0, "imported 2 labels: 0 on stored passages, 2 free texts\n")
    assert [h.lang for h in store.text_label_history("Uma trégua.")] == ["spanish", "spanish"]
    assert [h.lang for h in store.text_label_history("Una tregua.")] == ["es-MX", "es"]

    new = [{"text": "Outra trégua.", "labels": [], "lang": "spanish"}]
    code, _, err = cli("label", "import", write_label_file(tmp_path, new), "--db", store_url)
    assert code == 2 and err.startswith("error: labels.jsonl:1: \"lang\": malformed language code"), err


def test_stdin_is_read_as_utf8_whatever_the_locale(
    swapped: Swapped, store_url: str, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = json.dumps({"text": "Uma trégua em São Paulo.", "labels": ["prevention"]}, ensure_ascii=False)
    ascii_stdin = io.TextIOWrapper(io.BytesIO(("\ufeff" + line + "\n").encode("utf-8")), encoding="ascii")
    monkeypatch.setattr("sys.stdin", ascii_stdin)
    code, _, err = cli("label", "import", "-", "--db", store_url)
    assert (code, err) == (0, "imported 1 label: 0 on stored passages, 1 free text\n")
    assert swapped.b.text_label_history("Uma trégua em São Paulo.")

    latin = io.TextIOWrapper(io.BytesIO(line.encode("latin-1") + b"\n"), encoding="latin-1")
    monkeypatch.setattr("sys.stdin", latin)
    code, out, err = cli("label", "import", "-", "--db", store_url)
    assert (code, out, err) == (2, "", "error: <stdin> is not UTF-8 text\n")


def test_an_id_no_store_holds_is_no_passage(
    swapped: Swapped, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    big = 2**31
    for args in (("add", str(big), "prevention"), ("none", str(big))):
        code, out, err = cli("label", *args, "--db", store_url)
        assert (code, out, err) == (2, "", f"error: no passage with id {big}\n")
    path = write_label_file(tmp_path, [{"passage_id": big, "labels": []}])
    code, out, err = cli("label", "import", path, "--db", store_url)
    assert (code, out, err) == (2, "", f"error: labels.jsonl:1: no passage with id {big} in the store\n")
    # With its text, a line from another store is placed by it, as any foreign id.
    path = write_label_file(tmp_path, [{"passage_id": big, "labels": [], "text": A_TEXTS[0]}])
    code, _, err = cli("label", "import", path, "--db", store_url)
    assert (code, err) == (0, "imported 1 label: 1 on stored passage, 0 free texts; 1 re-attached by text\n")
    assert label_history(swapped.b)[0][0] == swapped.in_b[("a", 1)]
