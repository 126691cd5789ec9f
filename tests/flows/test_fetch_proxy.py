"""fetch() through the proxy the environment names (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), against a
small forward proxy on 127.0.0.1 that answers for made-up hosts itself, as an office proxy answers for the
internet. The address rules still hold: a target is checked before it is sent to the proxy."""

from __future__ import annotations

import base64
import contextlib
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import httpx
import pytest
from loopback import serving

from flows.fetch import FetchError, FetchPolicy, fetch
from flows.netguard import proxy_for

POLICY = FetchPolicy(timeout=2.0, attempts=1, backoff=0.01, deadline=3.0)
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class Proxy:
    """A forward proxy: plain-http requests (absolute URIs) are answered from `pages` (dribbled a byte at
    a time when the URL is in `slow`) or `redirects`; CONNECT is refused with 403. Every request is kept."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []  # method, target, Proxy-Authorization
        self.pages: dict[str, bytes] = {}
        self.slow: set[str] = set()
        self.redirects: dict[str, str] = {}
        proxy = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _note(self) -> None:
                proxy.seen.append((self.command, self.path, self.headers.get("Proxy-Authorization")))

            def do_GET(self) -> None:
                self._note()
                if self.path in proxy.redirects:
                    self.send_response(302)
                    self.send_header("Location", proxy.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = proxy.pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    if self.path in proxy.slow:
                        time.sleep(0.3)

            def do_CONNECT(self) -> None:
                self._note()
                self.send_error(403, "tunnels are not allowed here")

        self.handler = _Handler
        self.url = ""  # set while it is served


@contextlib.contextmanager
def running_proxy() -> Iterator[Proxy]:
    proxy = Proxy()
    with serving(proxy.handler) as proxy.url:
        yield proxy


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    for name in PROXY_VARIABLES:  # whatever this machine's environment says, the test says instead
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)
    with running_proxy() as server:
        yield server


def test_http_goes_through_the_proxy_which_resolves_the_name(proxy, names, monkeypatch):
    names["reports.example"] = []
    proxy.pages["http://reports.example/brief.txt"] = b"via the proxy"
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    fetched = fetch("http://reports.example/brief.txt", POLICY)
    assert fetched.content == b"via the proxy"
    assert proxy.seen == [("GET", "http://reports.example/brief.txt", None)]


def test_proxy_credentials_in_the_url_are_sent_to_the_proxy(proxy, names, monkeypatch):
    names["reports.example"] = []
    proxy.pages["http://reports.example/brief.txt"] = b"ok"
    user_url = proxy.url.replace("http://", "http://analyst:s%40cret@")
    monkeypatch.setenv("http_proxy", user_url)
    fetch("http://reports.example/brief.txt", POLICY)
    assert proxy.seen[0][2] == "Basic " + base64.b64encode(b"analyst:s@cret").decode()


def test_https_is_tunnelled_with_connect_and_a_refusal_is_one_line(proxy, names, monkeypatch):
    names["reports.example"] = []
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with pytest.raises(FetchError) as failed:
        fetch("https://reports.example/brief.pdf", POLICY)
    assert proxy.seen == [("CONNECT", "reports.example:443", None)]
    message = str(failed.value)
    assert message.startswith("https://reports.example/brief.pdf: ") and "403" in message
    assert "\n" not in message


def test_a_name_this_machine_resolves_to_a_private_address_is_refused_before_the_proxy(
    proxy, names, monkeypatch
):
    names["intranet.example"] = ["10.1.2.3"]
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    with pytest.raises(FetchError, match=r"intranet.example \(10.1.2.3\) is a private address, refused"):
        fetch("http://intranet.example/budget.pdf", POLICY)
    assert proxy.seen == []


def test_a_redirect_through_the_proxy_is_checked_like_any_other(proxy, names, monkeypatch):
    names["reports.example"] = []
    names["intranet.example"] = ["10.1.2.3"]
    proxy.redirects["http://reports.example/lan"] = "http://10.0.0.5/x.pdf"
    proxy.redirects["http://reports.example/named"] = "http://intranet.example/x.pdf"
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with pytest.raises(FetchError, match="redirect to private address 10.0.0.5 refused"):
        fetch("http://reports.example/lan", POLICY)
    with pytest.raises(FetchError, match=r"intranet.example \(10.1.2.3\) is a private address, refused"):
        fetch("http://reports.example/named", POLICY)
    assert [target for _, target, _ in proxy.seen] == [
        "http://reports.example/lan",
        "http://reports.example/named",
    ]


def test_the_deadline_holds_through_the_proxy(proxy, names, monkeypatch):
    names["reports.example"] = []
    url = "http://reports.example/slow.txt"
    proxy.pages[url] = b"x" * 20
    proxy.slow.add(url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    policy = FetchPolicy(**{**POLICY.__dict__, "deadline": 1.0})
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than the 1-second limit"):
        fetch(url, policy)
    assert time.monotonic() - started < 2.0


def test_hosts_on_this_machine_never_go_to_the_proxy(proxy, monkeypatch):
    with running_proxy() as origin:  # used here as a plain server on 127.0.0.1, answering its own paths
        origin.pages["/here.txt"] = b"direct"
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        assert fetch(origin.url + "/here.txt", POLICY).content == b"direct"
        assert proxy.seen == [] and origin.seen == [("GET", "/here.txt", None)]


def test_a_socks_proxy_is_a_one_line_error(proxy, names, monkeypatch):
    names["reports.example"] = []
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(FetchError) as failed:
        fetch("http://reports.example/brief.txt", POLICY)
    assert str(failed.value) == (
        "http://reports.example/brief.txt: socks5 proxy 127.0.0.1 is not supported (http and https are)"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://reports.example/a", "http://proxy:3128"),
        ("https://reports.example/a", "http://tls-proxy:3128"),
        ("https://www.think.org/a", None),  # NO_PROXY suffix
        ("http://think.org/a", None),
        ("http://localhost:8000/a", None),
        ("http://127.0.0.1:8000/a", None),
        ("http://[::1]:8000/a", None),
        ("http://wiki.internal/a", None),
        ("http://internal/a", None),  # a leading dot also matches the name itself, as in curl
        ("http://notthink.org/a", "http://proxy:3128"),
        ("http://10.20.30.40/a", None),
        ("http://11.0.0.1/a", "http://proxy:3128"),
        ("http://mirror.example/a", None),
        ("ftp://reports.example/a", "http://all:3128"),
    ],
)
def test_which_requests_use_which_proxy(url, expected):
    proxies = {
        "http": "http://proxy:3128",
        "https": "http://tls-proxy:3128",
        "all": "http://all:3128",
        "no": "think.org, .internal,10.0.0.0/8,mirror.example:8080",
    }
    assert proxy_for(httpx.URL(url), proxies) == expected


def test_no_proxy_star_sends_everything_directly():
    proxies = {"https": "http://proxy:3128", "no": "*"}
    assert proxy_for(httpx.URL("https://reports.example/a"), proxies) is None
