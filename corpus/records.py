"""Plain records that go into the store (New*) and come out of it (*Row): data only, no sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class NewEntity:
    """A tagged mention inside a passage; `value` is the ISO alpha-2 code or the canonical program name."""

    kind: str  # "country" | "program" | "organization" | "place" (a city or state; value = its country)
    text: str
    value: str
    start: int = 0  # character offsets into the passage text
    end: int = 0


@dataclass
class EntityChanges:
    """What re-tagging changed: passages rewritten, and mentions (one per passage and value) gained and
    lost, by kind."""

    passages: int = 0
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def count(self, before: set[tuple[str, str]], after: set[tuple[str, str]]) -> None:
        for kind, _ in after - before:
            self.added[kind] = self.added.get(kind, 0) + 1
        for kind, _ in before - after:
            self.removed[kind] = self.removed.get(kind, 0) + 1

    def merge(self, other: EntityChanges) -> None:
        self.passages += other.passages
        for mine, theirs in ((self.added, other.added), (self.removed, other.removed)):
            for kind, n in theirs.items():
                mine[kind] = mine.get(kind, 0) + n


@dataclass(frozen=True)
class NewPassage:
    """One passage of a report, as extraction and tagging produced it."""

    seq: int
    page_start: int
    page_end: int
    text: str
    lang: str | None = None
    kind: str = "text"  # "text" | "table" | "reference" (extractors.document.PASSAGE_KINDS)
    char_start: int = 0
    char_end: int = 0
    entities: tuple[NewEntity, ...] | list[NewEntity] = ()


@dataclass(frozen=True)
class ReportPredictions:
    """A model's predictions for a report's passages, stored with the report by Corpus.add_report.

    `by_seq` maps a passage's seq to {label: score} or {label: (score, assigned)}; `assigned` is the
    model's own decision, else score >= thresholds.get(label, 0.5) decides (as in add_predictions).
    """

    model_version: str
    by_seq: Mapping[int, Mapping[str, float | tuple[float, bool]]]
    thresholds: Mapping[str, float] | None = None


@dataclass(frozen=True)
class NewReport:
    """A report with its passages, their entities and (optionally) a model's predictions for them,
    stored in one transaction by Corpus.add_report."""

    uri: str
    sha256: str
    title: str | None = None
    media_type: str | None = None
    language: str | None = None
    pages: int = 0
    published: dt.date | None = None
    author: str | None = None
    extractor_version: str | None = None
    tagger_version: int | None = None  # the tagger that found the passages' entities
    warnings: tuple[str, ...] | list[str] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    passages: tuple[NewPassage, ...] | list[NewPassage] = ()
    source_id: int | None = None
    # "ok" when passages carry text; "empty" when the report has none (image-only PDFs, blank pages).
    status: str | None = None
    error: str | None = None
    predictions: ReportPredictions | None = None


# Report.meta key: {"by": annotator or null, "at": ISO time it was set, "read": the date the report's
# reading gave, ISO or null}. The report's `published` column holds the person's date.
DATE_SET = "date_set"


@dataclass(frozen=True)
class DateSet:
    """A person's date for a report (Corpus.set_report_date): who set it and when, and the date the
    report's own reading gave (None: it read as undated)."""

    by: str | None
    at: dt.datetime
    read: dt.date | None

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any] | None) -> DateSet | None:
        entry = (meta or {}).get(DATE_SET)
        if not isinstance(entry, Mapping):
            return None
        read = entry.get("read")
        at = dt.datetime.fromisoformat(entry["at"])
        return cls(entry.get("by"), at, dt.date.fromisoformat(read) if read else None)

    def to_meta(self) -> dict[str, Any]:
        read = self.read.isoformat() if self.read else None
        return {"by": self.by, "at": self.at.isoformat(), "read": read}


