"""Tables and listings (models.prose.is_listing) are scored, never labeled; prose and short fragments are."""

from __future__ import annotations

import pytest

from corpus import Corpus, NewPassage, NewReport
from models.prose import is_listing, is_prose
from models.registry import LoadedModel
from models.retrain import Example, score, store_examples
from models.topic import unlabelable

# Written for these tests: the words of a crackdown, laid out as a contents page, a table and prose.
CONTENTS = (
    "ÍNDICE 1. OPERATIVOS POLICIALES … 4 1.1. Capturas de cabecillas … 6 1.2. Incautaciones de cocaína … 9 "
    "2. ERRADICACIÓN FORZOSA … 12 2.1. Fuerza Pública … 14 2.2. Ejército y Policía … 17 3. EXTRADICIONES … 21"
)
TABLE = (
    "Departamento Capturas Allanamientos Incautaciones (kg) Antioquia 1.204 388 2.310 Nariño 986 275 4.125 "
    "Putumayo 512 140 3.870 Valle 1.033 301 1.552 Total 3.735 1.104 11.857"
)
PROSE = (
    "La policía multiplicó las capturas y los allanamientos en Nariño y Putumayo, y el ejército erradicó "
    "por la fuerza miles de hectáreas de coca mientras la fiscalía pedía penas más duras para los cabecillas."
)


@pytest.mark.parametrize(
    ("text", "kind", "listing"),
    [
        (CONTENTS, "text", True),
        (TABLE, "text", True),
        (PROSE, "table", True),  # what extraction found to be a table is one, whatever its words
        (PROSE, "text", False),
        ("Tabla 4. Capturas y allanamientos por departamento, 2014", "text", False),  # a caption in words
        ("Bukele's Crackdown Jails 70,000 Suspected Gang Members", None, False),  # a headline to classify
        # A review: a report's captions with their figures and its credit lines were labeled enforcement.
        ("Figura 8. Resultados de erradicación por Fases 2012\n5.660", "text", True),
        ("Responsable de Campo Monitoreo Grupos Móviles de Erradicación\n" "Documento preparado por:", "text",
         True),
        ("Policía Ejército Armada Ejército - Policía - Armada Ejército - Policía", "text", True),
        ("Figura 8. Resultados de erradicación por Fases 2012\n5.660", None, False),  # given on its own
        ("Kingpin arrests raised homicides in 2008", "text", False),  # a slide bullet in words
        ("Plan Colombia", "text", False),  # too short to tell
        ("", None, False),
    ],
)
def test_what_counts_as_a_listing(text: str, kind: str | None, listing: bool) -> None:
    assert is_listing(text, kind) is listing
    if listing and kind != "table":
        assert not is_prose(text)


def test_a_table_or_listing_is_scored_but_never_labeled(fitted) -> None:
    model = LoadedModel("test", fitted)
    alone = model.predict([PROSE, PROSE, CONTENTS, TABLE], kinds=["text", "table", "text", "text"])
    assert "enforcement" in alone[0].labels
    assert [p.labels for p in alone[1:]] == [[], [], []]
    thresholds = dict(zip(("prevention", "enforcement", "transnational"), fitted.thresholds_, strict=True))
    for read in alone[1:]:  # their words alone would have labeled them
        assert any(read.scores[label] >= t for label, t in thresholds.items()), read.scores
    assert alone[1].scores == alone[0].scores  # the table keeps the scores its words give
    in_report = model.predict([PROSE, CONTENTS, TABLE], reports=["r"] * 3, kinds=["text"] * 3)
    assert "enforcement" in in_report[0].labels and [p.labels for p in in_report[1:]] == [[], []]


@pytest.mark.parametrize("kind", ["table", "reference"])
def test_retraining_judges_a_table_or_reference_list_as_the_store_labels_it(fitted, kind: str) -> None:
    # One rule for both (models.topic.unlabelable): a held-out label on a stored table is judged against
    # no label, as ingest stores it, not against what its words alone would score.
    prose = Example(PROSE, ("enforcement",), "es", "human", report_id=1, kind="text")
    assert (judged := score(fitted, [prose])) is not None and judged.per_label["enforcement"].f1 == 1.0
    table = Example(PROSE, ("enforcement",), "es", "human", report_id=1, kind=kind)
    assert (judged := score(fitted, [table])) is not None and judged.per_label["enforcement"].f1 == 0.0
    assert unlabelable([PROSE, PROSE, PROSE], ["text", kind, None]) == [False, True, False]


def test_a_labeled_passage_keeps_its_kind_for_retraining(store: Corpus) -> None:
    passages = [NewPassage(1, 1, 1, PROSE, "es"), NewPassage(2, 1, 1, TABLE, "es", kind="table")]
    store.add_report(NewReport(uri="file:///r.pdf", sha256="a" * 64, title="R", passages=passages))
    for passage in store.passages():
        store.add_labels(passage.id, ["enforcement"], annotator="ana")
    assert sorted((e.text[:12], e.kind) for e in store_examples(store)) == [
        (TABLE[:12], "table"), (PROSE[:12], "text"),
    ]


def test_the_share_of_words_is_read_only_as_far_as_it_takes_and_decides_as_counting_all_would() -> None:
    from models.prose import PROSE_SHARE, _prose_share_reached, prose_share

    # Every mix of lower-case words and other tokens up to 60 tokens, in both orders: the early stop
    # must agree with the full count at 40 % exactly (6 of 15, 8 of 20), just under and just over.
    for total in range(61):
        for words in range(total + 1):
            others = total - words
            for tokens in (["word"] * words + ["Name"] * others, ["1.204"] * others + ["sí"] * words):
                assert _prose_share_reached(tokens) is (prose_share(tokens) >= PROSE_SHARE), (total, words)
