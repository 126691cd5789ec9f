"""The store's tables as a typed SQLAlchemy ORM. Migrations (corpus/migrations) create the same schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC (SQLite has no time zones), returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


# labels.id is named through a lightweight table(): HumanLabel is declared below Report.
_HIGHEST_LABEL_ID = (
    select(func.coalesce(func.max(column("id")), 0)).select_from(table("labels")).scalar_subquery()
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    location: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The NAME of an environment variable holding the PDF password, never the password itself.
    password_env: Mapped[str | None] = mapped_column(String(200), default=None)


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Nullable: a fetch can fail before there is content to hash. NULLs never collide in a unique index.
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    uri: Mapped[str] = mapped_column(Text, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(8))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))  # ok | empty | failed
    error: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[str]] = mapped_column(default=list)
    published: Mapped[dt.date | None] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The date queries filter and group on: published when known, else the day it was ingested.
    effective_date: Mapped[dt.date] = mapped_column(Date, index=True)
    extractor_version: Mapped[str | None] = mapped_column(String(40))
    # The tagger (extractors.tagging.TAGGER_VERSION) that found its passages' countries and programs, set
    # again by `citsec db retag`; NULL: not recorded (stored before migration 0011, or by a caller that
    # did not say), older than any.
    tagger_version: Mapped[int | None] = mapped_column(Integer, default=None)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    # Set when a newer version of the same uri is stored; queries show current versions by default.
    superseded_by: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )

    # The highest labels.id when the row was stored (0 when there was none), taken by the INSERT itself
    # (a subquery default): inside the storing transaction and under the label lock add_report holds, so
    # "was this label given before the reading was stored?" is `labels.id <= last_label_id`
    # (corpus.labelstate), not one machine's clock against another's. NULL on rows stored before
    # migration 0007: those fall back to comparing labels.created_at with ingested_at.
    last_label_id: Mapped[int | None] = mapped_column(Integer, default=_HIGHEST_LABEL_ID)

    passages: Mapped[list[Passage]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True, order_by="Passage.seq"
    )


class Passage(Base):
    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("report_id", "seq"), Index("ix_passages_lang", "lang"))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(10), default="text")
    char_start: Mapped[int] = mapped_column(Integer, default=0)
    char_end: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="passages")
    entities: Mapped[list[Entity]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Entity(Base):
    __tablename__ = "entities"
    __table_args__ = (
        Index("ix_entities_kind_key", "kind", "key", "passage_id"),  # filters: which passages name X
        Index("ix_entities_passage_kind", "passage_id", "kind", "key"),  # rows, stats: what a passage names
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    # What filters match on (corpus.filters.entity_key): the ISO code upper-cased, a program's name
    # case- and accent-folded (since migration 0010; before it, case-folded only).
    key: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int] = mapped_column(Integer, default=0)
    char_end: Mapped[int] = mapped_column(Integer, default=0)


class ModelVersion(Base):
    __tablename__ = "model_versions"
    # At most one promoted model, even with concurrent promoters.
    __table_args__ = (
        Index(
            "uq_model_versions_promoted",
            "promoted",
            unique=True,
            sqlite_where=text("promoted"),
            postgresql_where=text("promoted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    algorithm: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    training_size: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact: Mapped[bytes | None] = mapped_column(LargeBinary)
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The labeling rules (models.topic.LABEL_RULES_VERSION of the citsec that predicted) its stored
    # predictions were made under, the oldest when they differ: how scores became labels can change
    # between releases while the model stays the same. NULL when it has none, or when they were stored by
    # a caller that did not say (taken as this citsec's rules). Migration 0009 set "1" (rules unknown).
    label_rules: Mapped[str | None] = mapped_column(String(20), default=None)


class Prediction(Base):
    __tablename__ = "predictions"
    __table_args__ = (Index("ix_predictions_model_passage", "model_version_id", "passage_id"),)

    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    # The model's decision under its own thresholds; the store keeps it rather than re-deriving it.
    assigned: Mapped[bool] = mapped_column(Boolean)


class HumanLabel(Base):
    """A label set given by a person or imported gold; the latest one per passage wins."""

    __tablename__ = "labels"
    # AUTOINCREMENT on SQLite (migration 0008): a plain INTEGER PRIMARY KEY hands out max(id) + 1, so the
    # ids of deleted labels came back, and a label given after a reading was stored could get an id at or
    # below its last_label_id. PostgreSQL's sequence never goes back.
    __table_args__ = (Index("ix_labels_passage_id_id", "passage_id", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    passage_id: Mapped[int | None] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    text: Mapped[str | None] = mapped_column(Text)  # for labels on free text (imports, seed sets)
    lang: Mapped[str | None] = mapped_column(String(8))
    labels: Mapped[list[str]] = mapped_column(default=list)
    annotator: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(20), default="human")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A copy made when the report was stored again (corpus.labelstate.carry_labels_over): the label row
    # of the old passage it copies. None for a label a person or an import gave.
    carried_from: Mapped[int | None] = mapped_column(Integer)


class CurrentLabel(Base):
    """Denormalized effective labels (latest human label, else promoted model), one row per label held.

    Maintained by corpus.labelstate whenever predictions, promotions or human labels change, so that
    label filters over millions of passages are index lookups.
    """

    __tablename__ = "current_labels"
    __table_args__ = (Index("ix_current_labels_label_score", "label", "score"),)

    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), primary_key=True)
    label: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[float] = mapped_column(Float)  # 1.0 for human labels
    origin: Mapped[str] = mapped_column(String(10))  # human | model


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[str]] = mapped_column(default=list)
