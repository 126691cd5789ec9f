"""SQL statements for passage queries and aggregates, built from a validated PassageFilter.

Pure functions from a filter to a SQLAlchemy statement; every user value is a bound parameter.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
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

from corpus.filters import PassageFilter, entity_key
from corpus.glossary import equivalents
from corpus.schema import CurrentLabel, Entity, Passage, Report
from corpus.search import (
    Search,
    Term,
    adjacent_pairs,
    as_written,
    other_number,
    pg_words,
    searched,
    terms_in,
    to_fts5,
    to_tsquery_text,
)
from corpus.taxonomy import NO_LABEL

_FTS = table("passages_fts", column("rowid"))
# Relevance on SQLite: FTS5's BM25 over the index's columns (lang, words, plain), lower is better. The
# language column weighs nothing: every passage of a group holds its one word, which says nothing of the
# search, and a rarer language's word would otherwise lift all its passages.
_FTS_RELEVANCE: ColumnElement[float] = literal_column("bm25(passages_fts, 0.0, 1.0, 1.0)")
# Relevance on PostgreSQL: ts_rank_cd's normalization 1 divides by the logarithm of the passage's length in
# words, so a short passage holding the terms comes before a long one that holds them as often (as BM25 does).
_PG_RANK_NORMALIZATION = 1
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
    Report.sha256.label("report_sha256"),
    Report.published.label("report_published"),
    Passage.seq,
    Passage.page_start,
    Passage.page_end,
    Passage.lang,
    Passage.text,
    Passage.kind,
    Passage.char_start,
    Passage.char_end,
)


def select_passages(
    f: PassageFilter, dialect: str, limit: int | None = None, *, ranked: bool = False
) -> Select[Any]:
    """Matching passages, limited in SQL, in store order (passage id, which follows report, then
    position); `ranked`: best match first when `f` searches for terms (relevance), ties in store order."""
    stmt, order_key = _filtered(select(*PASSAGE_COLUMNS), f, dialect)
    stmt = stmt.order_by(*(_relevance(f, dialect) if ranked else []), order_key)
    return stmt.limit(limit) if limit is not None else stmt


def _relevance(f: PassageFilter, dialect: str) -> list[ColumnElement[Any]]:
    """ORDER BY terms putting the best matches of `f`'s search first; none without a search or with only
    excluded terms. First, the passages holding the most of its consecutive words as phrases (_adjacent);
    within each such tier, SQLite: BM25 of the FTS5 row the query is driven from (term frequency, rarer terms
    weighing more, shorter passages first). PostgreSQL: ts_rank_cd of the very tsvector and tsquery each
    passage was matched with, in its language group (term frequency and proximity, per length; no rarity).

    Across languages, SQLite's scores are only roughly comparable: BM25 weighs each phrase of the MATCH
    expression (corpus.search.to_fts5) by how many passages of the whole index hold it, and each language
    group has its own phrases. Where the stems differ ("crime": "crime" in English, "crim" in Spanish), each
    weighs by its own frequency. A passage of no stemmed language is matched on its words as written, weighed
    by how many passages of any language hold that form; a stem gathers several forms ("polic": police,
    policed, policing), so it is commoner, and weighs less, than one form of it: such a passage can still
    come before a stemmed one that matches as well. FTS5 has no way to weigh a phrase by another's
    frequency. Within one language (`f.lang`) every passage is scored with the same phrases and weights."""
    search = _search_of(f)
    if search is None or not search.all_of:
        return []
    lang = f.lang.lower() if f.lang else None
    adjacent = _adjacent(f, dialect, lang)
    if dialect == "sqlite":
        return [*adjacent, _FTS_RELEVANCE]
    return [*adjacent, _pg_relevance(search.all_of, lang).desc()]


def _search_of(f: PassageFilter) -> Search | None:
    """`f`'s parsed search (expanded across languages when it asks), None without one; parsed once per
    search text (corpus.search.searched is cached), however many parts of a statement ask."""
    return searched(f.search, f.any_language) if f.search else None


def _adjacent(f: PassageFilter, dialect: str, lang: str | None) -> list[ColumnElement[Any]]:
    """An ORDER BY term (none for a search of fewer than two words) putting first the passages holding
    the most of the search's consecutive words as phrases (corpus.search.adjacent_pairs): "community
    policing" before "community ... policing", whatever the rest of the ranking says. Each pair is one
    full-text lookup of the phrase, the same on both stores, so they rank the same passages in the same
    tiers; with any_language, a pair's glossary equivalents ("policía comunitaria") count as the phrase."""
    pairs = adjacent_pairs(searched(f.search, False))
    if not pairs:
        return []
    flags: list[ColumnElement[Any]] = []
    for n, pair in enumerate(pairs):
        clause = [(pair, *(equivalents(pair.words) if f.any_language else ()))]
        if dialect == "sqlite":
            held = text(f"SELECT rowid FROM passages_fts WHERE passages_fts MATCH :fts_pair_{n}").bindparams(
                **{f"fts_pair_{n}": to_fts5(clause, lang)}
            )
            flag: ColumnElement[bool] = _FTS.c.rowid.in_(held.columns(column("rowid", Integer)))
        else:
            flag = func.coalesce(_pg_search(clause, lang), false())
        flags.append(case((flag, 1), else_=0))
    return [_balanced(flags, operator.add).desc()]


