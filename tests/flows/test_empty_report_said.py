"""A PDF in which extraction finds no text (blank pages, an image-only scan OCR cannot read) is stored as
"empty" and counted as new; the ingest command says so on stderr, as it says what failed.

A review: `citsec ingest scans/` printed "new 1, failed 0, passages 0" and nothing else: the report was
in the store with nothing to query, and only `citsec reports` told why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli
from import_watch import summary_lines, watching_imports
from reportlab.pdfgen import canvas

from corpus import Corpus
from flows.run import ingest_local


def _blank_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path))
    pdf.showPage()
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _blank_pdf(folder / "blank.pdf")
    (folder / "notes.txt").write_text("Police patrols in the port were doubled after the shooting.\n")
    return folder


def test_a_report_without_text_is_new_and_said(folder: Path, db_url: str) -> None:
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (summary.new, summary.failed) == (2, 0)
    assert summary.empty == [f"{folder / 'blank.pdf'}: no text found in PDF"]


def test_the_ingest_command_says_which_new_reports_have_no_text(
    folder: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", db_url, "--no-prefect", "-w", "1")
    assert code == 0 and "new        2" in out and "failed     0" in out
    said = [line for line in err.splitlines() if line.startswith("no text:")]
    assert said == [f"no text: {folder / 'blank.pdf'}: no text found in PDF"]  # only the empty one


def test_a_failed_line_names_the_report_once(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A user review: "failed: /x/empty.pdf: empty file: /x/empty.pdf".
    (tmp_path / "empty.pdf").write_bytes(b"")
    code, _, err = run_cli(capsys, "ingest", str(tmp_path / "empty.pdf"), "--db", db_url, "--no-prefect")
    assert code == 0
    assert [line for line in err.splitlines() if line.startswith("failed:")] == [
        f"failed: {tmp_path / 'empty.pdf'}: empty file"
    ]


def test_a_blank_file_fails_without_a_worker_host_or_prefect(tmp_path: Path, db_url: str) -> None:
    # A user review: `citsec ingest empty.txt` took 13 s (Prefect's start-up, the worker host loading spaCy
    # and the model) to say "empty file", which reading its bytes tells at once.
    (tmp_path / "empty.txt").write_bytes(b" \n\n ")
    env, imports = watching_imports(tmp_path, ("spacy", "sklearn", "prefect"))
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "flows", "ingest", str(tmp_path / "empty.txt"), "--db", db_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"failed: {tmp_path / 'empty.txt'}: empty file"
    assert summary_lines(done.stdout)["failed"] == "1"
    assert imports.read_text() == ""
    with Corpus.open(db_url) as corpus:
        row = corpus.report_by_uri(str(tmp_path / "empty.txt"))
    assert row is not None and (row.status, row.error) == ("failed", f"empty file: {tmp_path / 'empty.txt'}")
