"""Report title, author and publication date: from the PDF's metadata and its front pages."""

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
_PDF_DATE = re.compile(r"^\s*(?:D:)?((?:19|20)\d\d)(0[1-9]|1[0-2])?(0[1-9]|[12]\d|3[01])?")
# PDF 1.0 is from 1993: an earlier creation date is a clock or a tool's default (1970-01-01, 1904-01-01).
_EARLIEST_PDF = datetime.date(1993, 1, 1)
_PLACEHOLDER_DATES = frozenset({datetime.date(2000, 1, 1)})
_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
)
_MONTHS = {name: i + 1 for names in _MONTH_NAMES for i, name in enumerate(names.split())} | {"setiembre": 9}
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,10})\.?\s+(\d{1,2}),\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b(?:(\d{1,2})\s+(?:de\s+)?)?([A-Za-zçÇ]{3,10})\s+(?:de\s+|del\s+)?(\d{4})\b")
# A dateline is a date with at most this many other words ("Bogotá, D.C., agosto de 2013").
DATELINE_OTHER_WORDS = 4
# A byline's parts: "Marta L. Quintero and David R. Holloway | Andean Security Observatory | 2024-03-15".
_BYLINE_PARTS = re.compile(r"\s+[|·•]\s+")
# A line that starts like these dates the document however long it is ("Publicado en junio de 2019 por ...").
_PUBLICATION_CUE = re.compile(
    r"^\W*(published|first published|this version|publicad[oa]|publica[cç][aã]o)\b",
    re.IGNORECASE,
)
# Words that make a date something other than the document's: a deadline, the start of a period.
_NOT_PUBLICATION = re.compile(
    r"\b(deadline|due|until|since|hasta|desde|plazo|l[ií]mite|prazo|até|a partir)\b", re.IGNORECASE
)
# A labelled date ("Deadline: ...", "Conference: ...") dates the document only under one of these labels.
_DATE_LABEL = re.compile(
    r"^\W*(date|dated|published|first published|(this |current )?version|draft|revised|updated|edition|"
    r"fecha|publicad[oa]|versi[oó]n|borrador|actualizad[oa]|edici[oó]n|data|publica[cç][aã]o|vers[aã]o|"
    r"atualizad[oa]|edi[cç][aã]o)\b[^:]*:",
    re.IGNORECASE,
)
# An author's credit typed after the title in the file's metadata: "Lineamientos programáticos J. jara".
_TRAILING_CREDIT = re.compile(
    r"^(?P<title>\S.*?\S)\s+(?P<initials>(?:[A-ZÁÉÍÓÚÑ]\.\s*)+)(?P<surname>[^\W\d_]{2,})$"
)
# What may lead into a credit and goes with it: "Violence in Latin America, by J. Smith".
_CREDIT_LEAD = re.compile(r"[\s,;:–—-]*(?:\b(?:by|por|de|par|von)\s*)?$", re.IGNORECASE)
# The lines of one title may differ in size by this share: an OCR text layer (Tesseract's) sizes each
# line from its glyph boxes, so one title's lines come out at 82, 81 and 79 pt. A typeset subtitle is
# smaller by more (LaTeX's sizes are 15-20% apart; a 14 pt subtitle under a 15 pt title is 7% smaller).
_TITLE_SIZE_TOLERANCE = 0.05
# A gap above a line (its top less the bottom of the line before) over this many times the widest gap
# between the title's lines so far ends the title: a heading set in the title's size after a blank gap
# ("Presentación de la Problemática") is not part of it. A quarter of the size is allowed on top, for
# titles set tight (gaps near zero). Under a title of one line, a gap over this many sizes ends it (the
# lines of a double-spaced title are one size apart).
_TITLE_GAP_FACTOR = 2.0
# Tesseract reads a Spanish "¿" as "é" ("éPor qué algunas empresas pagan extorsion y otras no?"): no
# word starts with "é" and a capital, so there, with a "?" further on, it is the "¿".
_MISREAD_OPENING_QUESTION = re.compile(r"(?<!\w)é(?=[A-ZÁÉÍÓÚÑ][^?]*\?)")

