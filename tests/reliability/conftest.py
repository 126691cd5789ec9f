"""Fixtures for the reliability tests: stores that already hold a small promoted model (so no test waits
for the seed model to train), for SQLite and PostgreSQL, and the environment a `citsec` child runs in."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_env import MODEL, copy_model
from small_model import build_model_store, fresh_store_url


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding a small promoted model fitted on a slice of the seed set."""
    return build_model_store(tmp_path_factory.mktemp("model-store") / "template.db", MODEL)


@pytest.fixture
def db_url(tmp_path: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store with the small model, and a cache folder of this test's own."""
    return fresh_store_url(model_store, tmp_path, monkeypatch)


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
