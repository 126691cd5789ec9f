"""False-hit guards: pure checks on a matched span and its neighbours that veto a gazetteer hit.

Each guard answers "does this match really name what the gazetteer says?" from the few tokens around it.
They only run on the (rare) matches of ambiguous words, so they cost nothing on ordinary text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Span, Token

from extractors.tagging import lexicon, localities
from extractors.tagging.language_guard import LANGUAGE_WORDS, language_guard
from extractors.tagging.tokens import is_year, token_after, token_before, word_set

_CONNECTORS = word_set(
    """
    de del la las los el y e da do das dos di du of the and for a à o em en in on to con com para
    por
    """
)

# Words after which a capitalized word is not a surname: "Israel Defense Forces", "Jordan River".
_INSTITUTIONAL = word_set(
    """
    defense defence defensa defesa government gobierno governo army ejército exército police policía
    polícia ministry ministerio ministério forces fuerzas forças embassy embajada embaixada river
    río rio valley authorities autoridades state estado national nacional armed military navy air
    supreme court
    """
)
_TITLES = word_set("mr mrs ms dr sen rep gen lt col capt sgt prof sr sra srta dra don doña dom michael")
# Words that introduce a person's name: "alias Chad", "un joven apodado Israel".
_ALIAS = word_set("alias apodado apodada apelidado apelidada")
# ...and words that do so only after a word for a person ("a man named Jordan", "un joven llamado Israel"):
# "The report named Israel as a transit country", "called Chad the most fragile state" name the country.
_NAMED = word_set("named called nicknamed llamado llamada chamado chamada")
_PERSON_NOUNS = word_set(
    """
    man men woman women boy girl teenager teen youth kid child person suspect student driver member leader
    guy hombre mujer joven chico chica niño niña muchacho muchacha adolescente sospechoso sospechosa señor
    señora estudiante homem mulher jovem menino menina rapaz moça garoto garota suspeito suspeita senhor
    senhora
    """
)
# A person described by age right after the name: "Jordan, a 19-year-old", "Israel, de 19 años", "Chad, 19
# años," ("In Jordan, 10,000 refugees", "En Israel, 20 años después", "Israel, a 75-year-old state" are no
# ages of a person).
_AGE_AFTER = re.compile(
    r",\s+(?:(?:an?\s+)?\d{1,2}-year-old\b(?!\s+(?:state|country|nation|kingdom|monarchy|republic|conflict|war)\b)"
    r"|de\s+\d{1,2}\s+a[ñn]os\b|\d{1,2}\s+(?:a[ñn]os|years\s+old)\s*,)"
)


_FOOD_NEXT = word_set(
    """
    sandwich sandwiches dinner breast breasts meat leg legs bacon burger burgers slices feathers
    farm farms hunting stuffing gravy pepper peppers powder sauce flakes paste relleno rellenos
    poblano ancho chipotle verde colorado seeds
    """
)
_FOOD_PREV = word_set(
    """
    roast roasted wild stuffed smoked thanksgiving christmas green red hot ancho chipotle poblano
    serrano habanero jalapeño dried spicy ground
    """
)

_SUBNATIONAL = word_set("department departamento departament province provincia província")

# Cues that "Georgia" is the Caucasus country rather than the US state (the usual sense in this corpus).
_CAUCASUS = ("tbilisi", "caucasus", "abkhazia", "ossetia", "armenia", "azerbaijan", "saakashvili", "georgian")

_ARMENIA = ("yerevan", "caucasus", "azerbaijan", "karabakh", "armenian", "tbilisi", "cáucaso", "caucaso")

# Head nouns of Brazilian and Spanish-American place names: "Complexo do Alemão", "Vila Portuguesa".
_PLACE_HEADS = word_set(
    """
    complexo morro favela comunidade vila villa jardim parque praia playa ilha isla bairro barrio rua calle
    avenida praça plaza largo estrada ladeira travessa colônia colonia cerro serra sierra vale valle ponte
    puente porto puerto lagoa laguna conjunto núcleo loteamento condomínio población fazenda hacienda
    recanto baixada ponta punta buraco beco pedra
    """
)
# Nouns whose demonym adjective does name the country: "Gobierno Colombiano", "Fórum Brasileiro".
_ORGANIZATION_HEADS = _INSTITUTIONAL | word_set(
    """
    gobierno governo estado instituto fórum foro comisión comissão partido fondo fundo universidad
    universidade asociación associação sociedad sociedade federación federação confederación
    confederação academia embajada embaixada consulado selección seleção revolución revolução imperio
    império república nación nação cámara câmara congreso congresso senado marina marinha armada fuerza
    força fuerzas forças justicia justiça banco centro consejo conselho ministerio ministério corte
    tribunal agencia agência servicio serviço pueblo povo frente liga unión união
    """
)
_SINGULAR_PREPS = word_set("do da del")
# Portuguese "in the" (masculine; as written, not "No" opening a sentence): a capitalized demonym after it
# is a place's name ("no Alemão"), never the country.
_PT_IN_THE = frozenset({"no", "nos"})


def _place_head(token: Token) -> bool:
    """A place name's head noun in any case, singular or plural ("complexo", "complexos", "Favela")."""
    word = token.lower_
    return word in _PLACE_HEADS or (word.endswith("s") and word[:-1] in _PLACE_HEADS)


