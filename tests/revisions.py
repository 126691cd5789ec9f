"""A test store's schema moved up or down to a revision: as `citsec db upgrade` would, or as the store of
an older release (tests of migrations and of what a store an older citsec left behind becomes)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from corpus.engine import MIGRATIONS_DIR, make_engine
from corpus.migrations import HEAD


def migrate(store: Engine | str, revision: str) -> None:
    """Up (to HEAD or "head") or down to `revision`; `store` is an engine or a database URL."""
    from alembic import command
    from alembic.config import Config

    engine = make_engine(store) if isinstance(store, str) else store
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            if revision in (HEAD, "head"):
                command.upgrade(config, "head")
            else:
                command.downgrade(config, revision)
    finally:
        if isinstance(store, str):
            engine.dispose()
