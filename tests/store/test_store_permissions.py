"""Stores a user may not change as asked: a PostgreSQL role that may only read (an intern's, a second
team's), or may not create the unaccent extension; a SQLite file another process keeps locked. Queries
work, and what cannot be done is one line saying why, before any work it would have stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cli_runner import run_cli
from revisions import migrate
from sqlalchemy.engine import make_url

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "samples" / "honduras_state_of_exception_en.html"


@pytest.fixture
def reader_url(pg_store_url: str, capsys: pytest.CaptureFixture[str]) -> Iterator[str]:
    """The store with one report and one human label, as a role granted SELECT on its tables only."""
    code, _, err = run_cli(capsys, "ingest", str(SAMPLE), "--no-prefect", "--db", pg_store_url)
    assert code == 0, err
    code, _, err = run_cli(capsys, "label", "add", "1", "prevention", "--db", pg_store_url)
    assert code == 0, err
    role = f"citsec_reader_{uuid.uuid4().hex[:8]}"
    url = make_url(pg_store_url)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        yield url.set(username=role).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


@pytest.mark.pg
def test_a_role_that_may_only_read_gets_one_line_for_each_write(
    reader_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review: `label add`, `ingest` and `models promote` with such a role were 60-line tracebacks ending
    # in psycopg's InsufficientPrivilege, and `retrain` trained for ~17 s before failing the same way.
    import models.retrain

    code, out, err = run_cli(capsys, "passages", "--format", "jsonl", "--db", reader_url)
    assert code == 0 and out.strip(), err

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained for a store that cannot take the model")

    monkeypatch.setattr(models.retrain, "fit_weighted", no_training)
    for argv, table in [
        (["label", "add", "1", "enforcement"], "labels"),
        # ingest asks whether it may write before it reads a report (a table citsec writes: model_versions)
        (["ingest", str(SAMPLE.parent / "plan_colombia_legacy_en.pdf"), "--no-prefect"], "model_versions"),
        (["retrain", "--no-prefect", "--promote", "never"], "model_versions"),
    ]:
        code, out, err = run_cli(capsys, *argv, "--db", reader_url)
        assert code == 2, (argv, err)
        assert f"permission denied for table {table}" in err and "the database role in --db may not" in err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


@pytest.mark.pg
def test_search_that_keeps_accents_is_said_and_folds_once_unaccent_is_there(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A review: a database a DBA made, whose tables citsec's role may create but not the unaccent
    # extension, kept accents in every search, silently ("politica" found 1 passage, "política" 15), and
    # once a superuser installed unaccent nothing rebuilt the search (the migrations had run).
    role = f"citsec_owner_{uuid.uuid4().hex[:8]}"
    url = make_url(pg_url)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    mine = url.set(username=role).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
    try:
        code, out, err = run_cli(capsys, "db", "upgrade", "--db", mine)
        assert code == 0 and "schema upgraded" in out, err
        assert "warning: this PostgreSQL database has no unaccent extension" in err
        sample = SAMPLE.parent / "pacto_pela_vida_fica_vivo_pt.pdf"
        code, _, err = run_cli(capsys, "ingest", str(sample), "--no-prefect", "--db", mine)
        assert code == 0, err

        def found(words: str) -> tuple[int, str]:
            code, out, err = run_cli(capsys, "passages", "--search", words, "--format", "jsonl", "--db", mine)
            assert code == 0, err
            return len(out.splitlines()), err

        accented, err = found("política")
        assert accented > 0 and "has no unaccent extension" in err
        assert found("politica")[0] < accented
        with psycopg.connect(admin, autocommit=True) as conn:  # a superuser's doing
            conn.execute("CREATE EXTENSION unaccent")
            conn.execute(f"CREATE ROLE {role}_app LOGIN")
            conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}_app")
        with psycopg.connect(url.set(username=role).render_as_string(hide_password=False).replace(
                "postgresql+psycopg", "postgresql"), autocommit=True) as conn:  # fmt: skip
            conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}_app")
        # Installed but not used yet: said so, and a role that does not own the store cannot apply it
        # (a review: a 60-line traceback, "must be owner of text search configuration citsec_plain").
        unused = "has the unaccent extension, but the store's search does not use it yet"
        assert unused in found("politica")[1]
        app = url.set(username=f"{role}_app").render_as_string(hide_password=False)
        code, out, err = run_cli(capsys, "db", "upgrade", "--db", app)
        assert code == 2 and "as the role that owns the store" in err and "must be owner" in err, err
        assert len(err.strip().splitlines()) == 1
        code, out, err = run_cli(capsys, "db", "upgrade", "--db", mine)
        assert code == 0 and "search now folds accents" in out and "warning" not in err, (out, err)
        bare, err = found("politica")
        assert bare == accented and "unaccent" not in err
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in (f"{role}_app", role):
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                    conn.execute(f"DROP OWNED BY {name}")
                    conn.execute(f"DROP ROLE {name}")


def test_a_store_another_process_keeps_locked_says_so(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review: a store locked by another process waited 30 s, then said only "database is locked".
    import sqlite3

    import corpus.engine

    code, _, err = run_cli(capsys, "ingest", str(SAMPLE), "--no-prefect", "--db", sqlite_url)
    assert code == 0, err
    monkeypatch.setattr(corpus.engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run_cli(capsys, "label", "add", "1", "prevention", "--db", sqlite_url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "database is locked (another process kept writing to this SQLite store" in err
    assert len(err.strip().splitlines()) == 1, err
    # db upgrade too (a review: it said only "cannot migrate database ...: database is locked"), on a store
    # it has to migrate (one already at the newest revision is not written to, so no lock is waited for).
    migrate(sqlite_url, "0009")
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run_cli(capsys, "db", "upgrade", "--db", sqlite_url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "cannot migrate database" in err and "another process kept writing" in err, err