_LIST_SEPARATORS = frozenset({",", ";", "e", "y", "ou", "o"})

# Prepositions/verbs that an upper-case "US" follows in shouted text ("LET US KNOW").
_CAPS_US_PREV = word_set("LET FOR TO WITH OF JOIN CONTACT ABOUT HELP TELL GIVE AMONG BY FROM")


# Words around "US" that make it a currency: "US $100 millones", "60 million US dollars", "dólares
# estadounidenses".
_DOLLAR = word_set("dollar dollars dólar dólares dolar dolares")


def _prev(span: Span) -> Token | None:
    return token_before(span.doc, span.start)


def _next(span: Span) -> Token | None:
    return token_after(span.doc, span.end - 1)


def _is_name_word(token: Token | None) -> bool:
    return (
        token is not None and token.is_alpha and token.text[:1].isupper() and token.lower_ not in _CONNECTORS
    )


def _is_initial(token: Token | None) -> bool:
    """'B.' or 'B' in 'Peterson, Jordan B.'."""
    return (
        token is not None
        and token.text.rstrip(".").isalpha()
        and token.text.rstrip(".").isupper()
        and (len(token.text.rstrip(".")) == 1)
    )


def _ends_author(span: Span) -> bool:
    """Does the text after a given name close an author entry ('Jordan;', 'Jordan B.', 'Jordan (2018)')?"""
    nxt = _next(span)
    if nxt is None or nxt.text in (";", "&") or _is_initial(nxt):
        return True
    after = token_after(span.doc, nxt.i)
    if nxt.text in ("(", ".") and after is not None:
        return after.text == "(" or (after.text[:4].isdigit() and len(after.text) >= 4)
    return False


def _author_given_name(span: Span) -> bool:
    """'Peterson, Jordan;' in a bibliography: a given name written after 'Surname,' in an author list."""
    prev = _prev(span)
    surname = token_before(span.doc, prev.i) if prev is not None and prev.text == "," else None
    return (
        surname is not None
        and _is_name_word(surname)
        and not surname.is_upper
        and surname.lower_ not in lexicon.country_words()
        and _ends_author(span)
    )


def person_guard(span: Span) -> bool:
    """Keep 'Jordan', 'Israel', 'Chad' unless it reads as a person's name ('Michael Jordan', 'Peterson,
    Jordan;', 'a man named Jordan', 'Jordan, a 19-year-old')."""
    prev, nxt = _prev(span), _next(span)
    if prev is not None and (prev.lower_.rstrip(".") in _TITLES or prev.lower_ in _ALIAS):
        return False
    if prev is not None and prev.lower_ in _NAMED:
        before = token_before(span.doc, prev.i)
        if before is not None and before.lower_ in _PERSON_NOUNS:
            return False
    if _AGE_AFTER.match(span.doc.text, span.end_char):
        return False
    if _author_given_name(span):
        return False
    if _is_name_word(nxt) and nxt is not None and nxt.lower_ not in _INSTITUTIONAL and not nxt.is_upper:
        return False
    # A capitalized word before it that does not start the sentence is a first name: "Michael Jordan".
    return not (_is_name_word(prev) and prev is not None and not prev.is_sent_start and not prev.is_upper)


