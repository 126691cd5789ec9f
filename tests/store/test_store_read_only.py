"""A SQLite store this user may only read: a colleague's file on a shared drive, a store in a folder the user
may not write, or one opened with ?mode=ro on purpose. Queries work; a change is one line saying the store is
open read-only, before any work it would have stored."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from cli_runner import run_cli
from revisions import migrate

from flows.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "corpus" / "samples"
SAMPLE = SAMPLES / "honduras_state_of_exception_en.html"
QUERIES = [
    ["passages", "--format", "jsonl"],
    ["passages", "--search", "police", "--format", "jsonl"],
    ["stats", "--by", "label,country", "--format", "json"],
    ["reports", "--format", "json"],
    ["label", "export"],
    ["models", "list", "--format", "json"],
]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def stored_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with one report and one human label, made once (an ingest is two seconds) for `store`
    to copy."""
    path = tmp_path_factory.mktemp("read-only") / "citsec.db"
    for argv in (["ingest", str(SAMPLE), "--no-prefect", "--db", str(path)],
                 ["label", "add", "1", "prevention", "--db", str(path)]):  # fmt: skip
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as exc:
                assert not exc.code, err.getvalue()
    assert not path.with_name("citsec.db-wal").exists()  # all of it in the one file a copy takes
    return path


@pytest.fixture
def store(stored_once: Path, tmp_path: Path) -> Path:
    """A store file with one report and one human label, this test's own."""
    path = tmp_path / "citsec.db"
    shutil.copyfile(stored_once, path)
    return path


