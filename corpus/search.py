"""Turn whatever a user types into a safe full-text query: words and quoted phrases, never syntax.

Every term is a run of letters or digits; quotes group words into a phrase; a trailing `*` on a word
asks for a prefix match. Operators, brackets, stray quotes and punctuation are dropped, so no input
is ever an error. Terms are ANDed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(\*)?")
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"?|([^\s"]+)')
# Typed in capitals these read as boolean operators; we AND every term, so they are dropped.
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


@dataclass(frozen=True)
class Term:
    """One search term: a word, a phrase (several words in order), or a word prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_search(text: str) -> list[Term]:
    """The terms of a user's search text; an empty list when it holds no letters or digits."""
    terms: list[Term] = []
    for match in _PHRASE_OR_WORD.finditer(unicodedata.normalize("NFC", text or "")):
        phrase, bare = match.group(1), match.group(2)
        if phrase is not None:
            words = tuple(w.group(0).rstrip("*").lower() for w in _WORD.finditer(phrase))
            if words:
                terms.append(Term(words))
            continue
        if bare in _OPERATORS:
            continue
        for word in _WORD.finditer(bare):
            terms.append(Term((word.group(0).rstrip("*").lower(),), prefix=bool(word.group(1))))
    return list(dict.fromkeys(terms))


def to_fts5(terms: list[Term]) -> str:
    """An FTS5 MATCH expression; every word is double-quoted, so none can be read as an operator."""
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def to_tsquery_text(term: Term) -> str:
    """A to_tsquery() operand for one term: words joined with <-> (phrase), `:*` for a prefix.

    Words are letters and digits only, so they carry no tsquery syntax.
    """
    body = " <-> ".join(term.words)
    return body + (":*" if term.prefix else "")
