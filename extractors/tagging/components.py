"""spaCy components of the tagging pipeline, registered with @Language.factory.

    citsec_gazetteer       PhraseMatchers over the gazetteers -> doc.spans["countries"|"places"|"programs"|
                           "organizations"], with the case policies and false-hit guards applied
    citsec_program_cues    cue-word rules for programs missing from the gazetteer -> doc.spans["programs"]
    citsec_statistical     (only with en_core_web_sm) its LAW/ORG entities as extra candidates
    citsec_resolve         doc.ents = the non-overlapping union; Doc._.countries / Doc._.programs

Span labels: COUNTRY, PLACE, PROGRAM, ORG; span.kb_id_ holds the normalized value (ISO code or canonical
name). Spans of different groups may overlap ("Plan Colombia" is a program and names Colombia).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.tagging import cues, guards, lexicon, localities, topic
from extractors.tagging.tokens import token_after, token_before

GROUPS = {"country": "countries", "place": "places", "program": "programs", "organization": "organizations"}
LABELS = {"country": "COUNTRY", "place": "PLACE", "program": "PROGRAM", "organization": "ORG"}
KIND_OF_LABEL = {label: kind for kind, label in LABELS.items()}
_SEP = "\t"


def _countries_of(doc: Doc) -> list[str]:
    return sorted({span.kb_id_ for span in doc.spans.get("countries", [])})


def _programs_of(doc: Doc) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for span in sorted(doc.spans.get("programs", []), key=lambda s: (s.start, s.end)):
        seen.setdefault((span.kb_id_, span.text), None)
    return [{"name": name, "text": text} for name, text in seen]


for _name, _getter in (("countries", _countries_of), ("programs", _programs_of)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, getter=_getter)


def _overlaps(span: tuple[int, int], others: Iterable[Span]) -> bool:
    return any(span[0] < other.end and other.start < span[1] for other in others)


class Gazetteer:
    """Looks up every gazetteer term with two PhraseMatchers: LOWER for names, ORTH for acronyms."""

    def __init__(self, nlp: Language, lang: str) -> None:
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_key: dict[tuple[str, str], list[str]] = {}
        for term in lexicon.all_terms(lang):
            by_key.setdefault((_SEP.join((term.kind, term.value, term.case)), term.case), []).append(
                term.text
            )
        for (key, case), texts in by_key.items():
            matcher = self.exact if case == "exact" else self.lower
            matcher.add(key, [nlp.make_doc(text) for text in texts])

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        found: dict[str, list[Span]] = {
            "country": [],
            "place": [],
            "block": [],
            "program": [],
            "organization": [],
        }
        for match_id, start, end in [*self.lower(doc), *self.exact(doc)]:
            kind, value, case = strings[match_id].split(_SEP)
            span = Span(doc, start, end, label=LABELS.get(kind, "BLOCK"), kb_id=value)
            # "the mano dura policy", "'mano dura'": a title-case name written in lower case still counts
            # where a policy word or quotes mark it as a name.
            if (
                case != "exact"
                and not guards.case_ok(span, case)
                and not (kind == "program" and case == "words" and cues.marked_as_name(span))
            ):
                continue
            if kind == "country" and not guards.keep_country(span):
                continue
            if kind == "program" and not guards.keep_program(span):
                continue
            found[kind].append(span)
        # Longest match wins among places, blocks and countries: "New Mexico" silences "Mexico".
        geo = filter_spans(found["country"] + found["place"] + found["block"])
        places = [span for span in geo if span.label_ == "PLACE" and localities.place_guard(span, geo)]
        # Hamlets named after countries in a table of a country's municipalities ("Guatemala 460,8"), and
        # places named after far-away countries in a table fragment without a header ("Mali 39,1").
        named = [s for s in geo if s.label_ == "COUNTRY"]
        rows = localities.subdivision_rows(doc, named, places) + localities.far_country_rows(doc, named)
        hamlets = {(span.start, span.end) for span in rows}
        countries: list[Span] = []
        for span in geo:
            if span.label_ == "COUNTRY" and (span.start, span.end) not in hamlets:
                countries.extend(
                    Span(doc, span.start, span.end, label="COUNTRY", kb_id=code)
                    for code in span.kb_id_.split(",")
                )
        doc.spans["countries"] = countries
        doc.spans["places"] = places
        doc.spans["programs"] = filter_spans(_drop_lowercase_cue_prefix(found["program"]))
        doc.spans["organizations"] = filter_spans(found["organization"])
        return doc


def _drop_lowercase_cue_prefix(spans: list[Span]) -> list[Span]:
    """'el programa Fica Vivo' names "Fica Vivo": when the alias "Programa Fica Vivo" matches with a
    lower-case cue word and the bare name matched too, keep the bare name (the cue is ordinary prose)."""
    bare = {(span.start, span.end, span.kb_id_) for span in spans}
    return [
        span
        for span in spans
        if not (
            len(span) > 1
            and span[0].is_lower
            and span[0].lower_ in cues.CUE_WORDS
            and (span.start + 1, span.end, span.kb_id_) in bare
        )
    ]


@Language.factory("citsec_gazetteer", default_config={"lang": "en"})
def make_gazetteer(nlp: Language, name: str, lang: str) -> Gazetteer:
    """Gazetteer matcher for a pipeline whose text is in `lang` (demonyms are language specific)."""
    return Gazetteer(nlp, lang)


class ProgramCues:
    """Adds programs found by cue-word rules (extractors/tagging/cues.py) where the gazetteer found none."""

    def __init__(self, nlp: Language) -> None:
        self.cue_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.cue_matcher.add("CUE", [nlp.make_doc(word) for word in sorted(cues.CUE_WORDS)])

    def __call__(self, doc: Doc) -> Doc:
        cue_indices = sorted({start for _, start, end in self.cue_matcher(doc) if end == start + 1})
        if not cue_indices:
            return doc
        known = list(doc.spans.get("programs", []))
        named = [
            *doc.spans.get("countries", []),
            *doc.spans.get("places", []),
            *doc.spans.get("organizations", []),
        ]
        geo = [*doc.spans.get("countries", []), *doc.spans.get("places", [])]
        orgs = list(doc.spans.get("organizations", []))
        new: list[Span] = []
        known_ends = {span.end for span in known}
        candidates = [
            c
            for c in cues.find_unknown_programs(doc, cue_indices)
            # "the Mano Dura strategy Hernandez proposes": the cue heads the name before it.
            if not (c.rule == "lower_cue" and cues.follows_a_name(doc, doc[c.cue], known_ends))
        ]
        names = [(c.start, c.end) for c in candidates]
        for found in candidates:
            if not _plausible(doc, found, known, names):
                continue
            start = found.start
            end = _without_trailing_place(doc, start, found.end, geo)
            if _overlaps((start, end), known) or _only_named_things(doc, start, end, named):
                continue
            if _names_something_else(doc, found, start, end, [*known, *new], orgs):
                continue
            # "Operation Car Wash." : spaCy keeps "Wash." (Washington's abbreviation) as one token.
            name = doc[start:end].text.rstrip(".") if found.rule != "law_number" else doc[start:end].text
            new.append(Span(doc, start, end, label="PROGRAM", kb_id=name))
        if new:
            doc.spans["programs"] = sorted([*known, *filter_spans(new)], key=lambda s: (s.start, s.end))
        return doc


# How far around a generically named programme a security word may stand, within its sentence and the one
# before ("No se trata de medidas punitivas [...] Plan Nacional de Salud Mental Escolar").
SECURITY_WINDOW = 40
# Laws are cited in passing, many to a sentence ("La Ley 20.285, la Ley de Compras y la Ley de Probidad ya
# permiten ..."): one is about security by its name or the words right around it, in its own sentence.
LAW_WINDOW = 12


def _plausible(doc: Doc, found: cues.Candidate, known: list[Span], names: list[tuple[int, int]]) -> bool:
    """Filters on what the cue rules found: no names cut out of headlines or longer titles, and a programme
    named by a cue of any field (plan, programa, strategy, and laws: "Ley de Pesca", "Banking Act", "Ley
    19.300") must be about security by its name or its surroundings, since citsec's programs are security
    programs and policies ("Plan de Fomento Frutícola" and "Ley de Concesiones" are not); a law only by its
    name or the words right around it. Operations are kept as found: in these reports they are police and
    military operations. Gazetteer programs (`known`) never pass through here, and count as security
    context."""
    cue = doc[found.cue]
    if found.rule in ("prefix", "suffix") and (
        cues.in_headline(doc, found.start, found.end, names)
        or cues.has_headline_verb(doc, found.start, found.end)
    ):
        return False
    if found.rule == "suffix" and cues.name_goes_on(doc, cue):
        return False
    if found.rule != "law_number" and cue.lower_ in cues.OPERATION_CUES:
        return found.rule != "prefix" or not cues.names_its_runner(doc, found.cue, found.end)
    if found.rule == "law_number" or cue.lower_ in cues.LAW_CUES or cue.lower_ == "act":
        return topic.about_security(doc, found.start, found.end, LAW_WINDOW, known, sentence_before=False)
    return topic.about_security(doc, found.start, found.end, SECURITY_WINDOW, known)


_LOCATIVES = frozenset({"en", "em", "in", "no", "na"})


# Words before "program" that make it a broadcast: "TV news program Hilando Fino", "radio program".
_MEDIA = frozenset({"tv", "television", "radio", "news", "talk", "cooking", "reality", "game", "quiz"})
# Capitalized words after a name that make it a document's title: "International Narcotics Control Strategy
# Report", "Informe ...".
_DOCUMENTS = frozenset(
    {"report", "reports", "informe", "relatório", "relatorio", "survey", "review", "index"}
)
_BROADCAST_CUES = frozenset({"program", "programme", "programs", "programmes", "show"})
# Laws that open government records: cited in security reporting ("documents obtained through Freedom of
# Information Act requests") for the documents, never as a security policy.
_NOT_SECURITY_LAWS = frozenset(
    {
        "freedom of information act",
        "ley de transparencia y acceso a la información pública",
        "ley de acceso a la información pública",
        "lei de acesso à informação",
    }
)


def _names_something_else(
    doc: Doc, found: cues.Candidate, start: int, end: int, programs: list[Span], orgs: list[Span]
) -> bool:
    """A name the cue rules found that names no programme: a law on access to records (the Freedom of
    Information Act), a broadcast ("TV news program Hilando Fino"),
    a document ("the International Narcotics Control Strategy Report"), a unit of an organization ("the
    Latin American Program at the Wilson Center"), or the translation of a programme named right before it
    ('"Operación Centinela" (Operation Sentinel)': the same programme, counted once)."""
    if doc[start:end].text.lower() in _NOT_SECURITY_LAWS:
        return True
    cue = doc[found.cue]
    before = token_before(doc, cue.i) if found.rule == "lower_cue" else None
    if cue.lower_ in _BROADCAST_CUES and before is not None and before.lower_ in _MEDIA:
        return True
    after = token_after(doc, end - 1, _QUOTES)
    if after is not None and after.is_title and after.lower_ in _DOCUMENTS:
        return True
    if after is not None and after.lower_ == "at":
        the = token_after(doc, after.i)
        first = token_after(doc, the.i) if the is not None and the.lower_ == "the" else the
        if first is not None and any(org.start == first.i for org in orgs):
            return True
    opening = token_before(doc, start, _QUOTES)
    if opening is not None and opening.text == "(":
        previous = token_before(doc, opening.i, _QUOTES)
        return previous is not None and any(span.end == previous.i + 1 for span in programs)
    return False


_QUOTES = frozenset({'"', "“", "”", "'", "‘", "’", "«", "»"})


def _without_trailing_place(doc: Doc, start: int, end: int, geo: list[Span]) -> int:
    """'Operativo Escudo Ciudadano [en Honduras]': a name that ends with "en"/"in" and a country or place
    ends before them (the sentence says where the programme ran)."""
    for span in geo:
        at = span.start - 1
        if span.end == end and at > start + 1 and doc[at].lower_ in _LOCATIVES:
            return at
    return end


def _only_named_things(doc: Doc, start: int, end: int, named: list[Span]) -> bool:
    """'the program Colombia ...': a 'name' made only of countries, places or organizations is no program."""
    words = [t for t in doc[start:end] if t.is_alpha and t.text[0].isupper() and t.lower_ not in cues.GENERIC]
    words = [t for t in words if t.lower_ not in cues.PREFIX_CUES | cues.SUFFIX_CUES]
    return bool(words) and all(any(s.start <= t.i < s.end for s in named) for t in words)


@Language.factory("citsec_program_cues")
def make_program_cues(nlp: Language, name: str) -> ProgramCues:
    """Rules for programs that are not in the gazetteer."""
    return ProgramCues(nlp)


@Language.component("citsec_statistical")
def statistical_candidates(doc: Doc) -> Doc:
    """With a trained NER upstream: its LAW entities become programs and its ORG entities organizations,
    where the gazetteer and the rules found nothing there."""
    programs = list(doc.spans.get("programs", []))
    orgs = list(doc.spans.get("organizations", []))
    named = [*programs, *orgs, *doc.spans.get("countries", []), *doc.spans.get("places", [])]
    for ent in doc.ents:
        if ent.label_ not in ("LAW", "ORG") or _overlaps((ent.start, ent.end), named):
            continue
        start = ent.start
        while start < ent.end - 1 and doc[start].lower_ in cues.ARTICLES:
            start += 1  # the model often takes "the" into the entity
        label = "PROGRAM" if ent.label_ == "LAW" else "ORG"
        span = Span(doc, start, ent.end, label=label, kb_id=doc[start : ent.end].text)
        (programs if ent.label_ == "LAW" else orgs).append(span)
    doc.spans["programs"] = sorted(programs, key=lambda s: (s.start, s.end))
    doc.spans["organizations"] = sorted(orgs, key=lambda s: (s.start, s.end))
    return doc


@Language.component("citsec_resolve")
def resolve(doc: Doc) -> Doc:
    """doc.ents = the longest non-overlapping tags (programs before the countries inside them)."""
    spans = [span for group in GROUPS.values() for span in doc.spans.get(group, [])]
    doc.ents = filter_spans(spans)
    return doc
