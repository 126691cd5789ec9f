"""Reading passages: filtered streams, counts and aggregates over effective labels and entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Integer, Row, Select, Text, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from corpus.base import StoreBase
from corpus.batches import whole_runs
from corpus.errors import CorpusError
from corpus.filters import STAT_FIELDS, PassageFilter
from corpus.labelstate import chunks, promoted_model_id
from corpus.passage_sql import PASSAGE_COLUMNS, count_passages, select_passages, select_stats
from corpus.records import PassageRow, PassageText
from corpus.schema import CurrentLabel, Entity, HumanLabel, ModelVersion, Passage, Prediction, Report
from corpus.taxonomy import LABELS

_STREAM_BATCH = 500


class QueriesMixin(StoreBase):
    def passages(
        self,
        f: PassageFilter | None = None,
        limit: int | None = None,
        *,
        by_report: bool = False,
        ranked: bool = False,
        entities: bool = True,
    ) -> Iterator[PassageRow]:
        """Passages matching `f` in store order (passage id), streamed in batches; `limit` applies in SQL.
        `ranked`: the best matches of `f`'s search first (corpus.passage_sql: the passages holding its
        consecutive words as a phrase, then BM25 on SQLite, ts_rank_cd on PostgreSQL), ties in store
        order; it needs a search, and costs a pass over every match (a search with only excluded terms
        keeps store order). `by_report` orders them by report, then position, so
        each report's passages come together (ids of two reports stored at once may interleave).
        `entities=False` leaves every row's countries and programs empty, unread: for a caller that reads
        every passage and needs neither (the label queue; reading them was a third of its time).

        `f.any_language` makes the search find its words' and phrases' equivalents in English, Spanish and
        Portuguese too (corpus.glossary).

        Raises CorpusError at once (not on first iteration) for a malformed filter or unknown report, or a
        ranking (or any_language) without a search.
        """
        f = self._checked(f)
        if limit is not None and limit < 0:
            raise CorpusError(f"--limit must be 0 or more, got {limit}")
        if ranked and not f.search:
            raise CorpusError("ranking by relevance needs a search (--search TEXT)")
        stmt = select_passages(f, self.dialect, limit, ranked=ranked)
        return self._stream(_by_report(stmt) if by_report else stmt, entities)

    def passages_by_id(self, ids: Sequence[int]) -> list[PassageRow]:
        """The passages with these ids, in the order given (unknown ids are left out)."""
        found: dict[int, PassageRow] = {}
        for chunk in chunks(list(ids)):
            stmt = (
                select(*PASSAGE_COLUMNS)
                .join(Report, Report.id == Passage.report_id)
                .where(Passage.id.in_(chunk))
            )
            found.update((row.id, row) for row in self._stream(stmt))
        return [found[i] for i in ids if i in found]

    def passage(self, passage_id: int) -> PassageRow:
        """One passage; CorpusError when there is none with this id."""
        rows = self.passages_by_id([passage_id])
        if not rows:
            raise CorpusError(f"no passage with id {passage_id}")
        return rows[0]

    def count_passages(self, f: PassageFilter | None = None) -> int:
        f = self._checked(f)
        with self._read() as conn:
            return int(conn.execute(count_passages(f, self.dialect)).scalar_one())

    def stats(
        self,
        by: Sequence[str] | str,
        f: PassageFilter | None = None,
        *,
        places: bool = False,
        share: bool = False,
    ) -> list[dict[str, Any]]:
        """Passage counts per group of `by` fields (label, country, program, year, report, lang).

        A passage counts once in each group it belongs to (a passage with two labels counts under
        both); passages without a label are grouped as label "none", passages naming no country or
        program under null; year is the year the report was published, null when it is undated.
        With `places`, a country's group also counts the passages that name one of its cities, states
        or regions (as `--country CC --places` finds them). Largest groups first; grouped by year, years
        in time order (largest first within a year).

        `share` divides up the last field: each row gains "whole", the passages of the group its values of
        the earlier fields form (every passage `f` keeps, when `by` is one field), and "share", its count
        over that, rounded to four places. By country, year and label: of a country's passages in a year,
        the share that carries each label; by label and country: of a label's passages, the share naming
        each country. A passage in two groups of the last field (two labels, two countries) counts in both,
        so a whole's shares may add up to more than 1; the "none" and null groups are shares too.
        """
        fields = parse_stat_fields(by)
        f = self._checked(f)
        with self._read() as conn:
            if share and self.dialect == "postgresql":
                # Both counts from one moment of the store, though an ingest may be storing meanwhile (a
                # SQLite read transaction keeps the moment of its first read already).
                conn.execution_options(isolation_level="REPEATABLE READ")
            rows = [
                {**{name: row._mapping[name] for name in fields}, "count": int(row._mapping["count"])}
                for row in conn.execute(select_stats(fields, f, self.dialect, places))
            ]
            if share:
                _add_shares(conn, rows, fields, f, self.dialect, places)
            if "program" in fields:  # grouped by key: shown by the name passage rows show too
                names = program_names_of(conn, [row["program"] for row in rows if row["program"] is not None])
                for row in rows:
                    row["program"] = names.get(row["program"], row["program"])
            return rows

    def program_names(self) -> dict[str, str]:
        """Every program some passage of a current report names: its key (corpus.filters.entity_key) -> a
        name it was found under, for telling a person what `--program` can match."""
        stmt = (
            select(Entity.key)
            .join(Passage, Passage.id == Entity.passage_id)
            .join(Report, Report.id == Passage.report_id)
            .where(Entity.kind == "program", Report.superseded_by.is_(None))
            .distinct()
        )
        with self._read() as conn:
            return program_names_of(conn, [str(key) for key in conn.execute(stmt).scalars()])

    def iter_passage_texts(
        self, batch_size: int = 1000, f: PassageFilter | None = None, *, unpredicted_by: str | None = None
    ) -> Iterator[list[PassageText]]:
        """(id, text, lang, report id, kind) of passages matching `f` (all current ones by default), report by
        report in position order, in batches of about `batch_size` that never split a report.

        `unpredicted_by` (a model version) keeps only the reports holding a passage that model has no
        prediction for, with all their passages: a passage is read in its report (models.context)."""
        f = self._checked(f)
        stmt = _by_report(select_passages(f, self.dialect)).with_only_columns(
            Passage.id, Passage.text, Passage.lang, Passage.report_id, Passage.kind
        )
        if unpredicted_by is not None:
            stmt = stmt.where(Passage.report_id.in_(_reports_unpredicted(unpredicted_by)))
        with self._read() as conn:
            result = conn.execute(stmt.execution_options(stream_results=True, yield_per=batch_size))
            rows = (PassageText(int(r[0]), r[1], r[2], int(r[3]), r[4]) for r in result)
            yield from whole_runs(rows, batch_size, key=lambda row: row.report_id)

    def report_passage_texts(
        self, report_ids: Sequence[int], *, without_kinds: Collection[str] = ()
    ) -> dict[int, list[str]]:
        """The passage texts of each of these reports, in position order (a few queries, not one each),
        but for passages of `without_kinds`."""
        texts: dict[int, list[str]] = {int(r): [] for r in report_ids}
        with self._read() as conn:
            for chunk in chunks(sorted(texts)):
                stmt = (
                    select(Passage.report_id, Passage.text)
                    .where(Passage.report_id.in_(chunk))
                    .order_by(Passage.report_id, Passage.seq)
                )
                if without_kinds:
                    stmt = stmt.where(Passage.kind.not_in(sorted(without_kinds)))
                for report_id, text in conn.execute(stmt):
                    texts[int(report_id)].append(text)
        return texts

    def _checked(self, f: PassageFilter | None) -> PassageFilter:
        f = (f or PassageFilter()).validated()
        if f.report_id is not None:
            with self._read() as conn:
                if conn.execute(select(Report.id).where(Report.id == f.report_id)).first() is None:
                    raise CorpusError(f"no report with id {f.report_id}")
        return f

    def _stream(self, stmt: Any, entities: bool = True) -> Iterator[PassageRow]:
        with self._read() as conn:
            model_id = promoted_model_id(conn)
            model = None
            if model_id is not None:
                model = conn.execute(select(ModelVersion.version).where(ModelVersion.id == model_id)).scalar()
            result = conn.execute(stmt.execution_options(stream_results=True, yield_per=_STREAM_BATCH))
            names: dict[str, str] = {}  # program key -> its name, looked up once per listing
            for part in result.partitions(_STREAM_BATCH):
                yield from _enrich(conn, part, model_id, entities, model, names)


def parse_stat_fields(by: Sequence[str] | str) -> list[str]:
    """`--by` fields, from a list or a comma-separated string; CorpusError for unknown or repeated ones."""
    items = by.split(",") if isinstance(by, str) else [x for item in by for x in item.split(",")]
    fields = [item.strip().lower() for item in items if item.strip()]
    if not fields:
        raise CorpusError(f"--by needs at least one field: {', '.join(STAT_FIELDS)}")
    unknown = [item for item in fields if item not in STAT_FIELDS]
    if unknown:
        raise CorpusError(f"unknown --by field {unknown[0]!r}; expected one of {', '.join(STAT_FIELDS)}")
    if len(set(fields)) != len(fields):
        raise CorpusError("--by lists a field twice")
    return fields


def _among(column: Any, values: Sequence[Any], pg: bool, kind: Any = Integer) -> Any:
    """column IN values; on PostgreSQL one array parameter (of `kind`) instead of hundreds of scalar ones."""
    if pg:
        return column == any_(bindparam("ids", list(values), type_=ARRAY(kind)))
    return column.in_(values)


def _enrich(
    conn: Connection, part: Sequence[Row[Any]], model_id: int | None, entities: bool = True,
    model: str | None = None, names: dict[str, str] | None = None,
) -> Iterator[PassageRow]:
    """Attach labels, scores and (unless `entities` is False) countries and programs to a batch of passages,
    with one query each; `model` is the version of model `model_id`, named on the passages it scored.
    `names` holds the program names (program_names_of) earlier batches of one listing looked up, and
    learns this batch's."""
    ids = [row.id for row in part]
    pg = conn.dialect.name == "postgresql"
    labels: dict[int, list[str]] = defaultdict(list)
    origins: dict[int, str] = {}
    for pid, label, origin in conn.execute(
        select(CurrentLabel.passage_id, CurrentLabel.label, CurrentLabel.origin).where(
            _among(CurrentLabel.passage_id, ids, pg)
        )
    ):
        labels[pid].append(label)
        origins[pid] = origin
    for (human_pid,) in conn.execute(
        select(HumanLabel.passage_id).where(_among(HumanLabel.passage_id, ids, pg)).distinct()
    ):
        origins[cast(int, human_pid)] = "human"
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    if model_id is not None:
        for pid, label, score in conn.execute(
            select(Prediction.passage_id, Prediction.label, Prediction.score).where(
                Prediction.model_version_id == model_id, _among(Prediction.passage_id, ids, pg)
            )
        ):
            scores[pid][label] = round(float(score), 6)
            origins.setdefault(pid, "model")
    countries: dict[int, set[str]] = defaultdict(set)
    programs: dict[int, dict[str, str]] = defaultdict(dict)
    named = select(Entity.passage_id, Entity.kind, Entity.value, Entity.key).where(
        _among(Entity.passage_id, ids, pg), Entity.kind.in_(("country", "program"))
    )
    for pid, kind, value, key in conn.execute(named) if entities else ():
        if kind == "country":
            countries[pid].add(key)
        else:
            programs[pid].setdefault(key, value)
    names = {} if names is None else names
    unnamed = {key for found in programs.values() for key in found if key not in names}
    names.update(program_names_of(conn, sorted(unnamed)) if unnamed else {})
    for found in programs.values():
        for key in found:
            found[key] = names.get(key, found[key])
    for row in part:
        yield PassageRow(
            id=row.id,
            report_id=row.report_id,
            report_title=row.report_title,
            report_sha256=row.report_sha256,
            report_published=row.report_published,
            seq=row.seq,
            page_start=row.page_start,
            page_end=row.page_end,
            lang=row.lang,
            text=row.text,
            kind=row.kind,
            char_start=row.char_start,
            char_end=row.char_end,
            # In the taxonomy's order, as `citsec tag` writes them: label sets compare as text across both.
            labels=sorted(labels.get(row.id, []), key=_taxonomy_order),
            scores=dict(sorted(scores.get(row.id, {}).items(), key=lambda item: _taxonomy_order(item[0]))),
            countries=sorted(countries.get(row.id, set())),
            programs=sorted(programs.get(row.id, {}).values(), key=str.casefold),
            label_origin=origins.get(row.id),
            model=model if row.id in scores else None,
        )


