"""What fetch() enforces below HTTP, on the sockets themselves: which addresses a request may connect to,
and the moment by which the whole request (connect, TLS, headers, body) must be done.

Checking a URL's host name before the request is not enough: a name can resolve to 127.0.0.1 or to a
cloud metadata address, and resolve differently a second later (DNS rebinding). So the httpx client's
connections go through `GuardedBackend`, which resolves the name itself, refuses it when any address is
outside what the request allows, and connects to the very addresses it checked. Its streams cap every
read and write at the time left before the request's deadline, so a server that trickles its status
line and headers a byte at a time is cut off at the deadline like a trickling body, and so is a name
lookup that waits on a DNS server that never answers.

fetch() states the rule for one request with `guarded(...)`; the backend reads it from a context variable
(each worker thread has its own). A connection kept alive by the pool is checked again before it sends a
request, in case that request is held to a stricter rule than the one that opened it.

Proxies come from the environment as curl and urllib read them (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and
NO_PROXY, lower or upper case); hosts on this machine are never sent to a proxy. Through a proxy the
address finally connected to is the proxy's to choose, so a proxied request is checked before it goes:
its host as written, and every address this machine's resolver gives for it (a name this machine cannot
resolve passes on what it says it is, and is resolved by the proxy). The proxy itself is the user's
choice and may be on any address; reads and writes to it still stop at the deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import httpcore
import httpx

ADDRESS_CLASSES = ("public", "private", "loopback")
T = TypeVar("T")


class AddressRefused(Exception):
    """A connection to an address the request does not allow; one line without the URL."""


class DeadlineExceeded(Exception):
    """The request ran past its deadline; one line without the URL."""


class UnsupportedProxy(Exception):
    """The environment names a proxy fetch() cannot use (only http:// and https:// proxies are)."""


@dataclass(frozen=True)
class Guard:
    """The rule for one request: the address classes it may connect to, and the time.monotonic() by
    which it must be done (None: no deadline)."""

    allowed: frozenset[str]
    deadline: float | None = None
    limit: float | None = None  # the deadline in seconds from the start, for the message

    def check_all(self, host: str, addresses: Iterable[str]) -> None:
        """Any address out of bounds refuses the name: no picking the good one."""
        for address in addresses:
            self.check(host, address)

    def check(self, host: str, address: str) -> None:
        kind = ip_class(address)
        if kind not in self.allowed:
            shown = host if host == address else f"{host} ({address})"
            raise AddressRefused(f"{shown} is a {kind} address, refused")

    def time_left(self, timeout: float | None) -> tuple[float | None, bool]:
        """The timeout for the next socket operation, and whether the deadline (not `timeout`) set it."""
        if self.deadline is None:
            return timeout, False
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.expired()
        if timeout is None or left < timeout:
            return left, True
        return timeout, False

    def expired(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"the request took longer than the {self.limit or 0:g}-second limit")


_current: ContextVar[Guard | None] = ContextVar("citsec_fetch_guard", default=None)


@contextmanager
def guarded(allowed: Iterable[str], seconds: float | None) -> Iterator[Guard]:
    """Hold the requests made inside to these address classes and to `seconds` from now, in total."""
    deadline = None if seconds is None else time.monotonic() + seconds
    guard = Guard(frozenset(allowed) | {"public"}, deadline, seconds)
    token = _current.set(guard)
    try:
        yield guard
    finally:
        _current.reset(token)


def current_rule(host: str) -> Guard:
    """The rule of the request in progress; outside guarded(), public addresses and `host`'s own class as
    written."""
    return _current.get() or Guard(frozenset({"public", host_class(host)}))


def host_class(host: str) -> str:
    """The class of a URL's host as written: an IP literal's class, "loopback" for localhost, else
    "public" (a name is not resolved here; the connection is checked when it is made)."""
    name = host.lower().rstrip(".")
    if name in {"localhost", "localhost.localdomain"} or name.endswith(".localhost"):
        return "loopback"
    try:
        return ip_class(host.strip("[]"))
    except ValueError:
        return "public"


def ip_class(address: str) -> str:
    """The class of an IP address: "loopback" (also 0.0.0.0 and ::, which reach this machine), "private"
    (private ranges, link-local such as 169.254.169.254, reserved, multicast) or "public"; ValueError
    for a non-address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback or ip.is_unspecified:
        return "loopback"
    return "public" if ip.is_global else "private"


def _bounded(call: Callable[[float | None], T], timeout: float | None) -> T:
    """Run a socket operation with its timeout capped at the request's deadline; a timeout that the
    deadline set is reported as the deadline, not as a timeout worth retrying."""
    guard = _current.get()
    if guard is None:
        return call(timeout)
    limited, by_deadline = guard.time_left(timeout)
    try:
        return call(limited)
    except (httpcore.ConnectTimeout, httpcore.ReadTimeout, httpcore.WriteTimeout):
        if by_deadline:
            raise guard.expired() from None
        raise


class GuardedStream(httpcore.NetworkStream):
    """A connection whose reads and writes stop at the deadline, and which refuses to send a request
    held to a rule its address breaks."""

    def __init__(self, stream: httpcore.NetworkStream, host: str, address: str, checked: bool = True) -> None:
        self._stream, self._host, self._address, self._checked = stream, host, address, checked

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(lambda limit: self._stream.read(max_bytes, limit), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        guard = _current.get()
        if guard is not None and self._checked:
            guard.check(self._host, self._address)
        _bounded(lambda limit: self._stream.write(buffer, limit), timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = _bounded(lambda limit: self._stream.start_tls(ssl_context, server_hostname, limit), timeout)
        return GuardedStream(tls, self._host, self._address, self._checked)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, resolving names itself so that the addresses checked are the ones
    connected to. Outside guarded() a host may reach public addresses and its own class as written."""

    checks_addresses = True

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port)
        if self.checks_addresses:
            current_rule(host).check_all(host, addresses)
        last: Exception | None = None
        for address in addresses:
            try:
                return self._connect(host, address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc  # as socket.create_connection does: try the next address
        assert last is not None
        raise last

    def _connect(
        self,
        host: str,
        address: str,
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: Iterable[Any] | None,
    ) -> GuardedStream:
        stream = _bounded(
            lambda limit: self._backend.connect_tcp(address, port, limit, local_address, socket_options),
            timeout,
        )
        return GuardedStream(stream, host, address, checked=self.checks_addresses)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name stands for (an IP literal stands for itself), in resolver order. Inside
    guarded() the lookup is held to the request's deadline: the resolver's own timeouts can be far longer
    (a lookup left behind finishes on its own thread, which does not keep the process alive)."""
    guard = _current.get()
    if guard is None or guard.deadline is None:
        infos = _lookup(host.strip("[]"), port)
    else:
        infos = _lookup_within(host.strip("[]"), port, guard)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    if not addresses:
        raise httpcore.ConnectError(f"{host}: no address")
    return addresses


def _lookup(name: str, port: int) -> list[Any]:
    try:
        return socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"{name}: {exc}") from exc


def _lookup_within(name: str, port: int, guard: Guard) -> list[Any]:
    seconds, _ = guard.time_left(None)
    answer: list[Any] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            answer.append(_lookup(name, port))
        except Exception as exc:  # handed to the waiting thread
            answer.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name="citsec-resolve", daemon=True).start()
    if not done.wait(seconds):
        raise guard.expired()
    if isinstance(answer[0], Exception):
        raise answer[0]
    return list(answer[0])


class ProxyBackend(GuardedBackend):
    """Connections to the user's proxy: its address is not checked (a proxy on the office network is
    normal), its reads and writes still stop at the deadline."""

    checks_addresses = False


def check_proxied(host: str, port: int) -> None:
    """Refuse a request about to go through a proxy to a host the request may not reach: by its host as
    written, then by every address this machine resolves it to (when it resolves it at all)."""
    guard = current_rule(host)
    kind = host_class(host)
    if kind not in guard.allowed:
        raise AddressRefused(f"{host} is a {kind} address, refused")
    try:
        addresses = resolve(host, port)
    except httpcore.ConnectError:
        return  # a name only the proxy can resolve, as is common behind one
    guard.check_all(host, addresses)


def environment_proxies() -> dict[str, str]:
    """Scheme ("http", "https", "all", and "no" for the bypass list) -> value, from the environment as
    urllib reads it (lower case wins; HTTP_PROXY is ignored in a CGI request)."""
    return urllib.request.getproxies_environment()


def proxy_for(url: httpx.URL, proxies: Mapping[str, str]) -> str | None:
    """The proxy URL a request for `url` goes through, or None to connect directly: hosts on this machine
    and hosts NO_PROXY names go directly."""
    host = url.host
    if host_class(host) == "loopback" or bypassed(host, proxies.get("no", "")):
        return None
    return proxies.get(url.scheme) or proxies.get("all") or None


def bypassed(host: str, no_proxy: str) -> bool:
    """Whether NO_PROXY names `host`, as curl reads it: comma-separated names, each matching itself and
    its subdomains (a leading dot changes nothing), IP addresses and networks (10.0.0.0/8), "*" for all;
    a ":port" on an entry is ignored."""
    name = host.lower().rstrip(".").strip("[]")
    for raw in no_proxy.split(","):
        entry = raw.strip().lower().strip("[]")
        if entry.count(":") == 1:  # host:port (an IPv6 address has more colons)
            entry = entry.split(":")[0]
        entry = entry.lstrip(".")
        if entry == "*":
            return True
        if not entry:
            continue
        if "/" in entry:
            try:
                if ipaddress.ip_address(name) in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if name == entry or name.endswith("." + entry):
            return True
    return False


class _PoolTransport(httpx.HTTPTransport):
    """httpx's own transport (request building, error mapping, streaming) over a given httpcore pool.
    httpx has no public way to hand httpcore a network backend, so the pools are built here with httpx's
    default limits."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self._pool = pool


LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


def _direct_pool() -> httpcore.ConnectionPool:
    return httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=LIMITS.max_connections,
        max_keepalive_connections=LIMITS.max_keepalive_connections,
        keepalive_expiry=LIMITS.keepalive_expiry,
        network_backend=GuardedBackend(),
    )


def _proxy_pool(proxy_url: str) -> httpcore.HTTPProxy:
    """A pool that sends plain-http requests to the proxy and tunnels https ones with CONNECT."""
    try:
        proxy = httpx.Proxy(proxy_url)
    except ValueError as exc:
        raise UnsupportedProxy(f"proxy {proxy_url!r}: {exc}") from None
    if proxy.url.scheme not in ("http", "https"):
        raise UnsupportedProxy(
            f"{proxy.url.scheme} proxy {proxy.url.host} is not supported (http and https are)"
        )
    return httpcore.HTTPProxy(
        proxy_url=httpcore.URL(
            scheme=proxy.url.raw_scheme,
            host=proxy.url.raw_host,
            port=proxy.url.port,
            target=proxy.url.raw_path,
        ),
        proxy_auth=proxy.raw_auth,
        proxy_headers=proxy.headers.raw,
        ssl_context=httpx.create_ssl_context(),
        proxy_ssl_context=proxy.ssl_context,
        max_connections=LIMITS.max_connections,
        max_keepalive_connections=LIMITS.max_keepalive_connections,
        keepalive_expiry=LIMITS.keepalive_expiry,
        network_backend=ProxyBackend(),
    )


class GuardedTransport(httpx.BaseTransport):
    """Sends each request directly over GuardedBackend, or through the proxy the environment names for it
    (`proxies` overrides the environment: {"https": "http://proxy:3128", "no": "example.org"})."""

    def __init__(self, proxies: Mapping[str, str] | None = None) -> None:
        self._proxies = dict(environment_proxies() if proxies is None else proxies)
        self._direct = _PoolTransport(_direct_pool())
        self._proxied: dict[str, _PoolTransport] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = proxy_for(request.url, self._proxies)
        if proxy is None:
            return self._direct.handle_request(request)
        with self._lock:
            if proxy not in self._proxied:
                self._proxied[proxy] = _PoolTransport(_proxy_pool(proxy))
            transport = self._proxied[proxy]
        check_proxied(request.url.host, request.url.port or (443 if request.url.scheme == "https" else 80))
        return transport.handle_request(request)

    def close(self) -> None:
        self._direct.close()
        with self._lock:
            for transport in self._proxied.values():
                transport.close()
            self._proxied.clear()
