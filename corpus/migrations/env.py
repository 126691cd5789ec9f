"""Alembic environment: runs on the connection that corpus.engine.upgrade passes in."""

from __future__ import annotations

from alembic import context

from corpus.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI directly
    raise RuntimeError("run migrations through corpus.engine.upgrade (or `citsec db upgrade`)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
