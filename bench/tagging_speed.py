"""Tagging speed: words per second on real passages, one process, without the statistical model.

    python -m bench.tagging_speed [--passages N] [--batch-size B]

Reads ../shared/gold/unlabeled_passages.jsonl, builds the pipelines first (not timed), then times
Tagger.tag over the passages with their given languages. Writes bench/results/tagging_speed.json.
"""

from __future__ import annotations

import argparse
import json
import time

from bench.common import SHARED, write_results
from extractors.tagging import Tagger, build_nlp

TARGET_WORDS_PER_SECOND = 20_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=0, help="how many passages to tag (0 = all)")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    source = SHARED / "gold" / "unlabeled_passages.jsonl"
    if not source.is_file():
        raise SystemExit(f"passages not found at {source} (set CITSEC_SHARED_DIR)")
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.passages:
        rows = rows[: args.passages]
    texts = [str(r["text"]) for r in rows]
    langs = [r.get("lang") or "en" for r in rows]
    words = sum(len(t.split()) for t in texts)
    tagger = Tagger(batch_size=args.batch_size, use_statistical=False)
    for lang in sorted(set(langs)):
        build_nlp(lang)  # pipeline construction is a one-off cost, not throughput
    tagger.tag(texts[:50], langs[:50])
    started = time.perf_counter()
    tags = tagger.tag(texts, langs)
    seconds = time.perf_counter() - started
    rate = words / seconds
    found = {
        "countries": sum(len(t.countries) for t in tags),
        "programs": sum(len(t.programs) for t in tags),
        "entities": sum(len(t.entities) for t in tags),
    }
    print(f"{len(texts)} passages, {words} words in {seconds:.2f}s: {rate:,.0f} words/s (one core)")
    verdict = "met" if rate >= TARGET_WORDS_PER_SECOND else "NOT met"
    print(f"target {TARGET_WORDS_PER_SECOND:,} words/s: {verdict}")
    path = write_results(
        "tagging_speed",
        {
            "passages": len(texts),
            "words": words,
            "seconds": round(seconds, 3),
            "words_per_second": round(rate),
            "target_words_per_second": TARGET_WORDS_PER_SECOND,
            "batch_size": args.batch_size,
            "found": found,
            "languages": {lang: langs.count(lang) for lang in sorted(set(langs))},
        },
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
