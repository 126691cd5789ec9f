"""Running headers, footers and page numbers: lines in the top and bottom bands of the page that repeat
across pages once digits are masked, or that are only a page number."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.pdf.lines import Line

BAND = 0.12  # share of the page height that counts as top or bottom band
MIN_SHARE = 0.3  # a running line repeats on at least this share of the pages with text
EDGE_LINES = 2  # how many lines at the very top and bottom may match a running line loosely
LOOSE_COVER = 0.75  # share of an edge line's words found in running lines for a loose match
_PAGE_NUMBER = re.compile(r"^(?:page|p[aá]g(?:ina)?|p)?\s*#{1,4}(?:\s*(?:of|de)?\s*#{1,4})?$")
_ROMAN = re.compile(r"^[ivxlc]{1,7}$")


@dataclass(frozen=True)
class RunningLines:
    """What repeats in the bands: exact keys, and the words they are made of (for loose matches)."""

    keys: frozenset[str]
    words: frozenset[str]
    sizes: frozenset[int] = frozenset()


def line_key(text: str) -> str:
    """A line's text with digits masked, punctuation dropped and case folded, so page 3 matches page 14."""
    masked = re.sub(r"\d", "#", text.lower())
    return " ".join(re.sub(r"[^\w#]+", " ", masked).split())


def is_page_number(text: str) -> bool:
    key = line_key(text)
    return bool(_PAGE_NUMBER.match(key) or _ROMAN.match(key))


def in_band(line: Line, page_height: float) -> bool:
    return line.bottom <= BAND * page_height or line.top >= (1 - BAND) * page_height


def find_running_lines(pages: Sequence[tuple[float, Sequence[Line]]]) -> RunningLines:
    """Lines that repeat in the top/bottom bands across pages; `pages` holds (page height, lines)."""
    counts: Counter[str] = Counter()
    pages_with_text = 0
    for height, lines in pages:
        if not lines:
            continue
        pages_with_text += 1
        counts.update({sized_key(ln) for ln in lines if in_band(ln, height)})
    if pages_with_text < 2:
        return RunningLines(frozenset(), frozenset())
    needed = max(2, math.ceil(MIN_SHARE * pages_with_text))
    keys = frozenset(key for key, n in counts.items() if n >= needed and not key.startswith("@"))
    words = frozenset(w for key in keys for w in key.split("@")[0].split())
    return RunningLines(keys, words, frozenset(int(key.rsplit("@", 1)[1]) for key in keys))


def sized_key(line: Line) -> str:
    """The line's key with its size: a running header keeps its size from page to page, and a big title
    on page 1 that repeats a small header's words is not the header."""
    return f"{line_key(line.text)}@{round(line.size)}"


def _loosely_running(line: Line, running: RunningLines) -> bool:
    words = line_key(line.text).split()
    if len(words) < 2 or not running.words or round(line.size) not in running.sizes:
        return False
    return sum(w in running.words for w in words) >= LOOSE_COVER * len(words)


def split_running_lines(
    lines: Sequence[Line], height: float, running: RunningLines
) -> tuple[list[Line], list[Line]]:
    """(body lines, dropped header/footer/page-number lines) of one page.

    A band line is dropped when it is a running line, a page number, or (for the lines nearest the page
    edges) made almost only of running-line words: a variant of the header on an odd page.
    """
    by_top = sorted(range(len(lines)), key=lambda i: lines[i].top)
    edge = set(by_top[:EDGE_LINES] + by_top[-EDGE_LINES:])
    body, dropped = [], []
    for i, line in enumerate(lines):
        if in_band(line, height) and (
            sized_key(line) in running.keys
            or is_page_number(line.text)
            or (i in edge and _loosely_running(line, running))
        ):
            dropped.append(line)
        else:
            body.append(line)
    return body, dropped
