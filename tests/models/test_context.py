"""A passage read in its report: scores blended with the report's upper-quartile scores."""

from __future__ import annotations

import numpy as np
import pytest

from models.context import CONTEXT_QUANTILE, CONTEXT_WEIGHT, blend, in_context, report_context
from models.errors import ModelError
from models.registry import LoadedModel

# Written for these tests: one report about a crackdown, and a passage that says little on its own.
CRACKDOWN = [
    "Soldiers and federal police raided three towns at dawn, arrested 40 suspected cartel members and "
    "seized rifles and two tons of cocaine, as the government extended the military deployment.",
    "Prosecutors charged the detained commanders with homicide and drug trafficking; the interior minister "
    "promised tougher prison sentences and more troops for the state.",
    "The army's elite units captured the cartel's regional leader in a night operation, the third kingpin "
    "arrested this year under the government's security strategy.",
]
VAGUE = (
    "Residents of the town say the streets are safer now, though many shops remain closed and few "
    "families have returned to the houses they left last year."
)


def test_a_report_lends_its_upper_quartile_to_its_passages():
    proba = np.array([[0.9, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.5]])
    context = report_context(proba)
    np.testing.assert_allclose(context, np.quantile(proba, CONTEXT_QUANTILE, axis=0))
    blended = in_context(proba, ["r"] * 5)
    np.testing.assert_allclose(blended, (1 - CONTEXT_WEIGHT) * proba + CONTEXT_WEIGHT * context)
    # One stray high passage in five barely moves the others; the upper quartile is 0.1 here.
    assert context[0] == pytest.approx(0.1) and blended[1, 0] == pytest.approx(0.1)


def test_reports_do_not_mix_and_a_single_passage_keeps_its_scores():
    proba = np.array([[0.9, 0.2], [0.8, 0.3], [0.1, 0.7]])
    blended = in_context(proba, ["a", "a", "b"])
    np.testing.assert_allclose(blended[2], proba[2])
    np.testing.assert_allclose(blended[:2], blend(proba[:2], report_context(proba[:2])))
    # Keys are grouped wherever they sit in the list, not by runs.
    shuffled = in_context(proba[[0, 2, 1]], ["a", "b", "a"])
    np.testing.assert_allclose(shuffled, blended[[0, 2, 1]])


def test_one_key_per_passage():
    with pytest.raises(ValueError, match="2 report keys for 3 passages"):
        in_context(np.zeros((3, 3)), ["a", "b"])


def test_predict_reads_passages_in_their_report(fitted):
    model = LoadedModel("test", fitted)
    texts = [*CRACKDOWN, VAGUE]
    alone = model.predict(texts)
    together = model.predict(texts, reports=["crackdown"] * 4)
    separate = model.predict(texts, reports=[0, 0, 0, 1])
    assert [p.scores for p in separate[3:]] == [p.scores for p in alone[3:]]
    # The vague passage's enforcement score rises toward the crackdown report's.
    assert together[3].scores["enforcement"] > alone[3].scores["enforcement"]
    assert all(p.scores["enforcement"] >= 0.5 for p in alone[:3])
    # Each prediction read in a report keeps both sides of its blend; one read alone has none.
    assert all(p.context is None for p in alone)
    for read, own in zip(together, alone, strict=True):
        assert read.context is not None and read.context["passage"] == own.scores
        for label, score in read.scores.items():
            mixed = (1 - CONTEXT_WEIGHT) * own.scores[label] + CONTEXT_WEIGHT * read.context["report"][label]
            assert score == pytest.approx(mixed, abs=2e-4)


def test_with_contexts_blends_passages_whose_report_context_is_known():
    from models.context import with_contexts

    proba = np.array([[0.2, 0.4], [0.6, 0.1], [0.3, 0.3]])
    contexts = {"a": np.array([1.0, 0.0])}
    out = with_contexts(proba, ["a", None, "b"], contexts)
    np.testing.assert_allclose(out[0], blend(proba[0], contexts["a"]))
    np.testing.assert_allclose(out[1:], proba[1:])  # no key, or a key without a context: its own scores


# A reference list whose titles are all about crackdowns (written for this test).
REFERENCES = (
    "Ruiz, A. (2015). Soldiers in the streets: militarized raids, mass arrests and kingpin captures in "
    "Mexico. Journal of Policing Studies, 12(3), 45-67. Torres, B. (2018). Tougher sentences, more troops: "
    "the cartel crackdown and its prisons. Security Review, 9(1), 1-20."
)


def test_a_reference_list_is_scored_but_never_labeled_nor_lends_its_report_context(fitted):
    model = LoadedModel("test", fitted)
    texts = [VAGUE, REFERENCES, REFERENCES, REFERENCES]
    alone = model.predict(texts)
    assert "enforcement" in alone[1].labels  # read as prose, its titles would label it
    read = model.predict(texts, reports=["r"] * 4, kinds=["text", "reference", "reference", "reference"])
    assert [p.labels for p in read[1:]] == [[], [], []]
    assert read[1].scores == alone[1].scores and read[1].context is None
    # The vague passage is read as if the list were not there: as the only passage of its report.
    assert read[0].scores == model.predict([VAGUE], reports=["r"])[0].scores == alone[0].scores
    with pytest.raises(ModelError, match="1 kinds for 4 texts"):
        model.predict(texts, kinds=["text"])
