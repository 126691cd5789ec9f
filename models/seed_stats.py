"""Label counts of the seed set, written into models/seed/README.md between marker comments.

    python -m models.seed_stats            # print the counts and refresh the README block
    python -m models.seed_stats --check    # exit 1 when the README's counts are stale
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

from models.labels import LABELS
from models.seed_data import SEED_DIR, SEED_LANGUAGES, SeedSet, load_seed

START, END = "<!-- seed-counts:start -->", "<!-- seed-counts:end -->"


def counts_markdown(seed: SeedSet) -> str:
    """Markdown tables: passages per language and label, and per label combination."""
    passages = seed.passages
    total = len(passages)
    words = [len(p.text.split()) for p in passages]
    lines = [
        f"{total} passages; words per passage: median {statistics.median(words):.0f}, "
        f"min {min(words)}, max {max(words)}.",
        "",
        "| language | passages | share | prevention | enforcement | transnational | none |",
        "|---|---|---|---|---|---|---|",
    ]
    for lang in (*SEED_LANGUAGES, None):
        rows = [p for p in passages if lang is None or p.lang == lang]
        cells = [str(sum(label in p.labels for p in rows)) for label in LABELS]
        none = sum(not p.labels for p in rows)
        share = f"{len(rows) / total:.0%}"
        name = lang or "all"
        none_cell = f"{none} ({none / len(rows):.0%})"
        lines.append(f"| {name} | {len(rows)} | {share} | {' | '.join(cells)} | {none_cell} |")
    combos = Counter(" + ".join(p.labels) or "none" for p in passages)
    lines += ["", "| labels | passages | en | es | pt |", "|---|---|---|---|---|"]
    for combo, n in sorted(combos.items(), key=lambda item: (-item[1], item[0])):
        per = Counter(p.lang for p in passages if (" + ".join(p.labels) or "none") == combo)
        lines.append(f"| {combo} | {n} | {per['en']} | {per['es']} | {per['pt']} |")
    return "\n".join(lines)


def with_counts(readme: str, block: str) -> str:
    """The README text with the block between the markers replaced."""
    if START not in readme or END not in readme:
        raise SystemExit(f"markers {START} / {END} not found in the seed README")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed-set label counts for models/seed/README.md.")
    parser.add_argument("--check", action="store_true", help="only check that the README is current")
    args = parser.parse_args(argv)
    readme_path: Path = SEED_DIR / "README.md"
    block = counts_markdown(load_seed())
    current = readme_path.read_text(encoding="utf-8")
    updated = with_counts(current, block)
    if args.check:
        if updated != current:
            print("models/seed/README.md counts are stale: run python -m models.seed_stats")
            return 1
        return 0
    readme_path.write_text(updated, encoding="utf-8")
    print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