def program_names_of(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    """The name each program key (corpus.filters.entity_key) is shown by, the same wherever it is shown and
    on either database: of the ways passages wrote it ("Ley 20.000", "ley 20.000", "LEY 20.000"), the one
    written most often (_best_name)."""
    pg = conn.dialect.name == "postgresql"
    found: list[tuple[str, str, int]] = []
    for part in chunks(sorted(set(keys))):
        stmt = (
            select(Entity.key, Entity.value, func.count())
            .where(Entity.kind == "program", _among(Entity.key, part, pg, Text))
            .group_by(Entity.key, Entity.value)
        )
        found += [(str(key), str(value), int(n)) for key, value, n in conn.execute(stmt)]
    return _best_names(found)


def _best_names(written: Iterable[tuple[str, str, int]]) -> dict[str, str]:
    """key -> its name: the form written most often; on a tie one written as a name (capital first, not all
    capitals) over "ley 20.000" or "LEY 20.000", then the one with its accents ("Ilícitos" over "Ilicitos":
    accents are dropped in typing, not added), then the first by code point."""
    ranked: dict[str, tuple[tuple[int, bool, int, str], str]] = {}
    for key, value, count in written:
        accents = sum(1 for c in value if not c.isascii())
        rank = (-count, not (value[:1].isupper() and not value.isupper()), -accents, value)
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, value)
    return {key: value for key, (_, value) in ranked.items()}


