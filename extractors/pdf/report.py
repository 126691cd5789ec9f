"""Page layouts of a whole PDF to an ExtractedDocument: running lines out, blocks, paragraphs, passages,
title/date/author, warnings about pages without a text layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from extractors.assemble import assemble_document
from extractors.document import ExtractedDocument
from extractors.hyphenation import vocabulary
from extractors.language import detect_language
from extractors.pdf import metadata as meta
from extractors.pdf.blocks import Block, lines_to_blocks, mark_notes
from extractors.pdf.headers import find_running_lines, is_page_number, line_key, split_running_lines
from extractors.pdf.layout import PageLayout
from extractors.pdf.lines import Line, median_size
from extractors.pdf.paragraphs import insert_tables, read_paragraphs
from extractors.pdf.tables import Table
from extractors.sniff import PDF

# The front matter, where a printed date is the publication date: the first two pages (a cover and a title
# page, or an image-only cover and the title page after it), the top of each.
FRONT_PAGES = 2
FRONT_LINES = 60


def distinct_lines(lines: list[str]) -> list[str]:
    """Running lines less those made only of others: a header read as one line on some pages
    ("Observatory Plan Colombia") and as its halves on others ("Observatory", "Plan Colombia") is listed
    as the halves."""
    keys = [line_key(line) for line in lines]
    kept = []
    for line, key in zip(lines, keys, strict=True):
        rest = f" {key} "
        for other in sorted({k for k in keys if k != key}, key=len, reverse=True):
            rest = rest.replace(f" {other} ", " ")
        if rest.strip() or key.count(" ") == 0:
            kept.append(line)
    return kept


def page_ranges(numbers: Sequence[int]) -> str:
    """1, 2, 3, 5, 7, 8 → "1-3, 5, 7-8"."""
    parts: list[str] = []
    numbers = sorted(numbers)
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(parts)


def drop_running_lines(
    layouts: Sequence[PageLayout],
) -> tuple[list[tuple[PageLayout, list[Line]]], list[Line]]:
    """Each page with its body lines, and all the running header/footer/page-number lines dropped."""
    running = find_running_lines([(lay.height, lay.lines) for lay in layouts])
    body: list[tuple[PageLayout, list[Line]]] = []
    dropped: list[Line] = []
    for lay in layouts:
        kept, gone = split_running_lines(lay.lines, lay.height, running)
        body.append((lay, kept))
        dropped.extend(gone)
    return body, dropped


def layouts_to_document(
    layouts: Sequence[PageLayout],
    info: Mapping[str, Any],
    *,
    uri: str,
    sha256: str,
    pages: int,
    warnings: Sequence[str] = (),
) -> ExtractedDocument:
    """Everything after the page-by-page read: needs no PDF objects, only the layouts."""
    warnings = list(warnings)
    body, dropped = drop_running_lines(layouts)
    header_lines: dict[str, str] = {}  # key -> first text seen, so "Report, page 3" is kept once
    for line in dropped:
        if not is_page_number(line.text):
            header_lines.setdefault(line_key(line.text), line.text)
    body_size = median_size([ln for _, lines in body for ln in lines])
    blocks: list[Block] = []
    tables: list[tuple[int, Table]] = []
    open_note = False  # the last page's footnote runs on to this one
    for lay, lines in body:
        page = lines_to_blocks(lines, lay.number, body_size)
        page, open_note = mark_notes(page, body_size, lay.height, open_note)
        blocks.extend(page)
        tables.extend((lay.number, t) for t in lay.tables)
    all_text = [ln.text for b in blocks for ln in b.lines]
    lang = detect_language(" ".join(all_text[len(all_text) // 4 :][:400]) or " ".join(all_text))
    paragraphs, places = read_paragraphs(blocks, lang, vocabulary(all_text))
    paragraphs = insert_tables(paragraphs, tables, places)

    image_only = [lay.number for lay in layouts if lay.image_only]
    if image_only:
        noun = "page" if len(image_only) == 1 else "pages"
        warnings.append(f"no text layer on {noun} {page_ranges(image_only)} (OCR not yet supported)")
    if not paragraphs and not image_only:
        warnings.append("no text found in PDF")

    first_lines = next((lines for _, lines in body if lines), [])
    title_lines = first_lines[:40]
    title = meta.title_from_metadata(info, [ln.text for ln in title_lines])
    title = title or meta.title_from_lines(title_lines)
    front_lines = [ln.text for lay, lines in body if lay.number <= FRONT_PAGES for ln in lines[:FRONT_LINES]]
    published = meta.publication_date(front_lines, info)
    metadata: dict[str, str] = {}
    if header_lines:
        metadata["running_header"] = " / ".join(distinct_lines(list(header_lines.values()))[:5])
    metadata["running_lines_dropped"] = str(len(dropped))
    for key in ("Producer", "Creator", "Subject", "Keywords"):
        value = meta._text(info.get(key))
        if value:
            metadata[key.lower()] = value
    return assemble_document(
        paragraphs,
        uri=uri,
        sha256=sha256,
        media_type=PDF,
        pages=pages,
        title=title,
        published=published,
        author=meta.author_from_metadata(info),
        warnings=warnings,
        metadata=metadata,
        slides=is_slide_deck(layouts),
    )


def is_slide_deck(layouts: Sequence[PageLayout]) -> bool:
    """Slides: landscape pages (wider than 4:3), nearly all of them. A report with landscape pages for its
    wide tables is not one: its passages may run on from one page to the next."""
    wide = sum(1 for lay in layouts if lay.width > 1.2 * lay.height)
    return bool(layouts) and wide >= 0.8 * len(layouts)
