"""Encrypted PDFs and a registered source's password: `citsec sources add NAME DIR --password-env VAR`
stores the variable's name (never the password); ingest reads the variable at run start and opens the
source's encrypted PDFs with it; an unset variable or a wrong password is one failed-report line, and the
next run with the right password stores the report."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_runner import run_cli
from import_watch import summary_lines, watching_imports
from loopback import serving
from reliability_env import REPO, child_env
from sqlalchemy import update

from corpus import Corpus
from corpus.schema import Report
from extractors import ExtractionError, extract_bytes

PASSWORD = "s3cret"
SENTENCES = [
    "Colombia expanded community policing in Medellin and invested in youth programs in poor districts.",
    "The government of Mexico deployed the army against the drug cartels and arrested their leaders.",
    "Guatemala and the United States signed an agreement to train border police and share intelligence.",
]


def encrypted_pdf(path: Path, password: str = PASSWORD) -> Path:
    """A one-page text PDF encrypted (RC4) with a user password."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption(password, canPrint=1))
    text = pdf.beginText(72, 720)
    for sentence in SENTENCES:
        for start in range(0, len(sentence), 80):  # keep lines inside the page
            text.textLine(sentence[start : start + 80])
        text.textLine("")
    pdf.drawText(text)
    pdf.save()
    return path


def test_extract_bytes_opens_an_encrypted_pdf_with_its_password(tmp_path: Path) -> None:
    data = encrypted_pdf(tmp_path / "enc.pdf").read_bytes()
    document = extract_bytes(data, "enc.pdf", password=PASSWORD)
    assert "community policing" in document.text and "Guatemala" in document.text
    assert document.passages

    with pytest.raises(ExtractionError, match="encrypted") as missing:
        extract_bytes(data, "enc.pdf")
    assert "password required" in str(missing.value) and "\n" not in str(missing.value)
    with pytest.raises(ExtractionError, match="wrong password"):
        extract_bytes(data, "enc.pdf", password="not-it")


