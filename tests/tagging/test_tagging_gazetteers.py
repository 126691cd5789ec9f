"""The shipped gazetteers: complete programs, valid ISO codes, and the demonym inflection rules."""

from __future__ import annotations

import json

import pycountry
import pytest

from extractors.tagging import lexicon

STRATEGIES = {"prevention", "enforcement", "transnational"}


def test_at_least_sixty_programs_with_every_field():
    programs = lexicon.load_programs()
    assert len(programs) >= 60
    names = [p.name for p in programs]
    assert len(names) == len(set(names)), "canonical names must be unique"
    for program in programs:
        assert program.name and program.kind
        assert set(program.aliases) == {"en", "es", "pt"}
        assert program.strategy in STRATEGIES, program.name
        assert program.years[0] is None or 1900 < program.years[0] < 2100, program.name
        for code in program.countries:
            assert pycountry.countries.get(alpha_2=code), (program.name, code)


def test_programs_file_lines_have_the_documented_keys():
    path = lexicon.GAZETTEERS / "programs.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert {"name", "aliases", "acronyms", "countries", "years", "strategy"} <= set(row)


@pytest.mark.parametrize("lang", ["en", "es", "pt"])
def test_every_country_and_place_value_is_an_iso_code(lang):
    for term in lexicon.country_terms(lang):
        if term.kind in ("country", "place"):
            for code in term.value.split(","):
                assert pycountry.countries.get(alpha_2=code), term


def test_groupings_cover_the_northern_triangle():
    terms = {t.text: t.value for t in lexicon.country_terms("es") if "," in t.value}
    assert terms["Triángulo Norte"] == "GT,HN,SV"
    assert terms["Triangulo Norte"] == "GT,HN,SV"


@pytest.mark.parametrize(
    ("base", "lang", "forms"),
    [
        ("mexicano", "es", ["mexicano", "mexicana", "mexicanos", "mexicanas"]),
        ("brasileiro", "pt", ["brasileiro", "brasileira", "brasileiros", "brasileiras"]),
        ("inglés", "es", ["inglés", "inglesa", "ingleses", "inglesas"]),
        ("francês", "pt", ["francês", "francesa", "franceses", "francesas"]),
        ("estadounidense", "es", ["estadounidense", "estadounidenses"]),
        ("israelí", "es", ["israelí", "israelíes", "israelís"]),
        ("español", "es", ["español", "española", "españoles", "españolas"]),
        (
            "norte-americano",
            "pt",
            ["norte-americano", "norte-americana", "norte-americanos", "norte-americanas"],
        ),
        ("alemão|alemão|alemã|alemães|alemãs", "pt", ["alemão", "alemã", "alemães", "alemãs"]),
        ("Mexican", "en", ["Mexican", "Mexicans"]),
        ("Dutch|Dutch", "en", ["Dutch"]),
    ],
)
def test_demonym_inflections(base, lang, forms):
    assert lexicon.inflect_demonym(base, lang) == forms


def test_accent_free_variants():
    assert lexicon.strip_accents("Mérida nicaragüense São") == "Merida nicaraguense Sao"
    assert lexicon.with_unaccented(["Perú", "Chile"]) == ["Perú", "Peru", "Chile"]


def test_ambiguous_pycountry_heads_are_dropped():
    # "Korea" and "Congo" each head two countries; only the full names map.
    texts = {t.text for t in lexicon.country_terms("en") if t.kind == "country"}
    assert "Korea" not in texts and "Congo" not in texts
    assert "South Korea" in texts
