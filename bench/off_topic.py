"""What the off-topic rule (models.topic) does on the real reports: passages the seed model would label
though they never speak of security, per report.

Each real PDF in ../shared/reports is read as ingest reads it (citsec's extraction, reference lists
unlabeled) and scored by the seed model in its report. The script counts the passages the model's scores
would label, and how many of those have no security word (extractors.security_terms), which citsec now
leaves unlabeled; it writes a sample of them, with their text, to bench/results/ for a person to judge.

    python -m bench.off_topic [--sample N]
"""

from __future__ import annotations

import argparse
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import real_pdfs, write_results
from models.context import blend, report_contexts
from models.labels import UNLABELED_KINDS


def _read(path: Path) -> list[tuple[str, str]]:
    from extractors import extract_path

    return [(p.text, p.kind) for p in extract_path(path).passages]


def labeled_by_scores(model: Any, texts: list[str], kinds: list[str]) -> np.ndarray:
    """(n,) True where the model's scores, read in the report as ingest reads it but without the
    off-topic rule, pass a label's threshold (reference lists never do)."""
    own = model.estimator.predict_proba(texts)
    unlabeled = np.array([kind in UNLABELED_KINDS for kind in kinds])
    keys = [("unlabeled", 0) if off else 0 for off in unlabeled]
    proba = blend(own, report_contexts(own, keys))
    return (proba >= model.estimator.thresholds_).any(axis=1) & ~unlabeled


def run(sample: int) -> dict[str, Any]:
    from models.registry import seed_model
    from models.topic import off_topic

    model = seed_model()
    pdfs = real_pdfs()
    with ProcessPoolExecutor(max_workers=2) as pool:
        read = list(pool.map(_read, pdfs))
    per_report: list[dict[str, Any]] = []
    cleared: list[dict[str, Any]] = []
    for path, passages in zip(pdfs, read, strict=True):
        texts, kinds = [t for t, _ in passages], [k for _, k in passages]
        would = labeled_by_scores(model, texts, kinds)
        off = np.array(off_topic(texts), dtype=bool) & would
        stored = model.predict(texts, reports=[0] * len(texts), kinds=kinds)
        per_report.append({
            "report": path.name, "passages": len(texts), "labeled_by_scores": int(would.sum()),
            "of_them_off_topic": int(off.sum()), "labeled_as_stored": sum(1 for p in stored if p.labels),
        })
        cleared.extend({"report": path.name, "text": texts[i]} for i in np.flatnonzero(off))
    total = {key: sum(r[key] for r in per_report) for key in per_report[0] if key != "report"}
    print(f"{'report':<58}{'passages':>9}{'labeled':>9}{'off-topic':>10}{'stored':>8}")
    for r in sorted(per_report, key=lambda r: -r["of_them_off_topic"]):
        print(f"{r['report'][:57]:<58}{r['passages']:>9}{r['labeled_by_scores']:>9}"
              f"{r['of_them_off_topic']:>10}{r['labeled_as_stored']:>8}")
    print(f"{'all':<58}{total['passages']:>9}{total['labeled_by_scores']:>9}"
          f"{total['of_them_off_topic']:>10}{total['labeled_as_stored']:>8}")
    print("labeled: the seed model's scores pass a threshold; off-topic: of those, no security word; "
          "stored: labeled as citsec stores them (off-topic ones, tables and listings get none)")
    return {"model": model.version, "per_report": per_report, "total": total,
            "sample": random.Random(0).sample(cleared, min(sample, len(cleared)))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=60, help="off-topic passages to write out for judging")
    args = parser.parse_args(argv)
    path = write_results("off_topic", run(args.sample))
    print(f"-> {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
