"""Blocks to paragraphs: lines joined with de-hyphenation, and a paragraph cut by a column or page break
joined back together when it clearly runs on (no sentence end, next block starts in lower case)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from extractors.hyphenation import join_lines
from extractors.pdf.blocks import Block
from extractors.pdf.tables import Table
from extractors.segment import Paragraph, is_caption, join_paragraphs, paragraph_on_page
from extractors.unicode import clean_text

_LEADERS = re.compile(r"(?:\s?\.){4,}\s?|(?:\s?[_·]){4,}\s?")

_SENTENCE_END = tuple(".!?:;…")


def runs_on(previous: Paragraph, block_text: str, previous_full: bool = False) -> bool:
    """Whether `block_text` continues `previous` (cut by a column or page break, a figure or a footnote):
    no sentence end before, and a lower-case start after, or a last line that ran to the margin."""
    if previous.kind != "text" or not block_text:
        return False
    end = previous.text.rstrip().rstrip('"”’»)')
    if end.endswith(_SENTENCE_END):
        return False
    return block_text[0].islower() or end.endswith("-") or (previous_full and block_text[0].isalnum())


def blocks_to_paragraphs(
    blocks: Sequence[Block], lang: str | None, vocab: Mapping[str, int]
) -> list[Paragraph]:
    """Paragraphs from blocks in reading order, continuations across breaks joined. Footnotes (kind
    "note") stay paragraphs of their own where they stand, and a paragraph they cut runs on past them. A
    figure's caption continues nothing, and runs on only to its own next line (same page, same size), not
    into the text after it."""
    paragraphs: list[Paragraph] = []
    previous_full = False
    previous_size = 0.0
    for block in blocks:
        text = clean_text(_LEADERS.sub(" … ", join_lines(block.texts, lang, vocab))).strip()
        if not text:
            continue
        if block.kind == "note":
            paragraphs.append(paragraph_on_page(text, block.page, "note"))
            continue
        full, previous_full = previous_full, block.ends_full
        size, previous_size = previous_size, block.lines[0].size
        last = _last_body(paragraphs)
        if (
            block.kind == "text"
            and last is not None
            and runs_on(paragraphs[last], text, full)
            and not is_caption(text)
            and not (
                is_caption(paragraphs[last].text)
                and (paragraphs[last].page_end != block.page or abs(block.lines[0].size - size) > 0.5)
            )
        ):
            previous = paragraphs[last]
            joined = join_lines([previous.text, text], lang, vocab)
            sep = " " if joined == f"{previous.text} {text}" else ""
            paragraphs[last] = join_paragraphs([previous, paragraph_on_page(text, block.page)], sep=sep)
            continue
        paragraphs.append(paragraph_on_page(text, block.page, block.kind))
    return paragraphs


def _last_body(paragraphs: Sequence[Paragraph]) -> int | None:
    """The index of the last paragraph that is no footnote, None when there is none."""
    for i in range(len(paragraphs) - 1, -1, -1):
        if paragraphs[i].kind != "note":
            return i
    return None


def insert_tables(paragraphs: list[Paragraph], tables: Sequence[tuple[int, Table]]) -> list[Paragraph]:
    """Tables as their own paragraphs, placed after the last paragraph starting on or before their page."""
    out = list(paragraphs)
    for page, table in tables:
        index = len(out)
        for i, para in enumerate(out):
            if para.page_start > page:
                index = i
                break
        out.insert(index, paragraph_on_page(table.text, page, "table"))
    return out
