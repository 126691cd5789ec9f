"""Blocks to paragraphs: lines joined with de-hyphenation, and a paragraph cut by a column or page break
joined back together when it clearly runs on (no sentence end, next block starts in lower case)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from extractors.hyphenation import join_lines
from extractors.pdf.blocks import Block, opens_note
from extractors.pdf.tables import Table
from extractors.segment import Paragraph, is_caption, join_paragraphs, paragraph_on_page
from extractors.unicode import clean_text, plain_alphanumerics

_LEADERS = re.compile(r"(?:\s?\.){4,}\s?|(?:\s?[_·]){4,}\s?")

_SENTENCE_END = tuple(".!?:;…")
SAME_SIZE = 0.5  # points: two blocks within this are set in one size


def runs_on(previous: Paragraph, block_text: str, previous_full: bool = False) -> bool:
    """Whether `block_text` continues `previous` (cut by a column or page break, a figure or a footnote):
    no sentence end before, and a lower-case start after, or a last line that ran to the margin."""
    if previous.kind != "text" or not block_text:
        return False
    end = _end(previous.text)
    if end.endswith(_SENTENCE_END):
        return False
    return block_text[0].islower() or end.endswith("-") or (previous_full and block_text[0].isalnum())


def _end(text: str) -> str:
    """How `text` ends, closing quotes and brackets aside (what says whether it ends a sentence)."""
    return text.rstrip().rstrip('"”’»)')


Place = tuple[float, float, float]  # where a paragraph begins on its first page: top, left, right


def read_paragraphs(
    blocks: Sequence[Block], lang: str | None, vocab: Mapping[str, int]
) -> tuple[list[Paragraph], list[Place]]:
    """Paragraphs from blocks in reading order, and where each begins on its first page (its first
    block's top and horizontal extent, for placing tables among them), continuations across breaks
    joined. Footnotes (kind "note") stay paragraphs of their own where they stand, a footnote cut by a page
    break or a block break joined up, and a paragraph they cut runs on past them. A figure's caption
    continues nothing and runs on only to its own next line (same page, same size); text that goes on in
    lower case after a caption goes on from the paragraph the figure cut, when that one runs on."""
    paragraphs: list[Paragraph] = []
    sizes: list[float] = []  # the size of each paragraph's last block
    places: list[Place] = []
    previous_full = False
    for block in blocks:
        text = clean_text(_LEADERS.sub(" … ", join_lines(block.texts, lang, vocab))).strip()
        if not text:
            continue
        size = block.lines[0].size
        if block.kind == "note":
            target = _last_index(paragraphs, note=True)
            if target is None or not _note_runs_on(paragraphs[target], block):
                paragraphs.append(paragraph_on_page(text, block.page, "note"))
                sizes.append(size)
                places.append(_place(block))
                continue
        else:
            full, previous_full = previous_full, block.ends_full
            target = _run_on_target(paragraphs, sizes, text, block, full) if block.kind == "text" else None
            if target is None:
                paragraphs.append(paragraph_on_page(text, block.page, block.kind))
                sizes.append(size)
                places.append(_place(block))
                continue
        previous = paragraphs[target]
        joined = join_lines([previous.text, text], lang, vocab)
        sep = " " if joined == f"{previous.text} {text}" else ""
        paragraphs[target] = join_paragraphs([previous, paragraph_on_page(text, block.page)], sep=sep)
        sizes[target] = size
    return paragraphs, places


def _place(block: Block) -> Place:
    return block.lines[0].top, min(ln.x0 for ln in block.lines), max(ln.x1 for ln in block.lines)


def _run_on_target(
    paragraphs: Sequence[Paragraph], sizes: Sequence[float], text: str, block: Block, full: bool
) -> int | None:
    """The paragraph (index) that `text` goes on from, None when it starts one: the last one but the
    footnotes, unless that is a caption the text is no next line of. A caption itself continues nothing."""
    last = _last_index(paragraphs, note=False)
    if last is None or is_caption(text):
        return None
    if not is_caption(paragraphs[last].text):
        return last if runs_on(paragraphs[last], text, full) else None
    size = block.lines[0].size
    own_line = paragraphs[last].page_end == block.page and abs(sizes[last] - size) <= SAME_SIZE
    before = _last_index(paragraphs[:last], note=False)
    if (
        before is not None
        and text[:1].islower()
        and not is_caption(paragraphs[before].text)
        and runs_on(paragraphs[before], text)
        and abs(sizes[before] - size) <= abs(sizes[last] - size)
    ):
        return before  # "... gastar frecuentemente en" [Tabla 4] "el juego más dinero ..."
    return last if own_line and runs_on(paragraphs[last], text, full) else None


def _note_runs_on(previous: Paragraph, block: Block) -> bool:
    """Whether a footnote's block goes on with the footnote before it (cut by a page or a block break):
    that one has no sentence end, and this one opens no footnote of its own."""
    return not _end(previous.text).endswith(_SENTENCE_END) and not opens_note(block)


def _last_index(paragraphs: Sequence[Paragraph], note: bool) -> int | None:
    """The index of the last footnote (`note`) or of the last paragraph that is none, None when none is."""
    for i in range(len(paragraphs) - 1, -1, -1):
        if (paragraphs[i].kind == "note") == note:
            return i
    return None


def insert_tables(
    paragraphs: list[Paragraph], tables: Sequence[tuple[int, Table]], places: Sequence[Place]
) -> list[Paragraph]:
    """Tables as their own paragraphs, each placed where it stands, not after the rest of its page's text:
    before the first paragraph that begins on its page below its top and across from it (`places`: where
    each paragraph begins; in its own column, on a page of columns), else after the last one across from
    it on its page (a table at the foot of the left column comes before the right one), else after the
    last paragraph that begins on or before its page. A caption above a table is then right before it,
    and merge_fragments joins the two; one under it is left where it is ("Figura 8." under one table may
    be the caption of the chart below it)."""
    out = list(paragraphs)
    where = list(places)
    for page, table in tables:
        index = next((i for i, para in enumerate(out) if _below(para, where, i, page, table)), None)
        if index is None:  # nothing under it in its column: after what is above it there, else the page
            above = [i for i, para in enumerate(out) if para.page_start == page and _across(where, i, table)]
            later = (i for i, para in enumerate(out) if para.page_start > page)
            index = above[-1] + 1 if above else next(later, len(out))
        out.insert(index, paragraph_on_page(plain_alphanumerics(table.text), page, "table"))
        x0, top, x1, _ = table.bbox
        where.insert(index, (top, x0, x1))
    return out


def _below(para: Paragraph, places: Sequence[Place], i: int, page: int, table: Table) -> bool:
    """Whether the i-th paragraph comes after the table: it begins on a later page, or on the table's page
    below its top and across from it."""
    if para.page_start != page:
        return para.page_start > page
    return places[i][0] > table.bbox[1] and _across(places, i, table)


def _across(places: Sequence[Place], i: int, table: Table) -> bool:
    """Whether the i-th paragraph begins across from the table (their horizontal extents overlap)."""
    _, x0, x1 = places[i]
    left, _, right, _ = table.bbox
    return min(x1, right) - max(x0, left) > 0
