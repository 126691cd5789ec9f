"""Scoring tagging against gold passages: passage-level country sets and program surface strings.

Used by bench/tagging_eval.py (figures and misses on ../shared/gold/dev.jsonl) and by the tests.
Countries: micro precision/recall/F1 over passage-level sets of ISO codes. Programs: surface strings compared
case-insensitively with a leading article (the/el/la/los/las/o/a/os/as) and enclosing quotes ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from extractors.tagging.tagger import Tagger

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
    misses: list[dict[str, Any]] = field(default_factory=list)

    def add(self, what: str, lang: str, predicted: set[str], gold: set[str]) -> None:
        for key in ((what, lang), (what, "all")):
            self.counts.setdefault(key, Counts()).add(predicted, gold)

    def figures(self) -> dict[str, dict[str, dict[str, float | int]]]:
        """{field: {language ("all" first): precision, recall, f1, tp, fp, fn}}."""
        figures: dict[str, dict[str, dict[str, float | int]]] = {}
        for what, lang in sorted(self.counts, key=lambda key: (key[0], key[1] != "all", key[1])):
            figures.setdefault(what, {})[lang] = self.counts[(what, lang)].scores()
        return figures

    def table(self) -> list[str]:
        """The figures as lines of a plain-text table: field, language, P, R, F1, tp/fp/fn."""
        lines = [f"{'field':<10} {'lang':<5} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn"]
        for what, by_lang in self.figures().items():
            for lang, s in by_lang.items():
                lines.append(
                    f"{what:<10} {lang:<5} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}  "
                    f"{s['tp']}/{s['fp']}/{s['fn']}"
                )
        return lines


def evaluate(rows: Iterable[dict[str, Any]], tagger: Tagger) -> Report:
    """Tag the gold rows' texts and compare with their countries and programs (a row without "countries" or
    without "programs", or with null there, is not scored on that field)."""
    rows = list(rows)
    texts = [str(r["text"]) for r in rows]
    langs = [str(r.get("lang") or "") or None for r in rows]
    report = Report()
    for row, tags in zip(rows, tagger.tag(texts, langs), strict=True):
        lang = str(row.get("lang") or "other")
        countries = set(tags.countries)
        programs = {normalize_program(p["text"]) for p in tags.programs}
        # A field the row does not give is no gold: neither scored nor a miss (its gold is what was found).
        gold_countries = countries if row.get("countries") is None else set(row["countries"])
        gold_programs = (
            programs if row.get("programs") is None else {normalize_program(p) for p in row["programs"]}
        )
        if row.get("countries") is not None:
            report.add("countries", lang, countries, gold_countries)
        if row.get("programs") is not None:
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
