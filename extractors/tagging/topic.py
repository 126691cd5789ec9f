"""Is a stretch of text about security? The test that keeps a generically named programme found by the cue
rules ("Plan de Fomento Frutícola" is not citsec's business; "Plan Cuadrante de Seguridad Preventiva" is).

citsec's programs are about security, crime, violence, drugs, policing, prisons, justice and the youth at
risk of them. A word counts when it starts with one of the stems below (accents and case folded), unless
the word after it turns it into another field ("seguridad social", "food security").
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from extractors.tagging.lexicon import strip_accents


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Stems, accent-free and lower case: "segur" covers seguridad/segurança/seguro, "polici" policía/policial.
_STEM_WORDS = _words(
    """
    segur insegur secur safe crim delit delict delinc violen homicid femicid feminicid asesin assassin
    murder kill sicari polici police policing carabiner gendarm militar military ejercito exercito army
    armed armad weapon firearm disarm municion munition ammunition tirote balacer shooting drog drug
    narco estupefac cocain marihuan marijuan maconh cannabis heroin opio opium amapola poppy psicoactiv
    psychoactiv prision prison prisao prisoes carcel carcer penitenci presidio reclus encarcel incarcer
    inmate detention detencion reincid recidiv reinser reinteg justic judici fiscalia prosecut victim
    vitim terror guerrill insurg paramilit pandill gang mafia cartel secuestr sequestr kidnap extors
    trafic traffick contraband lavado launder lavagem corrup impun brib soborn suborn pacificac pacificad
    pacification fronteriz border convivenc punit penal ilicit illicit ilegal illegal arrest captur fugitiv
    profug extradi migra inmigra immigra imigra fraud probid conden convict
    """
)
SECURITY_STEMS = tuple(sorted(_STEM_WORDS))  # str.startswith takes a tuple
# Whole words only: short or common stems that would catch unrelated words as prefixes.
SECURITY_WORDS = _words(
    """
    paz peace arma armas arms gun guns coca maras mara defensa defense defence defesa desarme desarmamento
    juez jueces juiz juizes juiza juizas judge judges
    """
)
# Word pairs that also count: "at risk" (youth at risk), "public order".
SECURITY_PAIRS = frozenset(
    {
        ("at", "risk"),
        ("en", "riesgo"),
        ("em", "risco"),
        ("orden", "publico"),
        ("ordem", "publica"),
        ("public", "order"),
        ("ministerio", "publico"),  # the public prosecutor's office
    }
)
# After a security word these make it another field: social security, food security, legal certainty.
_OTHER_FIELD_NEXT = _words(
    """
    social sociales salud saude medico medica escolar alimentaria alimentar food energetica energetico
    energy hidrica hidrico water juridica juridico laboral ocupacional vial viaria informatica digital
    nuclear
    """
)
_NOT_ALONE = frozenset({"orden", "ordem", "at", "en", "em", "public"})  # only as the first of a pair
# Around a name "seguro"/"segura" is mostly insurance or certainty ("seguro escolar", "de forma segura");
# inside one it is safety ("Plan Niñez Segura", "Barrios Seguros").
_NAME_ONLY = _words("seguro seguros segura seguras")


def _fold(text: str) -> str:
    """'Policía' -> 'policia'."""
    return strip_accents(text.lower())


@lru_cache(maxsize=8192)
def _security_word(word: str) -> bool:
    if word in _NOT_ALONE:
        return False
    return word in SECURITY_WORDS or word.startswith(SECURITY_STEMS)


def is_security_token(token: Token) -> bool:
    """Does this token speak of security ('policía', 'homicides', 'narcotráfico', 'paz')?"""
    if not token.is_alpha:
        return False
    word = _fold(token.text)
    nxt = _next_word(token)
    if (word, nxt) in SECURITY_PAIRS:
        return True
    if not _security_word(word):
        return False
    return not (word.startswith(("segur", "secur", "safe")) and nxt in _OTHER_FIELD_NEXT) and not (
        word.startswith(("segur", "safe")) and nxt == "de" and _other_field_after_de(token)
    )


def _next_word(token: Token) -> str:
    """The next token folded, skipping a hyphen ('at-risk' is tokenized 'at', '-', 'risk')."""
    doc, i = token.doc, token.i + 1
    if i < len(doc) and doc[i].text == "-":
        i += 1
    return _fold(doc[i].text) if i < len(doc) else ""


def _other_field_after_de(token: Token) -> bool:
    """'seguro de salud', 'seguro de vida': insurance, not security."""
    doc = token.doc
    after = _fold(doc[token.i + 2].text) if token.i + 2 < len(doc) else ""
    return after in {"salud", "saude", "vida", "desempleo", "desemprego", "cesantia", "invalidez"}


def about_security(
    doc: Doc,
    start: int,
    end: int,
    window: int,
    known: Iterable[Span] = (),
    sentence_before: bool = True,
) -> bool:
    """Is the name doc[start:end] about security, or its immediate context: its sentence and (with
    `sentence_before`) the one before, at most `window` tokens either side (a table without full stops is
    one long 'sentence')? A `known` security programme there counts too ('a "Plan Central America" based
    on "Plan Colombia"')."""
    if any(is_security_token(t) for t in doc[start:end]):
        return True
    sent = doc[start].sent
    first = doc[sent.start - 1].sent.start if sent.start > 0 and sentence_before else sent.start
    lo, hi = max(first, start - window), min(sent.end, end + window)
    if any(lo <= span.start and span.end <= hi for span in known):
        return True
    return any(
        is_security_token(doc[i]) and doc[i].lower_ not in _NAME_ONLY
        for i in (*range(lo, start), *range(end, hi))
    )