def count_passages(f: PassageFilter, dialect: str) -> Select[Any]:
    stmt, _ = _filtered(select(func.count()), f, dialect)
    return stmt


def select_stats(by: list[str], f: PassageFilter, dialect: str, places: bool = False) -> Select[Any]:
    """Passages counted per group; a passage counts once in every group it belongs to.

    label: effective labels, "none" for passages without one (with a minimum score, only the labels that
    reach it: the "enforcement" row counts what `passages --label enforcement` lists with the same
    minimum); country/program: null for passages mentioning none (with `places`, a country's group also
    holds the passages that name one of its cities, states or regions); year: the year the report was
    published, null when it is undated; report: report id.
    """
    columns: list[ColumnElement[Any]] = []
    keys: list[ColumnElement[Any]] = []
    joins: list[tuple[Any, ColumnElement[bool]]] = []
    for field in by:
        if field == "label":
            held = CurrentLabel.passage_id == Passage.id
            if f.min_score is not None:
                held = and_(held, CurrentLabel.score >= f.min_score)
            joins.append((CurrentLabel.__table__, held))
            expr: ColumnElement[Any] = func.coalesce(CurrentLabel.label, literal(NO_LABEL))
            columns.append(expr.label("label"))
            keys.append(expr)
        elif field in ("country", "program"):
            # A plain outer join (not a derived table) lets the planner probe entities by passage
            # even when its statistics are stale; count(DISTINCT) absorbs repeated mentions.
            entity = aliased(Entity, name=f"e_{field}")
            if field == "country" and places:  # a place's key is its country's code, folded: "co"
                kind: ColumnElement[bool] = entity.kind.in_(("country", "place"))
                key: ColumnElement[Any] = func.upper(entity.key)
            else:
                kind, key = entity.kind == field, entity.key.expression
            joins.append((entity, and_(entity.passage_id == Passage.id, kind)))
            # A program's group shows its key here; the store names it (corpus.queries.program_names_of).
            columns.append(key.label(field))
            keys.append(key)
        elif field == "year":
            # The year a report was published; null when it is undated (a trend must not read the
            # day it was ingested as the year it appeared: --since/--until do fall back on that day).
            year = cast(extract("year", Report.published), Integer)
            columns.append(year.label("year"))
            keys.append(year)
        elif field == "report":
            columns.append(Passage.report_id.label("report"))
            keys.append(Passage.__table__.c.report_id)
        elif field == "lang":
            columns.append(Passage.lang.label("lang"))
            keys.append(Passage.__table__.c.lang)
        elif field == "kind":
            columns.append(Passage.kind.label("kind"))
            keys.append(Passage.__table__.c.kind)
        else:  # pragma: no cover - callers validate against STAT_FIELDS
            raise ValueError(field)
    count = func.count(distinct(Passage.id)).label("count")
    stmt, _ = _filtered(select(*columns, count), f, dialect)
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    # Largest groups first; by year, in time order (a trend reads left to right), largest first within one,
    # the undated last on both databases (SQLite sorts nulls first, PostgreSQL last). Groups of one size in
    # the same order on both too: each key's null last, text by code point (SQLite's order; PostgreSQL's
    # collation would put "plan-colombia" and "plan colombia" by its locale's rules).
    year_key = keys[by.index("year")] if "year" in by else None
    years = [year_key.is_(None), year_key] if year_key is not None else []
    ties: list[ColumnElement[Any]] = []
    for field, key in zip(by, keys, strict=True):
        textual = field not in ("year", "report") and dialect == "postgresql"
        ties += [key.is_(None), key.collate("C") if textual else key]
    return stmt.group_by(*keys).order_by(*years, count.desc(), *ties)


