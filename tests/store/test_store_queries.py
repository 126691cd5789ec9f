"""Each passage filter on a small hand-made store, search-text safety, limits and streaming."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storedata import require_unaccent

from corpus import Corpus, CorpusError, NewEntity, NewPassage, NewReport, PassageFilter, parse_date
from corpus.search import match_spans, parse_search, to_fts5


def _p(seq: int, text: str, lang: str | None, *entities: NewEntity) -> NewPassage:
    return NewPassage(seq, seq, seq + 1, text, lang, entities=list(entities))


CO, MX, BR = (NewEntity("country", c, c) for c in ("CO", "MX", "BR"))
PLAN = NewEntity("program", "Plan Colombia", "Plan Colombia")
MERIDA = NewEntity("program", "Mérida", "Merida Initiative")


@pytest.fixture
def small(store: Corpus) -> Corpus:
    """Two reports, five passages, model labels on all, one human override."""
    store.add_report(
        NewReport(
            uri="a",
            sha256="a" * 64,
            title="Colombia report",
            published=dt.date(2012, 6, 1),
            passages=[
                _p(1, "Youth programs reduced violence in Medellín.", "en", CO),
                _p(2, "Aerial eradication and police raids under Plan Colombia.", "en", CO, PLAN),
                _p(3, "La policía capturó al cabecilla del cartel.", "es", CO, MX),
            ],
        )  # fmt: skip
    )
    store.add_report(
        NewReport(
            uri="b",
            sha256="b" * 64,
            title="Mexico report",
            published=dt.date(2019, 1, 15),
            passages=[
                _p(1, "The Merida Initiative funded judicial training.", "en", MX, MERIDA),
                _p(2, "Tabela de homicídios por estado.", "pt", BR),
            ],
        )  # fmt: skip
    )
    scores = {
        1: {"prevention": 0.92, "enforcement": 0.1, "transnational": 0.05},
        2: {"prevention": 0.05, "enforcement": 0.88, "transnational": 0.61},
        3: {"prevention": 0.02, "enforcement": 0.71, "transnational": 0.2},
        4: {"prevention": 0.4, "enforcement": 0.55, "transnational": 0.97},
        5: {"prevention": 0.1, "enforcement": 0.1, "transnational": 0.1},
    }
    store.add_predictions("m1", [(pid, lb, s) for pid, d in scores.items() for lb, s in d.items()])
    store.add_labels(4, ["transnational"], annotator="analyst")  # a person disagrees on enforcement
    return store


def ids(corpus: Corpus, **kw: object) -> list[int]:
    return [p.id for p in corpus.passages(PassageFilter(**kw))]  # type: ignore[arg-type]


def test_every_filter_alone(small: Corpus) -> None:
    assert ids(small) == [1, 2, 3, 4, 5]
    assert ids(small, labels=("enforcement",)) == [2, 3]
    assert ids(small, labels=("prevention", "transnational")) == [1, 2, 4]
    assert ids(small, labels=("none",)) == [5]
    assert ids(small, labels=("Enforcement ",)) == [2, 3]
    assert ids(small, min_score=0.9) == [1, 4]
    assert ids(small, labels=("enforcement",), min_score=0.8) == [2]
    assert ids(small, labels=("transnational",), min_score=0.99) == [4]  # human label scores 1
    assert ids(small, countries=("CO",)) == [1, 2, 3]
    assert ids(small, countries=("br", "MX")) == [3, 4, 5]
    assert ids(small, programs=("plan colombia",)) == [2]
    assert ids(small, programs=("MERIDA INITIATIVE", "Plan Colombia")) == [2, 4]
    assert ids(small, programs=("Mérida",)) == []  # the canonical name, not the surface form
    assert ids(small, report_id=2) == [4, 5]
    assert ids(small, lang="ES") == [3]
    assert ids(small, since=dt.date(2015, 1, 1)) == [4, 5]
    assert ids(small, until=dt.date(2012, 6, 1)) == [1, 2, 3]
    assert ids(small, since=parse_date("2019-01"), until=parse_date("2019-01", end=True)) == [4, 5]


def test_filters_combine_with_and(small: Corpus) -> None:
    assert ids(small, labels=("enforcement",), countries=("MX",)) == [3]
    assert ids(small, countries=("CO",), lang="en", search="police") == [2]
    assert ids(small, labels=("transnational",), report_id=1) == [2]


def test_search_words_phrases_prefixes_and_accents(small: Corpus) -> None:
    assert ids(small, search="raids") == [2]
    assert ids(small, search="youth violence") == [1]
    assert ids(small, search='"judicial training"') == [4]
    assert ids(small, search='"training judicial"') == []
    assert ids(small, search="Merid*") == [4]
    assert ids(small, search="medellín") == [1]
    # Both stores index each passage by stem in its own language (the same Snowball stemmers)
    assert ids(small, search="raid") == [2]
    assert ids(small, search="reduce program") == [1]
    assert ids(small, search="youth program") == [1]
    assert ids(small, search="capturar") == [3]
    assert ids(small, search="cabecillas carteles") == [3]
    assert ids(small, search="homicídio") == [5]
    assert ids(small, search='"judicial trainings"') == [4]
    assert ids(small, search="raid", lang="es") == []
    assert ids(small, search="raid", lang="EN") == [2]


def test_words_and_phrases_fold_accents(small: Corpus) -> None:
    # PostgreSQL's english/spanish/portuguese configurations kept accents: "homicidios" missed "homicídios".
    require_unaccent(small, "words keep their accents")
    assert ids(small, search="medellin") == [1]
    assert ids(small, search="MEDELLÍN") == [1]
    assert ids(small, search="policia") == [3]
    assert ids(small, search="homicidios") == [5]
    assert ids(small, search="homicidio") == [5]
    assert ids(small, search="capturo cabecilla") == [3]
    assert ids(small, search='"la policia capturo"') == [3]
    assert ids(small, search='"violence in medellin"') == [1]
    assert ids(small, search='"homicidios por"') == [5]


def test_stop_words_are_words_too(small: Corpus) -> None:
    # PostgreSQL dropped them ("the" found nothing in English passages, "de" nothing in Portuguese ones), and
    # a phrase ignored them: '"homicídios de"' found "de homicídios". SQLite keeps every word.
    assert ids(small, search="the") == [4]
    assert ids(small, search="in") == [1]
    assert ids(small, search="de") == [5]
    assert ids(small, search="al") == [3]
    assert ids(small, search="the merida") == [4]
    assert ids(small, search='"the merida"') == [4]
    assert ids(small, search='"del cartel"') == [3]
    assert ids(small, search='"violence in Medellín"') == [1]
    assert ids(small, search='"violence at Medellín"') == []
    assert ids(small, search='"tabela de homicídios"') == [5]
    assert ids(small, search='"homicídios de"') == []
    assert ids(small, search='"la policía"', lang="es") == [3]


def test_a_word_finds_passages_of_its_own_language_only(small: Corpus) -> None:
    # The spanish stem of "policía" is the english stem of "police", "polic": PostgreSQL tried every
    # language's stem in every passage, so the Spanish word found the English passage too; SQLite never did.
    assert ids(small, search="policía") == [3]
    assert ids(small, search="policía capturó") == [3]
    assert ids(small, search='"la policía"') == [3]
    assert ids(small, search="policía", lang="en") == []


def test_u_s_with_its_dots_is_found(store: Corpus) -> None:
    # PostgreSQL reads "U.S." as one token 'u.s'; the query asked for 'u' and 's', and found nothing.
    store.add_report(
        NewReport(
            uri="u",
            sha256="c" * 64,
            passages=[
                _p(1, "U.S. aid to Colombia rose.", "en"),
                _p(2, "Us and them: the s-bend of aid.", "en"),
                _p(3, "La ayuda de U.S. a Colombia.", None),
                _p(4, "Ayuda de los U.S. a Colombia.", "es"),
            ],
        )  # fmt: skip
    )
    assert ids(store, search="U.S.") == [1, 3, 4]
    assert ids(store, search="u.s") == [1, 3, 4]
    assert ids(store, search='"U.S. aid"') == [1]
    assert ids(store, search="U.S. aid") == [1]
    assert ids(store, search="U.S.", lang="fr") == []
    assert ids(store, search="(U.S.)", lang="es") == [4]


def test_a_prefix_matches_the_words_not_their_stems(small: Corpus) -> None:
    # The english stem of "eradication" is "erad", which "eradicat" is no prefix of; PostgreSQL found nothing.
    assert ids(small, search="eradicat*") == [2]
    assert ids(small, search="eradicat*", lang="EN") == [2]
    assert ids(small, search="eradicat*", lang="es") == []
    assert ids(small, search="initiativ* judicial") == [4]  # stem "initi"
    assert ids(small, search="the*") == [4]  # an english stop word is still the start of a word
    # Mixed with words (by stem), phrases and OR: every clause is still required
    assert ids(small, search="Eradicat* raid") == [2]
    assert ids(small, search='eradicat* "police raids"') == [2]
    assert ids(small, search='eradicat* "raids police"') == []
    assert ids(small, search="eradicat* youth") == []
    assert ids(small, search="eradicat* OR youth") == [1, 2]
    assert ids(small, search="eradicat* aerial*") == [2]
    assert ids(small, search="eradicat* medell*") == []


def test_or_and_exclusions(small: Corpus) -> None:
    assert ids(small, search="youth OR cabecilla") == [1, 3]  # either, each in its own language
    assert ids(small, search="youth OR cabecilla violence") == [1]
    assert ids(small, search="police OR cartel") == [2, 3]
    assert ids(small, search="police OR cartel -raids") == [3]
    assert ids(small, search="police OR cartel NOT raids") == [3]
    assert ids(small, search="NOT youth") == [2, 3, 4, 5]  # only exclusions: everything else
    assert ids(small, search='-"plan colombia"') == [1, 3, 4, 5]
    assert ids(small, search="eradicat* OR youth -medell*") == [2]
    assert ids(small, search="police OR cartel -raids", lang="en") == []
    assert ids(small, search="-- NOT OR") == []  # no term at all: nothing
    # A term PostgreSQL's parser reads as no word (an HTML entity) still has to match, as on SQLite.
    assert ids(small, search="youth &amp;&lt;") == []
    assert ids(small, search="youth OR &amp;") == [1]
    # Hundreds of terms are no error (PostgreSQL nests its query one level per term): past 64, ignored.
    assert ids(small, search="youth " + " ".join(f"w{i} OR" for i in range(300))) == []
    assert ids(small, search=" ".join(["youth"] * 70) + " " + " ".join(f"-w{i}" for i in range(300))) == [1]


def test_a_prefix_folds_accents(small: Corpus) -> None:
    require_unaccent(small, "prefix search keeps accents")
    assert ids(small, search="medellin*") == [1]
    assert ids(small, search="capturo*") == [3]
    assert ids(small, search="POLICÍ*") == [3]
    assert ids(small, search="homicidio*") == [5]


NASTY_SEARCHES = (
    '"', '""', "AND", "OR NOT", "*", "-", "NEAR(", "a:b", "(((", "'; DROP TABLE passages; --", "\\", "^x",
    "col:raids", "raids)", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\x00", "   ", "«»", "police's",
)  # fmt: skip


def test_search_text_is_never_an_error(small: Corpus) -> None:
    for text in NASTY_SEARCHES:
        list(small.passages(PassageFilter(search=text)))
        small.stats(["label"], PassageFilter(search=text))
    assert small.count_passages() == 5


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30))
def test_any_search_text_runs(small: Corpus, text: str) -> None:
    list(small.passages(PassageFilter(search=text), limit=3))


def test_parse_search_keeps_only_words() -> None:
    search = parse_search('Mano "dura política" OR NEAR(x) polic* ;--')
    assert to_fts5(search.all_of, "fr") == (
        '(lang : "other" AND plain : "mano" AND (plain : "dura politica" OR plain : "x") '
        'AND plain : "polic"*)'
    )
    assert to_fts5(parse_search("cultivos").all_of) == (  # and in Spanish and Portuguese its other number
        '(lang : "en" AND words : "cultivo") OR ((lang : "es" OR lang : "pt") AND (words : "cultiv" OR '
        'plain : "cultivo")) OR (lang : "other" AND plain : "cultivos")'
    )
    assert not parse_search("*** !!!") and not parse_search("-- NOT OR")
    # A `*` on a phrase's last word: the phrase, matched on the unstemmed words, ending in that prefix.
    prefixed = parse_search('"coca erradica*"').all_of
    assert to_fts5(prefixed, "es") == '(lang : "es" AND plain : "coca erradica"*)'
    # On another word, no store can match such a phrase: its words are searched as terms of their own.
    inside = parse_search('"dru* trafficking"').all_of
    assert [(t.words, t.prefix) for (t,) in inside] == [(("dru",), True), (("trafficking",), False)]


def test_or_joins_terms_and_a_dash_or_not_excludes() -> None:
    def shape(text: str) -> tuple[list[list[str]], list[str]]:
        parsed = parse_search(text)
        clauses = [[" ".join(t.words) for t in clause] for clause in parsed.all_of]
        return clauses, [" ".join(t.words) for t in parsed.none_of]

    assert shape("coca OR heroin cartel") == ([["coca", "heroin"], ["cartel"]], [])
    assert shape("a OR b OR c") == ([["a", "b", "c"]], [])
    assert shape('homicid* -police NOT "mano dura"') == ([["homicid"]], ["police", "mano dura"])
    assert shape('-"state of exception" truce') == ([["truce"]], ["state of exception"])
    assert shape("OR police OR") == ([["police"]], [])  # an OR with nothing to join is dropped
    assert shape("police OR -coca x") == ([["police"], ["x"]], ["coca"])  # an excluded term joins nothing
    assert shape("narco-trafficking x -- y") == ([["narco trafficking"], ["x"], ["y"]], [])
    assert shape("-police") == ([], ["police"])
    # Brackets only group; a possessive searches as its word (and still finds "Brazil's").
    assert shape("NEAR(homicide rate) [coca]") == ([["homicide"], ["rate"], ["coca"]], [])
    assert shape("Brazil's -Mexico’s U.S.") == ([["brazil"], ["u s"]], ["mexico"])


MALFORMED = [
    ({"labels": ("violence",)}, "unknown label 'violence'"),
    ({"countries": ("Narnia",)}, "unknown country 'Narnia': expected an ISO 3166-1 alpha-2 code"),
    # A name typed in part or misspelled gets the countries near it (a review: "salvador" was only unknown).
    ({"countries": ("salvador",)}, r"unknown country 'salvador' \(did you mean El Salvador \(SV\)\?\)"),
    ({"countries": ("Venezula",)}, r"'Venezula' \(did you mean Venezuela \(VE\)\?\)"),
    ({"countries": ("costa",)}, r"'costa' \(did you mean Costa Rica \(CR\) or Côte d'Ivoire \(CI\)\?\)"),
    # The countries whose usual name holds the word come first (a code review: "united" left out the US).
    ({"countries": ("united",)}, r"'united' \(did you mean United States \(US\), United Kingdom \(GB\) or"),
    ({"countries": ("kingdom",)}, r"'kingdom' \(did you mean United Kingdom \(GB\),"),
    ({"countries": ("ZZ",)}, "unknown country code 'ZZ'"),
    ({"countries": ("UK",)}, r"the United Kingdom's code is GB"),
    ({"countries": ("",)}, "unknown country ''"),
    ({"min_score": 1.5}, "between 0 and 1"),
    ({"lang": "english"}, "malformed language"),
    ({"lang": "xx"}, "unknown language code 'xx'"),  # matched nothing, silently (a review)
    ({"lang": "spx"}, "unknown language code 'spx'"),
    ({"since": dt.date(2020, 1, 1), "until": dt.date(2019, 1, 1)}, "after"),
]


def test_countries_as_people_type_them(small: Corpus) -> None:
    """A filter's country may be an alpha-2 code in any case, an alpha-3 code or an English name."""
    by_code = [p.id for p in small.passages(PassageFilter(countries=("CO",)))]
    assert by_code
    for typed in ["co", " Co ", "COL", "Colombia", "colombia"]:
        assert [p.id for p in small.passages(PassageFilter(countries=(typed,)))] == by_code, typed
    assert PassageFilter(countries=("Bolivia", "mexico", "MX")).validated().countries == ("BO", "MX")
    # The names analysts in the field type: Spanish and Portuguese, with or without accents (a review:
    # "Brasil", "México" and "Estados Unidos" were unknown countries).
    names = ("Brasil", "México", "Estados Unidos", "Países Bajos", "Paises Baixos", "Alemanha", "Haiti")
    assert PassageFilter(countries=names).validated().countries == ("BR", "DE", "HT", "MX", "NL", "US")
    assert PassageFilter(countries=("Dominica", "República Dominicana")).validated().countries == ("DM", "DO")
    # Brazilian Portuguese too, and a translated name's head when it names one country (a code review).
    brazilian = ("Irã", "Vietnã", "Cingapura", "Afeganistão", "Paquistão")
    assert PassageFilter(countries=brazilian).validated().countries == ("AF", "IR", "PK", "SG", "VN")


