"""PDF reports to an ExtractedDocument, one page at a time (memory stays bounded by the largest page).

The chain: chars → words (words.py) → rows → lines in reading order (lines.py, columns.py) → running
headers dropped (headers.py) → blocks (blocks.py) → paragraphs joined across columns and pages with
de-hyphenation (paragraphs.py) → passages (extractors.segment).
"""

from __future__ import annotations

import logging
from typing import IO, Any

from extractors.document import ExtractedDocument
from extractors.errors import ExtractionError
from extractors.guards import PdfLimits, check_inflated_streams, check_page_count, page_content_bytes
from extractors.pdf.layout import PageLayout, page_to_layout

log = logging.getLogger(__name__)

__all__ = ["extract_pdf", "open_pdf", "read_layouts"]


def open_pdf(source: str | IO[bytes], password: str | None = None) -> Any:
    """Open a PDF with pdfplumber (with `password` for an encrypted one); a broken or encrypted file
    raises ExtractionError."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(source, password=password or "")  # type: ignore[arg-type]
        _ = len(pdf.pages)  # forces the page tree to be read, where most broken files fail
        return pdf
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        cause = exc.__cause__ or exc.__context__ or exc
        if (
            isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError)
            or isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError)
            or "password" in str(exc).lower()
            or "encrypt" in str(exc).lower()
        ):
            if password:
                raise ExtractionError("PDF is encrypted: wrong password") from None
            raise ExtractionError("PDF is encrypted (password required)") from None
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExtractionError(f"broken PDF: {message[:200]}") from None


def read_layouts(pdf: Any, warnings: list[str], limits: PdfLimits | None = None) -> list[PageLayout]:
    """Every page's layout, releasing each page's objects once read; a page whose content streams are
    over the limit is skipped with a warning (its chars would cost seconds and hundreds of MB)."""
    limits = limits or PdfLimits()
    layouts = []
    for index, page in enumerate(pdf.pages):
        try:
            size = page_content_bytes(page)
            if size > limits.max_page_content_bytes:
                mb = limits.max_page_content_bytes / (1 << 20)
                warnings.append(f"page {index + 1} skipped: content stream over the {mb:g} MB limit")
                continue
            layouts.append(page_to_layout(page, index + 1))
        except Exception as exc:  # one bad page must not lose the report
            log.warning("page %d unreadable: %s", index + 1, exc)
            warnings.append(f"page {index + 1} could not be read ({type(exc).__name__})")
        finally:
            page.close()
    return layouts


def extract_pdf(
    source: str | IO[bytes],
    uri: str,
    sha256: str,
    limits: PdfLimits | None = None,
    raw: bytes | None = None,
    password: str | None = None,
) -> ExtractedDocument:
    """Extract a PDF (path or binary file object) into an ExtractedDocument; `raw`, the file's bytes
    when the caller holds them, is checked for decompression bombs before pdfminer sees it; `password`
    opens an encrypted one."""
    from extractors.pdf.report import layouts_to_document

    limits = limits or PdfLimits()
    if raw is not None:
        check_inflated_streams(raw, limits)
    pdf = open_pdf(source, password)
    try:
        warnings: list[str] = []
        try:
            info = dict(pdf.metadata or {})
        except Exception:  # metadata is a nicety: broken info dictionaries are common
            info = {}
        page_count = len(pdf.pages)
        check_page_count(page_count, limits)
        layouts = read_layouts(pdf, warnings, limits)
    finally:
        pdf.close()
    return layouts_to_document(layouts, info, uri=uri, sha256=sha256, pages=page_count, warnings=warnings)
