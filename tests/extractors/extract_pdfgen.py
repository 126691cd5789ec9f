"""PDFs the extraction tests generate themselves with reportlab, with text whose order and form is known.

Every text here was written for these tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = letter
MARGIN = 72.0
GUTTER = 24.0
COLUMN = (WIDTH - 2 * MARGIN - GUTTER) / 2
FONT, SIZE, LEADING = "Helvetica", 10.0, 13.0
HEADER = "Citizen Security Review 2024"

TITLE = "Local Answers to Organized Crime"
ABSTRACT = (
    "This report compares how four municipalities answered the arrival of organized crime groups over "
    "a decade, using council records, police statistics and interviews with local officials."
)
PARAGRAPHS = {
    "L1": "The northern municipality opened three youth centers during the first year of the program. "
    "Attendance grew every month as local schools referred students after classes ended.",
    "L2": "Council members argued that sports leagues kept teenagers away from recruiters. Coaches were "
    "trained to notice warning signs and to call social workers when a player stopped coming.",
    "R1": "The coastal municipality chose another path and asked for federal troops. Patrols doubled "
    "along the harbor road and checkpoints appeared at every entrance to the old market.",
    "R2": "Arrests rose sharply in the following months, but residents told interviewers that they "
    "felt watched rather than protected, and few of them reported crimes to the new units.",
    "L3": "Prosecutors in the river district built cases against the money launderers who served the "
    "groups, tracing payments through currency exchanges and small construction firms that",
    "R3": "issued invoices for work that was never done, which let investigators freeze accounts in "
    "three banks before the owners could move the funds abroad.",
    "L4": "Neighbouring countries shared intelligence about boats leaving the estuary at night. A joint "
    "task force met every month to compare radar logs and passenger lists from the ferries.",
}
# Lines of a paragraph broken by hand at hyphens: a syllable break and two real compounds.
HYPHENATED_LINES = [
    "Police chiefs spoke of ex-",
    "panding the anti-",
    "narcotics unit and of an old-",
    "school habit of raiding bars",
    "before elections, while mayors",
    "asked for more street lights.",
]
HYPHENATED_TEXT = (
    "Police chiefs spoke of expanding the anti-narcotics unit and of an old-school habit of raiding bars "
    "before elections, while mayors asked for more street lights."
)
HEADING = "2. Enforcement and cooperation"
# Reading order of the two-column report, by paragraph name.
READING_ORDER = ["TITLE", "ABSTRACT", "L1", "L2", "R1", "R2", "L3", "R3", "HEADING", "L4", "R4"]


def expected_texts() -> dict[str, str]:
    """What each paragraph must read like in the extracted text (L3 and R3 are one paragraph)."""
    texts = {"TITLE": TITLE, "ABSTRACT": ABSTRACT, "HEADING": HEADING, "R4": HYPHENATED_TEXT}
    texts.update(PARAGRAPHS)
    return texts


def _draw_lines(
    canvas: Canvas,
    lines: Sequence[str],
    x: float,
    y: float,
    font: str = FONT,
    size: float = SIZE,
    leading: float = LEADING,
) -> float:
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawString(x, y, line)
        y -= leading
    return y


def _wrap(text: str, width: float, font: str = FONT, size: float = SIZE) -> list[str]:
    return list(simpleSplit(text, font, size, width))


def _page_furniture(canvas: Canvas, number: int) -> None:
    canvas.setFont(FONT, 8)
    canvas.drawString(MARGIN, HEIGHT - 40, HEADER)
    canvas.drawRightString(WIDTH - MARGIN, 30, f"Page {number}")


def _column(canvas: Canvas, names: Sequence[str], x: float, y: float) -> float:
    for name in names:
        lines = HYPHENATED_LINES if name == "R4" else _wrap(PARAGRAPHS[name], COLUMN)
        y = _draw_lines(canvas, lines, x, y) - 8
    return y


def two_column_report(path: Path, pages: int = 2) -> Path:
    """A report with a running header, page-number footers, a full-width title, abstract and heading,
    two-column sections, a paragraph running from one column into the next, and hyphenated line ends."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setTitle("")
    left, right = MARGIN, MARGIN + COLUMN + GUTTER
    # Page 1: title, abstract, then L1 L2 | R1 R2.
    _page_furniture(canvas, 1)
    y = _draw_lines(canvas, [TITLE], MARGIN, HEIGHT - 100, "Helvetica-Bold", 18, 22) - 10
    y = _draw_lines(canvas, _wrap(ABSTRACT, WIDTH - 2 * MARGIN), MARGIN, y) - 16
    _column(canvas, ["L1", "L2"], left, y)
    _column(canvas, ["R1", "R2"], right, y)
    canvas.showPage()
    # Page 2: L3 | R3 (one paragraph across the columns), a full-width heading, then L4 | R4.
    _page_furniture(canvas, 2)
    top = HEIGHT - 100
    l3 = _wrap(PARAGRAPHS["L3"], COLUMN)
    r3 = _wrap(PARAGRAPHS["R3"], COLUMN)
    _draw_lines(canvas, l3, left, top)
    _draw_lines(canvas, r3, right, top)
    y = top - LEADING * max(len(l3), len(r3)) - 20
    y = _draw_lines(canvas, [HEADING], MARGIN, y, "Helvetica-Bold", 13, 16) - 10
    _column(canvas, ["L4"], left, y)
    _column(canvas, ["R4"], right, y)
    canvas.showPage()
    for number in range(3, pages + 1):
        _page_furniture(canvas, number)
        text = f"Annex {number} lists the municipal budgets for each year of the program in detail."
        _draw_lines(canvas, _wrap(text, WIDTH - 2 * MARGIN), MARGIN, HEIGHT - 100)
        canvas.showPage()
    canvas.save()
    return path


