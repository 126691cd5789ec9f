"""Errors the classifier package raises for things a user can fix or must know about."""

from __future__ import annotations


class ModelError(Exception):
    """A model problem told in one line: unknown version, unsafe or damaged artifact, bad training data."""
