"""Training recipes: the candidate designs, the shipped one, and the metrics kept with a trained model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sklearn

from models.classifier import StrategyClassifier
from models.labels import LABELS, labels_to_matrix
from models.seed_version import SHIPPED_DESIGN  # with TRAINING_CODE_VERSION: what names the seed model

# The designs compared by `python -m bench.classifier_eval` (CV on the seed set and scores on real text).
DESIGNS: dict[str, dict[str, Any]] = {
    "word-logreg": {"features": "word", "algorithm": "logreg", "C": 4.0},
    "word+char-logreg": {"features": "word+char", "algorithm": "logreg", "C": 4.0},
    "word+char-svm": {"features": "word+char", "algorithm": "svm", "C": 0.5},
    "cues-logreg": {"features": "cues", "algorithm": "logreg", "C": 1.0},
    "word+cues-logreg": {"features": "word+cues", "algorithm": "logreg", "C": 1.0},
    "word+char+cues-logreg": {"features": "word+char+cues", "algorithm": "logreg", "C": 1.0},
    "word+cues+meaning-logreg": {"features": "word+cues+meaning", "algorithm": "logreg", "C": 1.0},
}


def make_classifier(design: str = SHIPPED_DESIGN) -> StrategyClassifier:
    """An unfitted classifier configured as the named design."""
    return StrategyClassifier(**DESIGNS[design])


def train(
    texts: Sequence[str], label_lists: Sequence[Iterable[str]], design: str = SHIPPED_DESIGN
) -> StrategyClassifier:
    """Fit the named design on passages and their label lists (deterministic: same data, same model)."""
    return make_classifier(design).fit(list(texts), labels_to_matrix([list(ls) for ls in label_lists]))


def algorithm_name(model: StrategyClassifier) -> str:
    """A short human description of a model's design, for the registry's `algorithm` column."""
    adapted = " with domain augmentation" if getattr(model, "domain_adapt", False) else ""
    head = f"one-vs-rest {model.algorithm} (sklearn {sklearn.__version__})"
    return f"{model.features} tf-idf{adapted} -> {head}"


def training_metrics(model: StrategyClassifier) -> dict[str, Any]:
    """Cross-validated F1 per label and macro-F1 on the training data, with the thresholds chosen."""
    per_label = {label: round(float(f1), 4) for label, f1 in zip(LABELS, model.cv_f1_, strict=True)}
    return {
        "cv_f1": per_label,
        "cv_macro_f1": round(sum(per_label.values()) / len(per_label), 4),
        "thresholds": {label: float(t) for label, t in zip(LABELS, model.thresholds_, strict=True)},
        "training_size": int(model.n_training_),
    }
