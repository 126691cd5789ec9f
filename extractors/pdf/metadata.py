"""Report title, author and publication date: from the PDF's metadata, else from its first page."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any

from extractors.pdf.lines import Line
from extractors.unicode import clean_text

_JUNK_TITLE = re.compile(
    r"^(untitled|microsoft (word|powerpoint)|presentaci[oó]n de powerpoint|powerpoint presentation|"
    r"documento?\d*|slide \d+|title)\b|\.(docx?|pdf|pptx?|indd|tex|dvi|rtf|odt)$|^[\w\-]+\.\w{2,4}$",
    re.IGNORECASE,
)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")
_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
)
_MONTHS = {name: i + 1 for names in _MONTH_NAMES for i, name in enumerate(names.split())} | {"setiembre": 9}
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,10})\.?\s+(\d{1,2}),\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b(?:(\d{1,2})\s+(?:de\s+)?)?([A-Za-zçÇ]{3,10})\s+(?:de\s+|del\s+)?(\d{4})\b")


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        for encoding in ("utf-16", "utf-8", "latin-1"):
            try:
                value = value.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not isinstance(value, str):
        return None
    value = clean_text(value).strip()
    return value or None


def title_from_metadata(info: Mapping[str, Any]) -> str | None:
    title = _text(info.get("Title"))
    if title and len(title) >= 4 and not _JUNK_TITLE.search(title):
        return title
    return None


def author_from_metadata(info: Mapping[str, Any]) -> str | None:
    return _text(info.get("Author"))


def date_from_metadata(info: Mapping[str, Any]) -> datetime.date | None:
    raw = _text(info.get("CreationDate")) or _text(info.get("ModDate"))
    match = _PDF_DATE.search(raw or "")
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def title_from_lines(lines: Sequence[Line]) -> str | None:
    """The first page's title: the consecutive lines set in the largest size (at most three)."""
    candidates = [ln for ln in lines if sum(ch.isalpha() for ch in ln.text) >= 3]
    if not candidates:
        return None
    largest = max(ln.size for ln in candidates)
    picked: list[str] = []
    started = False
    for ln in candidates:
        if abs(ln.size - largest) < 0.5:
            picked.append(ln.text)
            started = True
            if len(picked) == 3:
                break
        elif started:
            break
    # Footnote marks on a title point to acknowledgements, not part of the title.
    title = " ".join(picked).strip().rstrip("*∗†‡§ ").strip()
    return title[:300] or None


def date_from_text(text: str) -> datetime.date | None:
    """A date written on the first page: ISO (2023-09-04), "December 16, 2022", "16 de marzo de 2015" or
    "Septiembre de 2015" (en/es/pt month names; the first of the month when no day is given)."""
    found: list[tuple[int, datetime.date]] = []
    for match in _ISO_DATE.finditer(text):
        found.append((match.start(), datetime.date(*map(int, match.groups()))))
    for match in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS.get(match.group(1).lower())
        if month:
            found.append((match.start(), _safe_date(int(match.group(3)), month, int(match.group(2)))))
    for match in _MONTH_YEAR.finditer(text):
        month = _MONTHS.get(match.group(2).lower())
        if month:
            day = int(match.group(1)) if match.group(1) else 1
            found.append((match.start(), _safe_date(int(match.group(3)), month, day)))
    plausible = [(pos, d) for pos, d in found if 1900 <= d.year <= 2100]
    return min(plausible)[1] if plausible else None


def _safe_date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month, 1)
