"""Paragraphs to passages: split long paragraphs at sentences, merge short fragments, keep page provenance."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractors.document import Passage

MIN_WORDS = 40
MAX_WORDS = 250
PASSAGE_SEPARATOR = "\n\n"
# A table's or figure's caption: "Tabla 2. Área ...", "Figure 3: ...", "Gráfico 1 - ...", "Tabla N° 2",
# "Cuadro No. 3:", "Fig.3", "Figure A.1", "Tabla II", "TABELA 3" on a line of its own; with `loose`, also
# "Tabla 2 Puntuaciones mínimas ..." (a capital after the number, no sentence in it). Only a short
# paragraph is one, and none that ends in ":" (a lead-in: "Table 3 shows the results by department:").
_CAPTION = re.compile(
    r"^(?:fig\.?\s*|(?:table|tabla|tabela|cuadro|quadro|figure|figura|gr[áa]fic[oa]|graph|chart|map|mapa"
    r"|imagen|imagem|ilustraci[óo]n|ilustra[çc][ãa]o|diagrama|esquema)\s+)"
    r"(?:n[°ºo]\.?\s*|núm\.\s*)?(?:[a-z]\.?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)*[a-z]?|[ivx]+)(?=\W|$)"
    r"(?P<end>\s*(?:[.:–—-]|\n|$))?",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[.!?]\s|[.!?]$")
_CAPITAL = re.compile(r"\s+[^\W\d_]", re.UNICODE)
CAPTION_WORDS = 40
# A section heading set as text: "2.4. Variedad del cultivo ilícito", "3 Results" (a few words, no end).
_NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+[^\W\d_][^\n.!?:;]{0,80}$")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph from layout (or a heading, or a table) with the page each stretch of its text is on.

    `page_marks` holds (offset into text, 1-based page) pairs, sorted, the first at offset 0, so a paragraph
    that runs across a page break knows where the break falls.
    """

    text: str
    page_marks: tuple[tuple[int, int], ...]
    kind: str = "text"  # "text" | "heading" | "table" | "note" (a footnote)

    @property
    def page_start(self) -> int:
        return self.page_marks[0][1]

    @property
    def page_end(self) -> int:
        return self.page_marks[-1][1]

    def page_at(self, offset: int) -> int:
        """The page the character at `offset` is on."""
        page = self.page_marks[0][1]
        for start, number in self.page_marks:
            if start > offset:
                break
            page = number
        return page

    def slice(self, start: int, end: int) -> Paragraph:
        """The part text[start:end] with its own page marks."""
        marks = [(0, self.page_at(start))]
        marks += [(o - start, p) for o, p in self.page_marks if start < o < end and p != marks[-1][1]]
        return Paragraph(self.text[start:end], tuple(marks), self.kind)


def is_caption(text: str, loose: bool = False) -> bool:
    """Whether a paragraph is a table's or figure's caption: a short one opening with "Tabla 2.", ...; with
    `loose`, also one whose number is not set off ("Tabla 2 Puntuaciones ...") when a capital follows it
    and it holds no sentence."""
    match = _CAPTION.match(text)
    if match is None or word_count(text) > CAPTION_WORDS or text.rstrip().endswith(":"):
        return False
    if match.group("end") is not None:
        return True
    after = _CAPITAL.match(text, match.end())
    return loose and after is not None and after.group()[-1].isupper() and not _SENTENCE.search(text.rstrip())


def paragraph_on_page(text: str, page: int, kind: str = "text") -> Paragraph:
    """A paragraph that sits on one page."""
    return Paragraph(text, ((0, page),), kind)


