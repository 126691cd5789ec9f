"""The same real passages in a SQLite and a PostgreSQL store: every search finds the same passages on both.

Passages from the shared research material (../shared/gold): English, Spanish and Portuguese, plus a few
in two languages (stemmed as no language). The searches are those a user-acceptance review found to
differ: words of one language that PostgreSQL matched by stem in every language, accented and unaccented
spellings, stop words alone and in phrases, "U.S.", words joined by punctuation ("raça/cor", "UACT/UNODC",
"and/or", web addresses), which PostgreSQL's parser read as one token of another kind. Words whose stem
differs between PostgreSQL's Snowball stemmers and PyStemmer's (newer) would find fewer passages on
PostgreSQL (FEWER_ON_POSTGRESQL, empty since a word also matches its other number).
Searches across languages (any_language: the glossary's equivalents too) find the same passages as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from storedata import require_unaccent

from corpus import Corpus, NewPassage, NewReport, PassageFilter
from corpus.glossary import glossary
from corpus.search import searched

PER_LANG = {"en": 300, "es": 200, "pt": 80, "es+en": 10}
SEARCHES = (
    "policia", "cocaína", "violencia", "cultivo", "extradition", "México", "mexico", "homicidios",
    "violência", "Sao Paulo", "São Paulo", "prevencao", '"grupos moviles de erradicacion"', "the", '"of the"',
    "de", "que", '"homicide rates in"', "são", "não", "U.S.", "drug trafficking", '"drug trafficking"',
    "cartels", "cocaine OR cocaína", "police -violence", 'NOT "drug trafficking" cartels',
    "homicid* OR violencia -police", "-the", '"drug traf*"', '"grupos moviles de erradica*"',
    '"dru* trafficking"', "raça", "cor", "UNODC", "DPCI", "2015", "www", '"and/or"', "y/o", "narco",
    # PostgreSQL's own Snowball Spanish stemmer (older than PyStemmer's) takes "-ación" off only with its
    # accent, and words are folded first: "erradicacion" stays whole there, "erradicaciones" is "errad".
    # A word searched alone also matches its other number (corpus.search.number_forms), so these find the
    # same passages on both (they found fewer on PostgreSQL until a team review).
    "erradicacion", "erradicación", "organización", "operaciones", "instituciones",
    # Other numbers the Snowball stemmers split, and a word in quotes matched as written (a journalist's
    # review).
    "crímenes", "crimen", "jóvenes", "jovem", "jovens", "mujeres", "merida", "maras", "gobierno", "ciudades",
    "sociais", "jueces", "-maras", '"Mérida"', '"maras"', "taxa", "cartel", "militares", "unidades",
)  # fmt: skip
FEWER_ON_POSTGRESQL: tuple[str, ...] = ()
# Searched with any_language (corpus.glossary): the equivalents in English, Spanish and Portuguese too.
ANY_LANGUAGE_SEARCHES = (
    "eradication", "erradicación", "extradition", "homicide", "money laundering", '"drug trafficking"',
    "gang", "kidnapping", "extortion", "prevention", "seizure", "community policing", "prison",
    "cooperation", "militarization", "alternative development", "police -violence", "cocaine OR coca",
    "Putumayo", "U.S. cooperation",
)  # fmt: skip
# Glossary forms are matched as written (corpus.search.as_written), the same on both; the typed word keeps
# its stem, so a search that finds fewer on PostgreSQL without the option still does with it.
ANY_LANGUAGE_FEWER_ON_POSTGRESQL = FEWER_ON_POSTGRESQL


def _passages(shared: Path) -> list[NewPassage]:
    """PER_LANG passages of unlabeled_passages.jsonl, then every passage of the gold dev set."""
    taken = dict.fromkeys(PER_LANG, 0)
    rows: list[dict[str, str]] = []
    with (shared / "gold" / "unlabeled_passages.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            lang = row["lang"]
            if lang not in PER_LANG or taken[lang] >= PER_LANG[lang]:
                continue
            taken[lang] += 1
            rows.append(row)
    with (shared / "gold" / "dev.jsonl").open(encoding="utf-8") as lines:
        rows.extend(json.loads(line) for line in lines)
    passages: list[NewPassage] = []
    for seq, row in enumerate(rows, start=1):
        stemmed = row["lang"] if row["lang"] in ("en", "es", "pt") else None
        passages.append(NewPassage(seq, seq, seq, row["text"], stemmed))
    return passages


# The tests only search `both`: one worker fills it once for all of them (seconds on each database).
pytestmark = pytest.mark.xdist_group("store-search-both-databases")


@pytest.fixture(scope="module")
def both(
    shared_dir: Path, tmp_path_factory: pytest.TempPathFactory, module_pg_store_url: str
) -> Iterator[tuple[Corpus, Corpus]]:
    """The same passages in a SQLite and a PostgreSQL store, shared by the tests of this module (which
    only read them)."""
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('search-both') / 'citsec.db'}"
    report = NewReport(uri="gold", sha256="e" * 64, title="gold passages", passages=_passages(shared_dir))
    with Corpus.open(sqlite_url) as lite, Corpus.open(module_pg_store_url) as pg:
        lite.add_report(report)
        pg.add_report(report)
        yield lite, pg


def _found(corpus: Corpus, search: str, lang: str | None = None, any_language: bool = False) -> list[int]:
    f = PassageFilter(search=search, lang=lang, any_language=any_language)
    return [p.seq for p in corpus.passages(f)]


@pytest.mark.pg
def test_every_search_finds_the_same_passages_on_both_databases(both: tuple[Corpus, Corpus]) -> None:
    lite, pg = both
    require_unaccent(pg, "words keep their accents")
    assert lite.count_passages() == pg.count_passages() > 500
    differ = {}
    for search in SEARCHES:
        for lang in (None, "en", "es", "pt"):
            on_sqlite, on_pg = _found(lite, search, lang), _found(pg, search, lang)
            if on_sqlite != on_pg:
                differ[search, lang] = (len(on_sqlite), len(on_pg))
    assert differ == {}
    # A phrase ending in a prefix finds the phrase with any ending, and only it.
    for corpus in (lite, pg):
        found = [p.text.lower() for p in corpus.passages(PassageFilter(search='"drug traf*"'))]
        assert all(re.search(r"drug[\W_]+traf", text) for text in found)
        assert any(re.search(r"drug[\W_]+trafficking", text) for text in found)
        assert any(re.search(r"drug[\W_]+traffickers", text) for text in found)
        assert _found(corpus, '"dru* trafficking"')  # a prefix inside a phrase: its words, not nothing
    for search in FEWER_ON_POSTGRESQL:
        on_sqlite, on_pg = _found(lite, search), _found(pg, search)
        assert on_pg and set(on_pg) <= set(on_sqlite), search


@pytest.mark.pg
def test_searches_across_languages_find_the_same_passages_on_both_databases(
    both: tuple[Corpus, Corpus],
) -> None:
    lite, pg = both
    require_unaccent(pg, "words keep their accents")
    differ, gained = {}, {}
    for search in ANY_LANGUAGE_SEARCHES:
        for lang in (None, "en", "es", "pt"):
            on_sqlite, on_pg = _found(lite, search, lang, True), _found(pg, search, lang, True)
            if search in ANY_LANGUAGE_FEWER_ON_POSTGRESQL:
                assert set(on_pg) <= set(on_sqlite), (search, lang)
            elif on_sqlite != on_pg:
                differ[search, lang] = (len(on_sqlite), len(on_pg))
        gained[search] = len(_found(lite, search, None, True)) - len(_found(lite, search))
    assert differ == {}
    # Ranked (phrases first, corpus.passage_sql._adjacent), every search lists the rows it finds.
    for corpus in (lite, pg):
        for search in (*SEARCHES, *ANY_LANGUAGE_SEARCHES):
            for any_language in (False, True):
                f = PassageFilter(search=search, any_language=any_language)
                ranked = [p.seq for p in corpus.passages(f, ranked=True)]
                assert sorted(ranked) == _found(corpus, search, None, any_language), search
    # The option finds more for the field's terms, and the same for a word the glossary does not hold.
    assert gained["eradication"] > 0 and gained["money laundering"] > 0 and gained["homicide"] > 0
    assert gained["Putumayo"] == 0


@pytest.mark.pg
def test_every_glossary_headword_finds_the_same_passages_on_both_databases(
    both: tuple[Corpus, Corpus],
) -> None:
    """Each headword of every language, with the option: the same rows on both stores, unless the search
    or one of the forms it adds already differs without the option, in the form's language (the Spanish
    stemmers: "erradicación", "educación"; PostgreSQL's parser read "United Nations-backed" and URLs into
    other words until migration 0010); asserted as such."""
    lite, pg = both
    require_unaccent(pg, "words keep their accents")
    heads = dict.fromkeys(entry.forms[lang][0] for entry in glossary().entries for lang in ("en", "es", "pt"))
    assert len(heads) > 600
    unexplained = []
    for search in heads:
        if _found(lite, search, None, True) == _found(pg, search, None, True):
            continue
        alone = [(search, None)] + [
            ('"' + " ".join(term.words) + '"', term.lang)
            for clause in searched(search, True).all_of
            for term in clause
            if term.lang is not None
        ]
        if all(_found(lite, text, lang) == _found(pg, text, lang) for text, lang in alone):
            unexplained.append(search)
    assert unexplained == []
