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
    assert store.has_whole_report(SHA, "1.1") and not store.has_whole_report(SHA, "1.2")
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

    # The changed passage's label stayed with the old reading, and the store can say so.
    assert store.labels_left_behind(new_id) == 1 and store.labels_left_behind(old_id) == 0
    # Export and retraining see each judgment once: the carried label on its new passage, and the label
    # left behind on its old one (nothing else holds it); not the carried label's old copy.
    examples = sorted((e.text, tuple(e.labels), e.report_id) for e in store.labeled_examples())
    assert examples == [(OLD[1], ("prevention",), new_id), (OLD[0], ("enforcement", "transnational"), old_id)]

    # The same reading again is the same report; an older release's reading does not replace a newer
    # one (two releases sharing a store would take turns, and labels would be lost on each turn).
    assert store.add_report(_reading("1.1", NEW)) == new_id
    assert store.add_report(_reading("1.0", OLD)) == new_id
    assert store.has_whole_report(SHA, "1.0")
    assert len(list(store.reports(include_superseded=True))) == 2


def test_a_label_comes_over_to_a_passage_whose_lines_only_break_differently(store: Corpus) -> None:
    # The newer extractors join a title's two lines and break a sentence elsewhere: same words.
    old_texts = ("Why some firms pay\nextortion and others do not", "Police raided the market\nat dawn.")
    new_texts = ("Why some firms pay extortion and others do not", "Police raided\nthe market at  dawn.")
    old_id = store.add_report(_reading("1.0", old_texts))
    first, second = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(first.id, [])
    store.add_labels(second.id, ["enforcement"])

    new_id = store.add_report(_reading("1.1", new_texts))

    labels = {p.text: (p.labels, p.label_origin) for p in store.passages(PassageFilter())}
    assert labels == {new_texts[0]: ([], "human"), new_texts[1]: (["enforcement"], "human")}
    assert store.labels_left_behind(new_id) == 0
    examples = sorted((e.text, tuple(e.labels), e.report_id) for e in store.labeled_examples())
    assert examples == [(new_texts[1], ("enforcement",), new_id), (new_texts[0], (), new_id)]


def test_the_new_reading_stays_where_the_report_was(store: Corpus) -> None:
    # The same bytes at another path (a copy) are read first by the newer release: the report keeps its
    # place, so a later change to the copy does not hide it.
    old_id = store.add_report(_reading("1.0", OLD))
    new_id = store.add_report(_reading("1.1", NEW, uri="file:///copies/annual.pdf"))
    assert store.report(new_id).uri == "file:///reports/annual.pdf"
    assert store.report_by_uri("file:///reports/annual.pdf").id == new_id  # type: ignore[union-attr]
    assert store.report(old_id).superseded_by == new_id


def test_release_versions_compare_as_numbers() -> None:
    from corpus.report_rows import read_by_older_extractors

    assert read_by_older_extractors("1.9.2", "1.10.0") and not read_by_older_extractors("1.10.0", "1.9.2")
    assert read_by_older_extractors(None, "1.0.0") and not read_by_older_extractors("1.1.0", "1.1.0")
    assert read_by_older_extractors("x1", "1.1.0")  # not a release number: another reading


def test_a_failed_reread_keeps_the_old_reading_and_is_not_tried_again(store: Corpus) -> None:
    report_id = store.add_report(_reading("1.0", OLD))
    for _ in range(2):  # each run that fails again changes nothing more
        assert store.record_failed_report("file:///reports/annual.pdf", SHA, "over the time limit",
                                          extractor_version="1.1") == report_id  # fmt: skip
    row = store.report(report_id)
    assert row.status == "ok" and _texts(store, report_id) == list(OLD)
    assert row.warnings == [
        "extractors 1.1 could not read this report again (over the time limit); its passages are those "
        "extractors 1.0 read"
    ]
    assert store.has_whole_report(SHA, "1.1")  # done for 1.1: not extracted again on every run
    assert not store.has_whole_report(SHA, "1.2")  # the next release tries again


def test_a_failure_is_tried_again_by_other_extractors(store: Corpus) -> None:
    store.record_failed_report("file:///broken.pdf", SHA, "no text layer", extractor_version="1.0")
    assert store.has_whole_report(SHA, "1.0") and not store.has_whole_report(SHA, "1.1")
    # A failed row is replaced outright (it holds no passages or labels).
    new_id = store.add_report(_reading("1.1", NEW))
    assert store.report(new_id).status == "ok"
    assert len(list(store.reports(include_superseded=True))) == 1
