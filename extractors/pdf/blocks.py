"""Lines (one page, reading order) to blocks: paragraphs and headings, split where the vertical gap
grows, the size changes, a new column starts, a line is indented, or a short line ends a sentence."""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.pdf.headers import is_page_number
from extractors.pdf.lines import Line
from extractors.references import is_references_heading

_LEADERS = re.compile(r"(?:\s?\.){4,}")
_BULLET = re.compile(r"^\s*(?:[●•▪■◦○‣⁃–—*-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
TERMINAL = tuple('.!?:;…"”’»)')
# Footnotes: set smaller than the body text, opening with a note number or sign, in the lower part of the
# page, and running to the end of their column or page.
NOTE_SIZE = 0.92
NOTE_TOP = 0.5
_NOTE_START = re.compile(r"^(?:\d{1,3}[.)]?\s+\S|[∗*†‡§]\s*\S)")


@dataclass(frozen=True)
class Block:
    """Consecutive lines of one paragraph or heading on one page."""

    lines: tuple[Line, ...]
    page: int
    kind: str = "text"  # "text" | "heading" | "table" | "note" (a footnote)
    ends_full: bool = False  # the last line reaches the column's right edge (the text may run on)

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]


def _same_flow(a: Line, b: Line) -> bool:
    """Whether b follows a in the same column (full-width lines all share one flow)."""
    return a.column == b.column and (a.column == 0 or a.section == b.section)


def typical_gap(lines: Sequence[Line]) -> float:
    """The usual space between consecutive lines of a paragraph on this page."""
    gaps = [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:], strict=False)
        if _same_flow(a, b) and 0 <= b.top - a.bottom < 2 * a.size
    ]
    return statistics.median(gaps) if gaps else 0.3 * (lines[0].size if lines else 10.0)


def lines_to_blocks(lines: Sequence[Line], page: int, body_size: float) -> list[Block]:
    """Group a page's lines into paragraph and heading blocks."""
    if not lines:
        return []
    gap0 = typical_gap(lines)
    extents = _column_extents(lines)
    blocks: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        if _breaks(prev, line, gap0, extents, blocks[-1][0]):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return [Block(tuple(b), page, _kind(b, body_size), _reaches_right(b[-1], extents)) for b in blocks]


def mark_notes(
    blocks: Sequence[Block], body_size: float, height: float, open_note: bool = False
) -> tuple[list[Block], bool]:
    """The page's blocks, its footnotes of kind "note", and whether its last footnote runs on to the next
    page (no sentence end). Footnotes: from a small block in the lower part of the page that opens with a
    note number ("1 Área certificada ...", or a raised ¹ dropped from its text) or sign ("* We thank ..."),
    or that goes on with the last page's `open_note`, every small block after it in its column, when they
    run to the column's or the page's end (a page number below them aside). Not a numbered list after its
    lead-in ("... five measures:") nor a reference list under its heading. Read in line, a footnote cuts a
    paragraph that runs on to the next page in two."""
    out = list(blocks)
    i = 0
    last_note: Block | None = None
    while i < len(out):
        first = out[i]
        if not (
            _small(first, body_size)
            and first.lines[0].top >= NOTE_TOP * height
            and (opens_note(first) or (open_note and last_note is None))
        ):
            i += 1
            continue
        column = first.lines[0].column
        j = i + 1
        while j < len(out) and _small(out[j], body_size) and out[j].lines[0].column == column:
            j += 1
        rest = [b for b in out[j:] if b.lines[0].column == column]
        at_end = all(_furniture(b) for b in rest) or (j < len(out) and out[j].lines[0].column != column)
        if at_end and not (i and _introduces(out[i - 1])):
            out[i:j] = [dataclasses.replace(b, kind="note") for b in out[i:j]]
            last_note = out[j - 1]
        i = j
    still_open = last_note is not None and not " ".join(last_note.texts).rstrip().endswith(TERMINAL)
    return out, still_open


