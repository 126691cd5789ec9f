"""The one error extraction raises for a file it cannot read (broken, encrypted, empty, unknown type)."""

from __future__ import annotations


class ExtractionError(Exception):
    """A report that cannot be extracted; the message is one line meant for the user."""
