"""The shipped seed set and its loader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus.taxonomy import LABELS as CORPUS_LABELS
from models.errors import ModelError
from models.labels import LABELS
from models.seed_data import SEED_DIR, load_seed

REPO = Path(__file__).resolve().parents[2]


def test_models_and_corpus_agree_on_the_labels():
    assert LABELS == CORPUS_LABELS


def test_shipped_seed_set_covers_every_language_label_and_none():
    seed = load_seed()
    assert len(seed.passages) >= 900
    assert {p.lang for p in seed.passages} == {"en", "es", "pt"}
    y = seed.y
    assert all(y[:, j].sum() > 50 for j in range(len(LABELS)))
    assert (y.sum(axis=1) == 0).mean() >= 0.2


def test_loader_names_file_and_line_of_a_bad_record(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "lang": "en", "text": "Fine.", "labels": []}\n'
                                      '{"id": "2", "lang": "fr", "text": "Non.", "labels": []}\n')
    with pytest.raises(ModelError, match="a.jsonl:2"):
        load_seed(tmp_path)


def test_seed_readme_counts_are_current():
    done = subprocess.run([sys.executable, "-m", "models.seed_stats", "--check"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (SEED_DIR / "README.md").is_file()
