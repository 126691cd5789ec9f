"""Fixtures shared by every test area. Area-specific fixtures live in that area's own conftest."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared research material (real PDFs, gold passages); tests that need it skip without it."""
    if not (SHARED / "reports").is_dir():
        pytest.skip(f"real material not found at {SHARED}")
    return SHARED
