"""Helpers shared by the benchmark scripts: where the real material is, where results go."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CITSEC_SHARED_DIR", REPO.parent / "shared"))
REPORTS = SHARED / "reports"
RESULTS = REPO / "bench" / "results"
# Gold passages are cross-validated in this many folds, by document (bench.retrain_cv, bench.learning_curve).
FOLDS = 5


def real_pdfs() -> list[Path]:
    """The real PDFs in ../shared/reports, smallest name first; exits with a clear message if absent."""
    if not REPORTS.is_dir():
        raise SystemExit(f"real reports not found at {REPORTS} (set CITSEC_SHARED_DIR)")
    return sorted(REPORTS.glob("*.pdf"))


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """Write a benchmark's results as JSON under bench/results/, with the machine it ran on."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "node": platform.node()},
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def fold_of(row: dict[str, Any], folds: int = FOLDS) -> int:
    """The cross-validation fold of a gold passage, by a hash of its document: a translated op-ed and its
    original, or two passages of one article, always fall in the same fold."""
    key = str(row.get("doc") or row["id"])
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % folds
