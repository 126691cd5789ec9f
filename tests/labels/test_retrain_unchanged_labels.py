"""Retraining on labels that have not changed since the last retrain: training is deterministic, so the
version the same examples and settings trained before is taken, not stored again.

A review: a weekly `citsec schedule --retrain-cron` with no new label stored an identical model (its
artifact, a few megabytes) under a new version every week, and `models list` grew with copies."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import update

from corpus import Corpus
from corpus.schema import ModelVersion
from models.classifier import StrategyClassifier
from models.registry import FINGERPRINT
from models.retrain import RetrainConfig, retrain
from models.retrain_report import format_result
from models.topic import older_label_rules

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
        f"took {first.version}, which the same training examples and settings trained before (no new version "
        "stored; labels added since, if any, are held out): "
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


def test_a_reused_version_is_judged_again_and_relabels_under_newer_rules(
    filled: Corpus, config: RetrainConfig
) -> None:
    ids = [row.id for row in filled.passages()]
    for pid in ids[::2]:
        filled.add_labels(pid, ["transnational"], annotator="tester")
    stored = retrain(filled, "never", config)
    row = filled.model_version(stored.version)
    assert row is not None and row.metrics["decision"] == stored.decision.reason
    # Taken again and promoted: models list shows this judgment, not the first.
    again = retrain(filled, "always", config, fit_candidate=_never_fit)
    assert again.reused and again.reclassified == len(ids)
    row = filled.model_version(stored.version)
    assert row is not None and row.metrics["decision"] == again.decision.reason != stored.decision.reason
    # Its stored labels given by older rules (a newer citsec): taking it again labels the store again.
    filled.set_label_rules(stored.version, "1")
    newer = retrain(filled, "always", config, fit_candidate=_never_fit)
    assert newer.reused and newer.reclassified == len(ids)
    assert older_label_rules(filled, stored.version) is None


def test_a_reused_version_that_cannot_be_loaded_is_trained_again(
    filled: Corpus, config: RetrainConfig, caplog: pytest.LogCaptureFixture
) -> None:
    filled.add_labels(next(filled.passages()).id, ["prevention"], annotator="tester")
    first = retrain(filled, "never", config)
    with filled.engine.begin() as conn:  # its artifact damaged: the recorded checksum no longer matches
        damaged = update(ModelVersion).where(ModelVersion.version == first.version)
        conn.execute(damaged.values(artifact=b"PK\x03\x04 junk"))
    with caplog.at_level(logging.WARNING, logger="models.retrain"):
        again = retrain(filled, "never", config)
    assert not again.reused and again.version != first.version
    assert f"trained {first.version} before, but it cannot be loaded" in caplog.text
    # The new fit has the same fingerprint and is the one taken from now on.
    assert retrain(filled, "never", config, fit_candidate=_never_fit).version == again.version
