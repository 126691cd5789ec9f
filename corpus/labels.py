"""Human and imported gold labels: adding them, their history, and the examples retraining reads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, insert, select

from corpus.base import StoreBase
from corpus.engine import PG_LOCK_LABELS
from corpus.errors import CorpusError
from corpus.labelstate import carry_late_labels, labels_came_over, rebuild, set_human_labels
from corpus.records import LabelRow
from corpus.schema import CurrentLabel, HumanLabel, Passage, Report, utcnow
from corpus.taxonomy import validate_labels

LABEL_ORIGINS: tuple[str, ...] = ("human", "gold", "import", "seed")


class LabelsMixin(StoreBase):
    def add_labels(
        self,
        passage_id: int,
        labels: Iterable[str],
        *,
        annotator: str | None = None,
        origin: str = "human",
    ) -> int:
        """Record a person's label set for a stored passage (empty = "discusses no strategy").

        It becomes the passage's effective labels at once, overriding the model. On a passage of a
        superseded reading it also comes over to the newer readings' passage that stands for it
        (corpus.labelstate.carry_late_labels), unless that passage has a person's own label. Returns the
        label id.
        """
        return self.add_labels_many([(passage_id, labels)], annotator=annotator, origin=origin)[0]

    def add_labels_many(
        self,
        items: Iterable[tuple[int, Iterable[str]]],
        *,
        annotator: str | None = None,
        origin: str = "human",
    ) -> list[int]:
        """Several (passage_id, labels) in one transaction, for imports; later items win. Labels on
        passages of superseded readings come over as in add_labels, one match per reading, not per label."""
        _check_origin(origin)
        checked = [(int(pid), validate_labels(labels)) for pid, labels in items]
        ids: list[int] = []
        with self._write(PG_LOCK_LABELS) as conn:
            wanted = {pid for pid, _ in checked}
            known = (
                set(conn.execute(select(Passage.id).where(Passage.id.in_(wanted))).scalars())
                if wanted
                else set()
            )
            missing = sorted(wanted - known)
            if missing:
                raise CorpusError(f"no passage with id {missing[0]}")
            for pid, labels in checked:
                row = {"passage_id": pid, "labels": labels, "annotator": annotator, "origin": origin}
                ids.append(int(conn.execute(insert(HumanLabel).returning(HumanLabel.id), row).scalar_one()))
                set_human_labels(conn, pid, labels)
            # A passage of a superseded reading (an id from an export made before the report was read
            # again): its label comes over to the current reading, as it would have at store time.
            carry_late_labels(conn, wanted)
        return ids

    def add_text_labels(
        self,
        text: str,
        labels: Iterable[str],
        *,
        lang: str | None = None,
        annotator: str | None = None,
        origin: str = "import",
    ) -> int:
        """Labels for a text that is not a stored passage (imported gold, seed sets): training data only."""
        _check_origin(origin)
        if not text.strip():
            raise CorpusError("a labeled text must not be empty")
        row = {
            "text": text,
            "lang": lang,
            "labels": validate_labels(labels),
            "annotator": annotator,
            "origin": origin,
            "created_at": utcnow(),
        }
        with self._write() as conn:
            return int(conn.execute(insert(HumanLabel).returning(HumanLabel.id), row).scalar_one())

    def latest_labels(self, passage_id: int) -> LabelRow | None:
        """The label set in force for a passage, or None when no person labeled it."""
        history = self.label_history(passage_id)
        return history[-1] if history else None

    def label_history(self, passage_id: int) -> list[LabelRow]:
        """Every label set given for a passage, oldest first."""
        stmt = (
            select(*HumanLabel.__table__.c).where(HumanLabel.passage_id == passage_id).order_by(HumanLabel.id)
        )
        with self._read() as conn:
            return [_label_row(row) for row in conn.execute(stmt)]

    def labeled_examples(self) -> Iterator[LabelRow]:
        """Training examples: each labeled passage once (its latest label, with its text and report), then
        each labeled free text once (its latest label).

        A passage of an older version of a report (a changed file, a report read again by newer
        extractors) whose label came over to the next version's passage with the same or nearly the same
        words (carry_labels_over, corpus.passage_match; or carry_late_labels for a label given to the old
        passage after the next version was stored) is left out: that passage stands for it. One whose
        label did not come over keeps its own: nothing else holds that judgment."""
        latest = (
            select(func.max(HumanLabel.id))
            .where(HumanLabel.passage_id.is_not(None))
            .group_by(HumanLabel.passage_id)
        )
        on_passages = (
            select(
                *[c for c in HumanLabel.__table__.c if c.name not in ("text", "lang")],
                Passage.text,
                Passage.lang,
                Passage.report_id,
                Report.superseded_by,
            )
            .join(Passage, Passage.id == HumanLabel.passage_id)
            .join(Report, Report.id == Passage.report_id)
            .where(HumanLabel.id.in_(latest))
            .order_by(HumanLabel.id)
        )
        # A text imported again (a corrected file) is one example: its latest label is the one in force.
        latest_free = (
            select(func.max(HumanLabel.id)).where(HumanLabel.passage_id.is_(None)).group_by(HumanLabel.text)
        )
        free = select(*HumanLabel.__table__.c).where(HumanLabel.id.in_(latest_free)).order_by(HumanLabel.id)
        with self._read() as conn:
            came_over: dict[int, frozenset[int]] = {}  # per next version: the old passages it stands for
            rows = conn.execute(on_passages).all()  # read whole: the loop below queries on this connection
            for row in rows:
                if row.superseded_by is not None:
                    next_version = int(row.superseded_by)
                    if next_version not in came_over:
                        came_over[next_version] = labels_came_over(conn, next_version)[1]
                    if row.passage_id in came_over[next_version]:
                        continue
                yield _label_row(row)
            for row in conn.execute(free.execution_options(stream_results=True, yield_per=1000)):
                yield _label_row(row)

    def text_label_history(self, text: str) -> list[LabelRow]:
        """Every label given to a free text (not a stored passage), oldest first."""
        stmt = (
            select(*HumanLabel.__table__.c)
            .where(HumanLabel.passage_id.is_(None), HumanLabel.text == text)
            .order_by(HumanLabel.id)
        )
        with self._read() as conn:
            return [_label_row(row) for row in conn.execute(stmt)]

    def count_labels(self) -> int:
        """How many passages carry a human label, plus labeled free texts."""
        with self._read() as conn:
            on_passages = conn.execute(select(func.count(func.distinct(HumanLabel.passage_id)))).scalar_one()
            free = conn.execute(
                select(func.count(func.distinct(HumanLabel.text))).where(HumanLabel.passage_id.is_(None))
            ).scalar_one()
        return int(on_passages) + int(free)

    def model_labels(self) -> dict[int, frozenset[str]]:
        """The labels each passage holds from the promoted model (no human label on it; a passage the
        model gives no label is not in it): what labeling the store again changes."""
        held: dict[int, set[str]] = {}
        stmt = select(CurrentLabel.passage_id, CurrentLabel.label).where(CurrentLabel.origin == "model")
        with self._read() as conn:
            for passage_id, label in conn.execute(stmt):
                held.setdefault(passage_id, set()).add(label)
        return {passage_id: frozenset(labels) for passage_id, labels in held.items()}

    def rebuild_current_labels(self) -> None:
        """Recompute every passage's effective labels from labels and predictions (a repair tool)."""
        with self._write(PG_LOCK_LABELS) as conn:
            rebuild(conn)


def _check_origin(origin: str) -> None:
    if origin not in LABEL_ORIGINS:
        raise CorpusError(f"unknown label origin {origin!r}; expected one of {', '.join(LABEL_ORIGINS)}")


def _label_row(row: Any) -> LabelRow:
    r = row._mapping
    return LabelRow(
        id=r["id"],
        passage_id=r["passage_id"],
        text=r["text"],
        lang=r["lang"],
        labels=list(r["labels"] or []),
        annotator=r["annotator"],
        origin=r["origin"],
        created_at=r["created_at"],
        report_id=r.get("report_id"),
    )
