"""`citsec label import` run again on the same file changes nothing, and says so; a changed label or another
annotator is still a new label (corpus.label_in_force.same_label says what identical means). `label add` and
`label none` follow the same rule. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from label_material import label_history, write_label_file
from readings import COUNCILS, PORTS, reading, stored
from sqlalchemy import event

from corpus import Corpus

Cli = Callable[..., tuple[int, str, str]]

# What `label import` says when every line of the file is the label in force already.
UNCHANGED = (
    "imported 0 labels: 0 on stored passages, 0 free texts; "
    "{} lines already current, left unchanged\n"
)
TREATY = "Colombia and the US signed an extradition treaty."
YOUTH = "A youth centre opened in Medellin."


def _label_file(store: Corpus, tmp_path: Path) -> tuple[str, list[int]]:
    a, b, c = [row.id for row in store.passages(limit=3)]
    rows: list[dict[str, Any]] = [
        {"passage_id": a, "labels": ["enforcement"]},
        {"passage_id": b, "labels": []},
        {"passage_id": c, "labels": ["prevention", "transnational"]},
        {"text": TREATY, "labels": ["enforcement", "transnational"], "lang": "en"},
        {"text": YOUTH, "labels": ["prevention"]},
    ]
    return write_label_file(tmp_path, rows), [a, b, c]


def test_importing_a_file_again_changes_nothing_and_says_so(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    path, ids = _label_file(filled, tmp_path)
    code, _, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, "imported 5 labels: 3 on stored passages, 2 free texts\n")
    history = label_history(filled)
    assert len(history) == 5
    in_force = {pid: filled.passage(pid).labels for pid in ids}
    code, export_before, _ = cli("label", "export", "--history", "--db", store_url)

    for _ in range(2):  # a retry, and a script that runs it once more
        code, out, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
        assert (code, out) == (0, "")
        assert err == UNCHANGED.format(5)
        assert label_history(filled) == history
    assert {pid: filled.passage(pid).labels for pid in ids} == in_force
    assert [len(filled.label_history(pid)) for pid in ids] == [1, 1, 1]
    assert [len(filled.text_label_history(t)) for t in (TREATY, YOUTH)] == [1, 1]
    assert filled.count_labels() == 5
    code, export_after, _ = cli("label", "export", "--history", "--db", store_url)
    assert export_after == export_before


def test_a_changed_label_or_another_annotator_is_still_a_new_label(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    path, (a, b, c) = _label_file(filled, tmp_path)
    code, _, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
    assert code == 0, err
    # The file corrected: one passage's labels and one text's language changed, the rest as before.
    changed = write_label_file(tmp_path, [
        {"passage_id": a, "labels": ["enforcement"]},
        {"passage_id": b, "labels": ["prevention"]},
        {"passage_id": c, "labels": ["transnational", "prevention"]},  # the same set, in another order
        {"text": TREATY, "labels": ["enforcement", "transnational"], "lang": "en"},
        {"text": YOUTH, "labels": ["prevention"], "lang": "en"},
    ], name="corrected.jsonl")  # fmt: skip
    code, _, err = cli("label", "import", changed, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (
        0, "imported 2 labels: 1 on stored passage, 1 free text; 3 lines already current, left unchanged\n"
    )  # fmt: skip
    assert [h.labels for h in filled.label_history(b)] == [[], ["prevention"]]
    assert filled.passage(b).labels == ["prevention"]
    assert [h.lang for h in filled.text_label_history(YOUTH)] == [None, "en"]
    assert [len(filled.label_history(pid)) for pid in (a, c)] == [1, 1]

    # The same labels from another annotator: each a new label, superseding ana's; her labels stay.
    code, _, err = cli("label", "import", changed, "--annotator", "ben", "--db", store_url)
    assert (code, err) == (0, "imported 5 labels: 3 on stored passages, 2 free texts\n")
    assert [h.annotator for h in filled.label_history(a)] == ["ana", "ben"]
    assert [h.annotator for h in filled.text_label_history(TREATY)] == ["ana", "ben"]
    assert filled.latest_labels(b).annotator == "ben"  # type: ignore[union-attr]
    # ... and ana's file again: her labels supersede ben's, though she gave them before.
    code, _, err = cli("label", "import", changed, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, "imported 5 labels: 3 on stored passages, 2 free texts\n")
    assert [h.annotator for h in filled.label_history(a)] == ["ana", "ben", "ana"]


def test_a_file_that_labels_a_passage_twice_records_both_once(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """A line, its repeat and then its correction further down: the repeat adds nothing, the correction
    wins; imported again, the passage already holds what the file ends with, so nothing is recorded."""
    a = next(filled.passages()).id
    path = write_label_file(tmp_path, [
        {"passage_id": a, "labels": ["prevention"]},
        {"passage_id": a, "labels": ["prevention"]},
        {"text": YOUTH, "labels": ["prevention"]},
        {"text": YOUTH, "labels": ["prevention"]},
        {"passage_id": a, "labels": ["enforcement"]},
    ])  # fmt: skip
    code, _, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (
        0, "imported 3 labels: 2 on stored passages, 1 free text; 2 lines already current, left unchanged\n"
    )  # fmt: skip
    assert [h.labels for h in filled.label_history(a)] == [["prevention"], ["enforcement"]]
    history = label_history(filled)
    code, _, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, UNCHANGED.format(5))
    assert label_history(filled) == history and filled.passage(a).labels == ["enforcement"]


def test_label_add_and_none_again_record_nothing(filled: Corpus, store_url: str, cli: Cli) -> None:
    pid = next(filled.passages()).id
    add = ("label", "add", str(pid), "enforcement", "transnational", "--db", store_url)
    assert cli(*add, "--annotator", "ana") == (0, f"passage {pid}: enforcement, transnational\n", "")
    code, out, err = cli(*add, "--annotator", "ana")
    assert (code, out) == (0, f"passage {pid}: enforcement, transnational\n")
    assert err == f"note: passage {pid} already had this label from the same annotator; nothing recorded\n"
    assert len(filled.label_history(pid)) == 1
    code, _, err = cli(*add, "--annotator", "ben")  # another person agrees: that is news
    assert (code, err) == (0, "")
    none = ("label", "none", str(pid), "--annotator", "ben", "--db", store_url)
    assert cli(*none) == (0, f"passage {pid}: none\n", "")
    code, out, err = cli(*none)
    assert (code, out) == (0, f"passage {pid}: none\n") and "nothing recorded" in err
    assert [(h.labels, h.annotator) for h in filled.label_history(pid)] == [
        (["enforcement", "transnational"], "ana"),
        (["enforcement", "transnational"], "ben"),
        ([], "ben"),
    ]


def test_the_same_labels_by_hand_after_an_import_are_a_new_label(
    filled: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """Same labels, same annotator, another origin: the person's `label add` confirms the imported label
    by hand, which the history keeps (and which retraining may one day weigh differently)."""
    pid = next(filled.passages()).id
    path = write_label_file(tmp_path, [{"passage_id": pid, "labels": ["prevention"]}])
    code, _, err = cli("label", "import", path, "--annotator", "ana", "--db", store_url)
    assert code == 0, err
    code, _, err = cli("label", "add", str(pid), "prevention", "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, "")
    history = [(h.origin, h.annotator) for h in filled.label_history(pid)]
    assert history == [("import", "ana"), ("human", "ana")]


def test_an_old_file_imported_again_after_the_report_was_read_again(
    store: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    """A file naming the passages of a superseded reading: the first import labels them and the labels come
    over to the current reading as copies; importing it again adds nothing to either reading. A line naming
    the current passage with the label its copy holds is a person's own label there (a copy is never
    identical): recorded once, then unchanged."""
    _, (old_ports, old_councils) = stored(store, reading("1.0", (PORTS, COUNCILS)))
    _, (new_ports, new_councils) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    old = write_label_file(tmp_path, [
        {"passage_id": old_ports, "labels": ["enforcement", "transnational"]},
        {"passage_id": old_councils, "labels": ["prevention"]},
    ])  # fmt: skip
    code, _, err = cli("label", "import", old, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, "imported 2 labels: 2 on stored passages, 0 free texts\n")
    assert [h.labels for h in store.label_history(new_ports)] == [["enforcement", "transnational"]]
    history = label_history(store)
    assert len(history) == 4 and history[-1][-1] is not None  # the copies record their source

    code, _, err = cli("label", "import", old, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, UNCHANGED.format(2))
    assert label_history(store) == history

    current_rows = [{"passage_id": new_ports, "labels": ["enforcement", "transnational"]}]
    current = write_label_file(tmp_path, current_rows, name="current.jsonl")
    code, _, err = cli("label", "import", current, "--annotator", "ana", "--db", store_url)
    assert (code, err) == (0, "imported 1 label: 1 on stored passage, 0 free texts\n")
    assert [h.labels for h in store.label_history(new_ports)] == [["enforcement", "transnational"]] * 2
    history = label_history(store)
    assert history[-1][-1] is None  # the person's own
    for again in (current, old):
        code, _, err = cli("label", "import", again, "--annotator", "ana", "--db", store_url)
        assert code == 0 and "left unchanged" in err and err.startswith("imported 0 labels"), err
    assert label_history(store) == history
    assert store.passage(new_councils).labels == ["prevention"]


@contextmanager
def _statements(store: Corpus) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_an_import_again_reads_the_labels_in_force_in_a_few_queries(filled: Corpus) -> None:
    """Thousands of lines imported again must not cost a query each: the labels in force are read in
    chunks, and nothing is written."""
    passages = [(row.id, ["prevention"]) for row in filled.passages()]
    texts = [(f"Free text number {i} about youth centres.", ["prevention"], "en") for i in range(600)]
    filled.add_labels_many(passages, annotator="ana", origin="import", if_changed=True)
    filled.add_text_labels_many(texts, annotator="ana", origin="import", if_changed=True)
    with _statements(filled) as seen:
        assert filled.add_labels_many(passages, annotator="ana", origin="import", if_changed=True) == []
        assert filled.add_text_labels_many(texts, annotator="ana", origin="import", if_changed=True) == []
    assert len(seen) <= 8, seen  # the passages known, the labels in force (texts: 2 chunks of 500), locks
    assert not [s for s in seen if s.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))]


def test_the_store_records_every_item_unless_asked(filled: Corpus) -> None:
    """Without if_changed the store writes every item, as before (ingest-time copies, tests, seed sets)."""
    pid = next(filled.passages()).id
    ids = filled.add_labels_many([(pid, ["prevention"])] * 2, annotator="ana")
    assert len(ids) == 2 and len(filled.label_history(pid)) == 2
    filled.add_text_labels(YOUTH, ["prevention"], annotator="ana")
    filled.add_text_labels(YOUTH, ["prevention"], annotator="ana")
    assert len(filled.text_label_history(YOUTH)) == 2
