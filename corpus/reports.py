"""Adding and reading reports (with their passages and entities)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from corpus.base import StoreBase
from corpus.engine import PG_LOCK_LABELS
from corpus.errors import CorpusError, first_line
from corpus.filters import entity_key
from corpus.labelstate import carry_labels_over, chunks, labels_came_over
from corpus.records import EntityChanges, NewEntity, NewReport, ReportPredictions, ReportRow
from corpus.registry import PredictionInput, write_predictions
from corpus.schema import Entity, HumanLabel, ModelVersion, Passage, Prediction, Report, utcnow
from corpus.taxonomy import ENTITY_KINDS

_MAX_ERROR_CHARS = 500


# Report.meta key: the newer extractors that failed to read a report an older version had read.
REREAD_FAILED = "reread_failed"


def read_by_older_extractors(stored: str | None, running: str) -> bool:
    """True when a reading by extractors `stored` (None: a store from before versions were kept) is older
    than one by `running`: dotted numbers compared as numbers ("1.10.0" > "1.9.2"). Only an older reading
    is replaced, so two releases sharing a store do not take turns re-reading each other's reports."""
    if stored is None:
        return True
    try:
        return _numbers(stored) < _numbers(running)
    except ValueError:  # not dotted numbers: the running release's reading wins only over another name
        return stored != running


def replaced_by_reading(stored: str | None, superseded_by: int | None, running: str | None) -> bool:
    """True for a stored report (read by extractors `stored`) that a reading by extractors `running`
    replaces: it is the current version and was read by older extractors."""
    return running is not None and superseded_by is None and read_by_older_extractors(stored, running)


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def one_line(message: str) -> str:
    """Errors are stored as one line, short enough to print in a table."""
    line = " ".join(str(message).split())
    return line if len(line) <= _MAX_ERROR_CHARS else line[: _MAX_ERROR_CHARS - 1] + "…"


