"""The SQL store: schema, migrations, and the query API over reports and passages."""

from corpus.errors import CorpusError
from corpus.filters import STAT_FIELDS, PassageFilter, parse_date
from corpus.records import (
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
from corpus.store import Corpus
from corpus.taxonomy import LABELS, NO_LABEL, validate_label_set, validate_labels

__all__ = [
    "LABELS",
    "NO_LABEL",
    "STAT_FIELDS",
    "Corpus",
    "CorpusError",
    "EntityChanges",
    "IngestRunRow",
    "LabelRow",
    "ModelVersionRow",
    "NewEntity",
    "NewPassage",
    "NewReport",
    "PassageFilter",
    "PassageRow",
    "PassageText",
    "ReportPredictions",
    "ReportRow",
    "SourceRow",
    "parse_date",
    "validate_label_set",
    "validate_labels",
]
