"""Plain-text and Markdown reports to paragraphs."""

from __future__ import annotations

import re
from collections.abc import Mapping

from extractors.hyphenation import join_lines, vocabulary
from extractors.segment import Paragraph, paragraph_on_page
from extractors.text_head import BLANK, is_head_line, is_headline, is_saved_page_line
from extractors.unicode import clean_text

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+")  # an ordered item keeps its number ("1. a retirada ...")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Emphasis spans at most EMPHASIS_CHARS: an opening mark that never closes is then given up after that many
# characters, not at the end of the line (a one-line file with many unclosed marks was quadratic: 88 kB of
# "*note" took 8 s). Underscores inside a word (snake_case, author__name) are no marks, as in CommonMark.
EMPHASIS_CHARS = 2000
_MD_EMPHASIS = re.compile(
    rf"(\*\*|\*|`|(?<!\w)__|(?<!\w)_(?!_))(?=\S)(.{{1,{EMPHASIS_CHARS}}}?)(?<=\S)\1(?!(?<=_)\w)"
)
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
def text_to_paragraphs(text: str, lang: str | None = None) -> list[Paragraph]:
    """Blank-line-separated blocks as paragraphs; hard-wrapped lines are joined (with de-hyphenation). A
    headline-like first block followed by more text is marked as a heading (the report's title), and so is
    the first line of a first block whose other lines are a byline or a dateline ("EXTORTION IN HONDURAS" /
    "By Ana Pérez, 12 March 2024"): those lines are a paragraph of their own. A list item (a bullet or a
    number opening a line) keeps a line of its own; a "# " before a one-line first block goes."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = [b for b in BLANK.split(text) if b.strip()]
    # A page saved with its address and the day it was saved on top: the headline comes after them.
    saved = [all(map(is_saved_page_line, b.split("\n"))) for b in blocks]
    h = saved.index(False) if False in saved else len(blocks)
    if h < len(blocks) and _MD_HEADING.match(blocks[h]) and "\n" not in blocks[h].strip():
        blocks[h] = _MD_HEADING.sub(r"\1", blocks[h].strip())  # "# Title" in a text read as plain
    if h < len(blocks) and len(rows := blocks[h].strip().split("\n")) == 2 and _MD_SETEXT.match(rows[1]):
        blocks[h] = rows[0]  # "Title" over "=====" in a text read as plain
    if h < len(blocks) and _headline_over_byline(blocks[h]):
        headline, _, byline = blocks[h].strip().partition("\n")
        blocks[h : h + 1] = [headline, byline]
    vocab = vocabulary(blocks)
    paragraphs = [paragraph_on_page(_join_block(b.split("\n"), lang, vocab), 1) for b in blocks]
    if len(blocks) > h + 1 and is_headline(blocks[h]):
        paragraphs[h] = paragraph_on_page(paragraphs[h].text, 1, "heading")
    return paragraphs


def _headline_over_byline(block: str) -> bool:
    """A headline line over one to three short lines, each a byline, a person's name or a dateline."""
    first, *rest = block.strip().split("\n")
    return is_headline(first) and 0 < len(rest) <= 3 and all(is_head_line(line) for line in rest)


# A list item's first line in plain text: a bullet or a number ("• ...", "- ...", "1. ...", "2) ...").
_LIST_ITEM = re.compile(r"^\s*(?:[•·▪◦‣*+\-–—]|\d{1,3}[.)])\s+\S")


def _join_block(lines: list[str], lang: str | None, vocab: Mapping[str, int]) -> str:
    """A block's hard-wrapped lines joined into its text, each list item on a line of its own ("• Las ONG
    pidieron ..." was run into the item before it)."""
    items: list[list[str]] = []
    for line in lines:
        if not items or _LIST_ITEM.match(line):
            items.append([line])
        else:
            items[-1].append(line)
    return "\n".join(join_lines(item, lang, vocab) for item in items)


def markdown_to_paragraphs(text: str, lang: str | None = None) -> list[Paragraph]:
    """Markdown blocks as paragraphs: headings marked, tables kept apart, code skipped, markup removed. A
    first block that is one headline line (no "#"), or a headline over its byline, is a heading too, as in
    plain text (a text with a list reads as Markdown)."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    first = BLANK.split(text.lstrip("\n"), maxsplit=1)[0]
    if not _MD_HEADING.match(first) and _headline_over_byline(first):
        headline, _, rest = text.lstrip("\n").partition("\n")
        text = f"{headline}\n\n{rest}"  # a headline over its byline: a paragraph of its own
        first = headline
    plain_headline = is_headline(first) and not _MD_HEADING.match(first) and not _MD_LIST.match(first)
    paragraphs: list[Paragraph] = []
    vocab = vocabulary([text])
    lines: list[str] = []
    table: list[str] = []
    in_code = False

    def flush() -> None:
        if lines:
            paragraphs.append(paragraph_on_page(join_lines([_inline(x) for x in lines], lang, vocab), 1))
            lines.clear()
        if table:
            rows = [" | ".join(c.strip() for c in r.strip().strip("|").split("|")) for r in table]
            paragraphs.append(paragraph_on_page("\n".join(_inline(r) for r in rows), 1, "table"))
            table.clear()

    for line in text.split("\n"):
        if line.strip().startswith("```"):
            flush()
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            paragraphs.append(paragraph_on_page(_inline(heading.group(1)), 1, "heading"))
        elif _MD_SETEXT.match(line) and len(lines) == 1:
            paragraphs.append(paragraph_on_page(_inline(lines.pop()), 1, "heading"))
        elif line.strip().startswith("|"):
            if lines:
                flush()
            if not _MD_TABLE_RULE.match(line):
                table.append(line)
        elif not line.strip():
            flush()
        elif _MD_LIST.match(line):
            flush()
            lines.append(_MD_BULLET.sub("", line).strip())
        else:
            if table:
                flush()
            lines.append(_MD_QUOTE.sub("", line))
    flush()
    headings = any(p.kind == "heading" for p in paragraphs)
    if plain_headline and not headings and len(paragraphs) > 1 and paragraphs[0].text == _inline(first):
        paragraphs[0] = paragraph_on_page(paragraphs[0].text, 1, "heading")
    return paragraphs


def _inline(text: str) -> str:
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub(r"\2", text).strip()