class ReportsMixin(StoreBase):
    def add_report(self, report: NewReport) -> int:
        """Store a report, its passages, their entities and the model's predictions for them (when
        `report.predictions` carries them) in one transaction; returns the report id.

        Idempotent on sha256: the same content stored twice (even by concurrent writers) is one report;
        content stored without that model's predictions (by a run before they went into this same
        transaction) gets them for the passages whose text is unchanged. Content recorded as failed
        (record_failed_report) that reads now, e.g. an encrypted PDF once its password is known, is
        stored in place of its failed row.
        A new version at a uri already stored supersedes the older one in default queries.
        Predictions behave as in add_predictions: the first model of a store without a promoted one is
        promoted, and the effective labels follow at once.
        """
        _check_report(report)
        # Predictions touch the registry and current_labels, and a new reading carries the older one's
        # labels over: take the lock other label writers take, or a label written to the old reading
        # meanwhile would neither be seen here nor see the old reading superseded (left behind unseen).
        try:
            with self._write(PG_LOCK_LABELS) as conn:
                existing = _id_by_sha256(conn, report.sha256)
                if existing is not None and _is_failed(conn, existing):
                    # A failed row has no passages or labels: nothing is lost by replacing it.
                    conn.execute(delete(Report).where(Report.id == existing))
                    existing = None
                replaces: list[int] = []
                older = _older_reading(conn, existing, report) if existing is not None else None
                if older is not None:
                    # The same bytes, read again by newer extractors: the new reading supersedes the
                    # stored one (kept, with its labels, as history; its sha256 moves to the new row), as
                    # a new version at a uri does. It stays where the report was: a copy of the same
                    # bytes elsewhere does not move it.
                    conn.execute(update(Report).where(Report.id == older.id).values(sha256=None))
                    report = dataclasses.replace(report, uri=older.uri, source_id=older.source_id)
                    replaces, existing = [older.id], None
                if existing is not None:
                    if report.predictions is not None:
                        _complete_predictions(conn, existing, report, report.predictions)
                    return existing
                report_id, passage_ids = _insert_report(conn, report, replaces)
                if report.predictions is not None:
                    _write_report_predictions(conn, report, report.predictions, passage_ids)
                return report_id
        except IntegrityError as exc:
            # Another writer stored the same content between our check and our insert.
            with self._read() as conn:
                existing = _id_by_sha256(conn, report.sha256)
            if existing is None:
                raise CorpusError(f"cannot store report {report.uri}: {first_line(exc)}") from exc
            return existing

    def record_failed_report(
        self,
        uri: str,
        sha256: str | None,
        error: str,
        *,
        media_type: str | None = None,
        warnings: Sequence[str] = (),
        source_id: int | None = None,
        extractor_version: str | None = None,
        title: str | None = None,
    ) -> int:
        """Record that a report could not be fetched or extracted; returns its id.

        Content already stored under `sha256` keeps its row. A repeated failure updates the earlier
        failed row (same sha256, or same uri when there is no content to hash) instead of piling up.
        """
        now = utcnow()
        values: dict[str, Any] = {
            "uri": uri,
            "sha256": sha256,
            "title": title,
            "media_type": media_type,
            "status": "failed",
            "error": one_line(error) or "failed",
            "warnings": list(warnings),
            "ingested_at": now,
            "effective_date": now.date(),
            "extractor_version": extractor_version,
            "source_id": source_id,
            "pages": 0,
            "meta": {},
        }
        with self._write() as conn:
            if sha256 is not None:
                previous = conn.execute(
                    select(Report.id, Report.status).where(Report.sha256 == sha256)
                ).first()
            else:
                previous = conn.execute(
                    select(Report.id, Report.status).where(
                        Report.uri == uri, Report.sha256.is_(None), Report.status == "failed"
                    )
                ).first()
            if previous is not None:
                if previous.status == "failed":
                    conn.execute(update(Report).where(Report.id == previous.id).values(**values))
                elif extractor_version is not None:
                    _remember_failed_reread(conn, int(previous.id), extractor_version, values["error"])
                return int(previous.id)
            return int(conn.execute(insert(Report).returning(Report.id), values).scalar_one())

    def report_by_sha256(self, sha256: str) -> ReportRow | None:
        with self._read() as conn:
            row = conn.execute(_report_select().where(Report.sha256 == sha256)).first()
        return _report_row(row) if row else None

    def failed_among(self, sha256s: Iterable[str]) -> set[str]:
        """Those of these contents stored as failed reports (an ingest's unchanged reports that it did not
        try again), superseded ones included: the bytes failed, whatever their file became since."""
        failed: set[str] = set()
        with self._read() as conn:
            for chunk in chunks(sorted(set(sha256s))):
                rows = conn.execute(
                    select(Report.sha256).where(Report.sha256.in_(chunk), Report.status == "failed")
                )
                failed.update(sha for sha in rows.scalars() if sha is not None)
        return failed

    def has_whole_report(self, sha256: str, extractor_version: str | None = None) -> bool:
        """True when content with this sha256 needs no more work: stored as failed or empty, or stored
        with passages whose first carries the promoted model's prediction or a human label.

        add_report stores a report with its predictions in one transaction; stores written before
        that may hold a report without them. With `extractor_version` (the running extractors'), a
        current report read by another version is not whole either: reading it again may do better
        (add_report then stores the new reading in its place). One indexed query, whatever the store's
        size.
        """
        # correlate: without it, the copies of `first` inside the EXISTS clauses below took their own
        # FROM reports, and named the first passage of *any* report (one labeled passage anywhere made
        # every report whole).
        first = (
            select(Passage.id)
            .where(Passage.report_id == Report.id)
            .order_by(Passage.seq)
            .limit(1)
            .correlate(Report)
            .scalar_subquery()
        )
        promoted = select(ModelVersion.id).where(ModelVersion.promoted.is_(True)).scalar_subquery()
        predicted = exists().where(Prediction.passage_id == first, Prediction.model_version_id == promoted)
        labeled = exists().where(HumanLabel.passage_id == first)
        stmt = select(
            Report.status, Report.extractor_version, Report.superseded_by, Report.meta.label("meta"),
            first.label("first"), predicted.label("predicted"), labeled.label("labeled"),
        )
        with self._read() as conn:
            row = conn.execute(stmt.where(Report.sha256 == sha256)).first()
        if row is None:
            return False
        if (
            replaced_by_reading(row.extractor_version, row.superseded_by, extractor_version)
            and (row.meta or {}).get(REREAD_FAILED, {}).get("extractor_version") != extractor_version
        ):
            return False
        return row.status != "ok" or row.first is None or bool(row.predicted) or bool(row.labeled)

    def report_by_uri(self, uri: str) -> ReportRow | None:
        """The current (newest, not superseded) report stored from `uri`."""
        stmt = (
            _report_select()
            .where(Report.uri == uri)
            .order_by(Report.superseded_by.is_not(None), Report.id.desc())
        )
        with self._read() as conn:
            row = conn.execute(stmt.limit(1)).first()
        return _report_row(row) if row else None

    def report(self, report_id: int) -> ReportRow:
        """The report with this id; CorpusError when there is none."""
        with self._read() as conn:
            row = conn.execute(_report_select().where(Report.id == report_id)).first()
        if row is None:
            raise CorpusError(f"no report with id {report_id}")
        return _report_row(row)

    def reports(self, *, include_superseded: bool = False) -> Iterator[ReportRow]:
        """Reports in the order they were stored, failed ones included; streams."""
        stmt = _report_select().order_by(Report.id)
        if not include_superseded:
            stmt = stmt.where(Report.superseded_by.is_(None))
        with self._read() as conn:
            for row in conn.execute(stmt.execution_options(stream_results=True, yield_per=500)):
                yield _report_row(row)

    def replace_entities(self, tagged: Mapping[int, Sequence[NewEntity]]) -> EntityChanges:
        """Give each passage (by id) these entities in place of its stored ones, in one transaction: what
        `citsec db retag` writes after a newer tagger read the stored text again. A passage is rewritten
        when any mention differs (kind, name, surface text or place); the changes are counted by kind as
        (kind, value) gained and lost. A passage deleted meanwhile (its report replaced) is skipped."""
        for entities in tagged.values():
            _check_entities(entities)
        changes = EntityChanges()
        with self._write() as conn:
            stored: dict[int, list[tuple[str, str, str, str, int, int]]] = {}
            for chunk in chunks(sorted(tagged)):
                for (pid,) in conn.execute(select(Passage.id).where(Passage.id.in_(chunk))):
                    stored[int(pid)] = []
                rows = conn.execute(
                    select(Entity.passage_id, Entity.kind, Entity.key, Entity.value, Entity.text,
                           Entity.char_start, Entity.char_end)
                    .where(Entity.passage_id.in_(chunk))
                )  # fmt: skip
                for pid, *mention in rows:
                    stored[int(pid)].append(tuple(mention))  # type: ignore[arg-type]
            changed = []
            for passage_id, before in stored.items():
                after = [_mention(e) for e in tagged[passage_id]]
                if sorted(after) != sorted(before):
                    changed.append(passage_id)
                    changes.count({m[:2] for m in before}, {m[:2] for m in after})
            for chunk in chunks(changed):
                conn.execute(delete(Entity).where(Entity.passage_id.in_(chunk)))
            rows_out = [_entity_row(pid, e) for pid in changed for e in tagged[pid]]
            if rows_out:
                conn.execute(insert(Entity), rows_out)
        changes.passages = len(changed)
        return changes

    def labels_left_behind(self, report_id: int) -> int:
        """How many passages of the older versions `report_id` superseded carry a human label that did
        not come over to it: the new version has no passage with the same or nearly the same words (a
        changed file, or a report read again by newer extractors that cut it differently; the rule is
        corpus.passage_match's, which carry_labels_over follows too). Those labels stay with the old
        version, as history, out of the default queries."""
        with self._read() as conn:
            labeled, came_over = labels_came_over(conn, report_id)
        return sum(1 for passage_id in labeled if passage_id not in came_over)

    def delete_report(self, report_id: int) -> None:
        """Remove a report; its passages, entities, predictions and labels go with it."""
        with self._write() as conn:
            if conn.execute(delete(Report).where(Report.id == report_id)).rowcount == 0:
                raise CorpusError(f"no report with id {report_id}")


