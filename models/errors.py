"""Errors the classifier package raises for things a user can fix or must know about."""

from __future__ import annotations


class ModelError(Exception):
    """A model problem told in one line: unknown version, unsafe or damaged artifact, bad training data."""


class NoLabels(ModelError):
    """A retrain with no human label in the store to train on: a new install's state, not a fault."""
