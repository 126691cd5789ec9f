"""Turn whatever a user types into a safe full-text query: words, phrases, OR and exclusions, never syntax.

Every term is a run of letters or digits; quotes group words into a phrase, and so does punctuation inside
a word as typed ("U.S." is the phrase "u s"); a trailing `*` on a word asks for a prefix match (on a
phrase's last word, the phrase ending in that prefix: `"coca erradica*"`; on another of its words, the
phrase's words are searched as separate terms), and a
possessive 's is dropped ("Brazil's" = "Brazil"). Terms are ANDed; `OR` (in capitals) between two terms
makes either one do (`coca OR heroin cartel` = (coca or heroin) and cartel); `-term` or `NOT term` leaves
out the passages that hold it. Brackets, stray quotes, other operators and punctuation are dropped, and
terms past the 64th ignored, so no input is ever an error.

Both stores match words by their stem in the passage's language only, accents folded first and stop
words kept, so "homicides" finds "homicide", "cultivo" finds "cultivos", "policia" finds "policía" and
"the" is a word like any other: SQLite with the Snowball stemmers of PyStemmer applied here to the indexed
text (`search_words`, run by the FTS triggers) and to each query word (`to_fts5`), PostgreSQL with the
text-search configurations of migration 0005 (its own Snowball stemmers, without stop words, after the
unaccent extension when the server has it). Both split the text into the same words, runs of letters and
digits: PostgreSQL's parser would glue words and punctuation into one token ("cor/raça" a file path,
"ipea.gov.br" a host, "2010-2015" the numbers 2010 and -2015) and never find "raça", "ipea" or "2015" in
them, so it reads every ASCII punctuation mark as a space, in the passages it indexes (migration 0010) and in
the words it is asked for (pg_words). PostgreSQL's Spanish stemmer is older: it takes "-ación" off
only with its accent, so after folding "erradicación" keeps its whole word there, and finds fewer forms.
A prefix is matched against the words as written, not their stems ("eradicat*" finds "eradication", whose
stem is "erad"): SQLite's index keeps the folded words too, PostgreSQL a second tsvector in the simple
configuration, accents folded when the server has the unaccent extension.

Across languages (`searched(text, any_language=True)`, corpus.glossary), each word or phrase also takes its
glossary equivalents in English, Spanish and Portuguese, terms whose `lang` says the one language whose
passages they are matched in, as written (accents folded, like a prefix; the glossary lists their
inflections): by stem, the stores' Spanish stemmers would disagree on them. For ranking, `adjacent_pairs`
gives the phrases that consecutive words of a search make, so that passages saying them in order come
first.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import Stemmer

_WORD = re.compile(r"[^\W_]+(\*)?")
# A phrase (a leading "-" excludes it), or a run of anything else up to a space, a quote or a bracket
# (brackets only group, so "NEAR(homicide rate)" is the words NEAR, homicide and rate).
_PHRASE_OR_WORD = re.compile(r'(-?)"([^"]*)"?|([^\s"()\[\]{}]+)')
# An English possessive: "Brazil's" searches as "Brazil" (which finds "Brazil's" too).
_POSSESSIVE = re.compile(r"(?<=[^\W_])['’][sS]$")
# Typed in capitals: AND is what terms do anyway and NEAR is not offered; OR and NOT are read.
_IGNORED = frozenset({"AND", "NEAR"})
# Terms past this many are ignored: no one types more, and PostgreSQL's query nests one level per term.
MAX_TERMS = 64


@dataclass(frozen=True)
class Term:
    """One search term: a word, a phrase (several words in order), or a word prefix.

    `typed` is the term as the user typed it, for PostgreSQL's own parser to read (phraseto_tsquery, after
    pg_words): it splits it into words as it split the passages it indexes.
    `lang`: None for a term the user typed, matched in passages of every language (each by its own stem);
    a language (en, es, pt) for an equivalent the glossary added (corpus.glossary), matched by stem in
    passages of that language only.
    `exact`: a single word typed in quotes (`"Mérida"`), matched as written (accents and case folded), not
    by stem: Spanish Snowball gives "Mérida", "mera" and "meramente" one stem, "maras" and "mar" another.
    """

    words: tuple[str, ...]
    prefix: bool = False
    typed: str = ""
    lang: str | None = None
    exact: bool = False


@dataclass(frozen=True)
class Search:
    """A parsed search: a passage matches when each clause of `all_of` has one of its terms in it (a
    clause of one term, unless OR joined several) and none of the terms of `none_of` is in it."""

    all_of: tuple[tuple[Term, ...], ...] = ()
    none_of: tuple[Term, ...] = ()
    # Terms typed one right after the other, with no OR, exclusion or operator between them (for ranking).
    typed_together: tuple[tuple[Term, Term], ...] = ()

    def __bool__(self) -> bool:
        """False when the text held no term at all (such a search matches nothing)."""
        return bool(self.all_of or self.none_of)


def _terms_of(bare: str) -> list[Term]:
    bare = _POSSESSIVE.sub("", bare)
    found = list(_WORD.finditer(bare))
    if len(found) > 1 and not any(word.group(1) for word in found):
        # One typed word with punctuation inside ("U.S.", "narco-trafficking"): its words in order.
        return [Term(tuple(word.group(0).lower() for word in found), typed=bare)]
    terms = []
    for word in found:
        typed = word.group(0).rstrip("*")
        terms.append(Term((typed.lower(),), prefix=bool(word.group(1)), typed=typed))
    return terms


def parse_search(text: str) -> Search:
    """The clauses of a user's search text; an empty Search when it holds no letters or digits."""
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    negate = join = False  # the next term is excluded / joins the last clause (after NOT, "-" / OR)
    together: list[tuple[Term, Term]] = []
    last: Term | None = None  # the term typed just before, when nothing but a space came between
    # NUL is no character a database accepts in a string, nor part of any word.
    for match in _PHRASE_OR_WORD.finditer(unicodedata.normalize("NFC", text or "").replace("\x00", " ")):
        dash, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            found = list(_WORD.finditer(phrase))
            words = tuple(w.group(0).rstrip("*").lower() for w in found)
            # A `*` on the phrase's last word: the phrase with that word as a prefix ("coca erradica*").
            prefix = bool(found) and bool(found[-1].group(1))
            exact = len(words) == 1 and not prefix  # a word in quotes: that word, not its stem's others
            terms = [Term(words, prefix=prefix, typed=phrase, exact=exact)] if words else []
            if any(w.group(1) for w in found[:-1]):
                # A prefix inside a phrase ("dru* trafficking") is no phrase either store can match: its
                # words as terms of their own, rather than a search that finds nothing.
                terms = _terms_of(" ".join(w.group(0) for w in found))
            negate = negate or bool(dash)
        elif bare in _IGNORED:
            last = None
            continue
        elif bare == "NOT" or bare == "-":
            negate, join, last = True, False, None
            continue
        elif bare == "OR":
            join, last = bool(clauses) and not negate, None
            continue
        else:
            if bare.startswith("-") and _WORD.search(bare):  # "-police"; "--" is punctuation
                negate, bare = True, bare.lstrip("-")
            terms = _terms_of(bare)
        if not terms:
            continue
        if negate:
            excluded.extend(terms)
            last = None
        elif join:
            clauses[-1].append(terms[0])
            clauses.extend([term] for term in terms[1:])
            last = None
        else:
            clauses.extend([term] for term in terms)
            typed = [last, *terms] if last else terms
            together.extend(zip(typed, typed[1:], strict=False))
            last = terms[-1]
        negate = join = False
    unique = list(dict.fromkeys(tuple(dict.fromkeys(clause)) for clause in clauses))
    kept, room = [], MAX_TERMS
    for clause in unique:
        if room <= 0:
            break
        kept.append(clause[:room])
        room -= len(kept[-1])
    return Search(tuple(kept), tuple(dict.fromkeys(excluded))[: max(room, 0)], tuple(dict.fromkeys(together)))