def _taxonomy_order(label: str) -> tuple[int, str]:
    """prevention, enforcement, transnational (DESIGN.md's order); any other label after them."""
    return (LABELS.index(label) if label in LABELS else len(LABELS), label)


def _reports_unpredicted(version: str) -> Select[Any]:
    """Ids of the reports with a passage that model `version` holds no prediction for."""
    passage = aliased(Passage)
    predicted = (
        select(Prediction.passage_id)
        .join(ModelVersion, ModelVersion.id == Prediction.model_version_id)
        .where(ModelVersion.version == version, Prediction.passage_id == passage.id)
    )
    return select(passage.report_id).where(~predicted.exists()).distinct()


def _by_report(stmt: Any) -> Any:
    """`stmt` ordered by report, then position (the unique (report_id, seq) index serves it)."""
    return stmt.order_by(None).order_by(Passage.report_id, Passage.seq)


def _add_shares(
    conn: Connection, rows: list[dict[str, Any]], fields: list[str], f: PassageFilter, dialect: str,
    places: bool,
) -> None:
    """Give each row its "whole", the passages of the group of its values of every field but the last,
    counted by the same query grouped by those fields (by none: every passage `f` keeps), and its "share"
    of it. Done before programs are named: both queries group programs by key."""
    whole_fields = fields[:-1]
    wholes = {
        tuple(row._mapping[name] for name in whole_fields): int(row._mapping["count"])
        for row in conn.execute(select_stats(whole_fields, f, dialect, places))
    }
    for row in rows:
        row["whole"] = wholes[tuple(row[name] for name in whole_fields)]
        row["share"] = round(row["count"] / row["whole"], 4)
