"""The labeling tests' material: seed passages to train on and disjoint ones to store, and a store
filled with them (tests/labels/conftest.py builds the fixtures from these)."""

from __future__ import annotations

from dataclasses import dataclass

from corpus import Corpus, NewPassage, NewReport
from models.registry import LoadedModel, register_seed_model
from models.seed_data import SeedPassage

PASSAGES_PER_REPORT = 8


@dataclass(frozen=True)
class Material:
    seed: list[SeedPassage]
    stored: list[SeedPassage]


def fill_store(store: Corpus, material: Material, small_seed_model: LoadedModel) -> Corpus:
    from models.retrain import reclassify

    by_lang = sorted(material.stored, key=lambda p: p.lang)
    for r in range(0, len(by_lang), PASSAGES_PER_REPORT):
        chunk = by_lang[r : r + PASSAGES_PER_REPORT]
        passages = [NewPassage(i + 1, 1, 1, p.text, p.lang) for i, p in enumerate(chunk)]
        report = NewReport(uri=f"file:///r{r}.pdf", sha256=f"{r:064d}", title=f"R{r}", passages=passages)
        store.add_report(report)
    register_seed_model(store, small_seed_model, promoted=True)
    reclassify(store, small_seed_model, batch_size=10)
    return store
