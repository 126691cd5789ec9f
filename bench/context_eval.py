"""Reading a passage in its report: the seed model on the gold passages, alone and in their documents.

Every gold passage comes from a document in ../shared: an InSight Crime article, an op-ed (Spanish and
English), or a PDF report. This script rebuilds each document as citsec would store it (the article or
op-ed text, or the PDF, through citsec's own extraction into passages), scores the document's passages
with the seed model, and blends each gold passage's scores with its document's (models.context). The
thresholds stay those the model chose by cross-validation on the seed set.

Because the blend's weight and quantile were chosen on these same passages, the script also scores the
*choice* honestly: nested 5-fold cross-validation by document, where the weight and aggregate are picked
on four folds (from the grid below) and applied to the fifth. It prints the grid, the shipped setting with
a paired-bootstrap 95% interval of its gain over reading passages alone, and the nested figure.

    python -m bench.context_eval [--design NAME] [--fold-seeds N]

--fold-seeds N refits the design with N different CV fold draws for its thresholds and prints macro-F1
alone and in context for each (results go to context_eval_fold_seeds.json).

--extra-seed DIR trains on the shipped seed set plus the *.jsonl files in DIR (same format): how a
candidate batch of seed passages would move the figures before it joins models/seed/
(bench/seed_candidates/ holds batches that were written, measured and not adopted).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from bench.classifier_eval import paired_bootstrap
from bench.common import FOLDS, REPORTS, SHARED, fold_of, write_results
from models.classifier import StrategyClassifier
from models.context import CONTEXT_QUANTILE, CONTEXT_WEIGHT, blend, report_context, with_contexts
from models.evaluation import GoldSet, evaluate, format_evaluation, macro_f1, read_gold
from models.labels import labels_to_matrix
from models.seed_data import SeedSet, load_seed
from models.topic import off_topic
from models.training import SHIPPED_DESIGN, make_classifier

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
AGGREGATES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "mean": lambda p: p.mean(axis=0),
    "q75": lambda p: np.quantile(p, 0.75, axis=0),
    "max": lambda p: p.max(axis=0),
}


class Documents(NamedTuple):
    """The gold passages' documents as citsec reads them, by (doc, lang): `passages`, the passages their
    report context is made of; `references`, a PDF's reference-list passages (ingest stores them unlabeled
    and they lend no context)."""

    passages: dict[tuple[str, str], list[str]]
    references: dict[tuple[str, str], list[str]]


# A gold passage lies in a reference list when this share of its words is in one reference-list passage.
REFERENCE_COVER = 0.9


def _pdf_passages(name: str) -> tuple[list[str], list[str]]:
    """A PDF's passages as ingest reads it: those that make its report context, and its reference list."""
    from extractors import extract_path
    from models.labels import UNLABELED_KINDS

    passages = extract_path(REPORTS / name).passages
    return (
        [p.text for p in passages if p.kind not in UNLABELED_KINDS],
        [p.text for p in passages if p.kind in UNLABELED_KINDS],
    )


def _text_passages(text: str) -> list[str]:
    from extractors import extract_bytes

    return [p.text for p in extract_bytes(text.encode("utf-8"), "document.txt").passages]


