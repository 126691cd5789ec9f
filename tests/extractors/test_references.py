"""Reference lists are marked (kind "reference") from their heading to their last entry, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extractors import ExtractedDocument, extract_path
from extractors.document import Passage
from extractors.references import (
    REFERENCE_KIND,
    citation_density,
    is_references_heading,
    mark_reference_lists,
    split_glued_headings,
)
from extractors.segment import Paragraph, paragraph_on_page

SAMPLES = Path(__file__).resolve().parents[2] / "corpus" / "samples"
PROSE = (
    "Municipal prevention councils mapped the streets where young people were most at risk and opened "
    "outreach centres with tutoring, sport and job training, while the police kept their patrols."
)
ENTRIES = (
    "Cruz, J. M. (2011). Criminal violence and democratization in Central America. Latin American "
    "Politics and Society, 53(4), 1-33.\nHume, M. (2007). Mano dura: El Salvador responds to gangs. "
    "Development in Practice, 17(6), 739-751."
)
FULL_NAME_ENTRIES = (
    "Maria Lopez Ortega, Juan Carlos Rivas and Ana Beatriz Souza (2019). “Community policing and trust "
    "in the police in three Brazilian state capitals”. In: Journal of Urban Security Studies. Pedro Alves "
    "Moreira and Luisa Fernanda Castro (2021). “Who pays the quota? Extortion of small shops in Medellín "
    "and Cali”. In: Review of Latin American Crime."
)
APPENDIX = "A Appendix\nThis appendix describes how the homicide series were built from police data."


def _passages(*texts: str) -> list[Passage]:
    out, offset = [], 0
    for seq, text in enumerate(texts):
        out.append(Passage(seq, 1 + seq, 1 + seq, text, offset, offset + len(text), "en"))
        offset += len(text) + 2
    return out


def _kinds(*texts: str) -> list[str]:
    return [p.kind for p in mark_reference_lists(_passages(*texts))]


@pytest.mark.parametrize(
    "line",
    ["References", "REFERENCES", "7. References", "VII. Bibliography", "Referencias bibliográficas",
     "Bibliografía", "REFERÊNCIAS", "Referências bibliográficas", "Works cited", "References:",
     "7.1 References", "A. References", "Literatura citada", "References (continued)"],
)
def test_reference_headings_in_three_languages(line: str) -> None:
    assert is_references_heading(line)


@pytest.mark.parametrize(
    "line",
    ["References to the Merida Initiative grew after 2008", "Notes", "Fuentes: INEGI", "Referencia 12",
     "Bibliographic note on sources"],
)
def test_lines_that_are_not_reference_headings(line: str) -> None:
    assert not is_references_heading(line)


def test_a_list_runs_from_its_heading_through_entries_and_fragments_to_the_appendix() -> None:
    kinds = _kinds(PROSE, "References\n" + ENTRIES, "Econometrica 75 (1), 1-53.", ENTRIES, FULL_NAME_ENTRIES,
                   APPENDIX, PROSE)
    assert kinds == ["text", "reference", "reference", "reference", "reference", "text", "text"]


def test_a_list_ends_at_a_table_or_a_figure_after_it() -> None:
    years = "Table A1: Homicides per 100,000 by year\n2006 2007 2008 2009 2010 2011 2012 2013 2014 2015 2016"
    assert _kinds("References\n" + ENTRIES, years, PROSE) == ["reference", "text", "text"]
    figure = "Figura 3. Homicidios por municipio, 2010-2020 (tasa por 100.000 habitantes)"
    assert _kinds("Referencias\n" + ENTRIES, figure) == ["reference", "text"]
    table = Passage(2, 3, 3, "2006 2007 2008 2009 2010 2011 2012 2013 2014 2015 2016 2017 2018", 0, 60, "en",
                    kind="table")
    marked = mark_reference_lists([*_passages("References\n" + ENTRIES, ENTRIES), table])
    assert [p.kind for p in marked] == ["reference", "reference", "table"]


def test_an_entry_by_a_corporate_author_or_a_fragment_without_digits_continues_the_list() -> None:
    corporate = (
        "World Health Organization\n(2014). Global status report on violence prevention 2014. Geneva: "
        "WHO. United Nations Office on Drugs and Crime (2019). Global Study on Homicide. Vienna: UNODC."
    )
    kinds = _kinds("References\n" + ENTRIES, corporate, "University of Texas Press.", ENTRIES, APPENDIX)
    assert kinds == ["reference"] * 4 + ["text"]


def test_a_list_ends_at_the_first_passage_of_prose() -> None:
    assert _kinds("Referencias\n" + ENTRIES, PROSE, ENTRIES) == ["reference", "text", "text"]


def test_a_heading_alone_at_the_end_is_marked() -> None:
    assert _kinds(PROSE, "References") == ["text", "reference"]


def test_without_a_heading_nothing_is_marked_however_dense_the_citations() -> None:
    # A literature review is dense in years and authors too; only a heading starts a list.
    assert citation_density(ENTRIES) > 5
    assert _kinds(PROSE, ENTRIES, ENTRIES) == ["text", "text", "text"]


def test_a_quoted_title_is_short_a_long_quotation_is_none() -> None:
    # A title is one citation mark; a speech quoted over a paragraph is not a title.
    assert citation_density("See “Mano Dura policies in El Salvador” here.") == pytest.approx(100 / 8)
    speech = "The minister said “" + "we will not negotiate with the gangs " * 10 + "” to applause."
    assert citation_density(speech) == 0


def test_marking_keeps_everything_else_of_each_passage() -> None:
    before = _passages(PROSE, "References\n" + ENTRIES)
    after = mark_reference_lists(before)
    assert [(p.seq, p.text, p.page_start, p.char_start, p.lang) for p in after] == [
        (p.seq, p.text, p.page_start, p.char_start, p.lang) for p in before
    ]


def test_a_heading_in_capitals_glued_to_the_first_entry_becomes_a_heading_of_its_own() -> None:
    entry = "Banco Mundial, 2017. Chile: evaluación de las zonas francas."
    glued = Paragraph("BIBLIOGRAFÍA " + entry, ((0, 3), (20, 4)))
    sentence = paragraph_on_page("References to the Merida Initiative grew after 2008 in the press.", 2)
    lower = paragraph_on_page("Bibliografía consultada por el equipo durante el trabajo de campo.", 2)
    out = split_glued_headings([paragraph_on_page(PROSE, 1), glued, sentence, lower])
    assert [(p.text, p.kind) for p in out] == [
        (PROSE, "text"),
        ("BIBLIOGRAFÍA", "heading"),
        (entry, "text"),
        (sentence.text, "text"),
        (lower.text, "text"),
    ]
    assert (out[1].page_start, out[2].page_start, out[2].page_end) == (3, 3, 4)
    two_words = split_glued_headings([paragraph_on_page("REFERENCIAS BIBLIOGRÁFICAS Arce, R. (2011).", 1)])
    assert [p.text for p in two_words] == ["REFERENCIAS BIBLIOGRÁFICAS", "Arce, R. (2011)."]


def test_the_bundled_sample_ends_with_its_reference_list() -> None:
    doc = extract_path(SAMPLES / "beyond_mano_dura_northern_triangle_en.pdf")
    assert [p.kind for p in doc.passages][-2:] == ["text", "reference"]
    assert doc.passages[-1].text.startswith("References\nBerk-Seligson")
    assert doc.passages[-2].text.startswith("Recommendations\nGovernments should fund")


@pytest.mark.parametrize(
    ("name", "first_entry", "after", "size"),
    [
        # A reference list to the end of the paper, in English about Brazil.
        ("freire2018_jogo_do_bicho_private_governance.pdf", "Abreu, M. C. (1996)", None, 26),
        # Followed by an appendix, which is not marked.
        ("freire2016_saopaulo_homicide_prevention.pdf", "Abadie, A. (2005)", "A Appendix", 13),
        # Portuguese, in capitals (ABNT style), followed by the appendix.
        ("ipea_td2267_homicidios_jovens_negros_rio_pt.pdf", "BECKER, G. S.", "APÊNDICE", 5),
        # Spanish.
        ("uribe_rodriguez_conducta_delictiva_adolescentes_colombia_es.pdf", "Arce, R.", None, 4),
        # A heading on one line with the first entry, after a list of the programme's authors.
        ("chile2025_programa_kaiser_es.pdf", "Banco Mundial, 2017.", None, 1),
    ],
)
def test_real_reference_lists(
    real_report: Callable[[str], ExtractedDocument], name: str, first_entry: str, after: str | None, size: int
) -> None:
    passages = real_report(name).passages
    start = next(i for i, p in enumerate(passages) if p.kind == "reference")
    assert is_references_heading(passages[start].text.split("\n")[0])
    assert passages[start].text.split("\n", 1)[1].startswith(first_entry)
    assert all(p.kind != "reference" for p in passages[:start])
    end = next((i for i in range(start, len(passages)) if passages[i].kind != "reference"), len(passages))
    if after is None:
        assert end == len(passages)
    else:
        assert passages[end].text.startswith(after)
    assert end - start == size


def test_the_model_and_the_store_leave_reference_lists_unlabeled_by_the_same_name() -> None:
    # models.labels spells the kind without importing extractors; the two must not drift apart.
    from models.labels import UNLABELED_KINDS

    assert REFERENCE_KIND in UNLABELED_KINDS
