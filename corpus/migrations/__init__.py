"""Alembic migrations shipped inside the package; corpus.engine applies them on Corpus.open."""

from __future__ import annotations

# The newest revision in versions/; Corpus.open skips Alembic entirely when the store is already there.
HEAD = "0011"
