"""PassageFilter: what `citsec passages` and `citsec stats` select, validated into canonical form."""

from __future__ import annotations

import calendar
import datetime as dt
import numbers
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from corpus.errors import CorpusError
from corpus.taxonomy import one_or_many, validate_label_filter

# DESIGN.md's six, and `kind` (what a passage is: PASSAGE_KINDS).
STAT_FIELDS: tuple[str, ...] = ("label", "country", "program", "year", "report", "lang", "kind")
# What a stored passage is (extractors.document.PASSAGE_KINDS, which the store may not import: a test keeps
# the two equal): running text, a table or listing, a reference list.
PASSAGE_KINDS: tuple[str, ...] = ("text", "table", "reference")

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# ISO 3166 user-assigned codes in common use that pycountry does not list.
_EXTRA_COUNTRIES = frozenset({"XK"})


@dataclass(frozen=True)
class PassageFilter:
    """Filters ANDed together; several values of one filter (labels, countries, programs) are ORed.

    labels: effective labels (latest human label, else the promoted model); "none" = no label.
    min_score: the effective score of a label asked for (any held label when none is asked) must reach
        it; human labels score 1.0.
    since/until: inclusive bounds on the report's date (published date, else the day it was ingested).
    include_superseded: also show passages of reports replaced by a newer version at the same uri.
    any_language: the search also matches its words' and phrases' equivalents in English, Spanish and
        Portuguese (corpus.glossary), each as written (accents folded) in passages of its own language.
    with_places: `countries` also finds passages that name a city, state or region of the country (an
        entity of kind "place": Bogotá, Putumayo, Rio de Janeiro), not only the country.
    kinds: what the passages are (PASSAGE_KINDS): "text" leaves out tables and reference lists.
    """

    labels: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    report_id: int | None = None
    lang: str | None = None
    search: str | None = None
    min_score: float | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    include_superseded: bool = False
    any_language: bool = False
    with_places: bool = False
    kinds: tuple[str, ...] = ()

    def validated(self) -> PassageFilter:
        """The same filter in canonical form; raises CorpusError on anything malformed. From Python, a
        date bound may also be written as --since/--until take it ("2015", "2015-06", or the year 2015),
        and one label, country, program or kind as a plain string."""
        min_score = self.min_score
        if min_score is not None:
            if isinstance(min_score, bool) or not isinstance(min_score, numbers.Real):
                raise CorpusError(f"--min-score must be a number between 0 and 1, got {min_score!r}")
            min_score = float(min_score)  # numpy's too
            if not 0.0 <= min_score <= 1.0:
                raise CorpusError(f"--min-score must be between 0 and 1, got {min_score}")
        since, until = date_bound(self.since, "since"), date_bound(self.until, "until")
        if since and until and since > until:
            raise CorpusError(f"--since {since} is after --until {until}")
        lang = language_code(self.lang) if self.lang else None
        # NUL cannot occur in stored text and PostgreSQL refuses it in a parameter: it matches nothing.
        names = {p.replace("\x00", "").strip() for p in one_or_many(self.programs)} - {""}
        programs = tuple(sorted(names, key=str.casefold))
        search = self.search.replace("\x00", " ") if self.search else None
        if self.any_language and not (search and search.strip()):
            raise CorpusError("--any-language needs a search (--search TEXT)")
        if self.with_places and not self.countries:
            raise CorpusError("--places widens --country: give a country (--country CC)")
        kinds = tuple(sorted({kind.strip().lower() for kind in one_or_many(self.kinds)}))
        unknown = [kind for kind in kinds if kind not in PASSAGE_KINDS]
        if unknown:
            raise CorpusError(f"unknown --kind {unknown[0]!r}; expected one of {', '.join(PASSAGE_KINDS)}")
        return replace(
            self,
            labels=tuple(validate_label_filter(self.labels)),
            countries=tuple(validate_countries(one_or_many(self.countries))),
            programs=programs,
            lang=lang,
            min_score=min_score,
            since=since,
            until=until,
            search=search if search and search.strip() else None,
            kinds=kinds,
        )


