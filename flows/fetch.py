"""HTTP fetching for ingest: timeouts, retries with backoff on transient errors, a size cap, http(s) only.

Only transient failures are retried (connection errors, timeouts, 429 and 5xx); a 404 or an oversized
file fails at once. Redirects are followed by hand so that every hop is checked to be http or https.
Conditional requests (ETag / Last-Modified) let an unchanged remote file come back as a bodiless 304.
Clients from make_client() also check every address they connect to and hold each request, headers
included, to the policy's deadline, and go through the proxy the environment names (flows.netguard).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from flows.netguard import (
    ADDRESS_CLASSES,
    AddressRefused,
    DeadlineExceeded,
    GuardedTransport,
    UnsupportedProxy,
    guarded,
    host_class,
)

TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0  # never sleep longer than this on a server's Retry-After
TIMED_OUT = "timed out"  # how an error says no answer came in time (see timed_out)


class FetchError(Exception):
    """A fetch that failed for good; the message is one line naming the URL and why."""


class FetchGaveUp(FetchError):
    """A fetch that failed on what may pass: no answer, or 429/5xx, on every attempt, or an answer slower
    than the policy's deadline. A more patient policy (the run's, after the plan's one short try) may get
    it; a 404, a refused address or an oversized body would fail again. `wait_helps`: the last attempt
    got no answer in time (a timeout, the deadline) or the server asked to be asked later (429, a
    Retry-After), as against an answer that was an error (a 503, a connection refused), at once, or a
    server that asked for longer than MAX_RETRY_AFTER (no policy here waits that long)."""

    def __init__(self, message: str, wait_helps: bool = False) -> None:
        super().__init__(message)
        self.wait_helps = wait_helps


class FetchPutOff(FetchGaveUp):
    """The server asked to be asked again later than MAX_RETRY_AFTER: no policy of this command waits
    that long, so its retries would be put off the same way (the next run asks again)."""


@dataclass(frozen=True)
class FetchPolicy:
    """How hard to try: per-read timeout (s), attempts, backoff base (s), size cap (bytes), the total
    seconds one attempt may take from connect to the body's last byte (a slow-loris server that trickles
    a byte per read never times out per read), the hosts redirects may lead to (None: any public host;
    see check_redirect), and the address classes ("loopback", "private") any host may resolve to.

    Public addresses are always allowed; a source written as an IP literal or localhost also reaches its
    own class (`http://127.0.0.1:8000/` may be fetched, and redirect on the same machine). A host name
    that resolves to a loopback or private address is refused unless allowed_address_classes says so."""

    user_agent: str = "citsec/0.1"
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 0.5
    max_bytes: int = 100 * 1024 * 1024
    deadline: float = 300.0
    allowed_hosts: frozenset[str] | None = None
    allowed_address_classes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.allowed_address_classes) - set(ADDRESS_CLASSES)
        if unknown:
            raise ValueError(f"unknown address classes {sorted(unknown)} (expected {ADDRESS_CLASSES})")


@dataclass(frozen=True)
class Validators:
    """What a server said identifies a version of a URL, for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True)
class Fetched:
    """A fetched URL: its final address, body (empty when not modified) and the validators to remember."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    validators: Validators = field(default_factory=Validators)
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Transient(Exception):
    """A failure worth another attempt; carries how long the server asked us to wait, if it did."""

    def __init__(self, message: str, retry_after: float | None = None, wait_helps: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.wait_helps = wait_helps  # FetchGaveUp.wait_helps


def check_scheme(url: str) -> None:
    """Refuse anything but http(s): file://, ftp:// and friends never reach the client."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:  # "http://[::1/x": an IPv6 host without its closing bracket
        raise FetchError(f"{url}: not a valid URL ({exc})") from None
    if scheme.lower() not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https URLs are fetched")


