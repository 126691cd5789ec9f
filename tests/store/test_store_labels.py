"""Effective labels: human over model, promotion, re-prediction, and the denormalized table's agreement."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from corpus import Corpus, CorpusError, NewPassage, NewReport, PassageFilter
from corpus.schema import CurrentLabel


def _store_passages(corpus: Corpus, n: int) -> list[int]:
    passages = [NewPassage(i, 1, 1, f"Passage number {i}.") for i in range(1, n + 1)]
    corpus.add_report(NewReport(uri="r", sha256="1" * 64, passages=passages))
    return [p.id for p in corpus.passages()]


def _current(corpus: Corpus) -> set[tuple[int, str, float, str]]:
    with corpus.engine.connect() as conn:
        rows = conn.execute(
            select(CurrentLabel.passage_id, CurrentLabel.label, CurrentLabel.score, CurrentLabel.origin)
        )
        return {(r[0], r[1], round(r[2], 6), r[3]) for r in rows}


def test_first_model_with_predictions_is_promoted(store: Corpus) -> None:
    pid = _store_passages(store, 1)[0]
    assert store.promoted_model() is None
    assert store.add_predictions("seed-1", [(pid, "prevention", 0.7), (pid, "enforcement", 0.2)]) == 2
    assert store.promoted_model().version == "seed-1"  # type: ignore[union-attr]
    assert store.passage(pid).labels == ["prevention"]


def test_model_decision_and_thresholds(store: Corpus) -> None:
    a, b = _store_passages(store, 2)
    store.add_predictions(
        "m", [(a, "prevention", 0.3), (b, "prevention", 0.3, True)], thresholds={"prevention": 0.25}
    )
    assert store.passage(a).labels == ["prevention"]  # threshold 0.25
    store.add_predictions("m", [(a, "prevention", 0.3, False)])  # the model's own decision wins
    assert store.passage(a).labels == []
    assert store.passage(a).scores == {"prevention": 0.3}


def test_human_label_overrides_model_and_latest_wins(store: Corpus) -> None:
    pid = _store_passages(store, 1)[0]
    store.add_predictions("m", [(pid, "enforcement", 0.9)])
    store.add_labels(pid, ["prevention", "transnational"], annotator="ana")
    assert store.passage(pid).labels == ["prevention", "transnational"]
    store.add_labels(pid, [], annotator="ben")  # "discusses no strategy"
    row = store.passage(pid)
    assert (row.labels, row.label_origin, row.scores) == ([], "human", {"enforcement": 0.9})
    store.add_predictions("m", [(pid, "enforcement", 0.95)])  # re-prediction does not undo a person
    assert store.passage(pid).labels == []
    history = store.label_history(pid)
    assert [h.labels for h in history] == [["prevention", "transnational"], []]
    assert store.latest_labels(pid).annotator == "ben"  # type: ignore[union-attr]
    assert store.count_passages(PassageFilter(labels=("none",))) == 1


def test_promotion_switches_effective_labels(store: Corpus) -> None:
    a, b = _store_passages(store, 2)
    store.add_predictions("m1", [(a, "enforcement", 0.9), (b, "enforcement", 0.1)])
    store.add_predictions("m2", [(a, "enforcement", 0.1), (b, "enforcement", 0.9)])
    assert [p.id for p in store.passages(PassageFilter(labels=("enforcement",)))] == [a]
    store.promote("m2")
    assert [p.id for p in store.passages(PassageFilter(labels=("enforcement",)))] == [b]
    assert store.passage(b).scores == {"enforcement": 0.9}
    assert [m.promoted for m in store.model_versions() if m.version == "m1"] == [False]
    with pytest.raises(CorpusError, match="no model version 'm9'"):
        store.promote("m9")


def test_label_mistakes_are_user_errors(store: Corpus) -> None:
    pid = _store_passages(store, 1)[0]
    with pytest.raises(CorpusError, match="unknown label 'crime'"):
        store.add_labels(pid, ["crime"])
    with pytest.raises(CorpusError, match="no passage with id 999"):
        store.add_labels(999, ["prevention"])
    with pytest.raises(CorpusError, match="unknown label 'crime'"):
        store.add_predictions("m", [(pid, "crime", 0.5)])
    with pytest.raises(CorpusError, match="not in the store"):
        store.add_predictions("m", [(999, "prevention", 0.5)])


def test_free_text_labels_and_training_examples(store: Corpus) -> None:
    a, b = _store_passages(store, 2)
    store.add_labels(a, ["enforcement"])
    store.add_labels(a, ["enforcement", "transnational"])
    store.add_text_labels("An imported sentence about truces.", ["prevention"], lang="en", origin="gold")
    examples = list(store.labeled_examples())
    assert [(e.passage_id, e.text, e.labels) for e in examples] == [
        (a, "Passage number 1.", ["enforcement", "transnational"]),
        (None, "An imported sentence about truces.", ["prevention"]),
    ]
    assert store.count_labels() == 2
    with pytest.raises(CorpusError, match="origin"):
        store.add_text_labels("x", [], origin="robot")


def test_incremental_label_state_equals_a_full_rebuild(store: Corpus) -> None:
    """Random interleavings of predictions, promotions and human labels keep current_labels right."""
    ids = _store_passages(store, 40)
    rng = random.Random(5)
    for step in range(30):
        action = rng.choice(("predict", "predict", "label", "promote"))
        if action == "predict":
            model = rng.choice(("m1", "m2"))
            rows = [
                (pid, lb, rng.random()) for pid in rng.sample(ids, 8) for lb in ("prevention", "enforcement")
            ]
            store.add_predictions(model, rows)
        elif action == "label":
            store.add_labels_many(
                [
                    (pid, rng.sample(["prevention", "enforcement", "transnational"], rng.randint(0, 2)))
                    for pid in rng.sample(ids, 3)
                ]
            )
        elif store.model_version("m2") and store.model_version("m1"):
            store.promote(rng.choice(("m1", "m2")))
        incremental = _current(store)
        store.rebuild_current_labels()
        assert _current(store) == incremental, step


def _reading(uri: str, version: str, texts: list[str]) -> NewReport:
    passages = [NewPassage(i, 1, 1, text) for i, text in enumerate(texts, 1)]
    return NewReport(uri=uri, sha256=f"{uri} {version}".encode().hex()[:64].ljust(64, "0"),
                     passages=passages, extractor_version=version)  # fmt: skip


def test_passages_are_found_by_their_words_current_readings_first(store: Corpus) -> None:
    """Corpus.passages_with_text: the same words (line breaks aside), every passage holding them, a text
    no passage holds left out; a text a current reading holds maps to it alone, not to a superseded one."""
    from corpus.text_lookup import passages_with_words

    store.add_report(_reading("a", "1", ["Raids in Rosario.", "A truce\nin San Pedro Sula.", "Old words."]))
    store.add_report(_reading("b", "1", ["Raids  in Rosario.", "Youth centres opened."]))
    store.add_report(_reading("a", "2", ["Raids in Rosario.", "A truce in San Pedro Sula."]))  # over a/1
    every = store.passages(PassageFilter(include_superseded=True))
    ids = {(row.report_id, row.text): row.id for row in every}
    raids = sorted(pid for (_, text), pid in ids.items() if " ".join(text.split()) == "Raids in Rosario.")
    asked = ["Raids in Rosario.", "A truce in San Pedro\nSula.", "Old   words.", "Never stored."]
    found = store.passages_with_text(asked)
    assert found == {
        "Raids in Rosario.": raids[1:],  # b's and a/2's, not a/1's
        "A truce in San Pedro\nSula.": [ids[(3, "A truce in San Pedro Sula.")]],
        "Old   words.": [ids[(1, "Old words.")]],  # only a superseded reading holds it
    }
    with store.engine.connect() as conn:  # read two passages at a time: the same answer
        assert passages_with_words(conn, asked, batch_size=2) == found
    assert store.passages_with_text([]) == {}


def test_an_import_keeps_each_items_annotator_and_says_which_items_changed(store: Corpus) -> None:
    from corpus.labels import GivenLabel

    a, b, c = _store_passages(store, 3)
    store.add_labels(a, ["prevention"], annotator="ana")  # by hand: origin "human"
    written = store.import_passage_labels([
        (a, GivenLabel(["prevention"], "ana", "human")),  # restates ana's label: nothing new
        (b, GivenLabel(["enforcement"], "ben")),  # no origin given: stored as an import
        (c, GivenLabel([], None, "human")),  # a file's "human" is kept, as its annotator is
        (b, GivenLabel(["enforcement"], "ben")),  # what the item before it just wrote: nothing new
        (b, GivenLabel(["enforcement"], "ben", "human")),  # the same set by another route: a new label
    ])  # fmt: skip
    assert [w is None for w in written] == [True, False, False, True, False]
    assert [(h.annotator, h.origin) for pid in (a, b, c) for h in store.label_history(pid)] == [
        ("ana", "human"), ("ben", "import"), ("ben", "human"), (None, "human")
    ]  # fmt: skip
    texts = store.import_text_labels([
        ("A truce.", "en", GivenLabel(["prevention"], "cy", "human")),
        ("A truce.", "en", GivenLabel(["prevention"], "cy", "human")),
        ("Raids.", None, GivenLabel(["enforcement"], None)),
    ])  # fmt: skip
    assert texts[1] is None and None not in (texts[0], texts[2])
    assert [(h.annotator, h.origin) for h in store.text_label_history("A truce.")] == [("cy", "human")]
    assert [h.origin for h in store.text_label_history("Raids.")] == ["import"]
    with pytest.raises(CorpusError, match="unknown label origin 'model'"):
        store.import_passage_labels([(a, GivenLabel(["prevention"], "ana", "model"))])


def test_a_label_goes_to_its_passage_or_else_to_the_passages_with_its_text(store: Corpus) -> None:
    from corpus import Named, Placed

    store.add_report(_reading("a", "1", ["Raids in Rosario.", "A truce."]))
    store.add_report(_reading("b", "1", ["A\ntruce."]))
    raids, truce, truce_b = [row.id for row in store.passages()]
    assert store.place_labels([
        Named(raids), Named(raids, "Raids  in\nRosario."),  # its own passage: by id
        Named(raids, "A truce."),  # another store's id for a text two reports hold here: which one?
        Named(999, "Raids in Rosario."), Named(999), Named(truce, "Never stored."),
    ]) == [
        Placed([raids]), Placed([raids]),
        Placed([], by_text=True, other_text=True, reports=2),
        Placed([raids], by_text=True), Placed([], by_text=True), Placed([], by_text=True, other_text=True),
    ]  # fmt: skip


def test_a_label_that_names_its_report_and_position_goes_there(store: Corpus) -> None:
    """The same words in two reports: a line that says which report (sha256) and where (seq) goes to that
    passage, whatever its id names; a line that does not say is placed by its id only while no line of
    the file has shown its ids to be another store's."""
    from corpus import Named, Placed

    store.add_report(_reading("a", "1", ["Raids in Rosario.", "Table 1"]))
    store.add_report(_reading("b", "1", ["A truce.", "Table 1"]))
    raids, table_a, truce, table_b = [row.id for row in store.passages()]
    sha_a, sha_b = store.passage_places([table_a])[table_a][0], store.passage_places([table_b])[table_b][0]
    assert store.passage_places([table_a, table_b, 999]) == {table_a: (sha_a, 2), table_b: (sha_b, 2)}
    assert store.place_labels([
        Named(table_a, "Table 1", sha_a, 2),  # its own passage, where it says: by id
        Named(table_a, "Table 1", sha_b, 2),  # another store's id: b's copy
        Named(table_b, "Table  1", sha_a, 2),
        Named(raids, "Table 1", sha_b, 9),  # no such place, and two reports hold the words: nowhere
    ]) == [
        Placed([table_a]), Placed([table_b], by_text=True), Placed([table_a], by_text=True),
        Placed([], by_text=True, other_text=True, reports=2),
    ]  # fmt: skip
    # No such place, and one report holds the words: there, by text.
    assert store.place_labels([Named(raids, "A truce.", sha_b, 9)]) == [
        Placed([truce], by_text=True, other_text=True)
    ]
    assert store.place_labels([Named(table_a, "Table 1"), Named(truce, "A truce.")]) == [
        Placed([table_a]), Placed([truce])
    ]  # fmt: skip
    assert store.place_labels([Named(table_a, "Table 1"), Named(truce, "Raids in Rosario.")]) == [
        Placed([], by_text=True, reports=2), Placed([raids], by_text=True, other_text=True)
    ]  # fmt: skip
