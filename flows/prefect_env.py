"""Prefect settings citsec applies before Prefect is imported: quiet logs, no phoning home.

Prefect reads its settings from PREFECT_* environment variables, so this is the one place citsec writes
them; anything the user has set already wins.
"""

from __future__ import annotations

import os

QUIET_DEFAULTS = {
    # Our progress bar and summary say what happened; Prefect's INFO lines would drown them.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    # The ephemeral server would otherwise try to send telemetry and log an error when offline.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    # A busy machine can take longer than the default 20 s to start the ephemeral API server.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def quiet_prefect() -> None:
    """Set citsec's Prefect defaults in this process (and the processes it starts)."""
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
