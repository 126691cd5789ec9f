"""Unicode clean-up shared by every extractor: ligatures, odd hyphens and spaces, split accents, NFC."""

from __future__ import annotations

import re
import unicodedata

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
    "\ua732": "AA",
    "\u0153": "oe",  # typographic ligature in our PDFs, not French spelling
}
# Spacing accents that TeX and some PDF producers draw as their own glyph over the letter.
SPACING_TO_COMBINING = {
    "\u02dc": "\u0303",  # ˜ tilde
    "~": "\u0303",
    "\u00b4": "\u0301",  # ´ acute
    "\u02ca": "\u0301",
    "`": "\u0300",  # grave
    "\u02cb": "\u0300",
    "\u02c6": "\u0302",  # ˆ circumflex
    "^": "\u0302",
    "\u00a8": "\u0308",  # ¨ diaeresis
    "\u02c7": "\u030c",  # ˇ caron
    "\u00b8": "\u0327",  # ¸ cedilla
    "\u02da": "\u030a",  # ˚ ring
    "\u00af": "\u0304",  # ¯ macron
    "\u02d8": "\u0306",  # ˘ breve
    "\u02d9": "\u0307",  # ˙ dot above
    "\u02dd": "\u030b",  # ˝ double acute
}
HYPHENS = "\u2010\u2011"  # typographic hyphens that mean the ASCII one
SOFT_HYPHEN = "\u00ad"
SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

_TRANSLATE = str.maketrans(
    {
        **LIGATURES,
        **{ch: "-" for ch in HYPHENS},
        **{ch: " " for ch in SPACES},
        **{ch: "" for ch in ZERO_WIDTH},
    }
)
_CID = re.compile(r"\(cid:\d+\)")
_MULTISPACE = re.compile(r"[ ]{2,}")
_DOTLESS_ACCENTED = re.compile(r"\u0131(?=[\u0300-\u036f])")
# Mathematical alphanumerics (𝟏𝟎𝟎, 𝑙𝑜𝑔): bold or italic digits and letters some producers set figures and
# formulas in; read as the plain ones ("100", "log"), as SQLite's search already folded them and
# PostgreSQL's did not.
_MATH_ALPHANUMERIC = re.compile("[\U0001d400-\U0001d7ff]")
_SPLIT_ACCENT = re.compile(r"([^\W\d_])([\u02dc\u00b4\u02c6\u00a8\u02c7\u00b8\u02da])(?=[^\W\d_])")


class _CombiningMarks(dict[int, int | None]):
    """str.translate's table dropping combining marks, filled per code point on first sight."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING_MARKS = _CombiningMarks()


def without_marks(decomposed: str) -> str:
    """A decomposed (NFD/NFKD) text without its combining marks: "Polici\u0301a" -> "Policia". Faster than
    testing each character in Python (ad-hoc timings: twice on the unlabeled real passages, mostly English,
    ~1.15x on accented Spanish)."""
    return decomposed.translate(_COMBINING_MARKS)


def normalize_char(text: str) -> str:
    """One glyph's text made plain: ligatures expanded, odd hyphens/spaces mapped, zero-width removed."""
    if text.isascii():
        return text
    return text.translate(_TRANSLATE)


def combine_accent(base: str, spacing_accent: str) -> str:
    """`base` with a spacing accent drawn over it, as one NFC character when one exists (a + ˜ = ã)."""
    mark = SPACING_TO_COMBINING.get(spacing_accent)
    if mark is None or not base:
        return base + spacing_accent
    if base.endswith("\u0131"):  # dotless i under an accent is a plain i with that accent
        base = base[:-1] + "i"
    return unicodedata.normalize("NFC", base[:-1] + base[-1] + mark)


def is_spacing_accent(ch: str) -> bool:
    """True for the stand-alone accent glyphs PDF producers draw over a letter."""
    return ch in SPACING_TO_COMBINING


def clean_text(text: str) -> str:
    """Clean a run of text: NFC, ligatures, hyphens, spaces, soft hyphens, unmapped glyph codes,
    mathematical bold and italic letters and digits.

    Newlines are kept; runs of spaces collapse to one.
    """
    text = _CID.sub("", text)
    text = text.translate(_TRANSLATE)
    text = text.replace(SOFT_HYPHEN, "")
    # Text that went through a PDF-to-text tool may carry accents after their letter ("Sa˜o"); the glyph
    # is drawn over the letter before it, which is how TeX places it.
    text = _SPLIT_ACCENT.sub(lambda m: combine_accent(m.group(1), m.group(2)), text)
    # TeX sets í as a dotless ı under an acute accent; NFC only composes it from a dotted i.
    text = _DOTLESS_ACCENTED.sub("i", text)
    text = plain_alphanumerics(unicodedata.normalize("NFC", text))
    return _MULTISPACE.sub(" ", text)


def plain_alphanumerics(text: str) -> str:
    """Mathematical bold and italic letters and digits (𝟏𝟎𝟎, 𝑙𝑜𝑔) as the plain ones ("100", "log")."""
    return _MATH_ALPHANUMERIC.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