def _filtered(stmt: Any, f: PassageFilter, dialect: str) -> tuple[Select[Any], ColumnElement[Any]]:
    """Add the FROM clause and WHERE conditions of `f`; returns the statement and its ordering key."""
    order_key: ColumnElement[Any] = Passage.__table__.c.id
    search = _search_of(f)
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
    conditions = _conditions(f, dialect, search, order_key)
    return (stmt.where(and_(*conditions)) if conditions else stmt), order_key


def _conditions(
    f: PassageFilter, dialect: str, search: Search | None, passage_id: ColumnElement[Any]
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `f`. Those on labels and entities look a passage up by `passage_id`: the
    FTS rowid when the index drives the query, so SQLite tests them before it reads the passage's row
    (a search that ranks its matches tests every one of them)."""
    conditions: list[ColumnElement[bool]] = []
    if f.report_id is not None:
        conditions.append(Passage.report_id == f.report_id)
    elif not f.include_superseded:
        conditions.append(Report.superseded_by.is_(None))
    if f.lang is not None:
        conditions.append(Passage.lang == f.lang)
    if f.kinds:
        conditions.append(Passage.kind.in_(f.kinds))
    if f.since is not None:
        conditions.append(Report.effective_date >= f.since)
    if f.until is not None:
        conditions.append(Report.effective_date <= f.until)
    if f.labels:
        conditions.append(_label_condition(f, passage_id))
    elif f.min_score is not None:
        conditions.append(_min_score_condition(f.min_score, passage_id))
    if f.countries:
        named = _entity_condition("country", list(f.countries), passage_id)
        if f.with_places:
            places = [entity_key("place", code) for code in f.countries]
            named = or_(named, _entity_condition("place", places, passage_id))
        conditions.append(named)
    if f.programs:
        keys = list(dict.fromkeys(entity_key("program", p) for p in f.programs))
        conditions.append(_entity_condition("program", keys, passage_id))
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
            fts_excluded=to_fts5([search.none_of], lang, other_numbers=False)
        )
        return [Passage.id.not_in(excluded.columns(column("rowid", Integer)))]
    found = [_pg_search(search.all_of, lang)] if search.all_of else []
    if search.none_of:
        found.append(~func.coalesce(_pg_search([search.none_of], lang, other_numbers=False), false()))
    return found


def _label_condition(f: PassageFilter, passage_id: ColumnElement[Any]) -> ColumnElement[bool]:
    # Aliases keep these subqueries from correlating with the tables stats joins for grouping.
    held_label = aliased(CurrentLabel)
    wanted = [label for label in f.labels if label != NO_LABEL]
    options: list[ColumnElement[bool]] = []
    if wanted:
        held = [held_label.passage_id == passage_id, held_label.label.in_(wanted)]
        if f.min_score is not None:
            held.append(held_label.score >= f.min_score)
        options.append(exists().where(*held))
    if NO_LABEL in f.labels:
        any_label = aliased(CurrentLabel)
        options.append(~exists().where(any_label.passage_id == passage_id))
    return or_(*options) if len(options) > 1 else options[0]


def _min_score_condition(min_score: float, passage_id: ColumnElement[Any]) -> ColumnElement[bool]:
    held_label = aliased(CurrentLabel)
    return exists().where(held_label.passage_id == passage_id, held_label.score >= min_score)


def _entity_condition(kind: str, keys: list[str], passage_id: ColumnElement[Any]) -> ColumnElement[bool]:
    entity = aliased(Entity)
    return exists().where(entity.passage_id == passage_id, entity.kind == kind, entity.key.in_(keys))


def _pg_search(
    clauses: Sequence[Sequence[Term]], lang: str | None, *, other_numbers: bool = True
) -> ColumnElement[bool]:
    """tsvector match of every clause (one of its terms). Words and phrases match by stem, in the passage's
    own language only, as on SQLite (corpus.search.to_fts5): one group per language, each `lang = 'xx' AND
    tsv @@ query in xx` (a GIN bitmap scan per group), else a Spanish "policía" would find English "police"
    (both stem to "polic"). PostgreSQL reads each term as typed, splitting it into words as it split the
    passages (corpus.search.pg_words: punctuation is a space in both). Prefixes match the unstemmed words
    (tsv_plain, migration 0004): the english stem of "eradication" is "erad", which "eradicat*" is no
    prefix of. Clauses of words only are one tsquery (terms joined by || within a clause, clauses by &&)."""

    def in_config(group: str | None, config: str) -> ColumnElement[bool]:
        held = _group_clauses(clauses, group, other_numbers)
        if held is None:
            return false()
        parts, word_queries = _pg_parts(held, config)
        conditions = [or_(*(vector.op("@@")(query) for vector, query in part)) for part in parts]
        # PostgreSQL's parser drops some tokens Python counts as words (HTML tags and entities): such a
        # term is an empty tsquery, which && would silently drop; on SQLite it matches nothing.
        conditions.extend(func.numnode(query) > 0 for query in word_queries)
        return and_(*conditions)

    if lang is not None:  # the filter already keeps that language's passages only
        return in_config(_pg_group(lang), _pg_config(lang))
    return or_(*(and_(_in_group(group), in_config(group, config)) for group, config in _PG_CONFIGS.items()))


def _pg_group(lang: str) -> str | None:
    """The language group of passages in `lang`: itself when stemmed, else None (every other language)."""
    return lang if lang in _PG_CONFIGS else None


def _group_clauses(
    clauses: Sequence[Sequence[Term]], group: str | None, other_numbers: bool = True
) -> list[list[Term]] | None:
    """The terms of each clause matched in passages of language group `group`, as they are matched there
    (corpus.search.terms_in: a glossary equivalent only in its own language, a word's other number as
    written, unless `other_numbers` is False); None when a clause has none there (no passage of the group
    can match)."""
    held = [terms_in(clause, group, other_numbers=other_numbers) for clause in clauses]
    return held if all(held) else None


def _pg_relevance(clauses: Sequence[Sequence[Term]], lang: str | None) -> ColumnElement[Any]:
    """How well a passage matched (higher is better): ts_rank_cd of each tsquery _pg_search matched it
    with, against the same tsvector and in its language group's configuration, summed."""

    def in_config(group: str | None, config: str) -> ColumnElement[Any]:
        held = _group_clauses(clauses, group)
        if held is None:
            return literal(0.0)
        parts, _ = _pg_parts(held, config)
        ranks = [
            func.ts_rank_cd(vector, query, _PG_RANK_NORMALIZATION) for part in parts for vector, query in part
        ]
        return _balanced(ranks, operator.add)

    if lang is not None:
        return in_config(_pg_group(lang), _pg_config(lang))
    groups = [(_in_group(group), in_config(group, config)) for group, config in _PG_CONFIGS.items() if group]
    return case(*groups, else_=in_config(None, _PG_PLAIN))


# One way a passage can hold a part of a search: a tsvector column and the tsquery it must match.
_Probe = tuple[ColumnElement[Any], ColumnElement[Any]]


def _pg_parts(
    clauses: Sequence[Sequence[Term]], config: str
) -> tuple[list[list[_Probe]], list[ColumnElement[Any]]]:
    """The parts a passage of one language group must hold, each a list of probes of which one must match,
    and the tsqueries of the clauses of words only (ANDed into the first part, on tsv). A clause with
    prefixes or glossary forms (corpus.search.as_written) is a part of its own: its words on tsv, or its
    prefixes and forms on tsv_plain."""
    tsv: ColumnElement[Any] = literal_column("passages.tsv")
    tsv_plain: ColumnElement[Any] = literal_column("passages.tsv_plain")
    word_queries: list[ColumnElement[Any]] = []
    parts: list[list[_Probe]] = []
    for clause in clauses:
        words = [_phrase(config, t) for t in clause if not as_written(t)]
        written = [
            func.to_tsquery(_regconfig(_PG_PLAIN), to_tsquery_text(t)) if t.prefix else _phrase(_PG_PLAIN, t)
            for t in clause
            if as_written(t)
        ]
        if not written:
            word_queries.append(_any(words))
            continue
        part: list[_Probe] = [(tsv, _any(words))] if words else []
        parts.append([*part, (tsv_plain, _any(written))])
    if word_queries:
        parts.insert(0, [(tsv, _all(word_queries))])
    return parts, word_queries


def _pg_config(lang: str) -> str:
    """The text-search configuration of passages.tsv for passages in `lang`."""
    return _PG_CONFIGS[_pg_group(lang)]


def _in_group(group: str | None) -> ColumnElement[bool]:
    """Passages of one language group: `group`, or (None) any language without a group of its own."""
    if group is not None:
        return Passage.lang == group
    return or_(Passage.lang.is_(None), Passage.lang.not_in([g for g in _PG_CONFIGS if g is not None]))


def _phrase(config: str, term: Term) -> ColumnElement[Any]:
    """One word or phrase, as typed, as a tsquery in text-search configuration `config`: read as the
    passages were indexed (pg_words, migration 0010), so "cor/raça" is the phrase of "cor" and "raça". A
    single word the stemmer splits from its other number (corpus.search.other_number) matches both."""
    typed = pg_words(term.typed or " ".join(term.words))
    query = func.phraseto_tsquery(_regconfig(config), typed)
    language = next((lang for lang, name in _PG_CONFIGS.items() if name == config), None)
    alone = len(term.words) == 1 and not as_written(term)
    other = other_number(term.words[0], language) if alone else None
    return query.op("||")(func.phraseto_tsquery(_regconfig(config), other)) if other else query


def _regconfig(config: str) -> ColumnElement[Any]:
    """The configuration as a constant of the statement, not a parameter: with a bound (varchar) value
    PostgreSQL computes every phraseto_tsquery once per row, 5 s for 8 words ORed across languages on 15k
    passages. The names are ours (_PG_CONFIGS), never a user's."""
    if config not in _PG_CONFIGS.values():
        raise ValueError(f"unknown text-search configuration {config!r}")
    return literal_column(f"'{config}'::regconfig", REGCONFIG)


def _all(queries: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    return _balanced(queries, lambda a, b: a.op("&&")(b))


def _any(queries: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    return _balanced(queries, lambda a, b: a.op("||")(b))


def _balanced(
    items: Sequence[ColumnElement[Any]], combine: Callable[[Any, Any], ColumnElement[Any]]
) -> ColumnElement[Any]:
    """`items` joined by an associative operator as a balanced tree: a chain of a search's 256 terms nests
    256 deep, and SQLAlchemy compiles it recursively (a RecursionError, depending on the stack in use)."""
    if len(items) == 1:
        return items[0]
    middle = len(items) // 2
    return combine(_balanced(items[:middle], combine), _balanced(items[middle:], combine))