# The languages whose passages are indexed by stem, as PostgreSQL's configurations of the same names do;
# passages in any other language (or none) are indexed by their plain words ("simple").
STEMMED = {"en": "english", "es": "spanish", "pt": "portuguese"}
_TOKEN = re.compile(r"[^\W_]+")
# What PostgreSQL reads as a space, in the passages it indexes (migration 0010 keeps its own copy) and in
# the words of a search (pg_words): ASCII punctuation, never part of a word in SQLite's index, which its
# parser would otherwise glue words into tokens of other kinds with: a file path ("cor/raça", "PNAD/IBGE",
# "U.S."), a host ("ipea.gov.br"), a URL, an e-mail address ("contato@ipea.gov.br"), a version or decimal
# number ("1.000.000", "3.5"), a signed one ("2010-2015": 2010 and -2015), a compound word (kept whole
# too, which puts "narco-trafficking" a position apart from a "the" before it: the phrase "the narco
# trafficking" missed it), an HTML tag or entity (dropped).
PG_SPACED = string.punctuation
_PG_SPACES = str.maketrans(PG_SPACED, " " * len(PG_SPACED))


def pg_words(text: str) -> str:
    """`text` as PostgreSQL's index reads it (migration 0010): every character of PG_SPACED a space, so
    its parser makes the same words of it as SQLite's index does ("cor/raça" -> "cor raça")."""
    return text.translate(_PG_SPACES)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    import Stemmer

    return Stemmer.Stemmer(language)


