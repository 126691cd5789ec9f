"""Measures of extraction quality, used by the tests and bench/extraction_quality.py.

- glued-token share: whitespace tokens (URLs, e-mails and DOIs left out) with more than 25 letters, over
  all tokens. Real words that long are very rare in en/es/pt; glued words ("theresultsshowthat") are not.
- word recall: how many of the words in a reference text (the PDF's own text layer as another engine reads
  it) come out of extraction. Words are compared as lower-case letter runs of two or more letters with
  accents stripped (engines disagree on where a TeX accent goes, which is not what this measures),
  counted with multiplicity; recall = sum(min(ours[w], ref[w])) / sum(ref[w]). The reference is cleaned
  with `clean_reference`: words it breaks with a line-end hyphen are joined (extraction joins them too),
  words with glyphs PDFium could not decode (TeX ligatures) are left out, and the bench also leaves out
  the running header/footer lines extraction drops on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extractors.unicode import without_marks

GLUED_LETTERS = 25
_URLISH = re.compile(r"(https?:|www\.|@|doi\.org|/\S*/|\.(com|org|net|gov|edu)\b)", re.IGNORECASE)
_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def glued_tokens(text: str) -> list[str]:
    """Tokens of `text` with more than 25 letters that are not URLs, e-mail addresses or DOIs."""
    return [
        t for t in text.split() if sum(ch.isalpha() for ch in t) > GLUED_LETTERS and not _URLISH.search(t)
    ]


def glued_token_share(text: str) -> float:
    """Share of whitespace tokens that are glued words (see module docstring)."""
    tokens = text.split()
    return len(glued_tokens(text)) / len(tokens) if tokens else 0.0


def comparable_words(text: str) -> Counter[str]:
    """Lower-case, accent-free letter runs of two or more letters, counted. Stand-alone accent glyphs are
    dropped first, so a TeX "Ju´arez" counts as "juarez" as it would with the accent on its letter."""
    text = text.translate(_SPACING_ACCENTS)
    decomposed = unicodedata.normalize("NFKD", text).lower()  # NFKD first: "𝐓" has no lower case, "T" has
    plain = without_marks(decomposed)
    return Counter(_LETTER_RUN.findall(plain))


def word_recall(extracted: str, reference: str) -> float:
    """Share of the reference's words (with multiplicity) found in the extracted text."""
    return counter_recall(comparable_words(extracted), comparable_words(reference))


def counter_recall(ours: Counter[str], ref: Counter[str]) -> float:
    """Share of the reference word counts matched by ours (see `word_recall`)."""
    total = sum(ref.values())
    if not total:
        return 1.0
    return sum(min(n, ours[w]) for w, n in ref.items()) / total


_SPACING_ACCENTS = str.maketrans(
    {ch: "" for ch in "\u00b4\u02dc\u00a8\u02c6\u02c7\u00b8\u02da\u02d9\u0060\u02dd"}
)
# Glyphs PDFium could not map to text (ligatures in some TeX fonts come out as C1 controls or private-use
# characters): the reference cannot say what these words are, so they are left out of it.
_UNDECODED = re.compile(r"\S*[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f\ue000-\uf8ff\ufffd]\S*")

# PDFium marks a hyphen that breaks a word at a line end with U+FFFE (or keeps "-" before the line break).
_REFERENCE_BREAK = re.compile(r"([^\W\d_])(?:\ufffe|[-\u00ad\u2010]\s*\r?\n)\s*([^\W\d_])")


def join_reference_breaks(text: str) -> str:
    """A reference text with its line-end hyphenated words joined, as extraction joins them."""
    return _REFERENCE_BREAK.sub(r"\1\2", text)


def clean_reference(text: str) -> str:
    """PDFium's text made a fair reference: hyphen breaks joined, words with undecoded glyphs left out."""
    return _UNDECODED.sub(" ", join_reference_breaks(text))
