"""Rows to lines in reading order: find column gutters per page from the word geometry (vertical strips
that stay empty over many consecutive rows, with text on both sides), split rows at them, and read each
multi-column section column by column, with full-width lines (titles, headings) in place between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.pdf.headers import is_page_number
from extractors.pdf.lines import Line, row_to_line
from extractors.pdf.words import Word

BIN = 2.0  # points per histogram bin
MIN_GAP_EM = 0.9  # gaps narrower than this (in body em) are word spaces, not gutters
MIN_RUN_ROWS = 4
SHORT_RUN_ROWS = 2  # rows of a run in line with a gutter found on the page (see _short_runs_in_line)
MIN_WORDS_PER_LINE = 2.5  # columns of 1-2 word lines are tables or forms, not running text
# A page's first row further above the next than this many line pitches, and set smaller than this share
# of the body size, is a running header, not part of the columns below it.
DETACHED_PITCHES = 2.5
HEADER_SIZE = 0.95
# Rows at a gutter's end with text on one side only, this many line pitches below the columns, are a
# caption or heading under both of them (a left column running on keeps its pitch).
DETACHED_TAIL_PITCHES = 1.8


@dataclass(frozen=True)
class Gutter:
    """An empty vertical strip x0..x1 between columns over rows first..last (row indices)."""

    x0: float
    x1: float
    first: int
    last: int


def find_gutters(rows: Sequence[Sequence[Word]], body_size: float) -> list[Gutter]:
    """Column gutters on a page, from rows of words (top to bottom)."""
    if len(rows) < MIN_RUN_ROWS:
        return []
    left = min(w.x0 for r in rows for w in r)
    right = max(w.x1 for r in rows for w in r)
    nbins = int((right - left) / BIN) + 1
    min_gap = MIN_GAP_EM * body_size
    # occupied[b][r + 1] - occupied[b][f]: how many of rows f..r have text in bin b (word spaces count as
    # text), so "is this strip empty over these rows" is one subtraction.
    free = [_free_bins(row, left, nbins, min_gap) for row in rows]
    occupied = []
    for b in range(nbins):
        prefix = [0]
        for r in range(len(rows)):
            prefix.append(prefix[-1] + (not free[r][b]))
        occupied.append(prefix)
    min_run = max(MIN_RUN_ROWS, len(rows) // 8)
    seen: dict[tuple[int, int], list[tuple[int, int]]] = {}
    candidates: list[Gutter] = []
    for b in range(1, nbins - 1):
        for first, last in _runs([free[r][b] for r in range(len(rows))], min_run):
            spans = seen.setdefault((first, last), [])
            if any(lo <= b <= hi for lo, hi in spans):
                continue
            # Widen the strip for exactly these rows as far as it stays empty.
            lo = hi = b
            while lo > 1 and occupied[lo - 1][last + 1] == occupied[lo - 1][first]:
                lo -= 1
            while hi < nbins - 2 and occupied[hi + 1][last + 1] == occupied[hi + 1][first]:
                hi += 1
            spans.append((lo, hi))
            candidates.append(Gutter(left + lo * BIN, left + (hi + 1) * BIN, first, last))
    gutters = [g for g in candidates if g.x1 - g.x0 >= min_gap and _text_both_sides(rows, g)]
    kept = _widest_per_section(gutters)
    kept += _short_runs_in_line(rows, kept, left, right, body_size)
    trimmed = (_settle_tail(_without_detached_top(g, rows, body_size), rows) for g in kept)
    return [_to_column_end(g, rows, kept) for g in trimmed]


def _short_runs_in_line(
    rows: Sequence[Sequence[Word]], gutters: Sequence[Gutter], left: float, right: float, body_size: float
) -> list[Gutter]:
    """Runs of rows too short to make a gutter of their own (a column's last lines carried over to the top
    of the page, above a full-width table) whose gap lies where a gutter between two columns of text on
    the same page lies: at least SHORT_RUN_ROWS rows in a row with words on both sides of it, beginning
    where that gutter's columns begin, and mostly words, not figures (a table's rows under two columns
    keep their label and figures together)."""
    found: list[Gutter] = []
    taken = {i for g in gutters for i in range(g.first, g.last + 1)}
    for g in gutters:
        if not _between_text_columns(rows, g, right - left):
            continue
        run = rows[g.first : g.last + 1]
        lefts = [[w for w in r if w.x1 <= g.x0] for r in run]
        rights = [[w for w in r if w.x0 >= g.x1] for r in run]
        starts = (
            _median([min(w.x0 for w in side) for side in lefts if side]),
            _median([min(w.x0 for w in side) for side in rights if side]),
        )
        two_sided = [
            i not in taken and not _crosses(rows[i], g) and _in_columns(rows[i], g, starts, body_size)
            for i in range(len(rows))
        ]
        for first, last in _runs(two_sided, SHORT_RUN_ROWS):
            short = Gutter(g.x0, g.x1, first, last)
            if _text_both_sides(rows, short):
                found.append(short)
                taken.update(range(first, last + 1))
    return found


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def _in_columns(row: Sequence[Word], g: Gutter, starts: tuple[float, float], body_size: float) -> bool:
    """Is the row two lines of running text, one each side of the gutter, each beginning where the
    gutter's columns begin (within half an em), and mostly words?"""
    sides = [w for w in row if w.x1 <= g.x0], [w for w in row if w.x0 >= g.x1]
    for side, start in zip(sides, starts, strict=True):
        if not side or abs(min(w.x0 for w in side) - start) > 0.5 * body_size:
            return False
        if sum(any(ch.isalpha() for ch in w.text) for w in side) < 0.6 * len(side):
            return False
    return True


