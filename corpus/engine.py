"""Engines, connection settings and schema migration for SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from corpus.errors import CorpusError, NoStoreError, explained, first_line
from corpus.migrations import HEAD
from corpus.search import search_words

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Any constant works: it only has to be the same for every citsec process on one PostgreSQL database.
_PG_LOCK_MIGRATE = 7_731_001
PG_LOCK_LABELS = 7_731_002
# Held (as a session lock, not a transaction's) by the process labeling every passage again.
PG_LOCK_RELABEL = 7_731_003


def sqlite_url(path: str | Path) -> str:
    """The sqlite:/// URL of a file path: "%", "?" and "#" in it are escaped, so that reading the URL gives
    the path back (they would read as an escape, a query, a fragment)."""
    escaped = str(Path(path).expanduser()).replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    return f"sqlite:///{escaped}"


def normalize_url(url: str) -> str:
    """A bare file path means SQLite; postgresql:// URLs use psycopg 3."""
    if "://" not in url:
        return sqlite_url(url)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# The driver citsec talks to each database through, whichever a URL names: "postgresql+asyncpg://" (the
# form Prefect's own settings take) or "+psycopg2" name the same server, and citsec ships psycopg 3 only.
_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
# The password of a URL that cannot be parsed: from the user's colon to the authority's last "@" (a
# password may hold "/" and "@"; a user name may hold "@", "ana@server" as Azure writes it), and a
# "password=" query parameter.
_PASSWORD = re.compile(r"(://[^/:?#]*:).*@(?=[^@]*$)")
_PASSWORD_PARAM = re.compile(r"(?i)((?:^|&)password=)[^&#]*")


def shown_url(url: str) -> str:
    """`url` as messages show it, its password masked ("postgresql://ana:***@host/db")."""
    if "://" not in url:
        return url  # a path
    if _bare_at_in_password(url):  # SQLAlchemy would read the password only to its first "@"
        scheme, _, rest = url.partition("://")
        authority, slash, path = rest.partition("/")
        user = authority.partition(":")[0]
        return f"{scheme}://{user}:***@{authority.rpartition('@')[2]}{slash}{path}"
    base, mark, query = url.partition("?")
    try:
        base = make_url(base).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        base = _PASSWORD.sub(r"\1***@", base)
    return base + mark + _PASSWORD_PARAM.sub(r"\1***", query)


def _bare_at_in_password(url: str) -> bool:
    """Whether a server URL's password holds a bare "@" ("ana:Tr0ub4dor@2024@host", or "ana:p?ss@w@host"):
    more than one "@" after the colon that ends the user name, before the path. SQLAlchemy and the driver
    read the password to its first "@" and the rest as the host. A user name may hold "@" itself
    ("ana@server:pw@host" is read right), and so may the database name after the "/"."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.startswith("sqlite"):
        return False
    authority = rest.partition("/")[0]
    _, colon, after = authority.partition(":")
    return bool(colon) and after.count("@") > 1


def parse_url(url: str) -> URL:
    """The store URL `url` names, with citsec's driver; CorpusError, naming what is wrong, for what is not
    a SQLite or PostgreSQL URL (a port that is no number, an unclosed IPv6 bracket, another database, a
    password with a bare "@")."""
    shown = shown_url(url)
    if _bare_at_in_password(url):
        raise CorpusError(
            f"not a database URL: {shown!r}: its password holds a bare '@', which a URL writes as %40 "
            "(percent-encode it)"
        )
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError:
        raise CorpusError(f"not a database URL: {shown!r}") from None
    except ValueError:
        raise CorpusError(
            f"not a database URL: {shown!r}: its host and port cannot be read (a port is a number, an IPv6 "
            "address is written in [brackets])"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in _DRIVERS:
        raise CorpusError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    if backend == "sqlite" and (parsed.host or parsed.port or parsed.username):
        raise CorpusError(
            f"not a SQLite URL: {shown!r}: a file is sqlite:///relative/path.db or "
            "sqlite:////absolute/path.db (or give the path alone)"
        )
    if backend == "sqlite" and parsed.query and dict(parsed.query) != {"mode": "ro"}:
        raise CorpusError(
            f"not a citsec SQLite URL: {shown!r}: the one setting it takes is ?mode=ro (open the store "
            "read-only)"
        )
    return parsed.set(drivername=_DRIVERS[backend])


def make_engine(url: str) -> Engine:
    """An engine with the connection settings citsec relies on (WAL, foreign keys, busy timeout)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def add_sqlite_functions(dbapi_connection: Any) -> None:
    """The SQL functions citsec's SQLite schema calls, on a sqlite3 connection: the full-text triggers
    index each passage's words stemmed in its language (corpus.search.search_words). A connection that
    inserts or edits passages needs them."""
    dbapi_connection.create_function("citsec_search_words", 2, search_words, deterministic=True)


