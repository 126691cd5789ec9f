"""A report's published date: a dateline on its front pages, else its file's plausible creation date; a date
the text merely mentions is never taken. Every text here was written for these tests."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from extractors import extract_bytes, extract_path
from extractors.pdf.metadata import date_from_metadata, dateline_date, publication_date

WIDTH, HEIGHT = letter
PROSE = (
    "The ministry reviewed how the police answered the protests that began on 18 October 2019 in the",
    "capital and in the regions, and what the new patrol plan changed in the following months.",
)
FILLER = (
    "Municipal guards shared patrol schedules with the national police and the councils met monthly",
    "to compare reported robberies, arrests and the cases that prosecutors brought to court.",
)


def _pdf(path: Path, pages: Sequence[Sequence[str]], created: str | None) -> Path:
    """One line per string, the first line of page 1 set as a title; an empty page has no text at all.
    `created` is written as both CreationDate and ModDate (reportlab writes the same stamp to both)."""
    canvas = Canvas(str(path), pagesize=letter)
    if created is not None:
        canvas.setDateFormatter(lambda *_: created)
    for number, lines in enumerate(pages, start=1):
        y = HEIGHT - 100
        for i, line in enumerate(lines):
            title = number == 1 and i == 0
            canvas.setFont("Helvetica-Bold" if title else "Helvetica", 18 if title else 10)
            canvas.drawString(72, y, line)
            y -= 28 if title else 13
        canvas.showPage()
    canvas.save()
    return path


def test_date_in_first_page_prose_is_not_published(tmp_path: Path) -> None:
    # The Kast programme got 2019-10-18, the start of the unrest its first page talks about.
    pdf = _pdf(
        tmp_path / "r.pdf", [["A Programme for Order", *PROSE, *FILLER], list(FILLER)], "D:20210824001126Z"
    )
    assert extract_path(pdf).published == datetime.date(2021, 8, 24)


def test_date_in_prose_past_image_covers_is_not_published(tmp_path: Path) -> None:
    # As in the Kast programme: the covers have no text, the first text is the body on page 3.
    pdf = _pdf(tmp_path / "r.pdf", [[], [], ["Chapter one", *PROSE, *FILLER]], "D:20000101000000Z")
    assert extract_path(pdf).published is None


def test_cover_dateline_is_published_over_metadata_and_earlier_prose(tmp_path: Path) -> None:
    cover = ["Protests and Policing", *PROSE, "Santiago, March 2021", *FILLER]
    pdf = _pdf(tmp_path / "r.pdf", [cover, list(FILLER)], "D:20210630120000-04'00'")
    assert extract_path(pdf).published == datetime.date(2021, 3, 1)


def test_title_page_dateline_after_a_cover_is_published(tmp_path: Path) -> None:
    pages = [
        ["PROGRAMME OF GOVERNMENT"],
        ["Guidelines for a safer country", "Ana Rojas", "Agosto 2025", *FILLER],
    ]
    pdf = _pdf(tmp_path / "r.pdf", pages, "D:20250818164341Z")
    assert extract_path(pdf).published == datetime.date(2025, 8, 1)


def test_metadata_creation_date_used_without_a_dateline(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "r.pdf", [["Local Answers to Crime", *FILLER]], "20210129181115+00'00'")
    assert extract_path(pdf).published == datetime.date(2021, 1, 29)


def test_placeholder_creation_date_is_not_published(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "r.pdf", [["Local Answers to Crime", *FILLER]], "D:20000101000000Z")
    assert extract_path(pdf).published is None


def test_implausible_metadata_dates_skipped() -> None:
    today = datetime.date(2026, 1, 1)
    assert date_from_metadata({"CreationDate": "D:19700101000000Z"}, today) is None
    assert date_from_metadata({"CreationDate": "D:20300101000000Z"}, today) is None
    assert date_from_metadata({"CreationDate": "D:20000101000000Z", "ModDate": "D:20150301"}, today) == (
        datetime.date(2015, 3, 1)
    )


def test_datelines_and_sentences() -> None:
    assert dateline_date("Septiembre de 2015") == datetime.date(2015, 9, 1)
    assert dateline_date("Bogotá, D.C., agosto de 2013") == datetime.date(2013, 8, 1)
    assert dateline_date("This version: March 3, 2021") == datetime.date(2021, 3, 3)
    assert dateline_date(PROSE[0]) is None
    assert dateline_date("Deadline: 8 March 2023") is None
    assert dateline_date("Conference and symposium: 19-20 June 2023") is None
    # A byline in parts: the part that is a date dates it, however many names the other parts hold.
    byline = "Marta L. Quintero and David R. Holloway | Andean Security Observatory | 2024-03-15"
    assert dateline_date(byline) == datetime.date(2024, 3, 15)
    special = "Informe especial · Observatorio de Seguridad Ciudadana · marzo de 2022"
    assert dateline_date(special) == datetime.date(2022, 3, 1)
    assert dateline_date("Crime | The unrest that began on 18 October 2019 spread to every region") is None


def test_dateline_long_after_file_creation_is_not_published() -> None:
    # A call for papers written in January announces its June symposium on its first page.
    info = {"CreationDate": "D:20230131144812Z"}
    today = datetime.date(2026, 1, 1)
    assert publication_date(["Call for abstracts", "London, June 2023"], info, today) == datetime.date(
        2023, 1, 31
    )
    assert publication_date(["Report", "December 2030"], {}, today) is None


def test_html_date_in_article_text_is_not_published() -> None:
    body = "<p>" + " ".join(FILLER) + "</p>"
    page = (
        f"<html><head><title>Patrols</title></head><body><article><h1>Harbor patrols</h1>{body}"
        f"<p>{' '.join(PROSE)}</p>{body}</article></body></html>"
    )
    assert extract_bytes(page.encode(), "page.html").published is None
    marked = page.replace("</h1>", "</h1><time datetime='2021-03-03'>3 March 2021</time>")
    assert extract_bytes(marked.encode(), "page.html").published == datetime.date(2021, 3, 3)
