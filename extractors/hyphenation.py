"""Line-end hyphenation: join `ex-` + `panding`, keep `anti-` + `narcotics`, judged by the document's own
words and a per-language word list (wordfreq)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

HYPHEN_CHARS = "-\u00ad\u2010\u2011"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LEADING_WORD = re.compile(r"^([^\W\d_]+)")
_WORDLIST_LANGS = frozenset({"en", "es", "pt", "fr", "it", "de"})
# Zipf 3 is about once per million words: a joined form this common is a word, not an accident.
_COMMON = 3.0
_KNOWN_PART = 2.5
# No word is longer (the word lists' longest has 80 letters): past it a run of letters broken at line
# ends (an encoded blob, a line of one word ending in a hyphen, again and again) is joined up unjudged.
LONGEST_WORD = 100


def vocabulary(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased words (hyphenated compounds whole) counted over `texts`, line-end breaks excluded."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in _WORD.findall(text))
    return counts


@lru_cache(maxsize=20000)
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency  # loaded on first use: the word lists take a moment to read

    return float(zipf_frequency(word, lang))


def load_word_lists(langs: Iterable[str]) -> None:
    """Read the word lists of `langs` now (wordfreq reads each on its first lookup)."""
    for lang in langs:
        if lang in _WORDLIST_LANGS:
            _zipf("the", lang)


def keep_hyphen(left: str, right: str, lang: str | None, vocab: Mapping[str, int]) -> bool:
    """Whether `left-` at a line end and `right` on the next line form a real compound (keep the hyphen)
    rather than one word broken for layout."""
    if not right[:1].islower():
        return True  # anti-Castro, COL-K53: a capital or digit after the break is never a syllable
    if len(left) + len(right) > LONGEST_WORD:
        return False
    joined, compound = (left + right).lower(), f"{left}-{right}".lower()
    in_vocab_joined, in_vocab_compound = vocab.get(joined, 0), vocab.get(compound, 0)
    if in_vocab_joined or in_vocab_compound:
        return in_vocab_compound > in_vocab_joined
    if lang not in _WORDLIST_LANGS:
        return False
    assert lang is not None
    if _zipf(joined, lang) >= _COMMON:
        return False
    # A compound's halves are each clearly commoner than the halves glued together (old-school, anti-
    # narcotics); a syllable break has a rare or unknown half (acusa-torio, ex-panding).
    weaker_part = min(_zipf(left.lower(), lang), _zipf(right.lower(), lang))
    return weaker_part >= _KNOWN_PART and _zipf(joined, lang) < weaker_part - 1.0


def join_lines(lines: Sequence[str], lang: str | None, vocab: Mapping[str, int]) -> str:
    """Lines of one paragraph as running text: line-end hyphens resolved, lines joined with a space."""
    parts: list[str] = []
    # The word broken by the hyphen that ends the text so far ("" when it ends otherwise). It is kept
    # from line to line rather than searched for in the joined text, which would make a paragraph of
    # n lines cost n times its length (a plain-text file without blank lines is one paragraph).
    broken = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        first = _LEADING_WORD.match(line) if parts else None
        glued = False
        if broken and first:
            soft = parts[-1].endswith("\u00ad")
            parts[-1] = parts[-1][:-1]
            glued = soft or not keep_hyphen(broken, first.group(1), lang, vocab)
            parts.append(line if glued else "-" + line)
        elif parts:
            parts.append(" " + line)
        else:
            parts.append(line)
        broken = _broken_word(line, broken if glued else "")
    return "".join(parts)


def _broken_word(line: str, glued_to: str) -> str:
    """The word a line-end hyphen breaks at the end of `line` ("" when it ends otherwise); `glued_to` is
    the word the line was glued onto, which a line of one word (and the hyphen) continues."""
    if len(line) < 2 or line[-1] not in HYPHEN_CHARS:
        return ""
    body = line[:-1]
    # The letters that end `body`, found at the start of the reversed body: a search for letters at the
    # end would backtrack through every run of letters before them.
    match = _LEADING_WORD.match(body[::-1])
    if match is None:
        return ""
    word = match.group(1)[::-1]
    if len(word) < len(body) or not glued_to:
        return word
    # Past LONGEST_WORD the run is no word and keep_hyphen glues it whatever its letters: it is not
    # grown further, which would cost the run's length at every line.
    return glued_to if len(glued_to) > LONGEST_WORD else glued_to + word
