"""What the head of a plain-text or Markdown report says of it: front matter, a byline, a dateline.

A story saved from the web as text opens with its headline, often an author's line and a date line
("Gang Arrests in Honduras" / "Mike LaSusa" / "Feb 14, 2012"), in the forms of its language
("Publicado el 1 de febrero de 2014", "Atualizado em 01/02/2014 às 14h30", "1º de febrero de 2014"); a
Markdown export opens with front matter ("---" / "title: ..." / "date: 2017-05-19" / "---"). A date in the
text itself is what the report talks about, never when it appeared: only lines of the head count.
"""

from __future__ import annotations

import datetime
import re

from extractors.pdf.metadata import dateline_date, dates_in

# A byline: "By Ana Pérez", "Por: Juan Gómez", "Autor: ...".
BYLINE = re.compile(r"^\W*(by|por|autor[a]?|author|escrito por|reporting by)\b", re.IGNORECASE)
# A line that says when the text appeared, whatever words it takes to say so.
_PUBLICATION = re.compile(
    r"^\W*(published|posted|updated|last updated|publicad[oa]|actualizad[oa]|atualizad[oa]|publica[cç][aã]o|"
    r"fecha|data)\b",
    re.IGNORECASE,
)
# A line that dates something else: when a page was saved or read.
_NOT_PUBLICATION = re.compile(
    r"^\W*(saved|accessed|retrieved|downloaded|consultado|consultada|acessado|acesso|visitado|descargado)\b",
    re.IGNORECASE,
)
# Month abbreviations of the three languages next to a day or a year ("Feb 14, 2012", "1 feb. 2014"), read
# as the months whose full names dates_in knows.
_ABBREVIATIONS = {
    "jan": "january", "ene": "january", "feb": "february", "fev": "february", "mar": "march",
    "apr": "april", "abr": "april", "may": "may", "mai": "may", "jun": "june", "jul": "july",
    "aug": "august", "ago": "august", "sep": "september", "sept": "september", "set": "september",
    "oct": "october", "out": "october", "nov": "november", "dec": "december", "dic": "december",
    "dez": "december",
}  # fmt: skip
_ABBREVIATED = re.compile(
    r"(?<=\d\s)(" + "|".join(_ABBREVIATIONS) + r")\.?(?=\s+\d{4})|\b(" + "|".join(_ABBREVIATIONS)
    + r")\.?(?=\s+\d{1,2},?\s+\d{4})",
    re.IGNORECASE,
)
_ORDINAL_DAY = re.compile(r"\b(\d{1,2})\s?[ºª°]")
_ISO_TIME = re.compile(r"\b(\d{4}-\d\d-\d\d)T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?")
# A date in figures: 01/02/2014, 14.03.2018, 1-2-2014 (day first in Spanish and Portuguese, month first in
# English, unless a number over 12 says which is which).
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)\d\d)\b")
# A person's name standing as a line of its own under a headline: "Mike LaSusa", "Ana María Pérez de León".
_NAME_PARTICLES = {"de", "da", "do", "dos", "das", "del", "la", "y", "e", "van", "von", "di"}
# The blocks of a text's head read for its date, before any body text.
FRONT_BLOCKS = 3
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
# Blocks of text are set apart by blank lines.
BLANK = re.compile(r"\n\s*\n")


# A plain-text report's first block is its headline when it is one short line that ends like no sentence.
_HEADLINE_WORDS = 20
_SENTENCE_END = (".", ",", ";", ":")


def is_headline(block: str) -> bool:
    """One line of at most 20 words that does not end like a sentence or a clause, and is no web address
    (a page saved with its URL on top)."""
    line = block.strip()
    return (
        "\n" not in line
        and 0 < len(line.split()) <= _HEADLINE_WORDS
        and not line.endswith(_SENTENCE_END)
        and "://" not in line
        and not line.lower().startswith("www.")
    )


