"""The classifier design comparison: cross-validation on the seed set AND scores on real gold passages.

For each candidate design (models.training.DESIGNS): 5-fold out-of-fold predictions on the seed set
(thresholds chosen on those same folds, as training does, so slightly optimistic), then a model fitted on
the whole seed set scored on ../shared/gold/dev.jsonl. Nothing is trained or tuned on dev; dev only ranks
the few designs. Dev holds 156 passages, so each design's difference from the shipped one comes with a
paired-bootstrap 95% interval: the rule is to ship the simplest design with word features (needed to learn
from analysts' labels on retraining, and for word-level explanations) whose interval includes zero
against the best. Writes bench/results/classifier_eval.json and prints a table.

    python -m bench.classifier_eval [--designs NAME,NAME]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from bench.common import SHARED, write_results
from models.classifier import StrategyClassifier
from models.evaluation import evaluate, format_evaluation, macro_f1, read_gold
from models.seed_data import load_seed
from models.training import DESIGNS, SHIPPED_DESIGN, make_classifier

BOOTSTRAP_SAMPLES = 2000


def paired_bootstrap(y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray, seed: int = 0) -> list[float]:
    """95% interval of macro-F1(a) - macro-F1(b) over passages resampled with replacement."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(BOOTSTRAP_SAMPLES):
        rows = rng.integers(0, len(y), len(y))
        diffs.append(macro_f1(y[rows], pred_a[rows]) - macro_f1(y[rows], pred_b[rows]))
    return [round(float(q), 3) for q in np.percentile(diffs, [2.5, 97.5])]


def compare(designs: list[str]) -> dict[str, Any]:
    """Score each design by seed-set CV and on the dev gold set."""
    seed = load_seed()
    gold_path = SHARED / "gold" / "dev.jsonl"
    if not gold_path.is_file():
        raise SystemExit(f"gold passages not found at {gold_path} (set CITSEC_SHARED_DIR)")
    gold = read_gold(gold_path)
    x, y, langs = seed.texts, seed.y, list[str | None](seed.langs)
    results: dict[str, Any] = {}
    dev_predictions: dict[str, np.ndarray] = {}
    for name in designs:
        start = time.perf_counter()
        model: StrategyClassifier = make_classifier(name)
        oof = model.out_of_fold_proba(x, y)
        model.fit(x, y, oof_proba=oof)
        cv = evaluate(y, (oof >= model.thresholds_).astype(int), langs)
        dev_predictions[name] = model.predict(gold.texts)
        dev = evaluate(gold.y, dev_predictions[name], gold.langs)
        results[name] = {
            "params": DESIGNS[name],
            "thresholds": [float(t) for t in model.thresholds_],
            "seed_cv": cv.to_json(),
            "dev": dev.to_json(),
            "seconds": round(time.perf_counter() - start, 1),
        }
        print(format_evaluation(dev, f"\n{name}: dev ({gold_path.name})"))
    if SHIPPED_DESIGN in dev_predictions:
        for name, predicted in dev_predictions.items():
            interval = paired_bootstrap(gold.y, predicted, dev_predictions[SHIPPED_DESIGN])
            results[name]["dev_delta_vs_shipped_ci95"] = interval
    return {"seed_size": len(x), "seed_digest": seed.digest[:12], "dev_size": len(gold.texts),
            "shipped": SHIPPED_DESIGN, "designs": results}


def table(payload: dict[str, Any]) -> str:
    """Markdown table: one row per design, seed CV and dev macro-F1 overall and per language."""
    langs = sorted(next(iter(payload["designs"].values()))["dev"]["per_language"])
    head = ["design", "seed CV macro-F1", "dev macro-F1", *(f"dev {lang}" for lang in langs),
            *(f"dev F1 {label[:5]}." for label in ("prevention", "enforcement", "transnational")),
            "dev Δ vs shipped, 95% CI"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in payload["designs"].items():
        mark = " (shipped)" if name == payload["shipped"] else ""
        cells = [f"{name}{mark}", f"{r['seed_cv']['macro_f1']:.3f}", f"{r['dev']['macro_f1']:.3f}",
                 *(f"{r['dev']['per_language'][lang]['macro_f1']:.3f}" for lang in langs),
                 *(f"{s['f1']:.3f}" for s in r["dev"]["per_label"].values()),
                 "[{:+.3f}, {:+.3f}]".format(*r.get("dev_delta_vs_shipped_ci95", [0.0, 0.0]))]
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
