"""Hostile servers on 127.0.0.1: redirects out of bounds, endless and trickling bodies, a gzip bomb, lying
Content-Types and feeds with entity tricks. Each is refused with one line, or read for what it is."""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from brokenfiles import MB, SAMPLES
from loopback import serving

from corpus import Corpus
from flows.feeds import FeedError, parse_feed
from flows.fetch import FetchError, FetchPolicy, fetch, make_client
from flows.run import ingest_local

POLICY = FetchPolicy(timeout=2.0, attempts=1, backoff=0.01, max_bytes=4 * MB, deadline=3.0)
Handler = Callable[[BaseHTTPRequestHandler], None]


def _gzip_bomb(inflated: int) -> bytes:
    """One gzip member of HTML that inflates to `inflated` bytes (mostly spaces) from about a thousandth
    of that: a full flush makes the deflate block for one megabyte repeatable (see brokenfiles)."""
    first, chunk = b"<html><body><p>" + b" " * (MB - 15), b" " * MB
    count = inflated // MB
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(first) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(first)
    for _ in range(count - 1):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (count * MB) & 0xFFFFFFFF)
    return header + head + block * (count - 1) + b"\x03\x00" + trailer


class Server:
    """Test-given handlers for paths, served on 127.0.0.1 (tests.loopback) for one test."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.stop = threading.Event()
        routes = self.routes

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                handler = routes.get(self.path.split("?")[0])
                if handler is None:
                    self.send_error(404)
                    return
                handler(self)  # the client giving up mid-body, the point of most routes, is not reported

        self.handler = _Handler
        self.base = ""  # set while it is served

    def body(self, path: str, data: bytes, content_type: str, **headers: str) -> str:
        def handler(h: BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                h.send_header(name.replace("_", "-"), value)
            h.end_headers()
            h.wfile.write(data)

        self.routes[path] = handler
        return self.base + path

    def redirect(self, path: str, location: str) -> str:
        def handler(h: BaseHTTPRequestHandler) -> None:
            h.send_response(302)
            h.send_header("Location", location)
            h.send_header("Content-Length", "0")
            h.end_headers()

        self.routes[path] = handler
        return self.base + path

    def trickle(self, path: str, piece: bytes, pause: float) -> str:
        """A body without end: `piece` after `piece`, `pause` seconds apart, until the client leaves
        (or the test ends: every loop is bounded by the stop event)."""

        def handler(h: BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            h.wfile.write(b"<html><body><p>")
            while not self.stop.is_set():
                h.wfile.write(piece)
                h.wfile.flush()
                if pause:
                    time.sleep(pause)

        self.routes[path] = handler
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    with serving(running.handler) as running.base:
        try:
            yield running
        finally:
            running.stop.set()  # ends the endless bodies before the server stops


def test_redirect_to_file_url_is_refused(server):
    url = server.redirect("/r", "file:///etc/passwd")
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url, POLICY)


def test_redirect_to_private_or_unlisted_host_is_refused(server):
    # A source on one address class may not bounce citsec to another (cloud metadata, the LAN).
    url = server.redirect("/meta", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError, match="redirect to private address 169.254.169.254 refused"):
        fetch(url, POLICY)
    target = server.body("/ok", b"fine", "text/plain")
    moved = server.redirect("/moved", target.replace("127.0.0.1", "localhost"))
    strict = FetchPolicy(**{**POLICY.__dict__, "allowed_hosts": frozenset({"127.0.0.1"})})
    with pytest.raises(FetchError, match="redirect to localhost refused"):
        fetch(moved, strict)
    assert fetch(server.redirect("/same", target), strict).content == b"fine"


def test_endless_response_stops_at_the_size_cap(server):
    url = server.trickle("/endless", b"x" * 65536, pause=0)
    with pytest.raises(FetchError, match="over the 4194304-byte limit"):
        fetch(url, POLICY)


def test_slow_loris_stops_at_the_download_deadline(server):
    # One byte every 50 ms never trips the 2-second read timeout; the 3-second deadline stops it.
    url = server.trickle("/loris", b"x", pause=0.05)
    with pytest.raises(FetchError, match="longer than the 3-second limit"):
        fetch(url, POLICY)


def test_gzip_bomb_page_is_capped_and_recorded_as_failed(server, db_url):
    url = server.body("/bomb.html", _gzip_bomb(1024 * MB), "text/html", Content_Encoding="gzip")
    with pytest.raises(FetchError, match="over the 4194304-byte limit"):
        fetch(url, POLICY)
    summary = ingest_local([url], db_url=db_url, workers=1, fetch_policy=POLICY)
    assert (summary.new, summary.failed) == (0, 1)
    with Corpus.open(db_url) as corpus:
        (row,) = list(corpus.reports())
    assert row.status == "failed" and "byte limit" in (row.error or "") and "\n" not in (row.error or "")


def test_wrong_content_type_is_sniffed(server, db_url):
    pdf = (SAMPLES / "plan_colombia_legacy_en.pdf").read_bytes()
    html = (SAMPLES / "honduras_state_of_exception_en.html").read_bytes()
    pdf_as_html = server.body("/page", pdf, "text/html; charset=utf-8")
    html_as_pdf = server.body("/report.pdf", html, "application/pdf")
    summary = ingest_local([pdf_as_html, html_as_pdf], db_url=db_url, workers=1, fetch_policy=POLICY)
    assert (summary.new, summary.failed) == (2, 0), summary.errors
    with Corpus.open(db_url) as corpus:
        kinds = {row.uri.rsplit("/", 1)[1]: row.media_type for row in corpus.reports()}
    assert kinds == {"page": "application/pdf", "report.pdf": "text/html"}


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title><link>http://h.test/a</link></item></channel></rss>"""
QUADRATIC = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "%s">]>
<rss version="2.0"><channel><item><title>%s</title><link>http://h.test/a</link></item></channel></rss>""" % (
    b"x" * 50_000,
    b"&a;" * 50_000,
)