def _check_report(report: NewReport) -> None:
    if not report.sha256:
        raise CorpusError(f"report {report.uri} has no sha256")
    seqs = [p.seq for p in report.passages]
    if len(seqs) != len(set(seqs)):
        raise CorpusError(f"report {report.uri} has passages with the same seq")
    for passage in report.passages:
        _check_entities(passage.entities)


def _check_entities(entities: Sequence[NewEntity]) -> None:
    for entity in entities:
        if entity.kind not in ENTITY_KINDS:
            expected = ", ".join(ENTITY_KINDS)
            raise CorpusError(f"unknown entity kind {entity.kind!r}; expected one of {expected}")


def _mention(entity: NewEntity) -> tuple[str, str, str, str, int, int]:
    """A mention as stored: (kind, key, value, text, start, end)."""
    key = entity_key(entity.kind, entity.value)
    return (entity.kind, key, entity.value, entity.text, entity.start, entity.end)


def _id_by_sha256(conn: Connection, sha256: str) -> int | None:
    return conn.execute(select(Report.id).where(Report.sha256 == sha256)).scalar()


def _is_failed(conn: Connection, report_id: int) -> bool:
    return conn.execute(select(Report.status).where(Report.id == report_id)).scalar() == "failed"


def _remember_failed_reread(conn: Connection, report_id: int, extractor_version: str, error: str) -> None:
    """Newer extractors failed on a report an older version read: it keeps that reading, says so in its
    warnings, and counts as done for this version (has_whole_report), not retried on every run."""
    row = conn.execute(
        select(Report.extractor_version, Report.meta.label("meta"), Report.warnings)
        .where(Report.id == report_id)
    ).one()
    if not read_by_older_extractors(row.extractor_version, extractor_version):
        return
    meta = dict(row.meta or {})
    if meta.get(REREAD_FAILED, {}).get("extractor_version") == extractor_version:
        return
    meta[REREAD_FAILED] = {"extractor_version": extractor_version, "error": error}
    warning = (
        f"extractors {extractor_version} could not read this report again ({error}); "
        f"its passages are those extractors {row.extractor_version or 'of an older citsec'} read"
    )
    warnings = [*(row.warnings or []), warning]
    conn.execute(update(Report).where(Report.id == report_id).values(meta=meta, warnings=warnings))