def _cited(span: Span) -> bool:
    """'Holland, 1986', 'Holland (1986)', 'Jordan et al.': an author in an in-text citation."""
    nxt = _next(span)
    if nxt is None:
        return False
    if nxt.lower_ == "et":
        return True
    return nxt.text in (",", "(") and is_year(token_after(span.doc, nxt.i))


def surname_guard(span: Span) -> bool:
    """Names that are common surnames ('Holland', 'Jordan'): not a person's name, and not an author cited
    with a year ('Holland, 1986', 'Holland (1986) calls ...')."""
    return person_guard(span) and not _cited(span)


def georgia_guard(span: Span) -> bool:
    """'Georgia' is the country only when the text speaks of the Caucasus; otherwise it is the US state."""
    lowered = span.doc.text.lower()
    return any(cue in lowered for cue in _CAUCASUS)


def caucasus_guard(span: Span) -> bool:
    """'Armenia' is also a Colombian city; it is the country only when the text speaks of the Caucasus."""
    lowered = span.doc.text.lower()
    return any(cue in lowered for cue in _ARMENIA)


def food_guard(span: Span) -> bool:
    """'Turkey' the bird and 'Chile' the pepper: vetoed next to food words."""
    prev, nxt = _prev(span), _next(span)
    if nxt is not None and nxt.lower_ in _FOOD_NEXT:
        return False
    return not (prev is not None and prev.lower_ in _FOOD_PREV)


def currency_guard(span: Span) -> bool:
    """'US $100 millones', '60 million US dollars', 'dólares estadounidenses' are a currency, not the US."""
    prev, nxt = _prev(span), _next(span)
    if nxt is not None and (nxt.text.startswith("$") or nxt.lower_ in _DOLLAR):
        return False
    return not (prev is not None and prev.lower_ in _DOLLAR)


def caps_us_guard(span: Span) -> bool:
    """Upper-case 'US' is the country unless the text is shouting the pronoun ('LET US KNOW')."""
    prev, nxt = _prev(span), _next(span)
    if prev is not None and prev.text in _CAPS_US_PREV:
        return False
    return not (
        prev is not None
        and nxt is not None
        and prev.is_alpha
        and nxt.is_alpha
        and prev.is_upper
        and nxt.is_upper
        and len(prev) > 1
        and len(nxt) > 1
    )


Guard = Callable[[Span], bool]

# Guards by the lower-cased matched text.
COUNTRY_GUARDS: dict[str, Guard] = {
    "jordan": surname_guard,
    "holland": surname_guard,
    "israel": person_guard,
    "chad": person_guard,
    "trinidad": person_guard,
    "georgia": georgia_guard,
    "armenia": caucasus_guard,
    "geórgia": georgia_guard,
    "turkey": food_guard,
    "chile": food_guard,
    "us": caps_us_guard,
}


def subnational_guard(span: Span) -> bool:
    """'Guatemala Department', 'Panamá Province' name a department or province, not the country."""
    nxt = _next(span)
    return nxt is None or nxt.lower_ not in _SUBNATIONAL


def _is_singular(word: str) -> bool:
    return not word.endswith(("os", "as", "es", "ães", "ãs"))


