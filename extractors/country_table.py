"""The country gazetteer as data (extractors/gazetteers/countries.json: names in three languages,
abbreviations, demonyms, groupings...): for the tagger (extractors.tagging.lexicon) and for what
`--country` takes (country_by_name), which must not load the tagging package (spaCy)."""

from __future__ import annotations

import json
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from extractors.unicode import without_marks

COUNTRIES_JSON = Path(__file__).resolve().parent / "gazetteers" / "countries.json"


@lru_cache(maxsize=1)
def countries_json() -> dict[str, Any]:
    """countries.json, read once per process (callers must not change it)."""
    data: dict[str, Any] = json.loads(COUNTRIES_JSON.read_text(encoding="utf-8"))
    return data


def country_by_name(typed: str) -> str | None:
    """The ISO alpha-2 code of a country the gazetteer names so, in any of its three languages, or
    abbreviates so ("EE.UU.", "EUA", "Estados Unidos da América", "Inglaterra"), case, accents and spaces
    aside; None for any other text. What the tagger finds in a passage, `--country` takes."""
    return _codes_by_name().get(_folded(typed))


def countries_of_grouping(typed: str) -> list[str]:
    """The codes of the countries a named grouping of fixed membership stands for ("Northern Triangle",
    "Triángulo Norte": GT, HN, SV), as the tagger expands it in a passage; [] for any other text."""
    groupings = countries_json()["groupings"]
    folded = _folded(typed)
    for name, codes in groupings.items():
        if not name.startswith("_") and _folded(name) == folded:
            return list(codes)
    return []


def _folded(name: str) -> str:
    return without_marks(unicodedata.normalize("NFKD", " ".join(name.split()).casefold()))


@cache
def _codes_by_name() -> dict[str, str]:
    data = countries_json()
    codes: dict[str, str] = {}
    for table in data["names"].values():
        for code, names in table.items():
            for name in names:
                codes.setdefault(_folded(name), code)
    for code, forms in data["abbreviations"].items():
        if isinstance(forms, list) and not code.startswith("_") and code != "any_case":
            for form in forms:
                codes.setdefault(_folded(form), code)
    return codes


def is_place_name(text: str) -> bool:
    """Whether the gazetteer names a country or a place so, in any language, case and accents aside ("Rio
    de Janeiro", "Ciudad de Mexico", "San Pedro Sula"): a dateline's place may be one of these however
    many words it has (extractors.text_head)."""
    return _folded(text) in _place_names()


@cache
def _place_names() -> frozenset[str]:
    data = countries_json()
    names = {n for table in data["names"].values() for ns in table.values() for n in ns}
    names |= {p for code, ps in data["places"].items() if not code.startswith("_") for p in ps}
    return frozenset(_folded(name) for name in names)
