"""Words joined by punctuation and names typed without their accents, on SQLite and PostgreSQL.

PostgreSQL's text-search parser glued words and punctuation into one token of another kind: "cor/raça" a
file path ('cor/ra', then 'ça'), "ipea.gov.br" a host, "2010-2015" the numbers 2010 and -2015, so
`--search raça` found fewer passages there than on SQLite, whose index holds letters and digits only. And
`--program` matched a program found by a rule (stored as the text wrote it) only with its accents. Both
stores now read punctuation as a space and fold a program's key (migration 0010), which the last tests
check on a store made at revision 0009.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from storedata import require_unaccent

from corpus import Corpus, NewEntity, NewPassage, NewReport, PassageFilter
from corpus.engine import MIGRATIONS_DIR, current_revision, make_engine, upgrade
from corpus.migrations import HEAD

DPCI = "Programa contra Cultivos Ilícitos - DPCI"  # found by a rule in UNODC's GME report: no gazetteer entry
PASSAGES = [
    ("Taxa de homicídios de jovens por cor/raça segundo a PNAD/IBGE, 2010-2015.", "pt"),
    ("Cooperation on the US/Mexico border and the narco-trafficking networks.", "en"),
    ("Dados do Ipea: www.ipea.gov.br/portal/index.php?id=3&x=y ou contato@ipea.gov.br.", "pt"),
    ("La tasa subió 3.5 puntos; la erradicación alcanzó 1.000.000 de plantas.", "es"),
    ("Raça e cor: a violência contra jovens negros.", "pt"),
]


def _ids(corpus: Corpus, **kw: Any) -> list[int]:
    return [p.seq for p in corpus.passages(PassageFilter(**kw))]


@pytest.fixture
def joined(store: Corpus) -> Corpus:
    passages = [NewPassage(seq, seq, seq, body, lang) for seq, (body, lang) in enumerate(PASSAGES, start=1)]
    store.add_report(NewReport(uri="joined", sha256="j" * 64, title="joined words", passages=passages))
    return store


def test_words_joined_by_a_slash_are_words(joined: Corpus) -> None:
    require_unaccent(joined, "words keep their accents")
    assert _ids(joined, search="raça") == [1, 5]
    assert _ids(joined, search="raca") == [1, 5]
    assert _ids(joined, search="cor") == [1, 5]
    assert _ids(joined, search="IBGE") == _ids(joined, search="PNAD") == [1]
    assert _ids(joined, search="Mexico") == [2]
    assert _ids(joined, search="2015") == _ids(joined, search="2010") == [1]  # "2010-2015": not -2015
    assert _ids(joined, search='"cor/raça"') == _ids(joined, search="cor/raça") == [1]
    assert _ids(joined, search='"cor raça"') == [1]  # the same words in a row, as SQLite matches them
    assert _ids(joined, search="PNAD/IBGE") == [1]
    assert _ids(joined, search="raç*") == [1, 5]
    assert _ids(joined, search='"por cor/ra*"') == [1]
    assert _ids(joined, search="raça", lang="pt") == [1, 5]


def test_hosts_urls_emails_numbers_and_compounds_are_found_as_typed_and_by_their_words(
    joined: Corpus,
) -> None:
    # As typed, as before (PostgreSQL matched these as one token each): now as their words in a row.
    assert _ids(joined, search="www.ipea.gov.br/portal/index.php?id=3&x=y") == [3]
    assert _ids(joined, search="contato@ipea.gov.br") == [3]
    assert _ids(joined, search="ipea.gov.br") == [3]
    assert _ids(joined, search="3.5") == [4]
    assert _ids(joined, search="1.000.000") == [4]
    assert _ids(joined, search="narco-trafficking") == [2]
    assert _ids(joined, search="US/Mexico") == [2]
    # By their words, as SQLite always found them.
    for word in ("Ipea", "portal", "contato", "gov"):
        assert _ids(joined, search=word) == [3], word
    assert _ids(joined, search="trafficking") == _ids(joined, search="narco") == [2]
    assert _ids(joined, search='"the narco trafficking"') == [2]
    assert _ids(joined, search='"the narco-trafficking networks"') == [2]
    assert _ids(joined, search="puntos 3") == [4]
    assert _ids(joined, search="-ipea.gov.br raça") == [1, 5]  # excluded as typed, too


def test_every_ascii_punctuation_mark_splits_words_on_both_databases(store: Corpus) -> None:
    """Each mark between words and between numbers: each word found, and the words typed with the mark,
    on SQLite and PostgreSQL alike."""
    marks = string.punctuation
    passages = [
        NewPassage(seq, seq, seq, f"alfa{mark}beta{mark}gama 10{mark}20{mark}30 fim", "es")
        for seq, mark in enumerate(marks, start=1)
    ]
    store.add_report(NewReport(uri="marks", sha256="m" * 64, passages=passages))
    every = list(range(1, len(marks) + 1))
    for word in ("alfa", "beta", "gama", "10", "20", "30", '"beta gama"', '"20 30 fim"', "bet*"):
        assert _ids(store, search=word) == every, word
    for seq, mark in enumerate(marks, start=1):
        if mark in '"*()[]{}-':  # search syntax: a quote, a prefix, brackets, an exclusion
            continue
        assert seq in _ids(store, search=f"alfa{mark}beta{mark}gama"), mark
        assert seq in _ids(store, search=f"20{mark}30"), mark


def test_the_punctuation_postgresql_reads_as_space_is_the_migrations() -> None:
    import importlib.util

    from corpus.filters import entity_key
    from corpus.search import PG_SPACED, pg_words

    path = next((MIGRATIONS_DIR / "versions").glob("0010_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._SPACED == PG_SPACED
    assert pg_words("cor/raça, U.S.") == "cor raça  U S "
    # and the migration's key rule is entity_key's
    for name in (DPCI, "  Política de  Defensa ", "Mérida", "Ação nº 5", "STRASSE Straße", "Plan Colombia"):
        assert module._folded(name) == entity_key("program", name), name


def _program_store(store: Corpus) -> Corpus:
    store.add_report(
        NewReport(
            uri="dpci",
            sha256="d" * 64,
            passages=[
                NewPassage(1, 1, 1, f"El {DPCI} apoya a las familias.", "es",
                           entities=[NewEntity("program", DPCI, DPCI),
                                     NewEntity("country", "Colombia", "CO")]),
                NewPassage(2, 2, 2, "Programa contra Cultivos Ilicitos - DPCI, sin tildes.", "es",
                           entities=[NewEntity("program", "Programa contra Cultivos Ilicitos - DPCI",
                                               "Programa contra Cultivos Ilicitos - DPCI")]),
                NewPassage(3, 3, 3, "Plan Colombia y la Iniciativa Mérida.", "es",
                           entities=[NewEntity("program", "Plan Colombia", "Plan Colombia"),
                                     NewEntity("country", "Perú", "PE")]),
            ],
        )
    )  # fmt: skip
    return store


@pytest.mark.parametrize(
    "typed",
    [DPCI, "Programa contra Cultivos Ilicitos - DPCI", "PROGRAMA CONTRA CULTIVOS ILÍCITOS  -  DPCI",
     "programa contra cultivos ilicitos - dpci", " Programa  contra Cultivos Ilícitos - DPCI "],
)  # fmt: skip
def test_a_program_found_by_a_rule_is_found_without_its_accents(store: Corpus, typed: str) -> None:
    _program_store(store)
    assert _ids(store, programs=(typed,)) == [1, 2]
    assert store.count_passages(PassageFilter(programs=(typed,))) == 2
    assert _ids(store, programs=(typed, "plan colombia")) == [1, 2, 3]


def test_program_stats_show_the_name_and_count_its_spellings_together(store: Corpus) -> None:
    _program_store(store)
    rows = {(r["program"], r["count"]) for r in store.stats("program")}
    # One program, two spellings: one group, shown by one of the names the passages hold (written as often
    # as the other, the one with its accents).
    assert rows == {(DPCI, 2), ("Plan Colombia", 1)}
    rows = {(r["program"], r["count"]) for r in store.stats("program", PassageFilter(programs=(DPCI,)))}
    assert rows == {(DPCI, 2)}
    # Each passage lists it by that name too, so that rows group as stats do (a researcher's review).
    assert [p.programs for p in store.passages()] == [[DPCI], [DPCI], ["Plan Colombia"]]


def test_countries_by_name_with_or_without_accents(store: Corpus) -> None:
    _program_store(store)
    for typed in ("Peru", "Perú", "PERÚ", "pe", "PER"):
        assert _ids(store, countries=(typed,)) == [3], typed
    assert PassageFilter(countries=("Cote d'Ivoire", "Côte d'Ivoire", "curacao")).validated().countries == (
        "CI",
        "CW",
    )


# -- a store made at revision 0009 -------------------------------------------------------------------------


def _at_0009(engine: Engine) -> None:
    """Passages joined by punctuation and a rule's program stored as 0009 stored them: key case-folded."""
    assert upgrade(engine, "0009") == "0009"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO reports (id, uri, title, pages, status, warnings, ingested_at, effective_date,"
                " metadata) VALUES (1, 'u', 't', 1, 'ok', '[]', :now, :today, '{}')"
            ),
            {"now": "2026-12-01 00:00:00", "today": "2026-12-01"},
        )
        for seq, (body, lang) in enumerate(PASSAGES, start=1):
            conn.execute(
                text(
                    "INSERT INTO passages (id, report_id, seq, page_start, page_end, lang, kind, char_start,"
                    " char_end, text) VALUES (:seq, 1, :seq, 1, 1, :lang, 'text', 0, 0, :t)"
                ),
                {"seq": seq, "lang": lang, "t": body},
            )
        for kind, value, key in (("program", DPCI, DPCI.casefold()), ("country", "CO", "CO"),
                                 ("program", "Plan Colombia", "plan colombia")):  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO entities (passage_id, kind, text, value, key, char_start, char_end)"
                    " VALUES (4, :kind, :value, :value, :key, 0, 0)"
                ),
                {"kind": kind, "value": value, "key": key},
            )


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _keys(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT key FROM entities ORDER BY id")).scalars())


@pytest.fixture(params=["sqlite_url", pytest.param("pg_url", marks=pytest.mark.pg)])
def empty_engine(request: pytest.FixtureRequest) -> Iterator[tuple[str, Engine]]:
    url = request.getfixturevalue(request.param)
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()


def test_a_store_at_0009_finds_joined_words_and_unaccented_programs_once_upgraded_and_back(
    empty_engine: tuple[str, Engine],
) -> None:
    url, engine = empty_engine
    _at_0009(engine)
    folded = "programa contra cultivos ilicitos - dpci"
    with Corpus.open(url) as corpus:  # opening migrates to head
        require_unaccent(corpus, "words keep their accents")
        assert current_revision(engine) == HEAD
        assert _ids(corpus, search="raça") == [1, 5]
        assert _ids(corpus, search="IBGE") == _ids(corpus, search="2015") == [1]
        assert _ids(corpus, search="ipea") == [3]
        assert _ids(corpus, search='"the narco trafficking"') == [2]
        assert _ids(corpus, search="3.5") == [4]
        assert _keys(engine) == [folded, "CO", "plan colombia"]
        for typed in (DPCI, "Programa contra Cultivos Ilicitos - DPCI"):
            assert _ids(corpus, programs=(typed,)) == [4]
        # `citsec db retag` finds the stored keys are the ones it makes: nothing to rewrite.
        same = [NewEntity("program", DPCI, DPCI), NewEntity("country", "CO", "CO"),
                NewEntity("program", "Plan Colombia", "Plan Colombia")]  # fmt: skip
        assert corpus.replace_entities({4: same}).passages == 0
    _downgrade(engine, "0009")
    assert current_revision(engine) == "0009"
    assert _keys(engine) == [DPCI.casefold(), "CO", "plan colombia"]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            indexed = conn.execute(text("SELECT tsv::text, tsv_plain::text FROM passages WHERE id = 1")).one()
            indexes = "SELECT indexname FROM pg_indexes WHERE tablename = 'passages'"
            held = set(conn.execute(text(indexes)).scalars())
        assert {"ix_passages_tsv", "ix_passages_tsv_plain"} <= held
        assert "'cor/ra'" in indexed[0] and "'cor/ra'" in indexed[1]  # 0005's and 0004's columns again
    assert upgrade(engine) == HEAD  # and forward again
    with Corpus.open(url) as corpus:
        assert _ids(corpus, search="raça") == [1, 5]
        assert _ids(corpus, programs=("programa contra cultivos ilicitos - dpci",)) == [4]