def _fold(text: str) -> str:
    """Lower case without accents: "Policía" -> "policia" (stemmed after folding, on both sides)."""
    if text.isascii():  # most words: nothing to decompose (a third of storing a report went here)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Singular and plural that the stemmers split once accents are folded before stemming, as both stores fold
# them. PostgreSQL's older Snowball stemmers take Spanish "-ación"/"-ución" and Portuguese "-ão" off only
# with the accent ("operacion", "operaciones" -> operacion, oper), and PyStemmer's Portuguese one too
# ("prisao", "prisoes" -> prisa, priso): a team review found "operación" missing every "operaciones" on
# PostgreSQL. Snowball's Spanish stemmer splits many more (ciudad/ciudades -> ciud/ciudad, mujer/mujeres,
# crimen/crímenes, joven/jóvenes, juez/jueces, gobierno/gobiernos) and the Portuguese one jovem/jovens,
# taxa/taxas: a journalist's review found "crímenes" missing every "crimen", "jovem" most of a report on
# young men. So a word searched alone in Spanish or Portuguese also matches its other number, as written
# (accents folded): the forms the regular endings make (number_forms). Not by the forms' stems, which are
# often another word's ("militar" stems as "militantes" do, "unidad" as "Unidos", Portuguese "cartéis" as
# "carta"), and a form that is no word ("crimene", "jovenes" in Portuguese) finds nothing.
_VOWELS = frozenset("aeiou")
_NUMBER_LANGUAGES = ("es", "pt")
# A plural is taken back to its singular only from this many letters: "dios" is not the plural of "dio",
# nor "tres" of "tre", nor Portuguese "mais" (more) of "mal" (bad).
_SINGULAR_FROM_LETTERS = 5
# No forms for shorter words ("mal" is no singular of "mais", more), nor for words whose look-alike in
# the other number is another word ("ante", before, and "antes", earlier: a code review).
_FORMS_FROM_LETTERS = 4
_NO_FORMS = frozenset({"ante", "antes", "tras", "mas", "mais", "menos", "pues"})


