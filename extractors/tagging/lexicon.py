"""The tagging gazetteers as plain data: country names, demonyms, groupings, places, programs, organizations.

Everything here is pure Python over the JSON files in extractors/gazetteers/ plus pycountry's code table and
its Spanish/Portuguese translations. The spaCy side (extractors/tagging/components.py) turns `Term`s into
PhraseMatcher patterns.
"""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry

from extractors.country_table import countries_json
from extractors.unicode import without_marks

GAZETTEERS = Path(__file__).resolve().parent.parent / "gazetteers"
LANGS: tuple[str, ...] = ("en", "es", "pt")

# How a matched surface must be written to count:
#   "title": first letter upper case ("Colombia", "COLOMBIA", "Estados unidos"), so "chile" the pepper fails;
#   "words": every word but short connectors starts upper case ("Mano Dura", not "mano dura");
#   "exact": same case as the pattern (acronyms: "US" but not "us");
#   "any":   no constraint (Spanish/Portuguese demonyms are lower case: "mexicanos").
#   "some":  at least one word upper case ("state of Mexico", "Triángulo norte", "países del Triángulo").
CASE_POLICIES = ("title", "words", "some", "exact", "any")

# Kinds of terms; "block" silences the country words inside it ("Gulf of Mexico", "Latin America").
KINDS = ("country", "place", "block", "program", "organization")


@dataclass(frozen=True)
class Term:
    """One surface form to look for, what it means and how it must be written."""

    text: str
    kind: str
    value: str  # ISO code(s) joined by "," for countries/places, canonical name otherwise
    case: str = "title"


@dataclass(frozen=True)
class Program:
    """A curated program, plan, policy, operation or law (one line of programs.jsonl)."""

    name: str
    kind: str
    aliases: dict[str, list[str]]
    acronyms: list[str]
    countries: list[str]
    years: tuple[int | None, int | None]
    strategy: str
    title_case: list[str] = field(default_factory=list)

    def surfaces(self) -> list[str]:
        """Every written form: canonical name and aliases of all languages (acronyms excluded)."""
        seen: dict[str, None] = {self.name: None}
        for lang in LANGS:
            for alias in self.aliases.get(lang, []):
                seen.setdefault(alias, None)
        return list(seen)


