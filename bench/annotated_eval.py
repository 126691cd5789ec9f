"""The seed model on real passages citsec's own annotators labeled: a yardstick beyond the gold set.

The gold set (../shared/gold/dev.jsonl) has 4 Portuguese passages with one label between them, so its
Portuguese figure is 0.667 or 1.000 on one passage, and its report passages are few and chosen for what
they discuss. `bench/annotations/*.jsonl` hold labels two annotators
working for citsec gave, each without seeing the other's or any model's, to passages of
../shared/gold/unlabeled_passages.jsonl, following DESIGN.md's taxonomy and the gold set's convention:
one line per passage, `{"id", "a", "b", "note_a", "note_b"}` (labels of annotator a and b, and why in a few
words). The files hold no text of ../shared: the script reads it there by id. `ipea_td2267_pt.jsonl`: the 71
passages of the IPEA report (Portuguese); `reports_en_es.jsonl`: 116 passages drawn from the 24 English
and Spanish PDF reports (--draw, below), each annotator calibrated on the gold set first.

For each file the script prints how often the annotators agree, then the seed model's per-label precision,
recall and F1 against each annotator, with each passage alone (as `citsec tag` reads it) and read in its
document as ingest stores it (bench.context_eval: citsec's own extraction of the PDF, reference lists and
passages that never speak of security left unlabeled). A label neither the annotators nor the model give
scores F1 1.000 (models.evaluation): the script also prints the macro-F1 over the labels the annotators
or the model gave, the figure to read. Passages that are in the gold set too are left out.

    python -m bench.annotated_eval [--extra-seed DIR]
    python -m bench.annotated_eval --draw 5 [--langs en,es]   # a sample to annotate, as JSON lines

--draw N prints up to N passages of each PDF report (of the languages `--langs` names) drawn at random,
none of the gold set: how `reports_en_es.jsonl`'s 116 passages were drawn (`--draw 5 --langs en,es`).

--extra-seed DIR scores a seed model trained on the shipped seed set plus the *.jsonl files in DIR (as
bench.context_eval's option does) instead of the built-in one.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import REPO, SHARED, write_results
from bench.context_eval import documents, left_unlabeled, stored_decisions, training_seed
from models.evaluation import evaluate, format_evaluation
from models.labels import LABELS, labels_to_matrix

ANNOTATIONS = REPO / "bench" / "annotations"


def gold_ids() -> set[str]:
    """The ids of the gold set's passages (some are in unlabeled_passages.jsonl too)."""
    with (SHARED / "gold" / "dev.jsonl").open(encoding="utf-8") as rows:
        return {json.loads(row)["id"] for row in rows if row.strip()}


