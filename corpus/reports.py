"""Adding and reading reports (with their passages and entities)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Row, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from corpus.base import StoreBase
from corpus.engine import PG_LOCK_LABELS
from corpus.errors import CorpusError, first_line
from corpus.labelstate import chunks, labels_came_over
from corpus.records import DateSet, EntityChanges, NewEntity, NewReport, ReportRow
from corpus.report_dates import set_date
from corpus.report_rows import (
    REREAD_FAILED,
    check_entities,
    check_report,
    complete_predictions,
    id_by_sha256,
    insert_report,
    is_failed,
    older_reading,
    one_line,
    read_by_older_extractors,
    remember_failed_reread,
    replaced_by_reading,
    replaced_version_uri,
    rewrite_entities,
    same_reading_at_uri,
    stored_mention,
    tag_reading_again,
    write_report_predictions,
)
from corpus.schema import Entity, HumanLabel, ModelVersion, Passage, Prediction, Report, utcnow


class Replaced(NamedTuple):
    """What storing a new version of a report did to the versions before it (Corpus.versions_replaced)."""

    versions: int  # older versions it superseded
    carried: int  # their labeled passages whose label came over to it
    left: int  # those whose label stayed with the old version


class ReportsMixin(StoreBase):
    def add_report(self, report: NewReport) -> int:
        """The report's id once stored (add_new_report), whoever stored it."""
        report_id, _ = self._add_report(report)
        return report_id

    def add_new_report(self, report: NewReport) -> int | None:
        """As add_report, but None when the store held these bytes already, with these predictions
        (another writer stored them between a caller's check and this call): what a run counts as
        unchanged, not new. Bytes stored without them (a run killed between two transactions) that get
        them now count as stored."""
        report_id, new = self._add_report(report)
        return report_id if new else None

    def _add_report(self, report: NewReport) -> tuple[int, bool]:
        """Store a report, its passages, their entities and the model's predictions for them (when
        `report.predictions` carries them) in one transaction; returns the report id.

        Idempotent on sha256: the same content stored twice (even by concurrent writers) is one report;
        content stored without that model's predictions (by a run before they went into this same
        transaction) gets them for the passages whose text is unchanged. Content recorded as failed
        (record_failed_report) that reads now, e.g. an encrypted PDF once its password is known, is
        stored in place of its failed row.
        A new version at a uri already stored supersedes the older one in default queries.
        Predictions behave as in add_predictions: the first model of a store without a promoted one is
        promoted, and the effective labels follow at once. Says whether this call stored it (or its
        missing predictions).
        """
        check_report(report)
        # Predictions touch the registry and current_labels, and a new reading carries the older one's
        # labels over: take the lock other label writers take, or a label written to the old reading
        # meanwhile would neither be seen here nor see the old reading superseded (left behind unseen).
        try:
            with self._write(PG_LOCK_LABELS) as conn:
                existing = id_by_sha256(conn, report.sha256)
                if existing is not None and is_failed(conn, existing):
                    # A failed row has no passages or labels: nothing is lost by replacing it.
                    conn.execute(delete(Report).where(Report.id == existing))
                    existing = None
                replaces: list[int] = []
                older = older_reading(conn, existing, report) if existing is not None else None
                if older is not None:
                    # The same bytes, read again by newer extractors: the new reading supersedes the
                    # stored one (kept, with its labels, as history; its sha256 moves to the new row), as
                    # a new version at a uri does. It stays where the report was: a copy of the same
                    # bytes elsewhere does not move it.
                    conn.execute(update(Report).where(Report.id == older.id).values(sha256=None))
                    report = dataclasses.replace(report, uri=older.uri, source_id=older.source_id)
                    replaces, existing = [older.id], None
                elif existing is not None and replaced_version_uri(conn, existing) not in (None, report.uri):
                    # The bytes of a version a newer one replaced, served at another address that still
                    # serves them (a rolling latest.pdf changed, its archive copy did not): current again
                    # there, a new version carrying the labels of the row it replaces, whose sha256 moves
                    # to it. (At its own address, a file put back as it was, the bytes stay known as that
                    # older version: has_whole_report calls them whole there.)
                    conn.execute(update(Report).where(Report.id == existing).values(sha256=None))
                    replaces, existing = [existing], None
                same = same_reading_at_uri(conn, report) if existing is None and not replaces else None
                if same is not None:
                    # Other bytes that read as the current version at this address (a page's footer with
                    # the time it was served): that version stays, now known by these bytes (and read by
                    # these extractors, unless it was by newer ones).
                    existing = int(same.id)
                    stamp = {"sha256": report.sha256}
                    if report.extractor_version is not None and read_by_older_extractors(
                        same.extractor_version, report.extractor_version
                    ):
                        stamp["extractor_version"] = report.extractor_version
                    conn.execute(update(Report).where(Report.id == existing).values(**stamp))
                    if report.tagger_version is not None and (
                        same.tagger_version is None or same.tagger_version < report.tagger_version
                    ):
                        # Tagged by an older tagger (the newer release's retag not yet run): the tags
                        # computed for these bytes are the newer tagger's, and take its place.
                        tag_reading_again(conn, existing, report)
                if existing is not None:
                    completed = report.predictions is not None and complete_predictions(
                        conn, existing, report, report.predictions
                    )
                    return existing, completed
                report_id, passage_ids = insert_report(conn, report, replaces)
                if report.predictions is not None:
                    write_report_predictions(conn, report, report.predictions, passage_ids)
                return report_id, True
        except IntegrityError as exc:
            # Another writer stored the same content between our check and our insert.
            with self._read() as conn:
                existing = id_by_sha256(conn, report.sha256)
            if existing is None:
                raise CorpusError(f"cannot store report {report.uri}: {first_line(exc)}") from exc
            return existing, False

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
                    remember_failed_reread(conn, int(previous.id), extractor_version, values["error"])
                return int(previous.id)
            return int(conn.execute(insert(Report).returning(Report.id), values).scalar_one())

    def forget_fetch_failures(self, uri: str) -> int:
        """Remove the failed rows of `uri` that hold no content (fetches that failed: a server's outage),
        once the URL has been read again; how many there were. Each run's errors stay in ingest_runs."""
        stale = (Report.uri == uri, Report.sha256.is_(None), Report.status == "failed")
        with self._read() as conn:
            if conn.execute(select(Report.id).where(*stale).limit(1)).first() is None:
                return 0  # the common case, without taking the write lock
        with self._write() as conn:
            return int(conn.execute(delete(Report).where(*stale)).rowcount or 0)

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

    def has_whole_report(
        self, sha256: str, extractor_version: str | None = None, *, uri: str | None = None
    ) -> bool:
        """True when content with this sha256 needs no more work: stored as failed or empty, or stored
        with passages whose first carries the promoted model's prediction or a human label.

        add_report stores a report with its predictions in one transaction; stores written before
        that may hold a report without them. With `extractor_version` (the running extractors'), a
        current report read by another version is not whole either: reading it again may do better
        (add_report then stores the new reading in its place), and neither are the bytes of a version a
        newer one replaced when `uri`, another address than that version's, serves them: they are current
        again there (add_report). One indexed query, whatever the store's size.
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
            Report.status,
            Report.uri,
            Report.extractor_version,
            Report.superseded_by,
            Report.meta.label("meta"),
            first.label("first"),
            predicted.label("predicted"),
            labeled.label("labeled"),
        )
        with self._read() as conn:
            row = conn.execute(stmt.where(Report.sha256 == sha256)).first()
        if row is None:
            return False
        reread_failed = (row.meta or {}).get(REREAD_FAILED, {}).get("extractor_version") == extractor_version
        replaced = replaced_by_reading(row.extractor_version, row.superseded_by, extractor_version)
        if replaced and not reread_failed:
            return False
        served_elsewhere = uri is not None and row.uri is not None and row.uri != uri
        if extractor_version is not None and row.superseded_by is not None and served_elsewhere:
            # A replaced version's bytes served at another address: current again there (add_report),
            # unless these extractors failed to read them.
            return row.status != "ok" or reread_failed
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

    def replace_entities(
        self, tagged: Mapping[int, Sequence[NewEntity]], tagger_version: int | None = None
    ) -> EntityChanges:
        """Give each passage (by id) these entities in place of its stored ones, in one transaction: what
        `citsec db retag` writes after a newer tagger read the stored text again. A passage is rewritten
        when any mention differs (kind, name, surface text or place); the changes are counted by kind as
        (kind, value) gained and lost. A passage deleted meanwhile (its report replaced) is skipped.

        With `tagger_version` (the tagger that tagged them; give every passage of their reports), their
        reports record it, in the same transaction; the passages of a report a newer tagger tagged are
        left as they are (an older release's retag takes no newer one's tags back)."""
        for entities in tagged.values():
            check_entities(entities)
        changes = EntityChanges()
        with self._write() as conn:
            stored: dict[int, list[tuple[str, str, str, str, int, int]]] = {}
            reports: set[int] = set()
            for chunk in chunks(sorted(tagged)):
                found = select(Passage.id, Passage.report_id, Report.tagger_version).join(Report)
                found = found.where(Passage.id.in_(chunk))
                if tagger_version is not None and self.dialect == "postgresql":
                    found = found.with_for_update(of=Report)  # no other release records meanwhile
                for pid, report_id, version in conn.execute(found):
                    if tagger_version is not None and version is not None and version > tagger_version:
                        continue
                    stored[int(pid)] = []
                    reports.add(int(report_id))
                rows = conn.execute(
                    select(Entity.passage_id, Entity.kind, Entity.key, Entity.value, Entity.text,
                           Entity.char_start, Entity.char_end)
                    .where(Entity.passage_id.in_(chunk))
                )  # fmt: skip
                for pid, *mention in rows:
                    if int(pid) in stored:
                        stored[int(pid)].append(tuple(mention))  # type: ignore[arg-type]
            changed = []
            for passage_id, before in stored.items():
                after = [stored_mention(e) for e in tagged[passage_id]]
                if sorted(after) != sorted(before):
                    changed.append(passage_id)
                    changes.count({m[:2] for m in before}, {m[:2] for m in after})
            rewrite_entities(conn, {pid: tagged[pid] for pid in changed})
            if tagger_version is not None:
                for chunk in chunks(sorted(reports)):
                    stmt = update(Report).where(Report.id.in_(chunk)).values(tagger_version=tagger_version)
                    conn.execute(stmt)
        changes.passages = len(changed)
        return changes

    def reports_tagged_before(self, version: int, report_id: int | None = None) -> int:
        """How many current reports with passages (or only `report_id`, when current) a tagger older than
        `version` tagged (or one nobody recorded: reports.tagger_version NULL)."""
        older = or_(Report.tagger_version.is_(None), Report.tagger_version < version)
        stmt = select(func.count()).select_from(Report).where(
            Report.superseded_by.is_(None), Report.status == "ok", older
        )
        if report_id is not None:
            stmt = stmt.where(Report.id == report_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def versions_replaced(self, report_id: int) -> Replaced:
        """How many older versions `report_id` superseded, and of their labeled passages, how many labels
        came over to it and how many stayed behind (labels_left_behind; corpus.passage_match's rule)."""
        with self._read() as conn:
            older = conn.execute(
                select(func.count()).select_from(Report).where(Report.superseded_by == report_id)
            ).scalar_one()
            labeled, came_over = labels_came_over(conn, report_id) if older else ([], frozenset())
        carried = sum(1 for passage_id in labeled if passage_id in came_over)
        return Replaced(int(older), carried, len(labeled) - carried)

    def labels_left_behind(self, report_id: int) -> int:
        """How many passages of the older versions `report_id` superseded carry a human label that did
        not come over to it: the new version has no passage with the same or nearly the same words (a
        changed file, or a report read again by newer extractors that cut it differently; the rule is
        corpus.passage_match's, which carry_labels_over follows too). Those labels stay with the old
        version, as history, out of the default queries."""
        return self.versions_replaced(report_id).left

    def set_report_date(
        self, report_id: int, published: dt.date | None, *, annotator: str | None = None
    ) -> ReportRow:
        """Date a report by hand (`citsec reports date`): a text article saved without its dateline, a PDF
        whose printed date the extractors misread. `published` becomes its date for --since/--until and
        `stats --by year`; None takes a person's date back, to the one its reading gave. The row records
        who (`annotator`) and when (ReportRow.date_set); a newer reading of the same report keeps the
        person's date (corpus.report_dates.carried_date). Returns the report as stored now.

        CorpusError for a report that does not exist, an older version (date the one that replaced it),
        a report that failed to read, or a date after today."""
        with self._write(PG_LOCK_LABELS) as conn:  # add_report's lock: not while a new version comes in
            set_date(conn, report_id, published, annotator, dt.date.today())
        return self.report(report_id)

    def delete_report(self, report_id: int) -> None:
        """Remove a report; its passages, entities, predictions and labels go with it."""
        with self._write() as conn:
            if conn.execute(delete(Report).where(Report.id == report_id)).rowcount == 0:
                raise CorpusError(f"no report with id {report_id}")


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
        date_set=DateSet.from_meta(r["metadata"]),
    )