# A page of a two-column journal article: a paragraph carried over from the previous page fills three
# lines of each column above a full-width table caption; then two columns of text, and a table's number
# under them both, after a gap, before its full-width caption.
CARRIED = {
    "CARRY_L": "scales of the questionnaire on antisocial and criminal conduct answered by the students of",
    "CARRY_R": "twelve public schools, whose minimum and maximum scores, means and deviations the next",
    "CAPTION_2": "Table 2 Minimum, maximum and mean scores of antisocial and criminal conduct by city",
    "MAIN_L": "The antisocial conducts reported most often by the adolescents are those related to rude "
    "words and insults, to arriving late at school and to eating where it is not allowed, and most of them",
    "MAIN_R": "were reported by more than thirty per cent of the sample, which the authors read as a sign "
    "that they are common at that age rather than a warning of later criminal conduct (see below).",
    "CAPTION_3": "Frequency of antisocial conducts among the adolescents who answered the questionnaire",
}
CARRIED_ORDER = ["CARRY_L", "CARRY_R", "CAPTION_2", "MAIN_L", "MAIN_R", "TABLE_3", "CAPTION_3"]


def carried_columns_page(path: Path) -> Path:
    """The page CARRIED describes, in CARRIED_ORDER ("TABLE_3" is the number "Table 3" alone on its line)."""
    canvas = Canvas(str(path), pagesize=letter)
    left, right = MARGIN, MARGIN + COLUMN + GUTTER
    top = HEIGHT - 100
    carry_l, carry_r = _wrap(CARRIED["CARRY_L"], COLUMN), _wrap(CARRIED["CARRY_R"], COLUMN)
    _draw_lines(canvas, carry_l, left, top)
    _draw_lines(canvas, carry_r, right, top)
    y = top - LEADING * max(len(carry_l), len(carry_r)) - 20
    y = _draw_lines(canvas, _wrap(CARRIED["CAPTION_2"], WIDTH - 2 * MARGIN), MARGIN, y) - 20
    main_l, main_r = _wrap(CARRIED["MAIN_L"], COLUMN), _wrap(CARRIED["MAIN_R"], COLUMN)
    _draw_lines(canvas, main_l, left, y)
    _draw_lines(canvas, main_r, right, y)
    y -= LEADING * max(len(main_l), len(main_r)) + 20
    y = _draw_lines(canvas, ["Table 3"], MARGIN, y)
    _draw_lines(canvas, _wrap(CARRIED["CAPTION_3"], WIDTH - 2 * MARGIN), MARGIN, y)
    canvas.save()
    return path


# Two columns where the right one ends first and the left one runs on, after a blank line, with a heading
# and a paragraph, above a full-width footnote (a review: that section was read after the right column).
RUNS_ON = {
    "L1": "The left column begins with the municipal councils, the youth centres, the sports leagues and the "
    "churches that lent their halls to the programme in its first year, while the police kept to the roads.",
    "HEAD": "3. Transport at night",
    "L2": "A new section of the left column tells of the buses that ran after dark so that the students "
    "could get home safely after the evening classes.",
    "R": "The right column tells how the coastal town chose patrols instead, with checkpoints at the harbour "
    "road and at every entrance to the old market.",
    "NOTE": "1 The council minutes of 2019 and 2020 were read in the municipal archive in March 2022.",
}
RUNS_ON_ORDER = ["L1", "HEAD", "L2", "R", "NOTE"]


