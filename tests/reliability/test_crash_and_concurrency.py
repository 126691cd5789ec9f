"""SIGKILL at several points of an ingest leaves whole reports or none, and the next run finishes the work;
two ingest runs at once on the same folder store each report once (SQLite and PostgreSQL).

tests/flows/test_killed_run.py kills once, after the first report; these kill before any report is
stored (run row written, extraction under way) and in the middle of the batch, with two workers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from brokenfiles import SAMPLES
from ingest_folders import count_rows, sample_copies
from reliability_env import REPO, child_env

from corpus import Corpus, PassageFilter
from extractors import extract_path
from flows.run import ingest_local

COPIES = 2


def _assert_consistent(db_url: str) -> None:
    """Every stored report holds exactly the passages extraction gives it: none is half-stored."""
    with Corpus.open(db_url) as corpus:
        for report in corpus.reports():
            assert report.status == "ok", report
            expected = len(extract_path(report.uri).passages)
            assert corpus.count_passages(PassageFilter(report_id=report.id)) == expected == report.passages


# (table, rows): kill once this many rows are in this table.
KILL_POINTS = {
    "run-started": ("ingest_runs", 1),  # sources resolved, workers starting or extracting
    "mid-batch": ("reports", 4),
}


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_at_several_points_then_next_run_completes(point, tmp_path, db_url, citsec):
    folder = tmp_path / "in"
    total = sample_copies(SAMPLES, folder, COPIES)
    db_path = Path(db_url.removeprefix("sqlite:///"))
    table, rows = KILL_POINTS[point]
    before = count_rows(db_path, table)
    args = citsec("ingest", str(folder), "--db", db_url, "--workers", "2", "--no-prefect")
    child = subprocess.Popen(
        args,
        cwd=REPO,
        env=child_env(tmp_path),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, target = time.monotonic() + 240, before + rows
        while count_rows(db_path, table) < target and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        # The whole process group: the parent, its worker processes and their extraction children.
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL, "the run ended before it could be killed"

    _assert_consistent(db_url)
    with Corpus.open(db_url) as corpus:
        stored = len(list(corpus.reports()))
        killed = corpus.ingest_runs()[0]
    assert stored < total, "the run was not killed mid-way"
    # Its row says what it stored (a review: "unfinished, new 0, passages 0" after storing reports); the
    # last report may have been stored and killed before it was counted.
    assert killed.finished_at is None
    assert stored - 1 <= killed.counts.get("new", 0) <= stored, (killed.counts, stored)

    summary = ingest_local([str(folder)], db_url=db_url, workers=2)
    assert summary.failed == 0 and summary.new + summary.unchanged == total
    assert summary.new >= total - stored
    _assert_consistent(db_url)
    with Corpus.open(db_url) as corpus:
        assert len(list(corpus.reports())) == total
        assert all(p.scores for p in corpus.passages(PassageFilter()))


@pytest.mark.slow
def test_two_concurrent_runs_store_each_report_once(tmp_path, model_db_url, citsec):
    folder = tmp_path / "in"
    total = sample_copies(SAMPLES, folder, 1)
    args = citsec("ingest", str(folder), "--db", model_db_url, "--workers", "1", "--no-prefect")
    env = child_env(tmp_path)
    runs = [
        subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0 and "Traceback" not in err, err
    news = [int(dict(line.split(maxsplit=1) for line in out.splitlines())["new"]) for out, _ in outputs]
    with Corpus.open(model_db_url) as corpus:
        reports = list(corpus.reports(include_superseded=True))
        assert len(reports) == total and len({r.sha256 for r in reports}) == total
        assert all(r.status == "ok" and r.passages > 0 for r in reports)
        # Both runs may have worked on the same report; the store kept one copy, with one set of passages,
        # and the run that stored it second counts it unchanged (a review: both counted it new, and the
        # runs table kept 10 new reports and 566 passages for 7 and 364).
        assert sum(news) == total
        passages = list(corpus.passages(PassageFilter()))
        assert len(passages) == sum(r.passages for r in reports)
        assert all(p.scores for p in passages)
