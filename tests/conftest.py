"""Fixtures shared by every test area. Area-specific fixtures live in that area's own conftest.

`names` makes the resolver answer chosen host names with chosen addresses (fetch and proxy tests).

Store fixtures: `store_url` runs a test on a fresh SQLite file and on a fresh PostgreSQL database
(created per test, dropped after); `corpus_factory` opens Corpus objects on it (several = several
connections, for concurrency tests); `store` is one opened Corpus; `module_pg_store_url` is one
PostgreSQL database for the tests of a module (read-only tests of a store slow to fill). PostgreSQL is
expected at 127.0.0.1:5432 (user postgres, trust auth; override with CITSEC_TEST_PG_URL). When it is
unreachable the PostgreSQL half is skipped, unless CITSEC_REQUIRE_PG=1 (CI), which makes it fail.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import pickle
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from flows.prefect_env import quiet_prefect

if TYPE_CHECKING:
    from corpus import Corpus

# Prefect's ephemeral API keeps its own SQLite database under PREFECT_HOME: one per xdist worker, so two
# workers never share it, and quiet (flows.prefect_env.QUIET_DEFAULTS), so test output stays readable.
# Here, before any test area imports Prefect: Prefect sets up its logging once, on import, and a console
# handler set up without them printed citsec's own notes to a test's long-closed captured stderr (running
# tests/labels alone failed a CLI test on that "Logging error").
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="citsec-prefect-"))
quiet_prefect()
# One BLAS and OpenMP thread per process (and the processes tests start): three test processes and their
# worker hosts share two cores, where a second thread only contends (model tests took 71 CPU-seconds with
# two, 64 with one). Set before numpy is first imported, which reads them once.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PG_ADMIN_URL = os.environ.get("CITSEC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("CITSEC_REQUIRE_PG") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` (make test, CI), tests marked slow (half a minute and more here) run first
    and the rest in their order: that mode hands tests to the workers in collection order as they free
    up, so the long ones start early and short ones fill in around them, rather than one starting last
    and running on alone. Not under plain `-n` (`--dist load` sends each worker a block of consecutive
    tests at the start: every slow test would land on one) nor without xdist (fast feedback first)."""
    if config.getoption("loadgroup", default=False):  # xdist sets it on its workers, where they collect
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host names the resolver answers as the test says (socket.getaddrinfo patched): a list of addresses,
    or [] for a name this machine cannot resolve (only a proxy can); other names as usual."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:
            return real(host, port, *args, **kwargs)
        if not table[host]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, int(port))) for ip in table[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared research material (real PDFs, gold passages); tests that need it skip without it."""
    if not (SHARED / "reports").is_dir():
        pytest.skip(f"real material not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def real_report(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """extract_path of a report in ../shared/reports, once per test run: several test files read the same
    long reports (a UNODC report takes 20 s here), on either xdist worker. The first worker to ask reads
    it and leaves its pickle in the run's shared temporary folder; another waits on its lock and loads it.
    A report that fails to extract fails each test that asks for it, from the pickled error. The
    documents are shared: tests must not change them."""
    from extractors import extract_path

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the folder all workers of this run share
    folder = root / "real-reports"
    folder.mkdir(exist_ok=True)
    read: dict[str, Any] = {}

    def extracted(name: str) -> Any:
        if name not in read:
            pickled = folder / f"{name}.pickle"
            with open(folder / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
                if not pickled.exists():
                    try:
                        read_it: Any = extract_path(shared_dir / "reports" / name)
                    except Exception as exc:  # raised again in every test that asks
                        read_it = exc
                    partial = pickled.with_suffix(".partial")
                    partial.write_bytes(pickle.dumps(read_it))
                    partial.replace(pickled)
                read[name] = pickle.loads(pickled.read_bytes())
        if isinstance(read[name], Exception):
            raise read[name]
        return read[name]

    return extracted


@functools.cache
def _pg_unavailable() -> str | None:
    """Why PostgreSQL cannot be used (None when it can); asked once per test process."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {first}"
    return None


def _db_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _require_pg() -> None:
    reason = _pg_unavailable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"{reason} (CITSEC_REQUIRE_PG=1)")
        pytest.skip(reason)


@contextlib.contextmanager
def _pg_database() -> Iterator[str]:
    """Create an empty, uniquely named database; drop it afterwards."""
    name = f"citsec_t_{uuid.uuid4().hex[:16]}"
    _create_database(name)
    try:
        yield _db_url(PG_ADMIN_URL, name)
    finally:
        _drop_database(name)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test only, dropped afterwards."""
    _require_pg()
    with _pg_database() as url:
        yield url


def _create_database(name: str, template: str | None = None) -> None:
    import psycopg

    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _PgDatabases:
    """Fresh copies of a migrated template, one per test, made and dropped in the background.

    CREATE and DROP DATABASE each take about a second on a busy machine; background threads
    prepares the next test's database and drops used ones while tests run.
    """

    def __init__(self, template: str) -> None:
        self._template = template
        self._jobs = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pg-databases")
        self._next: Future[str] = self._jobs.submit(self._make)

    def _make(self) -> str:
        name = f"citsec_t_{uuid.uuid4().hex[:16]}"
        _create_database(name, self._template)
        return name

    def take(self) -> str:
        name = self._next.result()
        self._next = self._jobs.submit(self._make)
        return name

    def give_back(self, name: str) -> None:
        self._jobs.submit(_drop_database, name)

    def close(self) -> None:
        self.give_back(self._next.result())
        self._jobs.shutdown(wait=True)


@pytest.fixture(scope="session")
def _pg_databases() -> Iterator[_PgDatabases]:
    """A database migrated once per test process, and the pool of its fresh copies."""
    from corpus import Corpus

    _require_pg()
    with _pg_database() as url:
        Corpus.open(url).close()
        databases = _PgDatabases(template=url.rsplit("/", 1)[1])
        try:
            yield databases
        finally:
            databases.close()


@contextlib.contextmanager
def _taken(databases: _PgDatabases) -> Iterator[str]:
    """The URL of a fresh copy of the migrated template, dropped afterwards."""
    name = databases.take()
    try:
        yield _db_url(PG_ADMIN_URL, name)
    finally:
        databases.give_back(name)


@pytest.fixture
def pg_store_url(_pg_databases: _PgDatabases) -> Iterator[str]:
    """A fresh PostgreSQL database for this test only, with the schema in place and no rows."""
    with _taken(_pg_databases) as url:
        yield url


@pytest.fixture(scope="module")
def module_pg_store_url(_pg_databases: _PgDatabases) -> Iterator[str]:
    """A fresh PostgreSQL database with the schema in place, shared by the tests of one module: for tests
    that only read a store that takes seconds to fill (fill it in a module-scoped fixture)."""
    with _taken(_pg_databases) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file of this test's own."""
    return f"sqlite:///{tmp_path / 'citsec.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def store_url(request: pytest.FixtureRequest) -> str:
    """The URL of a fresh store (schema in place on PostgreSQL), once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_store_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def corpus_factory(store_url: str) -> Iterator[Callable[[], Corpus]]:
    """Opens Corpus objects on `store_url` (each with its own connections); closes them after the test."""
    from corpus import Corpus

    opened: list[Corpus] = []

    def factory() -> Corpus:
        corpus = Corpus.open(store_url)
        opened.append(corpus)
        return corpus

    yield factory
    for corpus in opened:
        corpus.close()


@pytest.fixture
def store(corpus_factory: Callable[[], Corpus]) -> Corpus:
    """An opened, empty Corpus on SQLite and on PostgreSQL."""
    return corpus_factory()