def annotated(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The annotation lines of `path` and, in the same order, their passages' rows from ../shared; lines
    for passages of the gold set are left out (the gold set scores those, and the annotators calibrated on
    it saw their labels)."""
    gold = gold_ids()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if line["id"] not in gold]
    wanted = {line["id"] for line in lines}
    found: dict[str, dict[str, Any]] = {}
    with (SHARED / "gold" / "unlabeled_passages.jsonl").open(encoding="utf-8") as passages:
        for text in passages:
            row = json.loads(text)
            if row["id"] in wanted:
                found[row["id"]] = row
    missing = sorted(wanted - set(found))
    if missing:
        raise SystemExit(f"{path.name}: passages not in {SHARED / 'gold'}: {', '.join(missing[:5])}")
    return lines, [found[line["id"]] for line in lines]


def draw(per_document: int, langs: set[str], seed: int = 2026) -> list[dict[str, Any]]:
    """Up to `per_document` passages of each PDF report in unlabeled_passages.jsonl whose language is one
    of `langs`, drawn at random (`seed`), none of the gold set: a sample for annotators that spreads over
    reports as an analyst's reading does (a random draw of passages would be half Chilean programmes)."""
    gold = gold_ids()
    by_document: dict[str, list[dict[str, Any]]] = {}
    with (SHARED / "gold" / "unlabeled_passages.jsonl").open(encoding="utf-8") as passages:
        for text in passages:
            row = json.loads(text)
            if row["source"] == "pdf" and row["lang"] in langs and row["id"] not in gold:
                by_document.setdefault(row["doc"], []).append(row)
    rng = random.Random(seed)
    drawn = [
        row for doc in sorted(by_document)
        for row in rng.sample(by_document[doc], min(per_document, len(by_document[doc])))
    ]  # fmt: skip
    return drawn


def given_macro_f1(y: np.ndarray, decided: np.ndarray, langs: list[str | None]) -> float:
    """Macro-F1 over the labels the annotator or the model gave at least once (a label neither gave scores
    1.000 and says nothing)."""
    scores = evaluate(y, decided, langs).per_label
    given = [scores[label].f1 for j, label in enumerate(LABELS) if y[:, j].any() or decided[:, j].any()]
    return float(np.mean(given)) if given else float("nan")


def run(extra: Path | None = None) -> dict[str, Any]:
    if extra is None:
        from models.registry import seed_model

        estimator = seed_model().estimator
    else:
        from models.training import SHIPPED_DESIGN, make_classifier

        seed = training_seed(extra)
        estimator = make_classifier(SHIPPED_DESIGN).fit(seed.texts, seed.y)
    results: dict[str, Any] = {
        "benchmark": "annotated_eval", "extra_seed": None if extra is None else str(extra), "files": {},
    }
    for path in sorted(ANNOTATIONS.glob("*.jsonl")):
        lines, rows = annotated(path)
        ys = {who: labels_to_matrix([line[who] for line in lines]) for who in ("a", "b")}
        langs: list[str | None] = [row["lang"] for row in rows]
        docs = documents(rows)
        marked = left_unlabeled(rows, docs)
        ways = {
            "alone": stored_decisions(estimator, rows, None),
            "in its report": stored_decisions(estimator, rows, docs, marked),
        }
        same = sum(a == b for a, b in zip(ys["a"].tolist(), ys["b"].tolist(), strict=True))
        print(f"{path.name}: {len(rows)} passages; annotators a and b give the same labels to {same}")
        for who, y in ys.items():
            counts = ", ".join(f"{label} {int(y[:, j].sum())}" for j, label in enumerate(LABELS))
            print(f"annotator {who}: {counts}, none {int((y.sum(axis=1) == 0).sum())}")
        file_results: dict[str, Any] = {"passages": len(rows), "annotators_agree": same}
        for way, decided in ways.items():
            for who, y in ys.items():
                evaluation = evaluate(y, decided, langs)
                given = given_macro_f1(y, decided, langs)
                print()
                print(format_evaluation(evaluation, f"{way}, against annotator {who}"))
                print(f"{'macro-F1 over the labels given':<36}{given:.3f}")  # by annotator or model
                file_results[f"{way} / {who}"] = {**evaluation.to_json(), "macro_f1_given_labels": given}
        disagree = [
            {"id": row["id"], "model": [LABELS[j] for j in np.flatnonzero(ways["in its report"][i])],
             "a": lines[i]["a"], "b": lines[i]["b"]}
            for i, row in enumerate(rows)
            if ways["in its report"][i].tolist() != ys["a"][i].tolist()
            or ways["in its report"][i].tolist() != ys["b"][i].tolist()
        ]  # fmt: skip
        print(f"\nin its report, the model differs from an annotator on {len(disagree)} passages:")
        for d in disagree:
            said = (", ".join(d[who]) or "none" for who in ("model", "a", "b"))
            print("  {}  model {}  a {}  b {}".format(d["id"], *said))
        file_results["differences"] = disagree
        results["files"][path.name] = file_results
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--extra-seed", type=Path, default=None,
        help="train on the shipped seed set plus the *.jsonl files in this folder",
    )
    parser.add_argument("--draw", type=int, metavar="N", help="print a sample to annotate: N per report")
    parser.add_argument("--langs", default="en,es", help="the languages --draw takes (default: en,es)")
    args = parser.parse_args(argv)
    if args.draw is not None:
        for row in draw(args.draw, set(args.langs.split(","))):
            print(json.dumps({key: row[key] for key in ("id", "doc", "lang", "text")}, ensure_ascii=False))
        return
    results = run(args.extra_seed)
    name = "annotated_eval" if args.extra_seed is None else f"annotated_eval_extra_{args.extra_seed.name}"
    print(f"-> {write_results(name, results)}")


if __name__ == "__main__":
    main()
