"""A page (an HTML article) ingested by its URL and not changed since costs one conditional request on the
next run, as a PDF link does, and no worker.

A user-journey review: a second `citsec ingest http://.../page2.html` sent neither If-None-Match nor
If-Modified-Since (resolution downloaded the page whole to tell a feed from a page), and through Prefect it
started the worker host, which loaded spaCy and the model (9-17 s), to find the page unchanged. A URL stored
as a report is read as one again without being looked at first; one that became a feed is read as a feed
on the next run; a feed's landing pages are still read whole for the PDFs they link to now.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from import_watch import summary_lines, watching_imports

from corpus import Corpus
from flows.plan import plan_local
from flows.run import ingest_local
from flows.sources import resolve_sources

PAGE = "honduras_state_of_exception_en.html"
MONDAY = "Mon, 01 Dec 2025 10:00:00 GMT"
TUESDAY = "Tue, 02 Dec 2025 10:00:00 GMT"


HTML = "text/html; charset=utf-8"


def _first_ingest(url: str, db_url: str) -> None:
    first = ingest_local([url], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (1, 0), first.errors


def test_a_second_ingest_of_an_unchanged_html_page_asks_once_with_its_last_modified_and_loads_no_model(
    tmp_path, site, samples_dir, db_url
):
    html = (samples_dir / PAGE).read_bytes()
    page = site.add("/page2.html", body=html, content_type=HTML, last_modified=MONDAY)
    _first_ingest(page, db_url)

    env, imports = watching_imports(tmp_path, ("spacy", "sklearn", "prefect"))
    env.pop("PREFECT_API_URL", None)  # through the command's own Prefect API, when it needs one
    command = [sys.executable, "-m", "flows", "ingest", page, "--db", db_url]
    for options in ([], ["--no-prefect"]):
        before = len(site.requests)
        done = subprocess.run([*command, *options], capture_output=True, text=True, timeout=120, env=env)

        assert done.returncode == 0, done.stderr
        lines = summary_lines(done.stdout)
        assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "1", "0"), done.stdout
        # Asked once, conditionally, before any worker (or Prefect) was needed: the server said 304.
        asked = [headers for path, headers in site.requests[before:]]
        assert [headers.get("If-Modified-Since") for headers in asked] == [MONDAY], asked
        assert imports.read_text() == "", f"a re-ingest {options} of an unchanged page started a worker host"
        with Corpus.open(db_url) as corpus:
            run = corpus.ingest_runs()[0]
        assert (run.counts["new"], run.counts["unchanged"], run.errors) == (0, 1, [])


@pytest.mark.parametrize(
    "validators", [{"last_modified": MONDAY}, {"etag": '"page-1"'}], ids=["last-modified", "etag"]
)
def test_the_run_reads_an_unchanged_html_page_with_a_conditional_get(validators, site, samples_dir, db_url):
    # The run itself (a notebook's ingest_local, a scheduled run: no plan before it) asks the same way.
    page = site.add("/page2.html", body=(samples_dir / PAGE).read_bytes(), content_type=HTML, **validators)
    _first_ingest(page, db_url)

    before = len(site.requests)
    second = ingest_local([page], db_url=db_url, workers=1)
    assert (second.new, second.unchanged, second.failed) == (0, 1, 0), second.errors
    [asked] = [headers for _, headers in site.requests[before:]]
    sent = {"last_modified": asked.get("If-Modified-Since"), "etag": asked.get("If-None-Match")}
    assert {key: value for key, value in sent.items() if value} == validators


def test_a_changed_html_page_is_downloaded_once_and_read_again(site, samples_dir, db_url):
    html = (samples_dir / PAGE).read_bytes()
    page = site.add("/page2.html", body=html, content_type=HTML, last_modified=MONDAY)
    _first_ingest(page, db_url)

    # A change to the article's text (a paragraph after the article, which extraction leaves out as page
    # furniture, changes the bytes but not the report: tests/flows/test_report_versions_served.py).
    changed = html.replace(b"for years.", b"for years. Update: the state of exception was extended again.")
    site.add("/page2.html", body=changed, content_type=HTML, last_modified=TUESDAY)
    plan = plan_local([page], db_url)
    assert plan is not None and not plan.nothing_to_process  # the plan fetched it, conditionally
    [job] = plan.head_start()
    assert job.ref.content == changed  # its worker starts on the bytes the plan fetched

    before = len(site.requests)
    second = ingest_local([page], db_url=db_url, workers=1)
    assert (second.new, second.failed) == (1, 0), second.errors
    assert [h.get("If-Modified-Since") for _, h in site.requests[before:]] == [MONDAY]  # its worker did not
    with Corpus.open(db_url) as corpus:
        current = corpus.report_by_uri(page)
    assert current is not None and current.status == "ok"


def test_resolution_does_not_look_at_a_page_the_store_holds(site):
    url = site.add("/page2.html", body=b"<html><body><p>x</p></body></html>", content_type=HTML)

    def fetch_nothing(url: str):
        pytest.fail(f"{url} was fetched in resolution")

    resolution = resolve_sources([url], {}, fetch_nothing, stored_report=lambda u: u == url)
    [ref] = resolution.refs
    assert (ref.uri, ref.content, ref.is_source, ref.assumed_report) == (url, None, True, True)


@pytest.mark.slow
def test_a_page_that_became_a_feed_fails_once_then_is_read_as_a_feed(site, samples_dir, db_url):
    page = site.add("/news", body=(samples_dir / PAGE).read_bytes(), content_type=HTML, last_modified=MONDAY)
    _first_ingest(page, db_url)

    pdf = site.add("/r/plan.pdf", body=(samples_dir / "plan_colombia_legacy_en.pdf").read_bytes(),
                   content_type="application/pdf")
    feed = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            f"<item><title>a</title><link>{pdf}</link></item></channel></rss>").encode()
    site.add("/news", body=feed, content_type="application/rss+xml", last_modified=TUESDAY)

    second = ingest_local([page], db_url=db_url, workers=1)
    assert (second.new, second.failed) == (0, 1)
    assert "a feed now" in second.errors[0]
    third = ingest_local([page], db_url=db_url, workers=1)
    assert (third.new, third.failed) == (1, 0), third.errors  # the feed's PDF
    with Corpus.open(db_url) as corpus:
        stored = corpus.report_by_uri(pdf)
    assert stored is not None and stored.status == "ok"


def test_a_feeds_landing_page_is_still_read_for_the_pdfs_it_links_to_now(site, samples_dir, db_url):
    pdf = (samples_dir / "plan_colombia_legacy_en.pdf").read_bytes()
    first_pdf = site.add("/r/one.pdf", body=pdf, content_type="application/pdf", etag='"one"')
    second_pdf = site.add("/r/two.pdf", body=pdf + b"\n% two\n", content_type="application/pdf")
    landing = b"<html><body><h1>Brief</h1><p>See <a href='/r/one.pdf'>the PDF</a>.</p></body></html>"
    page = site.add("/brief.html", body=landing, content_type=HTML, last_modified=MONDAY)
    feed = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            f"<item><title>a</title><link>{page}</link></item></channel></rss>").encode()
    feed_url = site.add("/feed.xml", body=feed, content_type="application/rss+xml")
    first = ingest_local([feed_url], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (2, 0), first.errors

    with_two = landing.replace(b"</p>", b" And <a href='/r/two.pdf'>the annex</a>.</p>")
    site.add("/brief.html", body=with_two, content_type=HTML, last_modified=TUESDAY)
    before = len(site.requests)
    second = ingest_local([feed_url], db_url=db_url, workers=1)
    assert (second.new, second.unchanged, second.failed) == (2, 1, 0), second.errors  # page, two.pdf
    assert [h.get("If-None-Match") for h in site.asked("/r/one.pdf")[-1:]] == ['"one"']
    assert sorted(path for path, _ in site.requests[before:]) == [
        "/brief.html", "/feed.xml", "/r/one.pdf", "/r/two.pdf"
    ]
    with Corpus.open(db_url) as corpus:
        assert corpus.report_by_uri(second_pdf) is not None and corpus.report_by_uri(first_pdf) is not None


@pytest.mark.slow
def test_an_unchanged_feed_is_planned_a_request_per_url_and_a_changed_one_is_not_fetched_twice(
    tmp_path, site, samples_dir, db_url
):
    # A user review: a re-ingest of an unchanged feed started Prefect and the worker host (6-9 s) because
    # only a run could resolve a feed; the command's plan now fetches it (and its landing pages) once.
    pdf = (samples_dir / "plan_colombia_legacy_en.pdf").read_bytes()
    site.add("/r/one.pdf", body=pdf, content_type="application/pdf", etag='"one"')
    site.add("/r/two.pdf", body=pdf + b"\n% two\n", content_type="application/pdf")
    landing = b"<html><body><h1>Brief</h1><p>See <a href='/r/one.pdf'>the PDF</a>.</p></body></html>"
    page = site.add("/brief.html", body=landing, content_type=HTML, last_modified=MONDAY)
    feed_url = site.add_feed("/feed.xml", [page])
    first = ingest_local([feed_url], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (2, 0), first.errors

    env, imports = watching_imports(tmp_path, ("spacy", "sklearn", "prefect"))
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "flows", "ingest", feed_url, "--db", db_url, "--workers", "1"]
    before = len(site.requests)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = summary_lines(done.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "2", "0"), done.stdout
    assert imports.read_text() == "", "a re-ingest of an unchanged feed started Prefect or a worker host"
    asked = site.requests[before:]
    assert sorted(path for path, _ in asked) == ["/brief.html", "/feed.xml", "/r/one.pdf"]
    assert dict(asked)["/r/one.pdf"].get("If-None-Match") == '"one"'

    # Changed: the run takes the feed and the page the plan fetched instead of downloading them again.
    with_two = landing.replace(b"</p>", b" And <a href='/r/two.pdf'>the annex</a>.</p>")
    site.add("/brief.html", body=with_two, content_type=HTML, last_modified=TUESDAY)
    before = len(site.requests)
    done = subprocess.run([*command, "--no-prefect"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = summary_lines(done.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("2", "1", "0"), done.stdout
    assert sorted(path for path, _ in site.requests[before:]) == [
        "/brief.html", "/feed.xml", "/r/one.pdf", "/r/two.pdf"
    ]


def test_a_feed_the_plan_cannot_fetch_is_left_to_the_run(site, db_url):
    # One short attempt in the plan; a failure there is not "nothing to ingest": the run retries it.
    feed_url = site.add("/flaky.xml", body=b"", status=503)
    assert plan_local([feed_url], db_url) is None


def test_the_plan_stops_at_the_first_entry_that_does_not_answer(site, db_url, monkeypatch):
    # Code review: it went on to the next entries, 5 s each (a feed may list 500), before giving up.
    monkeypatch.setattr("flows.plan.PLAN_TIMEOUT", 0.3)
    slow = [site.add(f"/slow-{i}.html", body=b"<html><body><p>x</p></body></html>", content_type=HTML,
                     delay=1.0) for i in range(2)]  # fmt: skip
    assert plan_local([site.add_feed("/feed.xml", slow)], db_url) is None
    assert [len(site.asked(f"/slow-{i}.html")) for i in range(2)] == [1, 0]


def test_a_feed_with_a_dead_or_malformed_link_is_still_planned_and_needs_no_worker(
    tmp_path, site, samples_dir, db_url
):
    # Code review: one dead link made the plan give up, so every run of such a feed started Prefect and
    # the worker host and fetched the feed twice; a malformed link was a traceback.
    page = site.add("/page.html", body=(samples_dir / PAGE).read_bytes(), content_type=HTML)
    feed_url = site.add_feed("/feed.xml", [page, site.url("/gone.html"), "http://127.0.0.1:abc/x.html",
                                           "http://[::1/y.html"])  # fmt: skip
    first = ingest_local([feed_url], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (1, 2), first.errors  # an unreadable IPv6 link is left out
    assert any("127.0.0.1:abc/x.html: not a valid URL" in error for error in first.errors), first.errors

    plan = plan_local([feed_url, str(tmp_path / "typo")], db_url)  # another source's mistake beside it
    assert plan is not None and plan.nothing_to_process and len(plan.errors) == 1
    env, imports = watching_imports(tmp_path, ("spacy", "sklearn", "prefect"))
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "flows", "ingest", feed_url, "--db", db_url, "--workers", "1"]
    before = len(site.requests)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    lines = summary_lines(done.stdout)
    assert (lines["new"], lines["unchanged"], lines["failed"]) == ("0", "1", "2"), done.stdout
    assert imports.read_text() == "", "a feed with a dead link started Prefect or a worker host"
    # Each asked once: the run takes the plan's answers, the dead link's failure too (it was asked again).
    assert sorted(path for path, _ in site.requests[before:]) == ["/feed.xml", "/gone.html", "/page.html"]
