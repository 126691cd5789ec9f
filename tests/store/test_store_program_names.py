"""A program written several ways (case, accents) is one program, shown by one name wherever it is shown."""

from __future__ import annotations

from corpus import Corpus, NewEntity, NewPassage, NewReport, PassageFilter


def test_a_program_written_two_ways_is_shown_by_one_name_everywhere(store: Corpus) -> None:
    # A researcher's review: passage rows said "ley 20.000" for one passage and "Ley 20.000" for others, so
    # grouping rows by program gave two groups where `stats --by program` gave one.
    written = ["ley 20.000", "Ley 20.000", "LEY 20.000", "Política de Seguridad", "politica de seguridad"]
    passages = [
        NewPassage(i, 1, 1, f"Passage {i} names {name}.", "es", entities=[NewEntity("program", name, name)])
        for i, name in enumerate(written, start=1)
    ]
    store.add_report(NewReport(uri="file:///r.pdf", sha256="b" * 64, title="R", passages=passages))
    rows = list(store.passages(PassageFilter()))
    assert [row.programs for row in rows] == [["Ley 20.000"]] * 3 + [["Política de Seguridad"]] * 2
    by_program = {row["program"]: row["count"] for row in store.stats("program")}
    assert by_program == {"Ley 20.000": 3, "Política de Seguridad": 2}
    assert sorted(store.program_names().values()) == ["Ley 20.000", "Política de Seguridad"]
    assert store.count_passages(PassageFilter(programs=("ley 20.000",))) == 3
