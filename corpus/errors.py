"""Errors the store raises for mistakes a user can fix (bad filter, unknown id, unreachable database)."""

from __future__ import annotations


class CorpusError(Exception):
    """A user-facing store error: its message is one line that says what to fix."""
