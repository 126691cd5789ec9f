"""Retraining on labels that have not changed since the last retrain: training is deterministic, so the
version the same examples and settings trained before is taken, not stored again.

A review: a weekly `citsec schedule --retrain-cron` with no new label stored an identical model (its
artifact, a few megabytes) under a new version every week, and `models list` grew with copies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from corpus import Corpus
from models.classifier import StrategyClassifier
from models.registry import FINGERPRINT
from models.retrain import RetrainConfig, retrain
from models.retrain_report import format_result

Cli = Callable[..., tuple[int, str, str]]


def _versions(corpus: Corpus) -> list[str]:
    return [row.version for row in corpus.model_versions()]


def _never_fit(*_: object) -> tuple[StrategyClassifier, float]:
    raise AssertionError("fitted again")


def test_unchanged_labels_take_the_version_they_trained_before(filled: Corpus, config: RetrainConfig) -> None:
    ids = [row.id for row in filled.passages()]
    for pid in ids[::2]:
        filled.add_labels(pid, ["transnational"], annotator="tester")
    first = retrain(filled, "always", config)
    assert not first.reused and first.reclassified == len(ids)
    versions = _versions(filled)
    row = filled.model_version(first.version)
    assert row is not None and len(row.metrics[FINGERPRINT]) == 64

    again = retrain(filled, "always", config, fit_candidate=_never_fit)  # loaded, not fitted again
    assert again.reused and again.version == first.version == again.promoted
    assert again.cv_macro_f1 == first.cv_macro_f1 and again.new_holdout == first.new_holdout
    assert again.reclassified == 0  # it labels the store already
    assert _versions(filled) == versions
    assert format_result(again).startswith(
        f"the same examples and settings trained {first.version} before (no new version stored): "
    )
    assert again.to_json()["reused"] is True

    # Rolled back, the same labels promote it again, re-classifying every passage.
    filled.promote(first.previous)
    back = retrain(filled, "always", config, fit_candidate=_never_fit)
    assert back.reused and back.version == first.version and back.reclassified == len(ids)
    assert filled.promoted_model().version == first.version  # type: ignore[union-attr]

    # One more label, or another human weight: another model.
    filled.add_labels(ids[1], ["prevention"], annotator="tester")
    changed = retrain(filled, "never", config)
    assert not changed.reused and changed.version not in versions
    heavier = retrain(filled, "never", replace(config, human_weight=config.human_weight + 1))
    assert not heavier.reused and heavier.version not in (*versions, changed.version)
    assert len(_versions(filled)) == len(versions) + 2
