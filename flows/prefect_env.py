"""Prefect settings citsec applies before Prefect is imported: quiet logs, no phoning home, and no proxy
between Prefect and an API on this machine.

Prefect reads its settings from PREFECT_* environment variables, so this is the one place citsec writes
them; anything the user has set already wins.
"""

from __future__ import annotations

import os

QUIET_DEFAULTS = {
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # The ephemeral server would otherwise try to send telemetry and log an error when offline.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    # Prefect's console handler sits on the root logger at level 0: citsec's own notes (models.registry,
    # models.retrain), printed by the CLI's handler, would come out a second time in Prefect's format.
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    # A busy machine can take longer than the default 20 s to start the ephemeral API server.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def loopback_bypasses_proxies() -> None:
    """Add this machine's names to NO_PROXY when a proxy is set (in this process and the ones it starts).

    Prefect's client is httpx, which sends even http://127.0.0.1 to HTTP_PROXY unless NO_PROXY names it:
    behind an office proxy, a run could not reach its own temporary API. The user's NO_PROXY entries are
    kept (urllib and httpx read the lower-case variable first, so both cases get the merged list)."""
    if not any(os.environ.get(name) or os.environ.get(name.upper()) for name in PROXY_VARIABLES):
        return
    current = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    entries = [entry.strip() for entry in current.split(",") if entry.strip()]
    merged = ",".join(entries + [host for host in LOOPBACK_HOSTS if host not in entries])
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = merged


def quiet_prefect(level: str = "CRITICAL") -> None:
    """Set citsec's Prefect defaults in this process (and the processes it starts).

    Commands that print their own progress and summary (ingest, demo) silence Prefect's logs entirely:
    a failed report is a line in the summary, and a user error must not arrive as a logged traceback.
    Long-running servers (schedule) keep WARNING so operators see what Prefect reports.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    loopback_bypasses_proxies()