def _older_reading(conn: Connection, report_id: int, report: NewReport) -> Any:
    """The stored report `report_id` (id, uri, source_id) when it is current and was read by older
    extractors than `report`; else None."""
    if report.extractor_version is None:
        return None
    row = conn.execute(
        select(Report.id, Report.uri, Report.source_id, Report.extractor_version, Report.superseded_by)
        .where(Report.id == report_id)
    ).one()
    replaced = replaced_by_reading(row.extractor_version, row.superseded_by, report.extractor_version)
    return row if replaced else None


def _insert_report(
    conn: Connection, report: NewReport, replaces: Sequence[int] = ()
) -> tuple[int, dict[int, int]]:
    """Insert the report, its passages and entities; returns its id and its passage ids by seq. The
    current reports at its uri, and those in `replaces`, become its older versions: superseded by it,
    their passages' human labels carried over to its passages of the same text."""
    now = utcnow()
    has_text = any(p.text.strip() for p in report.passages)
    status = report.status or ("ok" if has_text else "empty")
    error = report.error or (None if status == "ok" else "no text could be extracted")
    report_id = conn.execute(
        insert(Report).returning(Report.id),
        {
            "sha256": report.sha256,
            "uri": report.uri,
            "title": report.title,
            "media_type": report.media_type,
            "language": report.language,
            "pages": report.pages,
            "status": status,
            "error": one_line(error) if error else None,
            "warnings": list(report.warnings),
            "published": report.published,
            "author": report.author,
            "ingested_at": now,
            "effective_date": report.published or now.date(),
            "extractor_version": report.extractor_version,
            "meta": dict(report.metadata),
            "source_id": report.source_id,
        },
    ).scalar_one()
    older = (
        conn.execute(
            select(Report.id).where(
                Report.uri == report.uri, Report.id != report_id, Report.superseded_by.is_(None)
            )
        )
        .scalars()
        .all()
    )
    older = sorted({*older, *replaces})
    if older:
        conn.execute(update(Report).where(Report.id.in_(older)).values(superseded_by=report_id))
    if not report.passages:
        return int(report_id), {}
    passage_rows = [
        {
            "report_id": report_id,
            "seq": p.seq,
            "page_start": p.page_start,
            "page_end": p.page_end,
            "lang": p.lang,
            "kind": p.kind,
            "char_start": p.char_start,
            "char_end": p.char_end,
            "text": p.text,
        }
        for p in report.passages
    ]
    ids = (
        conn.execute(insert(Passage).returning(Passage.id, sort_by_parameter_order=True), passage_rows)
        .scalars()
        .all()
    )
    entity_rows = [
        _entity_row(passage_id, entity)
        for passage_id, passage in zip(ids, report.passages, strict=True)
        for entity in passage.entities
    ]
    if entity_rows:
        conn.execute(insert(Entity), entity_rows)
    if older:
        carry_labels_over(conn, older, [(pid, p.text) for pid, p in zip(ids, report.passages, strict=True)])
    return int(report_id), {p.seq: int(pid) for pid, p in zip(ids, report.passages, strict=True)}


