"""Extraction: PDF, HTML, plain-text and Markdown reports into clean passages with page provenance.

from extractors import extract_path
doc = extract_path("report.pdf")
doc.passages[0].text, doc.passages[0].page_start
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from extractors.document import ExtractedDocument, Passage
from extractors.errors import ExtractionError
from extractors.guards import PdfLimits

# Bump when a change alters what extraction produces (passages, languages, titles, dates): stores keep
# the version that read each report, and the next ingest of a report read by another version reads it
# again. tests/extractors/test_extractor_version.py fails until a change to the output bumps it.
# 1.1.0: the extraction as of 2026-12-04 (1.0.0 had been kept through many changes).
# 1.2.0: reference lists marked as passages of kind "reference"; a left column that runs on below a
# short right one read before it; a running header over both columns kept as one line.
# 1.3.0: a byline's date ("Author | Institute | 2024-03-15") is the published date.
# 1.4.0: a report's language is that of most of its pages, not of most words (slides quoting English
# articles in screenshots were English); the bundled samples read as under 1.3.0.
# 1.5.0: Markdown keeps underscores inside words (snake_case names lost them between two such words) and
# reads emphasis of at most 2,000 characters; a reference list's quoted titles are at most 300 characters
# (both were unbounded, and quadratic on one-line text full of marks that never close); the bundled samples
# read as under 1.3.0.
# 1.6.0: a PDF title from the page ends at a gap much wider than its own line spacing (a heading set in
# its size after a blank line was read into it), takes lines within 5% of its size (an OCR layer sizes
# each line apart) and reads an OCR "é" before a capital as "¿"; a metadata title drops an author credit
# ("... J. jara") that the first page prints; the bundled samples read as under 1.3.0.
# 1.7.0: a short passage detected as another of the field's languages than its report's takes the
# report's unless the detector finds it four times likelier (a Portuguese cover read as Spanish); one
# image-only page is "no text layer on page 6", not "pages 6"; the bundled samples read as under 1.3.0.
# 1.8.0: a ruled table whose cells miss over a tenth of the words in its box (rows left unruled between
# ruled totals, as in UNODC's eradication tables) is read row by row, whole: those rows were lost; two or
# three rows of two columns in line with the page's column gutter are read column by column (they were
# read across), a table's number under both columns after a gap after both of them, and a left column
# that runs on three rows or more past the right one before it; a slide deck's passages keep to their
# slide (a methods slide and two results slides made one passage); the
# bundled samples read as under 1.3.0. A file named .pdf that holds text or HTML is read so with a warning
# saying so; a file of JSON data (JSON lines of passages) is refused, not read as a report's text.
# 1.9.0: footnotes (set smaller, in the lower half of a page, opening with a note number, raised or not,
# running to the foot of their column or page) are passages of their own, placed after the passage they
# cut, a footnote going on at the next page's foot is one, and the paragraph a page break and its
# footnotes cut runs on past them (they were read into it); a ruled table stands where it is on its page,
# in its column, not after the page's text, with the caption right before it in its passage; a caption
# continues no paragraph, runs on into no text on the next page or in another size, and ends its passage
# at a page's foot; text going on in lower case after a caption goes on from the paragraph before it;
# mathematical bold and italic letters and digits (𝟏𝟎𝟎, 𝑙𝑜𝑔) read as plain ones; the bundled samples
# read as under 1.3.0.
# 1.10.0: plain text and Markdown read their head (extractors/text_head.py): a headline over an author's
# line or a dateline is the title, a dateline under it or in a short block of its own among the first
# (in the date forms of English, Spanish and Portuguese pages) the published date, front matter gives
# title, date and author and is no passage, heading marks go, a saved page's address is skipped, and list
# items keep their lines and numbers (plain text and Markdown had no date); an HTML page with neither
# title nor metadata takes its opening headline; the bundled samples read as under 1.3.0.
# 1.10.1: a text's dateline may name a place the gazetteer knows however many words and particles it has
# ("Rio de Janeiro, 20 de dezembro de 2018", "Ciudad de México, 3 de mayo de 2019": too many words for a
# place before; "Massacre do Carandiru, 2 de outubro de 1992" is still no dateline); the bundled samples
# read as under 1.3.0.
EXTRACTOR_VERSION = "1.10.1"

# Bump when a change alters the countries, places or programs the tagger (extractors.tagging) finds: a
# gazetteer entry, a rule. Stores keep the version that tagged each report (reports.tagger_version); the
# query commands say when reports were tagged by an older one, and `citsec db retag` tags them again.
# tests/tagging/test_tagger_version.py fails until a change to the gazetteers or to the tags of its texts
# bumps it. Here rather than in extractors.tagging, whose import loads spaCy: the query commands read it.
# 1: the tagger before versions were recorded (a store's NULL reads as older still).
# 2: Brazil's GLO operations, the 2018 federal intervention in Rio, SUSP and UPP Social in the gazetteer.
TAGGER_VERSION = 2

__all__ = [
    "EXTRACTOR_VERSION",
    "TAGGER_VERSION",
    "ExtractedDocument",
    "ExtractionError",
    "Passage",
    "PdfLimits",
    "is_blank",
    "extract_bytes",
    "extract_path",
    "preload",
]

# Languages whose word lists a worker host loads up front: the reports in this field.
PRELOAD_LANGS = ("en", "es", "pt")


def preload(langs: tuple[str, ...] = PRELOAD_LANGS) -> None:
    """Load now what extraction otherwise loads on first use: the PDF libraries, the language detector
    (about a second to build) and the hyphenation word lists of `langs`. A process that forks workers
    calls it once, so each worker starts with them instead of loading its own copy."""
    import pdfplumber  # noqa: F401

    from extractors.hyphenation import load_word_lists
    from extractors.language import load_detector

    load_detector()
    load_word_lists(langs)


def extract_path(
    path: str | Path, limits: PdfLimits | None = None, password: str | None = None
) -> ExtractedDocument:
    """Extract a report file; its type is sniffed from its content, not its name. `password` opens an
    encrypted PDF."""
    path = Path(path)
    if not path.exists():
        raise ExtractionError(f"no such file: {path}")
    if path.is_dir():
        raise ExtractionError(f"is a folder, not a file: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read {path}: {exc.strerror or exc}") from None
    return extract_bytes(data, str(path), limits, password=password)


def is_blank(data: bytes) -> bool:
    """Whether a file holds nothing to read (no bytes, or only white space): extract_bytes refuses it at
    once, so a caller may tell without loading anything else."""
    return not data.strip()


def extract_bytes(
    data: bytes, uri: str, limits: PdfLimits | None = None, password: str | None = None
) -> ExtractedDocument:
    """Extract a report held in memory; `uri` is where it came from (kept as the document's uri).

    `limits` bound what one PDF may cost (pages, inflated streams, content per page); defaults apply.
    `password` opens an encrypted PDF (other types ignore it)."""
    from extractors.sniff import HTML, MARKDOWN, PDF, TEXT, decode_text, is_json, sniff_media_type

    if is_blank(data):
        raise ExtractionError(f"empty file: {uri}")
    sha256 = hashlib.sha256(data).hexdigest()
    media_type = sniff_media_type(data)
    if media_type == PDF:
        from extractors.pdf import extract_pdf

        return extract_pdf(
            io.BytesIO(data),
            uri=uri,
            sha256=sha256,
            limits=limits or PdfLimits(),
            raw=data,
            password=password,
        )
    if media_type is None:
        raise ExtractionError(f"unsupported file type (not PDF, HTML or text): {uri}")
    text = decode_text(data)
    if text is None:
        raise ExtractionError(f"cannot decode text: {uri}")
    if media_type == TEXT and is_json(text):
        raise ExtractionError(
            f"JSON data, not a report: {uri} (`citsec tag` reads passages as JSON lines, `citsec label "
            "import` labels)"
        )
    if media_type == HTML:
        document = _extract_html(text, uri, sha256)
    else:
        document = _extract_text(text, uri, sha256, markdown=media_type == MARKDOWN, media_type=media_type)
    if _named_pdf(uri):  # a server's error or login page saved under the document's name, most often
        read_as = {HTML: "an HTML page", MARKDOWN: "Markdown"}.get(media_type, "plain text")
        document.warnings.append(f"named .pdf but holds {read_as}, not a PDF: read as {read_as}")
    return document


def _named_pdf(uri: str) -> bool:
    """Whether the file or URL path ends in .pdf (the query left out)."""
    from urllib.parse import urlsplit

    path = urlsplit(uri).path if uri.startswith(("http://", "https://")) else uri
    return path.lower().endswith(".pdf")


def _extract_html(text: str, uri: str, sha256: str) -> ExtractedDocument:
    from extractors.assemble import assemble_document
    from extractors.html import html_to_content
    from extractors.sniff import HTML

    url = uri if uri.startswith(("http://", "https://")) else None
    content = html_to_content(text, url)
    return assemble_document(
        content.paragraphs,
        uri=uri,
        sha256=sha256,
        media_type=HTML,
        pages=1,
        title=content.title,
        published=content.published,
        author=content.author,
        metadata=content.metadata,
    )


def _extract_text(text: str, uri: str, sha256: str, markdown: bool, media_type: str) -> ExtractedDocument:
    from extractors.assemble import assemble_document
    from extractors.language import detect_language
    from extractors.text import markdown_to_paragraphs, text_to_paragraphs
    from extractors.text_head import head_date, head_line_date, split_front_matter

    meta, body = split_front_matter(text)  # a Markdown export's front matter says, and is no passage
    lang = detect_language(body[:5000])
    paragraphs = markdown_to_paragraphs(body, lang) if markdown else text_to_paragraphs(body, lang)
    if not paragraphs:
        raise ExtractionError(f"no text in file: {uri}")
    heading = next((p.text for p in paragraphs if p.kind == "heading"), None)
    title = meta.get("title") or heading
    dated = meta.get("date") or meta.get("published")
    published = (head_line_date(f"date: {dated}", lang) if dated else None) or head_date(body, lang)
    return assemble_document(
        paragraphs, uri=uri, sha256=sha256, media_type=media_type, pages=1, title=title, published=published,
        author=meta.get("author") or None,
    )
