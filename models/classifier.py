"""StrategyClassifier: the multi-label passage classifier, a scikit-learn estimator.

Features (word n-grams, character n-grams, the multilingual cue lexicon, optionally the passage's
multilingual sentence-encoder vector) feed one binary linear model per
label; a model retrained with `citsec retrain --augment` also gets the domain augmentation of
models.domain. Each
label's decision threshold is chosen on out-of-fold probabilities from cross-validation on the training
data, so the thresholds never see the data the model is judged on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from models.cues import CueLexicon
from models.domain import DomainAugment, TeamFlag, fold_coefficients
from models.embedding import PassageMeaning
from models.errors import ModelError
from models.labels import LABELS

FEATURE_SETS = ("word", "word+char", "word+cues", "word+char+cues", "cues", "word+cues+meaning")
ALGORITHMS = ("logreg", "svm")
# Thresholds are searched on a grid: finer steps would only fit noise in a few hundred out-of-fold scores.
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def f1_at(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """F1 of the binary decision `scores >= threshold` against 0/1 `y_true`."""
    predicted = scores >= threshold
    tp = int(np.sum(predicted & (y_true == 1)))
    denominator = int(np.sum(predicted)) + int(np.sum(y_true == 1))
    return 0.0 if denominator == 0 else 2 * tp / denominator


def choose_threshold(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The grid threshold with the best F1; ties go to the one nearest 0.5 (the least surprising)."""
    f1s = np.array([f1_at(y_true, scores, t) for t in THRESHOLD_GRID])
    best = np.flatnonzero(np.isclose(f1s, f1s.max()))
    return float(THRESHOLD_GRID[best[np.argmin(np.abs(THRESHOLD_GRID[best] - 0.5))]])


def build_features(features: str, cue_scale: float = 1.0, domain_adapt: bool = False) -> FeatureUnion:
    """The feature union named by `features` (one of FEATURE_SETS); cue values are scaled by `cue_scale`;
    `domain_adapt` appends the team flag column that DomainAugment reads (models.domain)."""
    if features not in FEATURE_SETS:
        raise ModelError(f"unknown feature set {features!r} (expected one of {', '.join(FEATURE_SETS)})")
    parts: list[tuple[str, object]] = []
    if "word" in features:
        word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", min_df=2)
        parts.append(("word", word))
    if "char" in features:
        parts.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    strip_accents="unicode",
                    min_df=2,
                ),
            )
        )
    if "cues" in features:
        parts.append(("cues", CueLexicon(scale=cue_scale)))
    if "meaning" in features:
        parts.append(("meaning", PassageMeaning()))
    if domain_adapt:
        parts.append(("domain", TeamFlag()))
    return FeatureUnion(parts)


def build_head(algorithm: str, C: float, class_weight: str | None, random_state: int) -> OneVsRestClassifier:
    """One binary probabilistic linear model per label."""
    if algorithm == "logreg":
        base: object = LogisticRegression(
            C=C, class_weight=class_weight, solver="liblinear", random_state=random_state, max_iter=1000
        )
    elif algorithm == "svm":
        # LinearSVC gives margins, not probabilities: sigmoid calibration on inner folds turns them into p.
        base = CalibratedClassifierCV(
            LinearSVC(C=C, class_weight=class_weight, random_state=random_state), method="sigmoid", cv=3
        )
    else:
        raise ModelError(f"unknown algorithm {algorithm!r} (expected one of {', '.join(ALGORITHMS)})")
    return OneVsRestClassifier(base)


class StrategyClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label strategy classifier: fit(texts, Y (n, 3) 0/1) -> self; predict_proba -> (n, 3)."""

    def __init__(
        self,
        features: str = "word+cues",
        algorithm: str = "logreg",
        C: float = 1.0,
        cue_scale: float = 1.0,
        class_weight: str | None = "balanced",
        cv_folds: int = 5,
        random_state: int = 0,
        domain_adapt: bool = False,
    ) -> None:
        self.features = features
        self.algorithm = algorithm
        self.C = C
        self.cue_scale = cue_scale
        self.class_weight = class_weight
        self.cv_folds = cv_folds
        self.random_state = random_state
        self.domain_adapt = domain_adapt

    def _pipeline(self) -> Pipeline:
        features = ("features", build_features(self.features, self.cue_scale, self.domain_adapt))
        head = ("head", build_head(self.algorithm, self.C, self.class_weight, self.random_state))
        if self.domain_adapt:  # seed (SeedText) and team (plain str) examples: see models.domain
            return Pipeline([features, ("augment", DomainAugment()), head])
        return Pipeline([features, head])

    def out_of_fold_proba(self, X: Sequence[str], Y: np.ndarray) -> np.ndarray:
        """Probabilities for each training passage from a model that did not see it (K-fold CV)."""
        folds = KFold(n_splits=self.cv_folds, shuffle=True, random_state=self.random_state)
        proba = cross_val_predict(self._pipeline(), list(X), Y, cv=folds, method="predict_proba")
        return np.asarray(proba, dtype=np.float64)

    def fit(self, X: Sequence[str], Y: np.ndarray, oof_proba: np.ndarray | None = None) -> StrategyClassifier:
        """Learn thresholds from out-of-fold probabilities, then fit the pipeline on all of X.

        `oof_proba` may pass in what `out_of_fold_proba(X, Y)` returns, to save recomputing it."""
        texts = list(X)
        targets = np.asarray(Y, dtype=np.int64)
        if targets.ndim != 2 or targets.shape != (len(texts), len(LABELS)):
            raise ModelError(f"Y must be a 0/1 matrix of shape ({len(texts)}, {len(LABELS)})")
        if len(texts) < 2 * self.cv_folds:
            raise ModelError(f"need at least {2 * self.cv_folds} training passages, got {len(texts)}")
        oof = self.out_of_fold_proba(texts, targets) if oof_proba is None else np.asarray(oof_proba)
        self.thresholds_ = np.array([choose_threshold(targets[:, j], oof[:, j]) for j in range(len(LABELS))])
        self.cv_f1_ = np.array(
            [f1_at(targets[:, j], oof[:, j], self.thresholds_[j]) for j in range(len(LABELS))]
        )
        self.pipeline_ = clone(self._pipeline()).fit(texts, targets)
        self.classes_ = np.array(LABELS, dtype=object)
        self.n_training_ = len(texts)
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """(n, 3) probability per label, columns in LABELS order."""
        return np.asarray(self.pipeline_.predict_proba(list(X)), dtype=np.float64)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """(n, 3) 0/1 decisions: probability at or above each label's cross-validated threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(np.int64)

    def label_coefficients(self) -> np.ndarray:
        """(3, n_features) linear weights per label (averaged over calibration folds for the SVM), one per
        column of the feature union; a domain-adapted model's weights are those applied to the team's text."""
        rows = self._per_label("coef_")
        width = next((len(r) for r in rows if r is not None), 0)
        coef = np.vstack([r if r is not None else np.zeros(width) for r in rows])
        return fold_coefficients(coef) if self.domain_adapt else coef

    def label_intercepts(self) -> list[float | None]:
        """Per label, the linear score of a passage without a feature (averaged over calibration folds for
        the SVM); None for a label absent from training (a constant predictor)."""
        return [float(value[0]) if value is not None else None for value in self._per_label("intercept_")]

    def _per_label(self, attribute: str) -> list[np.ndarray | None]:
        """Each label's linear model's `attribute` ("coef_", "intercept_") as a flat array, averaged over
        calibration folds for the SVM; None for a label absent from training (a constant predictor, which no
        term moves)."""
        values: list[np.ndarray | None] = []
        for estimator in self.pipeline_.named_steps["head"].estimators_:
            if isinstance(estimator, CalibratedClassifierCV):
                folds = [np.ravel(getattr(c.estimator, attribute)) for c in estimator.calibrated_classifiers_]
                values.append(np.mean(folds, axis=0))
            elif hasattr(estimator, attribute):
                values.append(np.ravel(getattr(estimator, attribute)))
            else:
                values.append(None)
        return values
