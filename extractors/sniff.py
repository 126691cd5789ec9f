"""Tell a report's type from its first bytes, never from its file name."""

from __future__ import annotations

import json
import re

PDF = "application/pdf"
HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"

_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL
)
_HTML_TAGS = re.compile(rb"<(html|body|p|div|article|title)[\s>]", re.IGNORECASE)
_MARKDOWN_LINE = re.compile(r"^(#{1,6}\s+\S|[-*+]\s+\S|\d+\.\s+\S|>\s|```)", re.MULTILINE)
_MARKDOWN_INLINE = re.compile(r"\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*")


# What binary formats open with: ZIP (Word, Excel, OpenDocument, EPUB), gzip, old Office, images, RAR, 7z.
# A file that opens so is none of citsec's, however few of its bytes are not text (a download cut short
# after "PK\x03\x04" was read as a text of two control characters and a word).
BINARY_MAGIC = (
    b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
    b"Rar!", b"7z\xbc\xaf",
)  # fmt: skip


def sniff_media_type(data: bytes) -> str | None:
    """The media type of `data` (PDF, HTML, Markdown or plain text), or None when it is none of them."""
    if data.startswith(BINARY_MAGIC):
        return None
    head = data[:4096]
    # The PDF spec lets readers accept junk before the header within the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return PDF
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_START.match(stripped):
        return HTML
    if stripped.startswith(b"<?xml") and re.search(rb"<html[\s>]", head, re.IGNORECASE):
        return HTML
    text = decode_text(data[:SAMPLE_BYTES], strict=True)
    if text is None:
        return None
    if stripped.startswith(b"<") and _HTML_TAGS.search(head):
        return HTML
    if len(_MARKDOWN_LINE.findall(text)) >= 2 or _MARKDOWN_INLINE.search(text):
        return MARKDOWN
    return TEXT


# How much of a file tells what it holds and in which encoding.
SAMPLE_BYTES = 65536


def text_encoding(data: bytes, sample: bool = False) -> str | None:
    """The encoding text bytes are read in: "utf-16" behind its byte-order mark, "utf-8-sig" for UTF-8
    (with or without one; with `sample`, the first bytes of a file, a character cut at their end aside),
    else "cp1252" (Windows-1252, a superset of Latin-1); None when NUL bytes say the data is binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "utf-8-sig" if sample and exc.start >= len(data) - 3 else "cp1252"
    return "utf-8-sig"


def decode_text(data: bytes, strict: bool = False) -> str | None:
    """Decode text bytes (UTF-8/16 with or without BOM, else Windows-1252: text_encoding; `strict`: `data`
    is a sample, whose last character may be cut); None when it looks binary."""
    encoding = text_encoding(data, sample=strict)
    if encoding is None:
        return None
    try:
        text = data.decode(encoding, errors="replace" if encoding == "cp1252" else "strict")
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            return None
        text = data[: exc.start].decode(encoding)  # a character cut at the sample's end: that tail goes
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(2, len(text[:8192]) // 100):
        return None
    return text


def is_json(text: str) -> bool:
    """Whether decoded text is JSON records: an object, an array of objects, or JSON lines whose first line
    is one ("[1]" alone on a text's first line is a footnote's number, not data)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return False
    for candidate in (stripped, stripped.split("\n", 1)[0]):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        records = isinstance(value, list) and bool(value) and isinstance(value[0], dict)
        return isinstance(value, dict) or records
    return False
