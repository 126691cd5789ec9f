"""Helpers shared by the reliability tests: where the repo is, the small model copied into stores, the
environment of a `citsec` child process."""

from __future__ import annotations

import os
from pathlib import Path

import small_model

REPO = Path(__file__).resolve().parents[2]
MODEL = "reliability-test-model"


def copy_model(template: Path, url: str) -> None:
    """Give a fresh store (SQLite or PostgreSQL) the small promoted model of the template store."""
    small_model.copy_model(template, url, MODEL)


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a `citsec` child: this test's cache folder, quiet Prefect, extra settings."""
    env = {**os.environ, "CITSEC_CACHE_DIR": str(tmp_path / "cache"), **extra}
    env.pop("CITSEC_DB_URL", None)
    return env
