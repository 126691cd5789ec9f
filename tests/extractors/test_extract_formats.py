"""HTML, plain text and Markdown extraction, type sniffing from content, and clear errors for bad files."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from extract_pdfgen import text_pages, two_column_report

from extractors import ExtractionError, extract_bytes, extract_path
from extractors.sniff import HTML, MARKDOWN, PDF, TEXT, sniff_media_type
from extractors.text import EMPHASIS_CHARS

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><title>Harbor patrols | Example News</title>
<meta name="author" content="Lucia Mendez">
<meta property="article:published_time" content="2023-05-04T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/about">About us</a></nav>
<article>
<h1>Harbor patrols double after ministry order</h1>
<p>The interior ministry ordered the coast guard to double its night patrols around the container port
after a series of cocaine seizures in the spring. Officials said the order would last until December.</p>
<p>Dock workers told reporters that inspections now delay some ships by a day. The port authority said
it would hire more inspectors and install new scanners paid for by a regional cooperation fund.</p>
<p>Community groups in the port district asked the mayor to reopen the youth center that closed last
year, arguing that patrols alone would not keep teenagers away from the gangs that recruit them.</p>
</article>
<footer>Copyright Example News. All rights reserved.</footer>
</body></html>"""

MARKDOWN_REPORT = """# Community policing pilot

The pilot placed two officers in each **neighbourhood council** for a year, following the
[national plan](https://example.org/plan).

## Results

| District | Robberies before | Robberies after |
|----------|------------------|-----------------|
| North    | 120              | 95              |
| South    | 80               | 78              |

Residents reported more trust in the police, and the councils kept meeting after the pilot ended.

```python
print("not report text")
```
"""


def test_html_article_main_text_and_metadata() -> None:
    doc = extract_bytes(ARTICLE.encode(), "https://news.example.org/harbor")
    assert doc.media_type == HTML
    assert doc.title == "Harbor patrols double after ministry order"
    assert doc.author == "Lucia Mendez"
    assert doc.published == datetime.date(2023, 5, 4)
    assert doc.language == "en"
    assert "double its night patrols" in doc.text and "youth center that closed" in doc.text
    assert "All rights reserved" not in doc.text and "About us" not in doc.text
    assert all(p.page_start == p.page_end == 1 for p in doc.passages)


def test_plain_text_paragraphs_with_hard_wraps(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"  # the name lies: the content decides
    path.write_text(
        "Informe de seguridad ciudadana\n\nEl municipio abrió tres centros juveniles y amplió el pro-\n"
        "grama de mediadores comunitarios en los barrios del norte durante el primer año.\n\n"
        "La policía de proximidad visitó cada escuela dos veces por mes.\n",
        encoding="utf-8",
    )
    doc = extract_path(path)
    assert doc.media_type == TEXT
    assert "amplió el programa de mediadores" in doc.text
    assert doc.language == "es"
    assert doc.title == "Informe de seguridad ciudadana"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Is Mexico Disintegrating?\n\nThe crisis is an effort by the cartels.", "Is Mexico Disintegrating?"),
        ("The army raided the port.\n\nIt seized two tons.", None),  # a sentence, not a headline
        ("Plan Colombia at twenty-five", None),  # nothing follows it
        ("Two lines\nof a paragraph\n\nand more text after it.", None),
        # Read as Markdown for its list: the first line alone is its headline, a wrapped paragraph none.
        ("Las cinco medidas\n\n- una medida\n- otra medida", "Las cinco medidas"),
        ("Two lines\nof a paragraph\n\n- one item\n- another item", None),
    ],
)
def test_a_plain_text_title_is_a_headline_first_line(text: str, title: str | None) -> None:
    assert extract_bytes(text.encode(), "report.txt").title == title


BODY = (
    "The government declared a state of exception in December 2022 to fight extortion by gangs, and the "
    "police were given powers to arrest without warrants in 162 neighborhoods of the two largest cities."
)


