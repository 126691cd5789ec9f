"""A scheduled re-ingest of URLs that did not change costs a request each, not a worker: the server's 304 (or
the same bytes as stored, from a server that sends no validators) settles a report before any worker host
starts, so neither spaCy nor the classifier is loaded, in any process (nor Prefect started, unless a
Prefect server is configured to keep the run history)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from import_watch import summary_lines, watching_imports

from corpus import Corpus
from extractors import EXTRACTOR_VERSION
from flows.fetch import FetchPolicy, Validators
from flows.httpcache import Remembered, ValidatorCache
from flows.limits import WorkerError
from flows.pipeline import UNCHANGED, Outcome, sha256_hex, with_conditional
from flows.plan import plan_local
from flows.run import ingest_local
from flows.settings import Settings
from flows.sources import ReportRef
from flows.workers import Job, WorkerConfig, WorkerPool

PDF = "plan_colombia_legacy_en.pdf"
HEAVY = ("spacy", "sklearn", "prefect")

def test_a_second_ingest_of_unchanged_urls_loads_neither_the_tagger_nor_the_model(
    tmp_path, site, samples_dir, db_url
):
    pdf = (samples_dir / PDF).read_bytes()
    with_etag = site.add("/r/plan.pdf", body=pdf, content_type="application/pdf", etag='"plan-1"')
    without_validators = site.add("/r/copy.pdf", body=pdf + b"\n% a copy\n", content_type="application/pdf")
    first = ingest_local([with_etag, without_validators], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (2, 0), first.errors

    env, imports = watching_imports(tmp_path, HEAVY)
    env.pop("PREFECT_API_URL", None)  # the command's own Prefect API
    command = [sys.executable, "-m", "flows", "ingest", with_etag, without_validators, "--db", db_url]
    for options in ([], ["--no-prefect"]):
        before = len(site.requests)
        done = subprocess.run([*command, *options], capture_output=True, text=True, timeout=120, env=env)

        assert done.returncode == 0, done.stderr
        lines = summary_lines(done.stdout)
        assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "2", "0"), done.stdout
        assert imports.read_text() == "", f"a re-ingest {options} of unchanged URLs imported {HEAVY}"
        # Each URL was asked again once, by the command's plan (the one with an ETag conditionally: its
        # server answered 304); the run took what the plan found instead of asking again.
        asked = site.requests[before:]
        assert sorted(path for path, _ in asked) == ["/r/copy.pdf", "/r/plan.pdf"]
        assert dict(asked)["/r/plan.pdf"].get("If-None-Match") == '"plan-1"'
        with Corpus.open(db_url) as corpus:
            run = corpus.ingest_runs()[0]
        assert (run.counts["new"], run.counts["unchanged"], run.errors) == (0, 2, [])


def test_an_unchanged_re_ingest_through_a_configured_prefect_server_starts_no_worker_host(
    tmp_path, site, samples_dir, db_url
):
    # With PREFECT_API_URL set, the run goes through Prefect (its server keeps the history), and the
    # command started the worker host before it, to load the model for reports its plan had found unchanged.
    from flows.prefect_api import TemporaryApi

    pdf = (samples_dir / PDF).read_bytes()
    with_etag = site.add("/r/plan.pdf", body=pdf, content_type="application/pdf", etag='"plan-1"')
    without_validators = site.add("/r/copy.pdf", body=pdf + b"\n% a copy\n", content_type="application/pdf")
    _remember(with_etag, Validators(etag='"plan-1"'), _stored(db_url, with_etag, pdf))
    _remember(without_validators, Validators(), _stored(db_url, without_validators, pdf + b"\n% a copy\n"))

    with TemporaryApi.start() as api:
        api.wait()
        env, imports = watching_imports(tmp_path, ("spacy", "sklearn"), PREFECT_API_URL=api.url)
        command = [sys.executable, "-m", "flows", "ingest", with_etag, without_validators, "--db", db_url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)

    assert done.returncode == 0, done.stderr
    lines = summary_lines(done.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "2", "0"), done.stdout
    assert imports.read_text() == "", "the command started a worker host for nothing"
    # One request per URL: the plan's; the flow's tasks took what it found.
    assert sorted(path for path, _ in site.requests) == ["/r/copy.pdf", "/r/plan.pdf"]
    with Corpus.open(db_url) as corpus:
        run = corpus.ingest_runs()[0]
    assert (run.counts["new"], run.counts["unchanged"], run.errors) == (0, 2, [])


def _remember(url: str, validators: Validators, sha: str) -> None:
    """Remember in the validator cache (CITSEC_CACHE_DIR) that `url` served the bytes `sha`."""
    cache = ValidatorCache(Settings.from_env().cache_dir)
    cache.put(url, validators, sha)
    cache.save()


def _stored(db_url: str, url: str, data: bytes) -> str:
    """Make the store hold `data` from `url` as done (a failed reading is done too: not read again until
    the bytes change), without the seconds of a real ingest; their sha256."""
    sha = sha256_hex(data)
    with Corpus.open(db_url) as corpus:
        corpus.record_failed_report(url, sha, "unreadable", extractor_version=EXTRACTOR_VERSION)
    return sha


def _last_seen(url: str, sha: str, etag: str) -> ReportRef:
    """A ref to `url` as an ingest run plans it when the store holds what the URL served last time."""
    return with_conditional(ReportRef(uri=url, url=url, is_source=True), Validators(etag=etag), sha)


def test_the_pool_settles_an_unchanged_url_without_a_worker_and_hands_a_changed_one_its_bytes(
    site, samples_dir, db_url
):
    pdf = (samples_dir / PDF).read_bytes()
    unchanged = site.add("/same.pdf", body=pdf, content_type="application/pdf", etag='"same"')
    changed = site.add("/new.pdf", body=pdf + b"\n% v2\n", content_type="application/pdf", etag='"v2"')
    pool = WorkerPool(1, WorkerConfig(db_url, FetchPolicy()))
    try:
        outcome = pool.run(Job(_last_seen(unchanged, _stored(db_url, unchanged, pdf), '"same"')))
        assert isinstance(outcome, Outcome) and outcome.status == UNCHANGED
        assert pool._pool._host is None  # no worker host was started

        job = pool._read_first(Job(_last_seen(changed, _stored(db_url, changed, pdf), '"v1"')))
        assert isinstance(job, Job) and job.ref.content == pdf + b"\n% v2\n"
        assert job.ref.validators == Validators(etag='"v2"')  # remembered once the report is stored
        assert site.routes["/new.pdf"].hits == 1  # its worker reads these bytes: no second download
    finally:
        pool.close()


def test_plan_local_asks_whether_a_stored_url_changed(site, samples_dir, db_url, tmp_path):
    # `citsec ingest URL` skips its worker host and Prefect's start-up when the plan finds nothing to do,
    # and starts a changed URL's report early with the bytes the plan fetched.
    pdf = (samples_dir / PDF).read_bytes()
    url = site.add("/plan.pdf", body=pdf, content_type="application/pdf", etag='"plan-1"')
    sha = _stored(db_url, url, pdf)
    cache = tmp_path / "cache" / "http_validators.json"  # CITSEC_CACHE_DIR of the db_url fixture
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({url: {"etag": '"plan-1"', "last_modified": None, "sha256": sha}}))

    plan = plan_local([url], db_url)
    assert plan is not None and plan.nothing_to_process

    site.routes["/plan.pdf"].body, site.routes["/plan.pdf"].etag = pdf + b"\n% v2\n", '"plan-2"'
    plan = plan_local([url], db_url)
    assert plan is not None and not plan.nothing_to_process
    [job] = plan.head_start()
    assert job.ref.content == pdf + b"\n% v2\n"


def test_the_plan_leaves_a_url_whose_server_is_slow_to_the_run(
    site, samples_dir, db_url, monkeypatch, tmp_path
):
    # A review: the plan waited the run's 30 s on a server that did not answer, before any progress shows.
    import time

    pdf = (samples_dir / PDF).read_bytes()
    url = site.add("/slow-plan.pdf", body=pdf, content_type="application/pdf", delay=5.0)
    sha = _stored(db_url, url, pdf)
    cache = tmp_path / "cache" / "http_validators.json"  # CITSEC_CACHE_DIR of the db_url fixture
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({url: {"etag": '"slow-1"', "last_modified": None, "sha256": sha}}))
    monkeypatch.setattr("flows.plan.PLAN_TIMEOUT", 0.3)
    started = time.monotonic()
    plan = plan_local([url], db_url)
    assert time.monotonic() - started < 4.0  # it gave up well before the server's 5 s
    assert plan is not None and not plan.nothing_to_process
    [ref] = plan.todo
    assert ref.uri == url and ref.content is None  # the run fetches it, with its own policy


def test_closing_the_pool_does_not_wait_for_a_server_that_does_not_answer(site, db_url):
    url = site.add("/slow.pdf", body=b"%PDF-1.4\n", delay=10.0)
    pool = WorkerPool(1, WorkerConfig(db_url, FetchPolicy(attempts=1)))
    future = pool.submit(Job(_last_seen(url, _stored(db_url, url, b"%PDF-1.3\n"), '"v1"')))
    time.sleep(0.3)  # the pool is waiting for the server
    started = time.monotonic()
    pool.close()
    with pytest.raises(WorkerError):
        future.result(timeout=5)
    assert time.monotonic() - started < 3


def test_the_validator_cache_remembers_a_url_without_validators_and_keeps_them_over_a_bare_304(tmp_path):
    cache = ValidatorCache(tmp_path)
    cache.put("http://a.example/r.pdf", Validators(), "aaa")  # a server that sends no validators
    cache.put("http://b.example/r.pdf", Validators(last_modified="Mon, 01 Dec 2026 10:00:00 GMT"), "bbb")
    cache.put("http://b.example/r.pdf", Validators(), "bbb")  # its 304, without them (python -m http.server)
    cache.save()

    again = ValidatorCache(tmp_path)
    a, b = again.get("http://a.example/r.pdf"), again.get("http://b.example/r.pdf")
    assert a is not None and (a.validators, a.sha256) == (Validators(), "aaa")
    assert b is not None and b.validators.last_modified == "Mon, 01 Dec 2026 10:00:00 GMT"
    again.put("http://b.example/r.pdf", Validators(), "ccc")  # new bytes, sent without validators
    assert again.get("http://b.example/r.pdf") == Remembered(Validators(), "ccc")


def test_a_url_whose_bytes_failed_is_asked_conditionally_and_needs_no_worker(tmp_path, site, db_url):
    # Its failure is remembered by its bytes (not tried again until they change): the next run asked for
    # them whole, with no validators, and started a worker host to hash them and find them unchanged.
    broken = b"%PDF-1.4\nnot a PDF at all"
    with_etag = site.add("/r/broken.pdf", body=broken, content_type="application/pdf", etag='"b-1"')
    without_validators = site.add("/r/worse.pdf", body=broken + b" either", content_type="application/pdf")
    first = ingest_local([with_etag, without_validators], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (0, 2), first.errors

    env, imports = watching_imports(tmp_path, ("spacy", "sklearn"))
    before = len(site.requests)
    command = [sys.executable, "-m", "flows", "ingest", with_etag, without_validators, "--db", db_url]
    done = subprocess.run([*command, "--no-prefect"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = summary_lines(done.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "2", "0"), done.stdout
    assert "2 of the unchanged reports failed before" in done.stderr
    assert imports.read_text() == "", "a re-ingest of URLs whose bytes failed started a worker host"
    asked = site.requests[before:]
    assert sorted(path for path, _ in asked) == ["/r/broken.pdf", "/r/worse.pdf"]
    assert dict(asked)["/r/broken.pdf"].get("If-None-Match") == '"b-1"'


@pytest.mark.slow
def test_a_feeds_dead_link_is_asked_again_by_the_plan_and_starts_no_worker_host(
    tmp_path, site, samples_dir, db_url
):
    # A user review: a feed whose link to a PDF answers 404 started Prefect and the worker host on every
    # run, to find the link still dead (it has no stored bytes to read conditionally).
    pdf = (samples_dir / PDF).read_bytes()
    site.add("/r/plan.pdf", body=pdf, content_type="application/pdf", etag='"plan-1"')
    # One link answers 404, one 500 (a user review: a 500, which may pass, was left to the run).
    site.add("/r/broken.pdf", body=b"", status=500)
    feed = site.add_feed("/feed.xml", ["/r/broken.pdf", "/r/plan.pdf", "/r/gone.pdf"])
    first = ingest_local([feed], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (1, 2), first.errors

    env, imports = watching_imports(tmp_path, HEAVY)
    env.pop("PREFECT_API_URL", None)
    before = len(site.requests)
    done = subprocess.run([sys.executable, "-m", "flows", "ingest", feed, "--db", db_url],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr  # a failed report is a line, not an exit code
    lines = summary_lines(done.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "1", "2"), done.stdout
    assert "/r/gone.pdf: HTTP 404" in done.stderr and "/r/broken.pdf: HTTP 500" in done.stderr, done.stderr
    assert imports.read_text() == "", "a dead link started the worker host"
    # Each URL asked once, by the plan: the run took what it found.
    assert sorted(path for path, _ in site.requests[before:]) == [
        "/feed.xml", "/r/broken.pdf", "/r/gone.pdf", "/r/plan.pdf"
    ]

    # Once the link answers, the next run ingests it, from the bytes its plan fetched.
    site.add("/r/gone.pdf", body=pdf + b"\n% back\n", content_type="application/pdf")
    before = len(site.requests)
    again = subprocess.run([sys.executable, "-m", "flows", "ingest", feed, "--db", db_url, "--no-prefect"],
                           capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 0, again.stderr
    lines = summary_lines(again.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("1", "1", "1"), again.stdout
    assert [path for path, _ in site.requests[before:]].count("/r/gone.pdf") == 1
    # The failed fetch was no older version of it (a code review: "replaces an older version" was said).
    assert "replace" not in again.stderr, again.stderr
    with Corpus.open(db_url) as corpus:
        every = corpus.reports(include_superseded=True)
        versions = [row.status for row in every if row.uri.endswith("gone.pdf")]
    assert versions == ["ok"]


def test_the_plan_asks_dead_links_until_one_gives_no_answer(site, samples_dir, db_url):
    # Each dead link asked by the plan could hold the command up for its short try: after one gives no
    # answer, the run fetches the rest with its own retries.
    feed = site.add_feed("/feed.xml", ["/r/a.pdf", "/r/b.pdf"])
    first = ingest_local([feed], db_url=db_url, workers=1)
    assert first.failed == 2, first.errors
    for path in ("/r/a.pdf", "/r/b.pdf"):
        site.add(path, body=b"%PDF-1.4", content_type="application/pdf", delay=8)
    before = len(site.requests)
    plan = plan_local([feed], db_url)
    assert plan is not None
    assert sorted(ref.uri.rsplit("/", 1)[1] for ref in plan.todo) == ["a.pdf", "b.pdf"]
    assert all(ref.content is None for ref in plan.todo) and plan.read_urls == []
    assert len([path for path, _ in site.requests[before:] if path.startswith("/r/")]) == 1


def test_a_url_read_again_after_an_outage_keeps_no_failed_row(site, samples_dir, db_url):
    # A user review: a scheduled URL whose server was down for one run kept a "failed" row next to its
    # report after the server came back, in `citsec reports`, and its page was fetched whole every run.
    pdf = (samples_dir / PDF).read_bytes()
    url = site.add("/r/plan.pdf", body=pdf, content_type="application/pdf", etag='"plan-1"')
    assert ingest_local([url], db_url=db_url, workers=1).new == 1
    route = site.routes.pop("/r/plan.pdf")
    assert ingest_local([url], db_url=db_url, workers=1).failed == 1
    with Corpus.open(db_url) as corpus:
        assert sorted(row.status for row in corpus.reports() if row.uri == url) == ["failed", "ok"]
    site.routes["/r/plan.pdf"] = route
    back = ingest_local([url], db_url=db_url, workers=1)
    assert (back.unchanged, back.failed) == (1, 0)
    with Corpus.open(db_url) as corpus:
        assert [row.status for row in corpus.reports() if row.uri == url] == ["ok"]
        current = corpus.report_by_uri(url)
        assert current is not None and current.status == "ok"
        # The outage is still in the run log.
        assert any("HTTP 404" in error for run in corpus.ingest_runs() for error in run.errors)


def test_a_feed_read_again_after_it_failed_keeps_no_failed_row(site, samples_dir, db_url):
    # A code review: a feed that could not be read once (malformed, or down) kept its failed row after it
    # was read again, as its entries are the reports, not the feed.
    html = (samples_dir / "honduras_state_of_exception_en.html").read_bytes()
    site.add("/a.html", body=html, content_type="text/html; charset=utf-8")
    feed = site.add("/feed.xml", body=b"<?xml version='1.0'?><rss version='2.0'><channel><item>",
                    content_type="application/rss+xml")
    assert ingest_local([feed], db_url=db_url, workers=1).failed == 1
    site.add_feed("/feed.xml", ["/a.html"])
    again = ingest_local([feed], db_url=db_url, workers=1)
    assert (again.new, again.failed) == (1, 0), again.errors
    with Corpus.open(db_url) as corpus:
        assert [(row.uri, row.status) for row in corpus.reports()] == [(site.url("/a.html"), "ok")]


def test_the_pool_asks_a_dead_link_again_without_a_worker(site, samples_dir, db_url):
    # A user review: a scheduled run (no plan: that is `citsec ingest`'s) loaded the model every interval
    # to find a feed's dead link still dead.
    url = site.url("/r/gone.pdf")
    with Corpus.open(db_url) as corpus:
        corpus.record_failed_report(url, None, f"{url}: HTTP 404 Not Found")
    pool = WorkerPool(1, WorkerConfig(db_url, FetchPolicy()))
    try:
        outcome = pool.run(Job(ReportRef(uri=url, url=url)))
        assert (outcome.status, outcome.error) == ("failed", f"{url}: HTTP 404 Not Found")
        assert pool._pool._host is None  # no worker host was started
        site.add("/r/gone.pdf", body=(samples_dir / PDF).read_bytes(), content_type="application/pdf")
        answered = pool._read_first(Job(ReportRef(uri=url, url=url)))
        assert isinstance(answered, Job) and answered.ref.content  # its worker gets the bytes
    finally:
        pool.close()


def test_a_link_that_gave_no_answer_in_time_last_run_is_asked_once(site, db_url):
    # A user review: a link that hangs cost four timeouts (two minutes with the default policy) on every
    # scheduled run. One that gave no answer in time last run is asked once; one that answered an error
    # (a 503) is asked with the retries, as a server that is restarting may answer the next.
    hangs, down = site.url("/r/hangs.pdf"), site.url("/r/down.pdf")
    site.add("/r/hangs.pdf", body=b"%PDF-1.4", content_type="application/pdf", delay=1.0)
    site.add("/r/down.pdf", status=503)
    with Corpus.open(db_url) as corpus:  # as the run before stored them (flows.fetch's messages)
        for url, error in ((hangs, "timed out (ReadTimeout)"), (down, "HTTP 503")):
            corpus.record_failed_report(url, None, f"{url}: {error} (gave up after 3 attempts)")
    pool = WorkerPool(1, WorkerConfig(db_url, FetchPolicy(timeout=0.3, attempts=3, backoff=0.01)))
    try:
        hung = pool.run(Job(ReportRef(uri=hangs, url=hangs)))
        assert hung.error == f"{hangs}: timed out (ReadTimeout) (gave up after 1 attempt)"
        answered = pool.run(Job(ReportRef(uri=down, url=down)))
        assert answered.error == f"{down}: HTTP 503 (gave up after 3 attempts)"
        assert pool._pool._host is None  # no worker host was started
    finally:
        pool.close()
    assert (site.routes["/r/hangs.pdf"].hits, site.routes["/r/down.pdf"].hits) == (1, 3)
