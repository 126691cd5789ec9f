"""RSS/Atom feeds and HTML landing pages: find the links that lead to reports.

Feeds are parsed with defusedxml, which refuses entity expansion and external entities, so a hostile
feed cannot blow up memory or read local files.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_MEDIA_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


class FeedError(Exception):
    """A feed that cannot be read safely or at all; one line."""


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: the link it points at and its title."""

    link: str
    title: str | None = None


def looks_like_feed(content: bytes, content_type: str | None = None) -> bool:
    """True for RSS 2.0, RSS 1.0 (RDF) and Atom documents, by media type or by their root element."""
    if content_type and content_type.split(";")[0].strip().lower() in FEED_MEDIA_TYPES:
        return True
    head = content[:2048].lstrip().lower()
    if not head.startswith(b"<?xml") and not head.startswith(b"<rss") and not head.startswith(b"<feed"):
        return False
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(content: bytes, base_url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom feed, links made absolute, in feed order, without duplicates."""
    try:
        root = SafeET.fromstring(content)
    except DefusedXmlException as exc:
        raise FeedError(f"{base_url}: feed refused ({type(exc).__name__})") from exc
    except SafeET.ParseError as exc:
        raise FeedError(f"{base_url}: not a well-formed feed ({exc})") from exc
    entries = _atom_entries(root) if root.tag == f"{ATOM}feed" else _rss_items(root)
    seen: set[str] = set()
    result = []
    for entry in entries:
        link = _absolute(base_url, entry.link)
        if link is not None and link not in seen and urlsplit(link).scheme in {"http", "https"}:
            seen.add(link)
            result.append(FeedEntry(link, entry.title))
    return result


def _absolute(base: str, link: str) -> str | None:
    """`link` made absolute against `base`; None for one no URL parser reads ("http://[::1/x": an IPv6
    host without its closing bracket), left out as a link to no web page is."""
    try:
        absolute = urljoin(base, link.strip())
        urlsplit(absolute)
    except ValueError:
        return None
    return absolute


def _rss_items(root: Element) -> list[FeedEntry]:
    entries = []
    # RSS 2.0 items sit under channel; RSS 1.0 items are namespaced children of rdf:RDF.
    for item in root.iter():
        if not item.tag.endswith("item"):
            continue
        link = title = enclosure = document = None
        for child in item:
            name = child.tag.rsplit("}", 1)[-1]
            if name == "link" and child.text:
                link = child.text
            elif name == "title":
                title = (child.text or "").strip() or None
            elif name == "enclosure" and child.get("url"):
                enclosure = enclosure or child.get("url")
                if document is None and _is_document(child.get("url", ""), child.get("type")):
                    document = child.get("url")
        chosen = document or link or enclosure
        if chosen:
            entries.append(FeedEntry(chosen, title))
    return entries


def _is_document(url: str, media_type: str | None) -> bool:
    """An enclosure that is the report itself: a PDF, by its declared type or its name. A think tank's feed
    links each entry to its landing page and encloses the report; a news feed encloses a picture."""
    declared = (media_type or "").split(";")[0].strip().lower()
    if declared in ("application/pdf", "application/x-pdf"):
        return True
    if declared.split("/")[0] in ("image", "audio", "video", "text"):
        return False
    # Untyped, or a generic type (application/octet-stream, binary/octet-stream): by its name.
    return urlsplit(url.strip()).path.lower().endswith(".pdf")


def _atom_entries(root: Element) -> list[FeedEntry]:
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        links = entry.findall(f"{ATOM}link")
        enclosures = [lk for lk in links if lk.get("rel") == "enclosure"]
        # Prefer an enclosed PDF (the report itself, where the alternate is its landing page), then the
        # alternate (the article), then any enclosure.
        chosen = next((lk for lk in enclosures if _is_document(lk.get("href", ""), lk.get("type"))), None)
        if chosen is None:  # an Element without children is falsy: compare with None, never use `or`
            chosen = next((lk for lk in links if lk.get("rel", "alternate") == "alternate"), None)
        if chosen is None:
            chosen = next(iter(enclosures), None)
        title = entry.findtext(f"{ATOM}title")
        if chosen is not None and chosen.get("href"):
            entries.append(FeedEntry(chosen.get("href", ""), (title or "").strip() or None))
    return entries


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        elif tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")


def is_pdf_link(url: str) -> bool:
    """A link whose path ends in .pdf (query strings allowed): what landing pages point reports at."""
    return urlsplit(url).path.lower().endswith(".pdf")


def pdf_links(html: bytes, page_url: str) -> list[str]:
    """Absolute http(s) links to PDFs found on an HTML page, in page order, without duplicates."""
    parser = _LinkParser()
    parser.feed(html.decode("utf-8", errors="replace"))
    base = (_absolute(page_url, parser.base) or page_url) if parser.base else page_url
    seen: set[str] = set()
    links = []
    for href in parser.hrefs:
        absolute = _absolute(base, href)
        if absolute is None:
            continue
        parts = urlsplit(absolute)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))  # drop #fragment
        if parts.scheme in {"http", "https"} and is_pdf_link(url) and url not in seen:
            seen.add(url)
            links.append(url)
    return links
