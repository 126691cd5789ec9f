"""What extraction reads of a pdfplumber page, from one run of pdfminer over its content streams.

`page.chars` builds a dictionary of about twenty resolved attributes for every glyph (colours, matrix,
marked-content ids, ...), and even `page.layout` builds a full LTChar per glyph, only for extraction to
read eight values of it. `read_page` runs pdfminer's interpreter with pdfplumber's own device, except that
glyphs go straight into light char dicts (glyphs.py; same coordinates, same text), and counts the graphics
on the way. Only a page with enough ruling edges to hold a table has its graphics turned into pdfplumber
objects, for pdfplumber's own table finder (`page_tables`). Nothing is kept on the page: `page.layout`
still builds pdfplumber's layout when something asks for it.

The chars agree with `page.chars` on every key they carry: tests/extractors/test_reader.py checks it on
real reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pdfminer.layout import LTContainer, LTCurve, LTImage, LTItem, LTLine, LTRect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.utils.exceptions import PdfminerException

from extractors.pdf.glyphs import GlyphDevice

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


def _leaves(items: Sequence[LTItem]) -> Iterator[LTItem]:
    for item in items:
        if isinstance(item, LTContainer):  # figures (form XObjects) hold paths and images of their own
            yield from _leaves(item._objs)
        else:
            yield item


def read_page(page: Any) -> PageContent:
    """The chars, image count and paths of a pdfplumber page, from one interpretation of the page.

    The PDF must be opened without layout analysis (no `laparams`, as `open_pdf` opens it): the chars
    come in content order, which is `page.chars`'s order only then."""
    if page.pdf.laparams is not None:
        raise ValueError("read_page reads PDFs opened without laparams")
    device = GlyphDevice(
        page.pdf.rsrcmgr,
        page.page_number,
        float(page.height),
        (float(page.mediabox[0]), float(page.mediabox[1])),
        page.pdf.unicode_norm,
    )
    try:
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Exception as exc:  # wrapped as `page.layout` wraps it
        raise PdfminerException(exc) from exc
    content = PageContent(chars=device.chars)
    for item in _leaves(device.get_result()._objs):
        if isinstance(item, LTCurve):  # LTRect and LTLine are curves too
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