def number_forms(word: str, lang: str | None) -> tuple[str, ...]:
    """`word` (folded) in its other number, singular or plural, in Spanish or Portuguese: the forms the
    regular endings give (a plural in -es may have either of two singulars: "clases" is "clase",
    "ciudades" "ciudad", so both are given); none in another language.

    >>> number_forms("ciudades", "es"), number_forms("juez", "es"), number_forms("jovem", "pt")
    (('ciudad', 'ciudade'), ('jueces',), ('jovens',))
    >>> number_forms("dios", "es"), number_forms("taxa", "pt")
    ((), ('taxas',))
    """
    w = _fold(word)
    if lang not in _NUMBER_LANGUAGES or len(w) < _FORMS_FROM_LETTERS or not w.isalpha() or w in _NO_FORMS:
        return ()
    forms = _es_forms(w) if lang == "es" else _pt_forms(w)
    if w.endswith("s") and len(w) < _SINGULAR_FROM_LETTERS:
        forms = [form for form in forms if len(form) > len(w)]  # only a plural's plural: none
    return tuple(dict.fromkeys(form for form in forms if form != w))


def _es_forms(w: str) -> list[str]:
    if w.endswith("ces"):
        return [w[:-3] + "z", w[:-1]]  # jueces -> juez; (ca)ces -> (ca)ce
    if w.endswith("es") and w[-3] not in _VOWELS:
        return [w[:-2], w[:-1]]  # ciudades -> ciudad, mujeres -> mujer; clases -> clase
    if w.endswith("s") and w[-2] in _VOWELS:
        return [w[:-1]]  # gobiernos -> gobierno
    if w[-1] in _VOWELS:
        return [w + "s"]
    if w.endswith("z"):
        return [w[:-1] + "ces"]
    return [w + "es"] if not w.endswith("s") else []  # crimen -> crimenes; "pais", "crisis": as they are


def _pt_forms(w: str) -> list[str]:
    if w.endswith(("oes", "aes", "aos")):
        return [w[:-3] + "ao"]
    if w.endswith("ao"):
        return [w[:-2] + "oes", w[:-2] + "aes", w[:-2] + "aos"]  # prisões, pães, mãos
    if w.endswith("ns"):
        return [w[:-2] + "m"]  # jovens -> jovem
    if w.endswith("m"):
        return [w[:-1] + "ns"]
    if w.endswith(("ais", "eis", "ois", "uis")):
        return [w[:-2] + "l"]  # sociais -> social, variaveis -> variavel
    if w.endswith(("al", "el", "ol", "ul")):
        return [w[:-1] + "is"]
    if w.endswith(("res", "zes", "ses")):
        return [w[:-2], w[:-1]]  # mulheres -> mulher, vezes -> vez, meses -> mes
    if w.endswith(("r", "z")):
        return [w + "es"]
    if w.endswith("s") and w[-2] in _VOWELS:
        return [w[:-1]]
    return [w + "s"] if w[-1] in _VOWELS else []


# The endings whose other number is also matched by stem: PostgreSQL's older Snowball stemmers keep a word
# in "-ación"/"-ución" whole once its accent is folded ("erradicacion"), but stem its plural as PyStemmer
# stems both ("errad", which also finds "erradicar", "erradicados"); Portuguese "-ão"/"-ões" split on both.
# The plural's stem keeps the two stores alike (a team review).
_STEMMED_NUMBER_ENDINGS = {"es": (("aciones", "acion"), ("uciones", "ucion")), "pt": (("oes", "ao"),)}
# Shorter words are left alone: "ação" made "acoes", whose stem "aco" is steel's ("aço").
_STEMMED_NUMBER_MIN_LETTERS = 6


