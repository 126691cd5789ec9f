"""Score country and program tagging against gold passages (../shared/gold/dev.jsonl).

    python -m bench.tagging_eval [--gold PATH] [--no-misses]

Countries: micro precision/recall/F1 over passage-level sets of ISO codes. Programs: surface strings compared
case-insensitively with a leading article (the/el/la/los/las/o/a/os/as) ignored. Prints per-language
figures and the misses; writes bench/results/tagging_eval.json.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import SHARED, write_results
from extractors.tagging import Tagger

_ARTICLE = re.compile(r"^(the|el|la|los|las|o|a|os|as)\s+", re.IGNORECASE)


def normalize_program(surface: str) -> str:
    """Program comparison key: lower case, collapsed spaces, no leading article, no enclosing quotes."""
    text = " ".join(surface.split()).strip("\"'“”‘’«» ").lower()
    return _ARTICLE.sub("", text)


@dataclass
class Counts:
    """True positives, false positives and false negatives of one (field, language) cell."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def scores(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    """Counts per field and language, and the misses to print."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)
    misses: list[dict[str, object]] = field(default_factory=list)

    def add(self, what: str, lang: str, predicted: set[str], gold: set[str]) -> None:
        for key in ((what, lang), (what, "all")):
            self.counts.setdefault(key, Counts()).add(predicted, gold)


def evaluate(rows: Iterable[dict[str, object]], tagger: Tagger) -> Report:
    """Tag the gold rows' texts and compare with their countries and programs."""
    rows = list(rows)
    texts = [str(r["text"]) for r in rows]
    langs = [str(r.get("lang") or "") or None for r in rows]
    report = Report()
    for row, tags in zip(rows, tagger.tag(texts, langs), strict=True):
        lang = str(row.get("lang") or "other")
        gold_countries = set(row.get("countries") or [])  # type: ignore[call-overload]
        countries = set(tags.countries)
        report.add("countries", lang, countries, gold_countries)
        gold_programs = {normalize_program(p) for p in row.get("programs") or []}  # type: ignore[attr-defined]
        programs = {normalize_program(p["text"]) for p in tags.programs}
        report.add("programs", lang, programs, gold_programs)
        if countries != gold_countries or programs != gold_programs:
            report.misses.append(
                {
                    "id": row.get("id"),
                    "lang": lang,
                    "countries_missed": sorted(gold_countries - countries),
                    "countries_extra": sorted(countries - gold_countries),
                    "programs_missed": sorted(gold_programs - programs),
                    "programs_extra": sorted(programs - gold_programs),
                }
            )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "gold" / "dev.jsonl")
    parser.add_argument("--no-misses", action="store_true", help="print only the figures")
    parser.add_argument("--statistical", action="store_true", help="also use en_core_web_sm when installed")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        raise SystemExit(f"gold file not found: {args.gold}")
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    report = evaluate(rows, Tagger(use_statistical=args.statistical))
    seconds = time.perf_counter() - started
    if not args.no_misses:
        for miss in report.misses:
            print("MISS", json.dumps(miss, ensure_ascii=False))
    figures: dict[str, dict[str, dict[str, float | int]]] = {}
    print(
        f"{'field':<10} {'lang':<5} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn"
        f"   ({len(rows)} passages, {seconds:.1f}s)"
    )
    for (what, lang), counts in sorted(
        report.counts.items(), key=lambda kv: (kv[0][0], kv[0][1] != "all", kv[0][1])
    ):
        s = counts.scores()
        figures.setdefault(what, {})[lang] = s
        print(
            f"{what:<10} {lang:<5} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}  "
            f"{s['tp']}/{s['fp']}/{s['fn']}"
        )
    path = write_results(
        "tagging_eval",
        {"gold": str(args.gold), "passages": len(rows), "figures": figures, "misses": report.misses},
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
