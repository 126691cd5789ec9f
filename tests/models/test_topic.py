"""A passage that never speaks of security gets no strategy label, whatever its scores (models.topic)."""

from __future__ import annotations

import numpy as np
import pytest

from models.context import in_context
from models.labels import LABELS
from models.registry import LoadedModel
from models.retrain import Example, score
from models.topic import no_label_rule, off_topic

# Written for these tests. A programme paragraph in the words of youth prevention, without a word of
# crime: the seed model scores it prevention, as it scores pension and mining paragraphs of presidential
# programmes. Next to it, passages of a report about a crackdown.
YOUTH_CENTRES = (
    "The programme will strengthen community centres, sports leagues and job training for young people in "
    "poor neighbourhoods, with funding from USAID and the Inter-American Development Bank."
)
CRACKDOWN = [
    "Soldiers and federal police raided three towns at dawn, arrested 40 suspected cartel members and "
    "seized rifles and two tons of cocaine, as the government extended the military deployment.",
    "Prosecutors charged the detained commanders with homicide and drug trafficking; the interior minister "
    "promised tougher prison sentences and more troops for the state.",
]


def test_a_passage_without_a_security_word_is_scored_but_not_labeled(fitted):
    own = fitted.predict_proba([YOUTH_CENTRES])[0]
    assert (own >= fitted.thresholds_).any()  # the scores alone would label it
    assert off_topic([YOUTH_CENTRES, *CRACKDOWN]) == [True, False, False]
    model = LoadedModel("test", fitted)
    alone, *crackdown = model.predict([YOUTH_CENTRES, *CRACKDOWN])
    assert alone.labels == [] and list(alone.scores.values()) == pytest.approx(list(own), abs=1e-4)
    assert all(p.labels for p in crackdown)


def test_a_passage_naming_a_security_programme_is_labeled_without_a_security_word(fitted):
    # A user-journey review: "Plan Colombia was funded by the United States." scored transnational 0.90 with
    # the seed model and got no label, the programme being no security word.
    funded = "Plan Colombia was funded by the United States through the State Department and USAID."
    assert off_topic([funded, YOUTH_CENTRES]) == [False, True]
    model = LoadedModel("test", fitted)
    own = fitted.predict_proba([funded])[0]
    (prediction,) = model.predict([funded])
    by_scores = [name for name, s, t in zip(LABELS, own, fitted.thresholds_, strict=True) if s >= t]
    assert by_scores and prediction.labels == by_scores


def test_an_off_topic_passage_is_read_in_its_report_like_any_other_but_not_labeled(fitted):
    # Only the labels change: leaving such passages out of their report's context too lifted the context of
    # the rest, and gave labels to tables and captions of the UNODC reports (a review's finding).
    model = LoadedModel("test", fitted)
    texts = [YOUTH_CENTRES, *CRACKDOWN]
    read = model.predict(texts, reports=["r"] * 3)
    expected = in_context(fitted.predict_proba(texts), ["r"] * 3)
    for prediction, row in zip(read, expected, strict=True):
        assert list(prediction.scores.values()) == pytest.approx(list(row), abs=1e-4)
    assert read[0].labels == [] and read[0].context is not None
    assert (expected[0] >= fitted.thresholds_).any()  # its blended scores would label it


def test_retrain_judges_models_as_the_store_labels(fitted):
    # The held-out judgment and `models evaluate` read an off-topic passage as predict does: no label, so
    # a person's "none" on it is right and a person's label on it is missed.
    raid = Example(CRACKDOWN[0], ("enforcement",), "en", "import")
    examples = [Example(YOUTH_CENTRES, (), "en", "import"), raid]
    judged = score(fitted, examples)
    assert judged is not None and judged.per_label["prevention"].f1 == 1.0  # no false prevention
    labeled = [Example(YOUTH_CENTRES, ("prevention",), "en", "import"), raid]
    missed = score(fitted, labeled)
    assert missed is not None and missed.per_label["prevention"].f1 == 0.0
    assert np.isfinite(missed.macro_f1)


def test_no_label_rule_names_the_first_rule_that_leaves_a_text_unlabeled():
    assert no_label_rule(CRACKDOWN[0]) is None and no_label_rule(CRACKDOWN[0], "text") is None
    assert no_label_rule(CRACKDOWN[0], "reference") == "reference list"
    assert no_label_rule(YOUTH_CENTRES) == "no word of security"
    assert no_label_rule(CRACKDOWN[0], "table") == "table or listing"
    assert no_label_rule(YOUTH_CENTRES, "reference") == "reference list"


def test_each_prediction_names_the_rule_that_left_it_unlabeled(fitted):
    model = LoadedModel("test", fitted)
    youth, crackdown, table = model.predict([YOUTH_CENTRES, *CRACKDOWN], kinds=["text", "text", "table"])
    assert (youth.no_label_rule, crackdown.no_label_rule, table.no_label_rule) == (
        "no word of security", None, "table or listing",
    )
    assert youth.labels == [] and crackdown.labels and table.labels == []
