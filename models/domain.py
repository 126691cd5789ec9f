"""Learning a team's judgment on top of the seed set: feature augmentation for domain adaptation.

The seed passages are hand-written; a team's labels are on its own real reports. Training one linear
model on both, with the team's examples merely repeated, lets the thousands of seed examples outvote what
the team's labels say about real text. Feature augmentation (Daumé III, "Frustratingly Easy Domain
Adaptation", 2007) gives every feature three copies: a shared one, one that only seed examples light up
and one that only the team's examples light up. The shared weights learn what both agree on; the team
copy learns where the team's text and judgment differ from the seed set. Every stored passage is the
team's real text, so predictions always use the shared + team copies.

    texts = [SeedText(t) for t in seed_texts] + human_texts   # plain str = the team's text
    Pipeline([("features", FeatureUnion([..., ("domain", TeamFlag())])), ("augment", DomainAugment()), ...])

A plain `str` counts as the team's text, so nothing changes for callers at prediction time.

Retraining uses it only when asked (`citsec retrain --augment`): on the real gold labels, which follow
the seed set's convention, plain repetition did better (models/retrain.py says by how much); it is for a
team whose judgment departs from the seed set's.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin


class SeedText(str):
    """A passage from the hand-written seed set (the general domain); any other str is the team's text."""

    __slots__ = ()


class TeamFlag(TransformerMixin, BaseEstimator):
    """One column: 1.0 for the team's text, 0.0 for a SeedText. Goes last in the feature union."""

    def fit(self, X: Iterable[str], y: object = None) -> TeamFlag:
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        flags = [0.0 if isinstance(text, SeedText) else 1.0 for text in X]
        return sp.csr_matrix(np.asarray(flags, dtype=np.float64).reshape(-1, 1))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray(["team"], dtype=object)


class DomainAugment(TransformerMixin, BaseEstimator):
    """[features | flag] -> [shared copy | seed-only copy | team-only copy | flag]."""

    def fit(self, X: sp.spmatrix, y: object = None) -> DomainAugment:
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: sp.spmatrix) -> sp.csr_matrix:
        X = sp.csr_matrix(X)
        flag = X[:, -1]
        base = X[:, :-1]
        team = sp.diags(flag.toarray().ravel()) @ base
        return sp.hstack([base, base - team, team, flag], format="csr")


def fold_coefficients(coef: np.ndarray) -> np.ndarray:
    """(labels, 3n + 1) augmented weights -> (labels, n + 1): what each feature weighs on the team's text
    (shared + team copy), then the flag's own weight, in the feature union's column order."""
    n = (coef.shape[1] - 1) // 3
    return np.hstack([coef[:, :n] + coef[:, 2 * n:3 * n], coef[:, -1:]])
