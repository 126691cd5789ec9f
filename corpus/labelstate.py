"""Keep current_labels (the effective labels) in step with human labels, predictions and promotions.

Effective labels of a passage = its latest human label when it has one (possibly the empty set),
else the labels the promoted model assigned. Callers run these inside their write transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import cast

from sqlalchemy import Connection, delete, exists, func, insert, literal, select

from corpus.schema import CurrentLabel, HumanLabel, ModelVersion, Passage, Prediction

HUMAN_SCORE = 1.0
_CHUNK = 500


def chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def promoted_model_id(conn: Connection) -> int | None:
    return conn.execute(select(ModelVersion.id).where(ModelVersion.promoted.is_(True))).scalar()


def set_human_labels(conn: Connection, passage_id: int, labels: Iterable[str]) -> None:
    """The passage's effective labels become exactly `labels`, whatever the model says."""
    conn.execute(delete(CurrentLabel).where(CurrentLabel.passage_id == passage_id))
    rows = [{"passage_id": passage_id, "label": lb, "score": HUMAN_SCORE, "origin": "human"} for lb in labels]
    if rows:
        conn.execute(insert(CurrentLabel), rows)


def refresh_model_labels(conn: Connection, passage_ids: Sequence[int] | None = None) -> None:
    """Recompute model-derived rows (all passages when `passage_ids` is None) from the promoted model."""
    model_id = promoted_model_id(conn)
    for ids in [None] if passage_ids is None else chunks(sorted(set(passage_ids))):
        stale = delete(CurrentLabel).where(CurrentLabel.origin == "model")
        if ids is not None:
            stale = stale.where(CurrentLabel.passage_id.in_(ids))
        conn.execute(stale)
        if model_id is None:
            continue
        fresh = select(Prediction.passage_id, Prediction.label, Prediction.score, literal("model")).where(
            Prediction.model_version_id == model_id,
            Prediction.assigned.is_(True),
            ~exists().where(HumanLabel.passage_id == Prediction.passage_id),
        )
        if ids is not None:
            fresh = fresh.where(Prediction.passage_id.in_(ids))
        conn.execute(insert(CurrentLabel).from_select(["passage_id", "label", "score", "origin"], fresh))


def same_words(text: str) -> str:
    """A passage's text with its whitespace made single spaces: two readings whose lines only break
    differently ("pagan\nextorsion" and "pagan extorsion") are the same passage to a person's label."""
    return " ".join(text.split())


def carry_labels_over(conn: Connection, old_reports: Sequence[int], new: Sequence[tuple[int, str]]) -> None:
    """A new version of a report keeps the human labels of passages whose words did not change (same
    text but for whitespace: `same_words`).

    Without this, re-ingesting an updated report would hide an analyst's corrections, since default
    queries show only the current version's passages.
    """
    latest = (
        select(func.max(HumanLabel.id))
        .where(HumanLabel.passage_id.is_not(None))
        .group_by(HumanLabel.passage_id)
    )
    old = conn.execute(
        select(
            Passage.text, HumanLabel.labels, HumanLabel.annotator, HumanLabel.origin, HumanLabel.created_at
        )
        .join(HumanLabel, HumanLabel.passage_id == Passage.id)
        .where(Passage.report_id.in_(old_reports), HumanLabel.id.in_(latest))
        .order_by(HumanLabel.id)
    ).all()
    by_words = {same_words(row.text): row for row in old}  # the most recently labeled copy wins
    for passage_id, text in new:
        row = by_words.get(same_words(text))
        if row is None:
            continue
        conn.execute(
            insert(HumanLabel),
            {"passage_id": passage_id, "labels": row.labels, "annotator": row.annotator, "origin": row.origin,
             "created_at": row.created_at},
        )  # fmt: skip
        set_human_labels(conn, passage_id, row.labels)


def rebuild(conn: Connection) -> None:
    """Recompute every row from scratch: the repair tool, and the yardstick tests hold the rest to."""
    conn.execute(delete(CurrentLabel))
    latest = (
        select(func.max(HumanLabel.id))
        .where(HumanLabel.passage_id.is_not(None))
        .group_by(HumanLabel.passage_id)
    )
    rows = conn.execute(select(HumanLabel.passage_id, HumanLabel.labels).where(HumanLabel.id.in_(latest)))
    for passage_id, labels in rows.all():
        set_human_labels(conn, cast(int, passage_id), labels)
    refresh_model_labels(conn)
