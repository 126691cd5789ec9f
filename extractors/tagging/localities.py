"""Country names that name something smaller: a hamlet, a municipality, a table row, a coca variety.

Colombian hamlets (veredas) and eradication points are often named after countries ("vereda Guatemala",
"Argelia", "México"), and UNODC's monitoring reports list them in tables by department, some passages of
them cut off from their headers ("Ecuador 12,4 12,4 Jordán 8,0 8,0 Mali 30,2 30,2 ..."); coca varieties
are called "peruana" and "boliviana". These checks tell such names from the countries, from the words
around them and, for tables, from what the other rows are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Span, Token

from extractors.tagging import lexicon
from extractors.tagging.tokens import is_figure, is_year, token_after, token_before, word_set

# Heads whose name follows directly: "la vereda Guatemala", "el barrio México", "Fazenda Brasil".
_LOCALITY_HEADS = word_set(
    """
    vereda veredas corregimiento caserío caserio barrio bairro inspección inspeccion finca hacienda fazenda
    hamlet village
    """
)
# In English "sector" ends a noun phrase ("in the oil sector Mexico grew"); in Spanish and Portuguese it
# heads a place name ("sector Brasil").
_IBERIAN_LOCALITY_HEADS = word_set("sector setor")
_IBERIAN = frozenset({"es", "pt"})
# Small units named "<unit> de <name>": a country is never one of them ("el municipio de Argelia"). Larger
# units are left out: "el departamento de Colombia con más coca" is a department of Colombia.
_UNITS = word_set("municipio município municipality corregimiento vereda parroquia")
_OF = word_set("de of do da del")
_DEFINITE = word_set("el la o a the al del do da no na")
# After the name, the unit it lies in: "Argelia en el municipio de Lejanías", "Guatemala, municipio de ...".
# Only these links: "Colombia, the municipality of Tumaco ..." goes on about Colombia.
_UNIT_LINKS = frozenset({(",",), ("(",), ("-",), ("en", "el"), ("del",), ("in", "the"), ("no",), ("em",)})
_SEPARATORS = frozenset({"|"})
# A table cell left empty is printed as a dash: "Mónaco | - | 160 | - | 88,41".
_EMPTY_CELLS = frozenset({"-", "–", "—"})
# Points of the compass that, capitalized right after a country's name, make it a place's name: UNODC's
# eradication points "Brasil Norte" and "Brasil Sur" lie in Colombia. Only these nouns of Spanish and
# Portuguese: "este" is also "this" ("Mexico\nEste año ..." after a heading), and "Central", "Oriental"
# and the English words name real regions of countries ("Brasil Central", "Alemania Oriental", "Colombia
# South America").
_DIRECTIONS = word_set(
    """
    norte sur sul oriente occidente oeste nordeste noroeste noreste sudeste sureste sudoeste suroeste
    """
)

# Table headers of subdivisions; "Total Antioquia" subtotals say the same.
_SUBDIVISION_HEADERS = word_set(
    """
    departamento departamentos municipio municipios município municípios vereda veredas corregimiento
    corregimientos provincia provincias província províncias department departments municipality
    municipalities province provinces distrito distritos
    """
)
_TOTALS = word_set("total subtotal totales")
# Words after which a demonym names a kind, not a country: "coca de tipo boliviana", "la variedad peruana".
_KIND_WORDS = word_set("tipo tipos variedad variedades variedade variedades variety varieties cepa cepas")


def locality_guard(span: Span) -> bool:
    """False when the country name is the name of a hamlet or municipality: after a locality head ('vereda
    Guatemala', 'sector Brasil'), as '<el> municipio de Argelia', followed by the municipality it lies
    in ('Argelia en el municipio de Lejanías', 'Guatemala, municipio de Puerto Asís') or by a point of the
    compass ('Brasil Norte', 'Brasil Sur'; 'el norte de Brasil' is the country)."""
    doc = span.doc
    prev = token_before(doc, span.start)
    if prev is not None:
        if prev.lower_ in _LOCALITY_HEADS:
            return False
        if prev.lower_ in _IBERIAN_LOCALITY_HEADS and doc.lang_ in _IBERIAN:
            return False
        if prev.lower_ in _OF and _named_unit(doc, prev.i):
            return False
    return not (_followed_by_unit(doc, span.end) or _followed_by_direction(doc, span.end))


# Capitalized articles that begin a longer place name in Spanish: "El Zulia" and "El Limón" are Colombian
# municipalities, not Venezuela's Zulia or Costa Rica's Limón. Regions are named with their article too
# ("El Catatumbo", "La Araucanía", "El Callao"), so the article alone decides nothing (see place_guard).
_NAME_ARTICLES = frozenset({"El", "La", "Los", "Las"})
# Places that are also common surnames in the field's languages: "Lilian de Lima Gonçalves", "(Oliveira
# Junior e Lima, 2013)", "Pereira (2010)".
_SURNAMES = word_set("lima pereira rosario")
# Particles inside personal names; "e" only in Portuguese ("Abreu e Lima"), as Spanish "y" links lists of
# places far more often than names ("Manizales y Pereira").
_NAME_PARTICLES = word_set("de da do dos das")
# Capitalized words before a place that begin its name or title, not a person's: "Departamento de
# Lima", "Greater Lima".
_PLACE_HEADS = word_set(
    """
    departamento estado municipio município provincia província ciudad cidade región regiao região
    distrito capital gobernación gobernacion prefeitura alcaldía alcaldia zona area área norte sur sul
    greater metropolitan downtown central metropolitana metropolitano municipalidad gran grande
    """
)


def place_guard(span: Span, geo: Sequence[Span] = ()) -> bool:
    """False when the place's name names something else. After a capitalized article, a place among
    another country's places is another place's name ('El Zulia' and 'El Limón' among Colombian
    departments and municipalities; 'El Catatumbo' among them, 'La Araucanía' alone and 'El Catatumbo, en la
    frontera con Venezuela' are the regions: see _among_anothers_places).
    A place that is also a surname ('Lima') names a person after a given name, with or without a name
    particle ('Lilian de Lima', 'Abreu e Lima'), and a cited author before a year ('(Oliveira Junior e Lima,
    2013)', 'Pereira (2010)')."""
    doc = span.doc
    prev = token_before(doc, span.start)
    if prev is not None and prev.text in _NAME_ARTICLES and _among_anothers_places(span, geo):
        return False
    if span.text.lower() in _SURNAMES:
        return not (_after_given_name(span, prev, geo) or _before_year(span))
    return True


def _among_anothers_places(span: Span, geo: Sequence[Span]) -> bool:
    """Are the other places the text names (countries aside: a border passage names the neighbour) all of
    other countries than this one's, and either two or more ('El Tarra, El Zulia, Cúcuta') or this one a
    table's row label ('El Limón 3,0')? One other place of another country is a pair of regions ('El Petén
    y Chiapas')."""
    others = [other for other in geo if other is not span and other.label_ == "PLACE"]
    codes = {code for other in others for code in other.kb_id_.split(",")}
    if not codes or set(span.kb_id_.split(",")) & codes:
        return False
    return len(others) >= 2 or is_row_label(span.doc, span.end)


def _after_given_name(span: Span, prev: Token | None, geo: Sequence[Span]) -> bool:
    doc = span.doc
    if prev is not None and (prev.lower_ in _NAME_PARTICLES or (prev.lower_ == "e" and doc.lang_ == "pt")):
        prev = token_before(doc, prev.i)
    return (
        prev is not None
        and prev.is_alpha
        and prev.text[0].isupper()
        and not prev.is_stop
        and prev.lower_ not in _PLACE_HEADS
        and not any(other.start <= prev.i < other.end for other in geo)
    )


_AUTHOR_LINKS = frozenset({"and", "&", "e", "y"})


def _before_year(span: Span) -> bool:
    """'(Lima, 2013)', '(Silva and Lima, 2013)', '(...; Pereira (2010))': a cited author, within a citation's
    brackets or after another citation ('In Lima, 2019 was ...' and 'homicides in Lima (2015)' are the
    city; 'Renato Pereira (2010)' is a person by his given name)."""
    doc = span.doc
    after = token_after(doc, span.end - 1)
    if after is None or after.text not in (",", "(") or not is_year(token_after(doc, after.i)):
        return False
    before = token_before(doc, span.start)
    if before is not None and before.lower_ in _AUTHOR_LINKS:  # skip the other author: "Silva and"
        author = token_before(doc, before.i)
        before = token_before(doc, author.i) if author is not None else None
    return before is not None and before.text in ("(", ";")


def _named_unit(doc: Doc, of_index: int) -> bool:
    """Is the word before 'de' at `of_index` a singular small unit with an article or a capital ('el
    municipio de', 'Municipio de'), not 'cada municipio de' or 'un municipio de'?"""
    unit = token_before(doc, of_index)
    if unit is None or unit.lower_ not in _UNITS:
        return False
    if unit.text[0].isupper():
        return True
    article = token_before(doc, unit.i)
    return article is not None and article.lower_ in _DEFINITE


def _followed_by_unit(doc: Doc, end: int) -> bool:
    words = [t.lower_ for t in doc[end : end + 6] if not t.is_space][:3]
    for link in _UNIT_LINKS:
        n = len(link)
        if tuple(words[:n]) == link and len(words) > n and words[n] in _UNITS:
            return True
    return False


def _followed_by_direction(doc: Doc, end: int) -> bool:
    """Is the name ending before `end` followed by a capitalized point of the compass ('Brasil Norte'),
    not one that starts another name ('Granada Norte de Santander', 'Colombia Sur de Bolívar')?"""
    direction = token_after(doc, end - 1)
    if direction is None or direction.lower_ not in _DIRECTIONS or not direction.text[0].isupper():
        return False
    after = token_after(doc, direction.i)
    return after is None or after.lower_ not in _OF


def category_guard(span: Span) -> bool:
    """False when a Spanish/Portuguese demonym names a category: capitalized as a table row label
    ('Peruana 11,0%', 'BOLIVIANA 32,4%'; in prose these demonyms are lower case) or after a kind word
    ('de tipo boliviana', 'la variedad peruana'). A demonym that is also a country's name labels that
    country's row ('Noruega 25,4', 'Argentina 9,1', 'China 3,0')."""
    lowered = span.text.lower()
    if lowered not in lexicon.inflected_demonyms():
        return True
    doc = span.doc
    prev = token_before(doc, span.start)
    if prev is not None and prev.lower_ in _KIND_WORDS:
        return False
    if lowered in lexicon.country_words():
        return True
    return not (span[0].text[:1].isupper() and is_figure(token_after(doc, span.end - 1, _SEPARATORS)))


def is_row_label(doc: Doc, span_end: int) -> bool:
    """Is the name ending before `span_end` followed by a figure, like the label of a table row? In a
    ruled table's row ("Mónaco | - | 160"), by its first cell that is not empty."""
    after = token_after(doc, span_end - 1)
    if after is not None and after.text in _SEPARATORS:
        return is_figure(token_after(doc, span_end - 1, _SEPARATORS | _EMPTY_CELLS))
    return is_figure(after)


def _label_words(doc: Doc) -> Iterable[Token]:
    """Capitalized words that end a row label: 'Encanto' in 'El Encanto 53,9 53,8'."""
    for token in doc:
        if (
            token.is_alpha
            and len(token) > 1
            and token.text[0].isupper()
            and token.lower_ not in _TOTALS
            and is_row_label(doc, token.i + 1)
        ):
            yield token


def subdivision_rows(doc: Doc, countries: list[Span], places: list[Span]) -> list[Span]:
    """Country names that are row labels of a table of one country's subdivisions: the passage names
    subdivisions (a 'Departamento'/'Municipio' header, or 'Total Antioquia' subtotals, or two or more
    places all of one country with two or more totals), at least two other
    rows are labelled with names that are no countries, and the country is not the one whose places the
    table lists. A table of countries ('Costa Rica 13.9 El Salvador 12.5 ...') keeps them all."""
    rows = [span for span in countries if is_row_label(doc, span.end)]
    if not rows:
        return []
    inside = {i for span in countries for i in range(span.start, span.end)}
    if sum(1 for token in _label_words(doc) if token.i not in inside) < 2:
        return []
    if not (_names_subdivisions(doc, inside) or (_places_of_one_country(places) and _subtotals(doc) >= 2)):
        return []
    own = {code for place in places for code in place.kb_id_.split(",")}
    return [span for span in rows if not set(span.kb_id_.split(",")) & own]


def _subtotals(doc: Doc) -> int:
    """How many 'Total' rows the text holds: two or more are subtotals, a table grouped by subdivision."""
    return sum(1 for token in doc if token.lower_ in _TOTALS)


def _places_of_one_country(places: list[Span]) -> bool:
    """The passage names two or more places (departments, states, cities), all of one country: a UNODC
    table of municipalities by department, with neither header nor named subtotals but a 'Total' under
    each department, lists Antioquia, Bolívar, Caquetá and Chocó beside its row 'Puerto Rico' (a
    municipality of Caquetá). With one total, a table of one country's states may well count people or
    seizures from another country ('Chiapas 1.204 Tabasco 830 Guatemala 95 Total 2.129'): kept."""
    if len({place.text.lower() for place in places}) < 2:
        return False
    return bool(set.intersection(*(set(place.kb_id_.split(",")) for place in places)))


def _names_subdivisions(doc: Doc, countries: set[int]) -> bool:
    for token in doc:
        if token.lower_ in _SUBDIVISION_HEADERS:
            return True
        if token.lower_ in _TOTALS:
            nxt = token_after(doc, token.i, _SEPARATORS)
            if nxt is not None and nxt.is_alpha and nxt.text[0].isupper() and nxt.i not in countries:
                return True
    return False


# Header words that say a table's rows are countries ("País", "Country").
_COUNTRY_HEADERS = word_set(
    "country countries país países pais paises nation nations nación naciones nação nações"
)
# A row label is at most this many words ("San José del Guaviare"); a longer run of words between figures
# is a header, a caption or prose.
_LABEL_WORDS = 4


def is_bare_table(doc: Doc) -> bool:
    """Is the text nothing but row labels and figures: at least one figure, and no run of more than
    `_LABEL_WORDS` words between figures (no header, caption or sentence saying what the rows are)?"""
    figures = words = 0
    for token in doc:
        if not any(ch.isalnum() for ch in token.text):
            continue
        if is_figure(token):
            figures += 1
            words = 0
            continue
        words += 1
        if words > _LABEL_WORDS:
            return False
    return figures > 0


def far_country_rows(doc: Doc, countries: list[Span]) -> list[Span]:
    """Country names that label the rows of a bare table fragment (see `is_bare_table`) in which most of
    the country row labels are countries outside the Americas: none of them counts. A header word naming
    countries ("País", "Country") says they are countries.

    Nothing in such a fragment says its rows are countries, and in reports on Latin America a run of
    far-away countries with figures is a table of places named after them: UNODC's eradication points in
    Colombia, in a table split from its header ("Ecuador 12,4 12,4 Jordán 8,0 8,0 Mali 30,2 30,2 Malta
    5,5 5,5", "Afganistán 17,1 17,3 Guaviare Birmania 4,4 4,4"), where Ecuador is a point too. A table
    with a header or prose around it keeps its countries ("Tax revenue as a share of GDP: ... Kenya 19.6
    Norway 25.4"), and so does a bare one mostly of countries of the Americas ("Colombia 12,1 Perú 8,4
    Bolivia 3,2"), where the field's own tables are."""
    rows = [span for span in countries if is_row_label(doc, span.end)]
    if len(rows) < 2 or not is_bare_table(doc) or any(t.lower_ in _COUNTRY_HEADERS for t in doc):
        return []
    americas = lexicon.americas()
    far = [span for span in rows if not set(span.kb_id_.split(",")) & americas]
    return rows if 2 * len(far) > len(rows) else []
