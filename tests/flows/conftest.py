"""A real HTTP server on 127.0.0.1 (port 0, one per test) whose routes behave like the web does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from loopback import serving
from small_model import build_model_store, fresh_store_url

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpus" / "samples"
MODEL = "flows-test-model"  # the version of the small promoted model in `model_store`


@dataclass
class Route:
    """What a path answers: a body, or first a few failing statuses, a delay, a redirect, the validators
    a server like nginx sends (ETag, Last-Modified: it answers If-None-Match and If-Modified-Since)."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    fail_first: list[int] = field(default_factory=list)  # statuses to answer before succeeding
    delay: float = 0.0  # seconds to wait before answering (to trigger client timeouts)
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None
    retry_after: str | None = None  # a Retry-After header on the failing answers
    hits: int = 0


class Site:
    """The routes of a test server and the requests it saw."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def add(self, path: str, **kwargs: object) -> str:
        self.routes[path] = Route(**kwargs)  # type: ignore[arg-type]
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> list[dict[str, str]]:
        """The headers of each request for `path`, in order."""
        return [headers for asked, headers in self.requests if asked == path]

    def add_feed(self, path: str, links: list[str]) -> str:
        """An RSS feed at `path` whose items (titled a, b, c, ...) link to `links`."""
        items = "".join(
            f"<item><title>{chr(97 + i)}</title><link>{link}</link></item>" for i, link in enumerate(links)
        )
        feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>"
        return self.add(path, body=feed.encode(), content_type="application/rss+xml")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers)))
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            route.hits += 1
            if route.delay:
                time.sleep(route.delay)
            if route.fail_first:
                self.send_response(route.fail_first.pop(0))
                if route.retry_after is not None:
                    self.send_header("Retry-After", route.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.redirect:
                self.send_response(302)
                self.send_header("Location", route.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            asked_etag, asked_since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            unchanged = (route.etag is not None and asked_etag == route.etag) or (
                route.last_modified is not None and asked_since == route.last_modified
            )
            self.send_response(304 if unchanged else route.status)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            if unchanged:
                self.end_headers()
                return
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            # The client may give up mid-body (size cap, timeout), as some tests check: tests.loopback's
            # server does not report it.
            self.wfile.write(route.body)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    """A threaded HTTP server on 127.0.0.1 with an ephemeral port, stopped after the test."""
    state = Site()
    with serving(_handler(state)) as state.base:
        yield state


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding a small promoted model fitted on a slice of the seed set."""
    return build_model_store(tmp_path_factory.mktemp("model-store") / "template.db", MODEL)


@pytest.fixture
def db_url(tmp_path: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store for one test (a copy of the model store) and its own cache folder."""
    return fresh_store_url(model_store, tmp_path, monkeypatch)


@pytest.fixture
def seed_stand_in(tmp_path: Path, model_store: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test's cache folder (CITSEC_CACHE_DIR, the one `db_url` sets) holding the small test model as
    the built-in seed model, as a first run would have cached it: an ingest into a store without a
    promoted model loads it in a second instead of training the seed model (half a minute and more).
    Returns the seed version it stands in for."""
    from corpus import Corpus
    from models.artifacts import artifact_digest
    from models.seed_version import builtin_seed_version

    cache = tmp_path / "cache"
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(cache))
    with Corpus.open(f"sqlite:///{model_store}") as corpus:
        data = corpus.model_artifact(MODEL)
    assert data is not None
    version = builtin_seed_version()
    (cache / "models").mkdir(parents=True, exist_ok=True)
    (cache / "models" / f"{version}.skops").write_bytes(data)
    (cache / "models" / f"{version}.sha256").write_text(artifact_digest(data))
    return version
