"""One pdfplumber page to its light-weight layout (lines in reading order, tables, how much text it has),
so the page's heavy objects can be released before the next page is read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors.pdf.columns import find_gutters, rows_to_lines
from extractors.pdf.lines import Line, words_to_rows
from extractors.pdf.reader import read_page
from extractors.pdf.tables import Table, find_tables, outside_tables
from extractors.pdf.words import Word, attach_drop_caps, chars_to_words

MIN_LETTERS = 10  # fewer letters than this (a page number, a logo's initials) means no text layer


@dataclass(frozen=True)
class PageLayout:
    """What extraction keeps of a page: 1-based number, size, lines in reading order, tables."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    tables: tuple[Table, ...]
    letters: int
    has_graphics: bool

    @property
    def image_only(self) -> bool:
        """A page drawn as an image (or outlines) with no text layer to speak of."""
        return self.letters < MIN_LETTERS and self.has_graphics


def body_size_of(words: list[Word]) -> float:
    weights: dict[float, int] = {}
    for w in words:
        weights[round(w.size, 1)] = weights.get(round(w.size, 1), 0) + len(w.text)
    return max(weights, key=lambda k: weights[k]) if weights else 10.0


def compact_line(line: Line) -> Line:
    """The line as one word-sized record: later steps need its text and box, not each word, and a
    1,000-page report should not keep a million word objects alive."""
    if len(line.words) == 1:
        return line
    merged = Word(line.text, line.x0, line.x1, line.top, line.bottom, line.size, line.bold, line.noted)
    return Line((merged,), line.column, line.section)


def page_to_layout(page: Any, number: int) -> PageLayout:
    """Read one pdfplumber page: chars to words, tables out, rows, columns, lines in reading order."""
    width, height = float(page.width), float(page.height)
    x_min, top_min = float(page.bbox[0]), float(page.bbox[1])
    content = read_page(page)
    words = [
        w
        for w in chars_to_words(content.chars)
        if x_min - 1 <= w.x0
        and w.x1 <= x_min + width + 1
        and top_min - 1 <= w.top
        and w.bottom <= top_min + height + 1
    ]
    words = attach_drop_caps(words)
    letters = sum(ch.isalpha() for w in words for ch in w.text)
    tables = find_tables(page, content, words) if words else []
    running = outside_tables(words, tables)
    rows = words_to_rows(running)
    body_size = body_size_of(running)
    gutters = find_gutters(rows, body_size)
    lines = [compact_line(ln) for ln in rows_to_lines(rows, gutters, body_size)]
    return PageLayout(number, width, height, tuple(lines), tuple(tables), letters, content.has_graphics)