def _run(citsec, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(citsec(*args), cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _report(db_url: str, capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, err = run_cli(capsys, "reports", "--db", db_url, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.slow
def test_registered_source_password_env_opens_its_encrypted_pdfs(
    tmp_path, db_url, citsec, capsys, monkeypatch
):
    # Each command as typed. The ingests run in a child process whose environment holds the variable or
    # not; the other commands in this process (a child would spend a second on imports), the variable
    # set while `sources list` runs.
    folder = tmp_path / "enc"
    folder.mkdir()
    encrypted_pdf(folder / "ministry.pdf")
    env = child_env(tmp_path)
    env.pop("CITSEC_TEST_PW", None)
    monkeypatch.delenv("CITSEC_TEST_PW", raising=False)

    code, added, err = run_cli(
        capsys, "sources", "add", "enc", str(folder), "--password-env", "CITSEC_TEST_PW", "--db", db_url
    )
    assert code == 0, err
    monkeypatch.setenv("CITSEC_TEST_PW", PASSWORD)
    code, listed, err = run_cli(capsys, "sources", "list", "--db", db_url, "--json")
    monkeypatch.delenv("CITSEC_TEST_PW")
    assert code == 0 and json.loads(listed)["password_env"] == "CITSEC_TEST_PW", err
    assert PASSWORD not in listed and PASSWORD not in added

    # Without Prefect: the worker reads the variable the same way on either path (the next run takes
    # Prefect's).
    unset = _run(citsec, env, "ingest", "enc", "--db", db_url, "--workers", "1", "--no-prefect")
    assert unset.returncode == 0, unset.stderr
    row = _report(db_url, capsys)
    assert row["status"] == "failed" and "CITSEC_TEST_PW" in row["error"] and "not set" in row["error"], row
    assert "\n" not in row["error"]

    # With the variable set, the same (unchanged) file is extracted now, not skipped as a known failure.
    # Through Prefect, as `citsec ingest` runs by default: the one test of a password on that path.
    done = _run(
        citsec, {**env, "CITSEC_TEST_PW": PASSWORD}, "ingest", "enc", "--db", db_url, "--workers", "1"
    )
    assert done.returncode == 0, done.stderr
    row = _report(db_url, capsys)
    assert row["status"] == "ok" and row["passages"] > 0 and row["error"] is None, row
    code, passages, err = run_cli(
        capsys, "passages", "--report", str(row["id"]), "--db", db_url, "--format", "json"
    )
    assert code == 0 and "community policing" in " ".join(p["text"] for p in json.loads(passages)), err


def test_source_stores_the_variable_name_not_a_password(tmp_path: Path) -> None:
    from corpus import Corpus, CorpusError

    with Corpus.open(f"sqlite:///{tmp_path / 'store.db'}") as corpus:
        row = corpus.add_source("enc", str(tmp_path), "folder", password_env="CITSEC_TEST_PW")
        assert row.password_env == "CITSEC_TEST_PW" and corpus.source("enc") == row
        assert corpus.add_source("plain", str(tmp_path), "folder").password_env is None
        with pytest.raises(CorpusError, match="not an environment variable name"):
            corpus.add_source("bad", str(tmp_path), "folder", password_env="s3cret password!")


def test_encrypted_pdf_failed_before_its_source_had_a_password_is_retried(tmp_path, db_url, monkeypatch):
    from corpus import Corpus
    from flows.run import ingest_local

    folder = tmp_path / "inbox"
    folder.mkdir()
    encrypted_pdf(folder / "ministry.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a PDF\n")
    monkeypatch.setenv("CITSEC_TEST_PW", PASSWORD)

    first = ingest_local([str(folder)], db_url=db_url, workers=1)  # not a registered source: no password
    assert (first.new, first.failed) == (0, 2), first.errors
    with Corpus.open(db_url) as corpus:
        errors = sorted(row.error or "" for row in corpus.reports())
        assert "PDF is encrypted (password required)" in errors
        corpus.add_source("inbox", str(folder), "folder", password_env="CITSEC_TEST_PW")

    # The source has a password now: the unchanged encrypted file is extracted; the broken one is not.
    second = ingest_local(["inbox"], db_url=db_url, workers=1)
    assert (second.new, second.failed, second.unchanged) == (1, 0, 1), second.errors
    with Corpus.open(db_url) as corpus:
        rows = {Path(row.uri).name: row for row in corpus.reports()}
    assert rows["ministry.pdf"].status == "ok" and rows["ministry.pdf"].passages > 0
    assert rows["broken.pdf"].status == "failed"
    third = ingest_local(["inbox"], db_url=db_url, workers=1)
    assert (third.new, third.failed, third.unchanged) == (0, 0, 2), third.errors


@pytest.mark.slow
def test_encrypted_pdf_that_failed_with_a_wrong_password_is_retried_with_the_corrected_one(
    tmp_path, db_url, monkeypatch
):
    from corpus import Corpus
    from flows.run import ingest_local

    folder = tmp_path / "inbox"
    folder.mkdir()
    encrypted_pdf(folder / "ministry.pdf")
    with Corpus.open(db_url) as corpus:
        corpus.add_source("inbox", str(folder), "folder", password_env="CITSEC_TEST_PW")
    monkeypatch.setenv("CITSEC_TEST_PW", "a typo")
    first = ingest_local(["inbox"], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (0, 1) and "wrong password" in " ".join(first.errors)
    again = ingest_local(["inbox"], db_url=db_url, workers=1)  # still wrong: tried again, still failed
    assert (again.new, again.failed) == (0, 1), again.errors

    monkeypatch.setenv("CITSEC_TEST_PW", PASSWORD)  # same variable, corrected value, same file
    fixed = ingest_local(["inbox"], db_url=db_url, workers=1)
    assert (fixed.new, fixed.failed) == (1, 0), fixed.errors
    with Corpus.open(db_url) as corpus:
        (row,) = corpus.reports()
    assert row.status == "ok" and row.passages > 0
    assert ingest_local(["inbox"], db_url=db_url, workers=1).unchanged == 1


def test_remote_encrypted_pdf_is_fetched_again_when_its_source_gets_a_password(tmp_path, db_url, monkeypatch):
    # The server answers the conditional GET with 304; the bytes it sent last time failed for want of
    # the password, so they are fetched again in full.
    from http.server import BaseHTTPRequestHandler

    from corpus import Corpus
    from flows.fetch import FetchPolicy
    from flows.run import ingest_local

    data = encrypted_pdf(tmp_path / "remote.pdf").read_bytes()
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.headers.get("If-None-Match"))
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    policy = FetchPolicy(timeout=2.0, attempts=1, backoff=0.01)
    monkeypatch.setenv("CITSEC_TEST_PW", PASSWORD)
    with serving(Handler) as base:
        url = f"{base}/ministry.pdf"
        first = ingest_local([url], db_url=db_url, workers=1, fetch_policy=policy)
        assert (first.new, first.failed) == (0, 1), first.errors
        again = ingest_local([url], db_url=db_url, workers=1, fetch_policy=policy)  # validators remembered
        assert (again.unchanged, again.failed) == (1, 0), again.errors
        with Corpus.open(db_url) as corpus:
            corpus.add_source("ministry", url, "url", password_env="CITSEC_TEST_PW")
        second = ingest_local(["ministry"], db_url=db_url, workers=1, fetch_policy=policy)
        assert (second.new, second.failed) == (1, 0), second.errors
    # The first fetch failed, its validators remembered all the same: the second run asks conditionally
    # and finds it unchanged; with the password, the 304 is followed by a full fetch.
    assert seen == [None, '"v1"', '"v1"', None]


def test_a_reading_by_older_extractors_stays_while_the_password_is_unset(tmp_path, db_url, monkeypatch):
    """After an upgrade, an encrypted report read before cannot be read again without its password: its
    old reading stays and the run counts it unchanged (not a failed row next to it), until the password
    is back."""
    from sqlalchemy import update

    from corpus import Corpus
    from corpus.schema import Report
    from flows.run import ingest_local

    folder = tmp_path / "inbox"
    folder.mkdir()
    encrypted_pdf(folder / "ministry.pdf")
    monkeypatch.setenv("CITSEC_TEST_PW", PASSWORD)
    with Corpus.open(db_url) as corpus:
        corpus.add_source("inbox", str(folder), "folder", password_env="CITSEC_TEST_PW")
    assert ingest_local(["inbox"], db_url=db_url, workers=1).new == 1
    with Corpus.open(db_url) as corpus, corpus.engine.begin() as conn:
        conn.execute(update(Report).values(extractor_version="0.9"))  # as an older release stored it

    monkeypatch.delenv("CITSEC_TEST_PW")
    unset = ingest_local(["inbox"], db_url=db_url, workers=1)
    assert (unset.new, unset.reread, unset.unchanged, unset.failed) == (0, 0, 1, 0), unset.errors
    with Corpus.open(db_url) as corpus:
        assert [(r.status, r.extractor_version) for r in corpus.reports()] == [("ok", "0.9")]

    monkeypatch.setenv("CITSEC_TEST_PW", PASSWORD)
    back = ingest_local(["inbox"], db_url=db_url, workers=1)
    assert (back.new, back.reread, back.unchanged, back.failed) == (0, 1, 0, 0), back.errors


def test_an_unset_password_is_settled_without_a_worker(tmp_path, db_url, citsec):
    # A report of a source whose variable is unset fails (nothing stored yet) or keeps its older reading:
    # the run's plan settles both, as a worker would, so no worker host loads spaCy and the model for it.
    folder = tmp_path / "enc"
    folder.mkdir()
    encrypted_pdf(folder / "ministry.pdf")
    with Corpus.open(db_url) as corpus:
        corpus.add_source("enc", str(folder), "folder", password_env="CITSEC_TEST_PW")
    unset = child_env(tmp_path)
    unset.pop("CITSEC_TEST_PW", None)
    env, imports = watching_imports(tmp_path, ("spacy", "sklearn"), **unset)

    done = _run(citsec, env, "ingest", "enc", "--db", db_url, "--workers", "1", "--no-prefect")
    assert done.returncode == 0 and summary_lines(done.stdout)["failed"] == "1", done.stderr
    assert imports.read_text() == "", "a report that cannot be opened started a worker host"
    with Corpus.open(db_url) as corpus:
        [row] = corpus.reports()
    assert row.status == "failed" and "CITSEC_TEST_PW" in (row.error or "")

    done = _run(citsec, {**env, "CITSEC_TEST_PW": PASSWORD}, "ingest", "enc", "--db", db_url, "--no-prefect")
    assert done.returncode == 0 and summary_lines(done.stdout)["new"] == "1", done.stderr
    # As an older citsec's extractors would have left it.
    with Corpus.open(db_url) as corpus, corpus.engine.begin() as conn:
        conn.execute(update(Report).values(extractor_version="0.1"))
    imports.write_text("")
    done = _run(citsec, env, "ingest", "enc", "--db", db_url, "--workers", "1", "--no-prefect")
    assert done.returncode == 0 and summary_lines(done.stdout)["unchanged"] == "1", done.stdout
    assert imports.read_text() == "", "an older reading kept for want of the password started a worker host"
