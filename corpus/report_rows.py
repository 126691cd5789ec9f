"""The rows a report writes, inside the caller's transaction (corpus.reports.ReportsMixin opens it): its
report row, passages, entities and predictions, and which reading of the same bytes or address is current
(a newer extractor version's reading supersedes an older one's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, insert, or_, select, update

from corpus.errors import CorpusError
from corpus.filters import entity_key
from corpus.labelstate import carry_labels_over, chunks
from corpus.records import NewEntity, NewReport, ReportPredictions
from corpus.registry import PredictionInput, write_predictions
from corpus.report_dates import carried_date, read_date
from corpus.schema import Entity, ModelVersion, Passage, Prediction, Report, utcnow
from corpus.taxonomy import ENTITY_KINDS

_MAX_ERROR_CHARS = 500
ERROR_CUT = " … "  # where one_line took the middle out of a long error


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
    """Errors are stored as one line, short enough to print in a table. A longer one loses its middle, not
    its end, where the reason is: a fetch error starts with its URL, and a signed link of 500 characters
    left nothing of "timed out" or "HTTP 404"."""
    line = " ".join(str(message).split())
    if len(line) <= _MAX_ERROR_CHARS:
        return line
    tail = _MAX_ERROR_CHARS // 2
    return f"{line[: _MAX_ERROR_CHARS - tail - len(ERROR_CUT)]}{ERROR_CUT}{line[-tail:]}"


def check_report(report: NewReport) -> None:
    if not report.sha256:
        raise CorpusError(f"report {report.uri} has no sha256")
    seqs = [p.seq for p in report.passages]
    if len(seqs) != len(set(seqs)):
        raise CorpusError(f"report {report.uri} has passages with the same seq")
    for passage in report.passages:
        check_entities(passage.entities)


def check_entities(entities: Sequence[NewEntity]) -> None:
    for entity in entities:
        if entity.kind not in ENTITY_KINDS:
            expected = ", ".join(ENTITY_KINDS)
            raise CorpusError(f"unknown entity kind {entity.kind!r}; expected one of {expected}")


def stored_mention(entity: NewEntity) -> tuple[str, str, str, str, int, int]:
    """A mention as stored: (kind, key, value, text, start, end)."""
    key = entity_key(entity.kind, entity.value)
    return (entity.kind, key, entity.value, entity.text, entity.start, entity.end)


def id_by_sha256(conn: Connection, sha256: str) -> int | None:
    return conn.execute(select(Report.id).where(Report.sha256 == sha256)).scalar()


def is_failed(conn: Connection, report_id: int) -> bool:
    return conn.execute(select(Report.status).where(Report.id == report_id)).scalar() == "failed"


def replaced_version_uri(conn: Connection, report_id: int) -> str | None:
    """The address of the report when it is a readable version a newer one replaced, else None."""
    row = conn.execute(
        select(Report.uri).where(
            Report.id == report_id, Report.superseded_by.is_not(None), Report.status == "ok"
        )
    ).first()
    return None if row is None else str(row.uri)


def same_reading_at_uri(conn: Connection, report: NewReport) -> Any:
    """The current report at `report`'s address (its id, extractor_version and tagger_version) when it reads
    as `report` does (other bytes, the same report: a web page whose footer carries the time it was served,
    a PDF saved again): the same title, date, language and passages (text, kind, pages, language, in
    order). None otherwise."""
    current = conn.execute(
        select(
            Report.id, Report.extractor_version, Report.tagger_version, Report.title, Report.published,
            Report.meta.label("meta"), Report.language,
        ).where(Report.uri == report.uri, Report.superseded_by.is_(None), Report.status == "ok")
    ).first()
    # A date a person set is not the reading's: the date compared is the one the stored reading gave.
    if current is None or (current.title, read_date(current.published, current.meta), current.language) != (
        report.title, report.published, report.language,
    ):
        return None
    stored = conn.execute(
        select(Passage.seq, Passage.text, Passage.kind, Passage.page_start, Passage.page_end, Passage.lang)
        .where(Passage.report_id == current.id)
        .order_by(Passage.seq)
    ).all()
    read = [(p.seq, p.text, p.kind, p.page_start, p.page_end, p.lang) for p in report.passages]
    return current if read and [tuple(row) for row in stored] == read else None


def tag_reading_again(conn: Connection, report_id: int, report: NewReport) -> None:
    """Give the stored reading `report_id`, which `report` reads as, `report`'s entities and tagger version:
    a newer tagger's tags, computed for bytes that read the same (`citsec db retag` would write the same)."""
    stored = conn.execute(select(Passage.seq, Passage.id).where(Passage.report_id == report_id))
    passage_ids = {int(seq): int(pid) for seq, pid in stored}
    rewrite_entities(conn, {passage_ids[p.seq]: p.entities for p in report.passages})
    conn.execute(update(Report).where(Report.id == report_id).values(tagger_version=report.tagger_version))


