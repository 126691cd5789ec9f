"""Is there a Dask scheduler at this address? Asked before a run hands it reports, in a second or less.

A scheduler on a working network answers in milliseconds; Dask's own client retries a dead address for 30 s
(distributed.comm.timeouts.connect) before failing with a traceback, and waits forever on a port where
something else listens (a dashboard, a web server) and never answers its handshake.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

SCHEDULER_CONNECT_SECONDS = 10.0


class SchedulerUnreachable(Exception):
    """The Dask scheduler of a run does not answer; the message is one line naming its address."""


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Fail fast, with one line, when no Dask scheduler answers at a tcp:// or tls:// address (a bare
    host:port is tcp): a refused connection fails at once, a host or a port that does not answer Dask's
    handshake after `timeout` seconds (default SCHEDULER_CONNECT_SECONDS). Other schemes (inproc://,
    ...) are left to Dask's client."""
    import socket
    from urllib.parse import urlsplit

    timeout = SCHEDULER_CONNECT_SECONDS if timeout is None else timeout
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise SchedulerUnreachable(f"{address} is not a Dask scheduler address (tcp://host:port)") from None
    if not host or port is None:
        raise SchedulerUnreachable(f"{address} is not a Dask scheduler address (tcp://host:port)")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise SchedulerUnreachable(scheduler_error(address, exc, timeout)) from None
    try:
        _scheduler_handshake(address, timeout)
    except OSError as exc:  # TimeoutError and distributed's CommClosedError are OSErrors too
        # Something listens there, but not a Dask scheduler (or not one that speaks to us).
        what = f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError) else "connection closed"
        why = f"{what} to Dask's handshake (is this the scheduler's port?)"
        raise SchedulerUnreachable(scheduler_error(address, exc, timeout, why)) from None


def _scheduler_handshake(address: str, timeout: float) -> None:
    """Open and close one Dask comm to `address`, as Dask's client does (the handshake included), within
    `timeout` seconds; in a thread of its own, so a caller's running event loop is no obstacle."""

    async def handshake() -> None:
        from distributed.comm import connect
        from distributed.security import Security

        comm = await connect(address, timeout=timeout, **Security().get_connection_args("client"))
        await comm.close()

    with ThreadPoolExecutor(1, thread_name_prefix="citsec-dask-check") as pool:
        pool.submit(asyncio.run, asyncio.wait_for(handshake(), timeout)).result()


def scheduler_error(
    address: str, exc: BaseException, timeout: float = SCHEDULER_CONNECT_SECONDS, why: str | None = None
) -> str:
    """One line saying the scheduler at `address` cannot be reached, and why (`why`, else from `exc`)."""
    return f"cannot reach the Dask scheduler at {address}: {why or _connect_failure(exc, timeout)}"


def _connect_failure(exc: BaseException, timeout: float) -> str:
    import socket

    from flows.pipeline import one_line

    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the scheduler running?)"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror or one_line(exc)})"
    return one_line(exc)
