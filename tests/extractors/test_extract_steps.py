"""The small pure steps of extraction, each alone: chars → words, rows, gutters, headers, hyphenation,
Unicode clean-up, sentence splitting and passage sizing."""

from __future__ import annotations

from typing import Any

import pytest

from extractors.hyphenation import LONGEST_WORD, join_lines, keep_hyphen, vocabulary
from extractors.pdf.blocks import lines_to_blocks
from extractors.pdf.columns import find_gutters, rows_to_lines
from extractors.pdf.headers import find_running_lines, is_page_number, line_key, split_running_lines
from extractors.pdf.lines import Line, words_to_rows
from extractors.pdf.metadata import date_from_metadata, dates_in, title_from_lines, title_from_metadata
from extractors.pdf.report import page_ranges
from extractors.pdf.words import Word, attach_drop_caps, chars_to_words
from extractors.quality import (
    clean_reference,
    comparable_words,
    glued_token_share,
    join_reference_breaks,
    word_recall,
)
from extractors.segment import (
    MAX_WORDS,
    Paragraph,
    is_caption,
    paragraph_on_page,
    paragraphs_to_passages,
    split_sentences,
)
from extractors.unicode import clean_text


def _chars(
    text: str, x: float = 10.0, top: float = 100.0, size: float = 10.0, advance: float = 5.0, gap: float = 0.0
) -> list[dict[str, Any]]:
    """One char dict per character, `advance` wide, `gap` apart, as pdfplumber gives them."""
    chars = []
    for ch in text:
        chars.append(
            {
                "text": ch,
                "x0": x,
                "x1": x + advance,
                "top": top,
                "bottom": top + size,
                "size": size,
                "fontname": "Test",
                "upright": True,
            }
        )
        x += advance + gap
    return chars


def test_words_split_at_gaps_relative_to_font_size() -> None:
    chars = _chars("crime", gap=0.2) + _chars("rates", x=10 + 5 * 5.2 + 2.5, gap=0.2)
    assert [w.text for w in chars_to_words(chars)] == ["crime", "rates"]  # 2.5pt gap at 10pt = 0.25 em
    glued = _chars("crime", gap=0.2) + _chars("rates", x=10 + 5 * 5.2 + 0.8, gap=0.2)
    assert [w.text for w in chars_to_words(glued)] == ["crimerates"]  # 0.08 em is kerning, not a space


def test_words_split_at_space_glyphs_and_tabs() -> None:
    chars = _chars("a b\tc\u00a0d")
    assert [w.text for w in chars_to_words(chars)] == ["a", "b", "c", "d"]


def test_words_expand_ligatures_and_skip_rotated_and_doubled_glyphs() -> None:
    chars = _chars("\ufb01nal")
    chars.append({**chars[-1]})  # fake bold: the same glyph drawn twice
    chars.append({**_chars("X", x=300)[0], "upright": False})
    assert [w.text for w in chars_to_words(chars)] == ["final"]


def test_spacing_accent_before_or_after_its_letter() -> None:
    before = _chars("S") + [{**_chars("\u02dc", x=16.0)[0], "x1": 19.0}] + _chars("ao", x=15.0)
    assert [w.text for w in chars_to_words(before)] == ["São"]
    after = _chars("Sa") + [{**_chars("\u02dc", x=16.0)[0], "x1": 19.0}] + _chars("o", x=20.0)
    assert [w.text for w in chars_to_words(after)] == ["São"]


def _word(text: str, x0: float, top: float, size: float = 10.0, bold: bool = False) -> Word:
    return Word(text, x0, x0 + 6 * len(text), top, top + size, size, bold)


def _column_rows(n: int, x: float, top: float, label: str) -> list[Word]:
    words = []
    for i in range(n):
        words += [
            _word(f"{label}{i}a", x, top + 13 * i),
            _word(f"{label}{i}b", x + 21, top + 13 * i),
            _word(f"{label}{i}c", x + 42, top + 13 * i),
            _word(f"{label}{i}d", x + 63, top + 13 * i),
        ]
    return words


