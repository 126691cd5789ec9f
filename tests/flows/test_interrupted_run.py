"""Ctrl-C during `citsec ingest`: the run stops, keeps the reports it stored whole, says what it did in one
line, records the run as interrupted and leaves no process behind; the next run ingests the rest.

A terminal's Ctrl-C reaches the whole foreground process group, so the tests send SIGINT to the group of a
command started in a session of its own, as a shell would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from ingest_folders import count_rows, sample_copies

from corpus import Corpus
from flows.run import ingest_local

REPO = Path(__file__).resolve().parents[2]
COPIES = 3
# Copies of a real 38-page report (a few seconds each) for the tests that stop a run after its first
# report: the bundled samples take a fraction of a second each, and the worker's head start (it begins
# while Prefect starts) could finish them all before the first one is stored, leaving nothing to stop.
SLOW_PDF, SLOW_COPIES = "albuquerque2022_violence_to_violence_guatemala.pdf", 5
# Without Prefect nothing holds the first store back: it comes as the worker starts on the second copy,
# and the Ctrl-C seconds before that copy is done. Three copies leave the run two to stop, and the next
# run (seconds for each copy it ingests) two to ingest instead of four.
SLOW_COPIES_WITHOUT_PREFECT = 3


def _slow_folder(shared_dir: Path, folder: Path, copies: int = SLOW_COPIES) -> int:
    return sample_copies(shared_dir / "reports", folder, copies, SLOW_PDF)


def _ingest(folder: Path, db_url: str, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "flows", "ingest", str(folder), "--db", db_url, "-w", "1", *options]
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _after_first_report(child: subprocess.Popen[str], db_path: Path) -> list[psutil.Process]:
    """Wait until the run has stored a report; the command's processes at that moment."""
    deadline = time.monotonic() + 240
    while count_rows(db_path, "reports") < 1 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child.poll() is None, "the run ended before it could be interrupted"
    return psutil.Process(child.pid).children(recursive=True)


