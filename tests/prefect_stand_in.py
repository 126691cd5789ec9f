"""A loopback HTTP server standing in for a Prefect server's API in commands that only check it answers
(flows.prefect_api.server_problem): GET /api/health is 200 "true"; under /locked it asks for credentials
(401), under /broken it fails (500), under /moved it redirects to /api/health; anything else is 404."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.rstrip("/")
        statuses = {"/api/health": 200, "/locked/api/health": 401, "/broken/api/health": 500}
        status = 307 if path == "/moved/api/health" else statuses.get(path, 404)
        body = b"true" if status == 200 else b'{"detail": "no"}'
        self.send_response(status)
        if status == 307:
            self.send_header("Location", "/api/health")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        pass


@contextlib.contextmanager
def answering_api() -> Iterator[str]:
    """The API URL (http://127.0.0.1:PORT/api) of a server whose health check answers, until the block
    ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api"
    finally:
        server.shutdown()
        server.server_close()
