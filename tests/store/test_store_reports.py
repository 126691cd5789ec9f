"""Adding reports: idempotence, new versions, failures, and concurrent writers of the same content."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from corpus import Corpus, CorpusError, NewEntity, NewPassage, NewReport, PassageFilter

T = TypeVar("T")


def _report(
    sha: str, uri: str = "file:///a.pdf", texts: tuple[str, ...] = ("Border tunnel.", "Coffee harbor.")
) -> NewReport:
    passages = [
        NewPassage(i, i, i, t, "en", char_start=10 * i, char_end=10 * i + len(t))
        for i, t in enumerate(texts, 1)
    ]
    return NewReport(
        uri=uri, sha256=sha, title="T", media_type="application/pdf", language="en", pages=len(texts),
        published=dt.date(2020, 3, 1), author="Someone", extractor_version="x1", warnings=["w1"],
        passages=passages,
    )  # fmt: skip


def test_add_report_round_trips_every_field(store: Corpus) -> None:
    rid = store.add_report(_report("a" * 64))
    row = store.report(rid)
    assert row.to_json() == {
        "id": rid, "uri": "file:///a.pdf", "title": "T", "language": "en", "pages": 2, "passages": 2,
        "status": "ok", "error": None, "warnings": ["w1"], "sha256": "a" * 64, "published": "2020-03-01",
        "ingested_at": row.ingested_at.isoformat(),
    }  # fmt: skip
    assert (row.media_type, row.author, row.extractor_version) == ("application/pdf", "Someone", "x1")
    assert row.ingested_at.tzinfo is not None
    first = store.passage(next(store.passages()).id)
    assert (first.seq, first.kind, first.char_start, first.char_end) == (1, "text", 10, 24)


def test_same_content_twice_is_one_report(store: Corpus) -> None:
    first = store.add_report(_report("a" * 64))
    assert store.add_report(_report("a" * 64, uri="file:///copy.pdf")) == first
    assert len(list(store.reports(include_superseded=True))) == 1
    assert store.count_passages() == 2


def test_new_version_at_same_uri_supersedes_the_old_one(store: Corpus) -> None:
    old = store.add_report(_report("a" * 64))
    new = store.add_report(_report("b" * 64, texts=("Prison budget.",)))
    assert [r.id for r in store.reports()] == [new]
    assert {r.id for r in store.reports(include_superseded=True)} == {old, new}
    assert store.report_by_uri("file:///a.pdf").id == new  # type: ignore[union-attr]
    assert [p.text for p in store.passages()] == ["Prison budget."]
    assert store.count_passages(PassageFilter(report_id=old)) == 2  # asked for explicitly: still there
    assert store.count_passages(PassageFilter(search="tunnel")) == 0


def test_other_bytes_that_read_the_same_at_one_address_are_the_same_report(store: Corpus) -> None:
    # A page whose footer carries the time it was served: a new version of it every run (an ops review).
    first = store.add_report(_report("a" * 64))
    assert store.add_new_report(_report("b" * 64)) is None  # counted unchanged
    assert [r.id for r in store.reports(include_superseded=True)] == [first]
    assert store.report(first).sha256 == "b" * 64  # known by the bytes it was served as last
    # Another text or another address is another report.
    assert store.add_new_report(_report("c" * 64, texts=("Border tunnel.",))) not in (None, first)
    assert store.add_new_report(_report("d" * 64, uri="file:///b.pdf")) is not None


def test_the_same_reading_keeps_the_newer_extractors_stamp(store: Corpus) -> None:
    # Two releases sharing a store: the older one's identical reading must not mark the report as read by
    # older extractors, which the newer would then read again as a new version (a code review).
    import dataclasses

    first = store.add_report(dataclasses.replace(_report("a" * 64), extractor_version="1.10.0"))
    assert store.add_new_report(dataclasses.replace(_report("b" * 64), extractor_version="1.9.0")) is None
    assert store.report(first).extractor_version == "1.10.0"
    assert store.add_new_report(dataclasses.replace(_report("c" * 64), extractor_version="1.11.0")) is None
    assert store.report(first).extractor_version == "1.11.0"


def test_bytes_of_a_replaced_version_served_again_are_current_again(store: Corpus) -> None:
    # A rolling latest.pdf changed while its archive copy still serves the old bytes; a file put back.
    old = store.add_report(_report("a" * 64))
    first = next(iter(store.passages(PassageFilter(report_id=old))))
    store.add_labels(first.id, ["enforcement"], annotator="ana")
    newer = store.add_report(_report("b" * 64, texts=("Prison budget.",)))
    assert store.has_whole_report("a" * 64, "x1", uri="file:///archive/a.pdf") is False  # to read there
    assert store.has_whole_report("a" * 64, "x1", uri="file:///a.pdf") is True  # its own address: known
    assert store.has_whole_report("a" * 64) is True  # stored, by whichever reading
    archived = store.add_new_report(_report("a" * 64, uri="file:///archive/a.pdf"))
    assert archived not in (None, old, newer)
    current = {r.uri: r.id for r in store.reports()}
    assert current == {"file:///a.pdf": newer, "file:///archive/a.pdf": archived}
    assert store.report(archived).sha256 == "a" * 64 and store.report(old).sha256 is None
    again = [p for p in store.passages(PassageFilter(report_id=archived)) if p.text == first.text]
    assert [(p.labels, p.label_origin) for p in again] == [(["enforcement"], "human")]  # ana's, carried


def test_an_address_alternating_between_two_versions_stores_two(store: Corpus) -> None:
    # A code review: a server alternating between two builds (a stale CDN edge) must not store a version,
    # with a copy of every passage, at each change. At its own address a replaced version's bytes stay
    # known as that version (a file put back as it was stays on the newer one: a known gap).
    x, y = _report("a" * 64), _report("b" * 64, texts=("Prison budget.", "Coffee harbor."))
    ids = [store.add_new_report(x if i % 2 == 0 else y) for i in range(6)]
    assert None not in ids[:2] and ids[2:] == [None] * 4
    assert len(list(store.reports(include_superseded=True))) == 2
    assert [r.id for r in store.reports()] == [ids[1]]


def test_report_without_text_is_empty_with_a_reason(store: Corpus) -> None:
    rid = store.add_report(NewReport(uri="scan.pdf", sha256="c" * 64, pages=3, passages=[]))
    row = store.report(rid)
    assert (row.status, row.passages) == ("empty", 0)
    assert row.error


def test_failed_reports_are_recorded_once_and_updated(store: Corpus) -> None:
    first = store.record_failed_report("http://x/a.pdf", None, "timeout\nafter 30 s")
    again = store.record_failed_report("http://x/a.pdf", None, "HTTP 503")
    assert first == again
    row = store.report(first)
    assert (row.status, row.error, row.sha256) == ("failed", "HTTP 503", None)
    broken = store.record_failed_report("file:///b.pdf", "d" * 64, "not a PDF")
    assert store.report_by_sha256("d" * 64).id == broken  # type: ignore[union-attr]
    good = store.add_report(_report("e" * 64, uri="file:///c.pdf"))
    assert store.record_failed_report("file:///c.pdf", "e" * 64, "later failure") == good
    assert store.report(good).status == "ok"


def test_a_url_read_again_forgets_only_its_failed_fetches(store: Corpus) -> None:
    good = store.add_report(_report("a" * 64, uri="http://x/a.pdf"))
    outage = store.record_failed_report("http://x/a.pdf", None, "HTTP 503")
    broken = store.record_failed_report("http://x/a.pdf", "b" * 64, "not a PDF")  # bytes that failed: kept
    other = store.record_failed_report("http://x/other.pdf", None, "HTTP 404")
    assert store.forget_fetch_failures("http://x/a.pdf") == 1
    assert store.forget_fetch_failures("http://x/a.pdf") == 0
    with pytest.raises(CorpusError):
        store.report(outage)
    assert {store.report(rid).status for rid in (good, broken, other)} == {"ok", "failed"}


def test_content_recorded_as_failed_is_stored_once_it_reads(store: Corpus) -> None:
    # An encrypted PDF failed without its password; with the password the same bytes extract.
    store.record_failed_report("file:///enc.pdf", "f" * 64, "PDF is encrypted (password required)")
    stored = store.add_report(_report("f" * 64, uri="file:///enc.pdf"))
    row = store.report_by_sha256("f" * 64)
    assert row is not None and (row.id, row.status, row.error) == (stored, "ok", None) and row.passages
    assert [r.id for r in store.reports(include_superseded=True)] == [stored]  # the failed row is gone


def test_unknown_ids_are_user_errors(store: Corpus) -> None:
    with pytest.raises(CorpusError, match="no report with id 999"):
        store.report(999)
    with pytest.raises(CorpusError, match="no report with id 999"):
        store.passages(PassageFilter(report_id=999))
    with pytest.raises(CorpusError, match="no passage with id 5"):
        store.passage(5)


def test_entities_are_normalized_for_matching(store: Corpus) -> None:
    entities = [
        NewEntity("country", "México", "mx", 0, 6),
        NewEntity("program", "plan colombia", "Plan Colombia"),
    ]
    store.add_report(
        NewReport(uri="u", sha256="f" * 64, passages=[NewPassage(1, 1, 1, "México text", entities=entities)])
    )
    row = next(store.passages(PassageFilter(countries=("MX",), programs=("PLAN COLOMBIA",))))
    assert (row.countries, row.programs) == (["MX"], ["Plan Colombia"])
    with pytest.raises(CorpusError, match="unknown entity kind"):
        store.add_report(
            NewReport(
                uri="v",
                sha256="0" * 64,
                passages=[NewPassage(1, 1, 1, "x", entities=[NewEntity("city", "a", "a")])],
            )
        )


def test_replace_entities_rewrites_only_changed_passages(store: Corpus) -> None:
    texts = ("Bogotá and Caracas.", "Plain text.")
    rid = store.add_report(_report("8" * 64, texts=texts))
    first, second = (row.id for row in store.passages(PassageFilter(report_id=rid)))
    colombia, venezuela = NewEntity("country", "Colombia", "co"), NewEntity("country", "Venezuela", "VE")
    changes = store.replace_entities({first: [colombia, venezuela], second: []})
    assert (changes.passages, changes.added, changes.removed) == (1, {"country": 2}, {})
    assert next(store.passages(PassageFilter(countries=("VE",)))).id == first
    changes = store.replace_entities({first: [colombia, NewEntity("program", "Plan", "Plan X")]})
    assert (changes.passages, changes.added, changes.removed) == (1, {"program": 1}, {"country": 1})
    assert store.passage(first).countries == ["CO"] and store.passage(first).programs == ["Plan X"]
    assert store.replace_entities({first: [colombia, NewEntity("program", "Plan", "Plan X")]}).passages == 0
    # A new name for the same program (same key) is a rewrite, though no mention is gained or lost.
    renamed = store.replace_entities({first: [colombia, NewEntity("program", "Plan", "PLAN X")]})
    assert (renamed.passages, renamed.added, renamed.removed) == (1, {}, {})
    assert store.passage(first).programs == ["PLAN X"]
    # A passage deleted meanwhile (its report replaced by another ingest) is skipped.
    store.delete_report(rid)
    assert store.replace_entities({first: [colombia]}).passages == 0
    with pytest.raises(CorpusError, match="unknown entity kind"):
        store.replace_entities({second: [NewEntity("city", "a", "a")]})


def _at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run each call in a thread of its own, all released together; their results, in the calls' order
    (an error in any is raised here, in the test's thread)."""
    barrier = threading.Barrier(len(calls))
    results: list[T | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            barrier.wait()
            results[k] = calls[k]()
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]


