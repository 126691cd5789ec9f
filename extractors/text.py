"""Plain-text and Markdown reports to paragraphs."""

from __future__ import annotations

import re

from extractors.hyphenation import join_lines, vocabulary
from extractors.segment import Paragraph, paragraph_on_page
from extractors.unicode import clean_text

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
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
_BLANK = re.compile(r"\n\s*\n")
# A plain-text report's first block is its headline when it is one short line that ends like no sentence.
_HEADLINE_WORDS = 20
_SENTENCE_END = (".", ",", ";", ":")


def is_headline(block: str) -> bool:
    """One line of at most 20 words that does not end like a sentence or a clause."""
    line = block.strip()
    return "\n" not in line and 0 < len(line.split()) <= _HEADLINE_WORDS and not line.endswith(_SENTENCE_END)


def text_to_paragraphs(text: str, lang: str | None = None) -> list[Paragraph]:
    """Blank-line-separated blocks as paragraphs; hard-wrapped lines are joined (with de-hyphenation). A
    headline-like first block followed by more text is marked as a heading (the report's title)."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = [b for b in _BLANK.split(text) if b.strip()]
    vocab = vocabulary(blocks)
    paragraphs = [paragraph_on_page(join_lines(b.split("\n"), lang, vocab), 1) for b in blocks]
    if len(blocks) > 1 and is_headline(blocks[0]):
        paragraphs[0] = paragraph_on_page(paragraphs[0].text, 1, "heading")
    return paragraphs


def markdown_to_paragraphs(text: str, lang: str | None = None) -> list[Paragraph]:
    """Markdown blocks as paragraphs: headings marked, tables kept apart, code skipped, markup removed."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
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
            lines.append(_MD_LIST.sub("", line))
        else:
            if table:
                flush()
            lines.append(_MD_QUOTE.sub("", line))
    flush()
    return paragraphs


def _inline(text: str) -> str:
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub(r"\2", text).strip()