def strip_accents(text: str) -> str:
    """'Mérida' -> 'Merida', 'nicaragüense' -> 'nicaraguense' (writers and PDFs drop them)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", without_marks(decomposed))


def with_unaccented(forms: Iterable[str]) -> list[str]:
    """The forms plus their accent-free spellings, unique, order kept."""
    out: dict[str, None] = {}
    for form in forms:
        out.setdefault(form, None)
        out.setdefault(strip_accents(form), None)
    return list(out)


def _drop_qualifier(name: str) -> str:
    """pycountry writes 'Bolivia, Plurinational State of' and 'Saint Martin (French part)'; keep the head."""
    name = re.sub(r"\s*\(.*?\)", "", name)
    return name.split(",")[0].strip()


def _pycountry_names() -> dict[str, list[str]]:
    """ISO alpha-2 -> English, Spanish and Portuguese names from pycountry (short, official, common)."""
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("es", "pt", "pt_BR")
    ]
    names: dict[str, list[str]] = {}
    for country in pycountry.countries:
        raw = [country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)]
        forms = [r for r in raw if r]
        forms += [t.gettext(f) for t in translations for f in forms]
        names[country.alpha_2] = [f for f in forms if f]
    return names


@lru_cache(maxsize=1)
def _unambiguous_names() -> dict[str, set[str]]:
    """Name -> ISO codes; pycountry heads like 'Korea' or 'Congo' map to two countries and are dropped."""
    owners: dict[str, set[str]] = {}
    for code, forms in _pycountry_names().items():
        for form in forms:
            for variant in {form, _drop_qualifier(form)}:
                if "," in variant or not variant:
                    continue
                owners.setdefault(variant, set()).add(code)
    return {name: codes for name, codes in owners.items() if len(codes) == 1}


def inflect_demonym(base: str, lang: str) -> list[str]:
    """All gender/number forms of a demonym's masculine singular ('mexicano' -> mexicano/a/os/as).

    An entry with '|' lists its forms explicitly ('alemão|alemão|alemã|alemães|alemãs'); the first part is
    the lemma and is not repeated.
    """
    if "|" in base:
        return list(dict.fromkeys(base.split("|")[1:]))
    if lang == "en":
        # Irregular English forms ("Chinese", "Dutch") are written out with "|"; the rest take -s.
        return [base, base + "s"]
    head, sep, last = base.rpartition("-")
    prefix = head + sep

    def forms(word: str) -> list[str]:
        if word.endswith("o"):
            stem = word[:-1]
            return [word, stem + "a", stem + "os", stem + "as"]
        if word.endswith(("és", "ês")):
            stem = word[:-2]
            return [word, stem + "esa", stem + "eses", stem + "esas"]
        if word.endswith("e"):
            return [word, word + "s"]
        if word.endswith(("í", "ú")):
            return [word, word + "es", word + "s"]
        if word.endswith("a"):
            return [word, word + "s"]
        if word.endswith("án"):
            stem = word[:-2] + "an"
            return [word, stem + "a", stem + "es", stem + "as"]
        if word.endswith(("l", "n", "r")):
            return [word, word + "a", word + "es", word + "as"]
        return [word]

    return [prefix + f for f in forms(last)]


@lru_cache(maxsize=1)
def inflected_demonyms() -> frozenset[str]:
    """Lower-cased forms of the Spanish and Portuguese demonyms (with and without accents): the ones
    matched in any case, so capitals alone do not tell a country from a name ('Complexo do Alemão')."""
    demonyms = countries_json()["demonyms"]
    forms = {
        form.lower()
        for lang in ("es", "pt")
        for bases in demonyms.get(lang, {}).values()
        for base in bases
        for form in inflect_demonym(base, lang)
    }
    return frozenset(with_unaccented(forms))


@lru_cache(maxsize=1)
def americas() -> frozenset[str]:
    """ISO codes of the countries and territories of the Americas, the field of citsec's reports."""
    return frozenset(countries_json()["americas"]["codes"])


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Lower-cased country and place names of every language (not demonyms): 'Lebanon, Jordan' lists
    countries, while 'Peterson, Jordan' is an author."""
    data = countries_json()
    names = {name.lower() for name in _unambiguous_names()}
    names |= {n.lower() for table in data["names"].values() for ns in table.values() for n in ns}
    names |= {p.lower() for code, ps in data["places"].items() if not code.startswith("_") for p in ps}
    return frozenset(with_unaccented(names))


def country_terms(lang: str) -> list[Term]:
    """Every country-related term for a pipeline in `lang` (names of all three languages, this language's
    demonyms, abbreviations, groupings, places and blocks)."""
    data = countries_json()
    skip = set(data["skip_names"])
    en_only = set(data.get("en_only_names", []))
    terms: list[Term] = []
    for name, codes in _unambiguous_names().items():
        if name not in skip:
            terms.append(Term(name, "country", next(iter(codes)), "title"))
    for table in data["names"].values():
        for code, names in table.items():
            for name in names:
                if name in en_only and lang != "en":
                    continue
                terms.append(Term(name, "country", code, "title"))
    abbreviations = data["abbreviations"]
    any_case = set(abbreviations.get("any_case", []))
    for code, forms in abbreviations.items():
        if code.startswith("_") or code == "any_case":
            continue
        for form in forms:
            terms.append(Term(form, "country", code, "any" if form in any_case else "exact"))
    demonym_lang = lang if lang in data["demonyms"] else "en"
    for code, bases in data["demonyms"][demonym_lang].items():
        for base in bases:
            case = "title" if demonym_lang == "en" else "any"
            terms.extend(Term(form, "country", code, case) for form in inflect_demonym(base, demonym_lang))
    for name, codes in data["groupings"].items():
        if not name.startswith("_"):
            terms.append(Term(name, "country", ",".join(codes), "some"))
    for code, places in data["places"].items():
        if not code.startswith("_"):
            # "the state of Mexico", "Ciudad de méxico": multi-word places need only one capitalized word.
            terms.extend(Term(p, "place", code, "some" if " " in p else "title") for p in places)
    lowercase_ok = set(data["lowercase_ok"]["names"])
    terms.extend(Term(t.text, t.kind, t.value, "any") for t in list(terms) if t.text.lower() in lowercase_ok)
    for block_lang, blocks in data["blocks"].items():
        if block_lang.startswith("_"):
            continue
        terms.extend(Term(b, "block", "", "any") for b in blocks)
    # Skip after accent expansion too: "Réunion" must not come back as "Reunion" (a common word).
    return [t for t in _expand_accents(terms) if t.kind != "country" or t.text not in skip]


def _expand_accents(terms: list[Term]) -> list[Term]:
    out: dict[tuple[str, str, str, str], Term] = {}
    for term in terms:
        for text in with_unaccented([term.text]):
            key = (text, term.kind, term.value, term.case)
            out.setdefault(key, Term(text, term.kind, term.value, term.case))
    return list(out.values())


@lru_cache(maxsize=1)
def load_programs() -> tuple[Program, ...]:
    """The curated programs gazetteer (extractors/gazetteers/programs.jsonl)."""
    programs: list[Program] = []
    for line in (GAZETTEERS / "programs.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        years = row.get("years") or [None, None]
        programs.append(
            Program(
                name=row["name"],
                kind=row["kind"],
                aliases={lang: list(row["aliases"].get(lang, [])) for lang in LANGS},
                acronyms=list(row.get("acronyms", [])),
                countries=list(row.get("countries", [])),
                years=(years[0], years[1] if len(years) > 1 else None),
                strategy=row["strategy"],
                title_case=list(row.get("title_case", [])),
            )
        )
    return tuple(programs)


def program_names(value: str) -> tuple[str, ...]:
    """What `passages --program VALUE` looks for: VALUE itself, and the canonical name of every curated
    program that VALUE names by an alias or acronym in any language, ignoring case and accents
    ("Iniciativa Mérida" -> "Merida Initiative", "carsi" -> "CARSI")."""

    def fold(text: str) -> str:
        return strip_accents(" ".join(text.split()).casefold())

    wanted = fold(value)
    names = [value]
    for program in load_programs():
        if any(fold(s) == wanted for s in (program.name, *program.surfaces(), *program.acronyms)):
            names.append(program.name)
    return tuple(dict.fromkeys(names))


def program_terms() -> list[Term]:
    """Program surfaces: aliases any case (unless listed as title-case), acronyms exact."""
    terms: list[Term] = []
    for program in load_programs():
        strict = set(with_unaccented(program.title_case))
        for surface in with_unaccented(program.surfaces()):
            terms.append(Term(surface, "program", program.name, "words" if surface in strict else "any"))
        terms.extend(Term(a, "program", program.name, "exact") for a in program.acronyms)
    return _dedupe(terms)


def organization_terms() -> list[Term]:
    """Organization names (any case) and acronyms (exact case)."""
    data = json.loads((GAZETTEERS / "organizations.json").read_text(encoding="utf-8"))
    terms: list[Term] = []
    for org in data["organizations"]:
        for surface in with_unaccented([org["name"], *org["aliases"]]):
            terms.append(Term(surface, "organization", org["name"], "title"))
        terms.extend(Term(a, "organization", org["name"], "exact") for a in org["acronyms"])
    return _dedupe(terms)


def _dedupe(terms: Iterable[Term]) -> list[Term]:
    return list(dict.fromkeys(terms))


def all_terms(lang: str) -> Iterator[Term]:
    """Every gazetteer term for a pipeline in `lang`."""
    yield from country_terms(lang)
    yield from program_terms()
    yield from organization_terms()
