"""The temporary Prefect API a one-off run records itself in, when no PREFECT_API_URL names a server.

Prefect starts the same server itself on a flow's first call (its "ephemeral" mode), but only then, and
only after the calling process has imported the whole Prefect server package to do so. citsec starts it
as the command's first step instead, so the server boots on one core while the worker host loads the
tagger and the model on the other, and the command never imports the server package.

    with TemporaryApi.start() as api:   # returns at once; the server stops when the block ends
        ...                             # start the workers
        with api.settings():            # waits until the API answers, then points Prefect at it
            run_ingest(...)

It runs the command Prefect's own SubprocessASGIServer runs (uvicorn on Prefect's app factory, UI off,
ephemeral services only), so the run history lands in the same database under PREFECT_HOME. Services a
run started from the command line has no use for are off: automations (nobody can have defined one for a
server that lives for one command) and the event store (the flow and task runs are still recorded).
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import IO

import httpx

from flows.interrupt import check_stop
from flows.limits import parent_death_signal, wait_or_kill
from flows.prefect_env import loopback_bypasses_proxies

STARTUP_TIMEOUT_S = 120.0  # a busy machine can take far longer than Prefect's own 20 s default
DRAIN_TIMEOUT_S = 30.0
SERVER_CHECK_TIMEOUT_S = 10.0  # a configured server's version check; a stopped one is refused at once
PREFECT_CLOUD_PREFIX = "https://api.prefect.cloud/"  # Prefect's PREFECT_CLOUD_API_URL default
SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",  # Prefect's marker for its temporary server: only its light services
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
}
_PORT_IN_USE = 3  # uvicorn's exit status when its port was taken between our check and its bind


class ApiStartError(RuntimeError):
    """The temporary API server exited or did not answer in time; the message ends with its output."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TemporaryApi:
    """A Prefect API server process on a free loopback port, for the life of one command."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: IO[bytes]) -> None:
        self.process, self.port, self.log = process, port, log
        self._ready = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @classmethod
    def start(cls) -> TemporaryApi:
        """Launch the server and return at once; `wait` or `settings` wait for it to answer."""
        loopback_bypasses_proxies()  # Prefect's client must reach it directly, whatever HTTP_PROXY says
        port = _free_port()
        log = tempfile.TemporaryFile(prefix="citsec-prefect-api-")  # noqa: SIM115 (closed by stop)
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            env={**os.environ, **SERVER_ENV},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            # SIGTERM when citsec dies, even by SIGKILL, so no server outlives its command.
            preexec_fn=parent_death_signal(signal.SIGTERM),
            # Out of the terminal's process group: a Ctrl-C meant for the command must not kill the API
            # the interrupted run still reports to (its client would retry a dead port for a minute and
            # more, then print a traceback). `stop` ends it, and so does citsec's death (the hook above).
            start_new_session=True,
        )
        return cls(process, port, log)

    def wait(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Block until the API answers its health check; ApiStartError with the server's last output if it
        exits or does not answer within `timeout` seconds."""
        if self._ready:
            return
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                check_stop()  # a Ctrl-C of an ingest run (flows.interrupt) stops the wait too
                status = self.process.poll()
                if status == _PORT_IN_USE:
                    self._restart()
                    continue
                if status is not None:
                    raise ApiStartError(f"the Prefect API server exited with status {status}: {self._tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get(f"{self.url}/health").status_code == 200:
                        self._ready = True
                        return
                time.sleep(0.1)
        raise ApiStartError(f"the Prefect API server did not answer within {timeout:.0f} s: {self._tail()}")

    def _restart(self) -> None:
        fresh = TemporaryApi.start()
        self.log.close()
        self.process, self.port, self.log = fresh.process, fresh.port, fresh.log

    def _tail(self, chars: int = 600) -> str:
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace").strip()
        return " ".join(text[-chars:].split()) or "(no output)"

    @contextlib.contextmanager
    def settings(self) -> Iterator[None]:
        """Prefect in this process talks to this server while the block runs (Prefect reads its settings
        once per process, so the environment alone would not redirect an already imported Prefect)."""
        self.wait()
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: self.url}):
            try:
                yield
            finally:
                drain_prefect_workers()

    def __enter__(self) -> TemporaryApi:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server (it finishes writing what it received) and forget its output."""
        if self.process.poll() is None:
            self.process.terminate()
            wait_or_kill(self.process)
        self.log.close()


def temporary_api_unless_configured() -> contextlib.AbstractContextManager[TemporaryApi | None]:
    """citsec's temporary API, started now, for a `with` block; None when PREFECT_API_URL names a server."""
    from flows.settings import Settings

    if Settings.from_env().prefect_api_url is None:
        return TemporaryApi.start()
    return contextlib.nullcontext()