@pytest.mark.parametrize(
    ("head", "title", "published"),
    [
        # A news story saved as text: its headline over a byline and a dateline had neither title nor date.
        ("EXTORTION IN HONDURAS\nBy Ana Pérez, 12 March 2024", "EXTORTION IN HONDURAS", "2024-03-12"),
        ("La tregua entre pandillas\nPor: Juan Gómez\n16 de marzo de 2015", "La tregua entre pandillas",
         "2015-03-16"),
        ("Fica Vivo, vinte anos depois\n\nBelo Horizonte, agosto de 2023", "Fica Vivo, vinte anos depois",
         "2023-08-01"),
        # A Brazilian researcher's review: a place's name with its particles was too many words for one.
        ("UPPs, dez anos depois\n\nRio de Janeiro, 20 de dezembro de 2018", "UPPs, dez anos depois",
         "2018-12-20"),
        ("UPPs, dez anos depois\n\nDuque de Caxias, 20/12/2018", "UPPs, dez anos depois", "2018-12-20"),
        ("La tregua\n\nCiudad de México, 3 de mayo de 2019", "La tregua", "2019-05-03"),
        # A code review: a title naming an event or a law by the same pattern dated the text by it.
        ("Memória\n\nMassacre do Carandiru, 2 de outubro de 1992", "Memória", None),
        ("Intervenção Federal no Rio\nDecreto 9.288, de 16 de fevereiro de 2018", None, None),
        ("Memória\n\nA Morte de Marielle, 14 de março de 2018", "Memória", None),
        # A hard-wrapped paragraph is not a headline over a byline, and a date in body text dates nothing.
        ("The army raided the port of Cortés on\nMarch 12, 2024 and seized two tons", None, None),
        (f"{BODY}\n12 March 2024", None, None),
        # A code review: short wrapped lines of a paragraph dated the text by what it talks about.
        ("Extortion in Honduras\n\nGangs extorted bus drivers after the state of exception declared in\n"
         "December 2022.", "Extortion in Honduras", None),
        ("Extortion in Honduras\n\nin March 2019, police", "Extortion in Honduras", None),
        ("Extortion in Honduras\n\n12 March 2024", "Extortion in Honduras", "2024-03-12"),
        ("Extortion in Honduras\n\nPublicado: 3 de mayo de 2021", "Extortion in Honduras", "2021-05-03"),
    ],
)
def test_a_plain_text_headline_byline_and_dateline(
    head: str, title: str | None, published: str | None
) -> None:
    doc = extract_bytes(f"{head}\n\n{BODY}\n".encode(), "story.txt")
    assert doc.title == title
    assert (doc.published.isoformat() if doc.published else None) == published
    assert doc.text.split() == f"{head}\n\n{BODY}".split()  # every word kept, the byline too


def test_markdown_headings_tables_and_code() -> None:
    doc = extract_bytes(MARKDOWN_REPORT.encode(), "pilot.md")
    assert doc.media_type == MARKDOWN
    assert doc.title == "Community policing pilot"
    tables = [p for p in doc.passages if p.kind == "table"]
    assert [t.text for t in tables] == [
        "District | Robberies before | Robberies after\nNorth | 120 | 95\nSouth | 80 | 78"
    ]
    assert "neighbourhood council for a year, following the national plan." in doc.text
    assert "not report text" not in doc.text and "**" not in doc.text


def test_markdown_emphasis_marks_go_but_not_marks_that_never_close_nor_underscores_in_words() -> None:
    # A long line full of marks that never close (footnote asterisks) and snake_case names: each is kept as
    # written, and emphasis on the same line is still read, up to EMPHASIS_CHARS long.
    unclosed = " ".join(["*note on the municipal_guard budget (author__name)"] * 400)
    longest = "x" * (EMPHASIS_CHARS - 10)
    too_long = "y" * (EMPHASIS_CHARS + 10)
    body = f"First **strong words** and _{longest}_ end, then *{too_long}*. {unclosed}"
    markdown = f"# Budget notes\n\n{body}\n"
    doc = extract_bytes(markdown.encode(), "notes.md")
    assert doc.media_type == MARKDOWN
    assert doc.text.count("*note") == 400
    assert doc.text.count("municipal_guard") == 400 and doc.text.count("author__name") == 400
    assert "strong words and " + longest + " end, then *" + too_long + "*." in doc.text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\xef\xbb\xbf<!doctype html><html><body><p>x</p></body></html>", HTML),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>', HTML),
        ("Texto simple con acentos: acción, región.".encode(), TEXT),
        ("Texto en Windows-1252: acci\xf3n".encode("cp1252"), TEXT),
        (b"# Title\n\n- one\n- two\n", MARKDOWN),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None),
        # A team review: a Word file cut short after its ZIP header was stored as a text report.
        (b"PK\x03\x04junk", None),
        (b"\x1f\x8b\x08\x00report", None),  # gzip
        (b"PK is a word too: PKK, PK-12.", TEXT),  # only the magic bytes say binary
    ],
)
def test_sniff_from_content(data: bytes, expected: str | None) -> None:
    assert sniff_media_type(data) == expected


