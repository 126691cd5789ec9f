"""Domain adaptation for retraining: seed text and the team's text share one copy of every feature and
each has its own, so the team's judgment can differ from the seed set's on the same words."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from models.artifacts import dump_model, load_model_bytes
from models.classifier import StrategyClassifier
from models.domain import DomainAugment, SeedText, TeamFlag, fold_coefficients
from models.explain import explain_basis, explain_text, term_contributions
from models.labels import LABELS

ENFORCEMENT = LABELS.index("enforcement")


def test_augmented_layout_puts_seed_and_team_rows_in_their_own_copies():
    features = sp.csr_matrix(np.array([[1.0, 2.0], [3.0, 4.0]]))
    flags = TeamFlag().fit([]).transform([SeedText("seed passage"), "team passage"])
    out = DomainAugment().fit_transform(sp.hstack([features, flags])).toarray()
    assert out.tolist() == [
        [1.0, 2.0, 1.0, 2.0, 0.0, 0.0, 0.0],  # shared, seed-only, team-only (empty), flag 0
        [3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 1.0],  # shared, seed-only (empty), team-only, flag 1
    ]


def test_folded_weights_are_shared_plus_team_copy():
    coef = np.arange(2 * 7, dtype=float).reshape(2, 7)  # 2 labels, n = 2 features, + flag
    assert fold_coefficients(coef).tolist() == [[0 + 4, 1 + 5, 6], [7 + 11, 8 + 12, 13]]


@pytest.fixture(scope="module")
def team_disagrees(training_slice, test_design):
    """The seed slice as seed text, plus the team's copies of its enforcement passages labeled none."""
    enforcement = [i for i, row in enumerate(training_slice.y) if row[ENFORCEMENT]][:40]
    team_texts = [training_slice.texts[i] for i in enforcement]
    texts = [SeedText(t) for t in training_slice.texts] + team_texts * 3
    y = np.vstack([training_slice.y] + [np.zeros((len(team_texts), len(LABELS)), dtype=np.int64)] * 3)
    model = StrategyClassifier(**{**test_design, "domain_adapt": True}).fit(texts, y)
    return model, team_texts


def test_team_copy_learns_where_the_team_disagrees_with_the_seed(team_disagrees):
    model, team_texts = team_disagrees
    as_team = model.predict_proba(team_texts)[:, ENFORCEMENT]
    as_seed = model.predict_proba([SeedText(t) for t in team_texts])[:, ENFORCEMENT]
    # The same words: as the team's text they read as no strategy, as seed text still as enforcement.
    assert np.mean(as_team < model.thresholds_[ENFORCEMENT]) > 0.9
    assert np.mean(as_seed >= model.thresholds_[ENFORCEMENT]) > 0.9


def test_adapted_model_round_trips_through_skops(team_disagrees):
    model, team_texts = team_disagrees
    loaded = load_model_bytes(dump_model(model))
    assert np.allclose(loaded.predict_proba(team_texts), model.predict_proba(team_texts))


def test_adapted_explanation_shares_add_up_to_the_team_score(team_disagrees):
    model, team_texts = team_disagrees
    text = team_texts[0]
    shares = term_contributions(model, explain_basis(model), text)
    augmented = model.pipeline_[:-1].transform([text])
    for j, estimator in enumerate(model.pipeline_.named_steps["head"].estimators_):
        team_offset = float(estimator.coef_[0, -1])  # the flag's weight: not a term of the passage
        margin = float(estimator.decision_function(augmented)[0] - estimator.intercept_[0]) - team_offset
        assert np.isclose(sum(shares[j].values()), margin)
    explanation = explain_text(model, explain_basis(model), text)
    assert all("team" not in dict(explanation[label]["up"] + explanation[label]["down"]) for label in LABELS)


def test_registry_algorithm_names_the_augmentation(team_disagrees, fitted):
    from models.training import algorithm_name

    model, _ = team_disagrees
    assert "domain augmentation" in algorithm_name(model)
    assert "domain augmentation" not in algorithm_name(fitted)


def test_adapted_explanation_base_carries_the_team_offset(team_disagrees):
    # base + up + down + rest is the passage's log-odds for a model retrained with --augment too: its team
    # flag's weight, set for every text it scores, is part of the base (a code review: it was left out).
    model, team_texts = team_disagrees
    for text in team_texts[:3]:
        explanation = explain_text(model, explain_basis(model), text, k=3)
        proba = model.predict_proba([text])[0]
        for j, label in enumerate(LABELS):
            part = explanation[label]
            score = part["base"] + part["rest"] + sum(w for _, w in part["up"] + part["down"])
            assert np.isclose(1 / (1 + np.exp(-score)), proba[j], atol=2e-4), label
