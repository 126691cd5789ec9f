"""How much retraining on a team's labels helps, judged on every real gold passage: 5-fold cross-validation.

bench/learning_curve.py holds out one fixed half of ../shared/gold/dev.jsonl (74 passages), where one
passage moves macro-F1 by about 0.01. Here the 156 gold passages are split into 5 folds by document (a
translated op-ed and its original, or two passages of one article, stay in one fold); for each fold the
model is retrained on the seed set plus the other folds' labels and predicts the fold, so every passage is
predicted once by a model that never saw it or its document. Each retraining recipe (domain augmentation
on or off, human weight) is compared with the seed model on the same 156 predictions.

    python -m bench.retrain_cv [--configs plain:5,augmented:5,augmented:5:word+cues+meaning-logreg]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np

from bench.common import FOLDS, SHARED, fold_of, write_results
from models.domain import SeedText
from models.evaluation import evaluate
from models.labels import labels_to_matrix
from models.registry import seed_model
from models.retrain import HUMAN_WEIGHT, Example, fit_weighted
from models.seed_data import load_seed
from models.training import DESIGNS, SHIPPED_DESIGN


def cross_validate(
    rows: list[dict[str, Any]], adapt: bool, weight: int, design_name: str = SHIPPED_DESIGN
) -> np.ndarray:
    """Out-of-fold 0/1 predictions of models retrained with a recipe (augmentation, human weight, design)."""
    seed = load_seed()
    design = {**DESIGNS[design_name], "domain_adapt": adapt}
    seeds = [Example(SeedText(p.text) if adapt else p.text, p.labels, p.lang, "seed") for p in seed.passages]
    predicted = np.zeros((len(rows), 3), dtype=np.int64)
    for fold in range(FOLDS):
        test = [i for i, r in enumerate(rows) if fold_of(r) == fold]
        human = [Example(r["text"], tuple(r["labels"]), r.get("lang"), "import")
                 for r in rows if fold_of(r) != fold]
        model, _ = fit_weighted([*seeds, *human], [1] * len(seeds) + [weight] * len(human), design)
        predicted[test] = model.predict([rows[i]["text"] for i in test])
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=f"plain:{HUMAN_WEIGHT},augmented:{HUMAN_WEIGHT},augmented:20",
                        help="comma-separated recipes, each plain|augmented:WEIGHT[:DESIGN] (DESIGN: a "
                             "name in models.training.DESIGNS, default the shipped one)")
    args = parser.parse_args()
    path = SHARED / "gold" / "dev.jsonl"
    if not path.is_file():
        raise SystemExit(f"gold passages not found at {path} (set CITSEC_SHARED_DIR)")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    y = labels_to_matrix([r["labels"] for r in rows])
    langs = [r.get("lang") for r in rows]
    seed_eval = evaluate(y, seed_model().estimator.predict([r["text"] for r in rows]), langs)
    results: dict[str, Any] = {"passages": len(rows), "folds": FOLDS, "seed_model": seed_eval.to_json()}
    print(f"{len(rows)} gold passages, {FOLDS} folds by document")
    width = max(16, *(len(c) + 2 for c in args.configs.split(",")))
    print(f"{'recipe':<{width}}{'macro-F1':>9}{'gain':>8}   "
          "per label (prevention, enforcement, transnational)")
    print(f"{'seed model':<{width}}{seed_eval.macro_f1:>9.3f}{'':>8}   "
          + ", ".join(f"{s.f1:.3f}" for s in seed_eval.per_label.values()))
    for config in args.configs.split(","):
        kind, _, rest = config.partition(":")
        weight, _, design_name = rest.partition(":")
        started = time.perf_counter()
        predicted = cross_validate(rows, kind == "augmented", int(weight), design_name or SHIPPED_DESIGN)
        result = evaluate(y, predicted, langs)
        gain = result.macro_f1 - seed_eval.macro_f1
        print(f"{config:<{width}}{result.macro_f1:>9.3f}{gain:>+8.3f}   "
              + ", ".join(f"{s.f1:.3f}" for s in result.per_label.values()), flush=True)
        results[config] = {**result.to_json(), "gain": round(gain, 4),
                           "seconds": round(time.perf_counter() - started, 1)}
    print(f"-> {write_results('retrain_cv', results)}")


if __name__ == "__main__":
    main()
