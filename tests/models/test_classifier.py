"""The classifier: deterministic training, thresholds from cross-validation, sensible decisions."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifier import THRESHOLD_GRID, StrategyClassifier, choose_threshold, f1_at
from models.errors import ModelError
from models.labels import LABELS

# Passages that discuss no strategy, written for these tests; they share the field's vocabulary.
NO_STRATEGY = [
    "The survey interviewed 2,400 households in five provinces between March and June; response rates "
    "were lowest in rural districts, and the weights were recalibrated against the 2018 census.",
    "Coffee and banana exports grew by four percent last year while remittances from workers abroad "
    "reached a record share of household income in the western highlands.",
    "La encuesta se aplicó a 1.800 hogares de tres departamentos y el margen de error es de 2,5 puntos; "
    "las preguntas sobre ingresos se formularon en rangos para reducir la falta de respuesta.",
    "O estudo usa dados mensais de 2005 a 2015 sobre preços de alimentos e salários nas regiões "
    "metropolitanas, com correção sazonal e deflator do índice nacional de preços ao consumidor.",
]


def test_two_fits_give_identical_probabilities(training_slice, fitted, test_design):
    again = StrategyClassifier(**test_design).fit(training_slice.texts, training_slice.y)
    probe = training_slice.texts[:40] + NO_STRATEGY
    np.testing.assert_array_equal(again.predict_proba(probe), fitted.predict_proba(probe))
    np.testing.assert_array_equal(again.thresholds_, fitted.thresholds_)


def test_thresholds_are_chosen_on_out_of_fold_probabilities(training_slice, fitted):
    oof = fitted.out_of_fold_proba(training_slice.texts, training_slice.y)
    expected = [choose_threshold(training_slice.y[:, j], oof[:, j]) for j in range(len(LABELS))]
    assert list(fitted.thresholds_) == expected
    # In-sample probabilities are overconfident; thresholds chosen on them would differ.
    in_sample = fitted.predict_proba(training_slice.texts)
    assert not np.allclose(in_sample, oof)


def test_choose_threshold_maximises_f1_and_prefers_the_middle_on_ties():
    y = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.8, 0.9])
    # Any threshold in (0.2, 0.8] separates perfectly; the tie goes to the one nearest 0.5.
    assert choose_threshold(y, scores) == 0.5
    skewed = np.array([0.1, 0.2, 0.25, 0.3])
    t = choose_threshold(y, skewed)
    assert 0.2 < t <= 0.25 and f1_at(y, skewed, t) == 1.0
    assert t in THRESHOLD_GRID


def test_passages_without_strategy_get_no_label(fitted):
    assert fitted.predict(NO_STRATEGY).sum() == 0


def test_clear_passages_get_their_labels(fitted):
    texts = [
        "Police and soldiers raided three neighborhoods at dawn, arrested 40 suspected gang members and "
        "seized rifles, as the government extended the state of emergency for another month.",
        "The municipality opened youth centers offering job training, sports and mentoring to teenagers "
        "at risk of joining gangs, part of a violence prevention plan run with community leaders.",
    ]
    decided = fitted.predict(texts)
    assert decided[0, LABELS.index("enforcement")] == 1
    assert decided[1, LABELS.index("prevention")] == 1
    assert decided[1, LABELS.index("enforcement")] == 0


def test_fit_rejects_a_label_matrix_of_the_wrong_shape(training_slice):
    with pytest.raises(ModelError, match="shape"):
        StrategyClassifier().fit(training_slice.texts, training_slice.y[:, :2])
