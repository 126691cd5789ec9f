"""Retraining with promotion labels every passage with the new model by this citsec's labeling rules, and
the store records them (models.topic.LABEL_RULES_VERSION)."""

from __future__ import annotations

from corpus import Corpus
from models.retrain import RetrainConfig, retrain
from models.topic import LABEL_RULES_VERSION, older_label_rules


def test_a_promoted_retrain_records_this_citsecs_rules(filled: Corpus, config: RetrainConfig) -> None:
    old = filled.promoted_model()
    assert old is not None
    filled.set_label_rules(old.version, "1")  # its predictions were made by an older citsec's rules
    assert older_label_rules(filled) == "1"
    for pid in [row.id for row in filled.passages()][::2]:
        filled.add_labels(pid, ["transnational"], annotator="tester")

    result = retrain(filled, "always", config)

    assert result.decision.promote and result.reclassified > 0
    assert filled.label_rules() == filled.label_rules(result.version) == LABEL_RULES_VERSION
    assert older_label_rules(filled) is None
    assert filled.label_rules(old.version) == "1"  # its own predictions are still the older rules'