def test_two_columns_found_and_read_column_by_column() -> None:
    words, x, title = [], 100.0, "A long title set across both of the columns"
    for text in title.split():
        words.append(_word(text, x, 50, 18))
        x += 6 * len(text) + 4
    words += _column_rows(8, 72, 100, "L") + _column_rows(8, 320, 100, "R")
    rows = words_to_rows(words)
    gutters = find_gutters(rows, 10.0)
    assert len(gutters) == 1 and 72 + 81 <= gutters[0].x0 < gutters[0].x1 <= 320
    lines = rows_to_lines(rows, gutters, 10.0)
    order = [ln.words[0].text for ln in lines]
    assert order == ["A"] + [f"L{i}a" for i in range(8)] + [f"R{i}a" for i in range(8)]
    assert [ln.column for ln in lines[:2]] == [0, 1]


def _column_rows_with_gaps(n: int, x: float, top: float, label: str, widths: int = 4) -> list[Word]:
    """Like _column_rows, with a paragraph gap every 6 rows (so two columns' baselines drift apart)."""
    words = []
    for i in range(n):
        y = top + 13 * i + 5 * (i // 6)
        words += [_word(f"{label}{i}{c}", x + 21 * j, y) for j, c in enumerate("abcd"[:widths])]
    return words


def test_a_left_column_that_runs_on_after_the_right_one_ends_is_read_before_it() -> None:
    # A paper's last page: the right column stops after five rows, the left one runs on to the bottom
    # (one of its lines reaches a little into the gutter's strip), with a page number under both.
    words = _column_rows_with_gaps(30, 72, 100, "L") + _column_rows(5, 320, 100, "R")
    words.append(_word("L29e", 72 + 84, 100 + 13 * 29 + 5 * 4))  # the longest line of the left column
    words.append(_word("7", 250, 560))
    rows = words_to_rows(words)
    lines = rows_to_lines(rows, find_gutters(rows, 10.0), 10.0)
    order = [ln.words[0].text for ln in lines]
    assert order == [f"L{i}a" for i in range(30)] + [f"R{i}a" for i in range(5)] + ["7"]


@pytest.mark.parametrize("footer", [["7"], ["Page", "7"], ["7", "/", "20"]])
def test_a_left_column_running_on_is_read_before_the_right_one_whatever_the_page_footer(
    footer: list[str],
) -> None:
    words = _column_rows_with_gaps(30, 72, 100, "L") + _column_rows(5, 320, 100, "R")
    x = 250.0
    for text in footer:
        words.append(_word(text, x, 560))
        x += 6 * len(text) + 4
    rows = words_to_rows(words)
    order = [ln.words[0].text for ln in rows_to_lines(rows, find_gutters(rows, 10.0), 10.0)]
    assert order == [f"L{i}a" for i in range(30)] + [f"R{i}a" for i in range(5)] + [footer[0]]


def test_a_bold_heading_over_each_column_stays_with_its_column() -> None:
    # Like a running header, each column's heading stands well above its text; it is bold, not smaller.
    words = [_word("Box", 72, 60, 10, bold=True), _word("A", 96, 60, 10, bold=True)]
    words += [_word("Box", 320, 60, 10, bold=True), _word("B", 344, 60, 10, bold=True)]
    words += _column_rows(12, 72, 100, "L") + _column_rows(12, 320, 100, "R")
    rows = words_to_rows(words)
    lines = rows_to_lines(rows, find_gutters(rows, 10.0), 10.0)
    assert [ln.text for ln in lines][:2] == ["Box A", "L0a L0b L0c L0d"]
    assert "Box B" in [ln.text for ln in lines]
    assert [ln.text for ln in lines].index("Box B") == 13


def test_a_running_header_over_both_columns_stays_one_line() -> None:
    # "Publisher ... Short title": both ends clear of the gutter, far above the columns' first row.
    words = [_word("Policy", 72, 40, 8), _word("Forum", 110, 40, 8), _word("Short", 400, 40, 8)]
    words += _column_rows(12, 72, 100, "L") + _column_rows(12, 320, 100, "R")
    rows = words_to_rows(words)
    lines = rows_to_lines(rows, find_gutters(rows, 10.0), 10.0)
    assert lines[0].text == "Policy Forum Short" and lines[0].column == 0
    columns = [f"L{i}a" for i in range(12)] + [f"R{i}a" for i in range(12)]
    assert [ln.words[0].text for ln in lines[1:]] == columns


def test_a_full_width_row_below_a_short_right_column_keeps_the_sections_apart() -> None:
    # Text across the page under the columns is not the left column running on.
    words = _column_rows(8, 72, 100, "L") + _column_rows(5, 320, 100, "R")
    words += [_word(f"F{j}", 72 + 16 * j, 220) for j in range(28)]  # one line of prose across the page
    rows = words_to_rows(words)
    lines = rows_to_lines(rows, find_gutters(rows, 10.0), 10.0)
    columns = [f"L{i}a" for i in range(8)] + [f"R{i}a" for i in range(5)]
    assert [ln.words[0].text for ln in lines] == [*columns, "F0"]


def test_three_columns() -> None:
    words = _column_rows(10, 40, 100, "A") + _column_rows(10, 230, 100, "B") + _column_rows(10, 420, 100, "C")
    rows = words_to_rows(words)
    lines = rows_to_lines(rows, find_gutters(rows, 10.0), 10.0)
    assert [ln.words[0].text[0] for ln in lines] == ["A"] * 10 + ["B"] * 10 + ["C"] * 10


def test_single_column_with_word_spaces_has_no_gutter() -> None:
    words = []
    for i in range(20):
        x = 72.0
        for j in range(10):
            words.append(_word(f"w{i}{j}", x, 100 + 13 * i))
            x += 6 * len(f"w{i}{j}") + 3 + (i * j) % 4  # spaces vary as in justified text
    assert find_gutters(words_to_rows(words), 10.0) == []


def test_footnote_markers_fold_into_their_row() -> None:
    words = [_word("violence", 72, 100), _word("1", 72 + 48, 97, size=6), _word("grew", 130, 100)]
    rows = words_to_rows(words)
    assert [[w.text for w in r] for r in rows] == [["violence", "grew"]]


def _page(lines: list[tuple[str, float]]) -> list[Line]:
    return [
        Line(tuple(_word(t, 72 + 40 * i, top) for i, t in enumerate(text.split()))) for text, top in lines
    ]


def test_running_header_found_across_pages_with_digits_masked() -> None:
    pages = [
        (792.0, _page([(f"Security Review {2024} page {n}", 30), ("Body text here", 300), (str(n), 770)]))
        for n in range(1, 6)
    ]
    running = find_running_lines(pages)
    assert line_key("Security Review 2024 page 3") + "@10" in running.keys
    body, dropped = split_running_lines(pages[2][1], 792.0, running)
    assert [ln.text for ln in body] == ["Body text here"]
    assert len(dropped) == 2


def test_big_title_repeating_the_small_header_is_kept() -> None:
    """Regression: on a two-page report the page-1 title matched the page-2 running header and was lost."""
    title = Line((Word("Plan Colombia at Twenty-Five", 72, 400, 60, 78, 18.0),))
    header = Line((Word("Plan Colombia at Twenty-Five", 72, 200, 30, 38, 8.0),))
    body = Line((Word("Body text", 72, 200, 300, 310, 10.0),))
    running = find_running_lines([(792.0, [header, title, body]), (792.0, [header, body])])
    kept, dropped = split_running_lines([header, title, body], 792.0, running)
    assert (kept, dropped) == ([title, body], [header])


def test_an_author_set_as_large_as_a_title_in_capitals_is_not_part_of_it() -> None:
    def line(text: str, top: float) -> Line:
        return Line((Word(text, 72, 500, top, top + 18, 18.0),))

    capitals = [line("VIOLENCIA Y POLICÍA EN LAS", 60), line("CIUDADES DE CENTROAMÉRICA", 80)]
    capitals.append(line("Ana Ruiz", 100))
    assert title_from_lines(capitals) == "VIOLENCIA Y POLICÍA EN LAS CIUDADES DE CENTROAMÉRICA"
    mixed = [line("Policing the Cities of", 60), line("Central America", 80)]
    assert title_from_lines(mixed) == "Policing the Cities of Central America"  # mixed case goes on as before


def test_header_variant_on_one_page_dropped_loosely() -> None:
    pages = [(792.0, _page([("Proyecto COL/K53 CV - UACT/UNODC", 30), (f"Body {n}", 300)])) for n in range(4)]
    variant = _page([("Proyecto COL/K53- C5", 30), ("Body text", 300)])
    body, _ = split_running_lines(variant, 792.0, find_running_lines(pages + [(792.0, variant)]))
    assert [ln.text for ln in body] == ["Body text"]


@pytest.mark.parametrize("text", ["12", "- 7 -", "Page 3", "página 14", "3 of 20", "xii"])
def test_page_numbers(text: str) -> None:
    assert is_page_number(text)


def test_not_page_numbers() -> None:
    assert not is_page_number("2014 homicide rates")


@pytest.mark.parametrize(
    ("left", "right", "lang", "keep"),
    [
        ("ex", "panding", "en", False),
        ("anti", "narcotics", "en", True),
        ("old", "school", "en", True),
        ("narco", "tráfico", "es", False),
        ("des", "arrollo", "es", False),
        ("anti", "Castro", "en", True),
        ("acusa", "torio", "es", False),
        ("long", "term", "en", True),
    ],
)
def test_line_end_hyphen_decided_by_word_list(left: str, right: str, lang: str, keep: bool) -> None:
    assert keep_hyphen(left, right, lang, {}) is keep


def test_document_vocabulary_overrides_word_list() -> None:
    vocab = vocabulary(["the narco-state grew", "a narco-state again"])
    assert keep_hyphen("narco", "state", "en", vocab)
    assert join_lines(["the narco-", "state grew"], "en", vocab) == "the narco-state grew"
    assert join_lines(["soft\u00ad", "ware"], "en", {}) == "software"


def test_a_word_broken_over_three_lines_is_judged_whole() -> None:
    # "ex-" / "pand-" / "ed": the second break is judged on "expand" + "ed", not on the last line's
    # "pand" + "ed", which this document's words would keep as a compound.
    assert join_lines(["an ex-", "pand-", "ed budget"], "en", {"pand-ed": 5}) == "an expanded budget"


def test_a_run_of_letters_longer_than_any_word_is_joined_unjudged() -> None:
    # Lines of one word ending in a hyphen, again and again (an encoded blob): joined up, the ever longer
    # run not looked up at each line; past LONGEST_WORD letters even the document's own words keep no hyphen.
    assert join_lines(["abcdefghij-"] * 30 + ["klm end"], "en", {}) == "abcdefghij" * 30 + "klm end"
    left, right = "x" * 60, "y" * (LONGEST_WORD - 59)
    assert not keep_hyphen(left, right, "en", {f"{left}-{right}": 2})
    assert keep_hyphen(left, right[1:], "en", {f"{left}-{right[1:]}": 2})


def test_clean_text() -> None:
    raw = "Sa\u02dco Paulo\u00a0e\ufb03cient co\u2010operation\tnow Santamar\u0131\u0301a (cid:12)x"
    assert clean_text(raw) == "São Paulo efficient co-operation now Santamaría x"


def test_split_sentences_respects_abbreviations() -> None:
    text = "Arrests rose in 2012 (see Fig. 3). The U.S. funded it, e.g. through aid. Dr. Ruiz agreed."
    assert split_sentences(text) == [
        "Arrests rose in 2012 (see Fig. 3). ",
        "The U.S. funded it, e.g. through aid. ",
        "Dr. Ruiz agreed.",
    ]


def test_a_run_of_marks_ends_one_sentence() -> None:
    text = "Seizures rose..... Then they fell!!! ?? Why. A. B. Ruiz said so."
    assert split_sentences(text) == [
        "Seizures rose..... ",
        "Then they fell!!! ?? ",
        "Why. ",
        "A. B. Ruiz said so.",
    ]


def test_passages_sized_and_offsets_exact() -> None:
    sentence = "The program trained forty community mediators in the eastern districts last year. "
    long = paragraph_on_page((sentence * 60).strip(), 3)  # 780 words
    short = [paragraph_on_page("Short note one.", 4), paragraph_on_page("Short note two.", 4)]
    heading = paragraph_on_page("Results", 4, "heading")
    text, passages = paragraphs_to_passages([long, heading, *short, paragraph_on_page(sentence * 5, 5)])
    sizes = [len(p.text.split()) for p in passages]
    assert all(40 <= n <= MAX_WORDS for n in sizes), sizes
    assert passages[-1].text.startswith("Results\nShort note one.\nShort note two.\nThe program")
    assert (passages[-1].page_start, passages[-1].page_end) == (4, 5)
    for p in passages:
        assert text[p.char_start : p.char_end] == p.text


def test_paragraph_slice_keeps_page_marks() -> None:
    para = Paragraph("first page words second page words", ((0, 2), (17, 3)))
    assert (para.slice(0, 10).page_start, para.slice(0, 10).page_end) == (2, 2)
    assert (para.slice(5, 30).page_start, para.slice(5, 30).page_end) == (2, 3)


def test_metadata_title_and_dates() -> None:
    assert title_from_metadata({"Title": "Microsoft Word - informe_final.docx"}) is None
    assert title_from_metadata({"Title": b"\xfe\xff\x00P\x00l\x00a\x00n\x00 \x00C"}) == "Plan C"
    assert str(date_from_metadata({"CreationDate": "D:20150916120000-05'00'"})) == "2015-09-16"

    def first_date(text: str) -> str:
        return str(dates_in(text)[0][2])

    assert first_date("Informe Fase II\nSeptiembre de 2015") == "2015-09-01"
    assert first_date("Danilo Freire\nDecember 16, 2022\nAbstract") == "2022-12-16"
    assert first_date("Forum | 2023-09-04 | data from May 2010") == "2023-09-04"


def test_page_ranges() -> None:
    assert page_ranges([7, 1, 2, 3, 5]) == "1-3, 5, 7"


def test_quality_measures() -> None:
    assert glued_token_share("ok " * 99 + "theresultsshowthatviolencedeclined") == pytest.approx(0.01)
    assert glued_token_share("see https://www.example.org/averyveryverylongpathwithoutbreaks ok") == 0.0
    assert word_recall("São Paulo police", "Sao Paulo police force") == pytest.approx(0.75)
    assert join_reference_breaks("conduc\ufffetas y adoles-\r\ncentes") == "conductas y adolescentes"
    assert clean_reference("the e\x80ect of Ju\u00b4arez") == "the   of Ju\u00b4arez"
    assert comparable_words("Ju\u00b4arez") == comparable_words("Juárez")
    assert comparable_words("𝐓𝐚𝐬𝐚 𝐓𝐨𝐭𝐚𝐥") == comparable_words("Tasa total")  # math bold capitals fold too


def test_drop_cap_joins_its_word() -> None:
    words = [Word("I", 72, 96, 100, 136, 36.0), _word("ntroducción", 97, 100, 10.0)]
    words += [_word(f"w{i}", 150 + 30 * i, 100) for i in range(6)]
    joined = attach_drop_caps(words)
    assert joined[0].text == "Introducción" and len(joined) == 7


def test_letter_spaced_words_regrouped() -> None:
    words, x = [], 72.0
    for ch in "Brasília, janeiro":
        if ch == " ":
            x += 5.0
            continue
        words.append(Word(ch, x, x + 5.0, 100, 110, 10.0))
        x += 5.0 + 2.0
    assert [w.text for w in words_to_rows(words)[0]] == ["Brasília,", "janeiro"]


def test_double_spaced_full_width_paragraph_is_one_block() -> None:
    """Regression: full-width lines each had their own section, so no line gap was typical and every
    line of a double-spaced page became a paragraph."""
    lines = [
        Line((Word(f"line {i} of text", 72, 540, 100 + 24 * i, 112 + 24 * i, 12.0),), 0, i + 1)
        for i in range(6)
    ]
    assert len(lines_to_blocks(lines, 1, 12.0)) == 1


def _line(text: str, x0: float, top: float, x1: float = 540.0, bold: bool = False) -> Line:
    return Line((Word(text, x0, x1, top, top + 10, 10.0, bold),), 0, 1)


def test_bullet_item_with_hanging_indent_is_one_block() -> None:
    """Regression: the indented second line of a bullet item started a new paragraph."""
    lines = [
        _line("● Measure 8: we will invest in ports,", 72, 100),
        _line("roads and railways.", 84, 113, 300),
        _line("● Measure 9: we will extend the rail network", 72, 126),
        _line("to the south.", 84, 139, 200),
    ]
    assert [len(b.lines) for b in lines_to_blocks(lines, 1, 10.0)] == [2, 2]


def test_bold_lead_in_runs_on_but_short_bold_line_is_heading() -> None:
    """Regression: a bold lead-in sentence that runs into plain text was cut off as a heading."""
    run_in = [
        _line("Measure 8: we will invest in ports and", 72, 100, bold=True),
        _line("roads. The plan also covers the", 72, 113),
        _line("northern regions.", 72, 126, 200),
    ]
    assert len(lines_to_blocks(run_in, 1, 10.0)) == 1
    heading = [_line("Results", 72, 100, 120, bold=True), _line("The plan covers the north.", 72, 113, 300)]
    blocks = lines_to_blocks(heading, 1, 10.0)
    assert [b.kind for b in blocks] == ["heading", "text"]


def test_unruled_number_grid_is_a_table() -> None:
    """Regression: rows of a booktabs table (no rulings) were read as running text."""
    lines = [
        _line("11,366 0.74 0.80 3,396", 72, 100, 300),
        _line("41", 72, 140, 90),
        _line("188.79 .", 72, 180, 120),
    ]
    assert [b.kind for b in lines_to_blocks(lines, 1, 10.0)] == ["table"] * 3
    prose = [
        _line("In 2012 about 56,337 people were murdered, the", 72, 100),
        _line("highest rate.", 72, 113, 200),
    ]
    assert [b.kind for b in lines_to_blocks(prose, 1, 10.0)] == ["text"]


@pytest.mark.parametrize(
    ("text", "kind", "detected", "report", "expected"),
    [
        ("Valle del Cauca 55 46,19", "text", "it", "es", "es"),  # a table row read as Italian
        ("Figure 3: Massacres (1982)", "text", "fr", "en", "en"),
        ("Keywords: adolescents, antisocial behavior.", "text", "en", "es", "en"),  # an abstract's keywords
        ("Tableau " + "mot " * 70, "text", "fr", "es", "fr"),  # long enough for the detector to be right
        ("Departamento 2014 2015", "table", None, "es", "es"),
        ("Ok", "text", None, "pt", "pt"),
        ("Eine kurze Notiz.", "text", "de", "de", "de"),  # a German report keeps German
    ],
)
def test_passage_language_once_the_report_language_is_known(
    text: str, kind: str, detected: str | None, report: str, expected: str
) -> None:
    from extractors.assemble import in_report_language
    from extractors.document import Passage

    passage = Passage(seq=0, page_start=1, page_end=1, text=text, char_start=0, char_end=len(text),
                      lang=detected, kind=kind)
    assert in_report_language(passage, report) == expected


def test_running_header_lists_a_header_once_when_pages_split_it_differently() -> None:
    from extractors.pdf.report import distinct_lines

    joined = "Andean Security Observatory Plan Colombia at Twenty-Five"
    halves = ["Andean Security Observatory", "Plan Colombia at Twenty-Five"]
    assert distinct_lines([joined, *halves]) == halves
    assert distinct_lines(["Proyecto COL/K53 - C5", "Informe 2014", "Página 3"]) == [
        "Proyecto COL/K53 - C5", "Informe 2014", "Página 3"
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Venezuela's Tren de Aragua expanded into Chile and Peru.", "en"),
        ("La DEA y el FBI capturaron a Joaquín Guzmán en Sinaloa.", "es"),
        ("A Polícia Federal prendeu o líder do PCC em São Paulo.", "pt"),
        ("Plan Colombia, Merida Initiative and CARSI funded police in Honduras.", "en"),
    ],
)
def test_names_do_not_decide_a_short_passage_language(text: str, lang: str) -> None:
    from extractors.language import detect_language, without_names

    assert detect_language(text) == lang
    # Names go, sentence openers stay: "La" and "A" open their sentences.
    assert without_names("La DEA llegó. El FBI también.").split() == ["La", "llegó.", "El", "también."]


