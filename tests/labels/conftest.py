"""Fixtures for the labeling loop: a small seed set, a store of real-looking passages, a quick config.

The seed slice and the stored passages are disjoint parts of the shipped seed set (text we wrote), so
the store holds passages the seed model never saw. Fits use word features and 3 folds on ~120 passages
(well under a second; the shipped design's character n-grams make liblinear ~30x slower).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

# Imported by name (not `from conftest import ...`): with several conftest.py files in one run, which one
# "conftest" names depends on collection order.
from cli_runner import run_cli
from label_material import Material, fill_store

from corpus import Corpus
from models.registry import LoadedModel
from models.retrain import Example, RetrainConfig, fit_weighted
from models.seed_data import SeedPassage, load_seed
from models.training import DESIGNS

TEST_DESIGN = "word-logreg"

SEED_PER_LANGUAGE = {"en": 50, "es": 35, "pt": 35}
STORED_PER_LANGUAGE = {"en": 16, "es": 8, "pt": 8}


@pytest.fixture(scope="session")
def material() -> Material:
    seed: list[SeedPassage] = []
    stored: list[SeedPassage] = []
    for passage in load_seed().passages:
        if sum(p.lang == passage.lang for p in seed) < SEED_PER_LANGUAGE[passage.lang]:
            seed.append(passage)
        elif sum(p.lang == passage.lang for p in stored) < STORED_PER_LANGUAGE[passage.lang]:
            stored.append(passage)
    return Material(seed, stored)


@pytest.fixture(scope="session")
def small_seed_dir(tmp_path_factory: pytest.TempPathFactory, material: Material) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    with (folder / "slice.jsonl").open("w", encoding="utf-8") as out:
        for p in material.seed:
            row = {"id": p.id, "lang": p.lang, "text": p.text, "labels": list(p.labels)}
            out.write(json.dumps(row) + "\n")
    return folder


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def config(small_seed_dir: Path, cache_dir: Path) -> RetrainConfig:
    """A quick design (word features, 3 folds) on the small seed set; human weight and hold-out as shipped.
    `--promote auto` judges on any number of held-out labels: the material holds ~6 (tests of the minimum
    set their own)."""
    design = {**DESIGNS[TEST_DESIGN], "cv_folds": 3}
    return RetrainConfig(
        design=design, seed_dir=small_seed_dir, cache_dir=cache_dir, batch_size=10, min_judged=1
    )


@pytest.fixture(scope="session")
def small_seed_model(material: Material, config: RetrainConfig) -> LoadedModel:
    """The current model before any retrain: the quick design fitted on the small seed set."""
    seed = [Example(p.text, p.labels, p.lang, "seed") for p in material.seed]
    model, _ = fit_weighted(seed, [1] * len(seed), config.design)
    return LoadedModel("seed-small", model)


@pytest.fixture
def filled(store: Corpus, material: Material, small_seed_model: LoadedModel) -> Corpus:
    """A store with 4 reports of passages (en, es, pt), the small seed model promoted, passages predicted."""
    return fill_store(store, material, small_seed_model)


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """Run the console script in-process with this test's cache folder: (exit code, stdout, stderr)."""
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(cache_dir))
    return functools.partial(run_cli, capsys)
