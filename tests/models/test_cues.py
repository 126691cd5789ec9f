"""The multilingual cue lexicon: one feature for one idea in three languages."""

from __future__ import annotations

from models.cues import CUES, CueLexicon, current_lexicon, fold, lexicon_counts, lexicon_digest

GROUPS = tuple(CUES)


def _hits(text: str) -> set[str]:
    return {g for g, c in zip(GROUPS, lexicon_counts(text, current_lexicon()), strict=True) if c}


def test_fold_strips_accents_and_case_but_keeps_us_apart_from_us():
    assert fold("Extradição EXTRADICIÓN") == "extradicao extradicion"
    assert "united states" in fold("The US and U.S. aid")
    assert "united states" not in fold("let us talk")


def test_same_idea_same_cue_in_three_languages():
    for text in ("The court approved his extradition.", "Aprobaron su extradición.", "Aprovou a extradição."):
        assert "extradition" in _hits(text)
    for text in ("programs for at-risk youth", "programas para jóvenes en riesgo", "programas para jovens"):
        assert "youth" in _hits(text)
    for text in ("Police arrested him", "La policía lo detuvo", "A polícia prendeu o suspeito"):
        assert {"arrest", "police_force"} <= _hits(text)


def test_sports_are_not_deportations():
    assert "border" not in _hits("Los deportes y las escuelas deportivas del barrio")
    assert "border" in _hits("Miles de deportados llegaron al aeropuerto")


def test_transformer_output_shape_and_names():
    lexicon = CueLexicon().fit(["x"])
    matrix = lexicon.transform(["Police raided the prison.", "Nothing here."])
    assert matrix.shape == (2, len(GROUPS))
    assert matrix[1].nnz == 0
    assert list(lexicon.get_feature_names_out()) == [f"cue:{g}" for g in GROUPS]


def test_joint_operations_are_cooperation_but_a_set_of_things_is_not():
    for text in ("Operações conjuntas na fronteira", "equipos conjuntos de investigación",
                 "una declaración conjunta", "a investigação conjunta com a Europol"):
        assert "cooperation" in _hits(text), text
    for text in ("operaciones individuales o conjuntas", "en conjunto con la policía del país vecino",
                 "el comando conjunto de las fuerzas"):
        assert "cooperation" in _hits(text), text
    for text in ("agrega conjuntamente o efeito de uma maior escolaridade", "un conjunto de medidas sociales",
                 "en conjunto reúnen a 40 municipios", "o conjunto das políticas", "no conjunto da população",
                 "la región en su conjunto", "un amplio conjunto de leyes", "los conjuntos habitacionales",
                 "una visión de conjunto"):
        assert "cooperation" not in _hits(text), text


def test_schooling_words_in_every_language():
    for text in ("students who finished school", "alunos do ensino médio", "estudiantes de enseñanza media",
                 "cursos de formación profesional", "programa de qualificação profissional"):
        assert "schooling_jobs" in _hits(text), text


def test_a_fitted_lexicon_reads_with_the_patterns_it_was_fitted_with(monkeypatch):
    # A model stored by one release, read by a later one whose lexicon changed: same features.
    text = "Los aprendices del taller y la policía de la frontera."
    lexicon = CueLexicon().fit([text])
    before = lexicon.transform([text]).toarray()
    digest = lexicon_digest()
    monkeypatch.setitem(CUES, "schooling_jobs", (r"nothing-matches-this",))
    assert lexicon_digest() != digest
    assert (lexicon.transform([text]).toarray() == before).all()
    assert (CueLexicon().fit([text]).transform([text]).toarray() != before).any()  # a new fit reads anew


def test_the_digest_follows_the_groups_order(monkeypatch):
    digest = lexicon_digest()
    reordered = dict(reversed(list(CUES.items())))
    monkeypatch.setattr("models.cues.CUES", reordered)
    assert lexicon_digest() != digest

