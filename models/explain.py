"""Why a passage got its scores: the terms whose weight × value pushed each label up or down.

For a linear model the score of a label is a sum over features of coefficient × feature value, so each
feature's share is exact. Character n-grams are not readable on their own; their shares are handed to the
words they were cut from (split evenly when a piece occurs in several words), so the explanation speaks in
words a person can find in the passage.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from models.classifier import StrategyClassifier
from models.cues import fold
from models.labels import LABELS

_WORD = re.compile(r"\w+")
# What the passage's sentence-encoder vector adds up to, in explanations of a model that uses it.
MEANING_TERM = "[passage meaning]"


@dataclass(frozen=True)
class ExplainBasis:
    """What explaining needs from a fitted classifier, computed once per model."""

    names: np.ndarray  # feature names, FeatureUnion-prefixed ("word__...", "char__...", "cues__...")
    coef: np.ndarray  # (3, n_features)
    char_analyzer_range: tuple[int, int] | None
    intercepts: tuple[float | None, ...]  # per label: the linear score of a passage without a feature


def explain_basis(model: StrategyClassifier) -> ExplainBasis:
    """Feature names and per-label coefficients of a fitted model."""
    union = model.pipeline_.named_steps["features"]
    char = dict(union.transformer_list).get("char")
    ngram_range = char.ngram_range if isinstance(char, TfidfVectorizer) else None
    intercepts = tuple(model.label_intercepts())
    return ExplainBasis(union.get_feature_names_out(), model.label_coefficients(), ngram_range, intercepts)


def _char_owners(text: str, ngram_range: tuple[int, int]) -> dict[str, list[str]]:
    """Each char_wb n-gram of `text` -> the words (accent-folded) it was cut from, as the vectorizer cuts."""
    owners: dict[str, list[str]] = defaultdict(list)
    low, high = ngram_range
    for token in fold(text).split():
        padded = f" {token} "
        word = "".join(_WORD.findall(token)) or token
        for n in range(low, high + 1):
            for start in range(len(padded) - n + 1):
                owners[padded[start : start + n]].append(word)
    return owners


def term_contributions(model: StrategyClassifier, basis: ExplainBasis, text: str) -> list[dict[str, float]]:
    """Per label, each term's contribution to the decision score for `text`."""
    return _shares(model, basis, text)[0]


def _shares(
    model: StrategyClassifier, basis: ExplainBasis, text: str
) -> tuple[list[dict[str, float]], list[float]]:
    """Per label, each term's contribution to the decision score for `text`, and the offset that is no
    term of the passage (a model retrained with --augment: the team examples' flag, set for every text)."""
    row = model.pipeline_.named_steps["features"].transform([text]).tocsr()
    owners = _char_owners(text, basis.char_analyzer_range) if basis.char_analyzer_range else {}
    surface = {fold(w): w for w in reversed(_WORD.findall(text))}
    result: list[dict[str, float]] = [defaultdict(float) for _ in LABELS]
    offsets = [0.0 for _ in LABELS]
    for index, value in zip(row.indices, row.data, strict=True):
        kind, _, name = str(basis.names[index]).partition("__")
        if kind == "domain":  # the team flag: a per-model offset, not a term of the passage
            for j in range(len(LABELS)):
                offsets[j] += float(basis.coef[j, index] * value)
            continue
        if kind == "meaning":  # the sentence encoder's dimensions are not words: one share for all of them
            targets = [(MEANING_TERM, 1.0)]
        elif kind == "char":
            words = owners.get(name) or [name.strip()]
            targets = [(w, 1.0 / len(words)) for w in words]
        elif kind == "word":
            targets = [(" ".join(surface.get(part, part) for part in name.split()), 1.0)]
        else:
            targets = [(name, 1.0)]
        for j in range(len(LABELS)):
            share = float(basis.coef[j, index] * value)
            for term, fraction in targets:
                key = surface.get(term, term) if kind == "char" else term
                result[j][key] += share * fraction
    return [dict(r) for r in result], offsets


def explain_text(
    model: StrategyClassifier, basis: ExplainBasis, text: str, k: int = 5
) -> dict[str, dict[str, Any]]:
    """{label: {"up": [(term, weight), ...], "down": [...], "base": b, "rest": r}}: the k strongest terms
    each way, in the linear score's units; `base` is the score of a passage without a feature (the model's
    intercept, with a retrained --augment model's team offset) and `rest` the sum of every term not listed,
    so base + up + down + rest is the passage's linear score. For the logistic-regression designs (the
    shipped one among them) that score is log-odds, and the passage's own probability 1 / (1 + e^-score);
    the SVM design's calibration maps it to a probability its own way. A label absent from training has
    no base (None): its score is a constant."""
    explanation: dict[str, dict[str, Any]] = {}
    shares, offsets = _shares(model, basis, text)
    for label, contributions, base, offset in zip(LABELS, shares, basis.intercepts, offsets, strict=True):
        ranked = sorted(contributions.items(), key=lambda item: (-item[1], item[0]))
        up = [(term, w) for term, w in ranked if w > 0][:k]
        down = [(term, w) for term, w in reversed(ranked) if w < 0][:k]
        rest = sum(contributions.values()) - sum(w for _, w in up) - sum(w for _, w in down)
        explanation[label] = {
            "up": [(term, round(w, 4)) for term, w in up],
            "down": [(term, round(w, 4)) for term, w in down],
            "base": round(base + offset, 4) if base is not None else None,
            "rest": round(rest, 4),
        }
    return explanation
