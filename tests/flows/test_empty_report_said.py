"""A PDF in which extraction finds no text (blank pages, an image-only scan OCR cannot read) is stored as
"empty" and counted as new; the ingest command says so on stderr, as it says what failed.

A review: `citsec ingest scans/` printed "new 1, failed 0, passages 0" and nothing else: the report was
in the store with nothing to query, and only `citsec reports` told why."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run_cli
from reportlab.pdfgen import canvas

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
