"""Write the sample reports in corpus/samples/ from the prose in prose.py (kept out of that folder, which
holds only reports: `citsec ingest corpus/samples` reads every file in it).

    .venv/bin/python corpus/sample_writer/make_samples.py

The PDFs look like the reports analysts actually get: two text columns, a running header with the
publisher and short title, a page number in the footer, a title block on the first page, and words
hyphenated at line ends. Output is byte-for-byte reproducible (reportlab's invariant mode), so the
shipped files' sha256 only change when the prose or the layout does.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prose import HONDURAS_HTML, PDF_REPORTS, SampleReport  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"  # where the reports go

PAGE_W, PAGE_H = A4
MARGIN_X = 62.0
TOP = PAGE_H - 78.0  # below the running header
BOTTOM = 78.0  # above the footer
GUTTER = 20.0
COL_W = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2

BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 12.0, 15.5
HEAD_FONT, HEAD_SIZE = "Helvetica-Bold", 11.5
PARA_GAP, HEAD_GAP = 5.0, 9.0

VOWELS = set("aeiouáéíóúâêôãõàü")


@dataclass(frozen=True)
class Line:
    """One laid-out line of a column: its text, font and the space it takes."""

    text: str
    font: str
    size: float
    height: float


def hyphen_points(word: str) -> list[int]:
    """Positions where a lowercase word may be split: before a consonant that starts a syllable.

    A rough syllable rule (V-CV and VC-CV) that is right often enough for line breaking; capitalised
    words and words with digits are never split, so names of countries and programs stay whole.
    """
    if not word.isalpha() or not word.islower() or len(word) < 7:
        return []
    points = []
    for i in range(3, len(word) - 2):
        a, b, c = word[i - 1], word[i], word[i + 1]
        v_cv = a in VOWELS and b not in VOWELS and c in VOWELS
        vc_cv = a not in VOWELS and b not in VOWELS and word[i - 2] in VOWELS and c in VOWELS
        if (v_cv or vc_cv) and word[i - 1 : i + 1] not in {"ch", "lh", "nh", "qu", "rr", "ll"}:
            points.append(i)
    return points


def split_word(token: str, room: float, font: str, size: float) -> tuple[str, str] | None:
    """Split a token so that its head plus a hyphen fits in `room`; None when no split fits."""
    match = re.fullmatch(r"([^\W\d_]+)(\W*)", token)
    if not match:
        return None
    word, tail = match.groups()
    for point in reversed(hyphen_points(word)):
        head = word[:point] + "-"
        if stringWidth(head, font, size) <= room:
            return head, word[point:] + tail
    return None


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy line breaking with hyphenation of the word that overflows."""
    lines: list[str] = []
    current = ""
    words = text.split()
    i = 0
    while i < len(words):
        token = words[i]
        candidate = f"{current} {token}" if current else token
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            i += 1
            continue
        room = width - stringWidth(f"{current} ", font, size) if current else width
        split = split_word(token, room, font, size)
        if split:
            head, rest = split
            lines.append(f"{current} {head}" if current else head)
            words[i] = rest
            current = ""
            continue
        lines.append(current)
        current = ""
    if current:
        lines.append(current)
    return lines


def report_lines(report: SampleReport) -> Iterator[Line | float]:
    """The report body as lines and vertical gaps (floats), in reading order."""
    for heading, paragraphs in report.sections:
        if heading:
            yield HEAD_GAP
            for text in wrap(heading, COL_W, HEAD_FONT, HEAD_SIZE):
                yield Line(text, HEAD_FONT, HEAD_SIZE, LEADING)
            yield 2.0
        for paragraph in paragraphs:
            for text in wrap(paragraph, COL_W, BODY_FONT, BODY_SIZE):
                yield Line(text, BODY_FONT, BODY_SIZE, LEADING)
            yield PARA_GAP


def draw_page_furniture(canvas: Canvas, report: SampleReport, page: int) -> None:
    """Running header (publisher, short title), a rule under it, and the page number."""
    canvas.setFont("Helvetica", 8)
    canvas.drawString(MARGIN_X, PAGE_H - 44, report.publisher)
    canvas.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 44, report.title)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, PAGE_H - 50, PAGE_W - MARGIN_X, PAGE_H - 50)
    canvas.drawCentredString(PAGE_W / 2, 40, str(page))


def draw_title_block(canvas: Canvas, report: SampleReport) -> float:
    """Title, subtitle, author and date across both columns; returns where the columns start."""
    y = TOP - 14
    canvas.setFont("Helvetica-Bold", 19)
    canvas.drawString(MARGIN_X, y, report.title)
    y -= 20
    for text in wrap(report.subtitle, PAGE_W - 2 * MARGIN_X, "Helvetica-Oblique", 12):
        canvas.setFont("Helvetica-Oblique", 12)
        canvas.drawString(MARGIN_X, y, text)
        y -= 15
    canvas.setFont("Helvetica", 9.5)
    canvas.drawString(MARGIN_X, y - 4, f"{report.author}  |  {report.publisher}  |  {report.date}")
    return y - 30


def write_pdf(report: SampleReport, path: Path) -> int:
    """Lay out one report as a two-column PDF; returns the number of pages."""
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setTitle(report.title)
    canvas.setAuthor(report.author)
    canvas.setSubject(report.subtitle)
    page = 1
    draw_page_furniture(canvas, report, page)
    column_top = draw_title_block(canvas, report)
    column, y = 0, column_top
    for item in report_lines(report):
        if isinstance(item, float):
            y -= item
            continue
        if y - item.height < BOTTOM:
            if column == 0:
                column, y = 1, column_top
            else:
                canvas.showPage()
                page += 1
                draw_page_furniture(canvas, report, page)
                column, column_top = 0, TOP
                y = column_top
        y -= item.height
        canvas.setFont(item.font, item.size)
        canvas.drawString(MARGIN_X + column * (COL_W + GUTTER), y, item.text)
    canvas.showPage()
    canvas.save()
    return page


def write_html(report: SampleReport, path: Path) -> None:
    """A news-site style page: navigation and footer around one article."""
    esc = html.escape
    body = "\n".join(
        f"      <p>{esc(paragraph)}</p>" for _, paragraphs in report.sections for paragraph in paragraphs
    )
    path.write_text(
        f"""<!DOCTYPE html>
<html lang="{report.lang}">
<head>
  <meta charset="utf-8">
  <title>{esc(report.title)} | {esc(report.publisher)}</title>
  <meta name="author" content="{esc(report.author)}">
  <meta property="article:published_time" content="{report.date}T09:00:00Z">
  <meta name="description" content="{esc(report.subtitle)}">
</head>
<body>
  <nav><a href="/">Home</a> | <a href="/analysis">Analysis</a> | <a href="/data">Data</a>
    | <a href="/about">About us</a></nav>
  <main>
    <article>
      <h1>{esc(report.title)}</h1>
      <p class="byline">By {esc(report.author)}, {report.date}</p>
      <h2>{esc(report.subtitle)}</h2>
{body}
    </article>
  </main>
  <footer>Subscribe to our newsletter. &copy; {esc(report.publisher)}. All rights reserved.</footer>
</body>
</html>
""",
        encoding="utf-8",
    )


def main() -> None:
    for report in PDF_REPORTS:
        pages = write_pdf(report, SAMPLES / report.filename)
        print(f"{report.filename}: {pages} pages")
    write_html(HONDURAS_HTML, SAMPLES / HONDURAS_HTML.filename)
    print(HONDURAS_HTML.filename)


if __name__ == "__main__":
    main()
