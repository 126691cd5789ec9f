"""A small promoted model in a SQLite store, shared by the test areas that run ingest end to end.

Workers load the store's promoted model; a small one, fitted on a slice of the seed set, keeps each test's
model loading to a second, where the full seed model takes a minute to train on first use.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

SLICE_PER_LANGUAGE = {"en": 30, "es": 20, "pt": 20}


def seed_slice(per_language: dict[str, int]) -> list[Any]:
    """The first `per_language[lang]` passages of each language of the shipped seed set (SeedPassage)."""
    from models.seed_data import load_seed

    counts = dict.fromkeys(per_language, 0)
    taken = []
    for passage in load_seed().passages:
        if passage.lang in per_language and counts[passage.lang] < per_language[passage.lang]:
            counts[passage.lang] += 1
            taken.append(passage)
    return taken


def build_model_store(path: Path, version: str) -> Path:
    """Fit the shipped design on a per-language slice of the seed set and store it, promoted, at `path`."""
    from corpus import Corpus
    from models.classifier import StrategyClassifier
    from models.labels import labels_to_matrix
    from models.registry import register_model
    from models.training import DESIGNS, SHIPPED_DESIGN

    taken = seed_slice(SLICE_PER_LANGUAGE)
    design = {**DESIGNS[SHIPPED_DESIGN], "cv_folds": 3}
    estimator = StrategyClassifier(**design).fit(
        [p.text for p in taken], labels_to_matrix([p.labels for p in taken])
    )
    with Corpus.open(f"sqlite:///{path}") as corpus:
        register_model(corpus, estimator, version=version, promoted=True)
    return path


def fresh_store_url(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of the model store `template` for one test, with a model cache folder of its own."""
    path = tmp_path / "citsec.db"
    shutil.copyfile(template, path)
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(tmp_path / "cache"))
    return f"sqlite:///{path}"


def copy_model(template: Path, url: str, version: str) -> None:
    """Give a fresh store (SQLite or PostgreSQL) the small promoted model `version` of the template store."""
    from corpus import Corpus

    with Corpus.open(f"sqlite:///{template}") as source, Corpus.open(url) as target:
        row = source.model_version(version)
        assert row is not None
        target.add_model_version(
            version, row.algorithm, row.parameters, row.training_size, row.metrics,
            source.model_artifact(version), promoted=True,
        )
