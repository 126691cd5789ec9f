"""`citsec ingest` SOURCE arguments that yield nothing, or the same report twice: regressions from a
user-acceptance review (an empty SOURCE, a URL that does not answer, two files with the same bytes, a Dask
scheduler that is not there)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from cli_runner import run_cli
from small_model import copy_model

from corpus import Corpus
from flows.dask_scheduler import SchedulerUnreachable, check_scheduler
from flows.run import ingest_local
from flows.sources import resolve_sources

TEXT = (
    "Mexico deployed the army against the cartels in Sinaloa and arrested their leaders. " * 4
    + "\n\n"
    + "Colombia signed a peace agreement with the FARC guerrilla and started demobilization. " * 4
)


def summary(out: str) -> dict[str, str]:
    return dict(line.split(maxsplit=1) for line in out.strip().splitlines())


def stored_reports(db_url: str) -> list:
    with Corpus.open(db_url) as corpus:
        return list(corpus.reports())


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# 1. An empty SOURCE (an unset shell variable) was the current folder, ingested recursively.


@pytest.mark.parametrize("sources", [[""], ["   "], ["GOOD", ""]])
def test_an_empty_source_is_one_line_error_not_the_current_folder(
    sources, tmp_path, db_url, capsys, monkeypatch
):
    (tmp_path / "here.txt").write_text(TEXT)
    monkeypatch.chdir(tmp_path)
    args = [str(tmp_path / "here.txt") if s == "GOOD" else s for s in sources]
    code, out, err = run_cli(capsys, "ingest", *args, "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "is empty" in err, err
    assert stored_reports(db_url) == []


def test_an_empty_source_resolves_to_nothing(tmp_path, monkeypatch):
    (tmp_path / "here.txt").write_text(TEXT)
    monkeypatch.chdir(tmp_path)
    resolution = resolve_sources(["", " "], {}, lambda url: pytest.fail("nothing to fetch"))
    assert resolution.refs == [] and len(resolution.errors) == 2
    assert all("empty" in error for error in resolution.errors)


def test_sources_add_and_schedule_refuse_an_empty_location(tmp_path, db_url, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "sources", "add", "here", "", "--db", db_url)
    assert code == 2 and out == "" and "LOCATION is empty" in err
    with Corpus.open(db_url) as corpus:
        assert corpus.sources() == []
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    code, out, err = run_cli(capsys, "schedule", "", "--interval", "60", "--db", db_url)
    assert code == 2 and "SOURCE is empty" in err and "Traceback" not in err


# 2. A URL SOURCE that yields no report exited 0.


def test_a_url_source_that_answers_404_fails_the_command(site, db_url, capsys):
    url = site.url("/nothere.xml")
    code, out, err = run_cli(capsys, "ingest", url, "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 1, err
    assert err.strip() == f"failed: {url}: HTTP 404 Not Found"
    assert summary(out)["failed"] == "1" and summary(out)["new"] == "0"
    # Still recorded: `citsec reports` lists it as failed with why.
    [row] = stored_reports(db_url)
    assert (row.uri, row.status) == (url, "failed") and "HTTP 404" in (row.error or "")


@pytest.mark.parametrize("registered", [False, True], ids=["url", "registered-feed"])
def test_a_feed_that_cannot_be_read_fails_the_command_as_a_url_does(site, db_url, capsys, registered):
    # A user review: a malformed feed was "error: nothing to ingest" with exit 2, the code of a user's
    # mistake, and was not recorded, though it is the server's problem, as a 404 is; a registered feed
    # source that answered 404 was the same.
    broken = site.add("/broken.xml", body=b"<?xml version='1.0'?><rss version='2.0'><channel><item>",
                      content_type="application/rss+xml")
    gone = site.url("/gone.xml")
    sources = [broken, gone]
    if registered:
        for name, url in (("broken", broken), ("gone", gone)):
            assert run_cli(capsys, "sources", "add", name, url, "--kind", "feed", "--db", db_url)[0] == 0
        sources = ["broken", "gone"]
    code, out, err = run_cli(capsys, "ingest", *sources, "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 1, err
    malformed, missing = "not a well-formed feed (no element found: line 1, column 55)", "HTTP 404 Not Found"
    assert err.strip().splitlines() == [f"failed: {broken}: {malformed}", f"failed: {gone}: {missing}"]
    assert summary(out)["failed"] == "2"
    assert {(row.uri, row.status) for row in stored_reports(db_url)} == {(broken, "failed"), (gone, "failed")}
    # Each asked once: the run takes what the command's plan found seconds before, the 404 too (it was
    # asked a second time).
    assert (len(site.asked("/broken.xml")), len(site.asked("/gone.xml"))) == (1, 1)


def test_a_feed_whose_server_asks_to_wait_an_hour_is_asked_once_per_command(site, db_url, capsys):
    # The plan's one short try was put off as the run's four would be: the run takes its failure.
    busy = site.add("/busy.xml", fail_first=[429] * 8, retry_after="3600")
    code, _, err = run_cli(capsys, "ingest", busy, "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 1, err
    put_off = "HTTP 429, asked to wait 1 h, longer than the 30 s citsec waits; the next run asks again"
    assert err.strip().splitlines() == [f"failed: {busy}: {put_off}"]
    assert len(site.asked("/busy.xml")) == 1


def test_a_pdf_url_source_that_refuses_the_connection_fails_the_command(db_url, capsys):
    # Through Prefect: a PDF URL is fetched by the worker, not while resolving.
    url = f"http://127.0.0.1:{closed_port()}/x.pdf"
    code, out, err = run_cli(capsys, "ingest", url, "--db", db_url, "--workers", "1")
    assert code == 1, err
    [line] = err.strip().splitlines()
    assert line.startswith(f"failed: {url}: connection failed"), err
    assert summary(out)["failed"] == "1"
    with Corpus.open(db_url) as corpus:
        assert corpus.ingest_runs()[0].counts["unfetched"] == 1


def test_a_feed_entry_that_fails_does_not_fail_the_command(site, samples_dir, db_url, capsys):
    html = (samples_dir / "honduras_state_of_exception_en.html").read_bytes()
    site.add("/a.html", body=html, content_type="text/html; charset=utf-8")
    url = site.add_feed("/feed.xml", ["/a.html", "/gone.html"])
    code, out, err = run_cli(capsys, "ingest", url, "--db", db_url, "--workers", "1", "--no-prefect")
    # The feed answered: one bad entry is a failed report, as a bad file in a folder is.
    assert code == 0, err
    assert summary(out)["new"] == "1" and summary(out)["failed"] == "1"


# 3. Two files with the same bytes counted as two new reports, with their passages twice.


def test_files_with_the_same_bytes_count_as_one_report(tmp_path, db_url, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    shutil.copyfile(folder / "a.txt", folder / "b.txt")
    args = ["ingest", str(folder), "--db", db_url, "--no-prefect"]
    code, out, err = run_cli(capsys, *args, "--workers", "2")
    assert code == 0, err
    [report] = stored_reports(db_url)
    first = summary(out)
    assert (first["new"], first["unchanged"], first["failed"]) == ("1", "1", "0"), out
    assert int(first["passages"]) == report.passages > 0
    code, out, _ = run_cli(capsys, *args, "--workers", "1")
    assert code == 0 and summary(out)["unchanged"] == "2"


@pytest.mark.pg
def test_files_with_the_same_bytes_count_as_one_report_on_postgres(
    tmp_path, model_store, pg_store_url, monkeypatch
):
    monkeypatch.setenv("CITSEC_CACHE_DIR", str(tmp_path / "cache"))
    copy_model(model_store, pg_store_url, "flows-test-model")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(TEXT)
    first = ingest_local([str(folder)], db_url=pg_store_url, workers=2)
    [report] = stored_reports(pg_store_url)
    assert (first.new, first.unchanged, first.failed) == (1, 2, 0), first.errors
    assert first.passages == report.passages
    with Corpus.open(pg_store_url) as corpus:
        assert corpus.ingest_runs()[0].counts["new"] == 1


# 4. A Dask scheduler that is not there: a 121-line traceback after 30 s.


def test_a_dask_scheduler_nothing_listens_on_is_one_line_error_at_once(tmp_path, db_url, capsys):
    report = tmp_path / "x.txt"
    report.write_text(TEXT)
    address = f"tcp://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    code, out, err = run_cli(capsys, "ingest", str(report), "--db", db_url, "--dask-address", address)
    assert time.monotonic() - started < 10
    assert code == 2 and out == ""
    assert err.strip() == (
        f"error: cannot reach the Dask scheduler at {address}: connection refused (is the scheduler running?)"
    )
    assert stored_reports(db_url) == []


@pytest.mark.parametrize("address", ["127.0.0.1:PORT", "tcp://127.0.0.1", "tcp://127.0.0.1:notaport"])
def test_check_scheduler_refuses_what_cannot_be_a_scheduler(address):
    with pytest.raises(SchedulerUnreachable, match="Dask scheduler") as info:
        check_scheduler(address.replace("PORT", str(closed_port())), timeout=1)
    assert "\n" not in str(info.value)


class Listener:
    """A TCP port on 127.0.0.1 where something that is no Dask scheduler listens: it keeps each connection
    open and silent (a web server waiting for its request), or closes it at once."""

    def __init__(self, close: bool) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.address = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self.close = close
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.sock.accept()
                conn.close() if self.close else self.held.append(conn)

    def stop(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture(params=["silent", "closing"])
def not_a_scheduler(request) -> Iterator[Listener]:
    listener = Listener(close=request.param == "closing")
    yield listener
    listener.stop()


def test_a_port_where_no_dask_scheduler_answers_is_one_line_error(
    not_a_scheduler, tmp_path, db_url, capsys, monkeypatch
):
    # Dask's client waited forever on a silent port (a dashboard, a web server).
    monkeypatch.setattr("flows.dask_scheduler.SCHEDULER_CONNECT_SECONDS", 1.0)
    report = tmp_path / "x.txt"
    report.write_text(TEXT)
    address = not_a_scheduler.address
    started = time.monotonic()
    code, out, err = run_cli(capsys, "ingest", str(report), "--db", db_url, "--dask-address", address)
    assert time.monotonic() - started < 10
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: cannot reach the Dask scheduler at {address}: ") and "handshake" in line


def test_a_dask_client_that_fails_inside_the_run_is_one_line_error(tmp_path, db_url, capsys, monkeypatch):
    # Past the quick check (a scheme it does not probe, a scheduler gone since), Dask's client fails on
    # the run's first report: that must end as one line too, after the run is recorded as stopped.
    monkeypatch.setattr("flows.dask_scheduler.check_scheduler", lambda address, timeout=None: None)
    monkeypatch.setattr("flows.ingest.check_scheduler", lambda address, timeout=None: None)
    listener = Listener(close=True)
    report = tmp_path / "x.txt"
    report.write_text(TEXT)
    try:
        code, out, err = run_cli(
            capsys, "ingest", str(report), "--db", db_url, "--dask-address", listener.address
        )
    finally:
        listener.stop()
    assert code == 2 and out == "", err
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: cannot reach the Dask scheduler at {listener.address}: "), err
    with Corpus.open(db_url) as corpus:
        assert any("run stopped" in error for error in corpus.ingest_runs()[0].errors)


def test_check_scheduler_lets_a_scheduler_and_other_schemes_through():
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        check_scheduler(cluster.scheduler_address, timeout=5)
    check_scheduler("inproc://10.0.0.1/1/2", timeout=1)


# 5. A registered name that is also a folder here silently ingested the registered source's location.


@pytest.mark.slow
def test_a_registered_name_shadowing_a_local_folder_is_said(tmp_path, db_url, capsys, monkeypatch):
    for folder, words in (("r1", "prisons"), ("r2", "schools")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{folder}.txt").write_text(TEXT.replace("army", words))
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "sources", "add", "r1", str(tmp_path / "r2"), "--db", db_url)
    assert code == 0, err
    code, out, err = run_cli(capsys, "ingest", "r1", "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0, err
    assert "r1 is the registered source r1" in err and "write ./r1" in " ".join(err.split())
    assert [r.uri.rsplit("/", 1)[-1] for r in stored_reports(db_url)] == ["r2.txt"]
    code, out, err = run_cli(capsys, "ingest", "./r1", "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0 and "registered source" not in err, err
    assert sorted(r.uri.rsplit("/", 1)[-1] for r in stored_reports(db_url)) == ["r1.txt", "r2.txt"]
    # A source registered under its own folder's name is that folder: nothing to say (a user review).
    code, _, err = run_cli(capsys, "sources", "add", "r2", "r2", "--db", db_url)
    assert code == 0, err
    code, out, err = run_cli(capsys, "ingest", "r2", "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0 and "registered source" not in err, err


def test_an_empty_db_is_a_user_error(tmp_path, capsys, monkeypatch):
    # `--db "$UNSET"` opened "sqlite:///." ("unable to open database file"), not what was meant.
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "passages", "--db", "")
    assert (code, out) == (2, "") and "'--db': is empty: give a SQLite file or a database URL" in err
    assert list(tmp_path.iterdir()) == []


def test_a_feed_file_is_one_line_asking_for_its_url(tmp_path, db_url, capsys):
    # A user review: a feed saved to disk was read as a page: "failed: feed.xml: no main text found in
    # HTML page", exit 0.
    feed = tmp_path / "feed.xml"
    feed.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><title>a"
                    "</title><link>https://example.org/a.pdf</link></item></channel></rss>")
    code, _, err = run_cli(capsys, "ingest", str(feed), "--db", db_url, "--no-prefect")
    assert code == 2
    assert err.strip() == (f"error: nothing to ingest: {feed}: an RSS or Atom feed: give its URL (citsec "
                           "reads a feed from where it is served)")
