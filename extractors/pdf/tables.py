"""Ruled tables: found with pdfplumber's table finder, filled from our own words so they read cleanly,
and kept out of the running text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extractors.pdf.lines import words_to_rows
from extractors.pdf.reader import PageContent, page_tables
from extractors.pdf.words import Word

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Table:
    """A table's box and its text, one line per row, cells separated by " | "."""

    bbox: Box
    text: str


# A table whose cells miss more than this share of the words in its box is ruled only in part (a
# municipality per unruled row between ruled totals): its cells would lose those rows, so it is read
# row by row, whole, instead.
MAX_LOOSE_SHARE = 0.1


def find_tables(page: Any, content: PageContent, words: Sequence[Word]) -> list[Table]:
    """Ruled tables on a pdfplumber page, with at least 2 rows and 2 columns of short cells."""
    tables = []
    for found in page_tables(page, content):
        rows = [row.cells for row in found.rows]
        if len(rows) < 2 or max((sum(c is not None for c in r) for r in rows), default=0) < 2:
            continue
        inside = [w for w in words if _inside(w, found.bbox)]
        cells = [c for r in rows for c in r if c is not None]
        loose = sum(1 for w in inside if not any(_inside(w, cell) for cell in cells))
        if inside and loose / len(inside) > MAX_LOOSE_SHARE:
            text = "\n".join(" ".join(w.text for w in row) for row in words_to_rows(inside))
            tables.append(Table(tuple(found.bbox), text))
            continue
        lines = []
        cell_words: list[int] = []
        for cells in rows:
            texts = [_cell_text(words, c) for c in cells if c is not None]
            cell_words.extend(len(t.split()) for t in texts)
            if any(texts):
                lines.append(" | ".join(texts))
        # A box drawn around a paragraph or two is a frame, not a table.
        if not lines or sum(cell_words) / max(1, len(cell_words)) > 30:
            continue
        tables.append(Table(tuple(found.bbox), "\n".join(lines)))
    return tables


def _cell_text(words: Sequence[Word], bbox: Box) -> str:
    x0, top, x1, bottom = bbox
    inside = [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
    inside.sort(key=lambda w: (round(w.bottom), w.x0))
    return " ".join(w.text for w in inside)


def outside_tables(words: Sequence[Word], tables: Sequence[Table]) -> list[Word]:
    """The words that are not inside any of the tables."""
    if not tables:
        return list(words)
    return [w for w in words if not any(_inside(w, t.bbox) for t in tables)]


def _inside(w: Word, bbox: Box) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom
