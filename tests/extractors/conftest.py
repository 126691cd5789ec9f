"""Extraction tests: make `import extractors` find the package, not this test folder of the same name."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# pytest puts tests/ on sys.path, where this folder would be taken for a namespace package `extractors`
# when the repository root is not on the path (plain `pytest` instead of `python -m pytest`).
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
_loaded = sys.modules.get("extractors")
if _loaded is not None and getattr(_loaded, "__file__", None) is None:
    del sys.modules["extractors"]