def _passage_on(page: int, lang: str | None, words: int, kind: str = "text") -> Any:
    from extractors.document import Passage

    text = " ".join(["palabra"] * words)
    return Passage(seq=0, page_start=page, page_end=page, text=text, char_start=0, char_end=len(text),
                   lang=lang, kind=kind)


def test_report_language_is_that_of_most_pages_not_of_the_longest_quotes() -> None:
    """Regression: Spanish slides showing screenshots of English articles were stored as English, the
    quoted pages holding more words (601) than the slides' own Spanish (461)."""
    from extractors.segment import majority_language

    slides = [_passage_on(1, "en", 250), _passage_on(2, "en", 250)]
    slides += [_passage_on(page, "es", 40) for page in range(3, 9)]
    slides += [_passage_on(5, "pt", 60)]  # a page's vote goes to its main language
    assert majority_language(slides) == "es"


@pytest.mark.parametrize(
    ("passages", "expected"),
    [
        # A Spanish article with an English abstract and keywords on its first page.
        ([(1, "en", 200), (1, "es", 30), (2, "es", 240), (3, "es", 240)], "es"),
        # One page (HTML, plain text): the language of most words.
        ([(1, "es", 90), (1, "en", 120), (1, "pt", 100)], "en"),
        # Pages tied: the language of most words.
        ([(1, "es", 90), (2, "en", 120)], "en"),
        # References and tables do not vote; passages without a language neither.
        ([(1, "en", 300, "reference"), (2, "en", 300, "table"), (3, "pt", 50), (4, None, 300)], "pt"),
        ([(1, None, 300)], None),
    ],
)
def test_report_language_by_page(passages: list[tuple[Any, ...]], expected: str | None) -> None:
    from extractors.segment import majority_language

    assert majority_language([_passage_on(*p) for p in passages]) == expected


