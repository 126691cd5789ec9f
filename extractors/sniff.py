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


def sniff_media_type(data: bytes) -> str | None:
    """The media type of `data` (PDF, HTML, Markdown or plain text), or None when it is none of them."""
    head = data[:4096]
    # The PDF spec lets readers accept junk before the header within the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return PDF
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_START.match(stripped):
        return HTML
    if stripped.startswith(b"<?xml") and re.search(rb"<html[\s>]", head, re.IGNORECASE):
        return HTML
    text = decode_text(data[:65536], strict=True)
    if text is None:
        return None
    if stripped.startswith(b"<") and _HTML_TAGS.search(head):
        return HTML
    if len(_MARKDOWN_LINE.findall(text)) >= 2 or _MARKDOWN_INLINE.search(text):
        return MARKDOWN
    return TEXT


def decode_text(data: bytes, strict: bool = False) -> str | None:
    """Decode text bytes (UTF-8/16 with or without BOM, else Windows-1252); None when it looks binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    try:
        # A cut at the end of a sample may split a multi-byte character: ignore only that tail.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and strict:
            text = data[: exc.start].decode("utf-8-sig")
        else:
            text = data.decode("cp1252", errors="replace")
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
