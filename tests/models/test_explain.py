"""Explanations: exact shares of the linear score, spoken in words found in the passage."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifier import StrategyClassifier
from models.explain import explain_basis, explain_text, term_contributions
from models.labels import LABELS

PASSAGE = (
    "Colombia extradited the former commander to the United States, and police arrested twelve "
    "members of his network in raids across Medellín."
)


@pytest.fixture(scope="module")
def char_model(training_slice, test_design):
    """A design with character n-grams, whose shares are handed back to the words they came from."""
    design = {**test_design, "features": "word+char+cues"}
    return StrategyClassifier(**design).fit(training_slice.texts, training_slice.y)


@pytest.mark.parametrize("which", ["fitted", "char_model"])
def test_term_shares_add_up_to_the_linear_score(which, request):
    model = request.getfixturevalue(which)
    basis = explain_basis(model)
    shares = term_contributions(model, basis, PASSAGE)
    features = model.pipeline_.named_steps["features"].transform([PASSAGE])
    for j, estimator in enumerate(model.pipeline_.named_steps["head"].estimators_):
        margin = float(estimator.decision_function(features)[0] - estimator.intercept_[0])
        assert np.isclose(sum(shares[j].values()), margin)


@pytest.mark.parametrize("which", ["fitted", "char_model"])
def test_explanation_names_words_of_the_passage(which, request):
    model = request.getfixturevalue(which)
    explanation = explain_text(model, explain_basis(model), PASSAGE, k=5)
    assert set(explanation) == set(LABELS)
    up = [term for term, _ in explanation["enforcement"]["up"]]
    assert len(up) == 5
    words = PASSAGE.lower()
    # Every term is a word or phrase of the passage, or a named cue of the multilingual lexicon.
    for label in LABELS:
        for term, weight in explanation[label]["up"] + explanation[label]["down"]:
            assert term.startswith("cue:") or term.lower() in words
            assert (weight > 0) == ((term, weight) in explanation[label]["up"])
    enforcement_terms = ("arrested", "police", "raids", "cue:arrest", "cue:police_force", "cue:operation")
    assert any(t in enforcement_terms for t in up)
    trans_up = [term for term, _ in explanation["transnational"]["up"]]
    assert any(t in ("extradited", "cue:extradition", "United States", "cue:united_states") for t in trans_up)


def test_base_terms_and_rest_add_up_to_the_score(fitted):
    # A review could not tell why a passage with a strong cue scored 0.16: the listed terms are a few of
    # many, and the intercept was not shown. base + up + down + rest is the linear score; its sigmoid, the
    # logistic-regression model's probability.
    assert fitted.algorithm == "logreg"
    explanation = explain_text(fitted, explain_basis(fitted), PASSAGE, k=3)
    proba = fitted.predict_proba([PASSAGE])[0]
    for j, label in enumerate(LABELS):
        part = explanation[label]
        assert part["base"] is not None and part["base"] < 0  # a passage without a feature is unlikely
        score = part["base"] + part["rest"] + sum(w for _, w in part["up"] + part["down"])
        assert np.isclose(1 / (1 + np.exp(-score)), proba[j], atol=2e-4), label