def _sqlite_engine(parsed: URL) -> Engine:
    database = parsed.database
    path = Path(database).expanduser() if database and database != ":memory:" else None
    if path is not None and not path.parent.is_dir():
        raise CorpusError(f"cannot open database {database}: folder {path.parent} does not exist")
    unwritable = path is not None and path.exists() and not _writable(path)
    read_only = parsed.query.get("mode") == "ro" or unwritable
    url = _read_only_url(path) if read_only and path is not None else parsed.set(query={})
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can ask for BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:  # a read-only connection reads the journal mode the file has (citsec's: WAL)
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not read_only:
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; durable at checkpoints
        cursor.close()
        add_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads and then writes
        # fails with SQLITE_BUSY (not a wait) when another writer committed in between.
        mode = "IMMEDIATE" if connection.get_execution_options().get("citsec_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


READ_ONLY_NOTE = (
    "it is open read-only (its file or folder is read-only for this user, or --db says ?mode=ro); queries "
    "work, changes need a copy this user may write"
)


def _writable(path: Path) -> bool:
    """Whether this user may write the store file `path` and the files SQLite keeps beside it (its -wal
    and -shm, made in its folder when absent)."""
    beside = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    return os.access(path, os.W_OK) and (
        os.access(path.parent, os.W_OK) or all(os.access(f, os.W_OK) for f in beside)
    )


def _read_only_url(path: Path) -> URL:
    """A SQLite URI opening `path` read-only (a file: URI, so "#", "?", "%" and spaces in the path are
    escaped, and a Windows drive reads file:///C:/...). A store in WAL mode (citsec's) is read through its
    -shm file, which SQLite makes when absent; where this user may not make it (a read-only folder: a shared
    drive, another user's store), the file is read as immutable, as it stands, without locking, which
    would miss the changes its -wal file holds: such a store is refused, said why."""
    query = {"mode": "ro"}
    if not Path(f"{path}-shm").exists() and not os.access(path.parent, os.W_OK):
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise CorpusError(
                f"cannot read {path}: its folder is read-only for this user, and its {wal.name} file holds "
                "changes SQLite would have to merge to read them; open it once where it may be written (its "
                "owner running any citsec command merges them), or copy the store with that file"
            )
        query = {"immutable": "1"}
    return URL.create("sqlite", database=path.resolve().as_uri(), query={**query, "uri": "true"})


def read_only_store(engine: Engine) -> bool:
    """Whether `engine` opens a SQLite store read-only (?mode=ro in --db, or a file or folder this user
    may not write)."""
    return engine.dialect.name == "sqlite" and engine.url.query.get("uri") == "true"


@contextlib.contextmanager
def write_connection(engine: Engine, pg_lock: int | None = None) -> Iterator[Connection]:
    """A connection in a write transaction: BEGIN IMMEDIATE on SQLite, an optional advisory lock on PG.
    CorpusError at once on a SQLite store open read-only, before any work whose result would be lost."""
    if read_only_store(engine):
        raise CorpusError(f"cannot change the store {display_url(engine)}: {READ_ONLY_NOTE}")
    with engine.connect().execution_options(citsec_write=True) as conn, conn.begin():
        if pg_lock is not None and conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": pg_lock})
        yield conn


def display_url(engine: Engine) -> str:
    """The URL as a user would write it: no driver suffix, no password (nor a "password=" parameter); a
    SQLite store opened read-only, as sqlite:///path?mode=ro."""
    if read_only_store(engine):
        return f"sqlite:///{unquote(urlsplit(engine.url.database or '').path)}?mode=ro"
    url = engine.url.set(drivername=engine.url.get_backend_name()).render_as_string(hide_password=True)
    return shown_url(url)


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the store, or None for an empty database."""
    try:
        with engine.connect() as conn:
            if not engine.dialect.has_table(conn, "alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError as exc:  # unreachable, refused, or a file that is not a database
        raise CorpusError(f"cannot open database {display_url(engine)}: {first_line(exc)}") from exc


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Apply the shipped Alembic migrations up to `revision`; returns the revision now in place."""
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    if revision in ("head", HEAD) and current_revision(engine) == HEAD:
        return HEAD  # nothing to do, and no write lock to take (a store open read-only is read as it is)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with write_connection(engine, _PG_LOCK_MIGRATE) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except OperationalError as exc:
        raise CorpusError(f"cannot migrate database {display_url(engine)}: {explained(exc)}") from exc
    except CommandError as exc:  # a revision Alembic does not know: a typo, or the store's is newer
        raise CorpusError(f"cannot migrate database {display_url(engine)}: {first_line(exc)}") from exc
    return current_revision(engine) or ""


def known_revisions() -> set[str]:
    """The schema revisions this citsec ships (versions/NNNN_*.py)."""
    return {path.name.split("_", 1)[0] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")}


def missing_sqlite_file(url: str) -> str | None:
    """The database file a SQLite URL names when no such file exists yet (connecting would create it)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return None if Path(parsed.database).expanduser().exists() else parsed.database


def ensure_schema(engine: Engine, *, must_exist: bool = False) -> None:
    """Migrate when the store is behind; a no-op (one cheap query) when it is current. `must_exist`
    refuses a database that holds no citsec store yet instead of creating one in it."""
    found = current_revision(engine)
    if found == HEAD:
        return
    if found is None and must_exist:
        where = display_url(engine)
        raise NoStoreError(f"no citsec store in {where} yet (check --db; `citsec ingest` creates one)")
    if found is not None and read_only_store(engine) and found in known_revisions():
        raise CorpusError(
            f"the store in {display_url(engine)} has schema revision {found}, older than this citsec's "
            f"({HEAD}), and is open read-only, so it cannot be brought up to date: run any citsec command on "
            "it once where it may be written (its owner can), or on a copy this user may write"
        )
    if found is not None and found not in known_revisions():
        raise CorpusError(
            f"the store in {display_url(engine)} has schema revision {found}, which this citsec (revision "
            f"{HEAD}) does not know: a newer citsec wrote it; upgrade citsec to use it"
        )
    upgrade(engine)