def left_column_runs_on_page(path: Path) -> Path:
    """The page RUNS_ON describes, in RUNS_ON_ORDER."""
    canvas = Canvas(str(path), pagesize=letter)
    top = HEIGHT - 100
    y = _draw_lines(canvas, _wrap(RUNS_ON["L1"], COLUMN), MARGIN, top)
    _draw_lines(canvas, _wrap(RUNS_ON["R"], COLUMN), MARGIN + COLUMN + GUTTER, top)
    y -= LEADING  # a blank line before the next section
    y = _draw_lines(canvas, [RUNS_ON["HEAD"]], MARGIN, y, font="Helvetica-Bold")
    y = _draw_lines(canvas, _wrap(RUNS_ON["L2"], COLUMN), MARGIN, y)
    _draw_lines(canvas, [RUNS_ON["NOTE"]], MARGIN, y - 30, size=8, leading=10)
    canvas.save()
    return path


# Two columns of text, then a caption and an unruled table whose gap between a label and its figures lies
# in line with the columns' gutter (a review: each row's figures were read apart from its label).
UNRULED_ROWS = [
    ["Guatemala City", "2019", "3,578", "22.5", "1,204", "14.1", "9.8"],
    ["Quetzaltenango", "2020", "1,150", "18.2", "743", "11.0", "7.1"],
    ["Escuintla Sur", "2021", "2,004", "30.9", "1,588", "19.4", "12.6"],
]


def unruled_table_under_columns_page(path: Path) -> Path:
    """Two columns of text, a full-width caption, then the UNRULED_ROWS."""
    canvas = Canvas(str(path), pagesize=letter)
    left_text = (
        "Municipal councils in the western highlands adopted prevention plans after the national strategy "
        "was published, and most of them set up youth programmes with churches and schools. "
    ) * 2
    right_text = (
        "The police presence grew at the same time, and the councils that asked for patrols reported fewer "
        "robberies but more complaints of abuse, which the ombudsman documented in two reports. "
    ) * 2
    top = HEIGHT - 100
    left, right = _wrap(left_text, COLUMN), _wrap(right_text, COLUMN)
    _draw_lines(canvas, left, MARGIN, top)
    _draw_lines(canvas, right, MARGIN + COLUMN + GUTTER, top)
    y = top - LEADING * max(len(left), len(right)) - 24
    caption = "Table 1. Robberies and complaints of abuse by municipality, 2019-2021, per 100,000 inhabitants"
    y = _draw_lines(canvas, [caption], MARGIN, y) - 6
    canvas.setFont(FONT, SIZE)
    for row in UNRULED_ROWS:
        for x, cell in zip([72, 200, 240, 330, 380, 430, 480], row, strict=True):
            canvas.drawString(x, y, cell)
        y -= LEADING
    canvas.save()
    return path


# Three slides, each a title and two or three bullets of well under a passage's 40 words: a slide's text is
# its own passage (a review: a methods slide and two results slides made one passage, labeled as one).
SLIDES = [
    ["Methods", "Difference-in-differences with matched municipal panels, 2007-2018.",
     "Treated municipalities are those where a leader was arrested or killed."],
    ["Results: local impact", "Arrests of leaders raised kidnappings in the following year.",
     "Extortion fell in the same municipalities."],
    ["Results: neighbours", "Neighbouring municipalities saw more of both crimes.",
     "The effect faded after two years.", "It was strongest along trafficking routes."],
]  # fmt: skip


def slides_deck(path: Path, landscape: bool = True) -> Path:
    """The SLIDES, one per page, on landscape pages (960 x 540) or, as a control, portrait ones."""
    size = (960.0, 540.0) if landscape else letter
    canvas = Canvas(str(path), pagesize=size)
    for slide in SLIDES:
        y = size[1] - 80
        y = _draw_lines(canvas, slide[:1], 60, y, "Helvetica-Bold", 24, 30) - 10
        _draw_lines(canvas, [f"- {line}" for line in slide[1:]], 60, y, size=16, leading=22)
        canvas.showPage()
    canvas.save()
    return path


