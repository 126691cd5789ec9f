"""Closing the worker pool while its reading threads connect to the store: close() never waits for a
connection (a PostgreSQL server that does not answer), and a connection that arrives after close() is
closed at once, not left open for the rest of the process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from corpus import Corpus
from flows.fetch import FetchPolicy, Validators
from flows.limits import WorkerError
from flows.pipeline import sha256_hex, with_conditional
from flows.sources import ReportRef
from flows.workers import Job, WorkerConfig, WorkerPool


class SlowStore:
    """Corpus.open made to wait for `release` before it connects (a server that does not answer yet):
    `connecting` is set once a connection is under way, `closed` once the Corpus it opened is closed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.connecting, self.release, self.closed = threading.Event(), threading.Event(), threading.Event()
        self.opened: list[Corpus] = []
        open_corpus, close_corpus = Corpus.open, Corpus.close

        def slow_open(url: str, **options: bool) -> Corpus:
            self.connecting.set()
            self.release.wait()
            corpus = open_corpus(url, **options)
            self.opened.append(corpus)
            return corpus

        def noted_close(corpus: Corpus) -> None:
            close_corpus(corpus)
            if corpus in self.opened:
                self.closed.set()

        monkeypatch.setattr(Corpus, "open", slow_open)
        monkeypatch.setattr(Corpus, "close", noted_close)


@pytest.fixture
def slow_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowStore]:
    store = SlowStore(monkeypatch)
    try:
        yield store
    finally:
        store.release.set()  # a test that failed leaves no thread waiting


def _in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    """Run `work()` on a daemon thread; the list receives what it raised."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, raised


def test_a_store_connection_that_arrives_after_the_pool_closed_is_closed(db_url, slow_store):
    # A look-up that checked the pool was open, then connected while close() ran: its engine stayed open.
    pool = WorkerPool(1, WorkerConfig(db_url, FetchPolicy()))
    looking_up, raised = _in_thread(lambda: pool._is_known("0" * 64))
    assert slow_store.connecting.wait(timeout=30)
    pool.close()
    slow_store.release.set()
    looking_up.join(timeout=30)

    assert not looking_up.is_alive()
    assert len(slow_store.opened) == 1 and slow_store.closed.is_set(), "the store opened after close leaked"
    assert [type(exc) for exc in raised] == [WorkerError]


def test_closing_the_pool_does_not_wait_for_a_store_that_does_not_answer(site, db_url, slow_store):
    # The pool's read of a report before its worker connected to the store holding the reader's lock,
    # which close() takes too: closing waited for the store's server to answer.
    stored = b"%PDF-1.4\n% as stored\n"
    url = site.add("/r.pdf", body=b"%PDF-1.4\n% changed\n", content_type="application/pdf", etag='"v2"')
    ref = with_conditional(ReportRef(uri=url, url=url), Validators(etag='"v1"'), sha256_hex(stored))
    pool = WorkerPool(1, WorkerConfig(db_url, FetchPolicy(attempts=1)))
    future = pool.submit(Job(ref))
    assert slow_store.connecting.wait(timeout=30)

    closing, _ = _in_thread(pool.close)
    closing.join(timeout=30)
    assert not closing.is_alive(), "close() waited for the store's server"
    with pytest.raises(WorkerError):
        future.result(timeout=30)

    slow_store.release.set()  # the server answers at last: what it opened is closed, not kept
    assert slow_store.closed.wait(timeout=30), "the store opened after close leaked"