def allowed_classes(url: str, policy: FetchPolicy) -> frozenset[str]:
    """The address classes a fetch of `url` may connect to, on every hop: public ones, the class the URL
    itself names (an IP literal or localhost), and the policy's allowed_address_classes."""
    return frozenset({"public", host_class(urlsplit(url).hostname or "")}) | policy.allowed_address_classes


def check_redirect(url: str, target: str, policy: FetchPolicy) -> None:
    """Refuse a redirect hop that leaves http(s), leaves the policy's allowed hosts, or names a loopback
    or private address the fetch may not reach (a feed must not make citsec read the local network or a
    cloud metadata service). Names are checked when the hop connects (flows.netguard)."""
    check_scheme(target)
    host = (urlsplit(target).hostname or "").lower()
    if policy.allowed_hosts is not None and host not in policy.allowed_hosts:
        raise FetchError(f"{url}: redirect to {host} refused (not an allowed host)")
    unreachable = unreachable_address(url, target, policy)
    if unreachable:
        raise FetchError(f"{url}: redirect to {unreachable} refused")


def check_link(page_url: str, link: str, policy: FetchPolicy) -> None:
    """Refuse a link found in a fetched feed or page that a redirect from that page could not follow:
    a public feed listing `http://10.0.0.5/x.pdf` must not make citsec read the local network (an IP
    literal fetched as a URL of its own would otherwise be allowed its own address class)."""
    check_scheme(link)
    unreachable = unreachable_address(page_url, link, policy)
    if unreachable:
        raise FetchError(f"{link}: {unreachable} refused (linked from {page_url})")


def unreachable_address(url: str, target: str, policy: FetchPolicy) -> str | None:
    """"private address 10.0.0.5" when `target` names (as written) an address class a fetch of `url` may
    not reach, else None."""
    host = (urlsplit(target).hostname or "").lower()
    kind = host_class(host)
    return None if kind in allowed_classes(url, policy) else f"{kind} address {host}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None when there is none or
    it cannot be read. Not capped: fetch() gives up at once on a wait over MAX_RETRY_AFTER."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # "-0000": UTC, by RFC 5322, not this machine's time zone
            when = when.replace(tzinfo=dt.UTC)
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if math.isfinite(seconds) else None


_TIMED_OUT_ERROR = re.compile(rf": {TIMED_OUT} \((?!PoolTimeout)\w+\) \(gave up after \d+ attempts?\)$")


def timed_out(error: str) -> bool:
    """Whether a fetch's error, as stored, says the server gave no answer in time on its last attempt (a
    link that hangs; not a local PoolTimeout). The next run gives such a link one attempt, not the
    policy's `attempts`: a hanging link cost four timeouts, two minutes, on every run. A server that
    answers again is read as before."""
    return _TIMED_OUT_ERROR.search(error) is not None


def backoff_delay(policy: FetchPolicy, attempt: int, retry_after: float | None) -> float:
    """Exponential backoff (base * 2^attempt), or the server's Retry-After when it gave one."""
    if retry_after is not None:
        return retry_after
    return float(policy.backoff * (2**attempt))


def make_client(policy: FetchPolicy) -> httpx.Client:
    """An httpx client with the policy's timeout and User-Agent, whose connections fetch() can hold to
    its address rule and deadline (flows.netguard); redirects are followed by fetch()."""
    return httpx.Client(
        timeout=httpx.Timeout(policy.timeout),
        headers={"User-Agent": policy.user_agent},
        follow_redirects=False,
        transport=GuardedTransport(),
    )


