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
