"""Run-time settings, resolved once from the environment and validated."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///citsec.db"


def normalize_db_url(value: str) -> str:
    """Turn a bare file path into a SQLite URL (corpus.engine.sqlite_url); leave real URLs alone."""
    from corpus.engine import sqlite_url

    return value if "://" in value else sqlite_url(value)


def password_to_environment(db_url: str) -> str:
    """`db_url` without its PostgreSQL password, which goes to PGPASSWORD instead, for this process and the
    ones it starts (libpq reads it when a URL has none). Prefect records every flow run's parameters, and
    a deployment's, in its own database and shows them in its UI: a store URL handed to a flow must not
    carry the password. A URL that holds none (or does not parse: the store says why) is returned as is."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(db_url)
    except (ArgumentError, ValueError):
        return db_url
    password = url.password or url.query.get("password")
    if url.get_backend_name() != "postgresql" or not password:
        return db_url
    os.environ["PGPASSWORD"] = password if isinstance(password, str) else password[-1]
    bare = url._replace(password=None).difference_update_query(["password"])
    return bare.render_as_string(hide_password=False)


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
            db_url=normalize_db_url((env.get("CITSEC_DB_URL") or "").strip() or DEFAULT_DB_URL),
            prefect_api_url=env.get("PREFECT_API_URL") or None,
            cache_dir=Path(cache) if cache else Path.home() / ".cache" / "citsec",
        )
