"""How much retraining on a team's labels helps, judged on every real gold passage: 5-fold cross-validation.

The 156 gold passages of ../shared/gold/dev.jsonl are split into 5 folds by document (a translated op-ed
and its original, or two passages of one article, stay in one fold); for each fold the model is retrained
on the seed set plus the other folds' labels and predicts the fold, so every passage is predicted once by a
model that never saw it or its document. Each retraining recipe (domain augmentation on or off, human
weight, design) is compared with the seed model on the same 156 predictions, and then with the recipe
`citsec retrain` ships (plain, human weight 5, the shipped design; `--augment` is augmented:5), paired on
the same passages: the interval that says whether another recipe would serve teams better. A passage that
never speaks of security gets no label (models.topic), as citsec stores it. With --in-report every model
reads each passage in its document, as ingest stores it (the documents rebuilt as bench.context_eval does;
a passage in its PDF's reference list gets no label).

bench/learning_curve.py runs the command's own path (`citsec retrain`, which holds out a share of the
imported labels to judge the new model); this script fits each recipe directly on all of a fold's labels.

    python -m bench.retrain_cv [--configs plain:5,augmented:5,plain:5:word+cues+meaning-logreg]
                               [--in-report]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from bench import context_eval
from bench.classifier_eval import paired_bootstrap
from bench.common import FOLDS, fold_of, write_results
from bench.context_eval import Documents
from models.domain import SeedText
from models.evaluation import evaluate, macro_f1
from models.registry import seed_model
from models.retrain import HUMAN_WEIGHT, Example, fit_weighted, retrain_config
from models.seed_data import load_seed
from models.training import DESIGNS, SHIPPED_DESIGN

Row = dict[str, Any]


def cross_validate(
    rows: list[Row], adapt: bool, weight: int, design_name: str = SHIPPED_DESIGN,
    documents: Documents | None = None, marked: np.ndarray | None = None,
) -> np.ndarray:
    """Out-of-fold 0/1 predictions of models retrained with a recipe (augmentation, human weight, design)."""
    seed = load_seed()
    design = {**DESIGNS[design_name], "domain_adapt": adapt}
    seeds = [Example(SeedText(p.text) if adapt else p.text, p.labels, p.lang, "seed") for p in seed.passages]
    marked = context_eval.left_unlabeled(rows, documents) if marked is None else marked
    predicted = np.zeros((len(rows), 3), dtype=np.int64)
    for fold in range(FOLDS):
        test = [i for i, r in enumerate(rows) if fold_of(r) == fold]
        human = [Example(r["text"], tuple(r["labels"]), r.get("lang"), "import")
                 for r in rows if fold_of(r) != fold]
        model, _ = fit_weighted([*seeds, *human], [1] * len(seeds) + [weight] * len(human), design)
        held = [rows[i] for i in test]
        predicted[test] = context_eval.stored_decisions(model, held, documents, marked[test])
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=f"plain:{HUMAN_WEIGHT},augmented:{HUMAN_WEIGHT},augmented:20",
                        help="comma-separated recipes, each plain|augmented:WEIGHT[:DESIGN] (DESIGN: a "
                             "name in models.training.DESIGNS, default the shipped one)")
    parser.add_argument("--in-report", action="store_true",
                        help="read each passage in its document, as ingest stores it")
    args = parser.parse_args()
    rows, _, y = context_eval.gold_set()
    langs = [r.get("lang") for r in rows]
    documents = context_eval.documents(rows) if args.in_report else None
    marked = context_eval.left_unlabeled(rows, documents)
    seed_predicted = context_eval.stored_decisions(seed_model().estimator, rows, documents, marked)
    seed_eval = evaluate(y, seed_predicted, langs)
    results: dict[str, Any] = {"passages": len(rows), "folds": FOLDS, "in_report": args.in_report,
                               "left_unlabeled": int(marked.sum()), "seed_model": seed_eval.to_json()}
    print(f"{len(rows)} gold passages, {FOLDS} folds by document, "
          + ("each read in its document" if args.in_report else "each passage alone")
          + f"; {int(marked.sum())} get no label whatever the scores")
    width = max(16, *(len(c) + 2 for c in args.configs.split(",")))
    print(f"{'recipe':<{width}}{'macro-F1':>9}{'gain':>8}  {'95% CI':<18}"
          "per label (prevention, enforcement, transnational)")
    print(f"{'seed model':<{width}}{seed_eval.macro_f1:>9.3f}{'':>8}  {'':<18}"
          + ", ".join(f"{s.f1:.3f}" for s in seed_eval.per_label.values()))
    shipped = f"{'augmented' if retrain_config().augmented else 'plain'}:{HUMAN_WEIGHT}"
    decisions: dict[str, np.ndarray] = {}
    for config in args.configs.split(","):
        kind, _, rest = config.partition(":")
        weight, _, design_name = rest.partition(":")
        started = time.perf_counter()
        predicted = cross_validate(rows, kind == "augmented", int(weight), design_name or SHIPPED_DESIGN,
                                   documents, marked)
        decisions[config] = predicted
        result = evaluate(y, predicted, langs)
        gain = result.macro_f1 - seed_eval.macro_f1
        low, high = paired_bootstrap(y, predicted, seed_predicted)
        print(f"{config:<{width}}{result.macro_f1:>9.3f}{gain:>+8.3f}  {f'[{low:+.3f}, {high:+.3f}]':<18}"
              + ", ".join(f"{s.f1:.3f}" for s in result.per_label.values()), flush=True)
        results[config] = {**result.to_json(), "gain": round(gain, 4), "gain_95ci": [low, high],
                           "seconds": round(time.perf_counter() - started, 1)}
    if shipped in decisions and len(decisions) > 1:
        print(f"against the shipped recipe ({shipped}), paired on the same passages:")
        for config, predicted in decisions.items():
            if config == shipped:
                continue
            low, high = paired_bootstrap(y, predicted, decisions[shipped])
            difference = macro_f1(y, predicted) - macro_f1(y, decisions[shipped])
            print(f"{config:<{width}}{difference:>+17.3f}  [{low:+.3f}, {high:+.3f}]")
            results[config]["vs_shipped"] = {"difference": round(difference, 4), "95ci": [low, high]}
    name = "retrain_cv_in_report" if args.in_report else "retrain_cv"
    path = write_results(name, results)
    print(f"-> {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
