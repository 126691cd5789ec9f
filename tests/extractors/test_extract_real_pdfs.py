"""A sample of the real reports in ../shared/reports (the bench covers all of them): the issue's figures
per file, on the files that carry each difficulty."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest

from extractors import ExtractedDocument
from extractors.pdf import open_pdf, read_layouts
from extractors.pdf.report import drop_running_lines
from extractors.quality import clean_reference, comparable_words, counter_recall, glued_token_share

RealReport = Callable[[str], ExtractedDocument]  # the `real_report` fixture (tests/conftest.py)


def _recall(path: Path, doc: ExtractedDocument) -> float:
    """Word recall against PDFium's reading of the text layer, less the running lines dropped on purpose."""
    pdf = pypdfium2.PdfDocument(str(path))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    reference = comparable_words(clean_reference(text))
    pdf.close()
    plumber = open_pdf(str(path))
    try:
        _, dropped = drop_running_lines(read_layouts(plumber, []))
    finally:
        plumber.close()
    reference.subtract(comparable_words("\n".join(line.text for line in dropped)))
    return counter_recall(comparable_words(doc.text), +reference)


@pytest.mark.parametrize(
    "name",
    [
        "freire2018_jogo_do_bicho_private_governance.pdf",  # LaTeX: ~14% glued tokens with default tolerances
        "freire_skarbek2022_lynching_vigilantism_brazil.pdf",
        "unodc_gme_Informe_Fase_II_GME_2015.pdf",
    ],
)
def test_real_pdf_words_neither_glued_nor_lost(shared_dir: Path, real_report: RealReport, name: str) -> None:
    doc = real_report(name)
    assert glued_token_share(doc.text) < 0.005
    assert _recall(shared_dir / "reports" / name, doc) >= 0.93


def test_latex_split_accents_rejoined(real_report: RealReport) -> None:
    doc = real_report("freire2018_jogo_do_bicho_private_governance.pdf")
    assert doc.text.count("São Paulo") >= 1
    assert not re.search(r"[a-zA-Z][\u02dc\u00b4\u00b8][a-z]", doc.text)


def test_unodc_running_header_once(real_report: RealReport) -> None:
    doc = real_report("unodc_gme_Informe_Fase_II_GME_2015.pdf")
    header_forms = re.findall(r"Proyecto COL/K53\s*(?:-\s*C5|CV)", doc.text)
    assert len(header_forms) <= 1  # the cover page names the project once; page headers are gone
    assert "Proyecto COL/K53" in doc.metadata["running_header"]
    assert doc.language == "es" and doc.title and "Erradicación" in doc.title
    assert doc.pages == 15 and doc.passages[-1].page_end <= 15


def test_tables_and_short_fragments_are_in_the_report_language(real_report: RealReport) -> None:
    # Tables used to have no language, and "Valle del Cauca 55 46,19" was detected as Italian: `passages
    # --lang es` left them out of a Spanish report.
    doc = real_report("unodc_gme_Informe_Fase_II_GME_2015.pdf")
    assert any(p.kind == "table" for p in doc.passages)
    assert {p.lang for p in doc.passages} == {"es"}


@pytest.mark.slow
def test_short_passages_read_as_the_neighbouring_language_take_the_report_s(real_report: RealReport) -> None:
    # The IPEA cover (its title in capitals, then the authors) was stored as Spanish in a Portuguese
    # report, so a Portuguese search or `--lang pt` missed it; the UNODC 2012 report's table headers and
    # contents lines were Portuguese in a Spanish report.
    ipea = real_report("ipea_td2267_homicidios_jovens_negros_rio_pt.pdf")
    assert ipea.language == "pt" and ipea.passages[0].lang == "pt"
    assert {p.lang for p in ipea.passages if p.kind != "reference" and len(p.text.split()) < 60} == {"pt"}
    gme = real_report("unodc_gme_Informe_GME_2012.pdf")
    assert {p.lang for p in gme.passages} == {"es"}
    # An English abstract and Portuguese "resumo" with their keywords in a Spanish article keep theirs.
    uribe = real_report("uribe_rodriguez_conducta_delictiva_adolescentes_colombia_es.pdf")
    assert uribe.language == "es" and {p.lang for p in uribe.passages} == {"es", "en", "pt"}


def test_slides_image_only_page_listed(real_report: RealReport) -> None:
    doc = real_report("lecona_estevez2022_kingpin_strategy_slides.pdf")
    assert doc.warnings == ["no text layer on page 6 (OCR not yet supported)"]
    assert doc.language == "en"


def test_spanish_slides_quoting_english_articles_are_spanish(real_report: RealReport) -> None:
    # Stored as English: the screenshots of English articles' first pages hold more words than the slides'
    # Spanish, though Spanish is the language of most pages (and 14 of its passages to English's 8).
    doc = real_report("estevez_extorsion_seminario_slides_es.pdf")
    assert doc.language == "es"
    assert {p.lang for p in doc.passages} >= {"es", "en"}  # the quoted English keeps its own language


def test_short_spanish_report(real_report: RealReport) -> None:
    doc = real_report("argentina_homicidios_narcotrafico_informe_es.pdf")
    assert doc.language == "es" and doc.pages == 3
    sizes = [len(p.text.split()) for p in doc.passages if p.kind == "text"]
    assert max(sizes) <= 250
    assert all(doc.text[p.char_start : p.char_end] == p.text for p in doc.passages)


@pytest.mark.slow
def test_kast_programme_not_dated_by_its_body(real_report: RealReport) -> None:
    # It got 2019-10-18, a date its first text page mentions; its covers are images and the file says 2021-08.
    doc = real_report("chile2025_programa_kast_es.pdf")
    assert doc.published is not None and (doc.published.year, doc.published.month) == (2021, 8)


def test_title_stops_at_the_gap_before_a_section_heading(real_report: RealReport) -> None:
    # "Presentación de la Problemática", set in the title's 12 pt after a blank line, was read into the title.
    doc = real_report("argentina_homicidios_narcotrafico_informe_es.pdf")
    assert doc.title == "Análisis de la Tasa de Homicidios Dolosos por Narcotráfico en la República Argentina"


def test_metadata_title_without_the_author_credit_typed_after_it(real_report: RealReport) -> None:
    # The file's Title is "Lineamientos programáticos J. jara"; the title page reads "Jeannette Jara Román".
    doc = real_report("chile2025_programa_jara_es.pdf")
    assert doc.title == "Lineamientos programáticos"


def test_ocr_slide_title_whole_with_its_opening_question_mark(real_report: RealReport) -> None:
    # It was "éPor qué algunas": OCR sized the title's three lines 82, 81 and 79 pt and read "¿" as "é".
    doc = real_report("estevez_extorsion_seminario_slides_es.pdf")
    assert doc.title == "¿Por qué algunas empresas pagan extorsion y otras no?"