def test_mode_ro_reads_everything_and_changes_nothing(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--db sqlite:///x.db?mode=ro` printed SQLAlchemy's SAWarning and opened the store read-write anyway.
    import models.retrain

    plain = f"sqlite:///{store}"
    read_only = f"{plain}?mode=ro"
    expected = {}
    for argv in QUERIES:
        code, out, err = run_cli(capsys, *argv, "--db", plain)
        assert code == 0, (argv, err)
        expected[tuple(argv)] = out
    before = _digest(store.parent)
    for argv in QUERIES:
        code, out, err = run_cli(capsys, *argv, "--db", read_only)
        assert code == 0 and "Warning" not in err, (argv, err)
        assert out == expected[tuple(argv)], argv

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained for a store that cannot take the model")

    monkeypatch.setattr(models.retrain, "fit_weighted", no_training)
    for argv in [
        ["label", "add", "1", "enforcement"],
        ["label", "none", "1"],
        ["ingest", str(SAMPLES / "plan_colombia_legacy_en.pdf"), "--no-prefect"],
        ["ingest", str(SAMPLES / "plan_colombia_legacy_en.pdf")],  # through Prefect: said before it starts
        ["retrain", "--no-prefect", "--promote", "never"],
        ["sources", "add", "team", str(SAMPLES)],
        ["db", "reclassify"],
    ]:
        code, out, err = run_cli(capsys, *argv, "--db", read_only)
        assert code == 2, (argv, out, err)
        assert f"cannot change the store {read_only}: it is open read-only" in err, (argv, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (argv, err)
    code, out, err = run_cli(capsys, "db", "upgrade", "--db", read_only)
    assert code == 0 and "schema already at revision" in out, err
    # The store file is as it was; SQLite may make an empty -wal and a -shm beside it to read it.
    assert _digest(store.parent)["citsec.db"] == before["citsec.db"]
    assert not Path(f"{store}-wal").exists() or Path(f"{store}-wal").stat().st_size == 0


def test_a_store_behind_cannot_be_migrated_read_only(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A code review: this said "it is open read-only ...; queries work", and no query did.
    migrate(f"sqlite:///{store}", "0009")
    code, out, err = run_cli(capsys, "passages", "--db", f"sqlite:///{store}?mode=ro")
    assert code == 2 and "has schema revision 0009, older than this citsec's" in err, err
    assert "open read-only, so it cannot be brought up to date" in err and "queries work" not in err


@pytest.mark.parametrize("folder", ["h#x", "p%41c", "q?y", "s p"])
def test_a_store_whose_path_holds_url_characters(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    # A code review: read-only stores at such paths were "no citsec store ... yet" or "unable to open",
    # and a bare path's "%41" read as "A", its "?" as a query.
    (tmp_path / folder).mkdir()
    target = tmp_path / folder / "s.db"
    target.write_bytes(store.read_bytes())
    code, plain, err = run_cli(capsys, "stats", "--by", "label", "--format", "json", "--db", str(target))
    assert code == 0 and json.loads(plain), err
    from corpus.engine import sqlite_url

    read_only = f"{sqlite_url(target)}?mode=ro"
    code, out, err = run_cli(capsys, "stats", "--by", "label", "--format", "json", "--db", read_only)
    assert code == 0 and out == plain, err
    code, out, err = run_cli(capsys, "label", "none", "1", "--db", read_only)
    assert code == 2 and f"cannot change the store sqlite:///{target}?mode=ro" in err, err


def test_other_settings_in_a_sqlite_url_are_refused_not_ignored(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for query in ("mode=rw", "mode=ro&cache=shared", "timeout=5"):
        code, out, err = run_cli(capsys, "passages", "--db", f"sqlite:///{store}?{query}")
        assert code == 2 and "the one setting it takes is ?mode=ro" in err, (query, err)


# Run as a user who may read the store and its folder but write neither (as root: after dropping to
# nobody, with every module loaded first; /root, where Python lives, may be closed to nobody).
_AS_A_READER = textwrap.dedent(
    """
    import json, os, sys
    from corpus import Corpus, PassageFilter
    from corpus.errors import CorpusError
    with Corpus.open(sys.argv[2], must_exist=True) as warm:  # loads what the queries load
        list(warm.passages(PassageFilter(), limit=1))
        warm.count_passages()
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    out = {}
    try:
        corpus = Corpus.open(sys.argv[1], must_exist=True)
    except CorpusError as exc:
        print(json.dumps({"open": str(exc)}))
        sys.exit(0)
    with corpus:
        out["passages"] = corpus.count_passages()
        out["first"] = next(iter(corpus.passages(PassageFilter(), limit=1))).text[:40]
        try:
            corpus.check_writable()
        except CorpusError as exc:
            out["write"] = str(exc)
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("where", ["folder", "file"])
def test_a_store_this_user_may_not_write_is_read(
    store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    where: str,
) -> None:
    # A store in a folder this user may not write (a shared drive) could not even be read: "cannot open
    # database ...: attempt to write a readonly database" (SQLite in WAL mode makes a -shm file beside it).
    code, out, err = run_cli(capsys, "passages", "--format", "jsonl", "--db", str(store))
    assert code == 0, err
    count, first = len(out.splitlines()), json.loads(out.splitlines()[0])["text"][:40]
    # Outside tmp_path, whose parents only their owner may enter.
    shared = Path(tempfile.mkdtemp(prefix="citsec-shared-"))
    request.addfinalizer(lambda: shutil.rmtree(shared, ignore_errors=True))
    target = shared / "team.db"
    target.write_bytes(store.read_bytes())  # WAL checkpointed at close: the file holds it all
    warm = tmp_path / "warm.db"
    warm.write_bytes(store.read_bytes())
    target.chmod(0o644)
    shared.chmod(0o755 if where == "folder" else 0o777)
    if os.geteuid() != 0:  # the user owns the files: take the write permission away instead
        target.chmod(0o444)
        if where == "folder":
            shared.chmod(0o555)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _AS_A_READER, str(target), str(warm)],
            capture_output=True,
            text=True,
            cwd=shared,
            timeout=120,
        )
    finally:
        shared.chmod(0o755)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["passages"] == count and seen["first"] == first
    assert "it is open read-only" in seen["write"] and "team.db?mode=ro" in seen["write"]
    if where == "folder":
        assert sorted(p.name for p in shared.iterdir()) == ["team.db"]  # nothing made beside it


def test_a_store_in_a_folder_this_user_may_not_write_with_unmerged_changes_is_refused(
    store: Path, tmp_path: Path
) -> None:
    # A code review: read as immutable, SQLite ignores the -wal file, and the changes in it were silently
    # missing (a store its owner is writing to, or copied with its -wal).
    import sqlite3

    shared = Path(tempfile.mkdtemp(prefix="citsec-shared-"))
    try:
        writer = sqlite3.connect(store, isolation_level=None)
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("DELETE FROM labels")  # a change that lives in the -wal file only
        for suffix in ("", "-wal"):
            (shared / f"team.db{suffix}").write_bytes(Path(f"{store}{suffix}").read_bytes())
        writer.close()
        assert (shared / "team.db-wal").stat().st_size > 0
        for file in shared.iterdir():
            file.chmod(0o644 if os.geteuid() == 0 else 0o444)
        shared.chmod(0o755 if os.geteuid() == 0 else 0o555)
        warm = tmp_path / "warm.db"
        warm.write_bytes(store.read_bytes())
        done = subprocess.run(
            [sys.executable, "-c", _AS_A_READER, str(shared / "team.db"), str(warm)],
            capture_output=True, text=True, cwd=shared, timeout=120,
        )  # fmt: skip
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)["open"]
    assert "its folder is read-only for this user, and its team.db-wal file holds changes" in said


def test_a_store_that_turns_read_only_after_opening_says_what_to_do(store: Path) -> None:
    # citsec opens a store it may not write read-only and refuses changes up front; a file made read-only
    # behind its back still fails in one line that says why.
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from corpus.errors import explained

    engine = create_engine(f"sqlite:///file:{store}?mode=ro&uri=true")
    try:
        with engine.begin() as conn, pytest.raises(OperationalError) as caught:
            conn.execute(text("DELETE FROM labels"))
    finally:
        engine.dispose()
    said = explained(caught.value)
    assert said.startswith("attempt to write a readonly database (the SQLite store's file or folder is read")