@dataclass(frozen=True)
class ReportRow:
    """A stored report; `to_json` gives exactly the fields of `citsec reports --format json`."""

    id: int
    uri: str
    title: str | None
    language: str | None
    pages: int
    passages: int
    status: str
    error: str | None
    warnings: list[str]
    sha256: str | None
    published: dt.date | None
    ingested_at: dt.datetime
    media_type: str | None = None
    author: str | None = None
    extractor_version: str | None = None
    source_id: int | None = None
    superseded_by: int | None = None
    date_set: DateSet | None = None  # who set `published` by hand (Corpus.set_report_date), when

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uri": self.uri,
            "title": self.title,
            "language": self.language,
            "pages": self.pages,
            "passages": self.passages,
            "status": self.status,
            "error": self.error,
            "warnings": list(self.warnings),
            "sha256": self.sha256,
            "published": self.published.isoformat() if self.published else None,
            "ingested_at": self.ingested_at.isoformat(),
        }


class PassageText(NamedTuple):
    """What classifying or tagging a stored passage needs (Corpus.iter_passage_texts)."""

    id: int
    text: str
    lang: str | None
    report_id: int
    kind: str


@dataclass(frozen=True)
class PassageRow:
    """A stored passage with its effective labels; `to_json` gives the fields of `citsec passages`."""

    id: int
    report_id: int
    report_title: str | None
    seq: int
    page_start: int
    page_end: int
    lang: str | None
    text: str
    kind: str
    char_start: int
    char_end: int
    labels: list[str]
    scores: dict[str, float]
    countries: list[str]
    programs: list[str]
    label_origin: str | None = None  # "human" | "model" | None (no label and no prediction)
    report_sha256: str | None = None  # the report file's sha256: with seq, a key that survives a rebuild
    model: str | None = None  # the version of the promoted model whose scores these are (None: unscored)
    report_published: dt.date | None = None  # the report's publication date (None: undated)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "report_id": self.report_id,
            "report_title": self.report_title,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "lang": self.lang,
            "text": self.text,
            "labels": list(self.labels),
            "scores": dict(self.scores),
            "countries": list(self.countries),
            "programs": list(self.programs),
            "label_origin": self.label_origin,
            # Beyond DESIGN.md's fields too: the model whose scores (and, unless a person's, labels) these
            # are, as `tag` names it: a retrain changes them, and an export should say whose they were.
            "model": self.model,
            # Beyond DESIGN.md's fields: the report file's sha256 and the passage's place in it (1, 2, ...:
            # together a key that survives a rebuilt store, where ids follow the order reports were stored,
            # as `label export` uses), and what it is ("text", "table", or "reference": a reference list,
            # which the model never labels).
            "report_sha256": self.report_sha256,
            "seq": self.seq,
            "kind": self.kind,
            # And the report's publication date (null when undated, as `stats --by year` counts it; --since
            # and --until place such a report on the day it was ingested).
            "report_published": self.report_published.isoformat() if self.report_published else None,
        }


@dataclass(frozen=True)
class LabelRow:
    """One human (or imported gold) label set, for a stored passage or for free text."""

    id: int
    passage_id: int | None
    text: str | None
    lang: str | None
    labels: list[str]
    annotator: str | None
    origin: str
    created_at: dt.datetime
    report_id: int | None = None  # the labeled passage's report (labeled_examples); None for free text
    kind: str | None = None  # the labeled passage's kind (labeled_examples); None for free text
    carried_from: int | None = None  # a copy's source label, on a passage of an older reading


@dataclass(frozen=True)
class ModelVersionRow:
    """A classifier version in the registry; the artifact bytes are fetched separately."""

    version: str
    created_at: dt.datetime
    algorithm: str
    parameters: dict[str, Any]
    training_size: int
    metrics: dict[str, Any]
    promoted: bool
    has_artifact: bool


@dataclass(frozen=True)
class SourceRow:
    """A registered source: a folder, URL or feed that ingest can pull by name."""

    id: int
    name: str
    location: str
    kind: str
    created_at: dt.datetime
    password_env: str | None = None  # name of the environment variable holding the PDF password


@dataclass(frozen=True)
class IngestRunRow:
    """One run of the ingest flow: when, why, and what it did."""

    id: int
    trigger: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    counts: dict[str, int]
    errors: list[str]