def _ctrl_c(child: subprocess.Popen[str]) -> None:
    os.killpg(child.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group


def _terminate(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGTERM)  # `kill`, systemd: the command alone


def _stopped_after_first_report(
    folder: Path, db_url: str, options: tuple[str, ...], stop: Callable[[subprocess.Popen[str]], None]
) -> tuple[subprocess.Popen[str], list[psutil.Process], str, str]:
    """`citsec ingest FOLDER`, stopped by `stop` once it has stored a report: the command (ended), its
    processes at that moment, its stdout and stderr. Killed, with all it started, if it did not end."""
    child = _ingest(folder, db_url, *options)
    try:
        processes = _after_first_report(child, Path(db_url.removeprefix("sqlite:///")))
        stop(child)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return child, processes, out, err


@pytest.mark.parametrize(
    ("options", "copies"),
    [((), SLOW_COPIES), (("--no-prefect",), SLOW_COPIES_WITHOUT_PREFECT)],
    ids=["prefect", "no-prefect"],
)
@pytest.mark.slow
def test_ctrl_c_stops_the_run_and_keeps_what_it_stored(tmp_path, shared_dir, db_url, options, copies):
    folder = tmp_path / "in"
    total = _slow_folder(shared_dir, folder, copies)
    child, processes, out, err = _stopped_after_first_report(folder, db_url, options, _ctrl_c)

    assert child.returncode == 130, err
    assert "Traceback" not in err and out == ""  # no summary of a run that did not finish
    last = err.strip().splitlines()[-1]
    assert last.startswith("interrupted after ")
    assert last.endswith("the same command again skips those and ingests the rest")
    # The worker host, its workers and the temporary Prefect API (in a session of its own, so that the
    # Ctrl-C does not kill it under the run still reporting to it) are all gone.
    _, alive = psutil.wait_procs(processes, timeout=15)
    assert not alive, [p.cmdline()[:4] for p in alive]

    with Corpus.open(db_url) as corpus:
        run = corpus.ingest_runs()[0]
        reports = list(corpus.reports())
    assert run.errors == ["run stopped: interrupted (Ctrl-C)"]
    assert 1 <= len(reports) < total and run.counts["new"] == len(reports)
    # A report under way when the Ctrl-C came is dropped, not recorded as failed ("worker died").
    assert all(report.status == "ok" for report in reports)
    assert f"interrupted after {len(reports)} new " in last

    # The next run skips what was stored and ingests the rest. One copy left to ingest shows it as well as
    # four (seconds each): the first of them by name, the one that was under way (a run takes them in order).
    stored = {Path(report.uri).name for report in reports}
    left = sorted(p for p in folder.iterdir() if p.name not in stored)
    for extra in left[1:]:
        extra.unlink()
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (summary.new, summary.unchanged, summary.failed) == (1, len(reports), 0)


@pytest.mark.parametrize(
    ("options", "copies"),
    [((), SLOW_COPIES), (("--no-prefect",), SLOW_COPIES_WITHOUT_PREFECT)],
    ids=["prefect", "no-prefect"],
)
@pytest.mark.slow
def test_sigterm_stops_the_run_as_ctrl_c_does_and_says_so(tmp_path, shared_dir, db_url, options, copies):
    # `kill`, `timeout`, systemd and `docker stop` send SIGTERM to the command alone. A review: it printed
    # nothing, and without Prefect the run stayed "unfinished" with no counts though it had stored reports.
    folder = tmp_path / "in"
    _slow_folder(shared_dir, folder, copies)
    child, processes, out, err = _stopped_after_first_report(folder, db_url, options, _terminate)
    assert child.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and out == "", err
    lines = err.strip().splitlines()
    assert "stopping (SIGTERM): the reports under way are dropped" in lines, err
    assert lines[-1].startswith("terminated (SIGTERM) after ") and lines[-1].endswith("ingests the rest"), err
    _, alive = psutil.wait_procs(processes, timeout=15)
    assert not alive, [p.cmdline()[:4] for p in alive]
    with Corpus.open(db_url) as corpus:
        run = corpus.ingest_runs()[0]
        reports = list(corpus.reports())
    assert run.errors == ["run stopped: terminated (SIGTERM)"], (run.errors, err)
    assert run.counts["new"] == len(reports) >= 1 and all(report.status == "ok" for report in reports)


# A SIGTERM right after the first report is committed, before the run counts it: inside Prefect's flow its
# own handler raised TerminationSignal there, and the run said "before any report was stored" with its
# counts at 0 while the store held the report (a review; the test above caught it once in many runs).
SIGTERM_AFTER_FIRST_STORE = """
import os, signal, sys
from corpus.reports import ReportsMixin
from flows.cli import main
store = ReportsMixin.add_new_report
def stored_then_terminated(self, report):
    report_id = store(self, report)
    if not getattr(ReportsMixin, "fired", False):
        ReportsMixin.fired = True
        os.kill(os.getpid(), signal.SIGTERM)
    return report_id
ReportsMixin.add_new_report = stored_then_terminated
main(sys.argv[1:])
"""


@pytest.mark.parametrize("options", [(), ("--no-prefect",)], ids=["prefect", "no-prefect"])
def test_a_sigterm_between_a_reports_store_and_its_count_counts_it(tmp_path, samples_dir, db_url, options):
    folder = tmp_path / "in"
    sample_copies(samples_dir, folder, 1)
    command = [sys.executable, "-c", SIGTERM_AFTER_FIRST_STORE, "ingest", str(folder), "--db", db_url]
    command += ["-w", "1"]
    done = subprocess.run([*command, *options], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("terminated (SIGTERM) after 1 new "), done.stderr
    with Corpus.open(db_url) as corpus:
        run = corpus.ingest_runs()[0]
        assert run.counts["new"] == len(list(corpus.reports())) == 1, (run.counts, done.stderr)
    assert run.errors == ["run stopped: terminated (SIGTERM)"]


SIGTERM_AFTER_PLANNING = """
import os, signal, sys
from flows.cli import main
from flows.run import IngestRun
plan = IngestRun.plan
def planned_then_terminated(self, *args, **kwargs):
    refs = plan(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGTERM)
    return refs
IngestRun.plan = planned_then_terminated
main(sys.argv[1:])
"""


def test_a_sigterm_while_the_run_opens_its_workers_is_no_ctrl_c(tmp_path, samples_dir, db_url):
    # A review: the pool refused to open for a stopped run with a bare KeyboardInterrupt: exit 130 and
    # "interrupted", as if Ctrl-C had stopped it.
    folder = tmp_path / "in"
    sample_copies(samples_dir, folder, 1)
    command = [sys.executable, "-c", SIGTERM_AFTER_PLANNING, "ingest", str(folder), "--db", db_url, "-w", "1"]
    done = subprocess.run([*command, "--no-prefect"], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "terminated (SIGTERM) before any report was stored"
    with Corpus.open(db_url) as corpus:
        assert corpus.ingest_runs()[0].errors == ["run stopped: terminated (SIGTERM)"]


def test_ctrl_c_as_the_run_starts_stops_it_before_any_work(tmp_path, samples_dir, db_url):
    # As soon as the run is recorded it is planning (hashing files) or opening its worker pool: a stop
    # there must not open a new pool and process a report before it is noticed.
    folder = tmp_path / "in"
    sample_copies(samples_dir, folder, COPIES)
    db_path = Path(db_url.removeprefix("sqlite:///"))
    child = _ingest(folder, db_url)
    try:
        deadline = time.monotonic() + 240
        while count_rows(db_path, "ingest_runs") < 1 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        processes = psutil.Process(child.pid).children(recursive=True)
        os.killpg(child.pid, signal.SIGINT)
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    assert child.returncode == 130 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("interrupted")
    _, alive = psutil.wait_procs(processes, timeout=15)
    assert not alive
    with Corpus.open(db_url) as corpus:
        assert corpus.ingest_runs()[0].errors == ["run stopped: interrupted (Ctrl-C)"]
        assert all(report.status == "ok" for report in corpus.reports())


def test_a_second_ctrl_c_quits_at_once(tmp_path, shared_dir, db_url):
    folder = tmp_path / "in"
    _slow_folder(shared_dir, folder)
    child = _ingest(folder, db_url, "--no-prefect")
    assert child.stderr is not None
    lines: list[str] = []
    stopping = threading.Event()

    def read() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append(line)
            if line.startswith("stopping:"):
                stopping.set()

    reader = threading.Thread(target=read, daemon=True)
    try:
        processes = _after_first_report(child, Path(db_url.removeprefix("sqlite:///")))
        reader.start()
        os.killpg(child.pid, signal.SIGINT)
        assert stopping.wait(60), "".join(lines)
        os.killpg(child.pid, signal.SIGINT)  # while the first one is being handled
        child.wait(timeout=120)
        reader.join(timeout=10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    assert child.returncode == 130
    assert lines[-1].startswith("interrupted"), "".join(lines)
    _, alive = psutil.wait_procs(processes, timeout=15)
    assert not alive


def test_the_interrupted_line_counts_reports_read_again():
    from flows.cli.ingest_cmd import interrupted_line
    from flows.run import IngestSummary

    plain = IngestSummary(run_id=1, new=2, unchanged=1, passages=30)
    assert interrupted_line(plain).startswith("interrupted after 2 new (30 passages), 1 unchanged, 0 failed;")
    upgraded = IngestSummary(run_id=1, new=1, reread=3, passages=40)
    line = interrupted_line(upgraded)
    assert line.startswith("interrupted after 1 new, 3 read again (40 passages), 0 unchanged"), line
    assert interrupted_line(IngestSummary(run_id=1)) == "interrupted before any report was stored"
