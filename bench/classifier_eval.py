"""The classifier design comparison: cross-validation on the seed set AND scores on real gold passages.

For each candidate design (models.training.DESIGNS): 5-fold out-of-fold predictions on the seed set
(thresholds chosen on those same folds, as training does, so slightly optimistic), then a model fitted on
the whole seed set scored on ../shared/gold/dev.jsonl. Nothing is trained or tuned on dev; dev only ranks
the few designs. Writes bench/results/classifier_eval.json and prints a table.

    python -m bench.classifier_eval [--designs NAME,NAME]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import SHARED, write_results
from models.classifier import StrategyClassifier
from models.evaluation import evaluate, format_evaluation, read_gold
from models.seed_data import load_seed
from models.training import DESIGNS, SHIPPED_DESIGN, make_classifier


def compare(designs: list[str]) -> dict[str, Any]:
    """Score each design by seed-set CV and on the dev gold set."""
    seed = load_seed()
    gold_path = SHARED / "gold" / "dev.jsonl"
    if not gold_path.is_file():
        raise SystemExit(f"gold passages not found at {gold_path} (set CITSEC_SHARED_DIR)")
    gold = read_gold(gold_path)
    x, y, langs = seed.texts, seed.y, list[str | None](seed.langs)
    results: dict[str, Any] = {}
    for name in designs:
        start = time.perf_counter()
        model: StrategyClassifier = make_classifier(name)
        oof = model.out_of_fold_proba(x, y)
        model.fit(x, y, oof_proba=oof)
        cv = evaluate(y, (oof >= model.thresholds_).astype(int), langs)
        dev = evaluate(gold.y, model.predict(gold.texts), gold.langs)
        results[name] = {
            "params": DESIGNS[name],
            "thresholds": [float(t) for t in model.thresholds_],
            "seed_cv": cv.to_json(),
            "dev": dev.to_json(),
            "seconds": round(time.perf_counter() - start, 1),
        }
        print(format_evaluation(dev, f"\n{name}: dev ({gold_path.name})"))
    return {"seed_size": len(x), "seed_digest": seed.digest[:12], "dev_size": len(gold.texts),
            "shipped": SHIPPED_DESIGN, "designs": results}


def table(payload: dict[str, Any]) -> str:
    """Markdown table: one row per design, seed CV and dev macro-F1 overall and per language."""
    langs = sorted(next(iter(payload["designs"].values()))["dev"]["per_language"])
    head = ["design", "seed CV macro-F1", "dev macro-F1", *(f"dev {lang}" for lang in langs),
            *(f"dev F1 {label[:5]}." for label in ("prevention", "enforcement", "transnational"))]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in payload["designs"].items():
        mark = " (shipped)" if name == payload["shipped"] else ""
        cells = [f"{name}{mark}", f"{r['seed_cv']['macro_f1']:.3f}", f"{r['dev']['macro_f1']:.3f}",
                 *(f"{r['dev']['per_language'][lang]['macro_f1']:.3f}" for lang in langs),
                 *(f"{s['f1']:.3f}" for s in r["dev"]["per_label"].values())]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--designs", default=",".join(DESIGNS), help="comma-separated design names")
    args = parser.parse_args()
    payload = compare([d for d in args.designs.split(",") if d])
    path = write_results("classifier_eval", payload)
    print(f"\nseed set: {payload['seed_size']} passages; dev: {payload['dev_size']} passages -> {path}\n")
    print(table(payload))


if __name__ == "__main__":
    main()