def place_name_demonym_guard(span: Span) -> bool:
    """A capitalized Spanish/Portuguese demonym inside a place name is part of the name, not the country:
    after a place head ('Complexo do Alemão', 'Vila Portuguesa'), as the nickname after 'do/da/del' in a
    proper name ('Morro do Alemão'), or ending a two-word name in a list of names ('Ribeira e Zumbi
    Portuguesa e Moneró'). After an institution it still names the country ('Gobierno Colombiano')."""
    token = span[0]
    prev = _prev(span)
    if prev is None or token.is_sent_start or not token.text[:1].isupper() or token.is_upper:
        return True
    doc = span.doc
    # Only a demonym that names no country itself ("Alemão", not "Argentina", "China", "Suiza": "na
    # Argentina", "los puertos de Argentina" are the country).
    demonym_only = span.text.lower() not in lexicon.country_words()
    if demonym_only and doc.lang_ == "pt" and prev.text in _PT_IN_THE and _is_singular(token.lower_):
        return False  # "Tiroteio no Alemão": "in the German" is a place (Germany would be "na Alemanha")
    head = prev
    if prev.lower_ in _CONNECTORS and prev.i > 0:
        head = doc[prev.i - 1]
        if demonym_only and _place_head(head):
            return False  # "o complexo do Alemão", "os complexos do Alemão e da Penha"
        if not _is_name_word(head):
            return True
        if prev.lower_ in _SINGULAR_PREPS and _is_singular(token.lower_):
            return False  # "Morro do Alemão": a person's nickname naming a place
    if head.lower_ in _PLACE_HEADS:
        return False
    if head is not prev or not _is_name_word(prev) or prev.lower_ in _ORGANIZATION_HEADS or prev.i == 0:
        return True
    before, nxt = doc[prev.i - 1], _next(span)
    return not (before.lower_ in _LIST_SEPARATORS and (nxt is None or nxt.lower_ in _LIST_SEPARATORS))


# Regions of the Americas a far-away country is likened to: "the Switzerland of Central America" (Costa
# Rica), "la Suiza de América", "the Singapore of Latin America".
_AMERICAN_REGIONS = (
    ("central", "america"), ("latin", "america"), ("south", "america"), ("the", "americas"),
    ("the", "caribbean"), ("america",), ("centroamérica",), ("centroamerica",), ("latinoamérica",),
    ("latinoamerica",), ("sudamérica",), ("sudamerica",), ("suramérica",), ("américa",),
    ("américa", "latina"), ("américa", "central"), ("américa", "do", "sul"), ("américa", "del", "sur"),
    ("el", "caribe"), ("o", "caribe"),
)  # fmt: skip
_LIKENING_ARTICLES = frozenset({"the", "la", "el", "a", "o"})
_LIKENING_OF = frozenset({"of", "de", "da", "do", "del"})


def likening_guard(span: Span) -> bool:
    """False for a country outside the Americas that another is likened to: "the Switzerland of Central
    America", "la Suiza de América" (an article before it, "of" and a region of the Americas after it)."""
    doc = span.doc
    if set(span.kb_id_.split(",")) & lexicon.americas() or span.start == 0 or span.end >= len(doc):
        return True
    if doc[span.start - 1].lower_ not in _LIKENING_ARTICLES or doc[span.end].lower_ not in _LIKENING_OF:
        return True
    after = tuple(t.lower_ for t in doc[span.end + 1 : span.end + 4])
    return not any(after[: len(region)] == region for region in _AMERICAN_REGIONS)


def keep_country(span: Span) -> bool:
    """Run the guards for this surface: the subnational, locality and category ones for every name of one
    country, the currency one for the US, then its own, if any."""
    if not subnational_guard(span) or not likening_guard(span):
        return False
    if "," not in span.kb_id_ and not (localities.locality_guard(span) and localities.category_guard(span)):
        return False
    if span.kb_id_ == "US" and not currency_guard(span):
        return False
    lowered = span.text.lower()
    if lowered in lexicon.inflected_demonyms() and not place_name_demonym_guard(span):
        return False
    guard = COUNTRY_GUARDS.get(lowered)
    if guard is not None and not guard(span):
        return False
    return not (lowered in LANGUAGE_WORDS and not language_guard(span))


def case_ok(span: Span, policy: str) -> bool:
    """Does the matched text satisfy the term's case policy (see lexicon.CASE_POLICIES)?"""
    if policy == "any":
        return True
    text = span.text
    if policy == "title":
        first = next((ch for ch in text if ch.isalpha()), "")
        return first.isupper()
    if policy == "some":
        return any(t.is_alpha and t.text[:1].isupper() for t in span)
    if policy == "words":
        return all(t.text[:1].isupper() or t.lower_ in _CONNECTORS or not t.is_alpha for t in span)
    return True  # "exact" terms are matched on ORTH, so their case already agrees


