"""A loopback HTTP server standing in for a Prefect server's API in commands that only check it answers
(flows.prefect_api.server_problem asks GET /api/admin/version): it answers "3.0.0". Under /locked it asks
for the credentials "admin:pass" (401 without them, as a server with PREFECT_SERVER_API_AUTH_STRING does);
under /broken it fails (500); under /moved it redirects to /api; anything else is 404."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

from loopback import serving

AUTH_STRING = "admin:pass"


class _Api(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.rstrip("/")
        status = {"/api/admin/version": 200, "/broken/api/admin/version": 500}.get(path, 404)
        if path == "/moved/api/admin/version":
            status = 307
        if path == "/locked/api/admin/version":
            token = base64.b64encode(AUTH_STRING.encode()).decode()
            status = 200 if self.headers.get("Authorization") == f"Basic {token}" else 401
        body = b'"3.0.0"' if status == 200 else b'{"detail": "no"}'
        self.send_response(status)
        if status == 307:
            self.send_header("Location", "/api/admin/version")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        pass


@contextlib.contextmanager
def answering_api() -> Iterator[str]:
    """The API URL (http://127.0.0.1:PORT/api) of a server that answers as a Prefect API, until the block
    ends."""
    with serving(_Api) as base:
        yield f"{base}/api"
