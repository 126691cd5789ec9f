"""Chars to words: one pass over pdfplumber's chars in content order, splitting at gaps measured against
the font size (TeX PDFs have no space glyphs, so a fixed tolerance glues words) and putting spacing accents
back on their letter (Sa˜o → São)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from extractors.unicode import combine_accent, is_spacing_accent, normalize_char

# A gap wider than this share of the font size separates words. TeX's tightest inter-word space is about
# 0.2 em; kerning inside a word stays under 0.05 em.
WORD_GAP_RATIO = 0.12
# Going back left by more than this share of the size means a new line or a new text run.
BACKTRACK_RATIO = 0.5
_WHITESPACE = frozenset(" \t\n\r\u00a0\u2002\u2003\u2009\u200a\u202f\u3000")


@dataclass(frozen=True, slots=True)
class Word:
    """A word on a page: text and box in PDF points (top-left origin, as pdfplumber gives)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    noted: bool = False  # a raised note number stood right before it and was dropped (a footnote's start)


class _Builder:
    __slots__ = ("text", "x0", "x1", "top", "bottom", "size", "bold", "last_x0")

    def __init__(self, text: str, char: Mapping[str, Any], size: float) -> None:
        self.text = text
        self.x0 = char["x0"]
        self.x1 = char["x1"]
        self.top = char["top"]
        self.bottom = char["bottom"]
        self.size = size
        self.bold = "bold" in char.get("fontname", "").lower()
        self.last_x0 = char["x0"]

    def add(self, text: str, char: Mapping[str, Any]) -> None:
        self.text += text
        self.x1 = max(self.x1, char["x1"])
        self.top = min(self.top, char["top"])
        self.bottom = max(self.bottom, char["bottom"])
        self.last_x0 = char["x0"]

    def word(self) -> Word:
        return Word(self.text, self.x0, self.x1, self.top, self.bottom, self.size, self.bold)


def chars_to_words(chars: Iterable[Mapping[str, Any]]) -> list[Word]:
    """Words from pdfplumber char dicts (content order). Rotated chars are left out (margin stamps)."""
    words: list[Word] = []
    current: _Builder | None = None
    pending_accent: Mapping[str, Any] | None = None  # an accent drawn before the letter it sits on
    last: Mapping[str, Any] | None = None
    for char in chars:
        if not char.get("upright", True):
            continue
        text = char["text"]
        if not text or text in _WHITESPACE or text.isspace():
            if current is not None:
                words.append(current.word())
                current = None
            continue
        size = char.get("size") or (char["bottom"] - char["top"]) or 1.0
        if last is not None and _duplicate(char, last):
            continue  # "fake bold": the same glyph drawn twice at (almost) the same spot
        if is_spacing_accent(text):
            if current is not None and last is not None and _overlaps(char, last):
                current.text = combine_accent(current.text, text)
                last = char
                continue
            pending_accent = char
            continue
        text = normalize_char(text)
        if pending_accent is not None:
            if _overlaps(pending_accent, char):
                text = combine_accent(text, pending_accent["text"])
            elif current is not None:
                current.add(pending_accent["text"], pending_accent)
            pending_accent = None
        if current is not None and last is not None and not _same_word(last, char, current, size):
            words.append(current.word())
            current = None
        if current is None:
            current = _Builder(text, char, size)
        else:
            current.add(text, char)
        last = char
    if current is not None:
        words.append(current.word())
    return words


def _same_word(prev: Mapping[str, Any], char: Mapping[str, Any], current: _Builder, size: float) -> bool:
    gap = char["x0"] - prev["x1"]
    if gap > WORD_GAP_RATIO * size:
        return False
    if char["x0"] < current.last_x0 - BACKTRACK_RATIO * size or gap < -BACKTRACK_RATIO * size:
        return False
    # A different baseline (superscript, next line) or size starts a new word.
    if abs(char["bottom"] - prev["bottom"]) > 0.25 * size:
        return False
    return abs(size - current.size) <= 0.2 * current.size


def _overlaps(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two glyphs overlap horizontally by at least a third of the narrower one."""
    overlap = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    narrower = min(a["x1"] - a["x0"], b["x1"] - b["x0"]) or 1.0
    return overlap >= narrower / 3


def _duplicate(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a["text"] == b["text"] and abs(a["x0"] - b["x0"]) < 0.5 and abs(a["top"] - b["top"]) < 0.5


def attach_drop_caps(words: list[Word]) -> list[Word]:
    """Join a drop cap (one big capital) to the rest of its word beside it: "I" + "ntroducción"."""
    if not words:
        return words
    sizes = sorted(w.size for w in words)
    body = sizes[len(sizes) // 2]
    caps = [w for w in words if len(w.text) == 1 and w.text.isupper() and w.size >= 1.6 * body]
    if not caps:
        return words
    drop: set[int] = set()
    replaced: dict[int, Word] = {}
    index = {id(w): i for i, w in enumerate(words)}
    for cap in caps:
        beside = [
            w
            for w in words
            if w is not cap
            and w.text[:1].islower()
            and -1.0 <= w.x0 - cap.x1 <= w.size
            and cap.top - 1.0 <= w.top < cap.bottom
        ]
        if not beside:
            continue
        rest = min(beside, key=lambda w: w.top)
        i = index[id(rest)]
        if i in replaced:
            continue
        replaced[i] = Word(
            cap.text + rest.text, rest.x0, rest.x1, rest.top, rest.bottom, rest.size, rest.bold
        )
        drop.add(index[id(cap)])
    return [replaced.get(i, w) for i, w in enumerate(words) if i not in drop]