def _between_text_columns(rows: Sequence[Sequence[Word]], g: Gutter, width: float) -> bool:
    """Do the lines on both sides of the gutter reach across a third of the text's width, as running text
    in two or three columns does (not a table's narrow columns of figures)?"""
    run = rows[g.first : g.last + 1]
    for side in ([w for w in r if w.x1 <= g.x0] for r in run), ([w for w in r if w.x0 >= g.x1] for r in run):
        extents = [max(w.x1 for w in r) - min(w.x0 for w in r) for r in side if r]
        if not extents or _median(extents) < width / 3.5:
            return False
    return True


def _pitch(rows: Sequence[Sequence[Word]], first: int, last: int) -> float:
    """The median distance from one row's top to the next over rows first..last."""
    tops = [min(w.top for w in row) for row in rows[first : last + 1]]
    return _median([below - above for above, below in zip(tops, tops[1:], strict=False)])


def _without_detached_top(g: Gutter, rows: Sequence[Sequence[Word]], body_size: float) -> Gutter:
    """A gutter without the page's first row when that row is a running header: set smaller than the
    body, not bold, and standing apart above the columns ("Policy Forum ... Short Title", whose two ends
    leave the gutter's strip empty). It is one full-width line, not the head of each column; a heading
    over each column (bold, or body-sized) stays with its column."""
    if g.first != 0 or g.last - g.first < MIN_RUN_ROWS:
        return g
    top = rows[0]
    if any(w.bold for w in top) or max(w.size for w in top) >= HEADER_SIZE * body_size:
        return g
    gap = min(w.top for w in rows[1]) - min(w.top for w in top)
    if gap > DETACHED_PITCHES * _pitch(rows, 1, g.last):
        return Gutter(g.x0, g.x1, 1, g.last)
    return g


