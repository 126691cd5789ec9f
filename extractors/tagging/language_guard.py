"""The language guard: "in Spanish", "Portuguese-speaking", "en español", "translations from the
Portuguese", "English and Spanish" name a language, not a country (one of the false-hit guards of
extractors.tagging.guards)."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from extractors.tagging.tokens import token_after, token_before, word_set

_LANGUAGE_PREV = word_set(
    """
    in into en em al ao speak speaks spoke speaking habla hablan hablar hable hablen fala falam falar
    fale falem idioma lengua língua translated traducido traducida traduzido traduzida
    """
)
_LANGUAGE_NEXT = word_set(
    """
    language languages speakers speaking translation version versión versão idioma lengua língua
    text texto original subtitles for word words term acronym initials name para palabra palabras término
    sigla siglas palavra palavras termo conjugation conjugations grammar grammatical verb verbs noun nouns
    spelling syntax vocabulary dictionary pronunciation dialect dialects linguistic stemming stemmer corpus
    corpora sentence sentences lessons classes course courses literacy fluency
    """
)
# Language names that are no country word: "English and Spanish" lists languages.
_LANGUAGE_ONLY = word_set("english inglés ingles inglês latin latín latim")
_TRANSLATION = word_set(
    """
    translation translations translated traducción traducciones traducido traducida tradução traduções
    traduzido traduzida
    """
)
_FROM = word_set("from the de del do da o el")
# "from Spanish into English": a translation's target language follows.
_INTO = word_set("into to al a para em")
_COORDINATORS = frozenset({",", "and", "or", "y", "e", "o", "ou"})
LANGUAGE_WORDS = word_set(
    """
    spanish english french portuguese german italian dutch chinese japanese russian turkish greek
    swedish danish polish czech finnish thai vietnamese español francés portugués alemán italiano
    inglés ruso chino japonés turco griego espanhol francês português alemão inglês russo chinês
    japonês
    """
)


def _language_list(span: Span) -> list[Token]:
    """The coordinated language words this one stands in: 'Portuguese, Italian or French'."""
    doc = span.doc
    members = [span[0]]
    while True:
        link = token_before(doc, members[0].i)
        word = token_before(doc, link.i) if link is not None and link.lower_ in _COORDINATORS else None
        if word is None or word.lower_ not in LANGUAGE_WORDS:
            break
        members.insert(0, word)
    while True:
        link = token_after(doc, members[-1].i)
        word = token_after(doc, link.i) if link is not None and link.lower_ in _COORDINATORS else None
        if word is None or word.lower_ not in LANGUAGE_WORDS:
            break
        members.append(word)
    return members


def _translated_from(doc: Doc, first: Token) -> bool:
    """'translations from the Portuguese', 'traducido del español'."""
    token: Token | None = first
    for _ in range(3):
        token = token_before(doc, token.i) if token is not None else None
        if token is None:
            return False
        if token.lower_ in _TRANSLATION:
            return True
        if token.lower_ not in _FROM:
            return False
    return False


def _noun_use(prev: Token | None, nxt: Token | None) -> bool:
    """English uses a nationality word as an adjective ('Spanish police'); standing alone before
    punctuation or a function word it is the language ('written in Spanish:', 'complexities of Spanish
    than'), or, after 'the', the people ('the Spanish conquered')."""
    if prev is not None and prev.lower_ == "the":
        return False
    if nxt is None:
        return True
    if nxt.lower_ in _COORDINATORS:
        after = token_after(nxt.doc, nxt.i)
        return after is None or not after.text[:1].isupper()  # "Spanish and Colombian police"
    if nxt.is_punct or nxt.is_space:
        return nxt.text not in ("-", "–")
    return nxt.is_alpha and nxt.is_stop and nxt.is_lower


def language_guard(span: Span) -> bool:
    """'in Spanish', 'Portuguese-speaking', 'en español', 'Spanish conjugation', 'translations from the
    Portuguese', 'English and Spanish' name a language, not a country; a list of languages reads alike."""
    doc = span.doc
    members = _language_list(span)
    first, last = members[0], members[-1]
    prev, nxt = token_before(doc, first.i), token_after(doc, last.i)
    if prev is not None and prev.lower_ in _LANGUAGE_PREV:
        return False
    # A partner that only names a language ("English and Spanish"); the word itself may still be a demonym
    # ("el sistema inglés").
    partners = [m for m in members if m.i != span.start]
    if _translated_from(doc, first) or any(m.lower_ in _LANGUAGE_ONLY for m in partners):
        return False
    if nxt is not None:
        if nxt.lower_ in _LANGUAGE_NEXT:
            return False
        after = token_after(doc, nxt.i)
        if nxt.text == "-" and after is not None and after.lower_ in _LANGUAGE_NEXT:
            return False
        if nxt.lower_ in _INTO and after is not None and after.lower_ in LANGUAGE_WORDS:
            return False
    return not (doc.lang_ == "en" and _noun_use(prev, nxt))
