"""The model registry (versions, artifacts, promotion) and the predictions models make."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from corpus.base import StoreBase
from corpus.engine import PG_LOCK_LABELS, PG_LOCK_RELABEL
from corpus.errors import CorpusError, PromotedMeanwhile
from corpus.labelstate import chunks, promoted_model_id, refresh_model_labels
from corpus.records import ModelVersionRow
from corpus.schema import ModelVersion, Prediction, utcnow
from corpus.taxonomy import LABELS

DEFAULT_THRESHOLD = 0.5
_PLACEHOLDER = "unregistered"
_BATCH = 3000

PredictionInput = tuple[int, str, float] | tuple[int, str, float, bool]


class RegistryMixin(StoreBase):
    def add_model_version(
        self,
        version: str,
        algorithm: str,
        parameters: Mapping[str, Any],
        training_size: int,
        metrics: Mapping[str, Any],
        artifact: bytes | None,
        promoted: bool = False,
    ) -> ModelVersionRow:
        """Register a trained model (artifact bytes as saved by models/); promote it when asked."""
        values = {
            "algorithm": algorithm,
            "parameters": dict(parameters),
            "training_size": int(training_size),
            "metrics": dict(metrics),
            "artifact": artifact,
        }
        with self._write(PG_LOCK_LABELS) as conn:
            existing = conn.execute(
                select(ModelVersion.id, ModelVersion.algorithm).where(ModelVersion.version == version)
            ).first()
            if existing is not None and existing.algorithm != _PLACEHOLDER:
                raise CorpusError(f"model version {version!r} already exists")
            if existing is not None:  # registered implicitly by add_predictions: fill it in
                conn.execute(update(ModelVersion).where(ModelVersion.id == existing.id).values(**values))
            else:
                conn.execute(insert(ModelVersion), {"version": version, "created_at": utcnow(), **values})
            if promoted:
                _promote(conn, version)
        row = self.model_version(version)
        assert row is not None
        return row

    def model_versions(self) -> list[ModelVersionRow]:
        """Every registered version, newest first."""
        with self._read() as conn:
            rows = conn.execute(
                _version_select().order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc())
            )
            return [_version_row(r) for r in rows]

    def model_version(self, version: str) -> ModelVersionRow | None:
        with self._read() as conn:
            row = conn.execute(_version_select().where(ModelVersion.version == version)).first()
        return _version_row(row) if row else None

    def promoted_model(self) -> ModelVersionRow | None:
        """The model whose predictions are the effective labels (where no person labeled)."""
        with self._read() as conn:
            row = conn.execute(_version_select().where(ModelVersion.promoted.is_(True))).first()
        return _version_row(row) if row else None

    def model_artifact(self, version: str) -> bytes | None:
        with self._read() as conn:
            row = conn.execute(select(ModelVersion.artifact).where(ModelVersion.version == version)).first()
        if row is None:
            raise CorpusError(f"no model version {version!r}")
        return row.artifact

    def update_model_metrics(self, version: str, metrics: Mapping[str, Any]) -> None:
        """Merge `metrics` into a version's stored metrics (a retrain that took it again records its
        latest held-out judgment)."""
        with self._write() as conn:
            row = conn.execute(select(ModelVersion.metrics).where(ModelVersion.version == version)).first()
            if row is None:
                raise CorpusError(f"no model version {version!r}")
            merged = {**(row.metrics or {}), **metrics}
            conn.execute(update(ModelVersion).where(ModelVersion.version == version).values(metrics=merged))

    def check_writable(self) -> None:
        """CorpusError now, not after the work that would be stored (an ingest, a model version), when the
        store cannot be written: a role granted SELECT only, a SQLite store open read-only. Writes nothing."""
        with self._write() as conn:
            conn.execute(update(ModelVersion).where(text("1 = 0")).values(promoted=ModelVersion.promoted))

    def promote(self, version: str, *, judged_against: str | None = None) -> None:
        """Make `version` the promoted model; effective labels follow its predictions from now on. With
        `judged_against` (the version a retrain compared it with), PromotedMeanwhile when another version
        than that one has been promoted since: the comparison no longer holds."""
        with self._write(PG_LOCK_LABELS) as conn:
            if judged_against is not None:
                promoted = select(ModelVersion.version).where(ModelVersion.promoted.is_(True))
                now = conn.execute(promoted).scalar()
                if now is not None and now not in (judged_against, version):
                    raise PromotedMeanwhile(now)
            _promote(conn, version)

    def label_rules(self, version: str | None = None) -> str | None:
        """The labeling rules `version`'s stored predictions were made under (default: the promoted
        model's), the oldest when they differ; None when none are recorded (no predictions, or stored by a
        caller that did not say). Rules are models.topic.LABEL_RULES_VERSION of the citsec that
        predicted: the store keeps them, models decides what they mean."""
        chosen = ModelVersion.promoted.is_(True) if version is None else ModelVersion.version == version
        with self._read() as conn:
            found = conn.execute(select(ModelVersion.label_rules).where(chosen)).scalar()
        return None if found is None else str(found)

    def set_label_rules(self, version: str, rules: str) -> None:
        """Record that every stored prediction of `version` was made under `rules`: after it labeled
        every passage again. A version the registry does not have has no predictions: nothing to record."""
        with self._write() as conn:
            named = update(ModelVersion).where(ModelVersion.version == version)
            conn.execute(named.values(label_rules=rules))

    @contextlib.contextmanager
    def relabel_claim(self) -> Iterator[bool]:
        """Within the block, True when this process may label every stored passage again: on PostgreSQL,
        when no other process is doing it (a lock held until the block ends; two ingests after an upgrade
        would each do the whole store); on SQLite always (one writer at a time: the second waits and then
        finds nothing left to do)."""
        if self.dialect != "postgresql":
            yield True
            return
        with self._engine.connect() as conn:
            key = {"key": PG_LOCK_RELABEL}
            mine = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar())
            conn.commit()
            try:
                yield mine
            finally:
                if mine:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                    conn.commit()

    def predicted_label_rules(self, version: str | None = None) -> dict[str, str | None]:
        """The rules recorded for each model version that has stored predictions (or for `version`, when
        it has some): the versions whose rules a caller that just stored predictions may have to record."""
        predicted = select(Prediction.passage_id).where(Prediction.model_version_id == ModelVersion.id)
        stmt = select(ModelVersion.version, ModelVersion.label_rules).where(predicted.exists())
        if version is not None:
            stmt = stmt.where(ModelVersion.version == version)
        with self._read() as conn:
            return {name: rules for name, rules in conn.execute(stmt)}

    def add_predictions(
        self,
        model_version: str,
        rows: Iterable[PredictionInput],
        thresholds: Mapping[str, float] | None = None,
    ) -> int:
        """Store a model's (passage_id, label, score[, assigned]) rows; returns how many were stored.

        `assigned` is the model's own decision; when a row leaves it out, score >= thresholds[label]
        (default 0.5) decides. Re-predicting a passage replaces that model's earlier rows for it.
        A version not yet registered is registered as a placeholder (add_model_version fills it in
        later), and when the store has no promoted model yet, this one is promoted, so the labels of
        a first ingest are visible at once.
        """
        with self._write(PG_LOCK_LABELS) as conn:
            return write_predictions(conn, model_version, rows, thresholds)


def write_predictions(
    conn: Connection,
    model_version: str,
    rows: Iterable[PredictionInput],
    thresholds: Mapping[str, float] | None = None,
) -> int:
    """add_predictions inside the caller's write transaction (which holds PG_LOCK_LABELS on PostgreSQL):
    registers a placeholder for an unknown version, promotes the first model of a store without one,
    and keeps current_labels in step. Corpus.add_report uses it to store a report with its predictions.
    """
    limits = dict(thresholds or {})
    model_id = _model_id(conn, model_version, create=True)
    promoted = promoted_model_id(conn)
    if promoted is None:
        conn.execute(update(ModelVersion).where(ModelVersion.id == model_id).values(promoted=True))
        promoted = model_id
    touched: set[int] = set()
    stored = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        item = _prediction(model_id, row, limits)
        # Never split one passage's rows over two batches: the second would delete the first's rows.
        if len(batch) >= _BATCH and item["passage_id"] != batch[-1]["passage_id"]:
            stored += _store_predictions(conn, model_id, batch, touched)
            batch = []
        batch.append(item)
    if batch:
        stored += _store_predictions(conn, model_id, batch, touched)
    if promoted == model_id and touched:
        refresh_model_labels(conn, sorted(touched))
    return stored


def _promote(conn: Connection, version: str) -> None:
    model_id = _model_id(conn, version, create=False)
    conn.execute(update(ModelVersion).where(ModelVersion.promoted.is_(True)).values(promoted=False))
    conn.execute(update(ModelVersion).where(ModelVersion.id == model_id).values(promoted=True))
    refresh_model_labels(conn)


def _model_id(conn: Connection, version: str, *, create: bool) -> int:
    found = conn.execute(select(ModelVersion.id).where(ModelVersion.version == version)).scalar()
    if found is not None:
        return int(found)
    if not create:
        raise CorpusError(f"no model version {version!r}")
    values = {
        "version": version,
        "algorithm": _PLACEHOLDER,
        "created_at": utcnow(),
        "parameters": {},
        "metrics": {},
        "training_size": 0,
        "artifact": None,
        "promoted": False,
    }
    return int(conn.execute(insert(ModelVersion).returning(ModelVersion.id), values).scalar_one())


def _prediction(model_id: int, row: PredictionInput, limits: Mapping[str, float]) -> dict[str, Any]:
    passage_id, label, score = int(row[0]), str(row[1]), float(row[2])
    if label not in LABELS:
        raise CorpusError(f"unknown label {label!r} in predictions; expected one of {', '.join(LABELS)}")
    assigned = bool(row[3]) if len(row) > 3 else score >= limits.get(label, DEFAULT_THRESHOLD)
    return {
        "passage_id": passage_id,
        "model_version_id": model_id,
        "label": label,
        "score": score,
        "assigned": assigned,
    }


def _store_predictions(
    conn: Connection, model_id: int, batch: list[dict[str, Any]], touched: set[int]
) -> int:
    ids = sorted({row["passage_id"] for row in batch})
    for chunk in chunks(ids):
        conn.execute(
            delete(Prediction).where(
                Prediction.model_version_id == model_id, Prediction.passage_id.in_(chunk)
            )
        )
    # Later rows for the same (passage, label) in one batch win, as they would row by row.
    unique = {(row["passage_id"], row["label"]): row for row in batch}
    try:
        conn.execute(insert(Prediction), list(unique.values()))
    except IntegrityError as exc:
        raise CorpusError(
            f"predictions name a passage that is not in the store ({ids[0]}..{ids[-1]})"
        ) from exc
    touched.update(ids)
    return len(unique)


def _version_select() -> Any:
    # Neither the artifact nor a column stored after it but `promoted` (a 0 or 1 SQLite keeps in the row's
    # header): to read them SQLite walks the model's megabytes, and to test the artifact for NULL it loads
    # them, where its length comes from the header (6 ms a query, once per report an ingest stores).
    columns = [c for c in ModelVersion.__table__.c if c.name not in ("artifact", "label_rules")]
    return select(*columns, func.length(ModelVersion.artifact).is_not(None).label("has_artifact"))


def _version_row(row: Row[Any]) -> ModelVersionRow:
    r = row._mapping
    return ModelVersionRow(
        version=r["version"],
        created_at=r["created_at"],
        algorithm=r["algorithm"],
        parameters=dict(r["parameters"] or {}),
        training_size=int(r["training_size"]),
        metrics=dict(r["metrics"] or {}),
        promoted=bool(r["promoted"]),
        has_artifact=bool(r["has_artifact"]),
    )
