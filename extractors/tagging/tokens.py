"""Small token helpers shared by the guards: neighbours across line breaks, figures, years."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

# "40,6", "1.207,38", "22,1%", "9.9": a figure in a table cell.
_FIGURE = re.compile(r"^\d[\d.,]*%?$")
_YEAR = re.compile(r"^(1[5-9]|20)\d\d[a-z]?$")


def word_set(text: str) -> frozenset[str]:
    """The words of a word list written as one string: "mr mrs dr" -> {"mr", "mrs", "dr"}."""
    return frozenset(text.split())


def token_before(doc: Doc, i: int, skip: frozenset[str] = frozenset()) -> Token | None:
    """The token before doc[i], skipping line breaks (PDF text breaks lines anywhere: "in\\nSpanish") and
    the texts in `skip`."""
    j = i - 1
    while j >= 0 and (doc[j].is_space or doc[j].text in skip):
        j -= 1
    return doc[j] if j >= 0 else None


def token_after(doc: Doc, i: int, skip: frozenset[str] = frozenset()) -> Token | None:
    """The token after doc[i], skipping line breaks and the texts in `skip`."""
    j = i + 1
    while j < len(doc) and (doc[j].is_space or doc[j].text in skip):
        j += 1
    return doc[j] if j < len(doc) else None


def is_figure(token: Token | None) -> bool:
    """A number as tables print them ('40,6', '22,1%', '1.207,38')."""
    return token is not None and bool(_FIGURE.match(token.text))


def is_year(token: Token | None) -> bool:
    """'1986', '2015a' (a citation's year)."""
    return token is not None and bool(_YEAR.match(token.text))