def other_number(word: str, lang: str | None) -> str | None:
    """`word` (folded) in its other number where its ending is one of _STEMMED_NUMBER_ENDINGS, which a
    search matches by stem; None for any other word."""
    folded = _fold(word)
    if len(folded) < _STEMMED_NUMBER_MIN_LETTERS:
        return None
    for plural, singular in _STEMMED_NUMBER_ENDINGS.get(lang or "", ()):
        if folded.endswith(plural):
            return folded[: -len(plural)] + singular
        if folded.endswith(singular):
            return folded[: -len(singular)] + plural
    return None


def terms_in(clause: Sequence[Term], group: str | None, *, other_numbers: bool = True) -> list[Term]:
    """The terms of `clause` matched in passages of language group `group` (in_language): each term, and
    after a word typed alone (or in quotes), in Spanish and Portuguese, its other number as written
    (number_forms: a term of `group` like a glossary form), unless `other_numbers` is False (the words a
    search leaves out: `crimen -crímenes` leaves out "crímenes", not "crimen"). A word in quotes is matched
    as written in Spanish and Portuguese, whose stemmers give unrelated words one stem ("Mérida" and "mera"),
    and by stem elsewhere: English "cartels" in quotes still finds "cartel" (a code review)."""
    held: list[Term] = []
    for term in clause:
        if not in_language(term, group):
            continue
        if term.exact and group not in _NUMBER_LANGUAGES:
            term = replace(term, exact=False)
        held.append(term)
        one_word = len(term.words) == 1 and not term.prefix and term.lang is None
        if other_numbers and group in _NUMBER_LANGUAGES and one_word:
            held.extend(Term((form,), typed=form, lang=group) for form in number_forms(term.words[0], group))
    return held


def stems(words: list[str], lang: str | None) -> list[str]:
    """Folded words, stemmed when `lang` is one of STEMMED."""
    folded = [_fold(w) for w in words]
    config = STEMMED.get(lang or "")
    return _stemmer(config).stemWords(folded) if config else folded


def search_words(text: str | None, lang: str | None) -> str:
    """What SQLite's full-text index holds for a passage: its words folded and stemmed in its language
    (lang None: folded only)."""
    return " ".join(stems(_TOKEN.findall(unicodedata.normalize("NFC", text or "")), lang))


def to_fts5(clauses: Sequence[Sequence[Term]], lang: str | None = None, *, other_numbers: bool = True) -> str:
    """An FTS5 MATCH expression over the index of migration 0003 (columns `lang`: en, es, pt or other;
    `words`: search_words; `plain`: the same words unstemmed, for prefix terms). Every word is
    double-quoted, so none can be read as an operator. A passage matches when each clause has one of its
    terms, stemmed in its language, in its words: with `lang` known, one group for that language;
    otherwise one group per language, ORed (PostgreSQL does the same, corpus.passage_sql._pg_search).
    Languages whose terms come out the same (a word the stemmers leave alike, a prefix) share one group,
    `((lang : "en" OR lang : "es") AND words : "polic")`: the same rows, and each phrase once in the query
    (BM25 reads each phrase's document frequency with a pass over the index). The "other" group matches
    its words in `plain` (the same words for its passages), so that BM25 weighs them by their frequency in
    the whole index (corpus.passage_sql._relevance)."""
    languages: list[str | None] = [lang] if lang is not None else [*STEMMED, None]
    groups: dict[str, list[str]] = {}  # the clauses' expression -> the language groups it is searched in
    for language in languages:
        parts = []
        for clause in clauses:
            options: list[str] = []
            for term in terms_in(clause, language, other_numbers=other_numbers):
                option = _fts5_term(term, language)
                # A glossary form that stems like another term of the clause is the same phrase.
                if term.lang is None or option not in options:
                    options.append(option)
            if not options:
                break  # a clause of other languages' terms only: no passage of this one can match
            parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
        if len(parts) < len(clauses):
            continue
        group = language if language in STEMMED else "other"
        names = groups.setdefault(" AND ".join(parts), [])
        if group not in names:
            names.append(group)
    if not groups:  # no clause has a term any language can match (none of the callers builds one)
        return '(lang : "none")'
    return " OR ".join(f"({_fts5_langs(names)} AND {expression})" for expression, names in groups.items())


