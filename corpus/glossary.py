"""Searching across languages: the field's terms in English, Spanish and Portuguese (glossary.tsv, written
for citsec), and the expansion of a parsed search into their equivalents.

A searched word or phrase is looked up by its stem in each of the three languages (so "eradications",
"erradicación" and "erradicação" all find the entry of eradication); every form of every entry found is
added to its clause as a term of its own language (Term.lang), which the stores match by stem in passages
of that language only (corpus.search.to_fts5, corpus.passage_sql). The term as typed stays as it was, so a
word the glossary does not hold matches exactly as without expansion. Unquoted words that together make a
glossary phrase (`money laundering`) are expanded as that phrase: each of their clauses also takes the
phrase's equivalents ("lavado de dinero"), rather than each word its own ("dinero"), so a passage matches
when it holds the typed words (anywhere, as before) or one of the phrase's equivalents. Prefixes (`word*`)
are not expanded: they ask for words as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from corpus.search import Search, Term, stems

GLOSSARY_FILE = Path(__file__).with_name("glossary.tsv")
LANGUAGES = ("en", "es", "pt")
# Terms past this many (typed and added) are not added: each is a phrase of the full-text query, and
# PostgreSQL's query nests one level per term.
MAX_EXPANDED_TERMS = 256
# The longest glossary phrase looked for among consecutive unquoted words.
_MAX_PHRASE_WORDS = 6
_WORD = re.compile(r"[^\W_]+")

# A form's key: its words folded and stemmed in its language.
_Key = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One glossary line: its forms in each language, as written (the first of each is the headword)."""

    forms: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    # (language, key) -> indexes into entries of those holding a form with that key in that language.
    index: dict[tuple[str, _Key], frozenset[int]]

    def lookup(self, words: Sequence[str]) -> list[Entry]:
        """The entries holding these words (a word or a phrase, as typed) in any of the three languages,
        compared by stem in each."""
        found: set[int] = set()
        for lang in LANGUAGES:
            found |= self.index.get((lang, tuple(stems(list(words), lang))), frozenset())
        return [self.entries[i] for i in sorted(found)]


def read_glossary(lines: Iterable[str]) -> Glossary:
    """A Glossary from tab-separated lines `en<TAB>es<TAB>pt`, forms `|`-separated; `#` starts a comment."""
    entries: list[Entry] = []
    index: dict[tuple[str, _Key], set[int]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) != len(LANGUAGES):
            raise ValueError(f"glossary line {number}: expected {len(LANGUAGES)} tab-separated cells")
        forms = {
            lang: tuple(f.strip() for f in cell.split("|") if f.strip())
            for lang, cell in zip(LANGUAGES, cells, strict=True)
        }
        entries.append(Entry(forms))
        for lang, written in forms.items():
            for form in written:
                index.setdefault((lang, _key(form, lang)), set()).add(len(entries) - 1)
    return Glossary(tuple(entries), {key: frozenset(found) for key, found in index.items()})


@cache
def glossary() -> Glossary:
    """The glossary shipped with citsec (read once)."""
    with GLOSSARY_FILE.open(encoding="utf-8") as lines:
        return read_glossary(lines)


def _key(text: str, lang: str | None) -> _Key:
    return tuple(stems(_WORD.findall(text), lang))


def equivalents(words: Sequence[str]) -> list[Term]:
    """Every form of the glossary entries holding `words`, each a term of its own language."""
    found: dict[tuple[str, _Key], Term] = {}
    for entry in glossary().lookup(words):
        for lang, written in entry.forms.items():
            for form in written:
                words_of = tuple(w.lower() for w in _WORD.findall(form))
                if words_of:  # forms as written: each store's stemmer may tell apart what the other joins
                    found.setdefault((lang, _key(form, None)), Term(words_of, typed=form, lang=lang))
    return list(found.values())


def expand_search(search: Search) -> Search:
    """`search` with each clause also taking the glossary equivalents of its words and phrases (and the
    excluded terms theirs: a passage holding any of them is left out), up to MAX_EXPANDED_TERMS terms."""
    budget = [MAX_EXPANDED_TERMS - sum(map(len, search.all_of)) - len(search.none_of)]
    clauses = [list(clause) for clause in search.all_of]
    i = 0
    while i < len(clauses):
        n, phrase = _phrase_at(clauses, i)
        if phrase:
            for clause in clauses[i : i + n]:
                _add(clause, phrase, budget)
        else:
            for term in list(clauses[i]):
                if not term.prefix and term.lang is None:
                    _add(clauses[i], equivalents(term.words), budget)
        i += n
    excluded = list(search.none_of)
    for term in search.none_of:
        if not term.prefix and term.lang is None:
            _add(excluded, equivalents(term.words), budget)
    return Search(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def _phrase_at(clauses: Sequence[Sequence[Term]], start: int) -> tuple[int, list[Term]]:
    """The longest glossary phrase made of the one-word clauses from `start` (unquoted words typed in a
    row): how many clauses it spans and its equivalents; (1, []) when there is none."""
    run: list[str] = []
    for clause in clauses[start : start + _MAX_PHRASE_WORDS]:
        term = clause[0]
        if len(clause) != 1 or term.prefix or term.lang is not None or len(term.words) != 1:
            break
        run.append(term.words[0])
    for n in range(len(run), 1, -1):
        found = equivalents(run[:n])
        if found:
            return n, found
    return 1, []


def _add(clause: list[Term], extra: Iterable[Term], budget: list[int]) -> None:
    """Add the terms of `extra` that can match passages a clause's terms do not already match, shortest
    first, while the budget lasts: a form holding the words of a term of the clause (accents folded) adds
    none ("crop eradication" after "eradication"). Forms are compared as written, not by stem: the two
    stores' Spanish stemmers differ ("erradicaciones" has the stem of "erradicación" on SQLite only), and
    the glossary lists such forms so that PostgreSQL finds them too."""
    typed = [t for t in clause if t.lang is None and not t.prefix]
    for term in sorted(extra, key=lambda t: len(t.words)):
        if budget[0] <= 0:
            return
        key = _folded(term)
        held = [_folded(t) for t in typed] + [_folded(t) for t in clause if t.lang == term.lang]
        if any(_holds(key, part) for part in held):
            continue
        clause.append(term)
        budget[0] -= 1


def _folded(term: Term) -> _Key:
    return tuple(stems(list(term.words), None))


def _holds(key: _Key, part: _Key) -> bool:
    """Whether `part` occurs in `key`, its words in a row."""
    n = len(part)
    return any(key[i : i + n] == part for i in range(len(key) - n + 1))
