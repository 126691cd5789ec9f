"""The learning curve: macro-F1 on real passages that were not imported, as gold labels are imported and the
model retrained, in random order and in `label queue` order.

../shared/gold/dev.jsonl is cross-validated in 5 folds by document (bench.common.fold_of: a translated op-ed
and its original stay together). For each fold, the other folds are the import pool (118-132 passages) and
the fold is held out, never imported. For 0, 25, 50, 100 and all pool labels, in random order and in
`label queue` order (the seed model's uncertainty ranking, spread over documents and languages), the labels
are imported as free texts into a fresh SQLite store and `retrain --promote always` runs exactly as the CLI
runs it (holding out its own 20 % of the imports); the promoted model then predicts the held-out fold. Each
point's macro-F1 is computed over all 156 passages, each predicted by the model of the fold that held it
out, so one passage moves a point by less than 0.01; the gain of all labels over the seed model comes with
a paired-bootstrap 95 % interval. Writes bench/results/learning_curve.json.

    python -m bench.learning_curve [--sizes 0,25,50,100] [--seed 0] [--weight W] [--design NAME] [--in-report]

--weight tries another human-label weight (results go to learning_curve_w<W>.json); --design retrains with
another design of models.training.DESIGNS, as `citsec retrain --design NAME` does (results go to
learning_curve_<NAME>.json); --sizes "" runs only the all-labels point. --in-report scores every held-out
passage in its document as the store would (models.context; documents rebuilt as bench.context_eval does;
results go to learning_curve_in_report.json): the seed model and every retrained model alike, and the
queue order ranks the pool by scores read in their documents too.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench import context_eval
from bench.classifier_eval import paired_bootstrap
from bench.common import FOLDS, SHARED, fold_of, write_results
from bench.context_eval import Documents
from corpus import Corpus
from flows.settings import Settings
from models.evaluation import Evaluation, evaluate
from models.labels import LABELS, labels_to_matrix
from models.queue import Candidate, spread, uncertainty
from models.registry import LoadedModel, load_model, seed_model
from models.retrain import HOLDOUT_SHARE, HUMAN_WEIGHT, RetrainConfig, retrain, retrain_design
from models.training import DESIGNS, SHIPPED_DESIGN

Row = dict[str, Any]
ORDERS = ("random", "queue")


def read_dev(path: Path) -> list[Row]:
    if not path.is_file():
        raise SystemExit(f"gold passages not found at {path} (set CITSEC_SHARED_DIR)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def decisions(model: LoadedModel, held: list[Row], documents: Documents | None) -> np.ndarray:
    """The model's 0/1 decisions for `held`: each passage on its own, or read in its document as ingest
    stores it (a passage in its PDF's reference list gets no label); one that never speaks of security
    gets none either way (models.topic)."""
    return context_eval.stored_decisions(model.estimator, held, documents)


def queue_order(pool: list[Row], model: LoadedModel, documents: Documents | None) -> list[Row]:
    """The pool as `label queue` would offer it: least certain first, spread over documents and languages;
    scored as the held-out passages are (in their documents with --in-report, as the store's queue does)."""
    thresholds = dict(zip(LABELS, (float(t) for t in model.estimator.thresholds_), strict=True))
    candidates = []
    pool_scores = context_eval.scores(model.estimator, pool, documents)
    for i, (row, proba) in enumerate(zip(pool, pool_scores, strict=True)):
        by_label = {label: float(p) for label, p in zip(LABELS, proba, strict=True)}
        unsure = uncertainty(by_label, thresholds)
        candidates.append(Candidate(unsure, i, row.get("doc"), row.get("lang"), row=row))
    return [c.row for c in spread(candidates, len(pool))]


def retrain_predict(
    imported: list[Row], held: list[Row], config: RetrainConfig, workdir: Path, documents: Documents | None
) -> np.ndarray:
    """Import `imported` into a fresh store, retrain --promote always; the promoted model's 0/1 predictions
    for `held`."""
    db = workdir / f"lc-{len(imported)}-{time.monotonic_ns()}.db"
    with Corpus.open(f"sqlite:///{db}") as corpus:
        for row in imported:
            corpus.add_text_labels(row["text"], row["labels"], lang=row.get("lang"), origin="import")
        result = retrain(corpus, "always", config)
        model = load_model(corpus, result.version)
    db.unlink(missing_ok=True)
    return decisions(model, held, documents)


def summary(result: Evaluation) -> dict[str, Any]:
    return {"macro_f1": result.macro_f1, "per_label": {k: v.f1 for k, v in result.per_label.items()},
            "per_language": result.to_json().get("per_language")}


def run(
    sizes: list[int], seed: int, weight: int = HUMAN_WEIGHT, design: str = SHIPPED_DESIGN,
    in_report: bool = False,
) -> dict[str, Any]:
    dev = read_dev(SHARED / "gold" / "dev.jsonl")
    documents = context_eval.documents(dev) if in_report else None
    y = labels_to_matrix([r["labels"] for r in dev])
    langs = [r.get("lang") for r in dev]
    config = RetrainConfig(design=retrain_design(design), cache_dir=Settings.from_env().cache_dir,
                           human_weight=weight)
    base = seed_model(config.cache_dir)
    baseline = decisions(base, dev, documents)
    points: list[int | str] = [*sorted({n for n in sizes if n > 0}), "all"]
    predicted = {name: {p: np.zeros_like(baseline) for p in points} for name in ORDERS}
    pool_sizes = []
    started = time.perf_counter()
    print(f"dev: {len(dev)} passages, {FOLDS} folds by document; seed model {base.version}: "
          f"macro-F1 {evaluate(y, baseline, langs).macro_f1:.3f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(FOLDS):
            held_idx = [i for i, r in enumerate(dev) if fold_of(r) == fold]
            held = [dev[i] for i in held_idx]
            pool = [r for r in dev if fold_of(r) != fold]
            pool_sizes.append(len(pool))
            shuffled = list(pool)
            random.Random(seed * 1000 + fold).shuffle(shuffled)
            orders = {"random": shuffled, "queue": queue_order(pool, base, documents)}
            # All labels: the order no longer matters.
            every = retrain_predict(pool, held, config, Path(tmp), documents)
            for name, order in orders.items():
                for point in points:
                    n = len(pool) if point == "all" else min(int(point), len(pool))
                    if n < len(pool):
                        predicted[name][point][held_idx] = retrain_predict(
                            order[:n], held, config, Path(tmp), documents
                        )
                    else:
                        predicted[name][point][held_idx] = every
            print(f"fold {fold + 1}/{FOLDS}: pool {len(pool)}, held out {len(held)} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    base_eval = evaluate(y, baseline, langs)
    curves: dict[str, list[dict[str, Any]]] = {}
    for name in ORDERS:
        curves[name] = [{"imported": 0, **summary(base_eval)}]
        for point in points:
            curves[name].append({"imported": point, **summary(evaluate(y, predicted[name][point], langs))})
    final = predicted["random"]["all"]
    final_f1 = evaluate(y, final, langs).macro_f1
    return {
        "dev_size": len(dev), "folds": FOLDS, "pool_sizes": pool_sizes,
        "human_weight": weight, "design": design, "retrain_holdout_share": HOLDOUT_SHARE,
        "in_report": in_report,
        "seed_model": base.version,
        "baseline_macro_f1": base_eval.macro_f1, "all_imported_macro_f1": final_f1,
        "gain": round(final_f1 - base_eval.macro_f1, 4),
        "gain_95ci": paired_bootstrap(y, final, baseline),
        "seconds": round(time.perf_counter() - started, 1), "curves": curves,
    }  # fmt: skip


def table(payload: dict[str, Any]) -> str:
    lines = ["| imported | random order | label-queue order |", "|---:|---:|---:|"]
    for r, q in zip(payload["curves"]["random"], payload["curves"]["queue"], strict=True):
        lines.append(f"| {r['imported']} | {r['macro_f1']:.3f} | {q['macro_f1']:.3f} |")
    return "\n".join(lines)


def chart(payload: dict[str, Any], height: int = 12) -> str:
    """Macro-F1 (rows) against labels imported (columns): R random, Q queue, * both."""
    r_pts, q_pts = payload["curves"]["random"], payload["curves"]["queue"]
    values = [p["macro_f1"] for p in r_pts + q_pts]
    low, high = min(values) - 0.01, max(values) + 0.01
    step = (high - low) / (height - 1)

    def level(v: float) -> int:
        return round((v - low) / step)

    width = 9
    rows = []
    for h in range(height - 1, -1, -1):
        cells = []
        for r, q in zip(r_pts, q_pts, strict=True):
            hit_r, hit_q = level(r["macro_f1"]) == h, level(q["macro_f1"]) == h
            mark = "*" if hit_r and hit_q else "R" if hit_r else "Q" if hit_q else " "
            cells.append(mark.center(width))
        rows.append(f"{low + h * step:6.3f} |" + "".join(cells))
    rows.append("       +" + "-" * (width * len(r_pts)))
    rows.append("        " + "".join(str(p["imported"]).center(width) for p in r_pts))
    rows.append("        labels imported (R random order, Q label-queue order, * both)")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,25,50,100", help="comma-separated import sizes (all is added)")
    parser.add_argument("--seed", type=int, default=0, help="random order seed")
    parser.add_argument("--weight", type=int, default=HUMAN_WEIGHT, help="human label weight to try")
    parser.add_argument("--design", default=SHIPPED_DESIGN, choices=sorted(DESIGNS), help="retrain design")
    parser.add_argument("--in-report", action="store_true", help="score passages in their documents")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    payload = run(sizes, args.seed, args.weight, args.design, args.in_report)
    name = "learning_curve" if args.weight == HUMAN_WEIGHT else f"learning_curve_w{args.weight}"
    if args.design != SHIPPED_DESIGN:
        name += "_" + args.design.replace("+", "_").replace("-", "_")
    if args.in_report:
        name += "_in_report"
    path = write_results(name, payload)
    sizes = payload["pool_sizes"]
    print(f"\n{payload['dev_size']} real passages, each predicted by the model of the fold that held it out; "
          f"import pools of {min(sizes)}-{max(sizes)} passages ('all')")
    print(table(payload))
    print()
    print(chart(payload))
    low, high = payload["gain_95ci"]
    print(f"\nseed model {payload['baseline_macro_f1']:.3f} -> all pool labels "
          f"{payload['all_imported_macro_f1']:.3f} (gain {payload['gain']:+.3f}, "
          f"95% CI [{low:+.3f}, {high:+.3f}]) -> {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