def _small(block: Block, body_size: float) -> bool:
    return block.kind != "table" and max(ln.size for ln in block.lines) <= NOTE_SIZE * body_size


def opens_note(block: Block) -> bool:
    """Whether `block` opens a footnote: a note number (raised and dropped, or on the line) or sign."""
    line = block.lines[0]
    return line.noted or bool(_NOTE_START.match(line.text))


def _introduces(block: Block) -> bool:
    """Whether `block` leads into what follows as its own: a lead-in ending in ":" or a reference list's
    heading."""
    text = " ".join(block.texts).rstrip()
    return text.endswith(":") or is_references_heading(text)


def _furniture(block: Block) -> bool:
    """A page number or a bare figure under the footnotes, in whatever size: not text of the column."""
    text = " ".join(block.texts)
    return len(text.split()) <= 3 and (is_page_number(text) or not any(ch.isalpha() for ch in text))


def _reaches_right(line: Line, extents: dict[tuple[int, int], tuple[float, float]]) -> bool:
    left, right = extents[(line.section, line.column) if line.column else (-1, 0)]
    return line.x1 >= right - 0.05 * max(right - left, 1.0)


def _column_extents(lines: Sequence[Line]) -> dict[tuple[int, int], tuple[float, float]]:
    extents: dict[tuple[int, int], tuple[float, float]] = {}
    for ln in lines:
        key = (ln.section, ln.column) if ln.column else (-1, 0)
        lo, hi = extents.get(key, (ln.x0, ln.x1))
        extents[key] = (min(lo, ln.x0), max(hi, ln.x1))
    return extents


def _breaks(
    prev: Line, line: Line, gap0: float, extents: dict[tuple[int, int], tuple[float, float]], first: Line
) -> bool:
    """Whether `line` starts a new block after `prev` (`first` is the current block's first line)."""
    size = prev.size
    if line.column != prev.column or (line.column == 0) != (prev.column == 0):
        return True
    if line.column and line.section != prev.section:
        return True
    gap = line.top - prev.bottom
    if gap > gap0 + 0.45 * size or gap < -0.5 * size:
        return True
    if abs(line.size - prev.size) > 0.12 * size or _BULLET.match(line.text):
        return True
    key = (line.section, line.column) if line.column else (-1, 0)
    left, right = extents[key]
    width = max(right - left, 1.0)
    full = prev.x1 > right - 0.1 * width
    # A bold lead-in that runs on in plain text ("Measure 8: ... roads and" / "ports. The plan ...") is one
    # paragraph; a bold line that stops short is a heading.
    if line.bold != prev.bold and not full:
        return True
    # Lines under a bullet hang indented: that is the list item going on, not a new paragraph.
    indented = line.x0 - prev.x0 > 0.8 * size and line.x0 - left > 0.8 * size and full
    if indented and not _BULLET.match(first.text):
        return True
    short = prev.x1 < right - 0.15 * width
    return short and prev.text.rstrip().endswith(TERMINAL)


def _kind(lines: Sequence[Line], body_size: float) -> str:
    text = " ".join(ln.text for ln in lines)
    words = text.split()
    short = len(lines) <= 3 and len(words) <= 20 and not text.rstrip().endswith((".", ";", ","))
    if short and (lines[0].size > 1.12 * body_size or all(ln.bold for ln in lines)):
        return "heading"
    if sum(1 for ln in lines if _LEADERS.search(ln.text)) >= max(1, len(lines) / 2):
        return "table"  # a table of contents or list of figures: dot leaders and page numbers
    words = [w for w in words if any(ch.isalnum() for ch in w)]  # a lone "." or "-" cell says nothing
    numeric = sum(1 for w in words if any(ch.isdigit() for ch in w) and not w.isalpha())
    if (
        (len(lines) >= 3 and len(words) >= 8 and numeric >= 0.5 * len(words))
        or (len(words) >= 3 and numeric >= 0.6 * len(words))
        or (words and numeric == len(words))
    ):
        return "table"  # a grid of numbers without rulings: keep it out of the running text
    return "text"
