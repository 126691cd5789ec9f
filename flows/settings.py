"""Run-time settings, resolved once from the environment and validated."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///citsec.db"


def normalize_db_url(value: str) -> str:
    """Turn a bare file path into a SQLite URL; leave real URLs alone."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


@dataclass(frozen=True)
class Settings:
    """Everything citsec reads from the environment, in one place."""

    db_url: str = DEFAULT_DB_URL
    prefect_api_url: str | None = None
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "citsec")
    user_agent: str = "citsec/0.1 (+security-policy report miner)"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        cache = env.get("CITSEC_CACHE_DIR")
        return cls(
            db_url=normalize_db_url(env.get("CITSEC_DB_URL") or DEFAULT_DB_URL),
            prefect_api_url=env.get("PREFECT_API_URL") or None,
            cache_dir=Path(cache) if cache else Path.home() / ".cache" / "citsec",
        )
