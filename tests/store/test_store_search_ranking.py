"""`passages --search ... --order relevance` puts the best matches first, on SQLite (BM25) and PostgreSQL
(ts_rank_cd): a short passage that says the words often before a long one that says them once, ties in store
order. By default, with excluded terms only, or by report, rows keep store order; counts and stats do not
move."""

from __future__ import annotations

import json

import pytest

from corpus import Corpus, CorpusError, NewPassage, NewReport, PassageFilter
from corpus.search import adjacent_pairs, parse_search, to_fts5
from flows.cli import main

FILLER = (
    "The annual report of the ministry reviews budgets, staffing, regional offices, court backlogs, "
    "prison capacity, training of officers, and the coordination of agencies across the provinces, and it "
    "closes with recommendations for the coming fiscal year and a list of pending legislative reforms."
)
# Stored in this order (ids 1..8): the best matches come last, so store order and relevance differ.
TEXTS = (
    ("en", f"{FILLER} One kingpin's case ended in extradition to the United States."),  # 1: once, long
    ("en", "Budgets for municipal parks and street lighting grew again this year."),  # 2: no match
    ("en", f"Extradition requests rose. {FILLER[:120]} Two more extradition hearings were held."),  # 3: twice
    ("en", "Extradition, extradition and again extradition of kingpins."),  # 4: three times, short
    ("es", f"{FILLER} Los homicidios bajaron en la capital."),  # 5: Spanish, once, long
    ("es", "Homicidios, homicidios y más homicidios."),  # 6: Spanish, three times, short
    ("en", "A kingpin was arrested."),  # 7: the same text as 8: a tie
    ("en", "A kingpin was arrested."),  # 8
)


@pytest.fixture
def ranked(store: Corpus) -> Corpus:
    """One report of the passages above, a second whose one passage matches too (store order: last)."""
    passages = [NewPassage(seq, seq, seq, text, lang) for seq, (lang, text) in enumerate(TEXTS, start=1)]
    store.add_report(NewReport(uri="a", sha256="a" * 64, title="ranking", passages=passages))
    extra = [NewPassage(1, 1, 1, "Extradition of a kingpin, and extradition again.", "en")]
    store.add_report(NewReport(uri="b", sha256="b" * 64, title="second", passages=extra))
    return store


def ids(
    corpus: Corpus, limit: int | None = None, by_report: bool = False, ranked: bool = True, **kw: object
) -> list[int]:
    f = PassageFilter(**kw)  # type: ignore[arg-type]
    return [p.id for p in corpus.passages(f, limit=limit, by_report=by_report, ranked=ranked)]


def test_search_puts_passages_saying_the_words_often_and_briefly_first(ranked: Corpus) -> None:
    assert ids(ranked, search="extradition") == [4, 9, 3, 1]
    assert ids(ranked, search="extradition", lang="en") == [4, 9, 3, 1]
    assert ids(ranked, search="extradition", limit=2) == [4, 9]  # the first page is the best page
    assert ids(ranked, search="extradit*") == [4, 9, 3, 1]  # prefixes rank by the words as written
    assert ids(ranked, search="EXTRADITIONS") == [4, 9, 3, 1]


def test_ranking_uses_each_language_groups_own_stemming(ranked: Corpus) -> None:
    # Stemmed in Spanish only: ranked in the wrong language the two would tie and keep store order.
    assert ids(ranked, search="homicidios") == [6, 5]
    assert ids(ranked, search="homicidios", lang="es") == [6, 5]


def test_equally_good_matches_keep_store_order(ranked: Corpus) -> None:
    assert ids(ranked, search="arrested") == [7, 8]
    assert ids(ranked, search='"kingpin was arrested"') == [7, 8]
    assert ids(ranked, search="kingpin") == [7, 8, 4, 9, 1]  # shortest first; ties by id


def test_terms_of_every_clause_count(ranked: Corpus) -> None:
    both = ids(ranked, search="extradition kingpin")
    assert sorted(both[:2]) == [4, 9] and both[2:] == [1]  # short and saying them often, then long and once
    # How the two terms weigh against each other differs (BM25 weighs the rarer one more, ts_rank_cd does
    # not); each term's passages still come best first.
    either = ids(ranked, search="extradition OR homicidios")
    assert sorted(either) == [1, 3, 4, 5, 6, 9]
    assert [i for i in either if i in (1, 3, 4, 9)] == [4, 9, 3, 1]
    assert [i for i in either if i in (5, 6)] == [6, 5]


# Passages in several languages that hold one stem ("police" and "cocaine" stem alike in English, Spanish
# and Portuguese) or its word as written (no language: not stemmed), among passages that hold neither.
MIXED = (
    ("en", "Police police police: the police reform and police training."),  # 1: five times, short
    ("en", "Police presence in the northern district was increased after the election."),  # 2: once
    ("en", "Police presence was increased."),  # 3: once, shorter than 2
    # 4: no language, once, a little longer than 2
    (None, "Annex table: police budget per district, 2010 to 2020, in constant dollars of the base year."),
    ("es", "Cocaína, cocaína y más cocaína."),  # 5: Spanish, three times, short
    ("en", "Cocaine seizures rose in the ports this year, the customs office of the capital reported."),  # 6
    ("pt", "A cocaína apreendida no porto."),  # 7: Portuguese, once, short
    ("en", "Cocaine and cocaine."),  # 8: twice, short
) + tuple(("en", f"Budgets for parks and street lighting grew in year {year}.") for year in range(6))