def _settle_tail(g: Gutter, rows: Sequence[Sequence[Word]]) -> Gutter:
    """Where a gutter ends when the right column has ended and rows with text left of the gutter only
    follow its last two-sided row (within its run or after it, up to the next other row):
    - a row or two that stand apart below the columns and head a full-width row close below are a table's
      number over its caption ("Tabla 3", then "Descripción de ..."): the gutter ends before them, and
      they are read after both columns, not as the end of the left one;
    - three rows or more are the left column running on (after a blank line, a heading and its
      paragraph): the gutter takes them in, and they are read before the right column;
    - else the gutter stays as found."""
    middle = (g.x0 + g.x1) / 2

    def left_only(i: int) -> bool:
        return bool(rows[i]) and all(w.x1 <= middle for w in rows[i]) and not _is_page_number(rows[i])

    two_sided = [
        i
        for i in range(g.first, g.last + 1)
        if any(w.x1 <= g.x0 for w in rows[i]) and any(w.x0 >= g.x1 for w in rows[i])
    ]
    if len(two_sided) < 2:
        return g
    end = two_sided[-1]
    last = end
    while last + 1 < len(rows) and left_only(last + 1):
        last += 1
    if last == end:
        return g
    if last - end >= 3:  # a ragged left column's longer lines may reach into the strip: it narrows
        reach = max(w.x1 for i in range(end + 1, last + 1) for w in rows[i])
        return Gutter(max(g.x0, reach), g.x1, g.first, max(g.last, last))
    steps = [
        min(w.top for w in rows[b]) - min(w.top for w in rows[a])
        for a, b in zip(two_sided, two_sided[1:], strict=False)
        if b == a + 1
    ]
    if not steps or last + 1 >= len(rows) or not _crosses(rows[last + 1], g):
        return g
    pitch = _median(steps)  # the columns' own line spacing, from their consecutive rows
    tops = [min(w.top for w in rows[i]) for i in range(end, last + 2)]
    detached = tops[1] - tops[0] > DETACHED_TAIL_PITCHES * pitch
    if detached and tops[-1] - tops[-2] < DETACHED_TAIL_PITCHES * pitch:  # and its full-width row follows
        return Gutter(g.x0, g.x1, g.first, end)
    return g


def _to_column_end(g: Gutter, rows: Sequence[Sequence[Word]], gutters: Sequence[Gutter]) -> Gutter:
    """A gutter carried down to the page's last text row when every row below it lies left of its middle: the
    right column ended early (a paper's last page) and the left one runs on. Without this, the left
    column's rest would read as a section of its own after the right column, which belongs after it."""
    if any(other.first > g.last for other in gutters):
        return g
    below = [row for row in rows[g.last + 1 :] if not _is_page_number(row)]
    middle = (g.x0 + g.x1) / 2  # a ragged left column's longer lines may reach into the strip
    if below and all(w.x1 <= middle for row in below for w in row):
        last = max(i for i in range(g.last + 1, len(rows)) if not _is_page_number(rows[i]))
        reach = max(w.x1 for row in below for w in row)
        return Gutter(max(g.x0, reach), g.x1, g.first, last)
    return g


def _is_page_number(row: Sequence[Word]) -> bool:
    """A footer row that is only a page number ("7", "Page 7", "7 / 20", "vii")."""
    return len(row) <= 4 and is_page_number(" ".join(w.text for w in row))


def _free_bins(row: Sequence[Word], left: float, nbins: int, min_gap: float) -> list[bool]:
    free = [True] * nbins
    spans: list[list[float]] = []
    for w in row:  # row is sorted by x0
        if spans and w.x0 - spans[-1][1] < min_gap:
            spans[-1][1] = max(spans[-1][1], w.x1)
        else:
            spans.append([w.x0, w.x1])
    for x0, x1 in spans:
        for b in range(max(0, int((x0 - left) / BIN)), min(nbins, int((x1 - left) / BIN) + 1)):
            free[b] = False
    return free


def _runs(values: Sequence[bool], min_len: int) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, v in enumerate(values):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= min_len:
                runs.append((start, i - 1))
            start = None
    if start is not None and len(values) - start >= min_len:
        runs.append((start, len(values) - 1))
    return runs


def _text_both_sides(rows: Sequence[Sequence[Word]], g: Gutter) -> bool:
    run = rows[g.first : g.last + 1]
    left = [[w for w in r if w.x1 <= g.x0] for r in run]
    right = [[w for w in r if w.x0 >= g.x1] for r in run]
    n = len(run)
    left_rows = [r for r in left if r]
    right_rows = [r for r in right if r]
    if len(left_rows) < 0.4 * n or len(right_rows) < 0.4 * n:
        return False
    left_wpl = sum(map(len, left_rows)) / len(left_rows)
    right_wpl = sum(map(len, right_rows)) / len(right_rows)
    return left_wpl >= MIN_WORDS_PER_LINE and right_wpl >= MIN_WORDS_PER_LINE