def test_report_language_counts_a_passage_on_every_page_it_spans() -> None:
    from extractors.document import Passage
    from extractors.segment import majority_language

    long = "word " * 240
    spanning = Passage(seq=0, page_start=1, page_end=3, text=long, char_start=0, char_end=len(long),
                       lang="en", kind="text")
    assert majority_language([spanning, _passage_on(4, "es", 250), _passage_on(5, "es", 30)]) == "en"


@pytest.mark.parametrize(
    ("text", "detected", "report", "expected"),
    [
        # A Portuguese cover's line read as Spanish: the report's language is the better bet.
        ("Núcleo de Estudos da Violência\nEDITORIAL", "es", "pt", "pt"),
        # A Spanish table header read as Portuguese.
        ("Departamento Número de Lotes 2019 Hectáreas 2019", "pt", "es", "es"),
        # Clearly in another of the field's languages: it keeps its own.
        ("Palavras chave: juventude, conduta antissocial, prevenção.", "pt", "es", "pt"),
        ("Keywords: adolescents, antisocial behavior, prevention.", "en", "pt", "en"),
        # Long enough for the detector to be trusted whatever the odds.
        ("Los programas de prevención llegan tarde a los barrios. " * 10, "es", "pt", "es"),
    ],
)
def test_short_passage_in_another_report_language_needs_clear_odds(
    text: str, detected: str, report: str, expected: str
) -> None:
    from extractors.assemble import in_report_language
    from extractors.document import Passage
    from extractors.language import detect_language

    assert detect_language(text) == detected  # what the detector makes of it alone
    passage = Passage(seq=0, page_start=1, page_end=1, text=text, char_start=0, char_end=len(text),
                      lang=detected, kind="text")
    assert in_report_language(passage, report) == expected