@pytest.fixture
def mixed(store: Corpus) -> Corpus:
    passages = [NewPassage(seq, seq, seq, text, lang) for seq, (lang, text) in enumerate(MIXED, start=1)]
    store.add_report(NewReport(uri="m", sha256="m" * 64, title="languages", passages=passages))
    return store


def test_languages_that_stem_a_word_alike_are_one_group_of_the_query() -> None:
    # Matches the rows one group per language would, each phrase once; no language: the words as written.
    assert to_fts5(parse_search("police").all_of, other_numbers=False) == (
        '((lang : "en" OR lang : "es" OR lang : "pt") AND words : "polic") OR '
        '(lang : "other" AND plain : "police")'
    )
    assert to_fts5(parse_search("police OR crime").all_of) == (
        '(lang : "en" AND (words : "polic" OR words : "crime")) OR '
        '((lang : "es" OR lang : "pt") AND (words : "polic" OR plain : "polices" OR words : "crim" OR '
        'plain : "crimes")) OR (lang : "other" AND (plain : "police" OR plain : "crime"))'
    )
    # A Spanish or Portuguese word's other number, as written, is ORed in that group; a word in quotes is
    # matched as written, the same in every language.
    assert to_fts5(parse_search("cartel").all_of) == (
        '(lang : "en" AND words : "cartel") OR (lang : "es" AND (words : "cartel" OR plain : "carteles")) OR '
        '(lang : "pt" AND (words : "cartel" OR plain : "carteis")) OR (lang : "other" AND plain : "cartel")'
    )
    assert to_fts5(parse_search('"Mérida"').all_of) == (  # in quotes, as written in Spanish and Portuguese
        '(lang : "en" AND words : "merida") OR ((lang : "es" OR lang : "pt") AND (plain : "merida" OR '
        'plain : "meridas")) OR (lang : "other" AND plain : "merida")'
    )
    assert to_fts5(parse_search("police").all_of, "fr") == '(lang : "other" AND plain : "police")'


def test_passages_sharing_a_stem_rank_by_how_often_and_briefly_they_say_it_whatever_their_language(
    mixed: Corpus,
) -> None:
    assert ids(mixed, search="cocaine") == [5, 8, 7, 6]  # Spanish first: it says it most, and briefly
    assert ids(mixed, search="cocaína") == [5, 7]  # in English it stems to "cocaina"
    assert ids(mixed, search="cocaine", lang="en") == [8, 6]
    assert ids(mixed, search="cocaine", lang="es") == [5]


def test_a_passage_without_a_language_does_not_outrank_better_matches_in_a_stemmed_one(mixed: Corpus) -> None:
    # Its word as written is weighed by the passages of every language that hold it, not by how rare it is
    # among the few passages without a language (on SQLite it came first: a rare word weighs more).
    assert ids(mixed, search="police") == [1, 3, 2, 4]
    assert ids(mixed, search="police", lang="en") == [1, 3, 2]
    assert ids(mixed, search="police budget") == [4]


def test_by_default_without_positive_terms_or_by_report_rows_keep_store_order(ranked: Corpus) -> None:
    everything = list(range(1, 10))
    assert ids(ranked, ranked=False) == everything
    assert ids(ranked, search="extradition", ranked=False) == [1, 3, 4, 9]
    assert ids(ranked, search="extradition", ranked=False, limit=2) == [1, 3]
    assert ids(ranked, search="-extradition") == [2, 5, 6, 7, 8]
    assert ids(ranked, search="NOT budgets") == [4, 6, 7, 8, 9]
    assert ids(ranked, search="extradition", by_report=True) == [1, 3, 4, 9]
    assert [row.id for row in ranked.passages(PassageFilter(search="extradition"), by_report=True)] == [
        1, 3, 4, 9
    ]  # fmt: skip


def test_ranking_without_a_search_is_refused(ranked: Corpus, store_url: str) -> None:
    with pytest.raises(CorpusError, match="needs a search"):
        ranked.passages(PassageFilter(labels=("prevention",)), ranked=True)
    with pytest.raises(SystemExit) as exit_info:
        main(["passages", "--db", store_url, "--order", "relevance"])
    assert exit_info.value.code


def test_counts_and_stats_are_those_of_the_ranked_rows(ranked: Corpus) -> None:
    f = PassageFilter(search="extradition")
    assert ranked.count_passages(f) == len(list(ranked.passages(f))) == 4
    assert ranked.stats(["report"], f) == [{"report": 1, "count": 3}, {"report": 2, "count": 1}]


