"""The worker host loads, before it forks, everything a report would otherwise load on first use, so no
forked worker pays for its own copy: the language detector, the word lists, the tagger's pipelines for
every language and the model. Hosts are forked from a template that loaded all of it but the model once
per process (flows.host_template), and none of these processes outlives a killed parent."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from orphans import outlives_killed_parent

from flows.fetch import FetchPolicy
from flows.workers import WorkerConfig, report_handler


def test_the_host_loads_what_reports_would_load_lazily(db_url: str) -> None:
    from extractors import PRELOAD_LANGS
    from extractors.hyphenation import _zipf
    from extractors.language import _detector
    from extractors.tagging.pipeline import PIPELINE_LANGS, build_nlp

    _detector.cache_clear()
    _zipf.cache_clear()
    build_nlp.cache_clear()

    report_handler(WorkerConfig(db_url, FetchPolicy()))

    assert _detector.cache_info().currsize == 1
    assert _zipf.cache_info().currsize == len(PRELOAD_LANGS)  # one lookup per word list read
    assert build_nlp.cache_info().currsize == len(PIPELINE_LANGS)


LOADING_PARENT = """
from flows.limits import ResourceLimits, WorkerHost
host = WorkerHost("time:sleep", (600,), ResourceLimits())  # a "load" that takes ten minutes
print(host.process.pid, flush=True)
import time; time.sleep(600)
"""


def test_a_host_still_loading_does_not_outlive_a_killed_parent() -> None:
    # The host reads its socket (where a dead parent shows) only once it has loaded; until then a watch on
    # its parent makes it leave. After 1 s the host has received its factory and is inside the load.
    assert not outlives_killed_parent(LOADING_PARENT, timeout=20, settle=1.0), (
        "the worker host kept loading after its parent was killed"
    )


LOADED_PARENT = """
import time
from flows import host_template
from flows.limits import ResourceLimits, WorkerHost
host = WorkerHost("time:sleep", (0,), ResourceLimits(), preload="os:getpid")  # loads at once
host.fork()  # once the host has loaded
(template,) = host_template._templates.values()
print(host.process.pid if {host} else template.process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("which", ["host", "template"])
def test_a_loaded_template_and_its_host_do_not_outlive_a_killed_parent(which: str) -> None:
    # The loaded template waits on its socket, the host too: both see the parent die there.
    script = LOADED_PARENT.replace("{host}", str(which == "host"))
    assert not outlives_killed_parent(script, timeout=20, settle=1.0), f"the {which} outlived its parent"


def test_every_host_of_a_process_is_forked_from_one_loaded_template_and_takes_on_its_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.limits import LimitedPool, ResourceLimits

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))  # host_probe, for the template
    seen = []
    for run in ("first", "second"):
        folder = tmp_path / run
        folder.mkdir()
        monkeypatch.chdir(folder)
        monkeypatch.setenv("CITSEC_TEST_RUN", run)  # set after the template started, for the second run
        pool = LimitedPool("host_probe:probe", ("CITSEC_TEST_RUN",), ResourceLimits(), 1, "host_probe:load")
        try:
            answer = pool.call("?")
        finally:
            pool.close()
        assert answer.kind == "ok", answer
        seen.append(answer.value)
    assert seen[0][:2] == ("first", str(tmp_path / "first"))
    assert seen[1][:2] == ("second", str(tmp_path / "second"))
    # The preload ran once, in one process (the template, not this one), before it forked both hosts.
    assert len(seen[0][2]) == 1 and seen[0][2] == seen[1][2] != [os.getpid()]


BUSY_PARENT = """
import os, sys, threading, time
import psutil
os.environ["PYTHONPATH"] = sys.argv[1] if len(sys.argv) > 1 else {probe!r}  # host_probe, for the template
from flows import host_template
from flows.limits import LimitedPool, ResourceLimits
pool = LimitedPool("host_probe:sleeper", (), ResourceLimits(), 1, "os:getpid")
threading.Thread(target=pool.call, args=(600,), daemon=True).start()  # a file that takes ten minutes
while True:
    templates = [t.process.pid for t in host_template._templates.values()]
    workers = [w for t in templates for h in psutil.Process(t).children() for w in h.children()]
    if workers:
        break
    time.sleep(0.1)
print(workers[0].pid, flush=True)
time.sleep(600)
"""


def test_a_busy_worker_does_not_outlive_a_killed_parent() -> None:
    # No parent is left to enforce the file's limits: the worker dies with its host, which dies with its
    # template, which leaves when the parent's end of its socket closes (a review: the template killed
    # its hosts and their busy workers ran on, children of init).
    script = BUSY_PARENT.replace("{probe!r}", repr(str(Path(__file__).parent)))
    assert not outlives_killed_parent(script, timeout=20, settle=0.5), "the busy worker outlived its parent"