# "Plan Nacional de Desarrollo" is listed for a government's national development plan (Colombia's and
# Mexico's carry chapters on security and peace). Followed by what it develops, the name is another plan's:
# "Plan nacional de desarrollo del deporte", "Plan Nacional de Desarrollo Minero", "... de Turismo",
# "National Development Plan for Tourism". Followed by whose plan it is, or when, it is still the plan:
# "del gobierno Santos", "de Colombia", "de la administración", "for 2014-2018". Brazil's Planos Nacionais
# de Desenvolvimento (the economic plans of the 1970s) are no security plan: the entry has no Portuguese
# alias.
_PLAN_OWNERS = word_set(
    """
    gobierno governo government presidente president presidencia presidência presidency administración
    administração administration cuatrienio quadriênio sexenio periodo período period país country nación
    nação nation estado state república republic mandato actual current próximo next último last
    """
)
_PLAN_OF = word_set("de del da do of for para")
_PLAN_ARTICLES = word_set("la el los las a o the")
# Endings of the adjectives that name what a plan develops ("minero", "rural", "turístico", "sostenible"):
# masculine, as they agree with "plan"/"desarrollo"; the verbs that follow the name end otherwise
# ("establece", "plantea", "incluyó").
_QUALIFIER_ENDINGS = ("o", "al", "ar", "ble", "il")
# A capitalized word after the name may also be a name, of the president whose plan it is ("Gustavo
# Petro", "Álvaro Uribe") or of the plan's title ("Prosperidad para Todos", "Pacto por Colombia"), many
# of which end in "o": only the adjectives' own suffixes tell a qualifier there ("Minero", "Turístico",
# "Alternativo", "Agropecuario", "Urbano", "Forestal", "Sostenible", "Agrícola", "Indígena").
_ADJECTIVE_SUFFIXES = (
    *("ico", "ero", "ivo", "ario", "orio", "ano", "izo", "imo", "eño"),
    *("al", "ar", "ble", "il", "cola", "gena"),
)


def _names_owner(token: Token | None) -> bool:
    """A year, a period, a country or place, or a word for a government: whose (or when) the plan is."""
    if token is None or not token.is_alpha:
        return True
    lowered = token.lower_
    return lowered in _PLAN_OWNERS or lowered in lexicon.country_words()


def development_plan_guard(span: Span) -> bool:
    """'Plan Nacional de Desarrollo' is the national plan unless words that name another plan follow it:
    'de/del/of/for' and what it develops ('del deporte', 'for Tourism'), or an adjective ('Minero',
    'rural'). A year, a country or a government after 'de' keeps it ('de Colombia', 'del gobierno')."""
    doc = span.doc
    nxt = _next(span)
    if nxt is None or not nxt.is_alpha:
        return True
    if nxt.lower_ in _PLAN_OF:
        after = token_after(doc, nxt.i)
        if after is not None and after.lower_ in _PLAN_ARTICLES:
            after = token_after(doc, after.i)
        return _names_owner(after)
    if nxt.is_stop or nxt.lower_ in _PLAN_OWNERS or nxt.lower_ in lexicon.country_words():
        return True
    # A capitalized word continues the name when it is an adjective ("Plan Nacional de Desarrollo Minero");
    # other capitalized words name whose plan it is or its title ("Plan Nacional de Desarrollo Juan
    # Pérez", "... Prosperidad para Todos 2010-2014"). In lower case only an adjective's ending tells.
    if nxt.text[:1].isupper():
        return not nxt.lower_.endswith(_ADJECTIVE_SUFFIXES)
    return not nxt.lower_.endswith(_QUALIFIER_ENDINGS)


# Guards of gazetteer programs, by canonical name.
PROGRAM_GUARDS: dict[str, Guard] = {
    "Plan Nacional de Desarrollo": development_plan_guard,
}


def keep_program(span: Span) -> bool:
    """Run the guard of the program `span` names, if it has one."""
    guard = PROGRAM_GUARDS.get(span.kb_id_)
    return guard is None or guard(span)
