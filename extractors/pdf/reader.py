"""What extraction reads of a pdfplumber page, taken from the page's pdfminer layout in one walk.

`page.chars` builds a dictionary of about twenty resolved attributes for every glyph (colours, matrix,
marked-content ids, ...): on the real reports that costs more than pdfminer's own interpretation of the
content streams. Extraction needs seven values per glyph, so `read_page` takes them from the same
`page.layout` pdfplumber builds (same coordinates, same text) and counts the graphics on the way. Only a
page with enough ruling edges to hold a table has its graphics turned into pdfplumber objects, for
pdfplumber's own table finder (`page_tables`).

The chars agree with `page.chars` on every key they carry: tests/extractors/test_reader.py checks it on
real reports.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTItem, LTLine, LTRect

# The char keys extraction reads (a subset of pdfplumber's, with the same values).
KEYS = ("text", "x0", "x1", "top", "bottom", "size", "fontname", "upright")
# A page with fewer ruling edges than this cannot hold a ruled table of 2 rows and 2 columns.
MIN_EDGES = 6


@dataclass
class PageContent:
    """A page's glyphs as light char dicts (the KEYS) in content order, its image count, and its drawn
    paths (rects, lines, curves) as pdfminer objects."""

    chars: list[dict[str, Any]] = field(default_factory=list)
    images: int = 0
    paths: list[LTCurve] = field(default_factory=list)

    @property
    def has_graphics(self) -> bool:
        return bool(self.images or self.paths)

    @property
    def edge_count(self) -> int:
        """How many edges pdfplumber's `page.edges` holds: four per rect, one per line, one per curve
        segment."""
        return sum(_edges_of(p) for p in self.paths)


def _edges_of(path: LTCurve) -> int:
    if isinstance(path, LTRect):
        return 4
    if isinstance(path, LTLine):
        return 1
    return max(0, len(path.pts) - 1)


def _leaves(items: list[LTItem]) -> Iterator[LTItem]:
    for item in items:
        if isinstance(item, LTContainer):  # figures (form XObjects) hold chars and paths of their own
            yield from _leaves(item._objs)
        else:
            yield item


def read_page(page: Any) -> PageContent:
    """The chars, image count and paths of a pdfplumber page, in one walk over its layout."""
    layout = page.layout
    height = float(page.height)
    x_shift, y_shift = float(page.mediabox[0]), float(page.mediabox[1])
    norm = page.pdf.unicode_norm
    content = PageContent()
    chars = content.chars
    for item in _leaves(layout._objs):
        if isinstance(item, LTChar):
            text = item.get_text()
            fontname = item.fontname
            if isinstance(fontname, bytes):  # rare byte-encoded names, as pdfplumber decodes them
                fontname = fontname.decode("utf-8", "replace")
            chars.append({
                "text": unicodedata.normalize(norm, text) if norm is not None else text,
                "x0": item.x0 + x_shift,
                "x1": item.x1 + x_shift,
                "top": height - item.y1 + y_shift,
                "bottom": height - item.y0 + y_shift,
                "size": item.size,
                "fontname": fontname,
                "upright": item.upright,
            })
        elif isinstance(item, LTCurve):  # LTRect and LTLine are curves too
            content.paths.append(item)
        elif isinstance(item, LTImage):
            content.images += 1
    return content


def page_edges(page: Any, content: PageContent) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(vertical, horizontal) ruling edges of the page, as pdfplumber's table finder prefilters them."""
    from pdfplumber import utils
    from pdfplumber.table import TableSettings

    edges = [e for path in content.paths for e in utils.obj_to_edges(page.process_object(path))]
    minimum = TableSettings().edge_min_length_prefilter
    vertical = utils.filter_edges(edges, "v", min_length=minimum)
    return vertical, utils.filter_edges(edges, "h", min_length=minimum)


def page_tables(page: Any, content: PageContent) -> list[Any]:
    """pdfplumber's tables on the page (its default "lines" strategy), found from the page's paths alone:
    the same edges `page.find_tables()` would use, without turning every glyph into a dict first."""
    if content.edge_count < MIN_EDGES:
        return []
    vertical, horizontal = page_edges(page, content)
    if len(vertical) < 2 or len(horizontal) < 2:
        return []  # no grid; pdfplumber's explicit strategy also wants two lines each way
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    return list(page.find_tables(settings))