def fetch(
    url: str,
    policy: FetchPolicy,
    validators: Validators | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET a URL with retries on transient errors; raise FetchError with one line when it fails for good."""
    check_scheme(url)
    own_client = client is None
    http = client or make_client(policy)
    try:
        last = _Transient("")
        for attempt in range(policy.attempts):
            try:
                fetched = _fetch_once(http, url, policy, validators or Validators())
                return Fetched(**{**fetched.__dict__, "attempts": attempt + 1})
            except _Transient as exc:
                last = exc
                if exc.retry_after is not None and exc.retry_after > MAX_RETRY_AFTER:
                    # A server that asks for an hour would be asked again and again, 30 s apart, on
                    # every run; the next run asks again, as it would after any give-up. Not
                    # `wait_helps`: the run's policy would wait no longer than the plan's.
                    raise FetchPutOff(
                        f"{url}: {exc}, asked to wait {_duration(exc.retry_after)}, longer than the"
                        f" {MAX_RETRY_AFTER:g} s citsec waits; the next run asks again"
                    ) from None
                if attempt + 1 < policy.attempts:
                    sleep(backoff_delay(policy, attempt, exc.retry_after))
        tries = "1 attempt" if policy.attempts == 1 else f"{policy.attempts} attempts"
        raise FetchGaveUp(f"{url}: {last} (gave up after {tries})", wait_helps=last.wait_helps)
    finally:
        if own_client:
            http.close()


def _duration(seconds: float) -> str:
    """3600 -> "1 h", 90 -> "90 s", 30.2 -> "31 s" (never rounded down to the limit it is over), 86400*3 ->
    "3 days"."""
    if seconds >= 2 * 86400:
        return f"{round(seconds / 86400)} days"
    if seconds >= 3600:
        return f"{round(seconds / 3600)} h"
    if seconds >= 120:
        return f"{round(seconds / 60)} min"
    return f"{math.ceil(seconds)} s"


def _fetch_once(http: httpx.Client, url: str, policy: FetchPolicy, validators: Validators) -> Fetched:
    with guarded(allowed_classes(url, policy), policy.deadline):
        try:
            return _follow(http, url, policy, validators)
        except DeadlineExceeded as exc:
            raise FetchGaveUp(f"{url}: {exc}", wait_helps=True) from None
        except (AddressRefused, UnsupportedProxy) as exc:
            raise FetchError(f"{url}: {exc}") from None
        except (httpx.InvalidURL, ValueError) as exc:  # a feed's link "http://host:abc/", "http://[::1/"
            raise FetchError(f"{url}: not a valid URL ({exc})") from None


def _follow(http: httpx.Client, url: str, policy: FetchPolicy, validators: Validators) -> Fetched:
    current = url
    started = time.monotonic()
    for _ in range(MAX_REDIRECTS + 1):
        try:
            with http.stream("GET", current, headers=validators.headers()) as response:
                if response.status_code in REDIRECT_STATUS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{url}: redirect without a Location header")
                    target = urljoin(current, location)
                    check_redirect(url, target, policy)
                    current = target
                    continue
                return _read_response(response, url, current, policy, started)
        except httpx.TimeoutException as exc:
            raise _Transient(f"{TIMED_OUT} ({type(exc).__name__})", wait_helps=True) from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Transient(f"connection failed ({type(exc).__name__}: {exc})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read_response(
    response: httpx.Response, url: str, final_url: str, policy: FetchPolicy, started: float
) -> Fetched:
    status = response.status_code
    if status in TRANSIENT_STATUS:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise _Transient(f"HTTP {status}", retry_after, wait_helps=status == 429 or retry_after is not None)
    validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
    content_type = response.headers.get("Content-Type")
    if status == 304:
        return Fetched(url, final_url, status, b"", content_type, validators)
    if status >= 400:
        raise FetchError(f"{url}: HTTP {status} {response.reason_phrase}".rstrip())
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"{url}: {int(declared)} bytes is over the {policy.max_bytes}-byte limit")
    chunks: list[bytes] = []
    size = 0
    # Servers may lie about or omit Content-Length: count what actually arrives and stop at the cap.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(f"{url}: body is over the {policy.max_bytes}-byte limit")
        if time.monotonic() - started > policy.deadline:  # a client not from make_client has no guard
            raise FetchGaveUp(f"{url}: the request took longer than the {policy.deadline:g}-second limit")
        chunks.append(chunk)
    return Fetched(url, final_url, status, b"".join(chunks), content_type, validators)
