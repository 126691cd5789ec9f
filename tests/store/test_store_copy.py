"""`citsec db copy`: a whole store copied into an empty one, SQLite to PostgreSQL and back, row for row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli
from sqlalchemy import select
from storedata import fill

from corpus import Corpus, CorpusError, NewPassage, NewReport, PassageFilter
from corpus.schema import Base, HumanLabel, Passage
from corpus.store_copy import TABLES, copy_store, count_rows


def _filled(url: str) -> Corpus:
    """A store holding a row in every table: reports (re-versions among them), tags, two models'
    predictions, human labels (one report deleted with its labels), a model artifact, a source, a run."""
    corpus = Corpus.open(url)
    fill(corpus, n_reports=9, per_report=6)
    corpus.add_model_version("m3", "test", {"C": 1.0}, 40, {"cv_macro_f1": 0.5}, b"\x00artifact\xff")
    corpus.add_source("ministry", "/srv/reports", "folder")
    run = corpus.start_ingest_run("manual")
    corpus.finish_ingest_run(run, {"new": 9}, ["one error"])
    newest = max(_label_ids(corpus))
    corpus.delete_report(_report_of(corpus, newest))  # its labels go, the newest among them: ids are free
    return corpus


def _label_ids(corpus: Corpus) -> list[int]:
    with corpus.engine.connect() as conn:
        return list(conn.execute(select(HumanLabel.id)).scalars())


def _report_of(corpus: Corpus, label_id: int) -> int:
    query = select(Passage.report_id).join(HumanLabel, HumanLabel.passage_id == Passage.id)
    with corpus.engine.connect() as conn:
        return int(conn.execute(query.where(HumanLabel.id == label_id)).scalar_one())


def _rows(corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    tables = [Base.metadata.tables[name] for name in TABLES]
    with corpus.engine.connect() as conn:
        return {
            t.name: [dict(r._mapping) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in tables
        }


@pytest.fixture(params=["sqlite-sqlite", pytest.param("sqlite-postgresql", marks=pytest.mark.pg),
                        pytest.param("postgresql-sqlite", marks=pytest.mark.pg)])  # fmt: skip
def source_and_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Corpus, str]]:
    source_kind, target_kind = request.param.split("-")
    source_url = f"sqlite:///{tmp_path / 'mine.db'}" if source_kind == "sqlite" else request.getfixturevalue(
        "pg_store_url"
    )
    target_url = f"sqlite:///{tmp_path / 'team.db'}" if target_kind == "sqlite" else request.getfixturevalue(
        "pg_url"  # an empty database, no schema: copy creates it
    )
    source = _filled(source_url)
    yield source, target_url
    source.close()


def test_copy_keeps_every_row_and_id(source_and_target: tuple[Corpus, str]) -> None:
    source, target_url = source_and_target
    counted: list[int] = []
    done = copy_store(source.engine, target_url, progress=counted.append)
    assert sum(counted) == count_rows(source.engine) == sum(done.rows.values())  # the bar ends at its end
    with Corpus.open(target_url, must_exist=True) as target:
        assert _rows(target) == _rows(source)
        assert done.rows == {name: len(rows) for name, rows in _rows(source).items()}
        assert target.model_artifact("m3") == b"\x00artifact\xff"
        # The target's own search index holds every passage; filters read the copied labels and tags.
        for f in (PassageFilter(search="cartel"), PassageFilter(labels=("prevention",), countries=("CO",))):
            assert [r.id for r in target.passages(f)] == [r.id for r in source.passages(f)]
            assert target.count_passages(f) > 0


def test_a_label_given_in_the_copy_gets_an_id_no_label_of_the_source_had(
    source_and_target: tuple[Corpus, str],
) -> None:
    """The deleted report's labels had the highest ids: the copy's next label must not reuse them (a
    report's last_label_id compares label ids)."""
    source, target_url = source_and_target
    passage = next(iter(source.passages(PassageFilter())))
    source.add_labels(passage.id, {"enforcement"}, annotator="me")
    in_source = max(_label_ids(source))
    source.delete_report(passage.report_id)  # now the source's highest label id is no row
    copy_store(source.engine, target_url)
    with Corpus.open(target_url, must_exist=True) as target:
        other = next(iter(target.passages(PassageFilter())))
        target.add_labels(other.id, {"prevention"}, annotator="team")
        assert max(_label_ids(target)) > in_source
        # Every other table hands out ids after the copied ones.
        target.add_source("another", "/srv/more", "folder")
        assert target.start_ingest_run("manual") > max(r.id for r in source.ingest_runs())


def test_copy_refuses_a_target_holding_rows_and_the_source_itself(tmp_path: Path) -> None:
    mine, team = f"sqlite:///{tmp_path / 'mine.db'}", f"sqlite:///{tmp_path / 'team.db'}"
    with _filled(mine) as source, Corpus.open(team) as target:
        target.add_source("kept", "/srv/kept", "folder")
        with pytest.raises(CorpusError, match=r"team\.db already holds a store \(1 sources\)"):
            copy_store(source.engine, team)
        assert [s.name for s in target.sources()] == ["kept"]
        with pytest.raises(CorpusError, match=r"mine\.db is the store being copied"):
            copy_store(source.engine, f"sqlite:///{tmp_path}/./mine.db")


def test_an_interrupted_copy_leaves_the_target_without_rows(tmp_path: Path) -> None:
    mine, team = f"sqlite:///{tmp_path / 'mine.db'}", f"sqlite:///{tmp_path / 'team.db'}"

    def stop(passages: int) -> None:
        raise KeyboardInterrupt

    with _filled(mine) as source:
        with pytest.raises(KeyboardInterrupt):
            copy_store(source.engine, team, progress=stop)
        with Corpus.open(team, must_exist=True) as target:
            assert all(not rows for rows in _rows(target).values())
        copy_store(source.engine, team)  # and it can be copied into afterwards
        with Corpus.open(team, must_exist=True) as target:
            assert _rows(target) == _rows(source)


def test_db_copy_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine, team = tmp_path / "mine.db", tmp_path / "team.db"
    _filled(f"sqlite:///{mine}").close()
    code, out, err = run_cli(capsys, "db", "copy", "--db", str(mine), "--to", str(team))
    assert code == 0, err
    assert out.startswith(f"copied sqlite:///{mine} to sqlite:///{team}: 8 reports, 48 passages, ")
    code, _, err = run_cli(capsys, "db", "copy", "--db", str(mine), "--to", str(team))
    assert code == 2 and "already holds a store" in err
    code, _, err = run_cli(capsys, "db", "copy", "--db", str(tmp_path / "none.db"), "--to", str(team))
    assert code == 2 and "no store at" in err


@pytest.mark.pg
def test_between_postgresql_stores_no_id_the_source_gave_is_given_again(
    pg_store_url: str, pg_url: str
) -> None:
    """A code review: the target's sequences started after the copied rows, so the id of a passage deleted
    from the source (an old `label import` line naming it) named a new passage in the copy."""
    with _filled(pg_store_url) as source:
        newest = max(r.id for r in source.reports(include_superseded=True))
        gone = [row.id for row in source.passages(PassageFilter(report_id=newest))]
        source.delete_report(newest)
        copy_store(source.engine, pg_url)
    with Corpus.open(pg_url, must_exist=True) as target:
        passages = [NewPassage(1, 1, 1, "A new passage.", "en")]
        added = target.add_report(NewReport(uri="file:///new.pdf", sha256="c" * 64, passages=passages))
        assert added > newest
        assert min(row.id for row in target.passages(PassageFilter(report_id=added))) > max(gone)


@pytest.mark.pg
def test_a_role_that_may_only_read_the_source_copies_it(
    pg_store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A code review: a role with SELECT on the tables (as `passages` needs) copied every row, then failed
    on reading the label sequence, and the error blamed the target."""
    import uuid

    import psycopg
    role = f"citsec_t_reader_{uuid.uuid4().hex[:8]}"
    _filled(pg_store_url).close()
    with psycopg.connect(pg_store_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
    try:
        reader = pg_store_url.replace("postgres@", f"{role}@", 1)
        with Corpus.open(reader, must_exist=True) as source:
            done = copy_store(source.engine, f"sqlite:///{tmp_path / 'copy.db'}")
        assert done.rows["passages"] == 48 and done.source.startswith(f"postgresql://{role}@")
        # A table it may not read is one error line naming the source, from the command too.
        with psycopg.connect(pg_store_url, autocommit=True) as admin:
            admin.execute(f'REVOKE SELECT ON ingest_runs FROM "{role}"')
        with Corpus.open(reader, must_exist=True) as source, pytest.raises(CorpusError, match="cannot read"):
            copy_store(source.engine, f"sqlite:///{tmp_path / 'again.db'}")
        code, _, err = run_cli(capsys, "db", "copy", "--db", reader, "--to", str(tmp_path / "third.db"))
        assert code == 2 and err.startswith(f"error: cannot read postgresql://{role}@")
        assert "permission denied" in err and len(err.strip().splitlines()) == 1
    finally:
        with psycopg.connect(pg_store_url, autocommit=True) as admin:  # where the role's grants are
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_the_same_store_is_told_however_its_address_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    mine = f"sqlite:///{folder / 'mine.db'}"
    _filled(mine).close()
    # Opened read-only, the store's engine names it by a file: URI, its space escaped.
    source = Corpus.open(f"{mine}?mode=ro", must_exist=True)
    with source, pytest.raises(CorpusError, match="is the store being copied"):
        copy_store(source.engine, str(folder / "mine.db"))


@pytest.mark.pg
def test_the_same_postgresql_database_is_told_by_the_server_not_the_url(pg_store_url: str) -> None:
    elsewhere = pg_store_url.replace("127.0.0.1", "localhost", 1)
    if elsewhere == pg_store_url:
        pytest.skip(f"the test database's URL names no 127.0.0.1 to write another way: {pg_store_url}")
    with _filled(pg_store_url) as source, pytest.raises(CorpusError, match="is the store being copied"):
        copy_store(source.engine, elsewhere)
