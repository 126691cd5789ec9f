"""Fixtures for the reliability tests: stores that already hold a small promoted model (so no test waits
for the seed model to train), for SQLite and PostgreSQL, and the environment a `citsec` child runs in."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_env import MODEL, copy_model

from flows.prefect_env import quiet_prefect

SLICE_PER_LANGUAGE = {"en": 30, "es": 20, "pt": 20}

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="citsec-prefect-"))
quiet_prefect()


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding a small promoted model fitted on a slice of the seed set."""
    from corpus import Corpus
    from models.classifier import StrategyClassifier
    from models.labels import labels_to_matrix
    from models.registry import register_model
    from models.seed_data import load_seed
    from models.training import DESIGNS, SHIPPED_DESIGN

    counts = dict.fromkeys(SLICE_PER_LANGUAGE, 0)
    taken = []
    for passage in load_seed().passages:
        if counts.get(passage.lang, 99) < SLICE_PER_LANGUAGE[passage.lang]:
            counts[passage.lang] += 1
            taken.append(passage)
    design = {**DESIGNS[SHIPPED_DESIGN], "cv_folds": 3}
    estimator = StrategyClassifier(**design).fit(
        [p.text for p in taken], labels_to_matrix([p.labels for p in taken])
    )
    path = tmp_path_factory.mktemp("model-store") / "template.db"
    with Corpus.open(f"sqlite:///{path}") as corpus:
        register_model(corpus, estimator, version=MODEL, promoted=True)
    return path


@pytest.fixture
def db_url(tmp_path: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store with the small model, and a cache folder of this test's own."""
    path = tmp_path / "citsec.db"
    shutil.copyfile(model_store, path)
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(tmp_path / "cache"))
    return f"sqlite:///{path}"


@pytest.fixture
def model_db_url(store_url: str, tmp_path: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """`store_url` (SQLite, then PostgreSQL) with the small promoted model in it."""
    copy_model(model_store, store_url)
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(tmp_path / "cache"))
    return store_url


@pytest.fixture
def citsec(tmp_path: Path) -> Callable[..., list[str]]:
    """The command line that runs `citsec ARGS...` in a child Python (same interpreter and venv)."""

    def command(*args: str) -> list[str]:
        return [sys.executable, "-m", "flows", *args]

    return command
