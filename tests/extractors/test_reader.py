"""The lean page reader agrees with pdfplumber's own objects on real reports: the same chars (every key
extraction reads), the same graphics, the same edge count and the same tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from extractors.pdf.reader import KEYS, PageContent, page_tables, read_page

# Reports whose pages carry ruled tables, figures (form XObjects), a non-zero MediaBox origin or
# ligatures: the cases where a shortcut could disagree with pdfplumber. Every page is checked.
REPORTS = [
    "unodc_gme_Informe_GME_2013_Fase_III.pdf",  # ruled tables on most pages, landscape pages
    "eventus_id_extended_application_en.pdf",  # ligatures, tables drawn with curves
    "argentina_homicidios_narcotrafico_informe_es.pdf",  # short, tables
]
# Every other real report of at most 40 pages (papers, slides, programmes, UNODC tables in Spanish), on
# SAMPLE pages spread over each: pdfplumber's own chars cost too much to take every page of all of them.
SHORT_REPORTS = [
    "albuquerque2022_violence_to_violence_guatemala.pdf",
    "estevez_cfp_new_geographies_organised_crime.pdf",
    "estevez_extorsion_seminario_slides_es.pdf",
    "estevez_soto2021_extortion_compliance_mexico.pdf",
    "freire2016_saopaulo_homicide_prevention.pdf",
    "freire2018_jogo_do_bicho_private_governance.pdf",
    "freire_skarbek2022_lynching_vigilantism_brazil.pdf",
    "lecona_estevez2022_kingpin_strategy_slides.pdf",
    "unodc_gme_InformeGME2013_FaseII.pdf",
    "unodc_gme_Informe_Fase_III_GME_2014.pdf",
    "unodc_gme_Informe_Fase_II_GME_2014.pdf",
    "unodc_gme_Informe_Fase_II_GME_2015.pdf",
    "unodc_gme_Informe_Fase_IV_GME_2014.pdf",
    "unodc_gme_Informe_Fase_I_GME_2015.pdf",
    "unodc_gme_Informe_GME_2013_Fase_I_V1.pdf",
    "uribe_rodriguez_conducta_delictiva_adolescentes_colombia_es.pdf",
    "valle_jones2010_structural_change_homicide_mexico.pdf",
]
SAMPLE = 6
PATH_KINDS = ("curve", "rect", "line")


def _close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(abs(x - y) < 1e-6 for x, y in zip(a, b, strict=True))


def _spread(count: int, most: int) -> list[int]:
    """Up to `most` page indexes spread evenly over `count` pages, the first and the last among them."""
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


def _paths_as_pdfplumber(page: Any, content: PageContent) -> dict[str, list[dict[str, Any]]]:
    """The reader's paths as pdfplumber's objects of each kind (marked-content ids included)."""
    objects = [page.process_object(path) for path in content.paths]
    return {kind: [o for o in objects if o["object_type"] == kind] for kind in PATH_KINDS}


def _check_page(page: Any) -> int:
    """Assert that `read_page` agrees with pdfplumber's objects on the page; how many tables it has."""
    content = read_page(page)
    number = page.page_number
    assert not hasattr(page, "_layout"), number  # nothing kept on the page; pdfplumber builds its own
    assert content.chars == [{k: ch[k] for k in KEYS} for ch in page.chars], number
    assert content.has_graphics == bool(page.images or page.curves or page.rects or page.lines), number
    assert content.images == len(page.images), number
    assert _paths_as_pdfplumber(page, content) == {k: page.objects.get(k, []) for k in PATH_KINDS}, number
    assert content.edge_count == len(page.edges), number
    # Same tables; only the last bits of a coordinate may differ (edges merged in another order).
    expected = [t.bbox for t in page.find_tables()]
    found = [t.bbox for t in page_tables(page, content)]
    assert len(found) == len(expected), number
    assert all(_close(a, b) for a, b in zip(found, expected, strict=True)), number
    page.close()
    return len(expected)


@pytest.mark.parametrize("name", REPORTS)
def test_reader_matches_pdfplumber_objects(shared_dir: Path, name: str) -> None:
    with pdfplumber.open(shared_dir / "reports" / name) as pdf:
        tables_seen = sum(_check_page(page) for page in pdf.pages)
    assert tables_seen > 0  # the sample really exercises the table path