def _widest_per_section(gutters: list[Gutter]) -> list[Gutter]:
    """Several bins ranges can cover the same gap with different row runs; keep the one covering most rows
    (then the widest) among gutters that overlap in both x and rows."""
    kept: list[Gutter] = []
    for g in sorted(gutters, key=lambda g: (-(g.last - g.first), -(g.x1 - g.x0))):
        if any(_overlap(g.x0, g.x1, k.x0, k.x1) and _overlap(g.first, g.last, k.first, k.last) for k in kept):
            continue
        kept.append(g)
    return kept


def _overlap(a0: float, a1: float, b0: float, b1: float) -> bool:
    return min(a1, b1) >= max(a0, b0)


def rows_to_lines(
    rows: Sequence[Sequence[Word]], gutters: Sequence[Gutter], body_size: float = 10.0
) -> list[Line]:
    """Lines in reading order: full-width rows in place, multi-column sections column by column.

    A heading that sits in one column while the other columns leave a clear gap beside it (a heading over
    both columns that happens to be short) is read as full-width, so it stays between the text before
    and after it.
    """
    breaks = _heading_breaks(rows, gutters, body_size)
    lines: list[Line] = []
    section_rows: list[tuple[Sequence[Word], list[Gutter]]] = []
    section_key: tuple[Gutter, ...] = ()
    section_index = 0

    def flush() -> None:
        nonlocal section_rows, section_index
        if not section_rows:
            return
        section_index += 1
        columns: dict[int, list[Line]] = {}
        for row, active in section_rows:
            bounds = sorted((g.x0 + g.x1) / 2 for g in active)
            parts: dict[int, list[Word]] = {}
            for w in row:
                column = 1 + sum(1 for b in bounds if (w.x0 + w.x1) / 2 > b)
                parts.setdefault(column, []).append(w)
            for column, words in parts.items():
                columns.setdefault(column, []).append(row_to_line(words, column, section_index))
        for column in sorted(columns):
            lines.extend(columns[column])
        section_rows = []

    for i, row in enumerate(rows):
        active = [g for g in gutters if g.first <= i <= g.last and not _crosses(row, g) and i not in breaks]
        key = tuple(sorted(active, key=lambda g: g.x0))
        if not active:
            flush()
            section_index += 1
            lines.append(row_to_line(row, 0, section_index))
            section_key = ()
            continue
        if key != section_key:
            flush()
            section_key = key
        section_rows.append((row, active))
    flush()
    return lines


def _column_of(w: Word, bounds: Sequence[float]) -> int:
    return 1 + sum(1 for b in bounds if (w.x0 + w.x1) / 2 > b)


def _heading_breaks(rows: Sequence[Sequence[Word]], gutters: Sequence[Gutter], body_size: float) -> set[int]:
    """Rows that are headings in one column with a clear gap beside them in every other column."""
    breaks: set[int] = set()
    for i, row in enumerate(rows):
        active = [g for g in gutters if g.first <= i <= g.last]
        if not active or not row:
            continue
        if not (any(w.bold for w in row) or max(w.size for w in row) > 1.1 * body_size):
            continue
        bounds = sorted((g.x0 + g.x1) / 2 for g in active)
        columns = {_column_of(w, bounds) for w in row}
        if len(columns) != 1:
            continue
        top, bottom = min(w.top for w in row), max(w.bottom for w in row)
        needed = (bottom - top) + body_size
        first, last = max(g.first for g in active), min(g.last for g in active)
        clear = True
        for other in set(range(1, len(bounds) + 2)) - columns:
            words = [w for j in range(first, last + 1) for w in rows[j] if _column_of(w, bounds) == other]
            above = max((w.bottom for w in words if w.bottom <= top), default=None)
            below = min((w.top for w in words if w.top >= bottom), default=None)
            if above is None or below is None or below - above < needed:
                clear = False
                break
            if any(w.top < bottom and w.bottom > top for w in words):
                clear = False
                break
        if clear:
            breaks.add(i)
    return breaks


def _crosses(row: Sequence[Word], g: Gutter) -> bool:
    return any(w.x0 < g.x1 and w.x1 > g.x0 for w in row)
