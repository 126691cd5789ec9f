"""The Tagger API: offsets, batch order, languages, spaCy pipeline shape, and the dev-set figures."""

from __future__ import annotations

import json
from typing import Any

import pytest
import spacy
from spacy.pipeline import EntityRuler

from extractors.tagging import Entity, Tagger, Tags, build_nlp
from extractors.tagging.evaluation import evaluate, normalize_program
from extractors.tagging.pipeline import pipeline_lang

MIXED = [
    ("Bajo el Plan Colombia, los EE.UU. entrenaron a policías colombianos en Bogotá.", "es"),
    ("The Merida Initiative sent Black Hawks to Mexico's army; CARSI followed in Honduras.", "en"),
    ("A Operação Lava Jato investigou empreiteiras brasileiras no Peru e em Angola.", "pt"),
    ("Nothing to see here.", "en"),
]


def test_offsets_point_at_the_surface(tagger: Tagger):
    texts = [t for t, _ in MIXED]
    for text, tags in zip(texts, tagger.tag(texts, [lang for _, lang in MIXED]), strict=True):
        for entity in tags.entities:
            assert text[entity.start : entity.end] == entity.text, entity


def test_batch_order_is_preserved_across_languages():
    texts = [t for t, _ in MIXED] * 3
    langs = [lang for _, lang in MIXED] * 3
    batched = Tagger(batch_size=2, use_statistical=False).tag(texts, langs)
    singles = [
        Tagger(use_statistical=False).tag([t], [lang])[0] for t, lang in zip(texts, langs, strict=True)
    ]
    assert batched == singles
    assert [t.countries for t in batched[:4]] == [["CO", "US"], ["HN", "MX"], ["AO", "BR", "PE"], []]


def test_result_shapes(tagger: Tagger):
    tags = tagger.tag([MIXED[0][0]], ["es"])[0]
    assert isinstance(tags, Tags)
    assert tags.countries == sorted(set(tags.countries))
    assert tags.programs == [{"name": "Plan Colombia", "text": "Plan Colombia"}]
    assert all(isinstance(e, Entity) for e in tags.entities)
    kinds = {(e.kind, e.value) for e in tags.entities}
    assert {("program", "Plan Colombia"), ("country", "CO"), ("country", "US"), ("place", "CO")} <= kinds
    assert json.loads(json.dumps(tags.programs)) == tags.programs


def test_organizations_are_their_own_kind(tag):
    tags = tag("The DEA and UNODC worked with the FARC.", "en")
    assert {e.value for e in tags.entities if e.kind == "organization"} == {
        "Drug Enforcement Administration",
        "United Nations Office on Drugs and Crime",
        "Revolutionary Armed Forces of Colombia",
    }
    assert tags.programs == []


def test_language_is_detected_when_missing(tagger: Tagger):
    text = "Las autoridades mexicanas detuvieron a los traficantes en la frontera con Guatemala."
    assert tagger.tag([text])[0].countries == ["GT", "MX"]
    assert tagger.tag([text], [None])[0].countries == ["GT", "MX"]


def test_unknown_language_falls_back_to_english_pipeline(tagger: Tagger):
    assert pipeline_lang("fr") == "en" and pipeline_lang(None) == "en" and pipeline_lang("pt") == "pt"
    tags = tagger.tag(["La police de Colombie et du Mexico"], ["fr"])[0]
    assert tags.countries == ["MX"]


def test_mismatched_languages_raise(tagger: Tagger):
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        tagger.tag(["a", "b"], ["en"])


def test_empty_input(tagger: Tagger):
    assert tagger.tag([]) == []
    assert tagger.tag([""], ["en"]) == [Tags([], [], [])]


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_pipeline_is_blank_spacy_with_registered_components(lang):
    nlp = build_nlp(lang)
    assert nlp.lang == lang
    assert nlp.pipe_names == ["sentencizer", "citsec_gazetteer", "citsec_program_cues", "citsec_resolve"]
    assert build_nlp(lang) is nlp  # built once per process
    assert "citsec_gazetteer" in spacy.registry.factories


def test_tags_live_on_the_doc_as_spans_ents_and_extensions():
    doc = build_nlp("en")("Plan Colombia helped Colombia and the US.")
    assert [(s.text, s.kb_id_) for s in doc.spans["programs"]] == [("Plan Colombia", "Plan Colombia")]
    assert sorted(s.kb_id_ for s in doc.spans["countries"]) == ["CO", "CO", "US"]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Plan Colombia", "PROGRAM"),
        ("Colombia", "COUNTRY"),
        ("US", "COUNTRY"),
    ]
    assert doc._.countries == ["CO", "US"]
    assert doc._.programs == [{"name": "Plan Colombia", "text": "Plan Colombia"}]