@pytest.mark.parametrize("feed", [XXE, QUADRATIC], ids=["external-entity", "quadratic-blowup"])
def test_feed_entity_tricks_are_refused(feed, server, db_url):
    with pytest.raises(FeedError, match="refused"):
        parse_feed(feed, "http://h.test/feed.xml")
    url = server.body("/feed.xml", feed, "application/rss+xml")
    summary = ingest_local([url], db_url=db_url, workers=1, fetch_policy=POLICY)
    assert summary.new == 0 and any("feed refused" in e for e in summary.errors), summary.errors


def test_slow_loris_in_the_headers_stops_at_the_deadline(server):
    # The status line and headers come a byte every 0.2 s, forever: each read returns well inside the
    # 2-second read timeout, so only the request's deadline (headers included) stops it.
    gone = threading.Event()

    def dribble(h: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nX-Slow: "
        try:
            for index in range(10_000):
                if server.stop.is_set():
                    return
                h.wfile.write(head[index : index + 1] or b"a")
                h.wfile.flush()
                time.sleep(0.2)
        except OSError:
            gone.set()  # the client closed its socket

    server.routes["/dribble"] = dribble
    policy = FetchPolicy(**{**POLICY.__dict__, "deadline": 1.0, "attempts": 2})
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than the 1-second limit") as failed:
        fetch(server.base + "/dribble", policy)
    assert time.monotonic() - started < 1.6  # once: a deadline is not retried
    assert "\n" not in str(failed.value) and "gave up" not in str(failed.value)
    assert gone.wait(2.0), "the fetch left its socket open"


def test_name_resolving_to_loopback_is_refused_unless_the_policy_allows_it(server, names):
    names["internal.example"] = ["127.0.0.1"]
    url = server.body("/ok", b"fine", "text/plain").replace("127.0.0.1", "internal.example")
    with pytest.raises(FetchError, match=r"internal.example \(127.0.0.1\) is a loopback address, refused"):
        fetch(url, POLICY)
    loopback_ok = FetchPolicy(**{**POLICY.__dict__, "allowed_address_classes": frozenset({"loopback"})})
    assert fetch(url, loopback_ok).content == b"fine"


def test_a_resolver_that_hangs_stops_at_the_deadline(monkeypatch):
    # A DNS server that never answers leaves getaddrinfo waiting for the resolver's own timeouts (retries
    # times servers times seconds); the lookup is held to the request's deadline like the rest of it.
    real = socket.getaddrinfo
    release = threading.Event()

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "silent-dns.example":
            release.wait(10.0)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    policy = FetchPolicy(**{**POLICY.__dict__, "deadline": 1.0, "attempts": 3})
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="took longer than the 1-second limit"):
            fetch("http://silent-dns.example/report.pdf", policy)
    finally:
        release.set()
    assert time.monotonic() - started < 1.6  # once: a deadline is not retried


