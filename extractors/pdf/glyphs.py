"""A pdfminer device that keeps each glyph as the light char dict extraction reads, never as an LTChar.

pdfplumber's `page.layout` interprets a page with its `PDFPageAggregatorWithMarkedContent`, which builds
an LTChar for every glyph (bounding box by matrix products, colour state, marked-content tags) only for
`read_page` to copy eight of its values. `GlyphDevice` is that same device with the glyph step replaced:
each glyph's values are computed with the very float operations LTChar and pdfplumber use (so they come
out identical, bit for bit) and appended as a dict, in content order; a form XObject's glyphs come where
the figure stands, as a walk of the layout gives them. Paths, images and figures are still pdfplumber's
objects, built and tagged as `page.layout` builds them, for the table finder.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pdfminer.layout import LTChar, LTLayoutContainer
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextSeq
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFResourceManager
from pdfminer.utils import Matrix, Point
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

UnicodeNorm = Literal["NFC", "NFD", "NFKC", "NFKD"]  # pdfplumber's `unicode_norm` option


class GlyphDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page device, with glyphs read straight into `chars` (the reader's KEYS, in the
    coordinates `page.chars` gives them: top-down, shifted by the MediaBox origin)."""

    def __init__(
        self,
        rsrcmgr: PDFResourceManager,
        pageno: int,
        height: float,
        origin: tuple[float, float],
        norm: UnicodeNorm | None,
    ) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.chars: list[dict[str, Any]] = []
        self.height = height
        self.x_shift, self.y_shift = origin
        self.norm = norm
        # Where the newest glyph went: (container, its object count then). See tag_cur_item.
        self._glyph_at: tuple[LTLayoutContainer, int] | None = None

    def render_string_horizontal(
        self,
        seq: PDFTextSeq,
        matrix: Matrix,
        pos: Point,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> Point:
        """pdfminer's loop over a string's glyphs (same advances, same order), with LTChar's box inlined:
        the matrix, font, descent and `upright` hold for the whole string, only the origin moves."""
        (a, b, c, d, e, f) = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        fontname = _fontname(font)
        descent = font.get_descent() * fontsize
        low, high = descent + rise, descent + rise + fontsize  # the glyph box's y0, y1 before the matrix
        a0, b0 = a * 0, b * 0  # the box's x0 is 0 (LTChar multiplies it too: the sign of a zero matters)
        height, x_shift, y_shift, norm = self.height, self.x_shift, self.y_shift, self.norm
        chars = self.chars
        before = len(chars)
        (x, y) = pos
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    text = self._text_of(font, cid)
                    adv = font.char_width(cid) * fontsize * scaling
                    # utils.translate_matrix, then utils.apply_matrix_rect on (0, low, adv, high); LTChar's
                    # swap of x0/x1 and y0/y1 never applies to a min and a max
                    e1 = x * a + y * c + e
                    f1 = x * b + y * d + f
                    left1, bottom1 = a0 + c * low + e1, b0 + d * low + f1
                    right1, bottom2 = a * adv + c * low + e1, b * adv + d * low + f1
                    right2, top1 = a * adv + c * high + e1, b * adv + d * high + f1
                    left2, top2 = a0 + c * high + e1, b0 + d * high + f1
                    x0 = min(left1, left2, right1, right2)
                    y0 = min(bottom1, bottom2, top1, top2)
                    x1 = max(left1, left2, right1, right2)
                    y1 = max(bottom1, bottom2, top1, top2)
                    chars.append({
                        "text": unicodedata.normalize(norm, text) if norm is not None else text,
                        "x0": x0 + x_shift,
                        "x1": x1 + x_shift,
                        "top": height - y1 + y_shift,
                        "bottom": height - y0 + y_shift,
                        "size": y1 - y0,
                        "fontname": fontname,
                        "upright": upright,
                    })
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            else:
                super().render_string_horizontal(  # pdfminer's warning for an object it cannot show
                    [obj], matrix, (x, y), font, fontsize, scaling, charspace, wordspace, rise, dxscale,
                    ncs, graphicstate,
                )
        if len(chars) > before:
            self._glyph_at = (self.cur_item, len(self.cur_item._objs))
        return (x, y)

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> float:
        """A glyph of vertical writing (rare; horizontal strings never come here): pdfminer's own LTChar,
        read into a light char and dropped."""
        text = self._text_of(font, cid)
        item = LTChar(matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid),
                      ncs, graphicstate)
        norm = self.norm
        self.chars.append({
            "text": unicodedata.normalize(norm, text) if norm is not None else text,
            "x0": item.x0 + self.x_shift,
            "x1": item.x1 + self.x_shift,
            "top": self.height - item.y1 + self.y_shift,
            "bottom": self.height - item.y0 + self.y_shift,
            "size": item.size,
            "fontname": _fontname(font),
            "upright": item.upright,
        })
        self._glyph_at = (self.cur_item, len(self.cur_item._objs))
        return item.adv

    def _text_of(self, font: PDFFont, cid: int) -> str:
        """The glyph's text as pdfminer's layout analyzer gives it ("(cid:N)" when the font has none)."""
        try:
            return font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            return self.handle_undefined_char(font, cid)

    def tag_cur_item(self) -> None:
        """Tag the newest object with the marked-content id as pdfplumber does, except when a glyph came
        after it: pdfplumber would then tag that glyph's LTChar (never built here), not the object."""
        at = self._glyph_at
        if at is not None and at[0] is self.cur_item and at[1] == len(self.cur_item._objs):
            return
        super().tag_cur_item()


def _fontname(font: PDFFont) -> str:
    """The font's name as extraction reads it (rare byte-encoded names decoded)."""
    name: Any = font.fontname
    return name.decode("utf-8", "replace") if isinstance(name, bytes) else name
