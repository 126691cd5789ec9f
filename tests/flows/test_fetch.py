"""HTTP fetching against a real server on 127.0.0.1: retries, timeouts, caps, redirects, 304s."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest

from flows.fetch import FetchError, FetchPolicy, Validators, backoff_delay, fetch, parse_retry_after

FAST = FetchPolicy(user_agent="citsec-test/1", timeout=0.5, attempts=3, backoff=0.01, max_bytes=10_000)


def test_ok_sends_user_agent(site):
    url = site.add("/a.pdf", body=b"%PDF-1.4 hello", content_type="application/pdf")
    fetched = fetch(url, FAST)
    assert fetched.content == b"%PDF-1.4 hello"
    assert fetched.status == 200 and fetched.attempts == 1
    assert site.requests[0][1]["User-Agent"] == "citsec-test/1"


def test_500_then_success_is_retried(site):
    url = site.add("/flaky.pdf", body=b"%PDF-1.4 ok", fail_first=[500, 503])
    fetched = fetch(url, FAST)
    assert fetched.content == b"%PDF-1.4 ok"
    assert fetched.attempts == 3


def test_persistent_500_gives_up_with_one_line(site):
    url = site.add("/broken.pdf", fail_first=[500, 500, 500, 500])
    with pytest.raises(FetchError) as info:
        fetch(url, FAST)
    assert "HTTP 500" in str(info.value) and "3 attempts" in str(info.value)
    assert "\n" not in str(info.value)


def test_404_is_not_retried(site):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(site.url("/missing.pdf"), FAST)
    assert len(site.requests) == 1


def test_timeout_is_retried_then_fails(site):
    url = site.add("/slow.pdf", body=b"%PDF-1.4", delay=1.0)
    policy = FetchPolicy(timeout=0.2, attempts=2, backoff=0.01)
    with pytest.raises(FetchError, match="timed out"):
        fetch(url, policy)
    assert site.routes["/slow.pdf"].hits == 2


def test_oversized_body_is_refused(site):
    url = site.add("/huge.pdf", body=b"%PDF" + b"x" * 20_000)
    with pytest.raises(FetchError, match="limit"):
        fetch(url, FAST)


def test_etag_304_returns_no_body(site):
    url = site.add("/r.pdf", body=b"%PDF-1.4 v1", etag='"v1"')
    first = fetch(url, FAST)
    assert first.validators.etag == '"v1"'
    second = fetch(url, FAST, first.validators)
    assert second.not_modified and second.content == b""
    assert site.requests[1][1]["If-None-Match"] == '"v1"'


def test_redirect_followed_within_http(site):
    target = site.add("/final.pdf", body=b"%PDF-1.4 final")
    url = site.add("/old.pdf", redirect="/final.pdf")
    fetched = fetch(url, FAST)
    assert fetched.final_url == target and fetched.content == b"%PDF-1.4 final"


def test_redirect_to_file_scheme_refused(site):
    url = site.add("/evil", redirect="file:///etc/passwd")
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url, FAST)


def test_non_http_scheme_refused():
    with pytest.raises(FetchError, match="only http and https"):
        fetch("ftp://example.org/report.pdf", FAST)


def test_connection_refused_is_one_line():
    # Port 9 (discard) on loopback: nothing listens there in the test machine.
    with pytest.raises(FetchError, match="connection failed"):
        fetch("http://127.0.0.1:9/x.pdf", FetchPolicy(timeout=0.5, attempts=2, backoff=0.01))


def test_retry_after_and_backoff():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("9999") == 9999.0  # fetch() gives up on it at once
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("inf") is None and parse_retry_after("nan") is None
    # An HTTP date: in an hour, and one with "-0000", UTC whatever this machine's zone (a code review).
    in_an_hour = parse_retry_after(format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)))
    assert in_an_hour is not None and 3590 < in_an_hour <= 3600
    naive = format_datetime(dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1))
    assert naive.endswith("-0000")
    assert abs((parse_retry_after(naive) or 0) - in_an_hour) < 5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # past: ask again now
    policy = FetchPolicy(backoff=0.5)
    assert backoff_delay(policy, 0, None) == 0.5
    assert backoff_delay(policy, 2, None) == 2.0
    assert backoff_delay(policy, 2, 1.0) == 1.0
    assert Validators().headers() == {}


def test_a_server_asking_to_wait_longer_than_citsec_waits_is_not_asked_again(site):
    # A 429 with Retry-After: 3600 was asked 4 times, 30 s apart, on every run (a user review).
    from flows.fetch import FetchGaveUp

    url = site.add("/busy.pdf", body=b"%PDF-1.4 ok", fail_first=[429, 429, 429, 429], retry_after="3600")
    slept: list[float] = []
    with pytest.raises(FetchGaveUp) as caught:
        fetch(url, FAST, sleep=slept.append)
    assert site.routes["/busy.pdf"].hits == 1 and slept == []
    assert not caught.value.wait_helps  # the run's policy waits no longer: the plan settles it (a review)
    assert str(caught.value) == (
        f"{url}: HTTP 429, asked to wait 1 h, longer than the 30 s citsec waits; the next run asks again"
    )
    from flows.fetch import _duration

    waits = (30.2, 90, 150, 5400, 3 * 86400)
    assert [_duration(s) for s in waits] == ["31 s", "90 s", "2 min", "2 h", "3 days"]
    # A wait within the cap is waited, as the server asked, and the fetch tried again.
    url = site.add("/brief.pdf", body=b"%PDF-1.4 ok", fail_first=[503], retry_after="2")
    assert fetch(url, FAST, sleep=slept.append).content == b"%PDF-1.4 ok"
    assert slept == [2.0]


def test_a_fetch_that_gave_up_says_whether_waiting_may_help(site):
    # A dead link the plan asks again is settled as still dead after one try, unless time may help: a
    # server that asks for it (429, Retry-After) is left to the run's retries (a code review).
    from flows.fetch import FetchGaveUp, timed_out

    policy = FetchPolicy(attempts=1, timeout=0.5)
    site.add("/slow", body=b"x", delay=2)
    for path, status in (("/s500", 500), ("/s429", 429), ("/s503", 503)):
        site.add(path, body=b"", status=status)
    for path, helps in (("/s500", False), ("/s429", True), ("/s503", False), ("/slow", True)):
        with pytest.raises(FetchGaveUp) as caught:
            fetch(site.url(path), policy)
        assert caught.value.wait_helps is helps, path
        assert str(caught.value).endswith("(gave up after 1 attempt)"), str(caught.value)
        # Only a link that gave no answer in time is asked once the next run (timed_out reads the error
        # as the store keeps it).
        assert timed_out(str(caught.value)) is (path == "/slow"), path
    # The URL's own words are not the error's; a PoolTimeout is this machine's, not the server's.
    assert not timed_out("http://x.org/: timed out (ReadTimeout) (gave up after 4 attempts)/: HTTP 404")
    assert not timed_out("http://x.org/a.pdf: timed out (PoolTimeout) (gave up after 4 attempts)")
