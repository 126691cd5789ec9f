"""Migrations, constraints, cascades and connection settings of the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from corpus import Corpus, CorpusError, NewEntity, NewPassage, NewReport, PassageFilter
from corpus.engine import MIGRATIONS_DIR, current_revision, known_revisions, make_engine, upgrade
from corpus.migrations import HEAD

TABLES = {
    "sources", "reports", "passages", "entities", "predictions", "labels", "current_labels", "model_versions",
    "ingest_runs",
}  # fmt: skip


def _report(sha: str = "a" * 64, uri: str = "file:///a.pdf", n: int = 3) -> NewReport:
    passages = [
        NewPassage(
            i,
            i,
            i,
            f"Passage {i} about the border tunnel.",
            "en",
            entities=[NewEntity("country", "Peru", "PE")],
        )
        for i in range(1, n + 1)
    ]
    return NewReport(uri=uri, sha256=sha, title="A report", passages=passages)


def test_head_constant_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_open_creates_every_table_at_head(store: Corpus) -> None:
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    assert current_revision(store.engine) == HEAD


@pytest.mark.parametrize("empty_url", ["sqlite_url", pytest.param("pg_url", marks=pytest.mark.pg)])
def test_migrating_an_empty_database_then_again(empty_url: str, request: pytest.FixtureRequest) -> None:
    engine = make_engine(request.getfixturevalue(empty_url))
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == HEAD
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert upgrade(engine) == HEAD
    finally:
        engine.dispose()


def test_known_revisions_are_the_migration_scripts() -> None:
    assert known_revisions() == {f"{n:04d}" for n in range(1, int(HEAD) + 1)}


def test_a_store_a_newer_citsec_migrated_is_one_clear_error(store_url: str) -> None:
    with Corpus.open(store_url):
        pass
    engine = make_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0042'"))
        with pytest.raises(CorpusError, match="schema revision 0042, which this citsec .* does not know"):
            Corpus.open(store_url)
        with pytest.raises(CorpusError, match="cannot migrate database .*0042"):  # `citsec db upgrade`
            upgrade(engine)
        assert current_revision(engine) == "0042"  # left as the newer citsec wrote it
    finally:
        engine.dispose()


def test_an_unknown_target_revision_is_one_clear_error(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with pytest.raises(CorpusError, match="cannot migrate database .*'bogus'"):
            upgrade(engine, "bogus")
    finally:
        engine.dispose()


def test_same_passage_seq_twice_is_refused_by_the_database(store: Corpus) -> None:
    rid = store.add_report(_report())
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO passages (report_id, seq, page_start, page_end, kind, char_start, char_end,"
                " text) VALUES (:r, 1, 1, 1, 'text', 0, 0, 'dup')"
            ),
            {"r": rid},
        )


def test_duplicate_seq_in_one_report_is_a_user_error(store: Corpus) -> None:
    report = NewReport(
        uri="u", sha256="b" * 64, passages=[NewPassage(1, 1, 1, "x"), NewPassage(1, 2, 2, "y")]
    )
    with pytest.raises(CorpusError, match="same seq"):
        store.add_report(report)


def test_deleting_a_report_cascades_to_everything_under_it(store: Corpus) -> None:
    rid = store.add_report(_report())
    ids = [p.id for p in store.passages()]
    store.add_predictions("m1", [(pid, "enforcement", 0.9) for pid in ids])
    store.add_labels(ids[0], ["prevention"])
    store.delete_report(rid)
    with store.engine.connect() as conn:
        for table in ("passages", "entities", "predictions", "labels", "current_labels"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    assert list(store.passages(PassageFilter(search="tunnel"))) == []
    with pytest.raises(CorpusError, match="no report with id"):
        store.delete_report(rid)


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with Corpus.open(str(tmp_path / "x.db")) as corpus, corpus.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        busy_timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert busy_timeout is not None and busy_timeout >= 5000


def test_fts_index_follows_text_updates(tmp_path: Path) -> None:
    with Corpus.open(str(tmp_path / "x.db")) as corpus:
        corpus.add_report(_report(n=1))
        with corpus.engine.begin() as conn:
            conn.execute(text("UPDATE passages SET text = 'coffee harbor' WHERE seq = 1"))
        assert [p.text for p in corpus.passages(PassageFilter(search="harbor"))] == ["coffee harbor"]
        assert list(corpus.passages(PassageFilter(search="tunnel"))) == []


def test_a_store_from_before_stemmed_search_is_reindexed_by_stem_and_back(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        assert upgrade(engine, "0002") == "0002"  # the index of plain words
        with Corpus.open(url) as corpus:  # opening migrates to head, re-indexing the stored passages
            corpus.add_report(_report(n=2))
            assert len(list(corpus.passages(PassageFilter(search="tunnels")))) == 2
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
        with engine.connect() as conn:  # back to plain words: the plural no longer finds the singular
            match = "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH :q"
            assert conn.execute(text(match), {"q": "tunnels"}).scalar() == 0
            assert conn.execute(text(match), {"q": "tunnel"}).scalar() == 2
        assert upgrade(engine) == HEAD  # and forward again, from the rows already stored
        with Corpus.open(url) as corpus:
            assert len(list(corpus.passages(PassageFilter(search="tunnels")))) == 2
    finally:
        engine.dispose()


@pytest.mark.pg
def test_a_postgres_store_gains_plain_words_then_folded_stems_and_back(pg_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = make_engine(pg_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    def downgrade(revision: str) -> None:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, revision)

    def scalar(query: str) -> Any:
        with engine.connect() as conn:
            return conn.execute(text(query)).scalar()

    def found(search: str) -> list[int]:
        with Corpus.open(pg_url) as corpus:  # opening migrates to head
            return [p.seq for p in corpus.passages(PassageFilter(search=search))]

    plain_column = "SELECT count(*) FROM information_schema.columns WHERE column_name = 'tsv_plain'"
    plain_config = "SELECT count(*) FROM pg_ts_config WHERE cfgname = 'citsec_plain'"
    stemmed = "'citsec_english', 'citsec_spanish', 'citsec_portuguese'"
    stemmed_configs = f"SELECT count(*) FROM pg_ts_config WHERE cfgname IN ({stemmed})"
    stemmers = "SELECT count(*) FROM pg_ts_dict WHERE dictname LIKE 'citsec\\_%\\_stem'"
    indexed = "SELECT tsv::text FROM passages"
    unaccent = scalar("SELECT count(*) FROM pg_available_extensions WHERE name = 'unaccent'")
    try:
        assert upgrade(engine, "0003") == "0003"  # prefixes matched against the stems
        with engine.begin() as conn:
            rid = conn.execute(
                text(
                    "INSERT INTO reports (uri, title, pages, status, warnings, ingested_at, effective_date,"
                    " metadata) VALUES ('u', 't', 1, 'ok', '[]', now(), current_date, '{}') RETURNING id"
                )
            ).scalar()
            conn.execute(
                text(
                    "INSERT INTO passages (report_id, seq, page_start, page_end, lang, kind, char_start,"
                    " char_end, text) VALUES (:r, 1, 1, 1, 'en', 'text', 0, 0, :t)"
                ),
                {"r": rid, "t": "Aerial eradication in São Paulo."},
            )
        # At head the stored row gains its plain words (0004) and is re-indexed folded, stop words kept (0005)
        assert found("eradicat*") == [1]
        assert found('"eradication in"') == [1]
        assert found("Sao Paulo") == ([1] if unaccent else [])
        assert (scalar(stemmed_configs), scalar(stemmers)) == (3, 3)
        downgrade("0004")  # 0005 undone: stems of the english configuration, stop words dropped, accents kept
        assert (scalar(stemmed_configs), scalar(stemmers)) == (0, 0)
        assert scalar(indexed) == "'aerial':1 'erad':2 'paulo':5 'são':4"
        assert scalar("SELECT to_regclass('ix_passages_tsv')") is not None
        downgrade("0003")  # 0004 undone
        assert scalar(plain_column) == 0
        assert scalar(plain_config) == 0
        assert scalar("SELECT to_regclass('ix_passages_tsv_plain')") is None
        assert upgrade(engine) == HEAD  # and forward again, from the rows already stored
        assert scalar(plain_column) == 1
        sao = "'sao':4" if unaccent else "'são':4"
        assert scalar(indexed) == f"'aerial':1 'erad':2 'in':3 'paulo':5 {sao}"
        assert found("eradicat*") == [1]
        assert found('"eradication in"') == [1]
    finally:
        engine.dispose()


def test_bare_path_means_sqlite(tmp_path: Path) -> None:
    with Corpus.open(str(tmp_path / "bare.db")) as corpus:
        assert corpus.dialect == "sqlite"
    assert (tmp_path / "bare.db").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://nobody@127.0.0.1/x", "unsupported database"),
        ("postgresql://postgres@127.0.0.1:1/nothing", "cannot open database"),
        ("sqlite:////nonexistent-folder-citsec/x.db", "does not exist"),
    ],
)
def test_unusable_database_is_one_clear_error(url: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        Corpus.open(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://postgres@127.0.0.1:abc/x", "not a database URL: '.*:abc/x': its host and port"),
        ("postgresql://ana:s3cret@[::1/x", "not a database URL: 'postgresql://ana:\\*\\*\\*@\\[::1/x'"),
        # A password may hold "/" and "@"; one may come as a query parameter (code review).
        ("postgresql://ana:s3/cret@host:abc/x", "not a database URL: 'postgresql://ana:\\*\\*\\*@host:abc/x'"),
        ("postgresql://ana:s3@cret@host:abc/x", "not a database URL: 'postgresql://ana:\\*\\*\\*@host:abc/x'"),
        # A review: a bare "@" in a password showed what followed it, the driver failing on host "cret@host".
        ("postgresql://ana:s3@c?ret@127.0.0.1:5432/x", "'postgresql://ana:\\*\\*\\*@127.0.0.1:5432/x': its"),
        (
            "postgresql://ana:s3@cret@127.0.0.1:5432/x",
            "'postgresql://ana:\\*\\*\\*@127.0.0.1:5432/x': its password holds a bare '@', "
            "which a URL writes as %40",
        ),
        ("postgresql://ana@host:abc/x?password=s3cret", r"'postgresql://ana@host:abc/x\?password=\*\*\*'"),
        ("sqlite://x/y.db", "not a SQLite URL: 'sqlite://x/y.db': a file is sqlite:///relative/path.db"),
    ],
)
def test_a_url_that_cannot_be_read_is_one_clear_error_without_its_password(url: str, message: str) -> None:
    # SQLAlchemy raises ValueError for these (a traceback, before): the port is read as an integer.
    with pytest.raises(CorpusError, match=message) as raised:
        Corpus.open(url)
    assert "s3cret" not in str(raised.value) and "cret@" not in str(raised.value)


def test_a_user_name_with_an_at_sign_is_read_as_before_and_its_password_stays_hidden() -> None:
    # A review of the bare-"@" check: "ana@server:pw@host", the user name Azure's PostgreSQL asks for, was
    # refused, and the message showed the password in clear.
    from corpus.engine import parse_url, shown_url

    url = "postgresql://ana@myserver:s3cret@127.0.0.1:5432/citsec"
    assert parse_url(url).username == "ana@myserver" and parse_url(url).password == "s3cret"
    assert "s3cret" not in shown_url(url)


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg2", "pg8000"])
def test_any_postgresql_driver_in_a_url_reaches_the_same_database(pg_store_url: str, driver: str) -> None:
    # "postgresql+asyncpg://" is how Prefect's settings name a database: citsec talks to that server through
    # the driver it ships (psycopg 3) instead of failing on a missing module or a MissingGreenlet.
    url = pg_store_url.replace("postgresql://", f"postgresql+{driver}://", 1)
    assert url != pg_store_url
    with Corpus.open(url, must_exist=True) as corpus:
        assert corpus.dialect == "postgresql" and corpus.count_passages() == 0


def test_an_async_sqlite_url_opens_the_same_file(tmp_path: Path) -> None:
    with Corpus.open(f"sqlite:///{tmp_path / 'one.db'}") as corpus:
        corpus.add_report(_report())
    with Corpus.open(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}", must_exist=True) as corpus:
        assert corpus.count_passages() == 3


def test_two_stores_opening_one_new_database_both_work(corpus_factory: Callable[[], Corpus]) -> None:
    first, second = corpus_factory(), corpus_factory()
    first.add_report(_report())
    assert second.count_passages() == 3
