"""SQL statements for passage queries and aggregates, built from a validated PassageFilter.

Pure functions from a filter to a SQLAlchemy statement; every user value is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    cast,
    column,
    distinct,
    exists,
    extract,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import aliased

from corpus.filters import PassageFilter
from corpus.schema import CurrentLabel, Entity, Passage, Report
from corpus.search import Search, Term, parse_search, to_fts5, to_tsquery_text
from corpus.taxonomy import NO_LABEL

_FTS = table("passages_fts", column("rowid"))
# Migration 0004's configuration for passages.tsv_plain: words as written, accents folded when it can.
_PG_PLAIN = "citsec_plain"
# The text-search configuration of passages.tsv for each language group (corpus.search.STEMMED); None: every
# other language, and passages without one. Migration 0005's: accents folded, then stemmed, stop words kept.
_PG_CONFIGS: dict[str | None, str] = {
    "en": "citsec_english",
    "es": "citsec_spanish",
    "pt": "citsec_portuguese",
    None: _PG_PLAIN,
}

PASSAGE_COLUMNS = (
    Passage.id,
    Passage.report_id,
    Report.title.label("report_title"),
    Passage.seq,
    Passage.page_start,
    Passage.page_end,
    Passage.lang,
    Passage.text,
    Passage.kind,
    Passage.char_start,
    Passage.char_end,
)


def select_passages(f: PassageFilter, dialect: str, limit: int | None = None) -> Select[Any]:
    """Matching passages in store order (report, then position), limited in SQL."""
    stmt, order_key = _filtered(select(*PASSAGE_COLUMNS), f, dialect)
    stmt = stmt.order_by(order_key)
    return stmt.limit(limit) if limit is not None else stmt


def count_passages(f: PassageFilter, dialect: str) -> Select[Any]:
    stmt, _ = _filtered(select(func.count()), f, dialect)
    return stmt


def select_stats(by: list[str], f: PassageFilter, dialect: str) -> Select[Any]:
    """Passages counted per group; a passage counts once in every group it belongs to.

    label: effective labels, "none" for passages without one; country/program: null for passages
    mentioning none; year: of the report's date (published, else ingested); report: report id.
    """
    columns: list[ColumnElement[Any]] = []
    keys: list[ColumnElement[Any]] = []
    joins: list[tuple[Any, ColumnElement[bool]]] = []
    for field in by:
        if field == "label":
            joins.append((CurrentLabel.__table__, CurrentLabel.passage_id == Passage.id))
            expr: ColumnElement[Any] = func.coalesce(CurrentLabel.label, literal(NO_LABEL))
            columns.append(expr.label("label"))
            keys.append(expr)
        elif field in ("country", "program"):
            # A plain outer join (not a derived table) lets the planner probe entities by passage
            # even when its statistics are stale; count(DISTINCT) absorbs repeated mentions.
            entity = aliased(Entity, name=f"e_{field}")
            joins.append((entity, and_(entity.passage_id == Passage.id, entity.kind == field)))
            shown = entity.key if field == "country" else func.min(entity.value)
            columns.append(shown.label(field))
            keys.append(entity.key.expression)
        elif field == "year":
            year = cast(extract("year", Report.effective_date), Integer)
            columns.append(year.label("year"))
            keys.append(year)
        elif field == "report":
            columns.append(Passage.report_id.label("report"))
            keys.append(Passage.__table__.c.report_id)
        elif field == "lang":
            columns.append(Passage.lang.label("lang"))
            keys.append(Passage.__table__.c.lang)
        else:  # pragma: no cover - callers validate against STAT_FIELDS
            raise ValueError(field)
    count = func.count(distinct(Passage.id)).label("count")
    stmt, _ = _filtered(select(*columns, count), f, dialect)
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    return stmt.group_by(*keys).order_by(count.desc(), *keys)


def _filtered(stmt: Any, f: PassageFilter, dialect: str) -> tuple[Select[Any], ColumnElement[Any]]:
    """Add the FROM clause and WHERE conditions of `f`; returns the statement and its ordering key."""
    order_key: ColumnElement[Any] = Passage.__table__.c.id
    search = parse_search(f.search) if f.search else None
    lang = f.lang.lower() if f.lang else None
    if search is not None and dialect == "sqlite" and search.all_of:
        # Drive the query from the FTS index in rowid order: the first page needs only the first
        # matches that pass the other filters, not all matches sorted.
        stmt = stmt.select_from(_FTS).join(Passage, Passage.id == _FTS.c.rowid)
        query = to_fts5(search.all_of, lang)
        stmt = stmt.where(text("passages_fts MATCH :fts_query").bindparams(fts_query=query))
        order_key = _FTS.c.rowid
    else:
        stmt = stmt.select_from(Passage)
    stmt = stmt.join(Report, Report.id == Passage.report_id)
    conditions = _conditions(f, dialect, search)
    return (stmt.where(and_(*conditions)) if conditions else stmt), order_key


def _conditions(f: PassageFilter, dialect: str, search: Search | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.report_id is not None:
        conditions.append(Passage.report_id == f.report_id)
    elif not f.include_superseded:
        conditions.append(Report.superseded_by.is_(None))
    if f.lang is not None:
        conditions.append(Passage.lang == f.lang)
    if f.since is not None:
        conditions.append(Report.effective_date >= f.since)
    if f.until is not None:
        conditions.append(Report.effective_date <= f.until)
    if f.labels:
        conditions.append(_label_condition(f))
    elif f.min_score is not None:
        conditions.append(_min_score_condition(f.min_score))
    if f.countries:
        conditions.append(_entity_condition("country", list(f.countries)))
    if f.programs:
        conditions.append(_entity_condition("program", [p.casefold() for p in f.programs]))
    if search is not None:
        conditions.extend(_search_conditions(search, dialect, f.lang.lower() if f.lang else None))
    return conditions


def _search_conditions(search: Search, dialect: str, lang: str | None) -> list[ColumnElement[bool]]:
    """What the search adds to the WHERE clause (on SQLite the FTS MATCH of `all_of` is in the FROM);
    the store runs on SQLite or PostgreSQL only (corpus.engine)."""
    if not search:
        return [false()]  # search text with no words matches nothing
    if dialect == "sqlite":
        if not search.none_of:
            return []
        # Left out: the passages that hold any excluded term, by the same index and stemming.
        excluded = text("SELECT rowid FROM passages_fts WHERE passages_fts MATCH :fts_excluded").bindparams(
            fts_excluded=to_fts5([search.none_of], lang)
        )
        return [Passage.id.not_in(excluded.columns(column("rowid", Integer)))]
    found = [_pg_search(search.all_of, lang)] if search.all_of else []
    if search.none_of:
        found.append(~func.coalesce(_pg_search([search.none_of], lang), false()))
    return found


def _label_condition(f: PassageFilter) -> ColumnElement[bool]:
    # Aliases keep these subqueries from correlating with the tables stats joins for grouping.
    held_label = aliased(CurrentLabel)
    wanted = [label for label in f.labels if label != NO_LABEL]
    options: list[ColumnElement[bool]] = []
    if wanted:
        held = [held_label.passage_id == Passage.id, held_label.label.in_(wanted)]
        if f.min_score is not None:
            held.append(held_label.score >= f.min_score)
        options.append(exists().where(*held))
    if NO_LABEL in f.labels:
        any_label = aliased(CurrentLabel)
        options.append(~exists().where(any_label.passage_id == Passage.id))
    return or_(*options) if len(options) > 1 else options[0]


def _min_score_condition(min_score: float) -> ColumnElement[bool]:
    held_label = aliased(CurrentLabel)
    return exists().where(held_label.passage_id == Passage.id, held_label.score >= min_score)


def _entity_condition(kind: str, keys: list[str]) -> ColumnElement[bool]:
    entity = aliased(Entity)
    return exists().where(entity.passage_id == Passage.id, entity.kind == kind, entity.key.in_(keys))


def _pg_search(clauses: Sequence[Sequence[Term]], lang: str | None) -> ColumnElement[bool]:
    """tsvector match of every clause (one of its terms). Words and phrases match by stem, in the passage's
    own language only, as on SQLite (corpus.search.to_fts5): one group per language, each `lang = 'xx' AND
    tsv @@ query in xx` (a GIN bitmap scan per group), else a Spanish "policía" would find English "police"
    (both stem to "polic"). PostgreSQL reads each term as typed, splitting it into words as it split the
    passages: "U.S." is one token. Prefixes match the unstemmed words (tsv_plain, migration 0004): the
    english stem of "eradication" is "erad", which "eradicat*" is no prefix of. Clauses of words only are
    one tsquery (terms joined by || within a clause, clauses by &&)."""
    tsv: ColumnElement[Any] = literal_column("passages.tsv")
    tsv_plain: ColumnElement[Any] = literal_column("passages.tsv_plain")

    def prefix_query(terms: Sequence[Term]) -> ColumnElement[Any]:
        return _any([func.to_tsquery(_regconfig(_PG_PLAIN), to_tsquery_text(t)) for t in terms])

    def in_config(config: str) -> ColumnElement[bool]:
        plain_clauses: list[ColumnElement[Any]] = []
        conditions: list[ColumnElement[bool]] = []
        for clause in clauses:
            words = [t for t in clause if not t.prefix]
            prefixes = [t for t in clause if t.prefix]
            if not prefixes:
                plain_clauses.append(_any([_phrase(config, t) for t in words]))
            elif not words:
                conditions.append(tsv_plain.op("@@")(prefix_query(prefixes)))
            else:
                conditions.append(or_(
                    tsv.op("@@")(_any([_phrase(config, t) for t in words])),
                    tsv_plain.op("@@")(prefix_query(prefixes)),
                ))  # fmt: skip
        if plain_clauses:
            conditions.insert(0, tsv.op("@@")(_all(plain_clauses)))
            # PostgreSQL's parser drops some tokens Python counts as words (HTML tags and entities): such
            # a term is an empty tsquery, which && would silently drop; on SQLite it matches nothing.
            conditions.extend(func.numnode(query) > 0 for query in plain_clauses)
        return and_(*conditions)

    if lang is not None:  # the filter already keeps that language's passages only
        return in_config(_PG_CONFIGS[lang if lang in _PG_CONFIGS else None])
    return or_(*(and_(_in_group(group), in_config(config)) for group, config in _PG_CONFIGS.items()))


def _in_group(group: str | None) -> ColumnElement[bool]:
    """Passages of one language group: `group`, or (None) any language without a group of its own."""
    if group is not None:
        return Passage.lang == group
    return or_(Passage.lang.is_(None), Passage.lang.not_in([g for g in _PG_CONFIGS if g is not None]))


def _phrase(config: str, term: Term) -> ColumnElement[Any]:
    """One word or phrase, as typed, as a tsquery in text-search configuration `config`."""
    return func.phraseto_tsquery(_regconfig(config), term.typed or " ".join(term.words))


def _regconfig(config: str) -> ColumnElement[Any]:
    return cast(literal(config), REGCONFIG)


def _all(queries: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    return reduce(lambda a, b: a.op("&&")(b), queries)


def _any(queries: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    return reduce(lambda a, b: a.op("||")(b), queries)
