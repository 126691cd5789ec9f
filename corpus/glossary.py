"""Searching across languages: the field's terms in English, Spanish and Portuguese (glossary.tsv, written
for citsec), and the expansion of a parsed search into their equivalents.

A searched word or phrase is looked up as a word of each of the three languages: by its English stem among the
English forms ("eradications" finds eradication), by its words as written (accents and case folded) among the
Spanish and Portuguese ones, which list their plurals and inflections ("erradicaciones", "erradicação"). A
word is never stemmed in a language it is not written in: English "policies" has the Spanish stem of
"policía", "date" the Spanish one of "datos". Every form of every entry found is added to its clause as a term
of its own language (Term.lang), which the stores match as written (accents folded, not by stem:
corpus.search.as_written) in passages of that language only (corpus.search.to_fts5, corpus.passage_sql); so
the glossary lists the inflections a form should find. The term as typed stays as it was, so a word the
glossary does not hold matches exactly as without expansion. Unquoted words that together make a glossary
phrase (`money laundering`) are expanded as that phrase: each of their clauses also takes the phrase's
equivalents ("lavado de dinero"), rather than each word its own ("dinero"), so a passage matches when it holds
the typed words (anywhere, as before) or one of the phrase's equivalents. A phrase takes only the equivalents
of several words (not "operation" for `police operation`). Prefixes (`word*`) are not expanded: they ask for
words as written.
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
_LETTERS_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")

# A form's key: its words folded and stemmed in its language.
_Key = tuple[str, ...]
# The language whose forms are looked up by stem (Glossary.lookup); the others' by their words as written.
_LOOKED_UP_BY_STEM = "en"


@dataclass(frozen=True)
class Entry:
    """One glossary line: its forms in each language, as written (the first of each is the headword).
    `broad` holds the one-word forms written with a leading "~" in the file: broader than the entry's
    phrase ("~treatment" in "drug treatment"), taken when a single word finds the entry, never by a phrase."""

    forms: dict[str, tuple[str, ...]]
    broad: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    # (language, lookup key) -> indexes into entries of those holding a form with that key in that language.
    index: dict[tuple[str, _Key], frozenset[int]]

    def lookup(self, words: Sequence[str]) -> list[Entry]:
        """The entries holding these words (a word or a phrase, as typed) in any of the three languages:
        by English stem among the English forms, as written (folded) among the Spanish and Portuguese."""
        found: set[int] = set()
        for lang in LANGUAGES:
            found |= self.index.get((lang, _lookup_key(words, lang)), frozenset())
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
        marked = {
            lang: tuple(f.strip() for f in cell.split("|") if f.strip())
            for lang, cell in zip(LANGUAGES, cells, strict=True)
        }
        forms = {lang: tuple(f.lstrip("~") for f in written) for lang, written in marked.items()}
        broad = frozenset(f[1:] for written in marked.values() for f in written if f.startswith("~"))
        entries.append(Entry(forms, broad))
        for lang, written in forms.items():
            for form in written:
                index.setdefault((lang, _lookup_key(_WORD.findall(form), lang)), set()).add(len(entries) - 1)
    return Glossary(tuple(entries), {key: frozenset(found) for key, found in index.items()})


@cache
def glossary() -> Glossary:
    """The glossary shipped with citsec (read once)."""
    with GLOSSARY_FILE.open(encoding="utf-8") as lines:
        return read_glossary(lines)


def _key(text: str, lang: str | None) -> _Key:
    return tuple(stems(_WORD.findall(text), lang))


def _lookup_key(words: Sequence[str], lang: str) -> _Key:
    """How words are compared with the forms of `lang`: by stem in English, folded as written in Spanish
    and Portuguese. Their stemmers reduce too much for a word typed in another language: the Spanish
    stems of "policies", "date" and "red" are those of "policías", "datos" and "redadas"; the Portuguese
    one of "militia", that of "militar"."""
    return tuple(stems(list(words), lang if lang == _LOOKED_UP_BY_STEM else None))


def equivalents(words: Sequence[str]) -> list[Term]:
    """Every form of the glossary entries holding `words`, each a term of its own language. A phrase
    (several words) does not take the entry's broad one-word forms (marked "~" in the file: "treatment"
    beside "drug treatment"), which would make it match wherever that word is; it does take the exact ones
    ("narcotráfico" for "drug trafficking")."""
    found: dict[tuple[str, _Key], Term] = {}
    phrase = len(words) > 1
    for entry in glossary().lookup(words):
        for lang, written in entry.forms.items():
            for form in written:
                words_of = tuple(w.lower() for w in _WORD.findall(form))
                # Forms as written: each store's stemmer may tell apart what the other joins. PostgreSQL
                # reads "cross-border" as a compound that "cross border" lacks; its words find both (not
                # "MS-13": there "-13" is a number of its own).
                if not (phrase and form in entry.broad):
                    term = Term(words_of, typed=_LETTERS_HYPHEN.sub(" ", form), lang=lang)
                    found.setdefault((lang, _key(form, None)), term)
    return list(found.values())


def expand_search(search: Search) -> Search:
    """`search` with each clause also taking the glossary equivalents of its words and phrases (and the
    excluded terms theirs: a passage holding any of them is left out), up to MAX_EXPANDED_TERMS terms.

    Excluded terms are expanded first, so that a long search still leaves out the equivalents of what it
    excludes; then the clauses in the order typed. A word or phrase takes all its equivalents, in every
    language, or none when they would pass the limit: never some languages only."""
    budget = [MAX_EXPANDED_TERMS - sum(map(len, search.all_of)) - len(search.none_of)]
    excluded = list(search.none_of)
    for term in search.none_of:
        if not term.prefix and term.lang is None:
            _add(excluded, equivalents(term.words), budget)
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
    first, all of them if the budget allows, else none: a form holding the words of a term of the clause
    (accents folded) adds none ("crop eradication" after "eradication"). Forms are compared as written, as
    the stores match them (corpus.search.as_written)."""
    typed = [t for t in clause if t.lang is None and not t.prefix]
    added: list[Term] = []
    for term in sorted(extra, key=lambda t: len(t.words)):
        key = _folded(term)
        held = [_folded(t) for t in typed] + [_folded(t) for t in [*clause, *added] if t.lang == term.lang]
        if not any(_holds(key, part) for part in held):
            added.append(term)
    if len(added) <= budget[0]:
        clause.extend(added)
        budget[0] -= len(added)


def _folded(term: Term) -> _Key:
    return tuple(stems(list(term.words), None))


def _holds(key: _Key, part: _Key) -> bool:
    """Whether `part` occurs in `key`, its words in a row."""
    n = len(part)
    return any(key[i : i + n] == part for i in range(len(key) - n + 1))