def test_a_three_letter_language_code_is_its_two_letter_one(small: Corpus) -> None:
    by_code = [p.id for p in small.passages(PassageFilter(lang="es"))]
    assert by_code
    for typed in ["spa", "SPA", " Es ", "es-MX", "es_419", "es-Latn-MX"]:  # "spa" matched nothing (a review)
        assert [p.id for p in small.passages(PassageFilter(lang=typed))] == by_code, typed


def test_malformed_filters_are_user_errors(small: Corpus) -> None:
    for kw, message in MALFORMED:
        with pytest.raises(CorpusError, match=message):
            small.passages(PassageFilter(**kw))  # type: ignore[arg-type]
        with pytest.raises(CorpusError, match=message):
            small.stats(["label"], PassageFilter(**kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["2020-13", "20-01-01", "yesterday", "2019-02-30", ""])
def test_bad_dates_are_user_errors(value: str) -> None:
    with pytest.raises(CorpusError, match="bad date"):
        parse_date(value)


def test_partial_dates_cover_their_whole_period() -> None:
    assert parse_date("2020") == dt.date(2020, 1, 1)
    assert parse_date("2020", end=True) == dt.date(2020, 12, 31)
    assert parse_date("2024-02", end=True) == dt.date(2024, 2, 29)


def test_limit_applies_in_sql_and_results_stream(small: Corpus) -> None:
    stream = small.passages(limit=2)
    assert isinstance(stream, Iterator)
    assert [p.id for p in stream] == [1, 2]
    assert list(small.passages(limit=0)) == []
    with pytest.raises(CorpusError, match="--limit"):
        small.passages(limit=-1)


def test_passage_rows_carry_the_design_json_fields(small: Corpus) -> None:
    row = small.passage(2)
    assert row.to_json() == {
        "id": 2, "report_id": 1, "report_title": "Colombia report", "page_start": 2, "page_end": 3,
        "lang": "en", "text": "Aerial eradication and police raids under Plan Colombia.",
        "labels": ["enforcement", "transnational"],
        "scores": {"enforcement": 0.88, "prevention": 0.05, "transnational": 0.61},
        "countries": ["CO"], "programs": ["Plan Colombia"], "label_origin": "model",
        # Beyond DESIGN.md's: whose scores, and a key that survives a rebuilt store, the kind and the report's
        # date (reviews).
        "model": "m1", "report_sha256": "a" * 64, "seq": 2, "kind": "text", "report_published": "2012-06-01",
    }  # fmt: skip
    assert small.passage(4).label_origin == "human"
    assert small.passage(4).labels == ["transnational"]
    # A review: JSON and CSV rows did not tell a person's labels from the model's (only the table did).
    assert small.passage(4).to_json()["label_origin"] == "human"


def test_stats_groups(small: Corpus) -> None:
    assert small.stats("label") == [
        {"label": "enforcement", "count": 2},
        {"label": "transnational", "count": 2},
        {"label": "none", "count": 1},
        {"label": "prevention", "count": 1},
    ]
    by_year = small.stats(["year"])
    assert by_year == [{"year": 2012, "count": 3}, {"year": 2019, "count": 2}]
    # Years in time order, not by size (a 2019 group outnumbers smaller 2012 ones here).
    by_year_label = small.stats("label,year")
    assert [r["year"] for r in by_year_label] == sorted(r["year"] for r in by_year_label)
    assert {(r["country"], r["count"]) for r in small.stats("country")} == {("CO", 3), ("MX", 2), ("BR", 1)}
    programs = {(r["program"], r["count"]) for r in small.stats("program")}
    assert programs == {(None, 3), ("Plan Colombia", 1), ("Merida Initiative", 1)}
    assert small.stats("report,lang", PassageFilter(lang="en")) == [
        {"report": 1, "lang": "en", "count": 2},
        {"report": 2, "lang": "en", "count": 1},
    ]
    # An undated report counts under no year, after the dated ones on both databases (a review: 320 news
    # stories saved as text counted under the year they were ingested, beside the real 2008-2019 ones);
    # --since/--until still take the day it was ingested for its date.
    small.add_report(NewReport(uri="u", sha256="u" * 64, title="Undated", passages=[
        _p(1, "Sin fecha.", "es"), _p(2, "Tampoco.", "es"),
    ]))  # fmt: skip
    assert small.stats(["year"]) == [
        {"year": 2012, "count": 3}, {"year": 2019, "count": 2}, {"year": None, "count": 2}
    ]
    this_year = dt.date.today().replace(month=1, day=1)
    assert small.stats(["year"], PassageFilter(since=this_year)) == [{"year": None, "count": 2}]


def test_bad_stat_fields_are_user_errors(small: Corpus) -> None:
    for by, message in [("", "at least one"), ("label,colour", "unknown --by"), ("lang,lang", "twice")]:
        with pytest.raises(CorpusError, match=message):
            small.stats(by)


def test_iter_passage_texts_batches(small: Corpus) -> None:
    # Batches of about two passages that never split a report (reports of 3 and 2 passages).
    batches = list(small.iter_passage_texts(batch_size=2))
    assert [[pid for pid, *_ in b] for b in batches] == [[1, 2, 3], [4, 5]]
    first = batches[0][2]
    assert (first.id, first.kind) == (3, "text")
    assert tuple(first) == (3, "La policía capturó al cabecilla del cartel.", "es", first.report_id, "text")
    assert {row.report_id for row in batches[0]}.isdisjoint({batches[1][0].report_id})
    assert [len(b) for b in small.iter_passage_texts(batch_size=1)] == [3, 2]
    assert [len(b) for b in small.iter_passage_texts(batch_size=10)] == [5]


def test_a_report_whose_passage_ids_interleave_with_another_stays_whole(small: Corpus) -> None:
    # Two reports stored at once on PostgreSQL can interleave ids: here passage 2 becomes the third of
    # report "b" (ids 4, 5, 2 by position) while report "a" keeps 1 and 3.
    b = small.passage(4).report_id
    with small.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE passages SET report_id = {b}, seq = 3 WHERE id = 2")
    batches = list(small.iter_passage_texts(batch_size=1))
    assert [[pid for pid, *_ in batch] for batch in batches] == [[1, 3], [4, 5, 2]]
    assert [r.id for r in small.passages(by_report=True)] == [1, 3, 4, 5, 2]


def test_excerpt_starts_near_the_first_match_as_the_stores_match() -> None:
    from corpus.search import excerpt

    lead = "Durante años el presupuesto, la plantilla y los edificios de la fuerza ocuparon el informe. " * 2
    text = lead + "Después llegaron las Erradicaciones forzosas de coca en el Putumayo."
    cell = excerpt(text, "erradicacion", "es", 80)  # stem and accents, as SQLite's index reads it
    assert cell.startswith("…") and "Erradicaciones forzosas" in cell[:60]
    assert "Erradicaciones" in excerpt(text, '"erradica* forzosas"', "es", 80)[:60]
    assert excerpt(text, "presupuesto", "es", 80) == text  # a match near the start: the text as it is
    assert excerpt(text, "nada -coca", "es", 80) == text  # no term found: the text as it is


def test_places_widen_a_country_to_its_cities_and_states(store: Corpus) -> None:
    # A review: UNODC's Colombian eradication reports name Putumayo and Nariño, hardly ever Colombia, and
    # `--country CO` found 3 of their 190 passages.
    putumayo = NewEntity("place", "Putumayo", "CO")
    store.add_report(NewReport(uri="g", sha256="g" * 64, title="GME", passages=[
        _p(1, "Erradicación manual en Putumayo.", "es", putumayo),
        _p(2, "Colombia y sus vecinos.", "es", CO),
        _p(3, "Erradicación en Chapare.", "es", NewEntity("place", "Chapare", "BO")),
    ]))  # fmt: skip
    assert ids(store, countries=("CO",)) == [2]
    assert ids(store, countries=("CO",), with_places=True) == [1, 2]
    assert ids(store, countries=("CO", "BO"), with_places=True) == [1, 2, 3]
    counted = store.stats(["country"], PassageFilter(countries=("CO",), with_places=True))
    assert sum(row["count"] for row in counted) == 2  # stats follow the same filter
    with pytest.raises(CorpusError, match="--places widens --country"):
        PassageFilter(with_places=True).validated()
    # Grouped by country: a passage naming only Putumayo counted nowhere but "none" (a review: UNODC's
    # report grouped 186 of its 190 passages there); with places, under its country, once per country.
    store.add_report(NewReport(uri="h", sha256="h" * 64, title="Both", passages=[
        _p(1, "Colombia: Putumayo y Nariño.", "es", CO, putumayo, NewEntity("place", "Nariño", "CO")),
    ]))  # fmt: skip
    by_country = {row["country"]: row["count"] for row in store.stats(["country"])}
    assert by_country == {None: 2, "CO": 2}
    with_places = {row["country"]: row["count"] for row in store.stats(["country"], places=True)}
    assert with_places == {"CO": 3, "BO": 1}
    assert store.stats(["country"], PassageFilter(countries=("CO",), with_places=True), places=True) == [
        {"country": "CO", "count": 3}
    ]


def test_passages_without_entities_read_everything_but_countries_and_programs(small: Corpus) -> None:
    # The label queue reads every passage and shows neither (reading them was a third of its time).
    full = list(small.passages(by_report=True))
    lean = list(small.passages(by_report=True, entities=False))
    assert any(row.countries for row in full) and any(row.programs for row in full)
    assert [(r.countries, r.programs) for r in lean] == [([], [])] * len(full)
    unchanged = [(r.id, r.text, r.labels, r.scores, r.label_origin, r.report_title) for r in full]
    assert [(r.id, r.text, r.labels, r.scores, r.label_origin, r.report_title) for r in lean] == unchanged


def test_a_word_finds_its_other_number_where_the_stemmers_split_them(store: Corpus) -> None:
    # A team review: on PostgreSQL "operación" missed every "operaciones" (its Spanish stemmer takes
    # "-ación" off only with the accent, which the index folds first); Portuguese "-ão"/"-ões" split on
    # both stores ("prisão" is prisa, "prisões" priso).
    texts = [
        ("La operación antidrogas terminó en Tumaco.", "es"), ("Las operaciones conjuntas siguieron.", "es"),
        ("A operação policial prendeu três.", "pt"), ("As operações da polícia federal cresceram.", "pt"),
        ("A prisão do chefe foi filmada.", "pt"), ("As prisões estão lotadas.", "pt"),
        ("The operations moved north.", "en"),
    ]  # fmt: skip
    store.add_report(NewReport(uri="n", sha256="n" * 64,
                               passages=[_p(i, text, lang) for i, (text, lang) in enumerate(texts, 1)]))
    def found(search: str) -> list[int]:
        return sorted(p.seq for p in store.passages(PassageFilter(search=search)))

    assert found("operación") == found("operaciones") == [1, 2]
    assert found("operação") == found("operações") == [3, 4]
    assert found("prisão") == found("prisões") == [5, 6]
    assert found('"operaciones conjuntas"') == [2]  # a phrase keeps its words as typed
    assert found('"prisões –"') == [5, 6]  # a word and a dash are one word on both stores (a code review)
    # What a search finds, the table marks (match_spans): "prisão" found by "prisões" is marked too.
    for search in ("operación", "operaciones", "operação", "operações", "prisão", "prisões"):
        for row in store.passages(PassageFilter(search=search)):
            assert match_spans(row.text, search, row.lang), (search, row.text)
    assert match_spans("A prisão do chefe foi filmada.", "prisões", "pt") == [(2, 8)]
    assert match_spans("A prisão do chefe.", "prisões", "es") == []  # not a Portuguese passage
    # A short word keeps its own stem: "ação" made "acoes", stemmed "aco", steel's ("aço").
    store.add_report(NewReport(uri="s", sha256="s" * 64, passages=[_p(1, "O aço importado subiu.", "pt")]))
    assert found("ação") == []


def test_spanish_and_portuguese_words_find_their_other_number_and_a_quoted_word_only_itself(
    store: Corpus,
) -> None:
    # A journalist's review: "crímenes" missed every "crimen", "jovem" most of a report on young men, and
    # "Mérida" found "la mera firma", "maras" found "el mar" and "Maria" (Snowball gives them one stem), with
    # no way round it: a word in quotes now matches as written.
    texts = [
        ("El crimen organizado creció en la ciudad.", "es"), ("Los crímenes de las ciudades.", "es"),
        ("Los jóvenes del barrio y un joven detenido.", "es"), ("Las mujeres y una mujer policía.", "es"),
        ("La Iniciativa Mérida financió helicópteros.", "es"), ("La mera firma de acuerdos no basta.", "es"),
        ("Las maras controlan el barrio.", "es"), ("El mar Caribe y la ruta de la cocaína.", "es"),
        ("Os jovens negros morrem mais.", "pt"), ("Um jovem foi morto.", "pt"),
        ("Lenita Maria Turchi escreveu o relatório.", "pt"), ("Los gobiernos de la región.", "es"),
        ("El gobierno nacional.", "es"), ("Un juez y tres jueces.", "es"),
        ("As taxas de homicídio.", "pt"), ("Os cartéis mexicanos.", "pt"), ("A carta do ministro.", "pt"),
        ("Los militantes del partido.", "es"), ("Le dio un golpe.", "es"),
        ("Mais polícia nas ruas.", "pt"), ("The cartel and its rivals.", "en"),
        ("Las operaciones conjuntas.", "es"),
    ]  # fmt: skip
    store.add_report(NewReport(uri="j", sha256="j" * 64,
                               passages=[_p(i, text, lang) for i, (text, lang) in enumerate(texts, 1)]))

    def found(search: str) -> list[int]:
        return sorted(p.seq for p in store.passages(PassageFilter(search=search)))

    assert found("crímenes") == found("crimen") == [1, 2]
    assert found("ciudad") == found("ciudades") == [1, 2]
    assert found("joven") == found("jóvenes") == [3]
    assert found("mujer") == found("mujeres") == [4]
    assert found("jovem") == found("jovens") == [9, 10]
    assert found("juez") == found("jueces") == [14]
    assert found("gobierno") == found("gobiernos") == [12, 13]  # Snowball: "gobiern", "gobi"
    assert found("taxa") == [15]  # a code review: a short word kept its plural
    # The other number as written, not by its stem, which is often another word's (a code review).
    assert found("cartel") == [16, 21]  # not "carta": "cartéis" stems as "carta" does
    assert found("militares") == []  # "militar" stems as "militantes" does
    assert found("dios") == []  # "dio" is no singular of "dios"
    # By stem a word still finds its stem's namesakes; in quotes, only itself.
    assert found("merida") == [5, 6] and found('"Mérida"') == found('"merida"') == [5]
    assert found('"maras"') == [7] and found("maras") == [7, 8, 11]  # "mar", and Portuguese "Maria"
    assert found('"Maria"') == [11]
    # In quotes, a word keeps its other number as written, and in English its stem (a code review:
    # habitual quotes lost plurals); a word left out leaves out that word, not its other number.
    assert found('"operación"') == [22] and found('"cartels"') == [21]
    assert found("mal") == [] and found("crimen -crímenes") == [1] and found("crimen NOT crimenes") == [1]
    for search in ("crímenes", "joven", "jovem", "taxa", '"Mérida"', '"maras"'):  # the table marks them
        for row in store.passages(PassageFilter(search=search)):
            assert match_spans(row.text, search, row.lang), (search, row.text)
    assert match_spans("La mera firma.", '"merida"', "es") == []


def test_passages_by_kind_and_the_fields_that_key_a_passage_across_rebuilds(store: Corpus) -> None:
    # A researcher's review: json and csv rows could not tell a reference list or a table from prose (a
    # share "enforcement / all passages" counted bibliographies), and ids change when a store is rebuilt.
    kinds = ["text", "table", "reference", "text"]
    passages = [NewPassage(i, 1, 1, f"Passage {i} on police reform in Colombia.", "en", kind=kind)
                for i, kind in enumerate(kinds, 1)]
    store.add_report(NewReport(uri="k", sha256="k" * 64, passages=passages))

    def seqs(*wanted: str) -> list[int]:
        f = PassageFilter(kinds=wanted).validated()
        found = [p.seq for p in store.passages(f)]
        assert store.count_passages(f) == len(found)
        assert sum(row["count"] for row in store.stats(["lang"], f)) == len(found)  # stats agree
        return found

    assert seqs("text") == [1, 4] and seqs("TABLE", "reference") == [2, 3] and seqs() == [1, 2, 3, 4]
    assert store.stats(["kind"], PassageFilter()) == [
        {"kind": "text", "count": 2}, {"kind": "reference", "count": 1}, {"kind": "table", "count": 1},
    ]
    with pytest.raises(CorpusError, match="unknown --kind 'prose'; expected one of text, table, reference"):
        PassageFilter(kinds=("prose",)).validated()
    row = next(iter(store.passages(PassageFilter(kinds=("reference",)))))
    assert {key: row.to_json()[key] for key in ("report_sha256", "seq", "kind")} == {
        "report_sha256": "k" * 64, "seq": 3, "kind": "reference",
    }
    assert row.to_json()["model"] is None and row.label_origin is None  # no model has scored it


def test_passage_rows_say_when_their_report_was_published(store: Corpus) -> None:
    # A researcher's review: an export filtered with --since could not say which year each passage is from.
    store.add_report(NewReport(uri="d", sha256="d" * 64, published=dt.date(2013, 7, 9),
                               passages=[_p(1, "Police reform in Honduras.", "en")]))
    store.add_report(NewReport(uri="u", sha256="u" * 64, passages=[_p(1, "Police reform in Peru.", "en")]))
    published = {row.report_id: row.to_json()["report_published"] for row in store.passages(PassageFilter())}
    assert sorted(published.values(), key=str) == ["2013-07-09", None]


def test_the_store_knows_the_passage_kinds_extraction_gives() -> None:
    from corpus.filters import PASSAGE_KINDS
    from extractors.document import PASSAGE_KINDS as EXTRACTED

    assert PASSAGE_KINDS == EXTRACTED


def test_groups_of_one_size_come_in_the_same_order_on_both_databases(store: Corpus) -> None:
    # A researcher's review: `stats --by country,year` put the null-country row of 2012 before GT on
    # SQLite and after SV on PostgreSQL. Ties now go by each key, its null last, text by code point.
    gt, sv = (NewEntity("country", c, c) for c in ("GT", "SV"))
    texts = [_p(1, "Police in Guatemala.", "es", gt), _p(2, "Nothing named.", "es"),
             _p(3, "El Salvador.", "es", sv), _p(4, "Colombia.", "en", CO), _p(5, "Mexico.", None, MX)]
    store.add_report(NewReport(uri="t", sha256="t" * 64, published=dt.date(2012, 5, 1), passages=texts))
    rows = store.stats(["country", "year"], PassageFilter())
    assert [(r["country"], r["year"]) for r in rows] == [
        ("CO", 2012), ("GT", 2012), ("MX", 2012), ("SV", 2012), (None, 2012),
    ]
    assert [(r["lang"], r["count"]) for r in store.stats(["lang"], PassageFilter())] == [
        ("es", 3), ("en", 1), (None, 1),
    ]