def _write_report_predictions(
    conn: Connection, report: NewReport, predictions: ReportPredictions, passage_ids: Mapping[int, int]
) -> None:
    """The report's predictions, in its transaction: a seq or label the report lacks fails it whole."""
    rows: list[PredictionInput] = []
    for seq, scores in predictions.by_seq.items():
        passage_id = passage_ids.get(seq)
        if passage_id is None:
            raise CorpusError(f"predictions for report {report.uri} name passage seq {seq}, which it lacks")
        for label, value in scores.items():
            if isinstance(value, tuple):
                rows.append((passage_id, label, float(value[0]), bool(value[1])))
            else:
                rows.append((passage_id, label, float(value)))
    if rows:  # no passages, no model to register or promote
        write_predictions(conn, predictions.model_version, rows, predictions.thresholds)


def _complete_predictions(
    conn: Connection, report_id: int, report: NewReport, predictions: ReportPredictions
) -> None:
    """Give a stored report the model's predictions it lacks (stored by an older run, or killed between
    the report and its predictions when they were two transactions); passages whose text differs from
    the new extraction's (another extractor version) are left alone."""
    passages = select(Passage.id).where(Passage.report_id == report_id)
    done = exists().where(
        Prediction.passage_id.in_(passages),
        Prediction.model_version_id.in_(
            select(ModelVersion.id).where(ModelVersion.version == predictions.model_version)
        ),
    )
    if conn.execute(select(done)).scalar():
        return
    texts = {p.seq: p.text for p in report.passages}
    stored = conn.execute(select(Passage.seq, Passage.id, Passage.text).where(Passage.report_id == report_id))
    same = {row.seq: int(row.id) for row in stored if texts.get(row.seq) == row.text}
    kept = {seq: scores for seq, scores in predictions.by_seq.items() if seq in same}
    _write_report_predictions(
        conn, report, ReportPredictions(predictions.model_version, kept, predictions.thresholds), same
    )


def _entity_row(passage_id: int, entity: NewEntity) -> dict[str, Any]:
    return {
        "passage_id": passage_id,
        "kind": entity.kind,
        "text": entity.text,
        "value": entity.value,
        "key": entity_key(entity.kind, entity.value),
        "char_start": entity.start,
        "char_end": entity.end,
    }


def _report_select() -> Any:
    counts = (
        select(Passage.report_id, func.count().label("n_passages")).group_by(Passage.report_id).subquery()
    )
    return select(*Report.__table__.c, func.coalesce(counts.c.n_passages, 0).label("n_passages")).outerjoin(
        counts, counts.c.report_id == Report.id
    )


def _report_row(row: Row[Any]) -> ReportRow:
    r = row._mapping
    return ReportRow(
        id=r["id"],
        uri=r["uri"],
        title=r["title"],
        language=r["language"],
        pages=r["pages"],
        passages=int(r["n_passages"]),
        status=r["status"],
        error=r["error"],
        warnings=list(r["warnings"] or []),
        sha256=r["sha256"],
        published=r["published"],
        ingested_at=r["ingested_at"],
        media_type=r["media_type"],
        author=r["author"],
        extractor_version=r["extractor_version"],
        source_id=r["source_id"],
        superseded_by=r["superseded_by"],
    )