def tex_spaced_page(
    path: Path, words: Sequence[str], gap_em: float = 0.2, kern_em: float = 0.03, size: float = 10.0
) -> Path:
    """Words drawn TeX-style: no space glyphs, each letter placed on its own with a small kern, words
    separated only by a gap of `gap_em`."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setFont("Times-Roman", size)
    x, y = MARGIN, HEIGHT - MARGIN
    for word in words:
        width = sum(stringWidth(ch, "Times-Roman", size) + kern_em * size for ch in word)
        if x + width > WIDTH - MARGIN:
            x, y = MARGIN, y - 1.3 * size
        for ch in word:
            canvas.drawString(x, y, ch)
            x += stringWidth(ch, "Times-Roman", size) + kern_em * size
        x += gap_em * size - kern_em * size
    canvas.save()
    return path


def split_accent_page(path: Path) -> Path:
    """ "São Paulo" with the tilde drawn as its own glyph over the a, before it, as TeX does."""
    canvas = Canvas(str(path), pagesize=letter)
    size = 12.0
    canvas.setFont("Times-Roman", size)
    x, y = MARGIN, HEIGHT - MARGIN
    canvas.drawString(x, y, "The city of ")
    x += stringWidth("The city of ", "Times-Roman", size)
    canvas.drawString(x, y, "S")
    x += stringWidth("S", "Times-Roman", size)
    a_width = stringWidth("a", "Times-Roman", size)
    tilde_width = stringWidth("\u02dc", "Times-Roman", size)
    canvas.drawString(x + (a_width - tilde_width) / 2, y, "\u02dc")
    canvas.drawString(x, y, "a")
    x += a_width
    canvas.drawString(x, y, "o Paulo has a long history of private security firms.")
    canvas.save()
    return path


def image_only_pages(path: Path) -> Path:
    """Five pages: text, an image alone, an image with only a page number, text, an image alone."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (200, 120), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 180, 100), outline="black", fill="gray")
    canvas = Canvas(str(path), pagesize=letter)
    text = "The ministry published its annual figures on arrests and seizures in the border provinces."
    for number in range(1, 6):
        if number in (1, 4):
            _draw_lines(canvas, _wrap(text, WIDTH - 2 * MARGIN), MARGIN, HEIGHT - 100)
        else:
            canvas.drawInlineImage(image, MARGIN, HEIGHT / 2, 400, 240)
            if number == 3:
                canvas.setFont(FONT, 9)
                canvas.drawString(WIDTH / 2, 30, "3")
        canvas.showPage()
    canvas.save()
    return path


TABLE_ROWS = [
    ["Department", "Hectares", "Teams"],
    ["Antioquia", "412", "7"],
    ["Meta", "305", "5"],
    ["Narino", "198", "3"],
]


def ruled_table_page(path: Path) -> Path:
    """A paragraph, a ruled table, and another paragraph."""
    canvas = Canvas(str(path), pagesize=letter)
    before = (
        "Eradication teams worked in three departments during the second phase, and the monitors "
        "recorded every field they cleared together with its size and the unit that cleared it."
    )
    after = (
        "The following section explains how the monitors checked the reported areas against "
        "satellite images and field visits before the figures were published."
    )
    y = _draw_lines(canvas, _wrap(before, WIDTH - 2 * MARGIN), MARGIN, HEIGHT - 100) - 20
    col_w, row_h = 120.0, 20.0
    top = y
    for r, row in enumerate(TABLE_ROWS):
        for c, cell in enumerate(row):
            canvas.rect(MARGIN + c * col_w, top - (r + 1) * row_h, col_w, row_h)
            canvas.setFont(FONT, 10)
            canvas.drawString(MARGIN + c * col_w + 4, top - (r + 1) * row_h + 6, cell)
    y = top - len(TABLE_ROWS) * row_h - 30
    _draw_lines(canvas, _wrap(after, WIDTH - 2 * MARGIN), MARGIN, y)
    canvas.save()
    return path


# A table ruled in part, as UNODC's eradication tables are: the header, the department's column and its
# total are boxed; the municipality rows beside the department are not.
PARTLY_RULED_HEADER = ["Departamento", "Municipio", "Lotes", "Hectareas"]
PARTLY_RULED_DEPARTMENT = "Antioquia"
PARTLY_RULED_ROWS = [["Briceno", "50", "39,28"], ["El Bagre", "40", "26,07"], ["Turbo", "58", "44,99"]]
PARTLY_RULED_TOTAL = ["Total", "148", "110,34"]