def test_concurrent_writers_of_the_same_content_store_one_report(
    corpus_factory: Callable[[], Corpus],
) -> None:
    stores = [corpus_factory() for _ in range(4)]
    report = _report("9" * 64, texts=tuple(f"Passage {i} about the harbor." for i in range(200)))
    ids = _at_once([functools.partial(corpus.add_report, report) for corpus in stores])
    assert len(set(ids)) == 1
    assert len(list(stores[0].reports())) == 1
    assert stores[0].count_passages() == 200


def test_of_concurrent_writers_of_the_same_content_one_stored_it_new(
    corpus_factory: Callable[[], Corpus],
) -> None:
    # What a run counts: the writers that found it stored by another say so (None), one says it stored it.
    stores = [corpus_factory() for _ in range(4)]
    report = _report("8" * 64, texts=tuple(f"Passage {i} about the river port." for i in range(200)))
    ids = _at_once([functools.partial(corpus.add_new_report, report) for corpus in stores])
    assert len([i for i in ids if i is not None]) == 1 and ids.count(None) == 3
    assert stores[0].add_new_report(report) is None


def test_concurrent_writers_of_different_reports_all_land(corpus_factory: Callable[[], Corpus]) -> None:
    stores = [corpus_factory() for _ in range(3)]

    def write(corpus: Corpus, k: int) -> None:
        for j in range(5):
            corpus.add_report(_report(f"{k}{j}".ljust(64, "0"), uri=f"file:///{k}-{j}.pdf"))

    _at_once([functools.partial(write, corpus, k) for k, corpus in enumerate(stores)])
    assert stores[0].count_passages() == 30


def test_new_version_keeps_human_labels_of_unchanged_passages(store: Corpus) -> None:
    store.add_report(_report("a" * 64, texts=("Border tunnel.", "Coffee harbor.")))
    first, second = (p.id for p in store.passages())
    store.add_labels(first, ["enforcement"], annotator="ana")
    store.add_labels(second, ["prevention"], annotator="ana")
    store.add_report(_report("b" * 64, texts=("Border tunnel.", "Coffee harbor, revised.")))
    kept, changed = store.passages()
    assert (kept.text, kept.labels, kept.label_origin) == ("Border tunnel.", ["enforcement"], "human")
    assert store.latest_labels(kept.id).annotator == "ana"  # type: ignore[union-attr]
    assert (changed.labels, changed.label_origin) == ([], None)
    assert store.count_passages(PassageFilter(labels=("prevention",))) == 0