def rewrite_entities(conn: Connection, tagged: Mapping[int, Sequence[NewEntity]]) -> None:
    """Give each passage (by id) these entities in place of its stored ones."""
    for chunk in chunks(sorted(tagged)):
        conn.execute(delete(Entity).where(Entity.passage_id.in_(chunk)))
    rows = [entity_row(passage_id, e) for passage_id, entities in tagged.items() for e in entities]
    if rows:
        conn.execute(insert(Entity), rows)


def remember_failed_reread(conn: Connection, report_id: int, extractor_version: str, error: str) -> None:
    """Newer extractors failed on a report an older version read: it keeps that reading, says so in its
    warnings, and counts as done for this version (has_whole_report), not retried on every run."""
    row = conn.execute(
        select(Report.extractor_version, Report.meta.label("meta"), Report.warnings)
        .where(Report.id == report_id)
        .with_for_update()  # meta is read, changed and written back (Corpus.set_report_date writes it too)
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


def older_reading(conn: Connection, report_id: int, report: NewReport) -> Any:
    """The stored report `report_id` (id, uri, source_id) when it is current and was read by older
    extractors than `report`; else None."""
    if report.extractor_version is None:
        return None
    row = conn.execute(
        select(Report.id, Report.uri, Report.source_id, Report.extractor_version, Report.superseded_by).where(
            Report.id == report_id
        )
    ).one()
    replaced = replaced_by_reading(row.extractor_version, row.superseded_by, report.extractor_version)
    return row if replaced else None


def insert_report(
    conn: Connection, report: NewReport, replaces: Sequence[int] = ()
) -> tuple[int, dict[int, int]]:
    """Insert the report, its passages and entities; returns its id and its passage ids by seq. The
    current reports at its uri, and those in `replaces`, become its older versions: superseded by it,
    their passages' human labels carried over to its passages of the same text."""
    now = utcnow()
    # The versions it replaces: the current ones at its uri and those in `replaces` (add_report holds the
    # store's report lock, so none comes in between this and the insert).
    earlier = conn.execute(
        select(Report.id, Report.published, Report.meta.label("meta")).where(
            or_(Report.id.in_(list(replaces)), and_(Report.uri == report.uri, Report.superseded_by.is_(None)))
        )
    ).all()
    date = carried_date(report, earlier, replaces)
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
            "warnings": [*report.warnings, *([date.warning] if date.warning else [])],
            "published": date.published,
            "author": report.author,
            "ingested_at": now,
            "effective_date": date.published or now.date(),
            "extractor_version": report.extractor_version,
            "tagger_version": report.tagger_version,
            # The column's name: a "meta" key was dropped without a word. NUL out, as PostgreSQL's jsonb
            # (should the column become one) refuses it; a PDF's Producer may carry one.
            "metadata": {k: _without_nul(v) for k, v in report.metadata.items()} | date.meta,
            "source_id": report.source_id,
        },
    ).scalar_one()
    older = sorted({*(int(row.id) for row in earlier), *replaces})
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
        entity_row(passage_id, entity)
        for passage_id, passage in zip(ids, report.passages, strict=True)
        for entity in passage.entities
    ]
    if entity_rows:
        conn.execute(insert(Entity), entity_rows)
    if older:
        carry_labels_over(conn, older, [(pid, p.text) for pid, p in zip(ids, report.passages, strict=True)])
    return int(report_id), {p.seq: int(pid) for pid, p in zip(ids, report.passages, strict=True)}


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


def write_report_predictions(
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


def complete_predictions(
    conn: Connection, report_id: int, report: NewReport, predictions: ReportPredictions
) -> bool:
    """Give a stored report the model's predictions it lacks (stored by an older run, or killed between
    the report and its predictions when they were two transactions); passages whose text differs from
    the new extraction's (another extractor version) are left alone. Whether it lacked them."""
    passages = select(Passage.id).where(Passage.report_id == report_id)
    done = exists().where(
        Prediction.passage_id.in_(passages),
        Prediction.model_version_id.in_(
            select(ModelVersion.id).where(ModelVersion.version == predictions.model_version)
        ),
    )
    if conn.execute(select(done)).scalar():
        return False
    texts = {p.seq: p.text for p in report.passages}
    stored = conn.execute(select(Passage.seq, Passage.id, Passage.text).where(Passage.report_id == report_id))
    same = {row.seq: int(row.id) for row in stored if texts.get(row.seq) == row.text}
    kept = {seq: scores for seq, scores in predictions.by_seq.items() if seq in same}
    write_report_predictions(
        conn, report, ReportPredictions(predictions.model_version, kept, predictions.thresholds), same
    )
    return True


def entity_row(passage_id: int, entity: NewEntity) -> dict[str, Any]:
    return {
        "passage_id": passage_id,
        "kind": entity.kind,
        "text": entity.text,
        "value": entity.value,
        "key": entity_key(entity.kind, entity.value),
        "char_start": entity.start,
        "char_end": entity.end,
    }