def in_language(term: Term, language: str | None) -> bool:
    """Whether `term` is matched in passages of `language` (None: of no stemmed language): a typed term in
    every language, a glossary equivalent in its own only."""
    return term.lang is None or term.lang == language


def as_written(term: Term) -> bool:
    """Whether `term` is matched against the passages' words as written (accents and case folded) rather
    than by stem: a prefix, a word typed in quotes, and a glossary equivalent, whose inflections the
    glossary lists (and a word's other number, terms_in). Stemmed, a
    form would find unrelated words (Spanish "informante" has the stem of "información") and the two
    stores would disagree (PostgreSQL's Spanish stemmer keeps "educacion" whole, PyStemmer's gives "educ",
    which also finds "educativo")."""
    return term.prefix or term.lang is not None or term.exact


def _fts5_langs(names: list[str]) -> str:
    tests = [f'lang : "{name}"' for name in names]
    return tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"


def _fts5_term(term: Term, language: str | None) -> str:
    # A prefix is matched against the unstemmed words: the stem of "eradication" is "erad". So is a
    # glossary form (as_written).
    words = stems(list(term.words), None if as_written(term) else language)
    quoted = '"' + " ".join(words).replace('"', '""') + '"'
    if term.prefix:
        return f"plain : {quoted}*"
    if term.lang is not None or term.exact:
        return f"plain : {quoted}"
    # A passage of no stemmed language has the same words in `plain` as in `words`: matched in `plain`, its
    # word weighs (BM25's document frequency) by how many passages of any language hold it, not how many
    # of the few unstemmed ones, where a common word is rare.
    if language not in STEMMED:
        return f"plain : {quoted}"
    other_stem = _other_number_stem(term, language)
    if other_stem and other_stem != words[0]:
        return f'(words : {quoted} OR words : "{other_stem}")'
    return f"words : {quoted}"


def _other_number_stem(term: Term, language: str | None) -> str | None:
    """The stem of a one-word term's other number (other_number) in `language`, which a search matches
    too; None for a phrase, a prefix, a word in quotes, a glossary form, a language without a stemmer or
    a word without one."""
    if len(term.words) != 1 or as_written(term) or language not in STEMMED:
        return None
    other = other_number(term.words[0], language)
    return stems([other], language)[0] if other else None


def to_tsquery_text(term: Term) -> str:
    """A to_tsquery() operand for a prefix term: its word and `:*`. (Words and phrases go to
    phraseto_tsquery as typed, after pg_words, so PostgreSQL splits them into words as it split the
    passages.)

    Words are letters and digits only, so they carry no tsquery syntax.
    """
    body = " <-> ".join(term.words)
    return body + (":*" if term.prefix else "")


@lru_cache(maxsize=256)
def searched(text: str | None, any_language: bool = False) -> Search:
    """The parsed search `text`, with its terms' equivalents in English, Spanish and Portuguese when
    `any_language` (corpus.glossary.expand_search). Cached (a Search is immutable): the table highlights
    each row's matches with the same search (match_spans)."""
    parsed = parse_search(text or "")
    if not any_language:
        return parsed
    from corpus.glossary import expand_search  # the glossary module builds on this one

    return expand_search(parsed)


# At most this many pairs of adjacent search words are looked for as phrases when ranking (each is one
# more full-text lookup).
MAX_ADJACENT_PAIRS = 8
# Words that make no phrase worth ranking by ("in the", "de la"), in the three stemmed languages: a pair
# holding one is not looked for (its words still count as search terms).
STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of", "on"),
        *("or", "that", "the", "this", "to", "was", "were", "with"),
        *("al", "con", "de", "del", "el", "en", "es", "la", "las", "lo", "los", "o", "para", "por", "que"),
        *("se", "su", "un", "una", "y"),
        *("ao", "aos", "com", "da", "das", "do", "dos", "e", "em", "na", "nas", "no", "nos", "os", "ou"),
        *("pela", "pelo", "um", "uma"),
    }
)


