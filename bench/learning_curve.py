"""The learning curve: macro-F1 on real held-out passages as gold labels are imported and the model retrained.

../shared/gold/dev.jsonl is split once, deterministically (stratified by language and label set, by a
hash of each passage id), into an import pool and a held-out real split that is never imported. For
0, 25, 50, 100 (capped by the pool) and all pool labels, in random order and in `label queue` order
(the seed model's uncertainty ranking, spread over documents and languages), the labels are imported as
free texts into a fresh SQLite store and `retrain --promote always` runs exactly as the CLI runs it;
the promoted model is then scored on the held-out split. Writes bench/results/learning_curve.json.

    python -m bench.learning_curve [--sizes 0,25,50,100] [--seed 0] [--weight W] [--design NAME]

--weight tries another human-label weight (results go to learning_curve_w<W>.json); --design retrains with
another design of models.training.DESIGNS, as `citsec retrain --design NAME` does (results go to
learning_curve_<NAME>.json); --sizes "" runs only the all-labels point.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import SHARED, write_results
from corpus import Corpus
from flows.settings import Settings
from models.evaluation import evaluate
from models.labels import labels_to_matrix
from models.queue import Candidate, score_texts, spread
from models.registry import LoadedModel, seed_model
from models.retrain import HOLDOUT_SHARE, HUMAN_WEIGHT, RetrainConfig, retrain, retrain_design
from models.training import DESIGNS, SHIPPED_DESIGN

Row = dict[str, Any]


def read_dev(path: Path) -> list[Row]:
    if not path.is_file():
        raise SystemExit(f"gold passages not found at {path} (set CITSEC_SHARED_DIR)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_pool(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(pool, held-out): within each (language, label set) stratum, ordered by a hash of the id,
    alternate passages go to each side."""
    strata: dict[tuple[str, tuple[str, ...]], list[Row]] = defaultdict(list)
    for row in rows:
        strata[(row.get("lang") or "", tuple(sorted(row["labels"])))].append(row)
    pool: list[Row] = []
    held: list[Row] = []
    for key in sorted(strata):
        ordered = sorted(strata[key], key=lambda r: hashlib.sha256(str(r["id"]).encode()).hexdigest())
        for i, row in enumerate(ordered):
            (pool if i % 2 == 0 else held).append(row)
    return pool, held


def queue_order(pool: list[Row], model: LoadedModel) -> list[Row]:
    """The pool as `label queue` would offer it: least certain first, spread over documents and languages."""
    scored = score_texts(model, [r["text"] for r in pool], [r.get("lang") for r in pool])
    candidates = [
        Candidate(u, i, row.get("doc"), row.get("lang"), scores, labels, row)
        for i, (row, (u, scores, labels)) in enumerate(zip(pool, scored, strict=True))
    ]
    return [c.row for c in spread(candidates, len(pool))]


def macro_on(model: Any, rows: list[Row]) -> dict[str, Any]:
    y = labels_to_matrix([r["labels"] for r in rows])
    result = evaluate(y, model.predict([r["text"] for r in rows]), [r.get("lang") for r in rows])
    return {"macro_f1": result.macro_f1, "per_label": {k: v.f1 for k, v in result.per_label.items()}}


def retrain_on(imported: list[Row], held: list[Row], config: RetrainConfig, workdir: Path) -> dict[str, Any]:
    """Import `imported` into a fresh store, retrain --promote always, score the result on `held`."""
    db = workdir / f"lc-{len(imported)}-{time.monotonic_ns()}.db"
    started = time.perf_counter()
    with Corpus.open(f"sqlite:///{db}") as corpus:
        for row in imported:
            corpus.add_text_labels(row["text"], row["labels"], lang=row.get("lang"), origin="import")
        result = retrain(corpus, "always", config)
        from models.registry import load_model

        model = load_model(corpus, result.version)
    db.unlink(missing_ok=True)
    scores = macro_on(model.estimator, held)
    seconds = round(time.perf_counter() - started, 1)
    return {**scores, "version": result.version, "trained_on_human": result.human_examples,
            "held_out_of_imports": result.holdout_examples, "seconds": seconds}


def run(
    sizes: list[int], seed: int, weight: int = HUMAN_WEIGHT, design: str = SHIPPED_DESIGN
) -> dict[str, Any]:
    dev = read_dev(SHARED / "gold" / "dev.jsonl")
    pool, held = split_pool(dev)
    config = RetrainConfig(design=retrain_design(design), cache_dir=Settings.from_env().cache_dir,
                           human_weight=weight)
    base = seed_model(config.cache_dir)
    baseline = macro_on(base.estimator, held)
    print(f"dev: {len(dev)} passages -> pool {len(pool)}, held-out {len(held)}; "
          f"seed model {base.version}: held-out macro-F1 {baseline['macro_f1']:.3f}", flush=True)
    shuffled = list(pool)
    random.Random(seed).shuffle(shuffled)
    orders = {"random": shuffled, "queue": queue_order(pool, base)}
    points = sorted({min(n, len(pool)) for n in sizes} | {len(pool)})
    curves: dict[str, list[dict[str, Any]]] = {name: [] for name in orders}
    done_all: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in points:
            for name, order in orders.items():
                if n == 0:
                    point = {**baseline, "version": base.version, "trained_on_human": 0}
                elif n == len(pool) and done_all is not None:  # every label: the order no longer matters
                    point = done_all
                else:
                    point = retrain_on(order[:n], held, config, Path(tmp))
                    if n == len(pool):
                        done_all = point
                curves[name].append({"imported": n, **point})
                print(f"{name:>7} {n:>4} imported: held-out macro-F1 {point['macro_f1']:.3f}", flush=True)
    final = curves["random"][-1]["macro_f1"]
    return {
        "dev_size": len(dev), "pool_size": len(pool), "held_out_size": len(held),
        "human_weight": weight, "design": design, "retrain_holdout_share": HOLDOUT_SHARE,
        "seed_model": base.version,
        "baseline_macro_f1": baseline["macro_f1"], "all_imported_macro_f1": final,
        "gain": round(final - baseline["macro_f1"], 4), "curves": curves,
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
    args = parser.parse_args()
    payload = run([int(s) for s in args.sizes.split(",") if s], args.seed, args.weight, args.design)
    name = "learning_curve" if args.weight == HUMAN_WEIGHT else f"learning_curve_w{args.weight}"
    if args.design != SHIPPED_DESIGN:
        name += "_" + args.design.replace("+", "_").replace("-", "_")
    path = write_results(name, payload)
    print(f"\nheld-out real passages: {payload['held_out_size']} (never imported); "
          f"pool: {payload['pool_size']}")
    print(table(payload))
    print()
    print(chart(payload))
    print(f"\nseed model {payload['baseline_macro_f1']:.3f} -> all pool labels "
          f"{payload['all_imported_macro_f1']:.3f} (gain {payload['gain']:+.3f}) -> {path}")


if __name__ == "__main__":
    main()