@pytest.mark.parametrize("name", SHORT_REPORTS)
def test_reader_matches_pdfplumber_on_short_reports(shared_dir: Path, name: str) -> None:
    with pdfplumber.open(shared_dir / "reports" / name) as pdf:
        assert len(pdf.pages) <= 40
        for index in _spread(len(pdf.pages), SAMPLE):
            _check_page(pdf.pages[index])


def _awkward_pdf(path: Path) -> Path:
    """Three copies of a page with what a shortcut could get wrong: a form XObject holding text and a
    rect, letter and word spacing with horizontal scaling and rise, rotated and mirrored text, vertical
    Japanese writing, and marked content around paths, one of them without its moveto (pdfminer draws
    nothing; pdfplumber tags the newest object with its id). The second copy is rotated a quarter turn,
    the third has a MediaBox whose origin is not (0, 0)."""
    import pypdfium2
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3", isVertical=True))
    canvas = Canvas(str(path), pagesize=(400, 300))
    for number in range(3):
        canvas.beginForm(f"note{number}")
        canvas.setFont("Helvetica", 9)
        canvas.drawString(10, 10, "Held in a form XObject")
        canvas.rect(5, 5, 120, 20)
        canvas.endForm()
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(30, 250, "Before the figure")
        canvas.saveState()
        canvas.translate(50, 150)
        canvas.doForm(f"note{number}")
        canvas.restoreState()
        canvas.drawString(30, 120, "After the figure")
        spaced = canvas.beginText(30, 90)
        spaced.setCharSpace(1.5)
        spaced.setWordSpace(4)
        spaced.setHorizScale(80)
        spaced.setRise(2)
        spaced.textLine("Spaced and scaled words")
        canvas.drawText(spaced)
        canvas.saveState()
        canvas.translate(300, 100)
        canvas.rotate(35)
        canvas.drawString(0, 0, "Rotated text")
        canvas.scale(-1, 1)
        canvas.drawString(0, -20, "Mirrored text")
        canvas.restoreState()
        canvas.setFont("HeiseiMin-W3", 14)
        canvas.drawString(370, 280, "縦書き")
        canvas.addLiteral("/P <</MCID 1>> BDC 20 40 m 380 40 l S EMC")
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(30, 20, "Footnote")
        canvas.addLiteral("/P <</MCID 2>> BDC 30 30 l S EMC")  # after a glyph
        canvas.addLiteral("/P <</MCID 3>> BDC 20 50 m 380 50 l S EMC /P <</MCID 4>> BDC 5 5 l S EMC")
        canvas.showPage()
    canvas.save()
    pdf = pypdfium2.PdfDocument(str(path))
    pdf[1].set_rotation(90)
    pdf[2].set_mediabox(-30, 50, 370, 350)
    awkward = path.with_name("awkward.pdf")
    pdf.save(awkward)
    pdf.close()
    return awkward


def test_reader_matches_pdfplumber_on_awkward_pages(tmp_path: Path) -> None:
    with pdfplumber.open(_awkward_pdf(tmp_path / "drawn.pdf")) as pdf:
        assert [p.rotation for p in pdf.pages] == [0, 90, 0] and pdf.pages[2].mediabox[:2] == (-30, -50)
        for page in pdf.pages:
            chars = read_page(page).chars
            assert "".join(ch["text"] for ch in chars).startswith("Before the figureHeld in a form XObject")
            assert {ch["text"] for ch in chars} >= set("縦書き") and not all(ch["upright"] for ch in chars)
            assert _check_page(page) == 0


def test_a_page_without_text_or_paths_reads_empty(tmp_path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(200, 300)
    pdf.save(tmp_path / "blank.pdf")
    with pdfplumber.open(tmp_path / "blank.pdf") as plumber:
        content = read_page(plumber.pages[0])
        assert content.chars == [] and not content.has_graphics and content.edge_count == 0
        assert page_tables(plumber.pages[0], content) == []


def test_a_pdf_opened_with_layout_analysis_is_refused(tmp_path: Path) -> None:
    """With `laparams` pdfplumber orders chars by its text boxes, not by content: the reader would not
    agree with `page.chars`, so it says so."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(200, 300)
    pdf.save(tmp_path / "blank.pdf")
    with pdfplumber.open(tmp_path / "blank.pdf", laparams={}) as plumber, pytest.raises(ValueError):
        read_page(plumber.pages[0])