def _call_in_background(pool: Any) -> tuple[threading.Thread, list[str]]:
    """A thread calling `pool` (waiting for its host to load), and the WorkerError lines it got."""
    from flows.limits import WorkerError

    failed: list[str] = []

    def call() -> None:
        try:
            pool.call(0)
        except WorkerError as exc:
            failed.append(str(exc))

    waiting = threading.Thread(target=call)
    waiting.start()
    return waiting, failed


def test_closing_a_pool_whose_host_is_still_loading_does_not_wait_for_the_load(monkeypatch) -> None:
    # A run interrupted as it starts: the host is still loading (here its template: five seconds), and
    # a call waits for it to be ready (a review: the close waited for the whole load).
    from flows.limits import LimitedPool, ResourceLimits

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))  # host_probe, for the template
    pool = LimitedPool("host_probe:sleeper", (), ResourceLimits(), 1, "host_probe:slow_load")
    waiting, failed = _call_in_background(pool)
    time.sleep(0.5)
    started = time.monotonic()
    pool.close()
    waiting.join(timeout=10)
    assert time.monotonic() - started < 2.5 and not waiting.is_alive()
    assert failed and "did not start" in failed[0], failed


def test_a_template_that_went_down_while_loading_is_replaced_for_the_next_call(monkeypatch) -> None:
    # A review: the pool kept the host that vanished with its template, and failed every later call.
    import signal

    from flows import host_template
    from flows.limits import LimitedPool, ResourceLimits

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))  # host_probe, for the template
    monkeypatch.setenv("TZ", "UTC")  # a template of this test's own (one per start-up environment)
    pool = LimitedPool("host_probe:sleeper", (), ResourceLimits(), 1, "host_probe:slow_load")
    try:
        waiting, failed = _call_in_background(pool)
        time.sleep(0.5)
        startup = tuple(os.environ.get(name) for name in host_template.STARTUP_VARIABLES)
        template = host_template._templates["host_probe:slow_load", startup]
        os.kill(template.process.pid, signal.SIGKILL)  # as the OOM killer would
        waiting.join(timeout=30)
        assert failed and "did not start" in failed[0], failed
        assert pool.call(0).kind == "ok"  # a new template, a new host
    finally:
        pool.close()


def test_a_host_interrupted_between_a_request_and_its_answer_is_replaced(monkeypatch) -> None:
    # A review: a Ctrl-C between the host's answer and its reading left the next request to read it.
    from flows.limits import LimitedPool, ResourceLimits

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))  # host_probe, for the template
    pool = LimitedPool("host_probe:sleeper", (), ResourceLimits(), 1, "os:getpid")
    try:
        assert pool.call(0).kind == "ok"
        host = pool._host
        assert host is not None
        channel = host._conn

        class Interrupted:
            def send(self, value: object) -> None:
                channel.send(value)

            def recv(self) -> object:
                raise KeyboardInterrupt

        host._conn = Interrupted()  # type: ignore[assignment]
        with pytest.raises(KeyboardInterrupt):
            host.fork()
        host._conn = channel
        assert host.died  # not asked again: the pool starts a new host
        assert pool.call(0).kind == "ok" and pool._host is not host
    finally:
        pool.close()


def test_a_template_whose_hosts_have_all_ended_is_retired_once_idle(monkeypatch) -> None:
    # Half a GB kept for the life of a notebook that ingested once, or whose TZ changed since.
    from flows import host_template
    from flows.limits import LimitedPool, ResourceLimits

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))  # host_probe, for the template
    monkeypatch.setattr(host_template, "_templates", {})  # this test's templates only
    pool = LimitedPool("host_probe:sleeper", (), ResourceLimits(), 1, "os:getpid")
    try:
        assert pool.call(0).kind == "ok"
        (template,) = host_template._templates.values()
        template.used = 0.0  # forked long ago: its host's long run is what counts
        host_template.retire_idle(60)
        assert template.process.poll() is None, "retired while its host runs"
        assert host_template._templates
    finally:
        pool.close()
    host_template.retire_idle(60)  # the host ended just now: idle from there, not from its fork
    assert template.process.poll() is None, "retired before it was idle long enough"
    host_template.retire_idle(0)
    assert not host_template._templates
    assert template.process.wait(timeout=5) == 0
    pool = LimitedPool("host_probe:sleeper", (), ResourceLimits(), 1, "os:getpid")
    try:
        assert pool.call(0).kind == "ok"  # the next run starts a new one
        (successor,) = host_template._templates.values()
        assert successor is not template
    finally:
        pool.close()
        host_template.close_templates()


def test_a_process_forked_while_the_template_lock_is_held_can_start_hosts() -> None:
    # A review: the idle watcher holds the lock a moment every minute; a child forked then (multiprocessing,
    # a library's os.fork) inherited it held, and its first fork_host waited for ever.
    from flows import host_template

    with host_template._templates_lock:
        pid = os.fork()
        if pid == 0:  # the child: a lock of its own, no templates of its parent's
            free = host_template._templates_lock.acquire(timeout=2)
            os._exit(0 if free and not host_template._templates else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