# How much later than the file's creation a printed date may be: a PDF is written when it is published
# or after, so a date printed months later is an event or a deadline (a report dated for the month it
# is due out is fine).
_PRINTED_AFTER_CREATED = datetime.timedelta(days=92)


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


def title_from_metadata(info: Mapping[str, Any], front_lines: Sequence[str] = ()) -> str | None:
    """The file's Title, unless it is a placeholder or a file name. An author's initials and surname typed
    after it ("Lineamientos programáticos J. jara") are dropped when the Author or one of `front_lines`
    (the first page's) names that person ("Jeannette Jara Román")."""
    title = _text(info.get("Title"))
    if not title or len(title) < 4 or _JUNK_TITLE.search(title):
        return None
    credit = _TRAILING_CREDIT.match(title)
    if credit and _names_person(
        credit.group("initials"), credit.group("surname"), [_text(info.get("Author")) or "", *front_lines]
    ):
        return _CREDIT_LEAD.sub("", credit.group("title")) or title
    return title


def _names_person(initials: str, surname: str, lines: Sequence[str]) -> bool:
    """Whether one of `lines` names the person in full: the surname right after a given name (two letters
    or more) that starts with the last initial ("Jeannette Jara" for "J. jara"). An abbreviation before a
    word is no credit: "U.S. Congress", "Appendix A. Methodology" and "México D.F. Informe" name nobody,
    even on a first page that prints the title."""
    surname, initial = surname.casefold(), initials.rstrip(". ")[-1].casefold()
    for line in lines:
        words = re.findall(r"[^\W\d_]+", line.casefold())
        for before, word in zip(words, words[1:], strict=False):
            if word == surname and len(before) > 1 and before.startswith(initial):
                return True
    return False


def author_from_metadata(info: Mapping[str, Any]) -> str | None:
    return _text(info.get("Author"))


def date_from_metadata(info: Mapping[str, Any], today: datetime.date | None = None) -> datetime.date | None:
    """The file's CreationDate (ModDate when it has none), as written, when plausible: not after `today`,
    not before PDF existed (1993) and not a tool's placeholder (2000-01-01). "D:" is optional: some
    tools leave it out."""
    for key in ("CreationDate", "ModDate"):
        match = _PDF_DATE.search(_text(info.get(key)) or "")
        if not match:
            continue
        year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            continue
        if _EARLIEST_PDF <= date <= (today or datetime.date.today()) and date not in _PLACEHOLDER_DATES:
            return date
    return None


def title_from_lines(lines: Sequence[Line]) -> str | None:
    """The first page's title: the consecutive lines set in the largest size (at most three), up to a gap
    much wider than the title's own line spacing."""
    candidates = [ln for ln in lines if sum(ch.isalpha() for ch in ln.text) >= 3]
    if not candidates:
        return None
    largest = max(ln.size for ln in candidates)
    tolerance = max(0.5, _TITLE_SIZE_TOLERANCE * largest)
    picked: list[Line] = []
    for ln in candidates:
        if abs(ln.size - largest) < tolerance:
            if picked and _title_ends_before(picked, ln):
                break
            picked.append(ln)
            if len(picked) == 3:
                break
        elif picked:
            break
    # Footnote marks on a title point to acknowledgements, not part of the title.
    title = " ".join(ln.text for ln in picked).strip().rstrip("*∗†‡§ ").strip()
    title = _MISREAD_OPENING_QUESTION.sub("¿", title)
    return title[:300] or None


def _title_ends_before(title: Sequence[Line], line: Line) -> bool:
    """Whether `line`, set in the title's size, is not part of the title made of `title` so far."""
    if all(_capitals(ln.text) for ln in title) and not _capitals(line.text):
        return True  # a title set in capitals does not go on in mixed case: that is its author
    gap = line.top - title[-1].bottom
    spacing = [b.top - a.bottom for a, b in zip(title, title[1:], strict=False)]
    if not spacing:
        return gap > _TITLE_GAP_FACTOR * line.size
    return gap > _TITLE_GAP_FACTOR * max(0.0, *spacing) + 0.25 * line.size


