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
    headline-like first block followed by more text is marked as a heading (the report's title), and so is
    the first line of a first block whose other lines are a byline or a dateline ("EXTORTION IN HONDURAS" /
    "By Ana Pérez, 12 March 2024"): those lines are a paragraph of their own."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = [b for b in _BLANK.split(text) if b.strip()]
    if blocks and _headline_over_byline(blocks[0]):
        headline, _, byline = blocks[0].strip().partition("\n")
        blocks[:1] = [headline, byline]
    vocab = vocabulary(blocks)
    paragraphs = [paragraph_on_page(join_lines(b.split("\n"), lang, vocab), 1) for b in blocks]
    if len(blocks) > 1 and is_headline(blocks[0]):
        paragraphs[0] = paragraph_on_page(paragraphs[0].text, 1, "heading")
    return paragraphs


# A byline under a plain text's headline: "By Ana Pérez", "Por: Juan Gómez", "Autor: ...".
_BYLINE = re.compile(r"^\W*(by|por|autor[a]?|author|escrito por|reporting by)\b", re.IGNORECASE)
# The blocks of a plain text's head read for its date: its first ones, before any body text.
FRONT_BLOCKS = 3
_FRONT_MATTER = re.compile(r"^---\s*\n(.*?)\n---\s*$", re.DOTALL)


def _headline_over_byline(block: str) -> bool:
    """A headline line over one to three short lines, each a byline or a dateline."""
    first, *rest = block.strip().split("\n")
    return (
        is_headline(first)
        and 0 < len(rest) <= 3
        and all(len(line.split()) <= 12 and (_BYLINE.match(line) or _dateline(line)) for line in rest)
    )


def _dateline(line: str) -> bool:
    """A line of a plain text's head that dates it: a dateline (extractors.pdf.metadata.dateline_date)
    whose other words are at most two names or a label ("Bogotá, agosto de 2013", "Belo Horizonte, agosto
    de 2023", "date: 2021-06-30", "Publicado: 3 de mayo de 2021"), or a byline's ("By Ana Pérez, 12 March
    2024"). Hard-wrapped prose breaks lines anywhere, so a line there can be a date and a few words of a
    sentence ("March 12, 2024 and seized", "in March 2019, police"): lower-case words say so."""
    from extractors.pdf.metadata import dateline_date, dates_in

    if dateline_date(line) is None:
        return False
    spans = [(start, end) for start, end, _ in dates_in(line)]
    rest = "".join(" " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(line))
    words = [w for w in rest.split() if any(ch.isalpha() for ch in w)]
    if _BYLINE.match(line):
        return len(words) <= 5
    label = bool(words) and words[0].endswith(":")
    names = words[1:] if label else words
    return len(names) <= 2 and all(w[0].isupper() for w in names)


def front_lines(text: str) -> list[str]:
    """The datelines of a plain text's head (see _dateline), where a date says when it appeared: the lines
    under its headline in its first block ("EXTORTION IN HONDURAS" / "By Ana Pérez, 12 March 2024"), a line
    standing alone as a block of its own among its first blocks ("Belo Horizonte, agosto de 2023"), and a
    Markdown export's front matter ("---" / "date: 2021-06-30" / "---"). A date in a paragraph, however
    short its wrapped lines, is what the text talks about."""
    blocks = [b.strip() for b in _BLANK.split(text.replace("\r\n", "\n").replace("\r", "\n")) if b.strip()]
    lines: list[str] = []
    for i, block in enumerate(blocks[:FRONT_BLOCKS]):
        matter = _FRONT_MATTER.match(block)
        if matter:
            lines.extend(matter.group(1).split("\n"))
        elif "\n" not in block:
            lines.append(block)
        elif i == 0 and _headline_over_byline(block):
            lines.extend(block.split("\n")[1:])
    return [line.strip() for line in lines if _dateline(line.strip())]


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
