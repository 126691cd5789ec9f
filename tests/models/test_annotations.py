"""citsec's own annotations of real passages (bench/annotations, read by `python -m bench.annotated_eval`):
labels of the taxonomy for passages of ../shared by id, a few words of why, and never the passages' text;
the English and Spanish sample is the one `--draw 5 --langs en,es` draws."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.annotated_eval import ANNOTATIONS, draw, gold_ids
from extractors.security_terms import fold
from models.labels import LABELS

FILES = sorted(ANNOTATIONS.glob("*.jsonl"))
_WORD = re.compile(r"\w+")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def passages(shared_dir: Path) -> dict[str, str]:
    with (shared_dir / "gold" / "unlabeled_passages.jsonl").open(encoding="utf-8") as lines:
        return {row["id"]: row["text"] for row in map(json.loads, lines)}


def copied_runs(note: str, text: str, run: int = 5) -> list[str]:
    """The runs of `run` words of `note` that `text` holds, case, accents and punctuation aside, and the
    spaces between words too (a PDF's text often runs words together: "Thesambaschoolsdonotneed")."""
    words = _WORD.findall(fold(note))
    spaced, glued = " ".join(_WORD.findall(fold(text))), "".join(_WORD.findall(fold(text)))
    runs = [words[i : i + run] for i in range(len(words) - run + 1)]
    return [" ".join(r) for r in runs if " ".join(r) in spaced or "".join(r) in glued]


def test_copied_runs_are_found_however_they_are_written() -> None:
    text = "Para una proyección en los próximos 5 años,\nThesambaschools do not need public funds."
    accents_dropped = ["para una proyeccion en los", "una proyeccion en los proximos"]
    assert copied_runs("para una proyeccion en los proximos", text) == accents_dropped
    spaced = ["the samba schools do not", "samba schools do not need"]
    assert copied_runs("the samba schools do not need", text) == spaced
    assert copied_runs("a projection for the next years", text) == []


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_each_line_labels_a_real_passage_in_a_few_words_of_its_own(
    path: Path, passages: dict[str, str]
) -> None:
    lines = _lines(path)
    assert len({line["id"] for line in lines}) == len(lines)
    for line in lines:
        assert set(line) == {"id", "a", "b", "note_a", "note_b"} and line["id"] in passages, line
        assert all(set(line[who]) <= set(LABELS) for who in ("a", "b")), line
        for note in (line["note_a"], line["note_b"]):
            assert len(note) <= 160 and not copied_runs(note, passages[line["id"]]), (line["id"], note)


def test_the_english_and_spanish_sample_is_the_draw(shared_dir: Path) -> None:
    drawn = draw(5, {"en", "es"})
    annotated = _lines(ANNOTATIONS / "reports_en_es.jsonl")
    assert [line["id"] for line in annotated] == [row["id"] for row in drawn]
    assert not {row["id"] for row in drawn} & gold_ids()
    per_report: dict[str, int] = {}
    for row in drawn:
        per_report[row["doc"]] = per_report.get(row["doc"], 0) + 1
        assert row["lang"] in ("en", "es") and row["doc"].endswith(".pdf")
    assert len(per_report) == 24 and max(per_report.values()) == 5
