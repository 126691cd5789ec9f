"""What `citsec schedule` serves: the checks on a spec, and deployments that never overlap their own runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.schedule import ScheduleError, ScheduleSpec, check_spec, deployments

API = "http://127.0.0.1:4200/api"


def spec(**changes: object) -> ScheduleSpec:
    values: dict[str, object] = {"sources": ("/data/reports",), "db_url": "sqlite:////tmp/c.db"}
    values["interval"] = 60.0
    values.update(changes)
    return ScheduleSpec(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "api_url", "message"),
    [
        ({}, None, "need a Prefect server"),
        ({"cron": "0 6 * * *"}, API, "exactly one of --cron"),
        ({"interval": None}, API, "exactly one of --cron"),
        ({"interval": 0.0}, API, "at least 1"),
        # a user review: tracebacks after the "serving" line, or a line every half second
        ({"interval": float("nan")}, API, "--interval must be a finite number of seconds, at least 1"),
        ({"interval": float("inf")}, API, "at least 1"),
        ({"interval": 1e-9}, API, "at least 1"),
        ({"interval": 0.5}, API, "at least 1"),
        ({"sources": ()}, API, "nothing to schedule"),
        ({"interval": None, "cron": "every day"}, API, "not a cron expression"),
        ({"retrain_cron": "61 * * * *"}, API, "not a cron expression"),
        ({"sources": ("/no/such/dir",)}, API, "/no/such/dir: no such file, folder or registered source"),
        # the options are checked before the server, so a mistake is not hidden behind "start a server"
        ({"interval": -5.0}, None, "at least 1"),
        ({"sources": ("/no/such/folder",)}, None, "no such file, folder or registered source"),
    ],
)
def test_a_spec_that_cannot_work_is_one_line_saying_why(changes, api_url, message, tmp_path) -> None:
    changes = {"sources": (str(tmp_path),), **changes}
    with pytest.raises(ScheduleError, match=message):
        check_spec(spec(**changes), api_url, registered={"ministry"})


def test_registered_sources_and_urls_need_no_local_file() -> None:
    check_spec(spec(sources=("ministry", "https://example.org/feed.xml")), API, registered={"ministry"})


def test_scheduled_ingest_and_retrain_run_one_at_a_time_and_skip_a_run_due_meanwhile() -> None:
    served = deployments(spec(retrain_cron="0 3 * * 0"))
    assert [d.name for d in served] == ["citsec-ingest", "citsec-retrain"]
    for deployment in served:
        assert deployment.concurrency_limit == 1
        assert deployment.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    ingest = served[0]
    assert ingest.parameters["sources"] == ["/data/reports"]
    assert ingest.parameters["trigger"] == "schedule"


@pytest.mark.parametrize("augment", [False, True])
def test_scheduled_retrains_train_the_recipe_the_schedule_names(augment: bool) -> None:
    # `citsec schedule --retrain-augment`: a team that retrains with --augment keeps that recipe on schedule.
    retrain = deployments(spec(retrain_cron="0 3 * * 0", retrain_augment=augment))[1]
    assert retrain.parameters == {"db_url": "sqlite:////tmp/c.db", "promote": "auto", "augment": augment}


def test_a_scheduled_runs_line_is_followed_by_what_failed() -> None:
    # A user review: a feed whose server was down was "1 failed" every interval, the reason only in
    # `citsec runs --format json`.
    from flows.ingest import scheduled_run_lines
    from flows.run import IngestSummary

    errors = [f"http://127.0.0.1:1/r{i}.pdf: HTTP 404 Not Found" for i in range(12)]
    lines = scheduled_run_lines(IngestSummary(run_id=3, failed=12, errors=errors, seconds=1.25))
    assert lines[0] == "scheduled run 3: 0 new, 0 unchanged, 12 failed, 0 passages (1.2 s)"
    assert lines[1:11] == [f"failed: {error}" for error in errors[:10]]
    assert lines[11:] == ["... and 2 more (citsec runs --format json)"]
    assert scheduled_run_lines(IngestSummary(run_id=4)) == [
        "scheduled run 4: 0 new, 0 unchanged, 0 failed, 0 passages (0.0 s)"
    ]


def test_a_scheduled_run_whose_source_yielded_nothing_fails_in_prefect() -> None:
    # An ops review: every scheduled run of a feed that did not answer was COMPLETED in Prefect (where
    # `citsec ingest` exits 1), so an alert on failed runs never fired; and its line said "0 failed" above
    # "failed: rel: no such file, folder, URL or registered source".
    from prefect.states import State

    from flows.ingest import scheduled_end, scheduled_run_lines
    from flows.run import IngestSummary

    gone = IngestSummary(run_id=7, unchanged=2, unreadable=1,
                         errors=["rel: no such file, folder, URL or registered source"])
    assert scheduled_run_lines(gone)[0] == "scheduled run 7: 0 new, 2 unchanged, 1 failed, 0 passages (0.0 s)"
    state = scheduled_end(gone)
    assert isinstance(state, State) and state.is_failed()
    assert state.message == "1 source yielded no report (its line says why)"
    dead = IngestSummary(run_id=8, unfetched=2, errors=["http://ana:pw@h/feed.xml: HTTP 503"] * 2)
    assert scheduled_end(dead).message == "2 sources yielded no report (its line says why)"
    # Reports that failed each (a dead link in a feed that answered) are no failure of the run.
    some = IngestSummary(run_id=9, new=1, failed=2, errors=["http://h/a.pdf: HTTP 404"] * 2)
    assert scheduled_end(some) is some


def test_a_run_is_orphaned_only_when_no_process_here_may_run_it() -> None:
    # A code review: every pending or running run was marked crashed, live ones too; then, a pending run
    # left by a schedule restarted at once was kept for being young.
    import uuid
    from datetime import UTC, datetime, timedelta

    from prefect.client.schemas.objects import FlowRun
    from prefect.states import Pending, Running

    from flows.schedule_runs import Running as RunningHere
    from flows.schedule_runs import _orphaned

    now = datetime.now(UTC)

    def run(state):
        return FlowRun(flow_id=uuid.uuid4(), state=state)

    submitted_now, running = run(Pending(timestamp=now)), run(Running(timestamp=now - timedelta(hours=3)))
    none_here, unreadable = RunningHere(frozenset(), False), RunningHere(frozenset(), True)
    assert _orphaned(submitted_now, none_here) and _orphaned(submitted_now, unreadable)  # no runner left
    assert _orphaned(running, none_here)
    assert not _orphaned(running, RunningHere(frozenset({str(running.id)}), False))  # a process here runs it
    assert not _orphaned(running, unreadable)  # another user's flow-run process may be running it


def test_the_runner_takes_no_more_than_one_run_of_a_short_interval_ahead() -> None:
    # A user review: with --interval 3 Prefect's runner took the runs due in its next 10 s at once; one held
    # the one-run slot and the others were cancelled, said as skipped though nothing was going.
    from flows.schedule import prefetch_seconds

    assert prefetch_seconds(spec(interval=3.0)) == 1.5
    assert prefetch_seconds(spec(interval=3600.0)) == 10.0
    assert prefetch_seconds(spec(interval=None, cron="0 6 * * *")) == 10.0


def test_a_scheduled_retrain_that_cannot_run_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An ops review: `--retrain-cron` on a new install (no labels yet) printed ~90 lines of traceback each
    # time it fired, and a store gone away ~400. The flow the deployment serves says one line; no labels
    # yet completes, an unreachable store ends Failed for alerts.
    from corpus import Corpus
    from flows.retrain import retrain_flow, scheduled_retrain_flow

    url = f"sqlite:///{tmp_path / 'new.db'}"
    Corpus.open(url).close()
    assert deployments(spec(retrain_cron="0 3 * * 0"))[1].entrypoint.endswith("scheduled_retrain_flow")
    assert scheduled_retrain_flow.fn(db_url=url) is None
    err = capsys.readouterr().err
    assert err == "scheduled retrain: skipped: no human labels to retrain on yet (citsec label add/import)\n"
    state = scheduled_retrain_flow.fn(db_url="postgresql://postgres@127.0.0.1:9/none")
    err = capsys.readouterr().err
    from prefect.states import State

    assert isinstance(state, State) and state.is_failed()
    assert state.message == err.strip() and len(err.splitlines()) == 1
    assert err.startswith("scheduled retrain: ")
    # A person's `citsec retrain` is told as before: the error reaches the command, which says it.
    from models import retrain as steps
    from models.errors import NoLabels

    def no_labels(*args: object, **kwargs: object) -> None:
        raise NoLabels("no human labels to retrain on: label passages first (citsec label add/import)")

    monkeypatch.setattr(steps, "retrain", no_labels)
    with pytest.raises(NoLabels):
        retrain_flow.fn(db_url=url)
    # A run that trained says what it did, in one line.
    import flows.retrain
    from models.retrain import Decision, RetrainResult

    with Corpus.open(url) as corpus:
        corpus.add_text_labels("Police patrols in Tegucigalpa were doubled.", ["enforcement"], lang="en")
    done = RetrainResult("m-new", "seed-old", 2312, 1, 0, None, None, 0.86, Decision(False, "only 0 held"))
    monkeypatch.setattr(flows.retrain, "_retrain", lambda *args: done)
    assert scheduled_retrain_flow.fn(db_url=url) is done
    assert capsys.readouterr().err == "scheduled retrain: m-new, not promoted: only 0 held\n"


def test_the_serving_line_says_when_runs_come() -> None:
    # An ops review: --cron is read in UTC (crontab reads local time) and an interval's first run comes an
    # interval after start; neither was said, so a new set-up looked broken for an hour.
    from flows.schedule import schedule_words

    assert schedule_words(spec(cron="0 6 * * *", interval=None)) == "cron 0 6 * * * UTC"
    assert schedule_words(spec(cron=None, interval=3600.0, retrain_cron="0 3 * * 0")) == (
        "every 3600 s, the first 3600 s from now; retrain cron 0 3 * * 0 UTC"
    )
    assert schedule_words(spec(sources=(), cron=None, interval=None, retrain_cron="0 3 * * 0")) == (
        "no ingest; retrain cron 0 3 * * 0 UTC"
    )


def test_the_schedule_command_quiets_its_runs_before_prefect_reads_its_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An ops review: each failed scheduled run printed Prefect's engine traceback (tens to hundreds of
    # lines). Prefect reads its logging settings when first imported and hands its run processes that
    # reading, so `citsec schedule` sets them before (checked by hand against a real server: the run
    # FAILED in Prefect, one line in the terminal). A caller in Python keeps its environment.
    import os
    import sys

    import flows.cli
    from flows.schedule import SERVED_RUNS_QUIET

    saved = {name: os.environ.pop(name, None) for name in SERVED_RUNS_QUIET}
    try:
        with pytest.raises(SystemExit):
            flows.cli.main(["schedule", "--help"])
        assert not any(name in os.environ for name in SERVED_RUNS_QUIET)
        monkeypatch.setattr(sys, "argv", ["citsec", "schedule", "--help"])
        with pytest.raises(SystemExit):
            flows.cli.main()
        assert {name: os.environ.get(name) for name in SERVED_RUNS_QUIET} == SERVED_RUNS_QUIET
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def test_a_schedule_starting_marks_the_runs_an_earlier_one_left_unfinished_stopped(tmp_path: Path) -> None:
    # An ops review: a scheduled run stopped with its schedule (Ctrl-C mid-run) stayed "unfinished" in
    # `citsec runs` forever. When a schedule starts, no other serves (checked first): none is running.
    from corpus import Corpus
    from flows.run import run_status
    from flows.schedule import _stop_runs_left_unfinished

    url = f"sqlite:///{tmp_path / 'runs.db'}"
    assert _stop_runs_left_unfinished(url) == 0  # no store yet: nothing to mark, none made
    assert not (tmp_path / "runs.db").exists()
    with Corpus.open(url) as corpus:
        left = corpus.start_ingest_run("schedule")
        done = corpus.start_ingest_run("schedule")
        corpus.finish_ingest_run(done, {"new": 1})
        by_hand = corpus.start_ingest_run("cli")  # a person's ingest may be going: not a schedule's to mark
    assert _stop_runs_left_unfinished(url) == 1
    with Corpus.open(url) as corpus:
        status = {run.id: run_status(run) for run in corpus.ingest_runs()}
        assert status == {left: "stopped", done: "finished", by_hand: "unfinished"}
        assert corpus.ingest_runs()[-1].errors[-1].endswith("killed with the schedule serving it, before it "
                                                             "could record its end")
        corpus.finish_ingest_run(left, {"new": 2})  # a run that was still going records its own end
        assert run_status(next(r for r in corpus.ingest_runs() if r.id == left)) == "finished"


def test_a_scheduled_run_stopping_on_an_error_says_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.schedule_runs import said_if_failing

    with pytest.raises(OSError), said_if_failing("scheduled run"):
        raise OSError("cannot reach\nhttps://ana:pw@host/feed.xml")
    assert capsys.readouterr().err == "scheduled run failed: cannot reach https://ana:***@host/feed.xml\n"