def partly_ruled_table_page(path: Path) -> Path:
    """A paragraph, then a table whose header, department column and total row are ruled and whose
    municipality rows are not."""
    canvas = Canvas(str(path), pagesize=letter)
    before = (
        "The monitors validated every field the eradication groups reported in the department, and the "
        "table below gives the number of fields and the area validated in each municipality."
    )
    top = _draw_lines(canvas, _wrap(before, WIDTH - 2 * MARGIN), MARGIN, HEIGHT - 100) - 20
    col_w, row_h = 110.0, 20.0
    canvas.setFont(FONT, 10)

    def cell(row: int, col: int, text: str, ruled: bool, rows: int = 1) -> None:
        x, y = MARGIN + col * col_w, top - (row + rows) * row_h
        if ruled:
            canvas.rect(x, y, col_w, rows * row_h)
        canvas.drawString(x + 4, top - (row + 1) * row_h + 6, text)

    for c, text in enumerate(PARTLY_RULED_HEADER):
        cell(0, c, text, ruled=True)
    cell(1, 0, PARTLY_RULED_DEPARTMENT, ruled=True, rows=len(PARTLY_RULED_ROWS) + 1)
    for r, row in enumerate(PARTLY_RULED_ROWS, start=1):
        for c, text in enumerate(row, start=1):
            cell(r, c, text, ruled=False)
    for c, text in enumerate(PARTLY_RULED_TOTAL, start=1):
        cell(len(PARTLY_RULED_ROWS) + 1, c, text, ruled=True)
    canvas.save()
    return path


def text_pages(path: Path, pages: int, encrypt: str | None = None) -> Path:
    """`pages` simple one-column pages of varied text (used for memory and error tests)."""
    canvas = Canvas(str(path), pagesize=letter, encrypt=encrypt)
    for number in range(1, pages + 1):
        text = (
            f"Section {number} describes how the municipal guard of district {number} shared patrol "
            f"schedules with the national police and what changed in reported robberies afterwards."
        )
        _draw_lines(canvas, _wrap(text * 3, WIDTH - 2 * MARGIN), MARGIN, HEIGHT - 100)
        canvas.setFont(FONT, 8)
        canvas.drawString(WIDTH / 2, 30, str(number))
        canvas.showPage()
    canvas.save()
    return path


# A title of two lines, then, after a blank line, a section heading set in the title's very size.
GAP_TITLE_LINES = ["Homicidios dolosos y mercados de drogas", "en tres provincias del litoral"]
GAP_HEADING = "Planteamiento del problema"
GAP_BODY = (
    "Este informe reúne las tasas de homicidios dolosos registradas por las fiscalías provinciales "
    "entre 2015 y 2024 y las compara con los decomisos de drogas de las fuerzas federales."
)


def title_then_heading_page(
    path: Path, blank_lines: int = 1, title_lines: Sequence[str] = tuple(GAP_TITLE_LINES)
) -> Path:
    """A title (14 pt on a 17 pt leading), `blank_lines` empty lines, a heading set in the same font and
    size, then body text: the heading is not part of the title."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setTitle("")
    leading = 17.0
    y = _draw_lines(canvas, title_lines, MARGIN, HEIGHT - 80, "Helvetica", 14, leading)
    y = _draw_lines(canvas, [GAP_HEADING], MARGIN, y - blank_lines * leading, "Helvetica", 14, leading)
    _draw_lines(canvas, _wrap(GAP_BODY, WIDTH - 2 * MARGIN), MARGIN, y - 4)
    canvas.save()
    return path


# A slide title as an OCR text layer gives it: each line sized from its glyph boxes (40, 39.4 and 38.6 pt
# for one size) and the "¿" read as "é".
OCR_TITLE_LINES = [
    ("éPor qué algunos municipios", 40.0),
    ("pagan a los grupos", 39.4),
    ("armados y otros no?", 38.6),
]
OCR_TITLE = "¿Por qué algunos municipios pagan a los grupos armados y otros no?"


def ocr_sized_title_page(path: Path) -> Path:
    """A slide whose title lines differ a little in size, over a speaker's name in a much smaller size."""
    canvas = Canvas(str(path), pagesize=(960, 540))
    canvas.setTitle("")
    y = 420.0
    for text, size in OCR_TITLE_LINES:
        _draw_lines(canvas, [text], 80, y, "Helvetica", size)
        y -= 1.3 * size
    speaker = ["Dra. Lucía Herrera Soto", "Observatorio de Seguridad Municipal"]
    _draw_lines(canvas, speaker, 80, y - 40, size=18)
    canvas.save()
    return path


