"""One report read again and again, for the tests of labels across readings (tests/labels, tests/store):
each reading of a uri supersedes the one stored before it there."""

from __future__ import annotations

import hashlib

from corpus import Corpus, NewPassage, NewReport, PassageFilter

PORTS = (
    "Between 2016 and 2022 the customs services of Ecuador, Colombia and Panama shared container manifests "
    "through a regional platform paid for by the European Union, and seizures of cocaine hidden in fruit "
    "shipments bound for Antwerp and Rotterdam rose fourfold, while the number of containers opened by "
    "hand at the three busiest terminals barely changed over the same period."
)
COUNCILS = (
    "The municipal violence prevention councils met every month with youth workers, parish priests and "
    "police commanders, and after two years the districts that kept them had fewer killings than those "
    "that let them lapse."
)


def reading(version: str, texts: tuple[str, ...], uri: str = "file:///reports/ports.pdf") -> NewReport:
    """A reading of the report at `uri` by extractors `version`: it supersedes the current one there."""
    passages = [NewPassage(i, 1, 1, t, "en") for i, t in enumerate(texts, 1)]
    return NewReport(
        uri=uri, sha256=hashlib.sha256(f"{uri} {version}".encode()).hexdigest(), title=version,
        passages=passages, extractor_version=version,
    )  # fmt: skip


def stored(store: Corpus, new: NewReport) -> tuple[int, list[int]]:
    """Store a reading; its id and its passages' ids in order."""
    report_id = store.add_report(new)
    return report_id, [p.id for p in store.passages(PassageFilter(report_id=report_id), by_report=True)]
