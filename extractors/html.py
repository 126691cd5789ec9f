"""HTML pages (news articles, report landing pages) to paragraphs with trafilatura's main-text extractor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from extractors.errors import ExtractionError
from extractors.segment import Paragraph, paragraph_on_page
from extractors.text_head import is_headline
from extractors.unicode import clean_text


@dataclass(frozen=True)
class HtmlContent:
    """What a web page holds: its main text as paragraphs and the metadata trafilatura found."""

    paragraphs: list[Paragraph]
    title: str | None
    published: datetime.date | None
    author: str | None
    metadata: dict[str, str]


def html_to_content(html: str, url: str | None = None) -> HtmlContent:
    """Main text, title, date and author of an HTML page; raises ExtractionError when it has no text.

    The date is the one the page marks as its own (meta tags, structured data, a <time> element or a
    date-classed element, the URL), never a date merely written in the article's text: trafilatura's
    extensive search, which falls back to those, is off."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_tables=True,
        include_comments=False,
        output_format="python",
        favor_recall=True,
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": datetime.date.today().isoformat(),
        },
    )
    if not isinstance(doc, trafilatura.settings.Document) or not (doc.text or "").strip():
        raise ExtractionError("no main text found in HTML page")
    text = clean_text(doc.text or "")
    title = clean_text(doc.title).strip() if doc.title else None
    paragraphs: list[Paragraph] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        kind = "heading" if paragraphs == [] and title and line == title else "text"
        paragraphs.append(paragraph_on_page(line, 1, kind))
    if title is None and len(paragraphs) > 1 and is_headline(paragraphs[0].text):
        # A page without <title> or metadata (saved as bare paragraphs) opens with its headline, as text does.
        title = paragraphs[0].text
        paragraphs[0] = paragraph_on_page(title, 1, "heading")
    metadata = {
        k: str(v)
        for k, v in (("sitename", doc.sitename), ("hostname", doc.hostname), ("description", doc.description))
        if v
    }
    return HtmlContent(paragraphs, title or None, _parse_date(doc.date), doc.author or None, metadata)


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