def test_pdf_named_as_text_is_read_as_pdf(tmp_path: Path) -> None:
    path = two_column_report(tmp_path / "report.txt")
    assert extract_path(path).media_type == PDF


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t ", "empty file"),
        (b"%PDF-1.4\n1 0 obj garbage without any structure\n", "broken PDF"),
        (b"\x00\x01\x02\x03binary\x00junk", "unsupported file type"),
    ],
)
def test_bad_files_raise_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=message) as info:
        extract_path(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "content",
    [
        b'{"id": "a-1", "text": "Police in Rosario arrested three men."}\n{"id": "a-2", "text": "More."}\n',
        b'[{"id": 1, "text": "Police in Rosario arrested three men."}]',
        b'\xef\xbb\xbf{"passage_id": 4, "labels": ["enforcement"]}',
    ],
)
def test_json_data_is_refused_not_read_as_a_reports_text(tmp_path: Path, content: bytes) -> None:
    # A review: `citsec ingest articles.jsonl` stored one report whose passages began '{"id": ...'.
    path = tmp_path / "articles.jsonl"
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match="JSON data, not a report") as info:
        extract_path(path)
    assert "citsec tag" in str(info.value) and "\n" not in str(info.value)


def test_text_that_opens_with_a_bracketed_number_is_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("[1]\nThe municipal guard of Rosario shared patrol schedules with the federal police.\n")
    assert extract_path(path).passages


@pytest.mark.parametrize(
    ("name", "content", "warning"),
    [
        ("report.pdf", b"not a pdf\n", "named .pdf but holds plain text, not a PDF: read as plain text"),
        (
            "report.PDF",
            b"<html><body><p>Please log in to read this report on police reform.</p></body></html>",
            "named .pdf but holds an HTML page, not a PDF: read as an HTML page",
        ),
        ("report.txt", b"not a pdf\n", None),
    ],
)
def test_a_file_named_pdf_that_holds_no_pdf_says_so(
    tmp_path: Path, name: str, content: bytes, warning: str | None
) -> None:
    # A review: a server's error page saved as report.pdf was stored as a good report, without a word.
    path = tmp_path / name
    path.write_bytes(content)
    document = extract_path(path)
    assert document.warnings == ([warning] if warning else [])


def test_encrypted_pdf_raises_clear_error(tmp_path: Path) -> None:
    path = text_pages(tmp_path / "locked.pdf", 2, encrypt="s3cret")
    with pytest.raises(ExtractionError, match="encrypted"):
        extract_path(path)


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="no such file"):
        extract_path(tmp_path / "absent.pdf")


def test_truncated_pdf_keeps_what_it_can_or_fails_clearly(tmp_path: Path) -> None:
    whole = text_pages(tmp_path / "whole.pdf", 3).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    try:
        doc = extract_path(cut)
    except ExtractionError as exc:
        assert "\n" not in str(exc)
    else:
        assert doc.pages >= 1


ES_BODY = (
    "La policía de Honduras detuvo a 40 pandilleros de la MS-13 en San Pedro Sula durante un operativo "
    "contra la extorsión, y el gobierno dijo que la operación seguirá en otras ciudades con apoyo del "
    "ejército."
)


