"""A retrain's fingerprint (models.seed_version.fingerprint_of) follows everything the model does: two
fits share it only when they would give the same model, so a retrain may take a stored version instead of
fitting (models.retrain.candidate)."""

from __future__ import annotations

import pytest

import models.seed_version as seed_version
from models.seed_version import fingerprint_of
from models.training import DESIGNS

DESIGN = DESIGNS["word+cues-logreg"]
EXAMPLES = [
    (True, "Soldiers raided the port.", ("enforcement",), 1),
    (False, "Youth centres opened in Soyapango.", ("prevention",), 5),
]


def test_the_same_examples_and_settings_give_the_same_fingerprint() -> None:
    assert fingerprint_of(EXAMPLES, DESIGN) == fingerprint_of(list(EXAMPLES), dict(DESIGN))
    # Labels as a set: the order a file gave them in does not change the model.
    reordered = [(True, "Soldiers raided the port.", ("enforcement",), 1), EXAMPLES[1]]
    assert fingerprint_of(reordered, DESIGN) == fingerprint_of(EXAMPLES, DESIGN)


@pytest.mark.parametrize(
    "changed",
    [
        [(False, *EXAMPLES[0][1:]), EXAMPLES[1]],  # a seed example as a team one (augmentation tells them)
        [(True, "Soldiers raided the port", ("enforcement",), 1), EXAMPLES[1]],  # the text
        [(True, "Soldiers raided the port.", ("enforcement", "transnational"), 1), EXAMPLES[1]],  # labels
        [EXAMPLES[0], (False, *EXAMPLES[1][1:3], 6)],  # the weight
        [EXAMPLES[1], EXAMPLES[0]],  # the order (the CV folds follow it)
        EXAMPLES[:1],  # one example fewer
    ],
    ids=["seed-or-team", "text", "labels", "weight", "order", "fewer"],
)
def test_each_example_counts(changed: list[tuple[bool, str, tuple[str, ...], int]]) -> None:
    assert fingerprint_of(changed, DESIGN) != fingerprint_of(EXAMPLES, DESIGN)


def test_the_design_and_the_code_count(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = fingerprint_of(EXAMPLES, DESIGN)
    assert fingerprint_of(EXAMPLES, {**DESIGN, "domain_adapt": True}) != plain
    assert fingerprint_of(EXAMPLES, DESIGNS["word+cues+meaning-logreg"]) != plain
    monkeypatch.setattr(seed_version, "TRAINING_CODE_VERSION", "next")
    assert fingerprint_of(EXAMPLES, DESIGN) != plain
    monkeypatch.undo()
    monkeypatch.setattr(seed_version, "lexicon_digest", lambda: "another lexicon")
    assert fingerprint_of(EXAMPLES, DESIGN) != plain
    monkeypatch.undo()
    monkeypatch.setattr(seed_version, "sklearn_version", lambda: "9.9")
    assert fingerprint_of(EXAMPLES, DESIGN) != plain


def test_a_design_that_reads_meaning_counts_the_encoders_version(monkeypatch: pytest.MonkeyPatch) -> None:
    meaning = DESIGNS["word+cues+meaning-logreg"]
    before = fingerprint_of(EXAMPLES, meaning)
    plain = fingerprint_of(EXAMPLES, DESIGN)
    monkeypatch.setattr(seed_version, "_package_version", lambda name: "0.3.0")
    assert fingerprint_of(EXAMPLES, meaning) != before
    assert fingerprint_of(EXAMPLES, DESIGN) == plain  # a design without it does not depend on it