def documents(rows: list[dict[str, Any]]) -> Documents:
    """The documents of `rows` as citsec extracts them."""
    wanted = {r["doc"] for r in rows}
    texts: dict[tuple[str, str], str] = {}
    with (SHARED / "articles" / "insightcrime_articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            if article["id"] in wanted:
                texts[(article["id"], "en")] = article["text"]
    sentences: dict[tuple[str, str], list[str]] = defaultdict(list)
    with (SHARED / "articles" / "opeds_es_en_sentences.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            s = json.loads(line)
            if s["doc"] in wanted:
                for lang in ("en", "es"):
                    sentences[(s["doc"], lang)].append(s[lang])
    texts.update((key, " ".join(parts)) for key, parts in sentences.items())
    needed = {(r["doc"], r["lang"]) for r in rows}
    pdfs = sorted({doc for doc, _ in needed if doc.endswith(".pdf")})
    missing = sorted(f"{doc} ({lang})" for doc, lang in needed - set(texts) if not doc.endswith(".pdf"))
    if missing:
        raise SystemExit(f"gold passages' documents not in {SHARED / 'articles'}: {', '.join(missing)}")
    out: dict[tuple[str, str], list[str]] = {}
    references: dict[tuple[str, str], list[str]] = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        for doc, (passages, listed) in zip(pdfs, pool.map(_pdf_passages, pdfs), strict=True):
            for key in [(d, lang) for d, lang in needed if d == doc]:
                out[key], references[key] = passages, listed
        keys = sorted(k for k in needed if not k[0].endswith(".pdf"))
        for key, passages in zip(keys, pool.map(_text_passages, [texts[k] for k in keys]), strict=True):
            out[key] = passages
    return Documents(out, references)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in text.split()}


def in_reference_lists(rows: list[dict[str, Any]], docs: Documents) -> np.ndarray:
    """(n,) True for a gold passage that lies in its PDF's reference list as citsec reads it (nearly all its
    words in one reference-list passage): ingest stores such a passage unlabeled, whatever its scores."""
    marked = []
    for row in rows:
        words = _words(row["text"])
        listed = docs.references.get((row["doc"], row["lang"]), [])
        marked.append(any(len(words & _words(p)) >= REFERENCE_COVER * len(words) for p in listed))
    return np.array(marked, dtype=bool)


def left_unlabeled(rows: list[dict[str, Any]], docs: Documents | None) -> np.ndarray:
    """(n,) True for a gold passage citsec gives no label whatever its scores: one that never speaks of
    security (models.topic), or, read in its document (`docs`), one in its PDF's reference list."""
    off = np.array(off_topic([r["text"] for r in rows]), dtype=bool)
    return off if docs is None else off | in_reference_lists(rows, docs)


def as_ingest_stores(decisions: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """0/1 decisions with the `marked` passages (left_unlabeled) given no label, as ingest leaves them."""
    out = decisions.copy()
    out[marked] = 0
    return out


def scores(estimator: StrategyClassifier, rows: list[dict[str, Any]], docs: Documents | None) -> np.ndarray:
    """(n, labels) a model's scores for gold `rows`: each passage on its own, or, with `docs`, read in its
    document as the store reads it (models.context)."""
    proba = estimator.predict_proba([r["text"] for r in rows])
    if docs is None:
        return np.asarray(proba)
    keys = [(r["doc"], r["lang"]) for r in rows]
    contexts = {key: report_context(estimator.predict_proba(docs.passages[key])) for key in set(keys)}
    return with_contexts(proba, keys, contexts)


def stored_decisions(
    estimator: StrategyClassifier, rows: list[dict[str, Any]], docs: Documents | None,
    marked: np.ndarray | None = None,
) -> np.ndarray:
    """A model's 0/1 decisions for gold `rows` as citsec stores them: alone, or read in their documents
    (`docs`), and none for the passages left_unlabeled marks (`marked`, computed when not given)."""
    decided = (scores(estimator, rows, docs) >= estimator.thresholds_).astype(np.int64)
    return as_ingest_stores(decided, left_unlabeled(rows, docs) if marked is None else marked)


def gold_set() -> tuple[list[dict[str, Any]], GoldSet, np.ndarray]:
    """The gold passages: their rows (with "doc"), as models.evaluation reads them, and their 0/1 labels."""
    gold_path = SHARED / "gold" / "dev.jsonl"
    if not gold_path.is_file():
        raise SystemExit(f"gold passages not found at {gold_path} (set CITSEC_SHARED_DIR)")
    rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows, read_gold(gold_path), labels_to_matrix([r["labels"] for r in rows])


def training_seed(extra: Path | None = None) -> SeedSet:
    """The shipped seed set, plus the passages of the *.jsonl files in `extra` (texts already in it are
    left out)."""
    seed = load_seed()
    if extra is None:
        return seed
    known = {p.text for p in seed.passages}
    added = tuple(p for p in load_seed(extra).passages if p.text not in known)
    return SeedSet(passages=seed.passages + added, digest=seed.digest)


def run(design: str, extra: Path | None = None) -> dict[str, Any]:
    rows, gold, y = gold_set()
    seed = training_seed(extra)
    model = make_classifier(design).fit(seed.texts, seed.y)
    thresholds = model.thresholds_
    own = model.predict_proba(gold.texts)
    docs = documents(rows)
    off_topic_rows = left_unlabeled(rows, None)  # unlabeled however read
    listed = in_reference_lists(rows, docs)
    marked = off_topic_rows | listed  # left_unlabeled(rows, docs), each part computed once
    doc_proba = {key: model.predict_proba(passages) for key, passages in docs.passages.items()}
    context_of = {
        name: np.array([agg(doc_proba[(r["doc"], r["lang"])]) for r in rows])
        for name, agg in AGGREGATES.items()
    }

    def decide(name: str, weight: float) -> np.ndarray:
        """As ingest stores the passages, blended with `weight` of their report's `name` aggregate."""
        return as_ingest_stores((blend(own, context_of[name], weight) >= thresholds).astype(int), marked)

    # As `citsec tag` reads a passage without its report: no context, no reference list.
    alone = as_ingest_stores((own >= thresholds).astype(int), off_topic_rows)
    grid = {f"{name}@{w}": macro_f1(y, decide(name, w)) for name in AGGREGATES for w in WEIGHTS}
    # What ingest does: models.context's own report context and weight.
    contexts = {key: report_context(proba) for key, proba in doc_proba.items()}
    keys = [(r["doc"], r["lang"]) for r in rows]
    shipped = as_ingest_stores((with_contexts(own, keys, contexts) >= thresholds).astype(int), marked)

    folds = np.array([fold_of(r) for r in rows])
    nested = np.zeros_like(alone)
    chosen = []
    for fold in range(FOLDS):
        train = folds != fold
        best = max(
            ((name, w) for name in AGGREGATES for w in WEIGHTS),
            key=lambda nw: (macro_f1(y[train], decide(*nw)[train]), -nw[1]),
        )
        chosen.append(f"{best[0]}@{best[1]}")
        nested[~train] = decide(*best)[~train]

    interval = paired_bootstrap(y, shipped, alone)
    results = {
        "design": design,
        "passages": len(rows),
        "documents": len(docs.passages),
        "document_passages": int(sum(len(p) for p in docs.passages.values())),
        "in_reference_lists": [r["id"] for r, m in zip(rows, listed, strict=True) if m],
        "off_topic": [r["id"] for r, off in zip(rows, off_topic_rows, strict=True) if off],
        "alone": evaluate(y, alone, gold.langs).to_json(),
        "in_context": evaluate(y, shipped, gold.langs).to_json(),
        "setting": {"weight": CONTEXT_WEIGHT, "quantile": CONTEXT_QUANTILE},
        "gain_ci95": interval,
        "grid_macro_f1": {k: round(v, 3) for k, v in grid.items()},
        "nested": evaluate(y, nested, gold.langs).to_json(),
        "nested_choices": chosen,
    }
    print(f"{len(rows)} gold passages in {len(docs.passages)} documents ({results['document_passages']} "
          f"passages); {int(listed.sum())} of them in a reference list as citsec reads its PDF, so ingest "
          "stores them unlabeled (every figure in a report below does the same); "
          f"{int(off_topic_rows.sum())} never speak of security, so citsec labels them nowhere")
    print("\nmacro-F1 by report aggregate and weight (0 = no blend):")
    print("aggregate " + "".join(f"{w:>7}" for w in WEIGHTS))
    for name in AGGREGATES:
        print(f"{name:<9} " + "".join(f"{grid[f'{name}@{w}']:>7.3f}" for w in WEIGHTS))
    print(format_evaluation(evaluate(y, alone, gold.langs), "\neach passage alone (as `citsec tag` does)"))
    print(format_evaluation(
        evaluate(y, shipped, gold.langs),
        f"\nin its report (quantile {CONTEXT_QUANTILE}, weight {CONTEXT_WEIGHT}; what ingest does)",
    ))
    low, high = interval
    print(f"gain {macro_f1(y, shipped) - macro_f1(y, alone):+.3f}, 95% CI [{low:+.3f}, {high:+.3f}]")
    print(format_evaluation(
        evaluate(y, nested, gold.langs),
        f"\nnested CV by document (setting chosen on 4 folds each time: {', '.join(chosen)})",
    ))
    return results


def fold_seed_spread(design: str, seeds: int, extra: Path | None = None) -> dict[str, Any]:
    """The same design with its thresholds chosen on `seeds` different CV fold draws (random_state 0, 1,
    ...): macro-F1 alone and in context for each, to show how much of one figure is the draw."""
    rows, _, y = gold_set()
    seed = training_seed(extra)
    print(f"{len(seed.passages)} seed passages")
    docs = documents(rows)
    alone_marked = left_unlabeled(rows, None)
    marked = alone_marked | in_reference_lists(rows, docs)
    per_seed = []
    print("fold seed  thresholds (prev, enf, trans)  alone  in context")
    for state in range(seeds):
        model = make_classifier(design).set_params(random_state=state).fit(seed.texts, seed.y)
        alone = macro_f1(y, stored_decisions(model, rows, None, alone_marked))
        read = macro_f1(y, stored_decisions(model, rows, docs, marked))
        per_seed.append({"seed": state, "thresholds": [round(float(t), 2) for t in model.thresholds_],
                         "alone": round(alone, 3), "in_context": round(read, 3)})
        print(f"{state:>9}  {str(per_seed[-1]['thresholds']):<30} {alone:.3f}  {read:.3f}", flush=True)
    alone_mean = float(np.mean([p["alone"] for p in per_seed]))
    context_mean = float(np.mean([p["in_context"] for p in per_seed]))
    print(f"mean: alone {alone_mean:.3f}, in context {context_mean:.3f}")
    return {"design": design, "per_seed": per_seed, "alone_mean": round(alone_mean, 3),
            "in_context_mean": round(context_mean, 3)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--design", default=SHIPPED_DESIGN)
    parser.add_argument(
        "--fold-seeds", type=int, default=0,
        help="instead: refit with this many CV fold seeds (0, 1, ...) and print each one's figures",
    )
    parser.add_argument(
        "--extra-seed", type=Path, default=None,
        help="also train on the *.jsonl seed files in this folder (a candidate batch)",
    )
    args = parser.parse_args(argv)
    suffix = "" if args.design == SHIPPED_DESIGN else "_" + args.design.replace("+", "_").replace("-", "_")
    if args.extra_seed is not None:
        suffix += "_extra_" + args.extra_seed.name
    if args.fold_seeds:
        spread = fold_seed_spread(args.design, args.fold_seeds, args.extra_seed)
        path = write_results(f"context_eval_fold_seeds{suffix}", spread)
        print(f"-> {path.relative_to(path.parents[2])}")
        return
    results = run(args.design, args.extra_seed)
    path = write_results(f"context_eval{suffix}", results)
    print(f"-> {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
