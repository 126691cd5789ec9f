"""A run whose reports were begun before it was recorded (`citsec ingest` starts local reports while
Prefect starts its API) is recorded as started then: `citsec runs` showed 0.6 s for a run the command
spent 19 s on, most of its reports read before the run row existed."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus import Corpus
from flows.run import IngestRun
from flows.settings import Settings
from flows.sources import ReportRef
from flows.workers import Job, WorkerConfig, close_pool, open_pool


@pytest.fixture
def pool_config(db_url: str):
    config = WorkerConfig.for_run(Settings.from_env(), db_url)
    yield config
    close_pool()


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def test_a_run_after_a_head_start_starts_when_its_first_report_began(db_url, pool_config, monkeypatch):
    pool = open_pool(1, pool_config)
    monkeypatch.setattr(pool, "_run", lambda job: None)  # no worker host: only the bookkeeping is tested
    pool.head_start([Job(ReportRef(uri="file:///a.pdf", path="/a.pdf"))])
    began = pool.began
    assert began is not None
    with IngestRun(db_url) as run:
        assert run.summary.run_id
    with IngestRun(db_url):  # a later run of the same pool began nothing ahead: it starts when recorded
        pass
    with Corpus.open(db_url) as corpus:
        later, first = corpus.ingest_runs()
    assert _naive(first.started_at) == _naive(began)
    assert _naive(later.started_at) > _naive(began)


def test_a_run_without_a_head_start_starts_when_it_is_recorded(db_url, pool_config):
    pool = open_pool(1, pool_config)
    pool.head_start([])  # nothing to begin (an unchanged folder)
    assert pool.began is None
    before = dt.datetime.now(dt.UTC)
    with IngestRun(db_url):
        pass
    with Corpus.open(db_url) as corpus:
        (run,) = corpus.ingest_runs()
    assert _naive(run.started_at) >= _naive(before)


def test_a_run_a_signal_stopped_says_which_signal(db_url):
    # A user review: a scheduled run stopped by SIGTERM was recorded as "run stopped: TerminationSignal".
    from prefect.exceptions import TerminationSignal

    from flows.run import run_status

    with pytest.raises(TerminationSignal), IngestRun(db_url, "schedule"):
        raise TerminationSignal(15)
    with Corpus.open(db_url) as corpus:
        (run,) = corpus.ingest_runs()
    assert run.errors[-1] == "run stopped: terminated (SIGTERM)" and run_status(run) == "stopped"
