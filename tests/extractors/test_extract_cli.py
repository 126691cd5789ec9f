"""`citsec extract PATH [--json]` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extract_pdfgen import HEADER, two_column_report

REPO = Path(__file__).resolve().parents[2]


def _citsec(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from flows.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_extract_json_is_exactly_the_design_object(tmp_path: Path) -> None:
    path = two_column_report(tmp_path / "report.pdf", pages=3)
    result = _citsec("extract", str(path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    # DESIGN.md's fields, then two the table showed and JSON did not (a journalist's review).
    design = ["path", "sha256", "pages", "language", "title", "passages", "warnings"]
    assert list(doc) == [*design, "published", "author"]
    assert (doc["path"], doc["pages"], doc["language"]) == (str(path), 3, "en")
    assert len(doc["sha256"]) == 64 and doc["warnings"] == []
    assert doc["title"] == "Local Answers to Organized Crime"
    assert all(list(p) == ["seq", "page_start", "page_end", "text"] for p in doc["passages"])
    assert [p["seq"] for p in doc["passages"]] == list(range(len(doc["passages"])))
    assert doc["passages"][0]["page_start"] == 1 and doc["passages"][-1]["page_end"] == 3
    assert HEADER not in result.stdout


def test_extract_human_output_summarises(tmp_path: Path) -> None:
    path = two_column_report(tmp_path / "report.pdf")
    result = _citsec("extract", str(path))
    assert result.returncode == 0, result.stderr
    assert "Local Answers to Organized Crime" in result.stdout
    assert "running header" in result.stdout and "#0 p. 1" in result.stdout


def test_extract_counts_the_passages_of_reference_lists() -> None:
    sample = REPO / "corpus" / "samples" / "beyond_mano_dura_northern_triangle_en.pdf"
    result = _citsec("extract", str(sample))
    assert result.returncode == 0, result.stderr
    assert "(0 tables, 1 in reference lists)" in result.stdout


def test_extract_bad_path_is_one_line_error(tmp_path: Path) -> None:
    result = _citsec("extract", str(tmp_path / "nope.pdf"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_of_a_url_says_so_and_shows_the_url_as_typed() -> None:
    result = _citsec("extract", "http://127.0.0.1:9/report.pdf")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: extract reads a local file, not the URL http://127.0.0.1:9/report.pdf "
        "(citsec ingest fetches URLs)"
    )


def test_extract_broken_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really a pdf")
    result = _citsec("extract", str(path), "--json")
    assert result.returncode == 2 and result.stdout == ""
    assert "broken PDF" in result.stderr and "Traceback" not in result.stderr