def test_dev_gold_figures_meet_targets(shared_dir, tagger: Tagger):
    rows = [json.loads(line) for line in (shared_dir / "gold" / "dev.jsonl").read_text().splitlines() if line]
    report = evaluate(rows, tagger)
    assert report.counts[("countries", "all")].scores()["f1"] >= 0.95
    assert report.counts[("programs", "all")].scores()["f1"] >= 0.75


def test_a_gold_row_is_scored_only_on_the_fields_it_gives(tagger: Tagger):
    rows: list[dict[str, Any]] = [
        {"text": "CARSI funds reached Honduras.", "lang": "en", "countries": ["HN"]},
        {"text": "El Plan Colombia terminó.", "lang": "es", "programs": ["Plan Colombia"]},
        {"text": "Honduras extradited him.", "lang": "en", "countries": None, "programs": None},  # not given
    ]
    report = evaluate(rows, tagger)
    assert report.counts[("countries", "all")].scores()["tp"] == 1  # Colombia of the plan's name not asked
    assert (report.counts[("countries", "all")].fp, report.counts[("programs", "all")].fp) == (0, 0)
    assert report.counts[("programs", "all")].tp == 1 and report.misses == []
    assert report.table()[1].split() == ["countries", "all", "1.000", "1.000", "1.000", "1/0/0"]


def test_program_comparison_ignores_case_articles_and_quotes():
    assert normalize_program("the Merida Initiative") == normalize_program("MERIDA  initiative")
    assert normalize_program("el Plan Colombia") == "plan colombia"
    assert normalize_program("“Quiero Mi Barrio”") == "quiero mi barrio"
    assert normalize_program("Plan Colombia") != normalize_program("Plan Mérida")


def test_statistical_candidates_component_without_the_model():
    # Stand in for en_core_web_sm's NER with an entity_ruler, as the component only reads doc.ents.
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(
        [
            {"label": "LAW", "pattern": "the Firearms Control Statute"},
            {"label": "ORG", "pattern": "the Harbour Authority"},
            {"label": "ORG", "pattern": "CARSI"},
        ]
    )
    for name in (
        "sentencizer",
        "citsec_gazetteer",
        "citsec_program_cues",
        "citsec_statistical",
        "citsec_resolve",
    ):
        nlp.add_pipe(name)
    doc = nlp("Under the Firearms Control Statute, the Harbour Authority used CARSI money.")
    assert doc._.programs == [
        {"name": "Firearms Control Statute", "text": "Firearms Control Statute"},
        {"name": "Central American Regional Security Initiative", "text": "CARSI"},
    ]
    assert [s.text for s in doc.spans["organizations"]] == ["Harbour Authority"]


def test_default_mode_follows_the_installed_model():
    from extractors.tagging import statistical_available

    assert Tagger().use_statistical is statistical_available()
    assert Tagger(use_statistical=False).use_statistical is False


def test_a_text_longer_than_spacy_takes_is_tagged_in_pieces_as_a_whole_would_be():
    # spaCy refuses a text over nlp.max_length (1,000,000 characters): `citsec tag` with one such line was
    # a traceback. Pieces cut at line breaks or spaces give the tags of the whole, offsets into the whole.
    paragraphs = [
        "Colombia extradited 40 suspects in 2008.",
        "Filler words about budgets and courts " * 4,
        "Plan Colombia funded helicopters for the police.",
        "Filler words about budgets and courts " * 4,
        "Honduras declared a state of exception, and El Salvador kept its own.",
    ]
    for joint in ("\n", " "):  # cut at line breaks; without any, at sentences' ends (never inside a name)
        text = joint.join(paragraphs)
        whole = Tagger().tag([text], ["en"])[0]
        for size in (90, 120, 140):
            pieces = Tagger(max_chars=size).tag([text], ["en"])[0]
            assert pieces.countries == whole.countries == ["CO", "HN", "SV"], (joint, size)
            assert pieces.programs == whole.programs and pieces.programs
            assert pieces.entities == whole.entities
            assert all(text[e.start : e.end] == e.text for e in pieces.entities)


def test_text_pieces_cut_at_line_breaks_then_spaces_and_cover_the_text():
    from extractors.tagging.tagger import text_pieces

    text = "alpha beta\ngamma delta epsilon zeta eta theta"
    pieces = text_pieces(text, 16)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 16 and text[start : start + len(piece)] == piece for start, piece in pieces)
    assert pieces[0] == (0, "alpha beta\n")
    sentences = "The army entered El Salvador. Police in El Salvador arrested many."
    assert [piece for _, piece in text_pieces(sentences, 40)] == [
        "The army entered El Salvador. ", "Police in El Salvador arrested many."
    ]
    assert text_pieces("x" * 10, 4) == [(0, "xxxx"), (4, "xxxx"), (8, "xx")]  # no space at all: a hard cut
    assert text_pieces("short", 1_000_000) == [(0, "short")]
