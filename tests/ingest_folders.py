"""For tests that run an ingest in a child process: a folder of distinct sample PDFs, and a count read from
the SQLite store the child is writing (to act on it mid-run)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sample_copies(samples_dir: Path, folder: Path, copies: int, pattern: str = "*.pdf") -> int:
    """`copies` distinct reports of each PDF of `samples_dir` matching `pattern` in a new `folder`; returns
    how many were written."""
    folder.mkdir()
    count = 0
    for pdf in sorted(samples_dir.glob(pattern)):
        for copy in range(copies):
            # Bytes after %%EOF are ignored by PDF readers but change the sha256: a distinct report.
            (folder / f"{pdf.stem}-{copy}.pdf").write_bytes(pdf.read_bytes() + f"\n% copy {copy}\n".encode())
            count += 1
    return count


def count_rows(db_path: Path, rows: str) -> int:
    """`select count(*) from {rows}` on the store file read-only; 0 while it is not there yet or busy."""
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute(f"select count(*) from {rows}").fetchone()[0])  # noqa: S608 (tests' own)
    except sqlite3.Error:
        return 0