def is_saved_page_line(line: str) -> bool:
    """A line a browser or a person adds when saving a page: its address, or the day it was saved or
    read ("Saved 2021-04-02", "Accessed ...", "Consultado el ...")."""
    line = line.strip()
    return "://" in line or line.lower().startswith("www.") or bool(_NOT_PUBLICATION.match(line))


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """A Markdown export's front matter ("---" / "key: value" lines / "---") as a mapping of its keys (lower
    case) to their values (quotes taken off), and the text without it; ({}, text) when there is none."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, text
    meta: dict[str, str] = {}
    for line in found.group(1).split("\n"):
        key, colon, value = line.partition(":")
        if colon and key.strip() and not key.startswith((" ", "\t", "-")):
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[found.end() :]


def is_name_line(line: str) -> bool:
    """A person's name on a line of its own: two to five capitalized words (name particles aside), no
    figures, nothing after them."""
    words = line.split()
    named = [w for w in words if w.lower() not in _NAME_PARTICLES]
    return (
        2 <= len(named) <= 5
        and all(w[0].isupper() and re.sub(r"[-.']", "", w).isalpha() for w in named)
        and not line.rstrip().endswith((".", ",", ";", ":"))
    )


def is_head_line(line: str, lang: str | None = None) -> bool:
    """A line of a report's head under its headline: a byline, a person's name or a dateline."""
    line = line.strip()
    return bool(BYLINE.match(line)) or is_name_line(line) or head_line_date(line, lang) is not None


def head_line_date(line: str, lang: str | None = None) -> datetime.date | None:
    """The date a line of a text's head gives it, when the line is a dateline: the date with at most two
    names or a label beside it, or a place the gazetteer knows ("Bogotá, agosto de 2013", "Rio de Janeiro,
    20 de dezembro de 2018", "date: 2021-06-30", "01/02/2014"), a byline's
    ("By Ana Pérez, 12 March 2024", "Por Ana Pérez, 25/06/2012"), or after words that say it is when the text
    appeared ("Publicado el 1 de febrero de 2014", "Atualizado em 01/02/2014 às 14h30"). Hard-wrapped prose
    breaks lines anywhere ("March 12, 2024 and seized", "in March 2019, police"): lower-case words say so.
    A page's saving or reading date ("Saved 2021-04-02", "Accessed ...") is none."""
    line = line.strip()
    if not line or _NOT_PUBLICATION.match(line) or len(line.split()) > 16:
        return None
    readable = _ISO_TIME.sub(r"\1", _ORDINAL_DAY.sub(r"\1", line))
    readable = _ABBREVIATED.sub(lambda m: _ABBREVIATIONS[(m.group(1) or m.group(2)).lower()], readable)
    numeric = _numeric_dates(readable, lang)
    found = [*dates_in(readable), *numeric]
    if not found:
        return None
    start, end, date = min(found)
    if _PUBLICATION.match(line):
        return date
    if dateline_date(readable) is None and not any(s == start for s, _, _ in numeric):
        return None
    rest = "".join(" " if any(s <= i < e for s, e, _ in found) else ch for i, ch in enumerate(readable))
    # Words, not times ("10h32", "14h30") or figures.
    words = [w for w in rest.split() if w[0].isalpha()]
    if BYLINE.match(line):  # "By Mike LaSusa and Parker Asmann, 14/02/2012"
        return date if len(words) <= 8 else None
    label = bool(words) and words[0].endswith(":")
    names = words[1:] if label else words
    if len(names) <= 2 and all(w[0].isupper() for w in names):
        return date
    # A place the gazetteer knows, however many words and particles: "Rio de Janeiro", "Ciudad de México",
    # "Santa Cruz de la Sierra" (a title naming an event or a law by the same pattern is no place: "Massacre
    # do Carandiru, 2 de outubro de 1992").
    from extractors.country_table import is_place_name

    place = " ".join(names).strip(" ,;")
    return date if place and is_place_name(place) else None


def _numeric_dates(line: str, lang: str | None) -> list[tuple[int, int, datetime.date]]:
    found = []
    for match in _NUMERIC_DATE.finditer(line):
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        month_first = first <= 12 < second or (lang == "en" and first <= 12 and second <= 12)
        day, month = (second, first) if month_first else (first, second)
        try:
            found.append((match.start(), match.end(), datetime.date(year, month, day)))
        except ValueError:
            continue
    return found


def head_lines(text: str, lang: str | None = None) -> list[str]:
    """The lines of a text's head where a date says when it appeared: those under its headline in its first
    block ("EXTORTION IN HONDURAS" / "By Ana Pérez, 12 March 2024"), and those of a short block among its
    first ones made only of bylines, names and datelines ("Mike LaSusa" / "Feb 14, 2012"; a line standing
    alone). A date in a paragraph, however short its wrapped lines, is what the text talks about."""
    blocks = [b.strip() for b in BLANK.split(text.replace("\r\n", "\n").replace("\r", "\n")) if b.strip()]
    lines: list[str] = []
    for i, block in enumerate(blocks[:FRONT_BLOCKS]):
        rows = [row.strip() for row in block.split("\n")]
        if i == 0 and len(rows) > 1:
            if not is_headline(rows[0]):
                continue  # a paragraph: its wrapped lines are no head's
            rows = rows[1:]  # under a first block's headline
        if len(rows) <= 4 and all(is_head_line(row, lang) for row in rows):
            lines.extend(rows)
    return lines


def head_date(text: str, lang: str | None = None, today: datetime.date | None = None) -> datetime.date | None:
    """When a plain text says it appeared: the first dateline of its head (head_lines) not in the future."""
    today = today or datetime.date.today()
    for line in head_lines(text, lang):
        date = head_line_date(line, lang)
        if date is not None and date <= today:
            return date
    return None
