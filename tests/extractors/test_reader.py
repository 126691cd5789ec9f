"""The lean page reader agrees with pdfplumber's own objects on real reports: the same chars (every key
extraction reads), the same graphics, the same edge count and the same tables."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extractors.pdf.reader import KEYS, page_tables, read_page

# Reports whose pages carry ruled tables, figures (form XObjects), a non-zero MediaBox origin or
# ligatures: the cases where a shortcut could disagree with pdfplumber.
REPORTS = [
    "unodc_gme_Informe_GME_2013_Fase_III.pdf",  # ruled tables on most pages, landscape pages
    "eventus_id_extended_application_en.pdf",  # ligatures, tables drawn with curves
    "argentina_homicidios_narcotrafico_informe_es.pdf",  # short, tables
]


def _close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(abs(x - y) < 1e-6 for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("name", REPORTS)
def test_reader_matches_pdfplumber_objects(shared_dir: Path, name: str) -> None:
    tables_seen = 0
    with pdfplumber.open(shared_dir / "reports" / name) as pdf:
        for page in pdf.pages:
            content = read_page(page)
            assert content.chars == [{k: ch[k] for k in KEYS} for ch in page.chars], page.page_number
            assert content.has_graphics == bool(page.images or page.curves or page.rects or page.lines)
            assert content.edge_count == len(page.edges)
            # Same tables; only the last bits of a coordinate may differ (edges merged in another order).
            expected = [t.bbox for t in page.find_tables()]
            found = [t.bbox for t in page_tables(page, content)]
            assert len(found) == len(expected), page.page_number
            assert all(_close(a, b) for a, b in zip(found, expected, strict=True)), page.page_number
            tables_seen += len(expected)
            page.close()
    assert tables_seen > 0  # the sample really exercises the table path


def test_a_page_without_text_or_paths_reads_empty(tmp_path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(200, 300)
    pdf.save(tmp_path / "blank.pdf")
    with pdfplumber.open(tmp_path / "blank.pdf") as plumber:
        content = read_page(plumber.pages[0])
        assert content.chars == [] and not content.has_graphics and content.edge_count == 0
        assert page_tables(plumber.pages[0], content) == []