@pytest.mark.parametrize(
    ("text", "strict", "loose"),
    [
        ("Tabla 2. Área validada por municipio – Fase II 2014", True, True),
        ("Figure 7: Permutation test", True, True),
        ("TABELA 3", True, True),
        ("Gráfico 2 - Taxa de homicídios por 100 mil habitantes", True, True),
        ("Tabla 2 Puntuaciones mínimas y máximas en adolescentes colombianos", False, True),
        ("Table 3 outlines the procedure. Eventus ID uses the event database", False, False),
        ("Table 5 reports the main results.", False, False),
        ("Tabla 1. " + "palabra " * 45, False, False),
        # A review: forms of Spanish and Portuguese reports, and lead-ins that are no captions.
        ("Tabla Nº 2: Área erradicada", True, True),
        ("Cuadro No. 3: Homicidios por provincia", True, True),
        ("Gráfica 1. Homicidios dolosos", True, True),
        ("Figure A.1: Placebo test", True, True),
        ("Tabla II. Presupuesto", True, True),
        ("Imagen 1. Mapa de la región", True, True),
        ("Fig.3 Homicides by year", False, True),
        ("Tabla 2 presenta el área erradicada por departamento", False, False),
        ("Table 3 shows the results by department:", False, False),
        ("Map in the appendix", False, False),
    ],
)
def test_a_caption_is_short_and_sets_its_number_off(text: str, strict: bool, loose: bool) -> None:
    assert is_caption(text) is strict
    assert is_caption(text, loose=True) is loose
