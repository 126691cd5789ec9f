"""A run killed with SIGKILL mid-way leaves whole reports or none, and the next run completes the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ingest_folders import count_rows, sample_copies

from corpus import Corpus, PassageFilter
from extractors import extract_path
from flows.run import ingest_local

REPO = Path(__file__).resolve().parents[2]
COPIES = 1


@pytest.mark.slow
def test_sigkill_mid_run_leaves_no_partial_report(tmp_path, samples_dir, db_url):
    folder = tmp_path / "in"
    total = sample_copies(samples_dir, folder, COPIES)
    db_path = Path(db_url.removeprefix("sqlite:///"))
    call = f"ingest_local([{str(folder)!r}], db_url={db_url!r}, workers=1)"
    code = f"from flows.run import ingest_local; {call}"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 180
        while count_rows(db_path, "reports") < 1 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL

    with Corpus.open(db_url) as corpus:
        stored = list(corpus.reports())
        assert 1 <= len(stored) < total, "the run was not killed mid-way"
        for report in stored[:1]:
            expected = len(extract_path(report.uri).passages)
            got = corpus.count_passages(PassageFilter(report_id=report.id))
            assert report.status == "ok" and got == expected == report.passages

    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert summary.failed == 0 and summary.new + summary.unchanged == total
    assert summary.new >= total - len(stored)
    with Corpus.open(db_url) as corpus:
        assert len(list(corpus.reports())) == total
        # Every passage has the model's scores: a report stored just before the kill got its predictions.
        assert all(p.scores for p in corpus.passages(PassageFilter()))
