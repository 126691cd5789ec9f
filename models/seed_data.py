"""The seed training set that ships with citsec: models/seed/*.jsonl, one passage per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import ModelError
from models.labels import LABELS, labels_to_matrix
from models.seed_version import SEED_DIR, digest_of, seed_files

SEED_LANGUAGES = ("en", "es", "pt")


@dataclass(frozen=True)
class SeedPassage:
    """One hand-written training passage."""

    id: str
    lang: str
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class SeedSet:
    """The seed passages with their label matrix and a content hash (the seed model's cache key)."""

    passages: tuple[SeedPassage, ...]
    digest: str

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.passages]

    @property
    def langs(self) -> list[str]:
        return [p.lang for p in self.passages]

    @property
    def y(self) -> np.ndarray:
        return labels_to_matrix([p.labels for p in self.passages])


def parse_seed_line(line: str, where: str) -> SeedPassage:
    """One JSON line to a SeedPassage; `where` ("file:line") names the culprit in errors."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise ModelError(f"{where}: expected a JSON object")
    text, lang, labels = row.get("text"), row.get("lang"), row.get("labels")
    if not isinstance(text, str) or not text.strip():
        raise ModelError(f"{where}: missing or empty \"text\"")
    if lang not in SEED_LANGUAGES:
        raise ModelError(f"{where}: \"lang\" must be one of {', '.join(SEED_LANGUAGES)}")
    if not isinstance(labels, list) or any(label not in LABELS for label in labels):
        raise ModelError(f"{where}: \"labels\" must be a list drawn from {', '.join(LABELS)}")
    labels_sorted = tuple(sorted(set(labels)))
    return SeedPassage(id=str(row.get("id", where)), lang=lang, text=text.strip(), labels=labels_sorted)


def load_seed(seed_dir: Path = SEED_DIR) -> SeedSet:
    """Every *.jsonl file under `seed_dir`, in file-name order; raises ModelError on a malformed line."""
    passages: list[SeedPassage] = []
    seen: dict[str, str] = {}
    read = [(path.name, path.read_bytes()) for path in seed_files(seed_dir)]  # once: passages and digest
    for name, data in read:
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{name}:{number}"
            passage = parse_seed_line(line, where)
            # A duplicated text would leak between cross-validation folds and flatter the scores.
            if passage.text in seen:
                continue
            seen[passage.text] = where
            passages.append(passage)
    return SeedSet(passages=tuple(passages), digest=digest_of(read))
