"""Reference lists: the bibliography at the end of a paper, marked so it is not read as discussion.

An academic paper's reference list can be a third of its passages ("Torcato, C. E. M. (2011). A Repressão
Oficial ao Jogo do Bicho ..."). Read as prose, its titles lend the report strategy labels and its places
of publication lend it countries ("Madrid: Pirámide" is not a passage about Spain). Its passages keep
their text and pages (a reader may search a cited author), with kind "reference".

A list starts at a passage whose first line is a references heading in English, Spanish or Portuguese
("References", "Referencias bibliográficas", "REFERÊNCIAS", "7. Bibliography") and runs while the passages
after it read as entries: citation marks (years, "Surname, I." authors, volume and page numbers, quoted
titles, links) at least REFERENCE_MARKS per 100 words, or a short fragment of an entry ("26-52.",
"Econometrica 75 (1), 1-53."). It ends at the first passage that opens with an appendix, a table or a
figure ("A Appendix", "APÊNDICE", "Table A1:"), with another heading over text that is not entries, or
that reads as prose or a table. Without a heading nothing is marked: in-text citations make a literature
review dense in years too. A heading set in capitals on one line with the first entry ("BIBLIOGRAFÍA Banco
Mundial, 2017. ...") is split off its paragraph first (split_glued_headings), so the list starts a passage.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence

from extractors.document import Passage
from extractors.segment import Paragraph
from extractors.unicode import without_marks

REFERENCE_KIND = "reference"

_HEADINGS = frozenset({
    "references", "reference list", "bibliography", "works cited", "literature cited", "cited works",
    "referencias", "referencias bibliograficas", "bibliografia", "bibliografia citada", "obras citadas",
    "referencias citadas", "bibliografia consultada", "literatura citada",
})
# "7. ", "7.1 ", "VII. ", "A. " before a heading; "(continued)" after it.
_NUMBERING = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)*|[IVXLC]+|[A-Z])[.)]?\s+", re.IGNORECASE)
_CONTINUED = re.compile(r"\s*\((?:continued|cont\.?|continuacion|continuacao)\)$")
# What follows a reference list: an appendix, a table or a figure ("A Appendix", "Table A1:", "ANEXO 2").
_AFTER_LIST = re.compile(
    r"^(?:[A-Z0-9]{1,3}[.)]?\s+)?(?:appendix|appendices|annex|apendice|anexos?|table|tabla|tabela|figure|"
    r"figura|grafico|cuadro|quadro|chart)\b",
    re.IGNORECASE,
)

_YEAR = re.compile(r"(?<![\d.,])(?:1[6-9]|20)\d\d[a-z]?(?![\d%])")
_AUTHOR = re.compile(r"\b[A-ZÀ-Þ][\w’'-]+,\s(?:[A-ZÀ-Þ]\.\s?){1,3}")
# A quoted title is at most TITLE_CHARS long, so an opening mark that never closes costs that many characters,
# not the rest of the passage (quadratic on a passage full of them).
TITLE_CHARS = 300
_LOCATOR = re.compile(rf"\d+\s?\(\d+\)|\bpp?\.\s?\d|https?://|\bdoi\b|\d+[–-]\d+\.|“[^”]{{12,{TITLE_CHARS}}}”")
# Citation marks per 100 words: reference entries here run at 7 to 18, full-name styles at about 2.5;
# a passage under a heading-like first line continues the list only at ENTRY_MARKS (an appendix that
# cites its sources runs at about 3).
REFERENCE_MARKS = 2.0
ENTRY_MARKS = 5.0
# A fragment cut from an entry: a journal's volume and pages, a link, "Cited on pages 5, 6 and 14."
FRAGMENT_WORDS = 12
HEADING_WORDS = 6


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return without_marks(decomposed).casefold()


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def is_references_heading(line: str) -> bool:
    """Whether a line is the heading of a reference list ("References", "7. Referencias bibliográficas")."""
    bare = _CONTINUED.sub("", _folded(line).strip().rstrip(" :."))
    if bare in _HEADINGS:
        return True
    return _NUMBERING.sub("", bare, count=1) in _HEADINGS


def _opens_with_heading(text: str) -> bool:
    """A short first line with no digits or punctuation: the heading of what follows the list."""
    line = _first_line(text)
    return len(line.split()) <= HEADING_WORDS and not re.search(r"[\d,.;:]", line)


def citation_density(text: str) -> float:
    """Citation marks (years, "Surname, I." authors, volume and pages, quoted titles, links) per 100 words."""
    words = len(text.split())
    marks = len(_YEAR.findall(text)) + len(_AUTHOR.findall(text)) + len(_LOCATOR.findall(text))
    return 100.0 * marks / max(words, 1)


def _continues_list(passage: Passage) -> bool:
    text = passage.text
    if _AFTER_LIST.match(_folded(_first_line(text))):
        return False
    density = citation_density(text)
    if _opens_with_heading(text):
        # A corporate author on a line of its own ("World Health Organization\n(2014). ...") opens an
        # entry; a heading over prose or figures ends the list.
        return density >= ENTRY_MARKS
    if len(text.split()) < FRAGMENT_WORDS:
        return True  # a piece of an entry: "26-52.", "University of Texas Press."
    return passage.kind != "table" and density >= REFERENCE_MARKS


def split_glued_headings(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """The paragraphs, with a references heading in capitals that opens a paragraph on the same line as
    the first entry ("BIBLIOGRAFÍA Banco Mundial, 2017. Chile: ...") made a heading paragraph of its own,
    so the list starts a passage. Only capitals: "References to the Merida Initiative ..." is a sentence."""
    out: list[Paragraph] = []
    for para in paragraphs:
        split = _glued_heading_end(para.text) if para.kind == "text" else None
        if split is None:
            out.append(para)
            continue
        heading_end, rest_start = split
        heading = para.slice(0, heading_end)
        out.append(Paragraph(heading.text, heading.page_marks, "heading"))
        out.append(para.slice(rest_start, len(para.text)))
    return out


def _glued_heading_end(text: str) -> tuple[int, int] | None:
    """(end of the heading, start of the rest) when `text` opens with a references heading in capitals
    followed by more text on its line; else None."""
    words = list(re.finditer(r"\S+", text[:200]))
    for count in (3, 2, 1):
        if len(words) <= count:
            continue
        head = words[:count]
        if all(w.group().isupper() for w in head) and is_references_heading(text[: head[-1].end()]):
            return head[-1].end(), words[count].start()
    return None


def mark_reference_lists(passages: Sequence[Passage]) -> list[Passage]:
    """The passages, with those of each reference list (heading to last entry) of kind "reference"."""
    marked: list[Passage] = []
    in_list = False
    for passage in passages:
        if is_references_heading(_first_line(passage.text)):
            in_list = True
        elif in_list and not _continues_list(passage):
            in_list = False
        marked.append(dataclasses.replace(passage, kind=REFERENCE_KIND) if in_list else passage)
    return marked