def adjacent_pairs(search: Search) -> list[Term]:
    """The phrases made of each two terms of `search` typed one after the other (`community policing`:
    the phrase "community policing"), for ranking the passages that hold the words in order and adjacent
    above those where they are scattered. Only clauses of one typed word or phrase count; a prefix, an OR,
    an excluded term between two words (`money -gang laundering`) or a stop word (STOP_WORDS: "in the"
    would lift any passage saying it) is not part of any pair."""
    alone = {clause[0] for clause in search.all_of if len(clause) == 1}
    pairs: list[Term] = []
    for a, b in search.typed_together:
        if a not in alone or b not in alone:
            continue
        if a.prefix or b.prefix or a.lang is not None or b.lang is not None:
            continue
        if any(len(term.words) == 1 and term.words[0] in STOP_WORDS for term in (a, b)):
            continue
        typed = f"{a.typed or ' '.join(a.words)} {b.typed or ' '.join(b.words)}"
        pairs.append(Term(a.words + b.words, typed=typed))
    return list(dict.fromkeys(pairs))[:MAX_ADJACENT_PAIRS]


def match_spans(
    text: str, search: str, lang: str | None, any_language: bool = False
) -> list[tuple[int, int]]:
    """Where the terms of `search` match `text`, as the stores match (the stems in `lang`, or a prefix of
    the plain words; with `any_language`, the glossary's equivalents in `lang` too): (start, end)
    character offsets in `text` (NFC), in order, not overlapping; excluded terms are not matches."""
    parsed = searched(search, any_language)
    group = lang if lang in STEMMED else None
    terms = [term for clause in parsed.all_of for term in terms_in(clause, group)]
    tokens = list(_TOKEN.finditer(unicodedata.normalize("NFC", text)))
    plain = [_fold(token.group(0)) for token in tokens]
    stemmed = stems([token.group(0) for token in tokens], lang)
    wanted = [(term, stems(list(term.words), None if as_written(term) else lang)) for term in terms]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        length = 0
        for term, words in wanted:
            n = len(words)
            if term.prefix:
                here = plain[i : i + n]
                found = len(here) == n and here[:-1] == words[:-1] and here[-1].startswith(words[-1])
            else:
                found = n > 0 and (plain if as_written(term) else stemmed)[i : i + n] == words
                found = found or (n == 1 and stemmed[i] == _other_number_stem(term, lang))
            if found:
                length = max(length, n)
        if length:
            spans.append((tokens[i].start(), tokens[i + length - 1].end()))
            i += length
        else:
            i += 1
    return spans


def excerpt_spans(
    text: str, search: str, lang: str | None, width: int = 160, any_language: bool = False
) -> tuple[str, list[tuple[int, int]]]:
    """`text` (NFC) from a little before the first place a term of `search` matches it (match_spans), with
    "…" for what was cut, so a table cell of `width` characters shows why the passage was found (the whole
    text when no term is found in it or the first is near the start); and where the terms match in it."""
    text = unicodedata.normalize("NFC", text)
    spans = match_spans(text, search, lang, any_language)
    if not spans or spans[0][0] <= width // 3:
        return text, spans
    start = text.rfind(" ", 0, spans[0][0] - width // 4) + 1  # a few words of lead-in
    if not start:
        return text, spans
    shift = len("…") - start
    return "…" + text[start:], [(begin + shift, end + shift) for begin, end in spans]


def excerpt(text: str, search: str, lang: str | None, width: int = 160, any_language: bool = False) -> str:
    """The text of `excerpt_spans`."""
    return excerpt_spans(text, search, lang, width, any_language)[0]