def date_bound(value: object, bound: str) -> dt.date | None:
    """A filter's `since` or `until` as a date: a date (a datetime's day), a string as --since/--until take
    it (a partial date means its first day for since, its last for until), or a year as a number;
    CorpusError for anything else (a year given as 2015 must not compare as a number with dates)."""
    if value is None or value == "":  # "" was no bound before strings were read as dates
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) or (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        return parse_date(str(int(value)) if not isinstance(value, str) else value, end=bound == "until")
    raise CorpusError(f"--{bound} must be a date or YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")


def language_code(value: str) -> str:
    """The ISO 639-1 code passages are stored with, from it or from the three-letter ISO 639-2 code of the
    same language ("spa" -> "es", "POR" -> "pt": a three-letter code would match no passage), a region
    left aside ("pt-BR" -> "pt"); CorpusError for anything else ("portuguese", "xx")."""
    typed = re.sub(r"[-_][A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$", "", value.strip()).lower()
    if not _LANG.match(typed):
        raise CorpusError(f"malformed language code {value!r}: expected ISO 639-1 such as en, es, pt")
    import pycountry

    if len(typed) == 2:
        language = pycountry.languages.get(alpha_2=typed)
    else:
        language = pycountry.languages.get(alpha_3=typed) or pycountry.languages.get(bibliographic=typed)
    code = getattr(language, "alpha_2", None)
    if not code:
        raise CorpusError(f"unknown language code {value!r}: expected ISO 639-1 such as en, es, pt")
    return str(code)


def entity_key(kind: str, value: str) -> str:
    """What the filters match an entity by (entities.key): a country's ISO code upper-cased; any other name
    (a program's, a place's country code) folded by fold_name, so `--program` finds it however its case and
    accents are typed: "Programa contra Cultivos Ilicitos - DPCI" finds "Programa contra Cultivos Ilícitos
    - DPCI" (migration 0010 folded the keys stored before)."""
    return value.strip().upper() if kind == "country" else fold_name(value)


def fold_name(name: str) -> str:
    """A name without case, accents or extra spaces: "  Política de  Defensa " -> "politica de defensa"
    (case-folded, compatibility-decomposed without its combining marks, as corpus.search folds words)."""
    decomposed = unicodedata.normalize("NFKD", " ".join(name.split()).casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def validate_countries(codes: Iterable[str]) -> list[str]:
    """Sorted unique upper-case ISO 3166-1 alpha-2 codes, from codes or what people type for them: an
    alpha-3 code (COL) or an English name (Colombia, bolivia, United States); CorpusError for the rest."""
    return sorted({_country_code(str(code)) for code in codes})


def _country_code(value: str) -> str:
    import pycountry

    typed = value.strip()
    cc = typed.upper()
    if _COUNTRY.match(cc):
        if cc in _EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=cc) is not None:
            return cc
        hint = " (the United Kingdom's code is GB)" if cc == "UK" else ""
        raise CorpusError(
            f"unknown country code {value!r}{hint}: expected ISO 3166-1 alpha-2 such as CO, MX, BR"
        )
    try:
        if typed:
            return str(pycountry.countries.lookup(typed).alpha_2)
    except LookupError:
        pass
    code = _countries_by_folded_name().get(fold_name(typed))
    if code:
        return code
    raise CorpusError(
        f"unknown country {value!r}{_did_you_mean(typed)}: expected an ISO 3166-1 alpha-2 code such as CO, "
        "MX, BR (or an alpha-3 code or the country's name in English, Spanish or Portuguese)"
    )


def _did_you_mean(typed: str) -> str:
    """' (did you mean El Salvador (SV)?)' for a country name typed in part ("salvador") or misspelled
    ("Colmbia", "Venezula"); '' when nothing is near. At most three suggestions, each a country once."""
    import difflib

    folded = fold_name(typed)
    if len(folded) < 3:
        return ""
    names = _countries_by_folded_name()
    partial = [name for name in names if f" {folded} " in f" {name} "]
    near = partial or difflib.get_close_matches(folded, list(names), n=6, cutoff=0.8)
    codes = list(dict.fromkeys(names[name] for name in near))
    if partial:  # the countries whose usual name holds the word first, that it starts, then the shortest:
        # "kingdom" is the United Kingdom, not the Kingdom of Spain; "united", the United States first
        codes.sort(key=lambda code: _by_usual_name(code, folded))
    codes = codes[:3]
    if not codes:
        return ""
    shown = [f"{_display_name(code)} ({code})" for code in codes]
    return f" (did you mean {', '.join(shown[:-1])}{' or ' if len(shown) > 1 else ''}{shown[-1]}?)"


def _by_usual_name(code: str, word: str) -> tuple[bool, bool, int]:
    usual = fold_name(_display_name(code))
    return (f" {word} " not in f" {usual} ", not usual.startswith(word), len(usual))


def _display_name(code: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


# The languages of the field's reports, whose names for countries an analyst types ("Brasil", "México",
# "Estados Unidos", "Países Baixos"): pycountry's own translations of its English names.
NAME_LANGUAGES = ("es", "pt", "pt_BR")


@cache
def _countries_by_folded_name() -> dict[str, str]:
    """ISO alpha-2 codes by each name of the country in English, Spanish and Portuguese, folded (fold_name):
    pycountry's lookup wants the accents ("Côte d'Ivoire", "Curaçao") and English, a user may type them or
    not ("Cote d'Ivoire", "PERÚ") and in the language they read ("Brasil"). An English name wins over a
    translation that happens to spell it."""
    import gettext

    import pycountry

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in NAME_LANGUAGES
    ]
    english: list[tuple[str, str]] = []
    official = {getattr(country, "official_name", None) for country in pycountry.countries} - {None}
    for country in pycountry.countries:
        for field in ("name", "official_name", "common_name"):
            name = getattr(country, field, None)
            if name:
                english.append((name, str(country.alpha_2)))
    names: dict[str, str] = {}
    for name, code in english:
        names.setdefault(fold_name(name), code)
    heads: dict[str, set[str]] = {}
    for translation in translations:
        for name, code in english:
            if name in official:  # pt_BR translates Afghanistan's official name as Pakistan's
                continue
            translated = translation.gettext(name)
            names.setdefault(fold_name(translated), code)
            # "Irã, República Islâmica do" is "Irã": the head, when it names one country only.
            heads.setdefault(fold_name(translated.split(",")[0]), set()).add(code)
    for head, codes in heads.items():
        if len(codes) == 1:
            names.setdefault(head, codes.pop())
    return names


def parse_date(value: str, *, end: bool = False) -> dt.date:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first day, or its last when `end`."""
    match = _DATE.match(value.strip())
    if not match:
        raise CorpusError(f"bad date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    try:
        last = calendar.monthrange(year, month)[1] if end else 1
        day = int(match.group(3)) if match.group(3) else last
        return dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise CorpusError(f"bad date {value!r}: {exc}") from exc