def test_cli_lists_best_matches_first_in_every_format(
    ranked: Corpus, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("json", "jsonl", "csv"):
        try:
            ranked_search = ["--search", "extradition", "--order", "relevance"]
            main(["passages", "--db", store_url, *ranked_search, "--format", fmt])
        except SystemExit as exc:
            assert not exc.code
        out = capsys.readouterr().out
        if fmt == "json":
            found = [row["id"] for row in json.loads(out)]
        elif fmt == "jsonl":
            found = [json.loads(line)["id"] for line in out.splitlines()]
        else:
            found = [int(line.split(",", 1)[0]) for line in out.splitlines()[1:]]
        assert found == [4, 9, 3, 1], fmt
    main_default = ["passages", "--db", store_url, "--search", "extradition", "--format", "jsonl"]
    try:
        main(main_default)
    except SystemExit as exc:
        assert not exc.code
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == [1, 3, 4, 9]


# Words of a search said as the phrase, or apart (stored in this order: the scattered ones first).
PHRASE = (
    ("en", "Policing the community, and more policing of the community, with policing every week."),  # 1
    ("en", "The city adopted community policing in 2010, with foot patrols in each district and a new "
     "training academy for the officers of the municipal force."),  # 2: the phrase once, long
    ("en", "Community centres opened."),  # 3: one word only
    ("en", "Community policing."),  # 4: the phrase, short
    ("en", "Policing, more policing, and the community, the community, the community."),  # 5: apart, often
    ("es", "La policía comunitaria llegó al barrio."),  # 6: the phrase's Spanish equivalent
)  # fmt: skip


@pytest.fixture
def phrased(store: Corpus) -> Corpus:
    passages = [NewPassage(seq, seq, seq, text, lang) for seq, (lang, text) in enumerate(PHRASE, start=1)]
    store.add_report(NewReport(uri="p", sha256="p" * 64, title="phrases", passages=passages))
    return store


def test_relevance_puts_the_words_said_as_a_phrase_before_the_same_words_apart(phrased: Corpus) -> None:
    # Before, the passages saying both words often and briefly (1, 5) came before the phrase said once (2).
    for lang in (None, "en"):
        ranked = ids(phrased, search="community policing", lang=lang)
        assert ranked[:2] == [4, 2] and sorted(ranked[2:]) == [1, 5], lang  # the rest: BM25 / ts_rank_cd
    assert ids(phrased, search="community policing", limit=2) == [4, 2]
    # The same rows as in store order, which does not change.
    assert ids(phrased, search="community policing", ranked=False) == [1, 2, 4, 5]
    assert sorted(ids(phrased, search="policing community")) == [1, 2, 4, 5]  # no passage holds that phrase
    assert ids(phrased, search='"community policing"') == [4, 2]  # a quoted phrase ranks as before


def test_phrase_pairs_rank_in_tiers_of_how_many_pairs_a_passage_holds(store: Corpus) -> None:
    texts = [
        "Patrols of the community go on foot, policing.",  # 1: no pair
        "Community policing relies on patrols on foot.",  # 2: "community policing"
        "Foot patrols support community policing.",  # 3: "foot patrols", "community policing"
    ]
    passages = [NewPassage(seq, seq, seq, text, "en") for seq, text in enumerate(texts, start=1)]
    store.add_report(NewReport(uri="t", sha256="t" * 64, title="tiers", passages=passages))
    assert ids(store, search="foot patrols community policing") == [3, 2, 1]
    assert ids(store, search="foot patrols community policing", ranked=False) == [1, 2, 3]


def test_with_any_language_a_phrase_equivalent_ranks_with_the_phrase(phrased: Corpus) -> None:
    ranked = ids(phrased, search="community policing", any_language=True)
    assert sorted(ranked[:3]) == [2, 4, 6] and sorted(ranked[3:]) == [1, 5]


def test_pairs_with_a_stop_word_do_not_rank() -> None:
    # "police in the favelas" put first whichever passage said "in the".
    def pairs(text: str) -> list[str]:
        return [term.typed for term in adjacent_pairs(parse_search(text))]

    assert pairs("police in the favelas") == []
    assert pairs("community policing in the favelas") == ["community policing"]
    assert pairs("policía de la ciudad") == []
    assert pairs('"in the" favelas') == ["in the favelas"]  # a phrase typed as such is no stop word


def test_pairs_are_words_typed_next_to_each_other() -> None:
    # "money -gang laundering" ranked passages saying "money laundering" first: the two words were never
    # typed together.
    def pairs(text: str) -> list[str]:
        return [term.typed for term in adjacent_pairs(parse_search(text))]

    assert pairs("money -gang laundering") == []
    assert pairs("money NOT gang laundering") == []
    assert pairs("money AND laundering") == []
    assert pairs("cocaine OR heroin seizures") == []
    assert pairs("seizures cocaine OR heroin") == []
    assert pairs("money laundering -gang") == ["money laundering"]
    assert pairs("police/military patrols") == ["police/military patrols"]
    assert pairs('"community policing" programs') == ["community policing programs"]
    assert pairs("money laundering money") == ["money laundering", "laundering money"]
