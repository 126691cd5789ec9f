"""Files in a folder that are not reports citsec reads (a Word document, a spreadsheet, code) are not
ingested, and the ingest command says how many and of which kinds (a user review: a ministry's .docx was
passed over without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run_cli

from flows.run import ingest_local


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "annex").mkdir(parents=True)
    (folder / "notes.txt").write_text("Police patrols in the port were doubled after the shooting.\n")
    (folder / "memo.docx").write_bytes(b"PK\x03\x04 a Word document")
    (folder / "annex" / "seizures.csv").write_text("year,kg\n2020,310\n")
    (folder / "README").write_text("what is in this folder\n")
    (folder / ".hidden.docx").write_bytes(b"PK\x03\x04")  # hidden: neither read nor counted
    return folder


def test_the_summary_lists_the_files_not_read(folder: Path, db_url: str) -> None:
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (summary.new, summary.failed) == (1, 0)
    assert sorted(Path(path).name for path in summary.skipped) == ["README", "memo.docx", "seizures.csv"]


def test_the_ingest_command_says_how_many_files_it_did_not_read(
    folder: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", db_url, "--no-prefect", "-w", "1")
    assert code == 0 and "new        1" in out
    said = "note: 3 files in the folders were not read (not PDF, HTML or .txt/.md text: .csv, .docx, no "
    said += "extension)"
    assert said in err
