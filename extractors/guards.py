"""Limits that keep one hostile PDF from taking the machine: pages, inflated stream size, content per page.

pdfminer inflates a FlateDecode stream in one `zlib.decompress` call, so a 2 MB file can ask for gigabytes
before any page is read. `check_inflated_streams` measures every compressed stream first, in bounded
chunks, and refuses the file when one inflates past the limit. Image streams are left out: text
extraction never inflates them, and big scanned pages are legitimate.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from extractors.errors import ExtractionError

MB = 1 << 20

# `stream` followed by an end of line, but not the tail of `endstream`.
_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_DICT_LOOKBACK = 4096  # how far before `stream` its dictionary may start
_FEED = 64 * 1024  # compressed bytes fed to zlib at a time
_OUT = 4 * MB  # inflated bytes asked of zlib at a time: memory stays bounded whatever the ratio


@dataclass(frozen=True)
class PdfLimits:
    """Per-file limits for PDFs: page count, inflated size of one stream and of all streams, content
    stream bytes per page (a page over it is skipped with a warning)."""

    max_pages: int = 2000
    max_stream_bytes: int = 256 * MB
    max_total_inflated: int = 1024 * MB
    max_page_content_bytes: int = 4 * MB


def inflated_size(data: bytes | memoryview, start: int, cap: int) -> int | None:
    """How many bytes the zlib stream at `start` inflates to, counting at most `cap + 1`;
    None when no zlib stream starts there."""
    view = memoryview(data)
    inflater = zlib.decompressobj()
    total = 0
    position = start
    pending = b""
    try:
        while total <= cap and not inflater.eof:
            if not pending:
                if position >= len(view):
                    break
                pending = bytes(view[position : position + _FEED])
                position += len(pending)
            total += len(inflater.decompress(pending, _OUT))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return total or None  # broken or not zlib at all: pdfminer's own recovery handles that
    return total


def check_inflated_streams(data: bytes, limits: PdfLimits) -> None:
    """Refuse a PDF when a non-image stream inflates past `max_stream_bytes`, or all of them together
    past `max_total_inflated` (a decompression bomb); cost is one bounded inflate per stream."""
    total = 0
    for match in _STREAM_START.finditer(data):
        head = data[max(0, match.start() - _DICT_LOOKBACK) : match.start()]
        dictionary = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        if b"Filter" not in dictionary or _IMAGE.search(dictionary):
            continue
        size = inflated_size(data, match.end(), limits.max_stream_bytes)
        if size is None:
            continue
        if size > limits.max_stream_bytes:
            raise ExtractionError(
                f"decompression bomb: a stream inflates to over {limits.max_stream_bytes // MB} MB"
            )
        total += size
        if total > limits.max_total_inflated:
            raise ExtractionError(
                f"decompression bomb: streams inflate to over {limits.max_total_inflated // MB} MB in all"
            )


def check_page_count(pages: int, limits: PdfLimits) -> None:
    """Refuse a PDF with more pages than the limit, before any page is read."""
    if pages > limits.max_pages:
        raise ExtractionError(f"PDF has {pages} pages, over the {limits.max_pages}-page limit")


def page_content_bytes(page: object) -> int:
    """Bytes in a pdfplumber page's content streams once decoded (0 when they cannot be read)."""
    from pdfminer.pdftypes import stream_value

    contents = getattr(getattr(page, "page_obj", None), "contents", None) or []
    total = 0
    for item in contents:
        try:
            total += len(stream_value(item).get_data())
        except Exception:  # a broken stream is pdfminer's to report when the page is read
            continue
    return total
