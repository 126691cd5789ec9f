"""Rows to lines in reading order: find column gutters per page from the word geometry (vertical strips
that stay empty over many consecutive rows, with text on both sides), split rows at them, and read each
multi-column section column by column, with full-width lines (titles, headings) in place between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.pdf.lines import Line, row_to_line
from extractors.pdf.words import Word

BIN = 2.0  # points per histogram bin
MIN_GAP_EM = 0.9  # gaps narrower than this (in body em) are word spaces, not gutters
MIN_RUN_ROWS = 4
MIN_WORDS_PER_LINE = 2.5  # columns of 1-2 word lines are tables or forms, not running text


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
    # free[r][b]: bin b is empty in row r, counting gaps narrower than min_gap as occupied.
    free = [_free_bins(row, left, nbins, min_gap) for row in rows]
    min_run = max(MIN_RUN_ROWS, len(rows) // 8)
    candidates: list[Gutter] = []
    groups: list[list[int]] = []  # [first row, last row, first bin] of strips still open
    for b in range(1, nbins - 1):
        runs = _runs([free[r][b] for r in range(len(rows))], min_run)
        still_open: list[list[int]] = []
        for first, last, start in groups:
            # Neighbouring bins see slightly different runs (ragged line ends): keep the common rows.
            match = next((r for r in runs if min(last, r[1]) - max(first, r[0]) + 1 >= min_run), None)
            if match is None:
                candidates.append(Gutter(left + start * BIN, left + b * BIN, first, last))
                continue
            runs.remove(match)
            still_open.append([max(first, match[0]), min(last, match[1]), start])
        still_open += [[r[0], r[1], b] for r in runs]
        groups = still_open
    candidates += [Gutter(left + s * BIN, left + (nbins - 1) * BIN, f, la) for f, la, s in groups]
    gutters = [g for g in candidates if g.x1 - g.x0 >= min_gap and _text_both_sides(rows, g)]
    return _widest_per_section(gutters)


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


def rows_to_lines(rows: Sequence[Sequence[Word]], gutters: Sequence[Gutter]) -> list[Line]:
    """Lines in reading order: full-width rows in place, multi-column sections column by column."""
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
        active = [g for g in gutters if g.first <= i <= g.last and not _crosses(row, g)]
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


def _crosses(row: Sequence[Word], g: Gutter) -> bool:
    return any(w.x0 < g.x1 and w.x1 > g.x0 for w in row)
