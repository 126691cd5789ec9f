"""`citsec ingest`, `citsec sources`, `citsec schedule` as a user types them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli


@pytest.mark.parametrize("command", [["ingest"], ["sources"], ["sources", "add"], ["schedule"]])
def test_help(command, capsys):
    code, out, _ = run_cli(capsys, *command, "--help")
    assert code == 0 and "Example" in out or "Usage" in out


def test_ingest_registered_source_prints_summary(tmp_path, samples_dir, db_url, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    code, out, _ = run_cli(capsys, "sources", "add", "briefs", str(folder), "--db", db_url)
    assert code == 0 and "briefs (folder)" in out
    code, out, _ = run_cli(capsys, "sources", "list", "--db", db_url, "--json")
    assert '"name": "briefs"' in out and '"kind": "folder"' in out

    # Without Prefect: a registered source goes through Prefect in
    # tests/reliability/test_encrypted_source.py, the summary in the broken-folder and proxy tests.
    code, out, err = run_cli(capsys, "ingest", "briefs", "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0, err
    lines = dict(line.split(maxsplit=1) for line in out.strip().splitlines())
    assert lines["new"] == "1" and lines["unchanged"] == "0" and lines["failed"] == "0"
    assert int(lines["passages"]) > 0 and float(lines["seconds"]) > 0
    assert "Traceback" not in err

    code, out, _ = run_cli(capsys, "ingest", "briefs", "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0 and "unchanged  1" in out

    code, out, _ = run_cli(capsys, "sources", "remove", "briefs", "--db", db_url)
    assert code == 0
    code, out, _ = run_cli(capsys, "sources", "list", "--db", db_url)
    assert out.strip() == ""


@pytest.mark.slow
def test_ingest_behind_a_proxy_still_reaches_its_own_prefect_api(
    tmp_path, samples_dir, db_url, capsys, monkeypatch
):
    # An office proxy in the environment (here a dead port) must not come between a run and the Prefect
    # API it starts on 127.0.0.1: httpx, Prefect's client, would otherwise send even loopback to it.
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "intranet.example")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", db_url, "--workers", "1")
    assert code == 0, err
    assert dict(line.split(maxsplit=1) for line in out.strip().splitlines())["new"] == "1"
    assert os.environ["no_proxy"] == os.environ["NO_PROXY"] == "intranet.example,localhost,127.0.0.1,::1"


def test_ingest_nothing_is_one_line_error(tmp_path, db_url, capsys):
    code, out, err = run_cli(capsys, "ingest", str(tmp_path / "missing"), "--db", db_url, "--workers", "1")
    assert code == 2 and out == ""
    assert "nothing to ingest" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "extra",
    [[], ["--dask-address", "tcp://127.0.0.1:9"]],  # a typo'd path; a scheduler that refuses the connection
    ids=["missing-path", "unreachable-scheduler"],
)
def test_a_failed_ingest_leaves_no_store_it_created(extra, tmp_path, capsys):
    store = tmp_path / "new.db"
    code, _, err = run_cli(capsys, "ingest", str(tmp_path / "typo.pdf"), "--db", str(store), *extra)
    assert code == 2 and err.startswith("error: ")
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_file_that_is_no_report_named_alone_is_one_line_error_and_no_store(tmp_path, capsys):
    memo = tmp_path / "scan.png"
    memo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, out, err = run_cli(capsys, "ingest", str(memo), "--db", str(tmp_path / "new.db"))
    assert (code, out) == (2, "")
    reads = "not a report citsec reads (PDF, HTML or text)"
    assert err.strip() == f"error: nothing to ingest: {memo}: {reads}"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["scan.png"]


def test_a_failed_ingest_keeps_a_store_that_was_there_or_that_recorded_a_failure(
    tmp_path, db_url, seed_stand_in, capsys
):
    # The new store has no promoted model: its worker loads the built-in seed model, cached already
    # (seed_stand_in), rather than training it for half a minute and more.
    store = Path(db_url.removeprefix("sqlite:///"))
    assert store.exists()  # the fixture's store: an ingest that finds nothing leaves it as it was
    code, _, _ = run_cli(capsys, "ingest", str(tmp_path / "typo.pdf"), "--db", db_url)
    assert code == 2 and store.exists()

    broken = tmp_path / "trunc.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    fresh = tmp_path / "fresh.db"
    typo = str(tmp_path / "typo.pdf")
    code, _, err = run_cli(
        capsys, "ingest", str(broken), typo, "--db", str(fresh), "--workers", "1", "--no-prefect"
    )
    assert code == 1 and "failed: " in err
    assert fresh.exists()  # it holds the failed report, which the next ingest retries


def test_a_store_another_command_filled_meanwhile_stays(tmp_path):
    # A review: `citsec label import` into the new store while the failing ingest ran lost the label.
    from corpus import Corpus
    from flows.cli.ingest_cmd import removed_if_left_empty

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with pytest.raises(KeyboardInterrupt), removed_if_left_empty(url):
        with Corpus.open(url) as corpus:
            corpus.add_text_labels("Police raided the port.", ["enforcement"], lang="en")
        raise KeyboardInterrupt
    with Corpus.open(url, must_exist=True) as corpus:
        assert corpus.count_labels() == 1


def test_a_store_file_without_a_schema_yet_goes_and_the_first_error_is_the_one_raised(tmp_path):
    # Ctrl-C during the new store's first migration: the interrupt, not "no citsec store in ... yet".
    import sqlite3

    from flows.cli.ingest_cmd import removed_if_left_empty

    path = tmp_path / "half.db"
    with pytest.raises(KeyboardInterrupt), removed_if_left_empty(f"sqlite:///{path}"):
        sqlite3.connect(path).close()
        raise KeyboardInterrupt
    assert not path.exists()


def test_a_missing_source_among_good_ones_fails_the_command_after_the_rest_is_ingested(
    tmp_path, db_url, capsys
):
    good = tmp_path / "brief.txt"
    good.write_text("Mexico deployed the army against the cartels in Sinaloa. " * 5)
    broken = tmp_path / "trunc.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    missing = tmp_path / "typo.pdf"
    code, out, err = run_cli(
        capsys, "ingest", str(good), str(broken), str(missing), "--db", db_url, "--workers", "1",
        "--no-prefect"
    )
    assert code == 1, err  # a script learns that a source it named was not read
    lines = dict(line.split(maxsplit=1) for line in out.strip().splitlines())
    assert lines["new"] == "1" and lines["failed"] == "2"  # one per "failed:" line
    failures = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failures) == 2, err
    assert any(line.startswith(f"failed: {missing}: no such file") for line in failures), failures
    # a report that failed is named by its path, not only by the reason
    assert any(line.startswith(f"failed: {broken}: broken PDF") for line in failures), failures
    assert "Traceback" not in err


def test_unchanged_reports_and_a_missing_source_take_the_shortcut_without_prefect(
    tmp_path, db_url, capsys, monkeypatch
):
    good = tmp_path / "brief.txt"
    good.write_text("Mexico deployed the army against the cartels in Sinaloa. " * 5)
    code, _, err = run_cli(capsys, "ingest", str(good), "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0, err

    def no_prefect(*args, **kwargs):
        raise AssertionError("started Prefect's API for a run with nothing to process")

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr("flows.prefect_api.TemporaryApi.start", no_prefect)
    code, out, err = run_cli(capsys, "ingest", str(good), str(tmp_path / "typo.pdf"), "--db", db_url)
    assert code == 1, err
    lines = dict(line.split(maxsplit=1) for line in out.strip().splitlines())
    assert lines["unchanged"] == "1" and lines["failed"] == "1"


def test_a_reingest_with_nothing_to_do_imports_neither_the_model_nor_the_tagger(tmp_path, db_url, capsys):
    # scikit-learn and spaCy take seconds to import; a re-ingest of unchanged reports (the scheduled case)
    # has no use for them (checking the store's labeling rules once imported the model registry: 4.6 s
    # instead of 2). A new process, as the command is.
    good = tmp_path / "brief.txt"
    good.write_text("Mexico deployed the army against the cartels in Sinaloa. " * 5)
    code, _, err = run_cli(capsys, "ingest", str(good), "--db", db_url, "--workers", "1", "--no-prefect")
    assert code == 0, err
    loaded = tmp_path / "loaded.json"
    probe = (
        "import json, sys\n"
        "from flows.cli import main\n"
        "try:\n"
        f"    main(['ingest', {str(good)!r}, '--db', {db_url!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('sklearn', 'spacy', 'prefect', 'models.registry')\n"
        f"open({str(loaded)!r}, 'w').write(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # no Prefect server configured
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "unchanged  1" in done.stdout
    assert json.loads(loaded.read_text()) == []


def test_a_url_with_another_scheme_is_named_as_typed(db_url, capsys):
    code, out, err = run_cli(capsys, "ingest", "ftp://example.org/report.pdf", "--db", db_url)
    assert code == 2 and out == ""
    assert err.strip() == (
        "error: nothing to ingest: ftp://example.org/report.pdf: unsupported URL scheme 'ftp' "
        "(citsec fetches http and https)"
    )


@pytest.mark.parametrize(
    ("location", "kind", "says"),
    [
        ("http://127.0.0.1:9/r.pdf", "folder", "--kind folder needs a local folder or file, not the URL"),
        ("FOLDER", "feed", "--kind feed needs an http(s) URL, not"),
        ("FOLDER", "url", "--kind url needs an http(s) URL, not"),
        ("ftp://example.org/r.pdf", "auto", "unsupported URL scheme 'ftp' in ftp://example.org/r.pdf"),
    ],
)
def test_sources_add_refuses_a_kind_its_location_cannot_be(location, kind, says, tmp_path, db_url, capsys):
    location = location.replace("FOLDER", str(tmp_path))
    code, out, err = run_cli(capsys, "sources", "add", "s", location, "--kind", kind, "--db", db_url)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {says}") and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("CITSEC_FILE_SECONDS", "ten", "must be a number, not 'ten'"),
        ("CITSEC_FILE_MEMORY_MB", "-5", "must be positive, not '-5'"),
        ("CITSEC_MAX_PAGES", "0", "must be positive, not '0'"),
    ],
)
def test_bad_limit_variable_is_one_line_error(variable, value, says, tmp_path, db_url, capsys, monkeypatch):
    monkeypatch.setenv(variable, value)
    (tmp_path / "a.txt").write_text("Mexico deployed the army against the cartels.")
    code, out, err = run_cli(capsys, "ingest", str(tmp_path / "a.txt"), "--db", db_url, "--workers", "1")
    assert code == 2 and out == ""
    assert f"{variable} {says}" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "address", ["tcp://10.20.0.5:8786", "dask.example.org:8786", "tls://[2001:db8::1]:8786"]
)
def test_remote_dask_without_prefect_server_is_one_line_error(address, tmp_path, db_url, capsys, monkeypatch):
    # The temporary API this run would start listens on loopback: the remote workers could not reach it.
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    (tmp_path / "a.txt").write_text("Mexico deployed the army against the cartels.")
    code, out, err = run_cli(
        capsys, "ingest", str(tmp_path / "a.txt"), "--db", db_url, "--dask-address", address
    )
    assert code == 2 and out == ""
    assert "PREFECT_API_URL" in err and "prefect server start" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("address", "local"),
    [("tcp://127.0.0.1:8786", True), ("localhost:8786", True), ("tcp://[::1]:8786", True),
     ("inproc://10.0.0.1/1/2", True), ("tcp://10.20.0.5:8786", False), ("tcp://scheduler:8786", False)],
)  # fmt: skip
def test_dask_address_on_this_machine(address, local):
    from flows.cli.ingest_cmd import is_loopback

    assert is_loopback(address) is local


def test_sources_add_errors(tmp_path, db_url, capsys):
    code, _, err = run_cli(capsys, "sources", "add", "x", str(tmp_path / "nope"), "--db", db_url)
    assert code == 2 and "no such file or folder" in err
    feed = "https://h.test/f.xml"
    code, _, err = run_cli(capsys, "sources", "add", "x", feed, "--kind", "rss", "--db", db_url)
    assert code == 2 and "--kind" in err
    run_cli(capsys, "sources", "add", "x", "https://h.test/f.xml", "--kind", "feed", "--db", db_url)
    code, _, err = run_cli(capsys, "sources", "add", "x", "https://h.test/g.xml", "--db", db_url)
    assert code == 2 and "already exists" in err


def test_schedule_refuses_without_prefect_server(tmp_path, db_url, capsys, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    code, _, err = run_cli(capsys, "schedule", str(tmp_path), "--interval", "60", "--db", db_url)
    assert code == 2 and "prefect server start" in err and "PREFECT_API_URL" in err
    assert len(err.strip().splitlines()) <= 2  # one line (Rich may wrap a long line once)


def test_schedule_checks_its_options(tmp_path, db_url, capsys, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    code, _, err = run_cli(capsys, "schedule", str(tmp_path), "--db", db_url)
    assert code == 2 and "exactly one of --cron" in err
    code, _, err = run_cli(capsys, "schedule", str(tmp_path), "--cron", "every day", "--db", db_url)
    assert code == 2 and "not a cron expression" in err


def test_schedule_paths_made_absolute(tmp_path, monkeypatch):
    from flows.schedule import absolute_db_url, absolute_sources

    monkeypatch.chdir(tmp_path)
    Path("reports").mkdir()
    assert absolute_sources(["reports", "https://x.test/f.xml", "named"]) == [
        str(tmp_path / "reports"), "https://x.test/f.xml", "named"
    ]
    assert absolute_db_url("citsec.db") == f"sqlite:///{tmp_path / 'citsec.db'}"
    assert absolute_db_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_runs_lists_what_each_ingest_run_did(tmp_path, samples_dir, db_url, capsys, monkeypatch):
    import json

    from corpus import Corpus
    from flows.cli.output import out_console

    monkeypatch.setattr(out_console, "width", 240)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "honduras_state_of_exception_en.html", folder / "h.html")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    missing = str(tmp_path / "gone.pdf")  # a SOURCE that yields no report: one "failed:" line too
    ingest = ["ingest", str(folder), missing, "--db", db_url, "--workers", "1", "--no-prefect"]
    code, out, err = run_cli(capsys, *ingest)
    assert code == 1, err
    summary = dict(line.split() for line in out.splitlines()[:3])
    # No progress bar where stderr is no terminal: a line for each report that took work (not the failed
    # one: it has its "failed:" line).
    progress = [line for line in err.splitlines() if line.startswith("ingest ")]
    assert [line.split(": ", 1)[1] for line in progress] == [f"new {folder / 'h.html'} (1 page, 4 passages)"]
    assert progress[0].split(":")[0] in {"ingest 1/2", "ingest 2/2"}
    with Corpus.open(db_url) as corpus:  # two runs as the store records them: Ctrl-C, and one killed
        stopped = corpus.start_ingest_run("cli")
        corpus.finish_ingest_run(stopped, {"new": 2, "passages": 9}, ["run stopped: interrupted (Ctrl-C)"])
        corpus.start_ingest_run("schedule")

    code, out, err = run_cli(capsys, "runs", "--db", db_url, "--format", "json")
    assert code == 0, err
    runs = json.loads(out)
    assert [(r["trigger"], r["status"]) for r in runs] == [
        ("schedule", "unfinished"), ("cli", "interrupted"), ("cli", "finished")
    ]
    first = runs[-1]
    # failed counts what the run's summary counted: the broken PDF and the missing path, one per error
    assert (first["new"], first["reread"], first["unchanged"], first["failed"]) == (1, 0, 0, 2)
    assert summary == {"new": "1", "unchanged": "0", "failed": "2"}
    assert first["passages"] > 0 and first["seconds"] >= 0 and runs[0]["seconds"] is None
    assert [e.split(":")[0].rsplit("/", 1)[-1] for e in first["errors"]] == ["gone.pdf", "broken.pdf"]

    code, out, _ = run_cli(capsys, "runs", "--db", db_url, "-n", "2")
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 2 and "unfinished" in rows[0] and "interrupted" in rows[1]
    code, _, err = run_cli(capsys, "runs", "--db", str(tmp_path / "none.db"))
    assert code != 0 and "Traceback" not in err


def test_the_replaced_note_counts_versions_and_the_labels_that_came_over():
    from flows.cli.ingest_cmd import replaced_note

    assert replaced_note(1, 0) == (
        "note: 1 of the new reports replaces an older version at the same path or URL "
        "(`citsec reports --all` lists both)"
    )
    assert replaced_note(2, 3).startswith("note: 2 of the new reports replace older versions at the same")
    assert replaced_note(2, 3).endswith(
        "; 3 labels of the older passages came over to passages with the same or nearly the same words"
    )
    assert "; 1 label of the older passages came over" in replaced_note(1, 1)


def test_the_summary_counts_replaced_versions_and_their_carried_labels():
    from corpus import NewReport
    from flows.pipeline import Outcome
    from flows.run import IngestSummary

    summary = IngestSummary(run_id=1)
    report = NewReport(uri="file:///a.pdf", sha256="1" * 64)
    summary.add(Outcome("file:///a.pdf", "new", report=report, replaced=True, labels_carried=2))
    summary.add(Outcome("file:///b.pdf", "new", report=report))
    assert (summary.new, summary.replaced, summary.labels_carried) == (2, 1, 2)
