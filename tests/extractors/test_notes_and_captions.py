"""Footnotes and captions, step by step: which blocks are footnotes (mark_notes), what runs on past them
and past a caption (read_paragraphs), and where they go among passages (merge_fragments). Every text
here was written for these tests."""

from __future__ import annotations

from extractors.pdf.blocks import Block, mark_notes
from extractors.pdf.lines import Line
from extractors.pdf.paragraphs import read_paragraphs
from extractors.pdf.words import Word
from extractors.segment import merge_fragments, paragraph_on_page

BODY = 10.0
HEIGHT = 800.0


def _block(text: str, top: float, *, size: float = BODY, kind: str = "text", noted: bool = False,
           page: int = 1) -> Block:  # fmt: skip
    word = Word(text, 72.0, 72.0 + 5 * len(text), top, top + size, size, noted=noted)
    return Block((Line((word,)),), page, kind)


def _kinds(blocks: list[Block]) -> list[str]:
    return [b.kind for b in blocks]


def test_footnotes_under_a_page_number_set_in_the_body_size_are_footnotes() -> None:
    # A review: a page number read as a one-cell table after the footnotes hid every footnote of a paper.
    page = [
        _block("The war claimed thousands of lives in massacres carried out as part of", 100),
        _block("We thank the archive of the truth commission for its help.", 700, size=8, noted=True),
        _block("See the commission's report, volume two.", 712, size=8, noted=True),
        _block("5", 760, kind="table"),
    ]
    blocks, still_open = mark_notes(page, BODY, HEIGHT)
    assert _kinds(blocks) == ["text", "note", "note", "table"] and not still_open


def test_a_small_numbered_list_after_its_lead_in_or_a_reference_heading_is_no_footnote() -> None:
    lead_in = [
        _block("The council adopted the following five measures:", 600),
        _block("1. Street lighting in every district.", 640, size=8),
        _block("2. Night buses after the evening classes.", 652, size=8),
    ]
    assert _kinds(mark_notes(lead_in, BODY, HEIGHT)[0]) == ["text", "text", "text"]
    entry = _block("1. Author, A. (2019). A title.", 640, size=8)
    references = [_block("References", 600, kind="heading"), entry]
    assert _kinds(mark_notes(references, BODY, HEIGHT)[0]) == ["heading", "text"]
    note = _block("1. The minutes are in the archive.", 640, size=8)
    footnote = [_block("The council met twice.", 600), note]
    assert _kinds(mark_notes(footnote, BODY, HEIGHT)[0]) == ["text", "note"]


def test_a_footnote_that_goes_on_to_the_next_page_is_one_footnote() -> None:
    # A review: the tail of a footnote at the next page's foot ("124,077 homicides between 1999 and ...")
    # was read as body text, into the passage above it.
    first = [_block("The programme ran for ten years", 100), _block("1 The estimate sums the homicides", 700,
                                                                        size=8)]  # fmt: skip
    blocks, still_open = mark_notes(first, BODY, HEIGHT)
    assert _kinds(blocks) == ["text", "note"] and still_open
    second = [_block("and it reached every district.", 100, page=2),
              _block("124,077 in all, and the rest by year.", 700, size=8, page=2)]  # fmt: skip
    more, still_open = mark_notes(second, BODY, HEIGHT, open_note=True)
    assert _kinds(more) == ["text", "note"] and not still_open
    paragraphs = read_paragraphs([*blocks, *more], "en", {})[0]
    assert [(p.kind, p.text) for p in paragraphs] == [
        ("text", "The programme ran for ten years and it reached every district."),
        ("note", "1 The estimate sums the homicides 124,077 in all, and the rest by year."),
    ]


