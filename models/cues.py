"""A small hand-written multilingual cue lexicon (English, Spanish, Portuguese) as a scikit-learn transformer.

Each cue group gathers the words analysts use for one strategy element in the three languages, so a
Spanish "extradición" and a Portuguese "extradição" light the same feature as an English "extradition".
That sharing is what the word and character n-grams cannot give a model trained on few Spanish and
Portuguese passages. Patterns match at the start of a word in lower-cased, accent-folded text.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from extractors.security_terms import strip_marks
from models.cue_lexicon import Lexicon, current_lexicon

# "US" must be told from the pronoun "us" before lower-casing; it is the commonest foreign actor in the field.
_US = re.compile(r"\bU\.?S\.?(?=\W|$)")
# Runs of spaces and line breaks are one space, so "Peña\nNieto" meets the patterns that look past a word.
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace, so "Extradición" and "extradição" meet
    "extradicion"/"extradicao"."""
    spelled = _US.sub("united states", _SPACES.sub(" ", text)).lower()
    return strip_marks(unicodedata.normalize("NFKD", spelled))


@lru_cache(maxsize=8)
def _parsed(patterns: str) -> Lexicon:
    """A fitted CueLexicon's `patterns_` back as a Lexicon (parsed once per model)."""
    return tuple((name, tuple(group)) for name, group in json.loads(patterns))


# A pattern's leading negative lookbehinds, and the plain words that follow them.
_LOOKBEHIND = re.compile(r"\(\?<!([^()]*)\)")
_WORDS = re.compile(r"[a-z ]+")


def literal_first(pattern: str) -> str:
    """The same matches with a pattern's leading negative lookbehinds moved after its first words:
    "(?<!\\bvale la )penas?" -> "pena(?<!\\bvale la pena)s?". The regex engine skips an alternative that
    starts with a letter at a glance, but tries every lookbehind before one that starts with them, at every
    word of every passage: ten such patterns took 40% of the cue features' time."""
    behinds, pos = [], 0
    while (found := _LOOKBEHIND.match(pattern, pos)) is not None:
        behinds.append(found.group(1))
        pos = found.end()
    words = _WORDS.match(pattern, pos)
    if not behinds or words is None or any("|" in b or b.endswith("\\") for b in behinds):
        return pattern  # a lookbehind with alternatives, or one that ends in an escape: left as written
    prefix = words.group(0)
    if pattern[words.end():words.end() + 1] in ("?", "*", "+", "{"):
        prefix = prefix[:-1]  # a quantifier applies to the last letter: "penas?" keeps "s?"
    if not prefix:
        return pattern
    rest = pattern[pos + len(prefix):]
    return prefix + "".join(f"(?<!{behind}{prefix})" for behind in behinds) + rest


@lru_cache(maxsize=8)
def compiled_lexicon(lexicon: Lexicon) -> re.Pattern[str]:
    """The one regex the cue features run: an alternation with a named group per cue (g0, g1, ... in the
    lexicon's order), so a single pass over folded text finds every cue, the first group that matches at a
    place taking it."""
    parts = [
        f"(?P<g{i}>{'|'.join(literal_first(p) for p in patterns)})" for i, (_, patterns) in enumerate(lexicon)
    ]
    return re.compile(r"\b(?:" + "|".join(parts) + ")")


def lexicon_counts(text: str, lexicon: Lexicon) -> list[int]:
    """How many times each group of `lexicon` matches in `text` (accent-folded)."""
    counts = [0] * len(lexicon)
    for match in compiled_lexicon(lexicon).finditer(fold(text)):
        counts[int(match.lastgroup[1:])] += 1  # type: ignore[index]
    return counts



class CueLexicon(TransformerMixin, BaseEstimator):
    """Turns texts into log(1 + count) of each multilingual cue group: a sparse (n, groups) matrix.

    Fitting keeps the patterns (`patterns_`, one JSON string: as a tree of strings they tripled the size of
    a stored model), so a model stored by one release reads text with the words it was trained on after a
    later release edits CUES. Models fitted before it kept them have `groups_` only and read with this
    release's patterns of those groups."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, X: Iterable[str], y: object = None) -> CueLexicon:
        lexicon = current_lexicon()
        self.patterns_ = json.dumps(lexicon)
        self.groups_ = tuple(name for name, _ in lexicon)
        self.n_features_in_ = 1
        return self

    def _lexicon(self) -> Lexicon:
        kept: str | None = getattr(self, "patterns_", None)
        return current_lexicon(self.groups_) if kept is None else _parsed(kept)

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        lexicon = self._lexicon()
        rows = [[self.scale * math.log1p(c) for c in lexicon_counts(text, lexicon)] for text in X]
        return sp.csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(rows), len(self.groups_)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray([f"cue:{name}" for name in self.groups_], dtype=object)
