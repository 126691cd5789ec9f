"""What fetch() enforces below HTTP, on the sockets themselves: which addresses a request may connect to,
and the moment by which the whole request (connect, TLS, headers, body) must be done.

Checking a URL's host name before the request is not enough: a name can resolve to 127.0.0.1 or to a
cloud metadata address, and resolve differently a second later (DNS rebinding). So the httpx client's
connections go through `GuardedBackend`, which resolves the name itself, refuses it when any address is
outside what the request allows, and connects to the very addresses it checked. Its streams cap every
read and write at the time left before the request's deadline, so a server that trickles its status
line and headers a byte at a time is cut off at the deadline like a trickling body.

fetch() states the rule for one request with `guarded(...)`; the backend reads it from a context variable
(each worker thread has its own). A connection kept alive by the pool is checked again before it sends a
request, in case that request is held to a stricter rule than the one that opened it.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
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


@dataclass(frozen=True)
class Guard:
    """The rule for one request: the address classes it may connect to, and the time.monotonic() by
    which it must be done (None: no deadline)."""

    allowed: frozenset[str]
    deadline: float | None = None
    limit: float | None = None  # the deadline in seconds from the start, for the message

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

    def __init__(self, stream: httpcore.NetworkStream, host: str, address: str) -> None:
        self._stream, self._host, self._address = stream, host, address

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(lambda limit: self._stream.read(max_bytes, limit), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        guard = _current.get()
        if guard is not None:
            guard.check(self._host, self._address)
        _bounded(lambda limit: self._stream.write(buffer, limit), timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = _bounded(lambda limit: self._stream.start_tls(ssl_context, server_hostname, limit), timeout)
        return GuardedStream(tls, self._host, self._address)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, resolving names itself so that the addresses checked are the ones
    connected to. Outside guarded() a host may reach public addresses and its own class as written."""

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
        guard = _current.get() or Guard(frozenset({"public", host_class(host)}))
        addresses = resolve(host, port)
        for address in addresses:  # any address out of bounds refuses the name: no picking the good one
            guard.check(host, address)
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
        return GuardedStream(stream, host, address)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name stands for (an IP literal stands for itself), in resolver order."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"{host}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    if not addresses:
        raise httpcore.ConnectError(f"{host}: no address")
    return addresses


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (request building, error mapping, streaming) over GuardedBackend."""

    def __init__(self) -> None:
        # httpx has no public way to hand httpcore a network backend, so this builds the pool httpx would
        # build with its defaults, over ours. Proxies from the environment are not used: through a proxy
        # the address actually connected to could not be checked.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )
