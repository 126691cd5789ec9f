"""A re-ingest of a folder whose broken files failed before: the summary's "failed 0" is this run's, and a
note says which of the unchanged reports failed before and were not tried again.

A review: after `citsec ingest reports/` failed on two broken PDFs, running it again printed "unchanged 3,
failed 0", as if the broken files had been read this time."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run_cli
from reportlab.pdfgen import canvas

from corpus import Corpus
from flows.run import ingest_local

NOTE = "note: 2 of the unchanged reports failed before and were not tried again"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("Police patrols in the port were doubled after the shooting.\n")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4\nnot a PDF at all")
    (folder / "worse.pdf").write_bytes(b"%PDF-1.7 broken too")
    return folder


def _text_pdf(path: Path, text: str) -> None:
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, text)
    pdf.save()


@pytest.mark.slow
def test_the_summary_counts_unchanged_reports_that_failed_before(folder: Path, db_url: str) -> None:
    # A copy of a broken file in the same run: its bytes fail in this run, not before it.
    (folder / "bad-copy.pdf").write_bytes((folder / "bad.pdf").read_bytes())
    first = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (first.new, first.failed, first.unchanged, first.failed_before) == (1, 2, 1, 0)
    # Reports, not contents: the two copies are two reports that failed before.
    again = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (again.new, again.unchanged, again.failed, again.failed_before) == (0, 4, 0, 3)
    (folder / "worse.pdf").unlink()  # gone from the folder: not this run's report, whatever the store holds
    # bad.pdf mended: its new version supersedes the failed one, whose bytes the copy still holds.
    _text_pdf(folder / "bad.pdf", "Soldiers patrol the border crossing at Tecun Uman.")
    mended = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (mended.new, mended.unchanged, mended.failed_before) == (1, 2, 1)


def test_the_ingest_command_says_which_unchanged_reports_failed_before(
    folder: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", db_url, "--no-prefect", "-w", "1")
    assert code == 0 and "failed     2" in out and "failed before" not in err
    code, out, err = run_cli(capsys, "ingest", str(folder), "--db", db_url, "-w", "1")  # no worker needed
    assert code == 0 and "unchanged  3" in out and "failed     0" in out
    assert NOTE in err and "`citsec reports` says why" in err


def test_a_copy_of_failed_bytes_is_unchanged_however_the_workers_raced(db_url: str) -> None:
    # The CI saw "failed 3, unchanged 0" where a quiet run gave "failed 2, unchanged 1": a worker that read
    # the copy before the first failure was stored failed it too. The store now counts it as good copies
    # are counted, whichever came first; a failure for want of a password is recorded again.
    from flows.pipeline import FAILED, PASSWORD_REQUIRED, UNCHANGED, Outcome
    from flows.run import store_or_fail

    with Corpus.open(db_url) as corpus:
        first = store_or_fail(corpus, Outcome("file:///a.pdf", FAILED, "a" * 64, error="broken PDF"))
        copy = store_or_fail(corpus, Outcome("file:///b.pdf", FAILED, "a" * 64, error="broken PDF"))
        assert (first.status, copy.status, copy.error) == (FAILED, UNCHANGED, None)
        locked = store_or_fail(corpus, Outcome("file:///c.pdf", FAILED, "c" * 64, error=PASSWORD_REQUIRED))
        again = store_or_fail(corpus, Outcome("file:///c.pdf", FAILED, "c" * 64, error=PASSWORD_REQUIRED))
        assert (locked.status, again.status) == (FAILED, FAILED)


def test_a_damaged_store_fails_the_run_not_the_report(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A review: a store whose file is damaged ("database disk image is malformed") recorded each report
    # it could not write as failed, and later runs skipped them as done.
    from sqlalchemy.exc import DatabaseError

    import flows.run
    from corpus import CorpusError
    from flows.pipeline import NEW, Outcome
    from flows.run import store_or_fail

    store_outcome = flows.run.store_outcome

    def damaged(corpus: Corpus, outcome: Outcome) -> int | None:
        if outcome.status != NEW:  # the failed row it would record instead: written
            return store_outcome(corpus, outcome)
        cause = DatabaseError("INSERT", {}, Exception("database disk image is malformed"))
        raise CorpusError("database error: database disk image is malformed") from cause

    monkeypatch.setattr(flows.run, "store_outcome", damaged)
    with Corpus.open(db_url) as corpus:
        with pytest.raises(CorpusError, match="malformed"):
            store_or_fail(corpus, Outcome("file:///a.pdf", NEW, "a" * 64))
        monkeypatch.undo()
        assert list(corpus.reports(include_superseded=True)) == []