def join_paragraphs(parts: Sequence[Paragraph], sep: str = "\n") -> Paragraph:
    """Several paragraphs as one (kind of the first non-heading part), page marks kept."""
    text_parts: list[str] = []
    marks: list[tuple[int, int]] = []
    offset = 0
    for i, part in enumerate(parts):
        if i:
            text_parts.append(sep)
            offset += len(sep)
        for o, p in part.page_marks:
            if not marks or marks[-1][1] != p:
                marks.append((offset + o, p))
        text_parts.append(part.text)
        offset += len(part.text)
    kinds = [p.kind for p in parts if p.kind != "heading"]
    return Paragraph("".join(text_parts), tuple(marks), kinds[0] if kinds else "heading")


def word_count(text: str) -> int:
    return len(text.split())


# Abbreviations after which a period does not end a sentence (en/es/pt, lower-cased, without the dot).
_ABBREVIATION_TEXT = """
e.g i.e etc al vs cf fig figs eq no nos nr p pp vol ed eds dr mr mrs ms prof sr sra srta dra lic ing
art arts núm num pág págs cap inc ltd co corp jr st av avda dept est aprox tel approx op cit ibid
u.s u.n jan feb mar apr jun jul aug sep sept oct nov dec ene abr ago dic
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
# Terminal punctuation, closing quotes, space, then a capital. A match starts at the first mark of a run
# and takes each part whole (possessive): trying every mark of a long run ("......") as a start, each
# backtracking to the run's end, made the search quadratic in the run's length.
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+\s++(?=[\"'“‘«(¿¡]?[A-ZÁÉÍÓÚÑÂÊÔÃÕÇÜ0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` (rule-based: terminal punctuation then a capital, abbreviations respected)."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        last_word = _last_word(text, start, match.start() + 1)
        token = last_word.rstrip(".!?…").lstrip("(\"'“").lower()
        if match.group().startswith(".") and (
            token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())
        ):
            continue
        sentences.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        sentences.append(text[start:])
    return sentences


def _last_word(text: str, start: int, end: int) -> str:
    """The last whitespace-separated word of text[start:end], read back from `end` only as far as needed:
    splitting all of it made a run of abbreviations and initials ("J. K. L. ...") quadratic."""
    width = 64
    while True:
        low = max(start, end - width)
        words = text[low:end].split()
        if low == start or len(words) > 1 or text[low].isspace():
            return words[-1] if words else ""
        width *= 4


def split_long_paragraph(para: Paragraph, max_words: int = MAX_WORDS) -> list[Paragraph]:
    """Cut a paragraph over `max_words` into even chunks at sentence boundaries (at words when a
    sentence alone is too long)."""
    total = word_count(para.text)
    if total <= max_words or para.kind == "heading":
        return [para]
    target = total / math.ceil(total / max_words)
    # Spans (start, end) of sentences; a sentence longer than max_words is cut at word boundaries.
    spans: list[tuple[int, int]] = []
    offset = 0
    for sentence in split_sentences(para.text):
        if word_count(sentence) > max_words:
            spans.extend(_word_chunks(sentence, offset, int(target)))
        else:
            spans.append((offset, offset + len(sentence)))
        offset += len(sentence)
    chunks: list[Paragraph] = []
    chunk_start, chunk_words = spans[0][0], 0
    for i, (start, end) in enumerate(spans):
        words = word_count(para.text[start:end])
        if chunk_words and chunk_words + words > max_words:
            chunks.append(para.slice(chunk_start, start))
            chunk_start, chunk_words = start, 0
        chunk_words += words
        last = i == len(spans) - 1
        if last or chunk_words >= target:
            chunks.append(para.slice(chunk_start, end))
            chunk_start, chunk_words = end, 0
    return [_strip(c) for c in chunks if c.text.strip()]


def _word_chunks(sentence: str, offset: int, size: int) -> list[tuple[int, int]]:
    starts = [m.start() for m in re.finditer(r"\S+", sentence)]
    spans = []
    for i in range(0, len(starts), max(size, 1)):
        begin = starts[i]
        end = starts[i + size] if i + size < len(starts) else len(sentence)
        spans.append((offset + begin, offset + end))
    return spans


def _strip(para: Paragraph) -> Paragraph:
    left = len(para.text) - len(para.text.lstrip())
    right = len(para.text.rstrip())
    return para.slice(left, right) if (left or right != len(para.text)) else para


def merge_fragments(
    paragraphs: Sequence[Paragraph],
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    page_breaks: bool = False,
) -> list[Paragraph]:
    """Group paragraphs into passage-sized units: headings go with the text after them, short paragraphs
    join a neighbour while the unit stays under `max_words`; tables stay on their own, with the caption
    right before them (a heading over that caption goes with the text after the table); a caption at a
    page's foot with no table after it ends its unit; footnotes ("note") keep to themselves, those in a
    row together. With `page_breaks` (slides) no unit runs from one page into the next: a slide's text is
    its own, however short."""
    units: list[Paragraph] = []
    buffer: list[Paragraph] = []
    buffer_words = 0
    notes: list[Paragraph] = []  # footnotes read since the last flush: they go after the unit they cut

    def flush() -> None:
        nonlocal buffer, buffer_words
        if buffer:
            units.append(join_paragraphs(buffer))
        buffer, buffer_words = [], 0
        flush_notes()

    def flush_notes() -> None:
        group: list[Paragraph] = []
        group_words = 0
        for note in notes:
            note_words = word_count(note.text)
            if group and group_words + note_words > max_words:
                units.append(join_paragraphs(group))
                group, group_words = [], 0
            group.append(note)
            group_words += note_words
        if group:
            units.append(join_paragraphs(group))
        notes.clear()

    def join_short_tail() -> None:
        """A short tail (of the report, or of a slide) reads best with the passage before it."""
        if (
            buffer
            and buffer_words < min_words
            and units
            and units[-1].kind == "text"
            and word_count(units[-1].text) + buffer_words <= max_words
            and not (page_breaks and units[-1].page_end != buffer[0].page_start)
        ):
            buffer.insert(0, units.pop())

    for para in paragraphs:
        words = word_count(para.text)
        if para.kind == "table":
            caption = [buffer.pop()] if buffer and _captions(buffer[-1], para) else []
            held: list[Paragraph] = []  # a heading over the caption: it goes with its section's text
            while caption and buffer and _heads(buffer[-1], para):
                held.insert(0, buffer.pop())
            buffer_words -= sum(word_count(p.text) for p in [*caption, *held])
            flush()
            if caption:  # the caption right before a table goes with it, not with the text
                para = dataclasses.replace(join_paragraphs([*caption, para]), kind="table")
                words = word_count(para.text)
            last = units[-1] if units else None
            # Small tables in a row on one page (a table of contents cut by gaps) read as one.
            if (
                last is not None
                and last.kind == "table"
                and last.page_end == para.page_start
                and min(word_count(last.text), words) < min_words
                and word_count(last.text) + words <= max_words
            ):
                units[-1] = join_paragraphs([last, para])
            else:
                units.append(para)
            buffer, buffer_words = held, sum(word_count(p.text) for p in held)
            continue
        if page_breaks and buffer and para.page_start != buffer[-1].page_end:
            join_short_tail()
            flush()
        if para.kind == "note" and not page_breaks:  # a slide's notes are its text
            notes.append(para)
            continue
        if buffer and is_caption(buffer[-1].text) and para.page_start != buffer[-1].page_end:
            flush()  # a figure's caption at a page's foot ends its unit: it heads no text on the next page
        if not buffer:  # the footnotes wait for no unit: the one they cut has gone
            flush_notes()
        only_headings = all(p.kind == "heading" for p in buffer)
        if (
            para.kind == "heading"
            and not only_headings
            or (
                buffer
                and not only_headings
                and (buffer_words + words > max_words or (buffer_words >= min_words and words >= min_words))
            )
            or buffer
            and only_headings
            and buffer_words + words > max_words
        ):
            flush()
        buffer.append(para)
        buffer_words += words
    join_short_tail()
    flush()
    return units


def _heads(para: Paragraph, table: Paragraph) -> bool:
    """Whether `para` is a section heading (no caption) right over a table's caption, on its page: a
    heading paragraph, or a short numbered line without a sentence end ("2.4. Variedad del cultivo")."""
    if para.page_end != table.page_start or is_caption(para.text):
        return False
    return para.kind == "heading" or bool(_NUMBERED_HEADING.match(para.text))


def _captions(para: Paragraph, table: Paragraph) -> bool:
    """Whether `para` is the caption of the table after it (on the same page)."""
    same_page = para.page_end == table.page_start
    return para.kind in ("text", "heading") and same_page and is_caption(para.text, loose=True)


def paragraphs_to_passages(
    paragraphs: Sequence[Paragraph],
    detect: Callable[[str], str | None] | None = None,
    default_lang: str | None = None,
    page_breaks: bool = False,
) -> tuple[str, list[Passage]]:
    """The report text and its passages: paragraphs split/merged to ~40-250 words, offsets into the text.

    `detect` gives each passage's language; passages too short to tell get `default_lang`. With
    `page_breaks` (slides) no passage runs across pages.
    """
    pieces: list[Paragraph] = []
    for para in paragraphs:
        if not para.text.strip():
            continue
        pieces.extend(split_long_paragraph(para) if para.kind != "table" else _split_table(para))
    units = merge_fragments(pieces, page_breaks=page_breaks)
    passages: list[Passage] = []
    offset = 0
    for seq, unit in enumerate(units):
        lang = detect(unit.text) if detect and unit.kind != "table" else None
        if offset:
            offset += len(PASSAGE_SEPARATOR)
        passages.append(
            Passage(
                seq=seq,
                page_start=unit.page_start,
                page_end=unit.page_end,
                text=unit.text,
                char_start=offset,
                char_end=offset + len(unit.text),
                lang=lang or default_lang,
                kind="table" if unit.kind == "table" else "text",
            )
        )
        offset += len(unit.text)
    return PASSAGE_SEPARATOR.join(u.text for u in units), passages


def _split_table(para: Paragraph, max_words: int = MAX_WORDS * 2) -> list[Paragraph]:
    """Big tables are cut between rows so a passage stays readable."""
    if word_count(para.text) <= max_words:
        return [para]
    chunks: list[Paragraph] = []
    start = words = 0
    offset = 0
    for row in para.text.split("\n"):
        row_words = word_count(row)
        if words and words + row_words > max_words:
            chunks.append(para.slice(start, offset - 1))
            start, words = offset, 0
        words += row_words
        offset += len(row) + 1
    chunks.append(para.slice(start, len(para.text)))
    return [c for c in chunks if c.text.strip()]


def majority_language(passages: Sequence[Passage]) -> str | None:
    """The language of most of the report's pages, None when no passage could tell.

    Each page counts once, for the language most of its words are in (text passages with a detected
    language; a passage counts on every page it spans); a tie between pages goes to the language of most
    words, as does a report of one page (HTML, plain text). Counting words alone let a few pages of quoted
    matter outweigh the rest: Spanish slides showing screenshots of English articles' first pages were
    English by words (601 against 461) though Spanish on 9 of their 12 pages with text. A Spanish article
    with an English abstract on its first page stays Spanish either way.
    """
    words: dict[str, int] = {}
    page_words: dict[int, dict[str, int]] = {}
    for p in passages:
        if p.lang and p.kind == "text":
            n = word_count(p.text)
            words[p.lang] = words.get(p.lang, 0) + n
            for page in range(p.page_start, p.page_end + 1):
                on_page = page_words.setdefault(page, {})
                on_page[p.lang] = on_page.get(p.lang, 0) + n
    if not words:
        return None
    pages: dict[str, int] = {}
    for on_page in page_words.values():
        lang = max(on_page, key=lambda k: (on_page[k], words[k]))
        pages[lang] = pages.get(lang, 0) + 1
    return max(words, key=lambda k: (pages.get(k, 0), words[k]))
