"""A report read again by a newer release's extractors replaces the older reading; labels and history stay."""

from __future__ import annotations

from corpus import Corpus, NewPassage, NewReport, PassageFilter, ReportPredictions

SHA = "e" * 64
OLD = ("Troops patrolled the border towns.", "The ministry opened youth centres in six districts.")
# The newer extractors cut the report differently: the first passage gains a sentence that the older
# ones dropped as a running header; the second comes out the same.
NEW = ("Annual report 2019. Troops patrolled the border towns.", OLD[1], "Extradition requests rose.")


def _reading(version: str, texts: tuple[str, ...], uri: str = "file:///reports/annual.pdf") -> NewReport:
    passages = [NewPassage(i, 1, 1, text, "en") for i, text in enumerate(texts, 1)]
    score = {"enforcement": 0.9, "prevention": 0.1, "transnational": 0.2}
    scores = {i: dict(score) for i in range(1, len(texts) + 1)}
    return NewReport(
        uri=uri, sha256=SHA, title=f"read by {version}", passages=passages, extractor_version=version,
        predictions=ReportPredictions("m1", scores),
    )  # fmt: skip


def _texts(store: Corpus, report_id: int) -> list[str]:
    return [p.text for p in store.passages(PassageFilter(report_id=report_id, include_superseded=True))]


def test_a_reading_by_other_extractors_is_not_whole(store: Corpus) -> None:
    store.add_report(_reading("1.0", OLD))
    assert store.has_whole_report(SHA, "1.0")
    assert not store.has_whole_report(SHA, "1.1")
    assert store.has_whole_report(SHA)  # no version asked about: whole as stored


def test_the_new_reading_supersedes_the_old_and_keeps_its_labels(store: Corpus) -> None:
    old_id = store.add_report(_reading("1.0", OLD))
    first, second = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(first.id, ["enforcement", "transnational"])
    store.add_labels(second.id, ["prevention"])

    new_id = store.add_report(_reading("1.1", NEW, uri="file:///elsewhere/annual.pdf"))

    assert new_id != old_id
    assert store.has_whole_report(SHA, "1.1") and not store.has_whole_report(SHA, "1.0")
    current = list(store.passages(PassageFilter()))
    assert [p.text for p in current] == list(NEW)  # queries show the new reading only
    # The unchanged passage keeps the person's label; the changed one starts from the model's.
    labels = {p.text: (p.labels, p.label_origin) for p in current}
    assert labels[OLD[1]] == (["prevention"], "human")
    assert labels[NEW[0]][1] != "human"
    # The old reading stays as history: superseded, its labels in place, its sha256 now the new row's.
    old = store.report(old_id)
    assert old.superseded_by == new_id and old.sha256 is None
    assert _texts(store, old_id) == list(OLD)
    assert store.report_by_sha256(SHA).id == new_id  # type: ignore[union-attr]
    assert [r.id for r in store.reports()] == [new_id]
    assert {r.id for r in store.reports(include_superseded=True)} == {old_id, new_id}

    # The same reading again is the same report; so is the old version's (it is history now).
    assert store.add_report(_reading("1.1", NEW)) == new_id
    assert len(list(store.reports(include_superseded=True))) == 2


def test_a_failure_is_tried_again_by_other_extractors(store: Corpus) -> None:
    store.record_failed_report("file:///broken.pdf", SHA, "no text layer", extractor_version="1.0")
    assert store.has_whole_report(SHA, "1.0") and not store.has_whole_report(SHA, "1.1")
    # A failed row is replaced outright (it holds no passages or labels).
    new_id = store.add_report(_reading("1.1", NEW))
    assert store.report(new_id).status == "ok"
    assert len(list(store.reports(include_superseded=True))) == 1