def server_problem(url: str, timeout: float = SERVER_CHECK_TIMEOUT_S) -> str | None:
    """Why the Prefect server PREFECT_API_URL names cannot take a run, as a sentence saying what to do;
    None when it can. Asked before a command starts anything, so that a stopped server, a mistyped URL
    or missing credentials is a line, not Prefect's traceback after the workers have loaded.

    It asks what Prefect's client asks first, the server's version (GET /admin/version, which also
    checks credentials; a server's /health does not), the way the client asks it: through the same
    proxies, with the credentials (PREFECT_API_AUTH_STRING, else PREFECT_API_KEY) and certificate
    settings (PREFECT_API_SSL_CERT_FILE, PREFECT_API_TLS_INSECURE_SKIP_VERIFY) it reads, following
    redirects. Prefect Cloud is left to the client, which does not ask it either."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        return f"PREFECT_API_URL is not a URL ({exc}): {url!r}"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return f"PREFECT_API_URL is not an http(s) URL: {url!r}"
    if url.startswith(PREFECT_CLOUD_PREFIX):
        return None
    loopback_bypasses_proxies()  # as Prefect's own client will reach it
    asked = url.rstrip("/") + "/admin/version"
    credentials, headers = _credentials()
    try:
        response = httpx.get(asked, headers=headers, timeout=timeout, verify=_verify(), follow_redirects=True)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        reason = str(exc) or type(exc).__name__
        return f"the Prefect server at {url} does not answer ({reason}): start it (prefect server start)"
    status = response.status_code
    if status in (401, 403):
        if credentials is None:
            return (
                f"the Prefect server at {url} asks for credentials (HTTP {status}): set "
                "PREFECT_API_AUTH_STRING to its user:password, or PREFECT_API_KEY"
            )
        return f"the Prefect server at {url} refused the credentials in {credentials} (HTTP {status})"
    if status == 404:
        return (
            f"{url} answers, but not as a Prefect API (HTTP 404 at {asked}): PREFECT_API_URL names a "
            "Prefect server's API, such as http://127.0.0.1:4200/api"
        )
    if status >= 400:
        return f"the Prefect server at {url} answered HTTP {status} when asked its version"
    return None


def _credentials() -> tuple[str | None, dict[str, str]]:
    """The variable holding the credentials Prefect's client sends, and its Authorization header."""
    auth_string = os.environ.get("PREFECT_API_AUTH_STRING")
    if auth_string:
        token = base64.b64encode(auth_string.encode()).decode()
        return "PREFECT_API_AUTH_STRING", {"Authorization": f"Basic {token}"}
    api_key = os.environ.get("PREFECT_API_KEY")
    if api_key:
        return "PREFECT_API_KEY", {"Authorization": f"Bearer {api_key}"}
    return None, {}


def _verify() -> bool | str:
    """httpx's `verify` as Prefect's client sets it from the environment."""
    if os.environ.get("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "").strip().lower() in ("1", "true", "yes"):
        return False
    return os.environ.get("PREFECT_API_SSL_CERT_FILE") or True


def drain_prefect_workers(timeout: float = DRAIN_TIMEOUT_S) -> None:
    """Deliver what Prefect's background workers still hold (events, run logs) and retire them, while the
    server they send to is up. Left bound to a server that then stops, they would retry it until the
    process's next Prefect test harness or its exit waits for them, for ever."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout, at_exit=False)


@contextlib.contextmanager
def recorded_in(api: TemporaryApi | None, hint: str) -> Iterator[None]:
    """Run the block against `api` (None: the Prefect server PREFECT_API_URL names); a temporary server
    that cannot start is an ApiStartError whose message ends with `hint`, what the user can do instead."""
    if api is None:
        yield
        return
    try:
        api.wait()
    except ApiStartError as exc:
        raise ApiStartError(f"{exc} ({hint})") from None
    with api.settings():
        yield