@pytest.mark.parametrize(
    ("head", "title", "published"),
    [
        # A journalist's review: news saved as text lost title and date under an author line without "By",
        # and in the date forms of Spanish and Portuguese pages.
        ("Gang Arrests in Honduras\nMike LaSusa\nFeb 14, 2012", "Gang Arrests in Honduras", "2012-02-14"),
        ("Título sobre maras\n\nAna Pérez\n1 de febrero de 2014", "Título sobre maras", "2014-02-01"),
        ("Título sobre maras\nPublicado el 1 de febrero de 2014", "Título sobre maras", "2014-02-01"),
        ("Operação em São Paulo\nPublicado em 14 de março de 2018", "Operação em São Paulo", "2018-03-14"),
        ("Título sobre maras\n01/02/2014", "Título sobre maras", "2014-02-01"),
        ("Título sobre maras\n14.03.2018", "Título sobre maras", "2018-03-14"),
        ("Título sobre maras\n1º de febrero de 2014", "Título sobre maras", "2014-02-01"),
        ("Operação em São Paulo\nAtualizado em 01/02/2014 às 14h30", "Operação em São Paulo", "2014-02-01"),
        ("Gang Arrests\nUpdated: Feb 14, 2012 10:32 AM EST", "Gang Arrests", "2012-02-14"),
        ("Título sobre maras\nPor Ana Pérez, 25/06/2012", "Título sobre maras", "2012-06-25"),
        ("Título sobre maras\nPor Ana Pérez, 1 feb. 2014", "Título sobre maras", "2014-02-01"),
        ("Gang Arrests in Honduras\n2012-02-14T10:32:00Z", "Gang Arrests in Honduras", "2012-02-14"),
        ("Gang Arrests\nBy Mike LaSusa and Parker Asmann, 14/02/2012", "Gang Arrests", "2012-02-14"),
        # A page saved with its address and the day it was saved: neither is its title or date.
        ("https://insightcrime.org/news/arrest/\nSaved 2021-04-02\n\nArrest Shows Overlap of Mining",
         "Arrest Shows Overlap of Mining", None),
        # Markdown's heading marks in a file read as plain text.
        ("# El Plan Colombia, veinte años después", "El Plan Colombia, veinte años después", None),
        ("Operativo contra maras\n======================", "Operativo contra maras", None),
    ],
)  # fmt: skip
def test_a_news_storys_head_in_the_forms_of_its_language(
    head: str, title: str, published: str | None
) -> None:
    doc = extract_bytes(f"{head}\n\n{ES_BODY}\n".encode(), "story.txt")
    assert doc.title == title
    assert (doc.published.isoformat() if doc.published else None) == published


def test_front_matter_gives_title_date_and_author_and_is_no_passage() -> None:
    # A journalist's review: the front matter was a passage ("--- title: ... date: ... ---"), searchable
    # and counted, and its title was never used.
    matter = '---\ntitle: "Operativo contra maras"\ndate: 2019-05-04\nauthor: Ana Pérez\ntags: [maras]\n---'
    doc = extract_bytes(f"{matter}\n\n{ES_BODY}\n".encode(), "nota.md")
    assert doc.title == "Operativo contra maras"
    assert doc.published is not None and doc.published.isoformat() == "2019-05-04"
    assert doc.author == "Ana Pérez"
    assert "---" not in doc.text and "tags" not in doc.text and doc.text.split() == ES_BODY.split()


def test_lists_keep_their_items_and_numbers_and_a_list_costs_no_title() -> None:
    # A journalist's review: a numbered list made a .txt Markdown, which lost its headline title; items lost
    # their numbers, and "•" bullets ran into one line.
    items = "\n".join(f"{i}. medida número {i} contra la extorsión" for i in range(1, 6))
    head = "Las cinco medidas del plan\nPor Ana Pérez, 4 de mayo de 2019"
    doc = extract_bytes(f"{head}\n\n{ES_BODY}\n\n{items}\n".encode(), "lista.txt")
    assert doc.title == "Las cinco medidas del plan"
    assert doc.published is not None and doc.published.isoformat() == "2019-05-04"
    assert "1. medida número 1" in doc.text and "5. medida número 5" in doc.text
    bullets = "• La oposición pidió más controles.\n• Las ONG pidieron transparencia."
    doc = extract_bytes(f"Título sobre maras\n\n{ES_BODY}\n\n{bullets}\n".encode(), "viñetas.txt")
    assert bullets in doc.text


def test_an_html_page_without_title_or_metadata_takes_its_headline() -> None:
    # A journalist's review: a page saved as bare paragraphs had no title, though it opens with its headline.
    body = f"<p>{ES_BODY}</p><p>{ES_BODY}</p>"
    html = f"<html><body><p>Operativo contra maras en Honduras</p>{body}</body></html>"
    doc = extract_bytes(html.encode(), "nota.html")
    assert doc.title == "Operativo contra maras en Honduras"
    sentence = f"<html><body><p>{ES_BODY}</p><p>{ES_BODY}</p></body></html>"
    assert extract_bytes(sentence.encode(), "nota.html").title is None
