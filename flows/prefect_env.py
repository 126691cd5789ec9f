"""Prefect settings citsec applies before Prefect is imported: quiet logs, no phoning home.

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
    # A busy machine can take longer than the default 20 s to start the ephemeral API server.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def quiet_prefect(level: str = "CRITICAL") -> None:
    """Set citsec's Prefect defaults in this process (and the processes it starts).

    Commands that print their own progress and summary (ingest, demo) silence Prefect's logs entirely:
    a failed report is a line in the summary, and a user error must not arrive as a logged traceback.
    Long-running servers (schedule) keep WARNING so operators see what Prefect reports.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
