"""The seed set is original: no run of 16 words is shared with the real material in ../shared."""

from __future__ import annotations

import json
import re
from pathlib import Path

from models.seed_data import load_seed

# Long official names ("the US State Department's Bureau of International Narcotics and Law Enforcement
# Affairs") run to 14 words; 16 words in a row in common would be copying, not naming.
SHINGLE = 16
_WORD = re.compile(r"\w+")


def _shingles(text: str) -> set[int]:
    words = _WORD.findall(text.lower())
    return {hash(tuple(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


def _texts(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            yield from (v for k, v in row.items() if isinstance(v, str) and len(v) > 60 and k != "id")


def test_no_seed_passage_shares_sixteen_words_in_a_row_with_shared_material(shared_dir):
    real: set[int] = set()
    for path in [*(shared_dir / "gold").glob("*.jsonl"), *(shared_dir / "articles").glob("*.jsonl")]:
        for text in _texts(path):
            real |= _shingles(text)
    candidates = Path(__file__).resolve().parents[2] / "bench" / "seed_candidates"
    batches = [load_seed(folder) for folder in sorted(candidates.iterdir()) if folder.is_dir()]
    passages = [p for seed in [load_seed(), *batches] for p in seed.passages]
    copied = [p.id for p in passages if _shingles(p.text) & real]
    assert copied == []
