"""The SQL store: schema, migrations, and the query API over reports and passages.

`Corpus` (and the label types `GivenLabel`, `Named`, `Placed`) are imported on first use: they bring
SQLAlchemy (~0.6 s), which code that only needs the store's plain parts (corpus.batches, corpus.taxonomy,
the records) should not pay for, `citsec tag` without a store among them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpus.errors import CorpusError, NoStoreError
from corpus.filters import STAT_FIELDS, PassageFilter, parse_date
from corpus.records import (
    DateSet,
    EntityChanges,
    IngestRunRow,
    LabelRow,
    ModelVersionRow,
    NewEntity,
    NewPassage,
    NewReport,
    PassageRow,
    PassageText,
    ReportPredictions,
    ReportRow,
    SourceRow,
)
from corpus.taxonomy import LABELS, NO_LABEL, validate_label_set, validate_labels

if TYPE_CHECKING:
    from corpus.labels import GivenLabel
    from corpus.store import Corpus
    from corpus.text_lookup import Named, Placed

__all__ = [
    "LABELS",
    "NO_LABEL",
    "STAT_FIELDS",
    "Corpus",
    "CorpusError",
    "DateSet",
    "EntityChanges",
    "GivenLabel",
    "IngestRunRow",
    "LabelRow",
    "ModelVersionRow",
    "Named",
    "NoStoreError",
    "NewEntity",
    "NewPassage",
    "NewReport",
    "PassageFilter",
    "PassageRow",
    "PassageText",
    "Placed",
    "ReportPredictions",
    "ReportRow",
    "SourceRow",
    "parse_date",
    "validate_label_set",
    "validate_labels",
]


def __getattr__(name: str) -> Any:
    if name == "Corpus":
        from corpus.store import Corpus

        return Corpus
    if name == "GivenLabel":
        from corpus.labels import GivenLabel

        return GivenLabel
    if name in ("Named", "Placed"):
        from corpus import text_lookup

        return getattr(text_lookup, name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")