def test_name_with_any_private_address_is_refused(server, names):
    # One public address among them does not launder the private one (no connection is even tried).
    names["mixed.example"] = ["93.184.215.14", "10.1.2.3"]
    with pytest.raises(FetchError, match=r"mixed.example \(10.1.2.3\) is a private address, refused"):
        fetch("http://mixed.example/report.pdf", POLICY)


def test_redirect_to_a_name_resolving_to_a_metadata_address_is_refused(server, names):
    names["internal.example"] = ["127.0.0.1"]
    names["metadata.example"] = ["169.254.169.254"]
    hop = server.redirect("/r", "http://metadata.example/latest/meta-data/")
    loopback_ok = FetchPolicy(**{**POLICY.__dict__, "allowed_address_classes": frozenset({"loopback"})})
    with pytest.raises(FetchError, match=r"metadata.example \(169.254.169.254\) is a private address"):
        fetch(hop.replace("127.0.0.1", "internal.example"), loopback_ok)


def test_kept_alive_connection_is_checked_again_for_a_stricter_request(server, names):
    # A fetch that starts on 127.0.0.1 may follow a redirect to a name on 127.0.0.1, and the pool keeps
    # that connection; a later fetch that starts at the name itself may not use it.
    names["internal.example"] = ["127.0.0.1"]
    server.handler.protocol_version = "HTTP/1.1"  # keep connections alive
    target = server.body("/ok", b"fine", "text/plain").replace("127.0.0.1", "internal.example")
    with make_client(POLICY) as client:
        assert fetch(server.redirect("/r", target), POLICY, client=client).content == b"fine"
        with pytest.raises(FetchError, match="loopback address, refused"):
            fetch(target, POLICY, client=client)


def test_feed_links_into_the_private_network_are_refused(server):
    # A feed on this machine may list reports on this machine (same address class as the feed), but not
    # ones on the private network or a cloud metadata address, though those are IP literals that would
    # be allowed their own class if fetched as sources of their own.
    from flows.sources import resolve_sources

    local_pdf = server.body("/a.pdf", next(SAMPLES.glob("*.pdf")).read_bytes(), "application/pdf")
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<item><title>here</title><link>{local_pdf}</link></item>"
        "<item><title>lan</title><link>http://10.0.0.5/x.pdf</link></item>"
        "<item><title>metadata</title><link>http://169.254.169.254/latest/</link></item>"
        "</channel></rss>"
    ).encode()
    url = server.body("/feed.xml", feed, "application/rss+xml")
    with make_client(POLICY) as client:
        resolution = resolve_sources([url], {}, lambda u: fetch(u, POLICY, client=client), policy=POLICY)
    by_uri = {ref.uri: ref for ref in resolution.refs}
    assert by_uri[local_pdf].error is None
    assert "private address 10.0.0.5 refused" in (by_uri["http://10.0.0.5/x.pdf"].error or "")
    assert "refused" in (by_uri["http://169.254.169.254/latest/"].error or "")
