"""Fixtures for the classifier tests: a small, fast slice of the shipped seed set and a model fitted on it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from models.classifier import StrategyClassifier
from models.registry import LoadedModel, seed_model
from models.seed_data import SeedPassage, load_seed
from models.training import DESIGNS, SHIPPED_DESIGN

SLICE_PER_LANGUAGE = {"en": 80, "es": 50, "pt": 40}
TEST_DESIGN = {**DESIGNS[SHIPPED_DESIGN], "cv_folds": 3}


@dataclass(frozen=True)
class TrainingSlice:
    passages: list[SeedPassage]
    texts: list[str]
    y: np.ndarray


def _slice() -> list[SeedPassage]:
    # Every language and label is represented; a slice keeps each fit to a second or two.
    taken: list[SeedPassage] = []
    counts = dict.fromkeys(SLICE_PER_LANGUAGE, 0)
    for passage in load_seed().passages:
        if counts[passage.lang] < SLICE_PER_LANGUAGE[passage.lang]:
            counts[passage.lang] += 1
            taken.append(passage)
    return taken


@pytest.fixture(scope="session")
def training_slice() -> TrainingSlice:
    from models.labels import labels_to_matrix

    passages = _slice()
    return TrainingSlice(passages, [p.text for p in passages], labels_to_matrix([p.labels for p in passages]))


@pytest.fixture(scope="session")
def test_design() -> dict[str, object]:
    """The shipped design with 3 inner folds instead of 5, to keep test fits quick."""
    return dict(TEST_DESIGN)


@pytest.fixture(scope="session")
def fitted(training_slice: TrainingSlice) -> StrategyClassifier:
    """The shipped design fitted on the slice, shared by the tests of one worker (read-only)."""
    return StrategyClassifier(**TEST_DESIGN).fit(training_slice.texts, training_slice.y)


@pytest.fixture(scope="session")
def slice_seed_dir(tmp_path_factory: pytest.TempPathFactory, training_slice: TrainingSlice) -> Path:
    """A small seed folder (every third passage of the slice), for seed-model training and caching tests."""
    folder = tmp_path_factory.mktemp("seed")
    with (folder / "slice.jsonl").open("w", encoding="utf-8") as out:
        for p in training_slice.passages[::3]:
            row = {"id": p.id, "lang": p.lang, "text": p.text, "labels": list(p.labels)}
            out.write(json.dumps(row) + "\n")
    return folder


@pytest.fixture(scope="session")
def seed_cache(tmp_path_factory: pytest.TempPathFactory, slice_seed_dir: Path) -> tuple[Path, LoadedModel]:
    """A cache folder in which the seed model of `slice_seed_dir` was trained once (read-only for tests)."""
    cache = tmp_path_factory.mktemp("cache")
    return cache, seed_model(cache, slice_seed_dir)