def byline_page(path: Path, metadata_title: str, byline: str) -> Path:
    """A title page whose file metadata has `metadata_title`, with `byline` printed under the title."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setTitle(metadata_title)
    y = _draw_lines(canvas, ["Plan Municipal de Convivencia"], MARGIN, HEIGHT - 100, "Helvetica-Bold", 20, 24)
    y = _draw_lines(canvas, [byline], MARGIN, y - 10, "Helvetica", 12, 15)
    _draw_lines(canvas, _wrap(GAP_BODY, WIDTH - 2 * MARGIN), MARGIN, y - 20)
    canvas.save()
    return path


# A paragraph cut by a page break, with two footnotes at the foot of the first page (the first opening
# with a raised number, the second with a number on the line), as journal articles and UNODC reports set
# them (a review: the footnotes were read into the paragraph, between its two halves).
FOOTNOTED = {
    "BEFORE": "The first year of the programme brought the municipal councils, the churches and the schools "
    "around one table, and every council named an officer to follow the youth centres.",
    "CUT_1": "Attendance at the centres grew in every district where a school referred its students after "
    "classes, and the councils that paid the coaches on time kept most of the teenagers who",
    "CUT_2": "came in the first months, while those that paid late lost half of them before the end of the "
    "school year, as the programme's own evaluation found.",
    "AFTER": "The second year moved the money from the centres to the schools themselves, which hired "
    "counsellors of their own and reported to the councils every term.",
    "NOTE_1": "The evaluation was carried out by the provincial university and published in 2021.",
    "NOTE_2": "2 Councils paid the coaches through the sports office until the reform of 2020.",
}


def footnoted_pages(path: Path) -> Path:
    """Two pages: BEFORE and CUT_1 on the first, its footnotes NOTE_1 (after a raised "1") and NOTE_2 at
    its foot in a smaller size; CUT_2 (in lower case) and AFTER on the second."""
    canvas = Canvas(str(path), pagesize=letter)
    width = WIDTH - 2 * MARGIN
    _page_furniture(canvas, 1)
    y = _draw_lines(canvas, _wrap(FOOTNOTED["BEFORE"], width), MARGIN, HEIGHT - 100) - 8
    cut = _wrap(FOOTNOTED["CUT_1"], width)
    _draw_lines(canvas, cut, MARGIN, 150 + LEADING * (len(cut) - 1))
    canvas.setFont(FONT, 6)
    canvas.drawString(MARGIN, 93, "1")
    _draw_lines(canvas, [FOOTNOTED["NOTE_1"]], MARGIN + 5, 90, size=8, leading=10)
    _draw_lines(canvas, [FOOTNOTED["NOTE_2"]], MARGIN, 78, size=8, leading=10)
    canvas.showPage()
    _page_furniture(canvas, 2)
    y = _draw_lines(canvas, _wrap(FOOTNOTED["CUT_2"], width), MARGIN, HEIGHT - 100) - 8
    _draw_lines(canvas, _wrap(FOOTNOTED["AFTER"], width), MARGIN, y)
    canvas.save()
    return path


# A caption that fills its line at the foot of a page, a paragraph on the next page, then a caption over a
# ruled table (a review: the first caption was read into the next page's paragraph, the second apart from
# its table, as a passage of a dozen words).
FIGURE_CAPTION = "Figure 1: Homicides per 100,000 inhabitants in the four municipalities and the province"
NEXT_PAGE = (
    "The trends diverge after the second year, when the coastal municipality asked for troops and the "
    "northern one kept its youth centres open at night, and the gap between them grew every year until "
    "the province adopted the northern plan for all of its municipalities."
)
TABLE_CAPTION = "Table 2. Fields cleared by department, second phase"
UNDER_TABLE = (
    "According to the table above, most fields were cleared in the department with the largest area of "
    "coca, where the monitors also recorded most of the incidents with the eradication teams."
)


def captions_pages(path: Path) -> Path:
    """A paragraph and FIGURE_CAPTION, stretched to the right margin, at the foot of page 1; NEXT_PAGE,
    TABLE_CAPTION, a ruled table of TABLE_ROWS and UNDER_TABLE on page 2."""
    canvas = Canvas(str(path), pagesize=letter)
    width = WIDTH - 2 * MARGIN
    y = _draw_lines(canvas, _wrap(FOOTNOTED["BEFORE"], width), MARGIN, HEIGHT - 100) - 300
    canvas.setFont(FONT, SIZE)
    spare = width - stringWidth(FIGURE_CAPTION, FONT, SIZE)
    canvas.drawString(MARGIN, y, FIGURE_CAPTION, charSpace=spare / (len(FIGURE_CAPTION) - 1))
    canvas.showPage()
    y = _draw_lines(canvas, _wrap(NEXT_PAGE, width), MARGIN, HEIGHT - 100) - 20
    y = _draw_lines(canvas, [TABLE_CAPTION], MARGIN, y) - 6
    col_w, row_h = 120.0, 20.0
    canvas.setFont(FONT, SIZE)
    for r, row in enumerate(TABLE_ROWS):
        for c, cell in enumerate(row):
            canvas.rect(MARGIN + c * col_w, y - (r + 1) * row_h, col_w, row_h)
            canvas.drawString(MARGIN + c * col_w + 4, y - (r + 1) * row_h + 6, cell)
    y -= (len(TABLE_ROWS) + 1) * row_h + 20
    _draw_lines(canvas, _wrap(UNDER_TABLE, width), MARGIN, y)
    canvas.save()
    return path


# Tables in a column of a two-column page (a review: a table in the right column was placed among the
# left column's paragraphs, and one at the foot of the left column after the right column).
COLUMN_TEXTS = {
    name: f"{name} " + text
    for name, text in {
        "LA": "The northern councils opened youth centres in every district, and the schools referred "
        "their students to them after classes, as the provincial plan asked them to do.",
        "LB": "Attendance grew each month, and the coaches learned to call a social worker when a player "
        "stopped coming, which the evaluation counted among the programme's strengths.",
        "RA": "The coastal council asked for troops instead, and the patrols along the harbour road "
        "doubled within a year of the request.",
        "RB": "Residents told the interviewers that they felt watched rather than protected, and few of "
        "them reported crimes to the new units.",
    }.items()
}
COLUMN_CAPTION = "Tabla 2. Patrullas por mes"
COLUMN_ROWS = [["Mes", "Patrullas"], ["Enero", "120"], ["Febrero", "135"]]


def _column_table(canvas: Canvas, x: float, y: float) -> float:
    canvas.setFont(FONT, SIZE)
    col_w, row_h = 90.0, 18.0
    for r, row in enumerate(COLUMN_ROWS):
        for c, cell in enumerate(row):
            canvas.rect(x + c * col_w, y - (r + 1) * row_h, col_w, row_h)
            canvas.drawString(x + c * col_w + 4, y - (r + 1) * row_h + 5, cell)
    return y - len(COLUMN_ROWS) * row_h


def column_tables_pages(path: Path) -> Path:
    """Page 1: LA, LB in the left column; RA, COLUMN_CAPTION, a ruled table, RB in the right one. Page 2:
    LA and a ruled table at the foot of the left column; RA and RB in the right one."""
    canvas = Canvas(str(path), pagesize=letter)
    left, right, top = MARGIN, MARGIN + COLUMN + GUTTER, HEIGHT - 100
    y = _draw_lines(canvas, _wrap(COLUMN_TEXTS["LA"], COLUMN), left, top) - 10
    _draw_lines(canvas, _wrap(COLUMN_TEXTS["LB"], COLUMN), left, y)
    y = _draw_lines(canvas, _wrap(COLUMN_TEXTS["RA"], COLUMN), right, top) - 10
    y = _draw_lines(canvas, [COLUMN_CAPTION], right, y) - 4
    y = _column_table(canvas, right, y) - 16
    _draw_lines(canvas, _wrap(COLUMN_TEXTS["RB"], COLUMN), right, y)
    canvas.showPage()
    y = _draw_lines(canvas, _wrap(COLUMN_TEXTS["LA"], COLUMN), left, top) - 16
    _column_table(canvas, left, y)
    y = _draw_lines(canvas, _wrap(COLUMN_TEXTS["RA"], COLUMN), right, top) - 10
    _draw_lines(canvas, _wrap(COLUMN_TEXTS["RB"], COLUMN), right, y)
    canvas.save()
    return path