def test_text_that_goes_on_in_lower_case_after_a_caption_goes_on_from_the_paragraph_before_it() -> None:
    # A review: "... gastar frecuentemente en" [Tabla 4] "el juego más dinero ..." stayed broken, and a
    # caption's own next line still joins the caption.
    blocks = [
        _block("Los adolescentes dicen gastar frecuentemente en", 100),
        _block("Tabla 4", 300),
        _block("el juego más dinero del que tienen.", 500),
        _block("Tabla 5. Área erradicada por departamento, municipio y", 600, size=9),
        _block("núcleo de erradicación, fase II.", 611, size=9),
    ]
    paragraphs = read_paragraphs(blocks, "es", {})[0]
    assert [p.text for p in paragraphs] == [
        "Los adolescentes dicen gastar frecuentemente en el juego más dinero del que tienen.",
        "Tabla 4",
        "Tabla 5. Área erradicada por departamento, municipio y núcleo de erradicación, fase II.",
    ]
    # Only text going on in lower case: a table's header row under a caption is no continuation of the
    # paragraph before the caption ("... community charac-" [Table 5: ...] "Variable Obs Mean").
    blocks = [_block("To assess community charac-", 100), _block("Table 5: Descriptive statistics", 300),
              _block("Variable Obs Mean", 320)]  # fmt: skip
    assert [p.text for p in read_paragraphs(blocks, "en", {})[0]] == [
        "To assess community charac-", "Table 5: Descriptive statistics", "Variable Obs Mean",
    ]  # fmt: skip


def test_footnotes_wait_for_the_unit_they_cut_but_no_longer() -> None:
    # A review: footnotes read after a table waited for the next unit, and came after the next page's text.
    long = " ".join(["word"] * 60)
    units = merge_fragments([
        paragraph_on_page("Tabla 1. Área por departamento", 5),
        paragraph_on_page("Antioquia 12 | Nariño 40", 5, "table"),
        paragraph_on_page("1 Área certificada por UNODC.", 5, "note"),
        paragraph_on_page(long, 6),
    ])  # fmt: skip
    assert [(u.kind, u.page_start) for u in units] == [("table", 5), ("note", 5), ("text", 6)]
    assert units[0].text.startswith("Tabla 1. Área por departamento\nAntioquia")
    # On slides a footnote is the slide's text.
    slides = merge_fragments(
        [paragraph_on_page("Results", 2, "heading"), paragraph_on_page("1 Source: police data.", 2, "note")],
        page_breaks=True,
    )
    assert [u.text for u in slides] == ["Results\n1 Source: police data."]


def test_a_heading_over_a_caption_goes_with_its_section_text_and_a_lone_caption_ends_its_unit() -> None:
    # A review: a heading pulled into the table left its section's text without it; a figure's caption at
    # a page's foot, no table after it, started the next page's section ("Figura 4. ... 3. EVENTOS ...").
    long = " ".join(["palabra"] * 60)
    units = merge_fragments([
        paragraph_on_page("2.4. Variedad del cultivo", 18),
        paragraph_on_page("Tabla 9. Lotes por variedad", 18),
        paragraph_on_page("Coca 12 | Amapola 3", 18, "table"),
        paragraph_on_page(long, 18),
    ])  # fmt: skip
    assert [u.kind for u in units] == ["table", "text"]
    assert units[0].text.startswith("Tabla 9.") and units[1].text.startswith("2.4. Variedad del cultivo\n")
    units = merge_fragments([
        paragraph_on_page(long, 13),
        paragraph_on_page("Figura 4. Proporción de cultivos", 13),
        paragraph_on_page("3. EVENTOS", 14, "heading"),
        paragraph_on_page(long, 14),
    ])  # fmt: skip
    assert [u.text.splitlines()[0] for u in units] == [long, "3. EVENTOS"]
    assert units[0].text.endswith("Figura 4. Proporción de cultivos")
    # On its own page, a caption may head the table's header row read as text: it stays with it.
    units = merge_fragments([paragraph_on_page("Table 1: Summary Statistics", 12),
                             paragraph_on_page("Massacre No massacre Mean Mean", 12)])  # fmt: skip
    assert [u.text for u in units] == ["Table 1: Summary Statistics\nMassacre No massacre Mean Mean"]
