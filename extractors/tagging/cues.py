"""Rules that find programs missing from the gazetteer, from cue words around capitalized names.

    prefix cue + name      "Plan Niñez Segura", "Operación Escudo", "Lei Maria da Penha"
    name + suffix cue      "Dignity Plan", "Caribbean Basin Security Initiative", "Patriot Act"
    lower-case cue + name  "el programa “Quiero Mi Barrio”", "operation Fast and Furious" (name only)
    law numbers            "Ley 1448 de 2011", "Leyes 20.393 y 19.913", "Lei nº 11.343"
    naming verb + quote    "lo que hemos denominado “seguridad con garantías”"

The rules return token ranges; they never look past a sentence and insist on at least one capitalized,
non-generic word, so "Plan de trabajo" or "National Plan" stay silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from extractors.tagging.tokens import word_set

PREFIX_CUES = word_set(
    """
    plan plano programa operación operacion operativo operação operacao operation iniciativa ley lei
    proyecto projeto política politica estrategia estratégia pacto modelo campaña campanha
    """
)
SUFFIX_CUES = word_set("initiative plan program programme strategy act law pact accord framework compact")
LOWER_CUES = word_set(
    """
    programa program programme plan plano operación operation operativo operação estrategia
    estratégia strategy iniciativa initiative campaña campanha campaign política policy proyecto
    projeto project
    """
)
LAW_CUES = word_set("ley leyes lei leis law laws")
# Cues that name their own field: police and military operations. Every other cue ("plan", "programa",
# "strategy") and every law ("Ley de Pesca", "Banking Act") can belong to any field, so its name must be
# about security (see topic.py).
OPERATION_CUES = word_set("operación operacion operativo operação operacao operation")
# What an operation is by, or of which kind, when these follow its cue: "Operação da Polícia Federal",
# "Operação Policial", "Operación Militar", "Operation of the Army" say who ran an operation, not its name.
_OPERATION_BY = word_set(
    """
    polícia policia policía police policial policiais policiales pm pf pc prf bope sedena semar militar
    militares military army exército exercito ejército ejercito navy marinha marina armada fuerza fuerzas
    força forças forces force especial special federal nacional national municipal estadual estatal state
    civil rodoviária rodoviaria guardia guarda guard antidrogas antidrug antinarcóticos antinarcoticos
    antinarcotics
    """
)
# Right after an operation's cue, "of"/"by" (with an article or not) says whose it is: "Operação da Força
# Nacional", "Operativo de la Sedena", "Operation of the Army"; a named one goes on with its name.
_OPERATION_OF = word_set("da do das dos de del of by")
# Where an operation ran, after its cue and name: "Operación Militar en Michoacán".
_WHERE = word_set("en em in no na nos nas")
# Prefix cues that are also adjectives: after a capitalized noun they describe it ("Comité Operativo").
_ADJECTIVE_CUES = word_set("operativo")

# Lower-case words allowed inside a name between capitalized words ("Ley de Justicia y Paz").
CONNECTORS = word_set(
    """
    de del la las los el y e da do das dos of the and for para por pela pelo en em a à contra
    against on con com
    """
)
# Capitalized words that alone do not make a name ("Plan Nacional", "National Strategy").
GENERIC = word_set(
    """
    nacional national integral general regional federal estatal municipal local especial special
    estratégico estratégica estrategico strategic action acción ação maestro master anual annual
    global comprehensive new nuevo nueva novo nova current actual sectorial operativo operational
    conjunto joint i ii iii iv v estado república republica gobierno governo government state
    económico económica economic social multi year years multiyear plurianual multianual bienal trienal
    cuatrienal quinquenal decenal biennial two three four five ten twenty
    """
)
# Words that end a name: months (table headers, datelines) and the posts people hold ("Director of the ...").
_STOPS = word_set(
    """
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
    janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro january
    february march april june july august september october november december director directora head
    chief minister ministro ministra president presidente secretary secretario secretária coordinator
    coordinador member resultado resultados objetivo objetivos meta metas indicador indicadores fuente
    """
)
_COORDINATORS = word_set("y e and de del da do of")
# Words by which a name goes on past its last cue word ("Law and Economics Review", "Plan of Action").
_CONTINUATIONS = _COORDINATORS | word_set("for para")
ARTICLES = word_set("the el la los las o a os as")
# "Operação Verão e o programa ...": after "e"/"y", an article starts a new phrase, not a description.
_DETERMINERS = ARTICLES | word_set("un una uno um uma an this that este esta esse essa")
_NAMING = word_set(
    """
    denominado denominada denominados llamado llamada llamados conocido conocida conocidos bautizado
    bautizada chamado chamada conhecido conhecida called dubbed named so-called
    """
)
_POLICY_WORDS = word_set(
    """
    seguridad security segurança seguranca paz peace plan plano programa program programme política
    policy estrategia strategy estratégia operación operation operação iniciativa initiative
    justicia justice justiça ley law lei prevención prevention prevenção mano dura
    tolerancia tolerance tolerância
    """
)
_OPEN_QUOTES = frozenset(['"', "“", "«", "'", "‘", "„"])
_CLOSE_QUOTES = frozenset(['"', "”", "»", "'", "’", "“"])
_INSIDE_QUOTES = frozenset([",", ".", ";", ":", "!", "?"])  # what US style sets before a closing quote
# A law's number: "1448", "11.343", "20.000" (thousands), "30-2019"; "54.39" is a figure in a table.
_LAW_NUMBER = re.compile(r"^(\d+|\d{1,3}([.,]\d{3})+)(-\d+)?$")
_NUMBER_MARKS = word_set("n no no. n° nº n.º número number nr. nr núm. núm")
# Words a title-case headline leaves in lower case ("Venezuela Announces Plan to Combat Kidnapping").
_HEADLINE_SMALL = (
    CONNECTORS
    | ARTICLES
    | word_set("an as at by from in into not of off on or per so than to up via vs with")
)
MAX_NAME_TOKENS = 12
MAX_QUOTE_TOKENS = 8


def _is_cap(token: Token) -> bool:
    """A capitalized word that may be part of a name (not a bare connector, not punctuation)."""
    # Single letters are initials or pieces of "U-turn", not names.
    return (
        token.is_alpha
        and len(token) > 1
        and token.text[0].isupper()
        and token.lower_ not in CONNECTORS
        and token.lower_ not in _STOPS
    )


def _meaningful(tokens: list[Token]) -> bool:
    return any(_is_cap(t) and t.lower_ not in GENERIC for t in tokens)


def _scan_forward(doc: Doc, start: int, leading_connectors: bool = False) -> int:
    """End (exclusive) of the capitalized name starting at `start`, or `start` when there is none.
    With `leading_connectors` the name may open with connectors ("[Ley] de Justicia y Paz")."""
    end = start
    i = start
    limit = min(len(doc), start + MAX_NAME_TOKENS)
    while i < limit:
        token = doc[i]
        if i > start and token.is_sent_start:
            break
        if i > start and token.lower_ in PREFIX_CUES:
            break  # "Plan Colombia y Plan Patriota" are two names
        if _is_cap(token):
            # An upper-case code glued to a slash is a project number ("COL/K53"), not a name.
            if token.is_upper and i + 1 < len(doc) and doc[i + 1].text.startswith("/"):
                break
            i += 1
            end = i
        elif (i > start or (leading_connectors and token.lower_ not in ("y", "e", "and"))) and (
            token.lower_ in CONNECTORS
            or (token.text == "-" and i + 1 < len(doc) and _dash_goes_on(doc[i + 1]))
        ):
            i += 1
        else:
            break
    return end


def _dash_goes_on(token: Token) -> bool:
    """Does a name go on after a dash with `token`? Not with an acronym: "Operación Tormenta del Norte - OTN"
    glosses the name with its acronym."""
    return _is_cap(token) and not token.is_upper


def _truncated(doc: Doc, end: int) -> bool:
    """'Programa de Mejoramiento y adaptación de Viviendas': a capitalized run that continues with a connector
    and a lower-case word is the start of a description, not a proper name."""
    if end + 1 >= len(doc):
        return False
    connector, word = doc[end], doc[end + 1]
    return (
        connector.lower_ in _COORDINATORS
        and word.is_alpha
        and word.is_lower
        and word.lower_ not in CONNECTORS
        and word.lower_ not in _DETERMINERS
    )


def _scan_backward(doc: Doc, end: int) -> int:
    """Start of the capitalized name ending just before `end` (exclusive), or `end` when there is none."""
    start = end
    i = end - 1
    floor = max(0, end - MAX_NAME_TOKENS)
    while i >= floor:
        token = doc[i]
        if token.lower_ in SUFFIX_CUES:
            break  # "the Patriot Act and the Controlled Substances Act" are two names
        if _is_cap(token) or (token.lower_ in CONNECTORS and i < end - 1):
            i -= 1
            if _is_cap(token):
                start = i + 1
            if token.is_sent_start:
                break
        elif token.text == "-" and i < end - 1 and i > 0 and _is_cap(doc[i - 1]):
            i -= 1
        else:
            break
    while start < end and (doc[start].lower_ in ARTICLES or doc[start].lower_ in CONNECTORS):
        start += 1
    return start


def _quoted(doc: Doc, open_index: int) -> tuple[int, int] | None:
    """Token range inside the quote opened at `open_index`, if it closes within a few tokens."""
    if doc[open_index].text not in _OPEN_QUOTES:
        return None
    limit = min(len(doc), open_index + 2 + MAX_QUOTE_TOKENS)
    for j in range(open_index + 1, limit):
        if doc[j].text in _CLOSE_QUOTES:
            end = j
            while end > open_index + 1 and doc[end - 1].is_punct:
                end -= 1  # "drugs war," keeps its comma inside the quotes in US style
            return (open_index + 1, end) if end > open_index + 1 else None
        if doc[j].is_sent_start and j > open_index + 1:
            return None
    return None


def prefix_rule(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """'Plan Niñez Segura': a capitalized cue mid-name followed by a capitalized name."""
    if not cue.text[0].isupper():
        return None
    if cue.lower_ in LAW_CUES and cue.lower_ in ("law", "laws"):
        return None  # "Law Enforcement": English laws name themselves with a suffix ("Kingpin Act").
    if cue.is_upper and len(cue) > 1:
        return None  # In an all-caps heading the name's end cannot be told from the text after it.
    if cue.lower_ in ("modelo", "model") and (
        cue.i + 1 >= len(doc) or doc[cue.i + 1].lower_ not in CONNECTORS
    ):
        return None  # "Modelo de Prevención del Delito" is a named model; "Modelo Lineal" is statistics.
    if cue.lower_ in _ADJECTIVE_CUES and cue.i > 0 and _is_cap(doc[cue.i - 1]) and not cue.is_sent_start:
        return None  # "Comité Operativo del Componente": an operational committee, not an operation
    end = _scan_forward(doc, cue.i + 1, leading_connectors=True)
    if end == cue.i + 1 or not _meaningful(list(doc[cue.i + 1 : end])) or _truncated(doc, end):
        return None
    return cue.i, end


def suffix_rule(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """'Dignity Plan': a capitalized name ending with a capitalized cue."""
    if not cue.text[0].isupper() or cue.is_upper and len(cue) > 1:
        return None
    start = _scan_backward(doc, cue.i)
    if start == cue.i or not _meaningful(list(doc[start : cue.i])):
        return None
    return start, cue.i + 1


def lower_cue_rule(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """'el programa “Quiero Mi Barrio”' / 'operation Fast and Furious': the name after a lower-case cue."""
    if not cue.text.islower() or cue.i + 1 >= len(doc):
        return None
    quoted = _quoted(doc, cue.i + 1)
    if quoted is not None:
        inside = list(doc[quoted[0] : quoted[1]])
        return quoted if any(_is_cap(t) for t in inside) else None
    if not _is_cap(doc[cue.i + 1]):
        return None
    end = _scan_forward(doc, cue.i + 1)
    if end == cue.i + 1 or not _meaningful(list(doc[cue.i + 1 : end])):
        return None
    return cue.i + 1, end


def law_number_rule(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """'Ley 1448 de 2011', 'Leyes 20.393 y 19.913', 'Lei nº 11.343', 'Law 975'."""
    i = cue.i + 1
    while i < len(doc) and (
        doc[i].lower_ in _NUMBER_MARKS
        or (doc[i].text in ("°", "º", ".") and doc[i - 1].lower_ in ("n", "no"))
    ):
        i += 1
    if i >= len(doc) or not _LAW_NUMBER.match(doc[i].text):
        return None
    end = i + 1
    while (
        end + 1 < len(doc)
        and doc[end].lower_ in ("y", "e", "and", ",")
        and _LAW_NUMBER.match(doc[end + 1].text)
    ):
        end += 2
    if (
        end + 1 < len(doc)
        and doc[end].lower_ in ("de", "of")
        and re.match(r"^(19|20)\d\d$", doc[end + 1].text)
    ):
        end += 2
    return cue.i, end


def _closes_a_quote(quote: Token) -> bool:
    """Straight quotes open and close alike: one with an odd number of its kind before it in the sentence
    closes a quote ('So-called "aggressors" have been killed by security forces during "confrontations"')."""
    sent_start = quote.sent.start
    return sum(1 for t in quote.doc[sent_start : quote.i] if t.text == quote.text) % 2 == 1


def quoted_name_rule(doc: Doc, quote: Token) -> tuple[int, int] | None:
    """'hemos denominado “seguridad con garantías”': a quoted policy phrase after a naming word."""
    if quote.text in ('"', "'") and _closes_a_quote(quote):
        return None
    window = doc[max(0, quote.i - 3) : quote.i]
    if not any(t.lower_ in _NAMING for t in window) and not (
        len(window) >= 2
        and window[-2].lower_ in ("known", "conocido", "conocida", "conhecido")
        and window[-1].lower_ in ("as", "como")
    ):
        return None
    quoted = _quoted(doc, quote.i)
    if quoted is None:
        return None
    words = {t.lower_ for t in doc[quoted[0] : quoted[1]]}
    return quoted if words & _POLICY_WORDS else None


def in_headline(doc: Doc, start: int, end: int, names: Iterable[tuple[int, int]] = ()) -> bool:
    """Is doc[start:end] in a title-case sentence ('Mexico Security Plan May Not Matter')? There every word
    is capitalized, so capitals cannot tell where a name ends. A headline has a capitalized word besides the
    name, the other `names` found and its first word, and no lower-case word but the small ones headlines
    keep; so "the Patriot Act and the Controlled Substances Act" and "El Plan Cuadrante." are no headlines."""
    inside = {i for a, b in (*names, (start, end)) for i in range(a, b)}
    capitalized = 0
    line = _line_of(doc, start)
    for token in line:
        if not token.is_alpha or token.i in inside or token.is_sent_start or token.i == line.start:
            continue
        if token.text[0].isupper():
            capitalized += 1
        elif token.lower_ not in _HEADLINE_SMALL:
            return False
    return capitalized > 0


def names_its_runner(doc: Doc, cue: int, end: int) -> bool:
    """Is the capitalized run after an operation cue (doc[cue + 1:end]) only who ran it or its kind, with
    no name of its own: every word past the connectors one of _OPERATION_BY ("Operação da Polícia
    Federal"; "Operación Conjunta Chihuahua" has a name)?"""
    if cue + 1 < end and doc[cue + 1].lower_ in _OPERATION_OF:
        return True
    words = []
    for token in doc[cue + 1 : end]:
        if token.lower_ in _WHERE:
            break  # "Operación Militar en Michoacán": where it ran, not its name
        if token.is_alpha and token.lower_ not in CONNECTORS:
            words.append(token)
    return bool(words) and all(t.lower_ in _OPERATION_BY for t in words)


def _line_of(doc: Doc, i: int) -> Span:
    """Token i's sentence, or, in English, when token i is on the text's first line and a line break ends
    that line, the part of its sentence on that line: an article's headline stands on a line of its own,
    and the sentencizer does not always end a sentence at the line break after it ("Plan Struggling to
    Reduce Insecurity" then read on into the article's first, lower-case sentence). English headlines are
    written in title case; Spanish and Portuguese ones are not, and there a line of capitals and small
    words is a PDF cover's ("Dirección del Programa contra Cultivos Ilícitos - DPCI"), as it is further
    down any text."""
    sent = doc[i].sent
    if doc.lang_ != "en":
        return sent
    first_break = next((t.i for t in doc if "\n" in t.text or "\n" in t.whitespace_), None)
    if first_break is None or first_break < i:
        return sent
    line_end = first_break if "\n" in doc[first_break].text else first_break + 1
    return doc[sent.start : min(sent.end, line_end)]


# Verbs of English news headlines, as headlines put them (present tense, third person), and the
# prepositions headlines lead with: a title-case "name" holding one after its first word is a headline
# read whole ("Central America Edges Towards Joint Security Strategy", "Guatemala Announces Heroin Poppy
# Crop Substitution Program"). Program names hold no such verb.
HEADLINE_VERBS = word_set(
    """
    announces provides implements edges launches unveils approves adopts signs seeks targets faces takes
    gets makes reveals fails pushes moves steps calls says marks sets offers gives hits backs boosts expands
    extends renews ends scraps rejects proposes considers debates vows promises weighs eyes mulls revives
    bans cuts creates opens closes begins starts stalls falters struggles threatens warns towards toward amid
    """
)


def has_headline_verb(doc: Doc, start: int, end: int) -> bool:
    """Does the capitalized run doc[start:end] hold a headline's verb (HEADLINE_VERBS) after its first
    word?"""
    return any(t.lower_ in HEADLINE_VERBS and t.text[0].isupper() for t in doc[start + 1 : end])


def name_goes_on(doc: Doc, cue: Token) -> bool:
    """'Journal of Criminal Law and Criminology', 'American Law and Economics Review': a capitalized name that
    goes on past a suffix cue with 'and'/'of' and more capitals, not ending in another cue, is a longer name
    (a journal, a book title) that merely contains the cue word."""
    i = cue.i + 1
    if i + 1 >= len(doc) or doc[i].lower_ not in _CONTINUATIONS or not _is_cap(doc[i + 1]):
        return False
    end = _scan_forward(doc, i + 1)
    return doc[end - 1].lower_ not in SUFFIX_CUES


# Words by which a title-case name written in lower case is still a name: "the mano dura policy".
_POLICY_HEADS = (
    LOWER_CUES
    | SUFFIX_CUES
    | word_set(
        """
    policies strategies plans programs programmes approach approaches políticas estrategias planes
    programas planos estratégias
    """
    )
)


def marked_as_name(span: Span) -> bool:
    """Is doc[span] in quotes, or used as a name right next to a policy word ('the mano dura policy', 'el plan
    mano dura')? After 'de'/'of' it describes a kind of policy instead ('una política de mano dura')."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    closing = after
    if after is not None and after.text in _INSIDE_QUOTES and span.end + 1 < len(doc):
        closing = doc[span.end + 1]  # '"mano dura," or ...': US style keeps the comma inside the quotes
    if (
        before is not None
        and closing is not None
        and before.text in _OPEN_QUOTES
        and closing.text in _CLOSE_QUOTES
    ):
        return True
    if after is not None and after.lower_ in _POLICY_HEADS:
        return True
    return before is not None and before.lower_ in _POLICY_HEADS


def follows_a_name(doc: Doc, cue: Token, known_ends: set[int]) -> bool:
    """Does the lower-case cue close a name before it ('the "mano dura" (iron fist) strategy', 'the Mano Dura
    strategy'), a parenthesised gloss between? Then it heads that name, not the capitalized word after it."""
    j = cue.i - 1
    if j >= 0 and doc[j].text == ")":
        k = j - 1
        while k > max(0, j - MAX_QUOTE_TOKENS) and doc[k].text != "(":
            k -= 1
        if doc[k].text == "(":
            j = k - 1
    if j < 0:
        return False
    before = doc[j]
    if j + 1 in known_ends:
        return True
    if before.text in ('"', "'"):
        return _closes_a_quote(before)
    return before.text in _CLOSE_QUOTES and before.text not in _OPEN_QUOTES


class Candidate(NamedTuple):
    """A program name found by a rule: doc[start:end], the cue token's index and the rule's name."""

    start: int
    end: int
    cue: int
    rule: str


CUE_WORDS = PREFIX_CUES | SUFFIX_CUES | LOWER_CUES | LAW_CUES | _OPEN_QUOTES


def find_unknown_programs(doc: Doc, cue_indices: Iterable[int]) -> Iterator[Candidate]:
    """Program names found by the cue rules at the given cue tokens (may overlap; the caller resolves). The
    caller finds cue tokens with a matcher so that no Python loop runs over every token."""
    for index in cue_indices:
        token = doc[index]
        lower = token.lower_
        rules = (
            ("law_number", law_number_rule, lower in LAW_CUES),
            ("prefix", prefix_rule, lower in PREFIX_CUES),
            ("suffix", suffix_rule, lower in SUFFIX_CUES),
            ("lower_cue", lower_cue_rule, lower in LOWER_CUES),
            ("quoted_name", quoted_name_rule, token.text in _OPEN_QUOTES),
        )
        for name, rule, applies in rules:
            found = rule(doc, token) if applies else None
            if found:
                yield Candidate(found[0], found[1], index, name)
                break
