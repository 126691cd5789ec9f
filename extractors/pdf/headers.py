"""Running headers, footers and page numbers: lines in the top and bottom bands of the page that repeat
across pages once digits are masked, or that are only a page number."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from extractors.pdf.lines import Line

BAND = 0.12  # share of the page height that counts as top or bottom band
MIN_SHARE = 0.3  # a running line repeats on at least this share of the pages with text
_PAGE_NUMBER = re.compile(
    r"^\W*(?:page|p[aá]g(?:ina)?\.?|p\.)?\s*#{1,4}(?:\s*(?:of|de|/|\|)\s*#{1,4})?\W*$", re.IGNORECASE
)
_ROMAN = re.compile(r"^\W*[ivxlc]{1,7}\W*$", re.IGNORECASE)


def line_key(text: str) -> str:
    """A line's text with digits masked and case and spacing normalised, so page 3 matches page 14."""
    return re.sub(r"\s+", " ", re.sub(r"\d", "#", text.lower())).strip()


def is_page_number(text: str) -> bool:
    key = line_key(text)
    return bool(_PAGE_NUMBER.match(key) or _ROMAN.match(key))


def in_band(line: Line, page_height: float) -> bool:
    return line.bottom <= BAND * page_height or line.top >= (1 - BAND) * page_height


def find_running_keys(pages: Sequence[tuple[float, Sequence[Line]]]) -> set[str]:
    """Keys (see `line_key`) of lines that repeat in the top/bottom bands across pages.

    `pages` holds (page height, lines) per page.
    """
    counts: Counter[str] = Counter()
    pages_with_text = 0
    for height, lines in pages:
        if not lines:
            continue
        pages_with_text += 1
        counts.update({line_key(ln.text) for ln in lines if in_band(ln, height)})
    if pages_with_text < 2:
        return set()
    needed = max(2, math.ceil(MIN_SHARE * pages_with_text))
    return {key for key, n in counts.items() if n >= needed and any(ch.isalnum() or ch == "#" for ch in key)}


def split_running_lines(
    lines: Sequence[Line], height: float, running: set[str]
) -> tuple[list[Line], list[Line]]:
    """(body lines, dropped header/footer/page-number lines) of one page."""
    body, dropped = [], []
    for line in lines:
        if in_band(line, height) and (line_key(line.text) in running or is_page_number(line.text)):
            dropped.append(line)
        else:
            body.append(line)
    return body, dropped
