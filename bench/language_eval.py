"""Language detection on real passages, whole and cut short: with names left in, and as citsec reads them.

Takes the 156 gold passages and the first 3,000 unlabeled real passages in ../shared/gold (their "lang"
is the reference), cuts each to its first N words, and counts how often lingua (restricted to citsec's
candidate languages) names the reference language when it reads the whole text, and when it reads the text
without its names (extractors.language.detect_language).

    python -m bench.language_eval
"""

from __future__ import annotations

import json
from typing import Any

from bench.common import SHARED, write_results
from extractors.language import _detector, detect_language

LENGTHS = (8, 12, 20, None)
UNLABELED = 3000


def _whole(text: str) -> str | None:
    if sum(ch.isalpha() for ch in text[:2000]) < 12:
        return None
    found = _detector().detect_language_of(text[:5000])
    return found.iso_code_639_1.name.lower() if found else None


def main() -> None:
    gold = SHARED / "gold"
    if not (gold / "dev.jsonl").is_file():
        raise SystemExit(f"gold passages not found in {gold} (set CITSEC_SHARED_DIR)")
    dev = (gold / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in dev if line.strip()]
    with (gold / "unlabeled_passages.jsonl").open(encoding="utf-8") as lines:
        rows += [json.loads(line) for _, line in zip(range(UNLABELED), lines, strict=False)]
    rows = [r for r in rows if r.get("lang") in ("en", "es", "pt")]
    results: dict[str, Any] = {"passages": len(rows), "by_length": {}}
    print(f"{len(rows)} real passages; share whose language is detected right")
    print(f"{'first words':>12}{'whole text':>12}{'no names':>10}")
    for n in LENGTHS:
        texts = [" ".join(r["text"].split()[:n]) if n else r["text"] for r in rows]
        whole = sum(_whole(t) == r["lang"] for t, r in zip(texts, rows, strict=True)) / len(rows)
        unnamed = sum(detect_language(t) == r["lang"] for t, r in zip(texts, rows, strict=True)) / len(rows)
        results["by_length"][str(n or "all")] = {"whole": round(whole, 4), "without_names": round(unnamed, 4)}
        print(f"{n or 'all':>12}{whole:>12.2%}{unnamed:>10.2%}")
    print(f"-> {write_results('language_eval', results)}")


if __name__ == "__main__":
    main()