def _capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def dates_in(text: str) -> list[tuple[int, int, datetime.date]]:
    """Every date written in `text` as (start, end, date), in reading order (years 1900-2100): ISO
    (2023-09-04), "December 16, 2022", "16 de marzo de 2015" or "Septiembre de 2015" (en/es/pt month
    names; the first of the month when no day is given)."""
    found: list[tuple[int, int, datetime.date]] = []
    for match in _ISO_DATE.finditer(text):
        found.append((match.start(), match.end(), datetime.date(*map(int, match.groups()))))
    for match in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS.get(match.group(1).lower())
        if month:
            found.append(
                (match.start(), match.end(), _safe_date(int(match.group(3)), month, int(match.group(2))))
            )
    for match in _MONTH_YEAR.finditer(text):
        month = _MONTHS.get(match.group(2).lower())
        if month:
            day = int(match.group(1)) if match.group(1) else 1
            found.append((match.start(), match.end(), _safe_date(int(match.group(3)), month, day)))
    return sorted(f for f in found if 1900 <= f[2].year <= 2100)


def dateline_date(line: str) -> datetime.date | None:
    """The date of a line that states when the document is dated: a date and little else ("Septiembre de
    2015", "Bogotá, agosto de 2013", "Danilo Freire | 5 December 2016"), or one part of a byline whose
    parts are set apart by "|" or "·" ("Marta L. Quintero and David R. Holloway | Andean Security
    Observatory | 2024-03-15"), or a date after a publication cue
    ("Publicado en junio de 2019 por ..."). A date inside a sentence ("the unrest that began on 18 October
    2019 ...") or after a deadline word or another label ("Deadline: 8 March 2023", "Symposium: June 2023")
    is not one."""
    parts = _BYLINE_PARTS.split(line)
    if len(parts) > 1:  # "Author | Institute | 2024-03-15": the part that is a date and little else
        return next((d for d in map(dateline_date, parts) if d is not None), None)
    found = dates_in(line)
    if not found or _NOT_PUBLICATION.search(line):
        return None
    label = line[: found[0][0]]
    if ":" in label and not _DATE_LABEL.match(label):
        return None
    rest = "".join(" " if any(s <= i < e for s, e, _ in found) else ch for i, ch in enumerate(line))
    other_words = [w for w in rest.split() if any(ch.isalpha() for ch in w)]
    if len(other_words) <= DATELINE_OTHER_WORDS or _PUBLICATION_CUE.match(line):
        return found[0][2]
    return None


def publication_date(
    front_lines: Sequence[str], info: Mapping[str, Any], today: datetime.date | None = None
) -> datetime.date | None:
    """The report's publication date, from its front matter and its file metadata.

    `front_lines` are the lines of the front matter only (a PDF's first two pages, the head of a text):
    a date anywhere else is something the report talks about, never when it appeared.

    1. A dateline in the front matter (see `dateline_date`) is the date the publisher printed on the cover
       or title page, and wins: the file's dates are those of this copy, often a later re-export.
       A date inside a sentence of the front matter is not a dateline and is not taken.
    2. Else the file's CreationDate (ModDate when it has none), when plausible (see `date_from_metadata`).
    A dateline in the future, or over three months after a plausible creation date, cannot be when this
    file was published (it is a deadline or a planned event): it is skipped.
    """
    today = today or datetime.date.today()
    created = date_from_metadata(info, today)
    for line in front_lines:
        printed = dateline_date(line)
        if printed is None or printed > today:
            continue
        if created is not None and printed > created + _PRINTED_AFTER_CREATED:
            continue
        return printed
    return created


def _safe_date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month, 1)
