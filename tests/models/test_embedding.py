"""Passage-meaning features: the multilingual sentence encoder as a transformer, and a model that uses it."""

from __future__ import annotations

import numpy as np
import pytest
from small_model import seed_slice

from models.artifacts import dump_model, load_model_bytes
from models.classifier import StrategyClassifier
from models.embedding import DIMENSIONS, PassageMeaning, passage_encoder
from models.explain import MEANING_TERM, explain_basis, term_contributions
from models.labels import labels_to_matrix
from models.retrain import retrain_config, retrain_design
from models.training import DESIGNS

EN = "The government launched a job training programme for young people in the poorest neighbourhoods."
ES = "El gobierno lanzó un programa de capacitación laboral para jóvenes en los barrios más pobres."
PT = "O governo lançou um programa de formação profissional para jovens nos bairros mais pobres."
OTHER = "Navy patrols seized two tons of cocaine from a semi-submersible off the Pacific coast."


def test_vectors_are_unit_length_scaled_and_the_same_for_the_same_text() -> None:
    matrix = PassageMeaning(scale=2.0).fit([EN]).transform([EN, OTHER, EN])
    vectors = matrix.toarray()
    assert vectors.shape == (3, DIMENSIONS)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 2.0, rtol=1e-4)
    np.testing.assert_array_equal(vectors[0], vectors[2])


def test_a_translation_lies_closer_than_another_topic_in_every_language_pair() -> None:
    en, es, pt, other = passage_encoder().encode([EN, ES, PT, OTHER])
    for a, b in ((en, es), (en, pt), (es, pt)):
        assert float(a @ b) > float(a @ other) + 0.2
        assert float(a @ b) > float(b @ other) + 0.2


def test_the_cache_gives_back_what_the_encoder_computed_in_any_order() -> None:
    encoder = passage_encoder()
    first = encoder.encode([ES, PT])
    again = encoder.encode([PT, OTHER, ES])
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(again[2], first[0])


def test_an_empty_batch_has_the_width_of_the_vectors() -> None:
    assert PassageMeaning().fit([]).transform([]).shape == (0, DIMENSIONS)


@pytest.fixture(scope="module")
def meaning_model() -> StrategyClassifier:
    taken = seed_slice({"en": 40, "es": 25, "pt": 15})
    design = {**DESIGNS["word+cues+meaning-logreg"], "cv_folds": 3}
    y = labels_to_matrix([p.labels for p in taken])
    return StrategyClassifier(**design).fit([p.text for p in taken], y)


def test_a_model_with_meaning_features_survives_the_safe_artifact_format(
    meaning_model: StrategyClassifier,
) -> None:
    loaded = load_model_bytes(dump_model(meaning_model))
    texts = [EN, ES, OTHER]
    np.testing.assert_allclose(loaded.predict_proba(texts), meaning_model.predict_proba(texts))


def test_explanations_give_the_vector_one_share_named_for_what_it_is(
    meaning_model: StrategyClassifier,
) -> None:
    basis = explain_basis(meaning_model)
    contributions = term_contributions(meaning_model, basis, ES)
    for per_label in contributions:
        assert MEANING_TERM in per_label
        assert not any(term.startswith("meaning") for term in per_label)
    # The shares still add up to the linear score: the vector's 512 dimensions are summed, not dropped.
    features = meaning_model.pipeline_.named_steps["features"].transform([ES])
    head = meaning_model.pipeline_.named_steps["head"]
    for j, estimator in enumerate(head.estimators_):
        score = float(estimator.decision_function(features)[0])
        explained = sum(contributions[j].values()) + float(estimator.intercept_[0])
        assert explained == pytest.approx(score, abs=1e-6)


def test_retraining_designs_are_the_named_ones_with_domain_augmentation_on_request() -> None:
    assert retrain_design("word+cues+meaning-logreg")["features"] == "word+cues+meaning"
    assert retrain_design()["domain_adapt"] is False
    assert retrain_design(augment=True)["domain_adapt"] is True
    # what `citsec retrain [--design D] [--augment]` trains with
    assert retrain_config().design == retrain_design()
    chosen = retrain_config("word+cues+meaning-logreg", augment=True).design
    assert chosen == retrain_design("word+cues+meaning-logreg", augment=True)
    with pytest.raises(Exception, match="unknown design"):
        retrain_design("transformer-xl")
