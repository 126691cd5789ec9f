"""Is a stretch of text about security? The test that keeps a generically named programme found by the cue
rules ("Plan de Fomento Frutícola" is not citsec's business; "Plan Cuadrante de Seguridad Preventiva" is).

citsec's programs are about security, crime, violence, drugs, policing, prisons, justice and the youth at
risk of them: the words are extractors.security_terms', read here token by token in a spaCy Doc.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from extractors.security_terms import NAME_ONLY, NAMED_OBJECT_STEMS, fold, other_senses, security_word


def is_security_token(token: Token) -> bool:
    """Does this token speak of security ('policía', 'homicides', 'narcotráfico', 'paz')?"""
    if not token.is_alpha:
        return False
    doc, i = token.doc, token.i + 1
    if i < len(doc) and doc[i].text == "-":  # 'at-risk' is tokenized 'at', '-', 'risk'
        i += 1
    nxt = fold(doc[i].text) if i < len(doc) else ""
    after = fold(doc[i + 1].text) if i + 1 < len(doc) else ""
    before = fold(doc[token.i - 1].text) if token.i else ""
    return security_word(fold(token.text), nxt, after, before)


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
    on "Plan Colombia"'). A word around the name in the sense the name gives it does not: "erradicar" next
    to an "Estrategia Nacional para Campamentos" clears settlements (security_terms.NAMED_OBJECT_STEMS)."""
    if any(is_security_token(t) for t in doc[start:end]):
        return True
    sent = doc[start].sent
    first = doc[sent.start - 1].sent.start if sent.start > 0 and sentence_before else sent.start
    lo, hi = max(first, start - window), min(sent.end, end + window)
    if any(lo <= span.start and span.end <= hi for span in known):
        return True
    named = {fold(t.text) for t in doc[start:end]}

    def speaks_of_security(token: Token) -> bool:
        if token.lower_ in NAME_ONLY or not is_security_token(token):
            return False
        word = fold(token.text)
        return not (word.startswith(NAMED_OBJECT_STEMS) and other_senses(word) & named)

    return any(speaks_of_security(doc[i]) for i in (*range(lo, start), *range(end, hi)))
