"""Words to rows (everything on one baseline across the page) and rows to lines; footnote markers
raised above the baseline are folded into their row and dropped."""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.pdf.words import Word

_MARKER = re.compile(r"^[\d*†‡§,]+$")


@dataclass(frozen=True, slots=True)
class Line:
    """A line of text in one column (or across the page), words left to right."""

    words: tuple[Word, ...]
    column: int = 0  # 0 for a full-width line, else 1-based column in its section
    section: int = 0  # index of the page section (columns share one, full-width lines have their own)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        """The size most of the line's letters are set in."""
        sizes: dict[float, int] = {}
        for w in self.words:
            key = round(w.size, 1)
            sizes[key] = sizes.get(key, 0) + len(w.text)
        return max(sizes, key=lambda k: sizes[k])

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)

    @property
    def noted(self) -> bool:
        """Whether the line began with a raised note number (dropped from its text): a footnote's first
        line."""
        return self.words[0].noted


def words_to_rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped by baseline (top to bottom), each row sorted left to right.

    A row starts at its first word's baseline and takes words within a third of the size of it, so rows
    never chain down the page. Small raised words (footnote markers) join the row they sit in.
    """
    rows: list[list[Word]] = []
    anchor = 0.0
    for word in sorted(words, key=lambda w: (round(w.bottom, 1), w.x0)):
        if rows and word.bottom - anchor <= 0.33 * word.size:
            rows[-1].append(word)
        else:
            rows.append([word])
            anchor = word.bottom
    rows = _fold_raised(rows)
    return [unspace_letters(sorted(r, key=lambda w: w.x0)) for r in rows]


def unspace_letters(row: list[Word]) -> list[Word]:
    """Letter-spaced text ("B r a s í l i a , j a n e i r o") back to words: within a run of one-letter
    words set close together, the wider gaps are the word spaces."""
    out: list[Word] = []
    i = 0
    while i < len(row):
        j = i
        while (
            j < len(row)
            and len(row[j].text) == 1
            and (j == i or row[j].x0 - row[j - 1].x1 < 0.5 * row[j].size)
        ):
            j += 1
        run = row[i:j]
        if len(run) >= 4 and sum(w.text.isalpha() for w in run) >= 0.6 * len(run):
            out.extend(_regroup(run))
            i = j
        else:
            out.append(row[i])
            i += 1
    return out


def _regroup(run: list[Word]) -> list[Word]:
    gaps = [b.x0 - a.x1 for a, b in zip(run, run[1:], strict=False)]
    low, high = min(gaps), max(gaps)
    threshold = (low + high) / 2 if high > 1.6 * max(low, 0.1) else high + 1.0
    groups: list[list[Word]] = [[run[0]]]
    for gap, word in zip(gaps, run[1:], strict=True):
        if gap > threshold and word.text.isalnum():
            groups.append([word])
        else:
            groups[-1].append(word)
    return [
        Word(
            "".join(w.text for w in g),
            g[0].x0,
            g[-1].x1,
            min(w.top for w in g),
            max(w.bottom for w in g),
            g[0].size,
            g[0].bold,
        )
        for g in groups
    ]


def _fold_raised(rows: list[list[Word]]) -> list[list[Word]]:
    """Fold rows of small raised words into the row below them; drop them when they are markers."""
    out: list[list[Word]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if i + 1 < len(rows):
            host = rows[i + 1]
            size = statistics.median(w.size for w in row)
            host_size = statistics.median(w.size for w in host)
            host_top = min(w.top for w in host)
            if size < 0.85 * host_size and max(w.bottom for w in row) > host_top:
                kept = [w for w in row if not _MARKER.match(w.text)]
                rows[i + 1] = _noted(host, row) + kept
                i += 1
                continue
        out.append(row)
        i += 1
    return out


def _noted(host: list[Word], raised: list[Word]) -> list[Word]:
    """The host row, with the word a dropped note number stands right before flagged when nothing of its
    line comes before the number ("¹ See ..." opening a footnote, in a column or across the page; not
    "violence¹ and", which is a marker's use in running text)."""
    flagged: set[int] = set()
    for mark in raised:
        if not _MARKER.match(mark.text):
            continue
        after = [w for w in host if w.x0 >= mark.x0]
        if not after:
            continue
        word = min(after, key=lambda w: w.x0)
        before = [w.x1 for w in host if w.x1 <= mark.x0 + 0.1 * word.size]
        if word.x0 - mark.x1 < 0.6 * word.size and (not before or mark.x0 - max(before) > word.size):
            flagged.add(id(word))
    if not flagged:
        return host
    return [dataclasses.replace(w, noted=True) if id(w) in flagged else w for w in host]


def row_to_line(row: Sequence[Word], column: int = 0, section: int = 0) -> Line:
    return Line(tuple(sorted(row, key=lambda w: w.x0)), column, section)


def median_size(lines: Sequence[Line]) -> float:
    """The body text size: the size most characters are set in."""
    weights: dict[float, int] = {}
    for line in lines:
        for w in line.words:
            key = round(w.size, 1)
            weights[key] = weights.get(key, 0) + len(w.text)
    return max(weights, key=lambda k: weights[k]) if weights else 10.0
