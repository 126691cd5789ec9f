"""A label given to a passage of a superseded reading after the newer reading was stored (an import
prepared before the report was read again) comes over to the current reading by the rule a label follows
when a reading is stored (corpus.labelstate.carry_late_labels), recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from readings import COUNCILS, PORTS, reading, stored
from sqlalchemy import event, select, text

from corpus import Corpus, PassageFilter, passage_match
from corpus import labelstate as labelstate_module
from corpus.engine import PG_LOCK_LABELS
from corpus.schema import CurrentLabel, HumanLabel, Report

Cli = Callable[..., tuple[int, str, str]]

HEADER = "PORT SECURITY BULLETIN | 2023 | 12"
# The same passage as older extractors cut it: a running header inside, two words glued at a line end.
PORTS_READ_BEFORE = PORTS.replace("European Union, and", f"European Union,\n{HEADER}\nand").replace(
    "fruit shipments", "fruitshipments"
)
# A reading in between: the header gone, the glued words still glued.
PORTS_READ_BETWEEN = PORTS.replace("fruit shipments", "fruitshipments")
# A near tie: v1's `near` is closest to v2's current passage (0.9), `rival` nearly as close (0.875) but
# itself equally close to two other new passages, so closest to none; `other` is unrelated.
_TIE_WORDS = [f"a{i}" for i in range(40)]
TIE_V1 = (
    " ".join([*_TIE_WORDS[:-4], "x1", "x2", "x3", "x4"]),  # near
    " ".join(["y1", "y2", "y3", "y4", "y5", *_TIE_WORDS[5:]]),  # rival
    " ".join(f"c{i}" for i in range(30)),  # other
)
TIE_V2 = (" ".join(_TIE_WORDS), f"{TIE_V1[1]} z1", f"{TIE_V1[1]} z2", TIE_V1[2])


def _labels(store: Corpus, passage_id: int) -> list[str] | None:
    latest = store.latest_labels(passage_id)
    return None if latest is None else list(latest.labels)


def _carried_from(store: Corpus, passage_id: int) -> int | None:
    latest = store.latest_labels(passage_id)
    assert latest is not None
    with store.engine.connect() as conn:
        return conn.execute(select(HumanLabel.carried_from).where(HumanLabel.id == latest.id)).scalar_one()


def _examples(store: Corpus) -> list[tuple[str | None, list[str], int | None]]:
    return [(e.text, list(e.labels), e.report_id) for e in store.labeled_examples()]


def _assert_current_labels_equal_a_rebuild(store: Corpus) -> None:
    def current() -> set[tuple[Any, ...]]:
        with store.engine.connect() as conn:
            rows = conn.execute(select(CurrentLabel.passage_id, CurrentLabel.label, CurrentLabel.origin))
            return {tuple(row) for row in rows}

    incremental = current()
    store.rebuild_current_labels()
    assert current() == incremental


def test_a_late_label_on_the_old_reading_shows_on_the_current_passage(store: Corpus) -> None:
    old_id, (old_ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    new_id, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    label_id = store.add_labels(old_ports, ["enforcement", "transnational"], annotator="ana")

    assert [p.id for p in store.passages(PassageFilter(labels=("transnational",)))] == [new_ports]
    copy, given = store.latest_labels(new_ports), store.latest_labels(old_ports)
    assert copy is not None and given is not None and given.id == label_id
    assert (copy.labels, copy.annotator, copy.origin, copy.created_at) == (
        given.labels, given.annotator, given.origin, given.created_at
    )  # fmt: skip
    assert _carried_from(store, new_ports) == label_id
    assert store.labels_left_behind(new_id) == 0
    # One training example, on the current reading: the old passage's label came over.
    assert _examples(store) == [(PORTS, ["enforcement", "transnational"], new_id)]
    assert store.report(old_id).superseded_by == new_id
    _assert_current_labels_equal_a_rebuild(store)


def test_versions_replaced_counts_the_older_versions_and_the_labels_that_came_over(store: Corpus) -> None:
    first_id, (ports, councils) = stored(store, reading("1.0", (PORTS, COUNCILS)))
    assert store.versions_replaced(first_id) == (0, 0, 0)
    store.add_labels(ports, ["enforcement"], annotator="ana")
    store.add_labels(councils, ["prevention"], annotator="ana")
    # The ports passage comes back as it was; the councils passage is gone from the new version.
    second_id, _ = stored(store, reading("1.0b", (PORTS, "An unrelated paragraph about budgets and audits.")))
    assert store.versions_replaced(second_id) == (1, 1, 1)
    assert store.labels_left_behind(second_id) == 1


def _chain(store: Corpus, uri: str, label_v1: Callable[[list[int]], Any]) -> tuple[list[int], list[int]]:
    """Four readings of one report: v1 -> v2 by the same words, two identical passages; v2 -> v3 by
    nearly the same words (a glued pair split); v3 -> v4 by the same words, three identical passages.
    `label_v1` labels v1's passages (by id) before v2 is stored. Returns the report ids and v1's passages."""
    ids = []
    first: list[int] = []
    for version, texts in (
        ("1.0", (PORTS_READ_BETWEEN, COUNCILS)),
        ("1.1", (PORTS_READ_BETWEEN, COUNCILS, PORTS_READ_BETWEEN.replace(" ", "\n", 3))),
        ("1.2", (COUNCILS, PORTS)),
        ("1.3", (PORTS, COUNCILS, " ".join(PORTS.split()), PORTS + "\n")),
    ):
        report_id, passages = stored(store, reading(version, texts, uri))
        ids.append(report_id)
        if not first:
            first = passages
            label_v1(first)
    return ids, first


def _state(store: Corpus, report_id: int) -> list[tuple[str, list[str] | None]]:
    """The passages of a reading with their latest human labels, in order."""
    passages = store.passages(PassageFilter(report_id=report_id), by_report=True)
    return [(" ".join(p.text.split()), _labels(store, p.id)) for p in passages]


def test_a_late_label_follows_every_passage_along_the_readings_to_the_current_one(store: Corpus) -> None:
    def label(passages: list[int]) -> None:
        store.add_labels_many(zip(passages, (["enforcement"], ["prevention"]), strict=True), annotator="ana")

    # The same readings twice: labeled before they were read again (carry_labels_over at each reading,
    # the yardstick), and labeled on v1 after all of them were stored.
    early, _ = _chain(store, "file:///reports/before.pdf", label)
    (_, v2, v3, v4), first = _chain(store, "file:///reports/after.pdf", lambda _: None)
    label(first)
    ports = first[0]

    assert _state(store, v4) == _state(store, early[-1])
    assert _state(store, v4) == [
        (" ".join(PORTS.split()), ["enforcement"]), (" ".join(COUNCILS.split()), ["prevention"]),
        (" ".join(PORTS.split()), ["enforcement"]), (" ".join(PORTS.split()), ["enforcement"]),
    ]  # fmt: skip
    assert [store.labels_left_behind(r) for r in (v2, v3, v4)] == [0, 0, 0]
    # Each copy records the one it copies, step by step back to the label given on v1.
    v2_ports, _, v2_again = [p.id for p in store.passages(PassageFilter(report_id=v2), by_report=True)]
    v3_ports = [p.id for p in store.passages(PassageFilter(report_id=v3), by_report=True)][1]
    given = store.latest_labels(ports)
    assert given is not None
    assert _carried_from(store, v2_ports) == _carried_from(store, v2_again) == given.id
    v2_copies = {store.latest_labels(v2_ports).id, store.latest_labels(v2_again).id}  # type: ignore[union-attr]
    assert _carried_from(store, v3_ports) in v2_copies
    v3_copy = store.latest_labels(v3_ports)
    assert v3_copy is not None
    for v4_passage in list(store.passages(PassageFilter(report_id=v4), by_report=True)):
        if v4_passage.text != COUNCILS:
            assert _carried_from(store, v4_passage.id) == v3_copy.id
    # Training sees the labels once, on the current reading, as if they had been given before.
    examples = [e for e in _examples(store) if e[2] in (v4, early[-1])]
    assert sorted((t, lb) for t, lb, r in examples if r == v4) == sorted(
        (t, lb) for t, lb, r in examples if r == early[-1]
    )
    assert all(r in (v4, early[-1]) for _, _, r in _examples(store))
    _assert_current_labels_equal_a_rebuild(store)


def test_a_relabel_of_the_old_passage_replaces_its_copy(store: Corpus) -> None:
    _, (old_ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    store.add_labels(old_ports, ["enforcement"], annotator="ana")
    new_id, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    assert _labels(store, new_ports) == ["enforcement"]  # copied when the new reading was stored
    relabel = store.add_labels(old_ports, ["enforcement", "transnational"], annotator="ana")
    assert _labels(store, new_ports) == ["enforcement", "transnational"]
    assert _carried_from(store, new_ports) == relabel
    assert [h.labels for h in store.label_history(new_ports)] == [
        ["enforcement"],
        ["enforcement", "transnational"],
    ]
    # ... and again: a late copy gives way to a later label of its source too.
    again = store.add_labels(old_ports, ["transnational"], annotator="ben")
    assert (_labels(store, new_ports), _carried_from(store, new_ports)) == (["transnational"], again)
    assert store.labels_left_behind(new_id) == 0
    assert _examples(store) == [(PORTS, ["transnational"], new_id)]
    _assert_current_labels_equal_a_rebuild(store)


def test_a_persons_own_label_on_the_current_passage_wins_over_a_late_label(store: Corpus) -> None:
    old_id, (old_ports, old_councils) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    store.add_labels(old_ports, ["enforcement"], annotator="ana")
    v2, (v2_ports, v2_councils) = stored(store, reading("1.1", (PORTS_READ_BETWEEN, COUNCILS)))
    store.add_labels(v2_ports, ["prevention"], annotator="ben")  # a correction of the copy, directly
    v3, (v3_ports, _) = stored(store, reading("1.2", (PORTS, COUNCILS)))
    assert _labels(store, v3_ports) == ["prevention"]

    # A late label on v1: v2's passage keeps ben's label, and nothing goes on from it to v3.
    store.add_labels(old_ports, ["transnational"], annotator="ana")
    assert (_labels(store, v2_ports), _labels(store, v3_ports)) == (["prevention"], ["prevention"])
    assert (store.labels_left_behind(v2), store.labels_left_behind(v3)) == (1, 0)
    # In one import too, whichever comes first: v2's COUNCILS passage is labeled directly.
    store.add_labels_many([(v2_councils, ["prevention"]), (old_councils, ["enforcement"])], annotator="cy")
    store.add_labels_many([(old_councils, ["enforcement"]), (v2_councils, ["prevention"])], annotator="cy")
    assert _labels(store, v2_councils) == ["prevention"]
    # The late labels stay the old passages' own: each is a training example of its own.
    examples = _examples(store)
    assert (PORTS_READ_BEFORE, ["transnational"], old_id) in examples
    assert (COUNCILS, ["enforcement"], old_id) in examples
    assert (PORTS, ["prevention"], v3) in examples and len(examples) == 4
    _assert_current_labels_equal_a_rebuild(store)


@pytest.mark.parametrize("old_first", [True, False])
def test_an_old_passage_and_its_current_copy_labeled_alike_are_one_example(store: Corpus, old_first: bool):
    """One import labels an old passage and the current reading's copy of it with the same labels: the
    current passage holds that judgment (a person's own label wins there), so it is one training example
    and one exported label, not two, as when the label was given before the report was read again."""
    _, (old_ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    new_id, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    items = [(old_ports, ["enforcement"]), (new_ports, ["enforcement"])]
    store.add_labels_many(items if old_first else items[::-1], annotator="ana", origin="import")
    assert _labels(store, new_ports) == ["enforcement"] and store.labels_left_behind(new_id) == 0
    assert _examples(store) == [(PORTS, ["enforcement"], new_id)]
    _assert_current_labels_equal_a_rebuild(store)


def test_a_near_copy_labeled_alike_comes_over_with_the_late_label_that_carried(store: Corpus) -> None:
    """Two near-copies in the old reading, one labeled, the other not: the match is ambiguous when the new
    reading is stored. The other labeled alike later: the new passage stands for both (as it would have,
    labeled before), one copy records one of them, and neither is left behind or trained on twice."""
    _, (first, second, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, PORTS_READ_BETWEEN, COUNCILS)))
    store.add_labels(first, ["enforcement"], annotator="ana")
    new_id, (ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    assert _labels(store, ports) is None and store.labels_left_behind(new_id) == 1
    store.add_labels(second, ["enforcement"], annotator="ana")
    assert (_labels(store, ports), store.labels_left_behind(new_id)) == (["enforcement"], 0)
    assert _examples(store) == [(PORTS, ["enforcement"], new_id)]
    _assert_current_labels_equal_a_rebuild(store)


def test_a_near_copy_does_not_come_over_with_a_late_label_a_persons_own_label_kept_out(store: Corpus) -> None:
    uri = "file:///reports/kept.pdf"
    old_id, (first, second, councils) = stored(
        store, reading("1.0", (PORTS_READ_BEFORE, PORTS_READ_BETWEEN, COUNCILS), uri)
    )
    store.add_labels(first, ["enforcement"], annotator="ana")
    new_id, (ports, new_councils) = stored(store, reading("1.1", (PORTS, COUNCILS), uri))
    store.add_labels(ports, ["prevention"], annotator="ben")  # the new reading's passage, directly
    store.add_labels_many([(second, ["enforcement"]), (councils, ["prevention"])], annotator="ana")
    assert (_labels(store, ports), _labels(store, new_councils)) == (["prevention"], ["prevention"])
    # COUNCILS came over; the two near-copies' label shows nowhere on the new reading: both left behind.
    assert store.labels_left_behind(new_id) == 2
    assert sorted(_examples(store)) == sorted(
        [(PORTS_READ_BEFORE, ["enforcement"], old_id), (PORTS_READ_BETWEEN, ["enforcement"], old_id),
         (PORTS, ["prevention"], new_id), (COUNCILS, ["prevention"], new_id)]
    )  # fmt: skip
    _assert_current_labels_equal_a_rebuild(store)


def test_a_late_label_the_match_leaves_alone_stays_behind(store: Corpus) -> None:
    # The newer reading has two passages nearly as close to the old one: ambiguous, nothing carries.
    other = PORTS.replace("fourfold", "threefold")
    old_id, (old_ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    new_id, _ = stored(store, reading("1.1", (PORTS, other, COUNCILS)))
    store.add_labels(old_ports, ["enforcement"], annotator="ana")
    assert not list(store.passages(PassageFilter(labels=("enforcement",))))
    assert store.labels_left_behind(new_id) == 1
    assert _examples(store) == [(PORTS_READ_BEFORE, ["enforcement"], old_id)]
    # A passage that merged the old one with a labeled passage of another meaning does not take it either.
    short = "Police raided the banana warehouses at dawn."
    old_id, (long_, short_) = stored(store, reading("1.0", (PORTS, short), "file:///merged.pdf"))
    store.add_labels(short_, ["enforcement"])
    new_id, (merged,) = stored(store, reading("1.1", (f"{PORTS} {short}",), "file:///merged.pdf"))
    store.add_labels(long_, ["transnational"])
    assert _labels(store, merged) is None and store.labels_left_behind(new_id) == 2
    _assert_current_labels_equal_a_rebuild(store)


def _superseded_twice(store: Corpus, seed: int) -> tuple[random.Random, list[int], int, list[int]]:
    """A reading of 600 random passages with page numbers, read again without them, then a third time
    with a line break moved: the generator, the first reading's passage ids, the third's id and its
    passage ids."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(5000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(50)) for _ in range(600)]
    _, old = stored(store, reading("1.0", tuple(f"PAGE {i} {t}" for i, t in enumerate(texts))))
    stored(store, reading("1.1", tuple(texts)))
    v3, current = stored(store, reading("1.2", tuple(t.replace(" ", "\n", 1) for t in texts)))
    return rng, old, v3, current


def _count_calls(monkeypatch: pytest.MonkeyPatch, *names: str) -> list[int]:
    """Count the calls of corpus.labelstate's `names` (its matchers); the count is the list's one item."""
    calls = [0]

    def counting(match: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            calls[0] += 1
            return match(*args)

        return counted

    for name in names:
        monkeypatch.setattr(labelstate_module, name, counting(getattr(labelstate_module, name)))
    return calls


def test_labels_on_a_superseded_reading_are_matched_once_per_reading_not_once_per_label(
    store: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 labels imported onto a superseded reading of 600 passages, itself superseded: one match per
    step (v1 -> v2, v2 -> v3), not one per label (counted, not timed; the timing is in the report)."""
    rng, old, v3, current = _superseded_twice(store, 11)
    labeled = sorted(rng.sample(range(600), 200))
    # The full match, or the one for a few labels.
    calls = _count_calls(monkeypatch, "match_passages", "stand_ins")
    store.add_labels_many([(old[i], ["prevention"]) for i in labeled], origin="import")
    assert calls == [2]
    assert [p.id for p in store.passages(PassageFilter(labels=("prevention",)))] == [
        current[i] for i in labeled
    ]
    assert store.labels_left_behind(v3) == 0


def test_a_label_add_on_a_superseded_reading_scores_a_few_passages_not_every_labeled_one(
    store: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One more label on a superseded reading of 600 passages, 200 of them labeled, itself superseded:
    each step matches the one passage (corpus.passage_match.stand_ins), not all 201 again inside the
    write lock (which took seconds on a 3,000-passage reading). Counted, not timed: the difflib ratios
    computed, about 2 per step, where the full match computes 2 per labeled passage."""
    rng, old, v3, current = _superseded_twice(store, 12)
    labeled = rng.sample(range(600), 201)
    store.add_labels_many([(old[i], ["prevention"]) for i in labeled[:200]], origin="import")

    class Counting(passage_match.SequenceMatcher):
        ratios = 0

        def ratio(self) -> float:
            Counting.ratios += 1
            return float(super().ratio())

    monkeypatch.setattr(passage_match, "SequenceMatcher", Counting)
    store.add_labels(old[labeled[200]], ["enforcement"], annotator="ana")
    assert Counting.ratios <= 2 * 4
    assert [p.id for p in store.passages(PassageFilter(labels=("enforcement",)))] == [current[labeled[200]]]
    assert store.labels_left_behind(v3) == 0
    _assert_current_labels_equal_a_rebuild(store)


def test_label_import_of_old_ids_comes_over_and_export_lists_each_label_once(
    store: Corpus, store_url: str, cli: Cli, tmp_path: Path
) -> None:
    _, (old_ports, old_councils) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    export = [
        {"passage_id": pid, "text": t}
        for pid, t in ((old_ports, PORTS_READ_BEFORE), (old_councils, COUNCILS))
    ]
    new_id, (new_ports, new_councils) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    # Labeled offline meanwhile, with a free text (a sentence that is no stored passage) in the same file.
    lines = [json.dumps(row | {"labels": ["enforcement"]}) for row in export]
    lines.append(
        json.dumps({"text": "Customs officers seized cocaine at the port.", "labels": ["enforcement"]})
    )
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = cli("label", "import", str(path), "--annotator", "ana", "--db", store_url)
    assert code == 0, err

    assert [p.id for p in store.passages(PassageFilter(labels=("enforcement",)))] == [new_ports, new_councils]
    assert store.labels_left_behind(new_id) == 0
    code, out, _ = cli("label", "export", "--db", store_url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["passage_id"], r["text"], r["labels"]) for r in rows] == [
        (new_ports, PORTS, ["enforcement"]),
        (new_councils, COUNCILS, ["enforcement"]),
        (None, "Customs officers seized cocaine at the port.", ["enforcement"]),
    ]
    assert store.text_label_history("Customs officers seized cocaine at the port.")[0].passage_id is None
    _assert_current_labels_equal_a_rebuild(store)


def test_a_reading_stored_while_labels_are_imported_onto_the_old_one_leaves_none_behind(
    corpus_factory: Callable[[], Corpus],
) -> None:
    """add_report (no predictions) takes the label lock: an import onto the old reading's passages that
    runs while the new reading is being stored waits for it, then sees the old reading superseded and
    carries its labels over. Without the lock (PostgreSQL), the import neither was seen by the new
    reading's carry nor saw the old reading superseded: its label stayed behind on the old passage. The
    new reading is held just before its commit, so the interleaving is the same on every run."""
    writer, importer = corpus_factory(), corpus_factory()
    _, (old_ports, _) = stored(writer, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    at_commit, go_on = threading.Event(), threading.Event()

    def hold(_conn: Any) -> None:
        if not at_commit.is_set():
            at_commit.set()
            assert go_on.wait(60)

    event.listen(writer.engine, "commit", hold)
    results: dict[str, Any] = {}

    def run(name: str, job: Callable[[], Any]) -> threading.Thread:
        def target() -> None:
            try:
                results[name] = job()
            except BaseException as exc:  # reported below, in the test's thread
                results[name] = exc

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread

    storing = run("store", lambda: writer.add_report(reading("1.1", (PORTS, COUNCILS))))
    try:
        assert at_commit.wait(60)
        importing = run("import", lambda: importer.add_labels_many([(old_ports, ["enforcement"])]))
        if writer.dialect == "postgresql":
            # Until the import has finished, or waits for the lock the storing transaction holds.
            deadline = time.monotonic() + 60
            with importer.engine.connect() as conn:
                waiting = text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND objid = :key AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                ).bindparams(key=PG_LOCK_LABELS)
                while (
                    importing.is_alive()
                    and not conn.execute(waiting).scalar()
                    and time.monotonic() < deadline
                ):
                    conn.rollback()
                    time.sleep(0.02)
        # (SQLite: the import's BEGIN IMMEDIATE waits for the storing transaction's commit in any case.)
    finally:
        go_on.set()
        storing.join(60)
        event.remove(writer.engine, "commit", hold)
    importing.join(60)
    assert not isinstance(results.get("store"), BaseException), results
    assert not isinstance(results.get("import"), BaseException), results
    new_id = results["store"]
    assert [p.report_id for p in writer.passages(PassageFilter(labels=("enforcement",)))] == [new_id]
    assert writer.labels_left_behind(new_id) == 0
    # The new reading's record of the labels it saw was taken under the same lock: not the import's.
    with writer.engine.connect() as conn:
        seen = conn.execute(select(Report.last_label_id).where(Report.id == new_id)).scalar_one()
    assert seen is not None and seen < results["import"][0]


@pytest.mark.parametrize("corrected", ["before the next reading", "after the next reading"])
def test_a_late_label_does_not_bypass_a_correction_through_an_identical_sibling(
    store: Corpus, corrected: str
) -> None:
    """v2 holds PORTS twice (one judgment); ben corrects one of them. A late label on v1 reaches the other
    (a copy, nobody's own label there), but ben's correction speaks for the two: it is what v3's passage
    holds, and the late label does not overwrite it there through the sibling."""
    _, (v1_ports, _) = stored(store, reading("1.0", (PORTS, COUNCILS)))
    store.add_labels(v1_ports, ["enforcement"], annotator="ana")
    twice = (PORTS, COUNCILS, PORTS.replace(" ", "\n", 2))
    v2, (corrected_ports, _, sibling) = stored(store, reading("1.1", twice))
    if corrected == "before the next reading":
        correction = store.add_labels(corrected_ports, ["prevention"], annotator="ben")
    v3, (v3_ports, _) = stored(store, reading("1.2", (PORTS, COUNCILS)))
    if corrected == "after the next reading":
        correction = store.add_labels(corrected_ports, ["prevention"], annotator="ben")
    assert (_labels(store, v3_ports), _carried_from(store, v3_ports)) == (["prevention"], correction)

    late = store.add_labels(v1_ports, ["transnational"], annotator="ana")
    assert (_labels(store, corrected_ports), _labels(store, sibling)) == (["prevention"], ["transnational"])
    assert _carried_from(store, sibling) == late
    assert (_labels(store, v3_ports), _carried_from(store, v3_ports)) == (["prevention"], correction)
    # v1's late label came over to v2 (the sibling's copy); at v3 the correction speaks for both siblings,
    # as it would had the late label been given before v3 was stored: nothing left behind.
    assert (store.labels_left_behind(v2), store.labels_left_behind(v3)) == (0, 0)
    # A reading stored after all that takes the correction too, and holds the one training example.
    v4, (v4_ports, _) = stored(store, reading("1.3", (PORTS, COUNCILS)))
    assert _labels(store, v4_ports) == ["prevention"] and store.labels_left_behind(v4) == 0
    assert _examples(store) == [(PORTS, ["prevention"], v4)]
    _assert_current_labels_equal_a_rebuild(store)


def test_a_late_label_left_behind_costs_one_match_when_its_reading_is_counted(
    store: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review finding: a late label on a passage the new reading dropped made every count of what came over
    # (labels_left_behind, labeled_examples) run a second full match, for good. Only a late copy can come
    # over without a label on the new reading; a person's own late label cannot.
    old_id, (ports, councils) = stored(store, reading("1.0", (PORTS, COUNCILS)))
    store.add_labels(ports, ["enforcement"])
    new_id, _ = stored(store, reading("1.1", (PORTS,)))  # the councils passage is gone
    store.add_labels(councils, ["prevention"])  # late, with nowhere to go
    calls = _count_calls(monkeypatch, "match_passages")
    assert store.labels_left_behind(new_id) == 1
    assert calls == [1]


# Two old readings of PORTS, both closest to the current one: a word glued (0.99) and the last seven words
# changed (0.91, too far behind to be a near-tie rival). Either alone gives it its label; with different
# labels neither does.
PORTS_CUT = " ".join([*PORTS.split()[:-7], "as", "before", "then"])


@pytest.mark.parametrize("withdrawn_by", ["a rival's label", "a relabel of the copy's source"])
def test_a_late_label_that_makes_the_match_withdraw_takes_back_an_earlier_late_copy(
    store: Corpus, withdrawn_by: str
) -> None:
    """A late label on v1 came over to v2's passage (a copy). A later label on v1 leaves the match
    ambiguous (two old passages closest to it with different labels): the copy was left in place, so v2, v3
    and v4 showed a label the match no longer gives them, and the two labels left behind counted as one."""
    _, (glued, cut, _) = stored(store, reading("1.0", (PORTS_READ_BETWEEN, PORTS_CUT, COUNCILS)))
    v2, (v2_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    v3, (v3_ports, _) = stored(store, reading("1.2", (PORTS.replace(" ", "\n", 3), COUNCILS)))
    store.add_labels(glued, ["prevention"], annotator="ana")
    assert (_labels(store, v2_ports), _labels(store, v3_ports)) == (["prevention"], ["prevention"])
    # A reading stored now copies v3's late copy: a copy of a copy taken back is taken back with it.
    v4, (v4_ports, _) = stored(store, reading("1.3", (PORTS, COUNCILS)))
    assert _labels(store, v4_ports) == ["prevention"]
    if withdrawn_by == "a relabel of the copy's source":
        store.add_labels(cut, ["prevention"], annotator="ben")  # alike: the two give it their label
        assert _labels(store, v3_ports) == ["prevention"]
        store.add_labels(glued, ["enforcement"], annotator="ana")
    else:
        store.add_labels(cut, ["enforcement"], annotator="ben")

    assert [store.latest_labels(p) for p in (v2_ports, v3_ports, v4_ports)] == [None, None, None]
    held = [_labels(store, glued), _labels(store, cut)]
    assert held in ([["prevention"], ["enforcement"]], [["enforcement"], ["prevention"]])
    # Both labels stay behind on v1, each a training example of its own.
    assert [store.labels_left_behind(r) for r in (v2, v3, v4)] == [2, 0, 0]
    assert sorted((t or "", lb) for t, lb, _ in _examples(store)) == sorted(
        zip((PORTS_READ_BETWEEN, PORTS_CUT), held, strict=True)
    )
    _assert_current_labels_equal_a_rebuild(store)
    # The match gives it a label again: it comes over again, on to v3 and v4.
    relabel = store.add_labels(cut, _labels(store, glued) or [], annotator="ben")
    assert _carried_from(store, v2_ports) == relabel
    assert _labels(store, v3_ports) == _labels(store, v4_ports) == _labels(store, glued)
    assert [store.labels_left_behind(r) for r in (v2, v3, v4)] == [0, 0, 0]
    _assert_current_labels_equal_a_rebuild(store)


def test_a_withdrawn_late_copy_gives_back_the_copy_made_at_store_time_whatever_the_order(
    store: Corpus,
) -> None:
    """Only the copies late labels made follow the match: the one made when v2 was stored stays (it is the
    match of then, which labels_came_over holds final), as does a person's own label. Two late labels on
    v1, a relabel of the copy's source and a different label on its rival: given in that order, the
    relabel's copy stayed on v2 (in the other order the relabel never carried); now v2 ends the same."""

    def late_labels(uri: str, relabel_first: bool) -> tuple[int, int, int]:
        _, (glued, cut, _) = stored(store, reading("1.0", (PORTS_READ_BETWEEN, PORTS_CUT, COUNCILS), uri))
        given = store.add_labels(glued, ["prevention"], annotator="ana")
        v2, (v2_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS), uri))
        late = [(glued, ["transnational"]), (cut, ["enforcement"])]
        for pid, labels in late if relabel_first else late[::-1]:
            store.add_labels(pid, labels, annotator="ben")
        return given, v2, v2_ports

    for relabel_first in (True, False):
        given, v2, v2_ports = late_labels(f"file:///reports/{relabel_first}.pdf", relabel_first)
        assert (_labels(store, v2_ports), _carried_from(store, v2_ports)) == (["prevention"], given)
        assert store.labels_left_behind(v2) == 2
    _assert_current_labels_equal_a_rebuild(store)

    _, (glued, cut, _) = stored(store, reading("1.0", (PORTS_READ_BETWEEN, PORTS_CUT, COUNCILS)))
    v2, (v2_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    own = store.add_labels(v2_ports, ["transnational"], annotator="cy")
    store.add_labels(glued, ["prevention"], annotator="ana")
    store.add_labels(cut, ["enforcement"], annotator="ben")
    assert store.latest_labels(v2_ports) == store.label_history(v2_ports)[0]
    assert store.label_history(v2_ports)[0].id == own
    _assert_current_labels_equal_a_rebuild(store)


def _history(store: Corpus, passage_id: int) -> list[tuple[list[str], int | None]]:
    """(labels, carried_from) of each label row of a passage, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(HumanLabel.labels, HumanLabel.carried_from)
            .where(HumanLabel.passage_id == passage_id)
            .order_by(HumanLabel.id)
        )
        return [(list(labels), carried) for labels, carried in rows]


@pytest.mark.parametrize("relabel_first", [True, False])
def test_a_taken_back_copy_leaves_no_copy_of_it_in_the_next_readings_history(
    store: Corpus, relabel_first: bool
) -> None:
    """v1 -> v2 -> v3, v2 and v3 holding copies made when they were stored. A late relabel on v1 came over
    to v2 and v3; a later label on its rival took v2's copy back, but v3, whose store-time copy the match
    gives it again, kept a copy of the deleted row (copying nothing) below a second store-time copy. Now
    v2 and v3 end with their store-time copies alone, as when the two late labels come the other way."""
    _, (glued, cut, _) = stored(store, reading("1.0", (PORTS_READ_BETWEEN, PORTS_CUT, COUNCILS)))
    given = store.add_labels(glued, ["prevention"], annotator="ana")
    _, (v2_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    _, (v3_ports, _) = stored(store, reading("1.2", (PORTS.replace(" ", "\n", 3), COUNCILS)))
    v2_copy = store.label_history(v2_ports)[0].id
    late = [(glued, ["transnational"]), (cut, ["enforcement"])]
    for pid, labels in late if relabel_first else late[::-1]:
        store.add_labels(pid, labels, annotator="ben")

    assert _history(store, v2_ports) == [(["prevention"], given)]
    assert _history(store, v3_ports) == [(["prevention"], v2_copy)]
    with store.engine.connect() as conn:
        ids = set(conn.execute(select(HumanLabel.id)).scalars())
        assert set(conn.execute(select(HumanLabel.carried_from)).scalars()) - {None} <= ids
    _assert_current_labels_equal_a_rebuild(store)


def test_a_label_on_a_near_tie_rival_closest_to_nothing_takes_back_a_late_copy(store: Corpus) -> None:
    """Two old passages near the current one: `near` (0.9, its closest) and `rival` (0.875, a near-tie,
    itself equally close to two other new passages, so closest to none). A late label on `near` came over;
    a later, different label on `rival` makes the match give the current passage nothing, but only the
    passages the labeled one is closest to were checked, so the copy stayed (in the other order it never
    came over)."""
    late = [("near", ["prevention"]), ("rival", ["enforcement"])]
    for near_first in (True, False):
        uri = f"file:///reports/tie-{near_first}.pdf"
        _, (near_id, rival_id, _) = stored(store, reading("1.0", TIE_V1, uri))
        store.add_labels(rival_id, ["prevention"])
        v2, (v2_current, *_) = stored(store, reading("1.1", TIE_V2, uri))
        ids = {"near": near_id, "rival": rival_id}
        for name, labels in late if near_first else late[::-1]:
            store.add_labels(ids[name], labels)
        assert store.latest_labels(v2_current) is None
        assert store.labels_left_behind(v2) == 2
    _assert_current_labels_equal_a_rebuild(store)


@pytest.mark.parametrize("near_first", [True, False])
def test_a_late_label_that_makes_a_rival_agree_gives_the_current_passage_the_label_whatever_the_order(
    store: Corpus, near_first: bool
) -> None:
    """`near` (closest to the current passage) and `rival` (a near-tie to it, closest to no new passage)
    labeled differently: the match gives the current passage nothing. A late label makes them agree; the
    match then gives it `near`'s label, not the one just given: the passage, holding nothing, was taken
    to hold that label "as it came over before" and skipped (nor was it looked at for a label on the
    rival, closest to nothing). So two late labels gave it the label only when `near`'s came last, and a
    relabel of the rival alone never did."""
    uri = f"file:///reports/agree-{near_first}.pdf"
    _, (near_id, rival_id, _) = stored(store, reading("1.0", TIE_V1, uri))
    store.add_labels(rival_id, ["enforcement"])
    v2, (v2_current, *_) = stored(store, reading("1.1", TIE_V2, uri))
    late = [(near_id, ["prevention"]), (rival_id, ["prevention"])]
    ids = {pid: store.add_labels(pid, labels) for pid, labels in (late if near_first else late[::-1])}
    assert (_labels(store, v2_current), _carried_from(store, v2_current)) == (["prevention"], ids[near_id])
    assert store.labels_left_behind(v2) == 1  # the rival's: closest to no new passage, it stays behind
    _assert_current_labels_equal_a_rebuild(store)

    # One late label alone: the rival relabeled to agree with `near`, labeled before v2 was stored.
    uri = "file:///reports/agree-relabel.pdf"
    _, (near_id, rival_id, _) = stored(store, reading("1.0", TIE_V1, uri))
    given = store.add_labels(near_id, ["prevention"])
    store.add_labels(rival_id, ["enforcement"])
    v2, (v2_current, *_) = stored(store, reading("1.1", TIE_V2, uri))
    assert store.latest_labels(v2_current) is None
    store.add_labels(rival_id, ["prevention"])
    assert (_labels(store, v2_current), _carried_from(store, v2_current)) == (["prevention"], given)
    assert store.labels_left_behind(v2) == 1
    _assert_current_labels_equal_a_rebuild(store)


@pytest.mark.parametrize("migration_era", [False, True], ids=["by-id", "by-clock"])
@pytest.mark.parametrize("rival_first", [True, False])
def test_a_late_copy_of_a_label_given_before_the_reading_was_stored_is_taken_back_too(
    store: Corpus, rival_first: bool, migration_era: bool
) -> None:
    """A late label on the rival makes it agree with `near`, labeled before v2 was stored: v2's passage
    takes a copy of that older label, a copy made late though its source is older than v2. A later label
    on `near` makes the match give it nothing again: the copy is taken back, as in the other order it never
    came, rather than kept as if v2's store had made it."""
    _, (near_id, rival_id, _) = stored(store, reading("1.0", TIE_V1))
    store.add_labels(near_id, ["prevention"])
    store.add_labels(rival_id, ["enforcement"])
    time.sleep(0.01)  # by-clock: the labels above given before the reading's stored_at, those below after
    v2, (v2_current, *_) = stored(store, reading("1.1", TIE_V2))
    if migration_era:  # stored before readings recorded the last label id: "given since" goes by the clocks
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE reports SET last_label_id = NULL WHERE id = :id"), {"id": v2})
    time.sleep(0.01)
    late = [(rival_id, ["prevention"]), (near_id, ["transnational"])]
    for pid, labels in late if rival_first else late[::-1]:
        store.add_labels(pid, labels)
    assert store.latest_labels(v2_current) is None
    assert store.labels_left_behind(v2) == 2
    _assert_current_labels_equal_a_rebuild(store)


def _ana_then_bob_on_the_first_reading(store: Corpus) -> int:
    """The ports report's first reading, its ports passage labeled by ana and then relabeled by bob; the
    passage's id."""
    _, (ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    store.add_labels(ports, ["enforcement"], annotator="ana")
    store.add_labels(ports, ["enforcement", "transnational"], annotator="bob")
    return ports


def test_export_history_reaches_back_to_labels_of_older_readings(
    store: Corpus, store_url: str, cli: Cli
) -> None:
    # A review: `label export --history` left out the labels a passage was given on the report's older
    # reading before its label came over (the copy keeps only the last one); they stayed in the store.
    old_ports = _ana_then_bob_on_the_first_reading(store)
    _, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    store.add_labels(old_ports, ["transnational"], annotator="cy")  # late: comes over too
    store.add_labels(new_ports, [], annotator="dee")
    code, out, err = cli("label", "export", "--history", "--db", store_url)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["annotator"], r["labels"]) for r in rows] == [
        ("ana", ["enforcement"]), ("bob", ["enforcement", "transnational"]), ("cy", ["transnational"]),
        ("dee", []),
    ]
    assert {(r["passage_id"], r["text"]) for r in rows} == {(new_ports, PORTS)}
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    # Without --history, the label in force alone, as before.
    code, out, _ = cli("label", "export", "--db", store_url)
    assert [(r["annotator"], r["labels"]) for r in map(json.loads, out.splitlines())] == [("dee", [])]


def test_export_history_reaches_back_across_three_readings(store: Corpus, store_url: str, cli: Cli) -> None:
    # A code review: after a third reading a copy's source is a copy itself; the walk stopped there.
    _ana_then_bob_on_the_first_reading(store)
    stored(store, reading("1.1", (PORTS_READ_BETWEEN, COUNCILS)))
    _, (third, _) = stored(store, reading("1.2", (PORTS, COUNCILS)))
    assert [row.annotator for row in store.label_lineage(third)] == ["ana", "bob"]
    code, out, _ = cli("label", "export", "--history", "--db", store_url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["passage_id"], r["annotator"]) for r in rows] == [(third, "ana"), (third, "bob")]


def test_export_history_lists_a_label_once_when_the_older_passage_is_exported_too(
    store: Corpus, store_url: str, cli: Cli
) -> None:
    # A code review: an older passage labeled again after its label came over (the new passage has a
    # person's own label, so the late one stays behind) is exported on its own, and its earlier labels
    # were listed twice, under it and under the new passage.
    old_ports = _ana_then_bob_on_the_first_reading(store)
    _, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    store.add_labels(new_ports, [], annotator="dee")
    store.add_labels(old_ports, ["prevention"], annotator="cy")
    code, out, _ = cli("label", "export", "--history", "--db", store_url)
    rows = [(r["passage_id"], r["annotator"]) for r in map(json.loads, out.splitlines())]
    assert sorted(who for _, who in rows) == ["ana", "bob", "cy", "dee"], rows
    assert (old_ports, "cy") in rows and (new_ports, "dee") in rows
