"""A folder of broken and hostile files next to good reports, ingested by `citsec ingest` in a child process:
every good report is stored, every bad one is recorded with a one-line error, stderr holds no traceback,
and a second run adds nothing and redoes no failure."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from brokenfiles import BROKEN, READABLE, copy_good_reports
from cli_runner import run_cli
from reliability_env import REPO, child_env

# What each bad file must be recorded as: status and words its error must hold.
EXPECTED = {
    "zero-bytes.pdf": ("failed", "empty file"),
    "truncated.pdf": ("failed", "broken PDF"),
    "random-bytes.pdf": ("failed", "unsupported file type"),
    "encrypted.pdf": ("failed", "encrypted"),
    "scanned.pdf": ("empty", "no text layer"),
    "flate-bomb.pdf": ("failed", "decompression bomb"),
    "huge-content.pdf": ("empty", "content stream over"),
    "five-thousand-pages.pdf": ("failed", "5000 pages"),
    "slow-pages.pdf": ("failed", "longer than the 5-second limit"),
}
# The slow file costs a worker the whole time limit before it is killed, and the run waits for it: every
# other file is done seconds before. 5 CPU-seconds is about four times what the most expensive file that
# must pass takes in a worker, tagged and classified (deep-nesting.pdf: 1.3 s of CPU; the page-limit
# check of five-thousand-pages.pdf: 0.9 s), and the wall-clock cap (4 x 5 s) leaves room for a loaded
# machine: 20 s of wall time for 1.3 s of CPU.
LIMITS = {"CITSEC_FILE_SECONDS": "5", "CITSEC_FILE_MEMORY_MB": "2048"}


def _summary(stdout: str) -> dict[str, str]:
    return dict(line.split(maxsplit=1) for line in stdout.strip().splitlines())


def _reports(db_url: str, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    """`citsec reports --format json`, run in this process (a child would spend a second on imports)."""
    code, out, err = run_cli(capsys, "reports", "--db", db_url, "--format", "json")
    assert code == 0, err
    return {Path(row["uri"]).name: row for row in json.loads(out)}


@pytest.mark.slow
def test_broken_folder_ingests_good_reports_and_records_bad_ones(tmp_path, db_url, citsec, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    good = [p.name for p in copy_good_reports(folder)]
    bad = [make(folder).name for make in BROKEN.values()]
    readable = [make(folder).name for make in READABLE.values()]
    assert sorted(bad) == sorted(EXPECTED)
    env = child_env(tmp_path, **LIMITS)

    first = subprocess.run(
        citsec("ingest", str(folder), "--db", db_url, "--workers", "2"),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr, first.stderr
    counts = _summary(first.stdout)
    stored_ok = len(good) + len(readable) + sum(1 for s, _ in EXPECTED.values() if s == "empty")
    assert counts["new"] == str(stored_ok), first.stdout + first.stderr
    assert counts["failed"] == str(sum(1 for s, _ in EXPECTED.values() if s == "failed"))

    reports = _reports(db_url, capsys)
    assert set(reports) == set(good) | set(bad) | set(readable)
    for name in good + readable:
        assert reports[name]["status"] == "ok" and reports[name]["passages"] > 0, reports[name]
    assert reports["saved-page.pdf"]["passages"] == reports["honduras_state_of_exception_en.html"]["passages"]
    for name, (status, words) in EXPECTED.items():
        row = reports[name]
        assert row["status"] == status and words in (row["error"] or ""), row
        assert "\n" not in row["error"] and "Traceback" not in row["error"]
        assert row["passages"] == 0

    second = subprocess.run(
        citsec("ingest", str(folder), "--db", db_url, "--workers", "2", "--no-prefect"),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr
    counts = _summary(second.stdout)
    # Failures are remembered by their bytes: nothing is extracted again, not even the slow file.
    assert counts["new"] == "0" and counts["failed"] == "0", second.stdout
    assert counts["unchanged"] == str(len(reports))
    assert _reports(db_url, capsys) == reports

    # A changed file is tried again: the truncated PDF made whole is stored.
    (folder / "truncated.pdf").write_bytes((folder / "plan_colombia_legacy_en.pdf").read_bytes() + b"\n%v2\n")
    third = subprocess.run(
        citsec("ingest", str(folder), "--db", db_url, "--workers", "1", "--no-prefect"),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert third.returncode == 0 and _summary(third.stdout)["new"] == "1", third.stdout + third.stderr
    assert _reports(db_url, capsys)["truncated.pdf"]["status"] == "ok"
