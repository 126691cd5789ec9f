"""Turn whatever a user types into a safe full-text query: words and quoted phrases, never syntax.

Every term is a run of letters or digits; quotes group words into a phrase, and so does punctuation inside
a word as typed ("U.S." is the phrase "u s"); a trailing `*` on a word asks for a prefix match. Operators,
brackets, stray quotes and punctuation are dropped, so no input is ever an error. Terms are ANDed.

Both stores match words by their stem in the passage's language only, accents folded first and stop
words kept, so "homicides" finds "homicide", "cultivo" finds "cultivos", "policia" finds "policía" and
"the" is a word like any other: SQLite with the Snowball stemmers of PyStemmer applied here to the indexed
text (`search_words`, run by the FTS triggers) and to each query word (`to_fts5`), PostgreSQL with the
text-search configurations of migration 0005 (its own Snowball stemmers, without stop words, after the
unaccent extension when the server has it). PostgreSQL's Spanish stemmer is older: it takes "-ación" off
only with its accent, so after folding "erradicación" keeps its whole word there, and finds fewer forms.
A prefix is matched against the words as written, not their stems ("eradicat*" finds "eradication", whose
stem is "erad"): SQLite's index keeps the folded words too, PostgreSQL a second tsvector in the simple
configuration, accents folded when the server has the unaccent extension.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import Stemmer

_WORD = re.compile(r"[^\W_]+(\*)?")
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"?|([^\s"]+)')
# Typed in capitals these read as boolean operators; we AND every term, so they are dropped.
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


@dataclass(frozen=True)
class Term:
    """One search term: a word, a phrase (several words in order), or a word prefix.

    `typed` is the term as the user typed it, for PostgreSQL's own parser to read (phraseto_tsquery): it
    makes one token of "U.S." ('u.s') where `words` has two, as it does in the passages it indexes.
    """

    words: tuple[str, ...]
    prefix: bool = False
    typed: str = ""


def parse_search(text: str) -> list[Term]:
    """The terms of a user's search text; an empty list when it holds no letters or digits."""
    terms: list[Term] = []
    # NUL is no character a database accepts in a string, nor part of any word.
    for match in _PHRASE_OR_WORD.finditer(unicodedata.normalize("NFC", text or "").replace("\x00", " ")):
        phrase, bare = match.group(1), match.group(2)
        if phrase is not None:
            words = tuple(w.group(0).rstrip("*").lower() for w in _WORD.finditer(phrase))
            if words:
                terms.append(Term(words, typed=phrase))
            continue
        if bare in _OPERATORS:
            continue
        found = list(_WORD.finditer(bare))
        if len(found) > 1 and not any(word.group(1) for word in found):
            # One typed word with punctuation inside ("U.S.", "narco-trafficking"): its words in order.
            terms.append(Term(tuple(word.group(0).lower() for word in found), typed=bare))
            continue
        for word in found:
            typed = word.group(0).rstrip("*")
            terms.append(Term((typed.lower(),), prefix=bool(word.group(1)), typed=typed))
    return list(dict.fromkeys(terms))


# The languages whose passages are indexed by stem, as PostgreSQL's configurations of the same names do;
# passages in any other language (or none) are indexed by their plain words ("simple").
STEMMED = {"en": "english", "es": "spanish", "pt": "portuguese"}
_TOKEN = re.compile(r"[^\W_]+")


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    import Stemmer

    return Stemmer.Stemmer(language)


def _fold(text: str) -> str:
    """Lower case without accents: "Policía" -> "policia" (stemmed after folding, on both sides)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stems(words: list[str], lang: str | None) -> list[str]:
    """Folded words, stemmed when `lang` is one of STEMMED."""
    folded = [_fold(w) for w in words]
    config = STEMMED.get(lang or "")
    return _stemmer(config).stemWords(folded) if config else folded


def search_words(text: str | None, lang: str | None) -> str:
    """What SQLite's full-text index holds for a passage: its words folded and stemmed in its language
    (lang None: folded only)."""
    return " ".join(stems(_TOKEN.findall(unicodedata.normalize("NFC", text or "")), lang))


def to_fts5(terms: list[Term], lang: str | None = None) -> str:
    """An FTS5 MATCH expression over the index of migration 0003 (columns `lang`: en, es, pt or other;
    `words`: search_words; `plain`: the same words unstemmed, for prefix terms). Every word is
    double-quoted, so none can be read as an operator. A passage matches when all terms, stemmed in its
    language, are in its words: with `lang` known, one group for that language; otherwise one group per
    language, ORed (PostgreSQL does the same, corpus.passage_sql._pg_search)."""
    languages: list[str | None] = [lang] if lang is not None else [*STEMMED, None]
    groups = []
    for language in languages:
        parts = []
        for term in terms:
            # A prefix is matched against the unstemmed words: the stem of "eradication" is "erad".
            words = stems(list(term.words), None if term.prefix else language)
            quoted = '"' + " ".join(words).replace('"', '""') + '"'
            parts.append(f"plain : {quoted}*" if term.prefix else f"words : {quoted}")
        group = language if language in STEMMED else "other"
        groups.append(f'(lang : "{group}" AND ' + " AND ".join(parts) + ")")
    return " OR ".join(dict.fromkeys(groups))


def to_tsquery_text(term: Term) -> str:
    """A to_tsquery() operand for a prefix term: its word and `:*`. (Words and phrases go to
    phraseto_tsquery as typed, so PostgreSQL splits them into words as it split the passages.)

    Words are letters and digits only, so they carry no tsquery syntax.
    """
    body = " <-> ".join(term.words)
    return body + (":*" if term.prefix else "")
