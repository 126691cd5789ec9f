"""The labeling tests' material: seed passages to train on and disjoint ones to store, and a store
filled with them (tests/labels/conftest.py builds the fixtures from these); label files and label history
as the tests write and read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from corpus import Corpus, NewPassage, NewReport
from corpus.schema import HumanLabel
from models.registry import LoadedModel, register_seed_model
from models.seed_data import SeedPassage

PASSAGES_PER_REPORT = 8


@dataclass(frozen=True)
class Material:
    seed: list[SeedPassage]
    stored: list[SeedPassage]


def fill_store(store: Corpus, material: Material, small_seed_model: LoadedModel) -> Corpus:
    from models.reclassify import reclassify

    by_lang = sorted(material.stored, key=lambda p: p.lang)
    for r in range(0, len(by_lang), PASSAGES_PER_REPORT):
        chunk = by_lang[r : r + PASSAGES_PER_REPORT]
        passages = [NewPassage(i + 1, 1, 1, p.text, p.lang) for i, p in enumerate(chunk)]
        report = NewReport(uri=f"file:///r{r}.pdf", sha256=f"{r:064d}", title=f"R{r}", passages=passages)
        store.add_report(report)
    register_seed_model(store, small_seed_model, promoted=True)
    reclassify(store, small_seed_model, batch_size=10)
    return store


def write_label_file(folder: Path, rows: list[dict[str, Any]], name: str = "labels.jsonl") -> str:
    """A JSON-lines label file of `rows` in `folder`; returns its path."""
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def label_history(store: Corpus) -> list[tuple[Any, ...]]:
    """Every label row of `store`, oldest first: whose (passage or text, language), what, by whom, how
    (origin, carried from), without ids and times; a row's labels as a list."""
    columns = (
        HumanLabel.passage_id, HumanLabel.text, HumanLabel.lang, HumanLabel.labels, HumanLabel.annotator,
        HumanLabel.origin, HumanLabel.carried_from,
    )  # fmt: skip
    with store.engine.connect() as conn:
        rows = conn.execute(select(*columns).order_by(HumanLabel.id))
        return [(*row[:3], list(row[3]), *row[4:]) for row in rows]
