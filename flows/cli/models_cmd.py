"""`citsec models list | promote VERSION | evaluate [--gold FILE]`: the classifier registry."""

from __future__ import annotations

import enum
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    UserError,
    app,
    err_console,
    out_console,
    passages_bar,
)
from flows.settings import Settings

if TYPE_CHECKING:
    from corpus import Corpus
    from extractors.tagging.evaluation import Report as TaggingReport
    from models.retrain import Example

models_app = typer.Typer(
    help="The strategy classifier's versions: list them, promote one, evaluate one against gold labels.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")

LIST_COLUMNS = (
    "version", "created_at", "algorithm", "training_size", "cv_macro_f1",
    "holdout_macro_f1", "holdout_examples", "promoted", "artifact", "thresholds", "holdout_judged_macro_f1",
)


def _store_if_present(db_url: str) -> Corpus | None:
    from flows.cli.tag_cmd import _store_if_present as store_if_present

    return store_if_present(db_url)


def model_rows(corpus: Corpus | None, seed_version: str) -> list[dict[str, Any]]:
    """The store's versions, newest first, then the built-in seed model when the store lacks it.

    cv_macro_f1 is cross-validation on the version's own training set; holdout_macro_f1 is the score on
    the team's held-out human labels that `citsec retrain` judged it by (None for a version no retrain
    judged: the seed model, an import), with how many passages that was."""
    rows: list[dict[str, Any]] = []
    for r in corpus.model_versions() if corpus is not None else []:
        rows.append({
            "version": r.version,
            "created_at": r.created_at.isoformat(timespec="seconds") if r.created_at else None,
            "algorithm": r.algorithm,
            "training_size": r.training_size,
            "cv_macro_f1": r.metrics.get("cv_macro_f1"),
            "holdout_macro_f1": r.metrics.get("holdout_macro_f1"),
            "holdout_examples": r.metrics.get("holdout_examples"),
            "promoted": r.promoted,
            "artifact": "stored" if r.has_artifact else ("built-in" if r.version == seed_version else "none"),
            # A label is a passage's score (read in its report) at or above its threshold, unless the passage
            # is one the model never labels (a reference list, a table, no word of security).
            "thresholds": r.metrics.get("thresholds"),
            # What `retrain --promote auto` compared: the held-out macro-F1 with a label no held-out passage
            # carries scored by the passages left unclaimed (models.evaluation.Evaluation.judged_scores).
            "holdout_judged_macro_f1": r.metrics.get("holdout_judged_macro_f1"),
        })
    if not any(row["version"] == seed_version for row in rows):
        rows.append({
            "version": seed_version, "created_at": None, "algorithm": "built-in seed model",
            "training_size": None, "cv_macro_f1": None, "holdout_macro_f1": None, "holdout_examples": None,
            "promoted": False, "artifact": "built-in", "thresholds": None, "holdout_judged_macro_f1": None,
        })
    return rows


@models_app.command("list")
def list_command(
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List model versions: the store's registry plus the built-in seed model.

    Example: citsec models list --format json
    """
    from flows.cli.output import emit
    from models.seed_version import builtin_seed_version  # not models.registry: it imports scikit-learn

    corpus = _store_if_present(db)
    try:
        rows = model_rows(corpus, builtin_seed_version())
    finally:
        if corpus is not None:
            corpus.close()
    if fmt is OutputFormat.table:  # one held-out cell, its size beside the score: "0.651 (27)"
        rows = [{**row, "holdout_macro_f1": _score_on(row["holdout_macro_f1"], row["holdout_examples"])}
                for row in rows]
        hidden = ("holdout_examples", "thresholds", "holdout_judged_macro_f1")  # json and csv give them
        shown = [c for c in LIST_COLUMNS if c not in hidden]
        emit(rows, fmt, LIST_COLUMNS, table_columns=shown, title="model versions")
    else:
        emit(rows, fmt, LIST_COLUMNS, title="model versions")


def _score_on(score: float | None, size: int | None) -> str | None:
    return None if score is None else f"{score:.3f} ({size})"


@models_app.command("promote")
def promote_command(
    version: Annotated[str, typer.Argument(help="A version from `citsec models list`, or 'seed'.")],
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Make VERSION the model whose predictions label the store's passages.

    Passages the model has not classified yet (stored after it was last promoted, or it never was) are
    classified first, each read in its report, so every passage switches at once; all of them when its
    predictions were made by an older citsec's labeling rules.

    Example: citsec models promote m-20250101120000-1a2b3c4d
    """
    from corpus import Corpus
    from corpus.errors import PromotedMeanwhile
    from models.reclassify import reclassify
    from models.registry import SEED_ALIAS, builtin_seed_version, load_model, register_seed_model, seed_model
    from models.topic import older_label_rules

    cache_dir = Settings.from_env().cache_dir
    with Corpus.open(db, must_exist=True) as corpus:
        row = corpus.model_version(version) if version != SEED_ALIAS else None
        if version in (SEED_ALIAS, builtin_seed_version()) and (row is None or not row.has_artifact):
            # The built-in model enters the registry (artifact and metrics) when first promoted.
            model = seed_model(cache_dir)
            register_seed_model(corpus, model)
        elif row is None:
            raise UserError(f"unknown model version {version!r} (see `citsec models list`)")
        elif not row.has_artifact:
            raise UserError(f"model {version} has no stored artifact; it cannot label passages")
        else:
            model = load_model(corpus, version, cache_dir)
        # Its stored predictions were made by older labeling rules: it labels every passage again.
        older = older_label_rules(corpus, model.version)
        current = corpus.promoted_model()
        already = current is not None and current.version == model.version
        # Every passage when older rules made its predictions; else only those it has not seen (not counted
        # beforehand: the bar counts without an end).
        with passages_bar("classify", corpus.count_passages() if older is not None else None) as advance:
            classified = reclassify(corpus, model, missing_only=older is None, progress=advance)
        try:  # a colleague's promotion while this one classified is not overridden unseen
            corpus.promote(model.version, judged_against=current.version if current else None)
        except PromotedMeanwhile as exc:
            raise UserError(
                f"{exc.version} was promoted while this command ran, so {model.version} was not; run "
                f"`citsec models promote {version}` again to promote it over {exc.version}"
            ) from None
    if older is not None:
        done = f"; re-classified all {classified} passages: its labels were by older labeling rules ({older})"
    else:
        done = f"; classified {classified} passages it had not seen" if classified else ""
    said = f"{model.version} is the promoted model already" if already else f"promoted {model.version}"
    out_console.print(f"{said}{done}", highlight=False, soft_wrap=True)


def _store_gold(db_url: str) -> tuple[list[Example], dict[int, list[str]]]:
    """The store's human labels as gold examples, with the texts of the reports their passages are in."""
    from models.retrain import report_texts, store_examples

    corpus = _store_if_present(db_url)
    if corpus is None:
        examples, reports = [], {}
    else:
        with corpus:
            examples = store_examples(corpus)
            reports = report_texts(corpus, examples)
    if not examples:
        raise UserError("no gold labels: pass --gold FILE (JSON lines {\"text\", \"labels\", \"lang\"?}) "
                        "or label passages first (citsec label ...)")
    return examples, reports


_GOLD_HELP = (
    "Gold JSON lines {\"text\", \"labels\", \"lang\"?, \"countries\"?, \"programs\"?} (default: the store's "
    "human labels); countries and programs, where given, score the tagger too."
)
_MODEL_HELP = "Model version (default: the promoted model, else the built-in seed model)."
_STORE_GOLD = (
    "the store's human labels, each stored passage read in its report "
    "(the model may have been trained on them)"
)


class EvaluationFormat(enum.StrEnum):
    """The figures are one table, or one JSON object (on one line: it is a JSON-lines record too)."""

    table = "table"
    json = "json"
    jsonl = "jsonl"


@models_app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path | None, typer.Option("--gold", help=_GOLD_HELP)] = None,
    model_version: Annotated[str | None, typer.Option("--model", help=_MODEL_HELP)] = None,
    db: DbOption = None,  # type: ignore[assignment]
    fmt: Annotated[
        EvaluationFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = EvaluationFormat.table,
) -> None:
    """Per-label precision, recall and F1, macro-F1 and per-language macro-F1 against gold labels; and the
    tagger's precision, recall and F1 for countries and programs, per language, where a gold file gives them.

    Example: citsec models evaluate --gold gold.jsonl --format json
    """
    from extractors.language import detect_language
    from models.evaluation import format_evaluation, read_gold
    from models.labels import LABELS
    from models.registry import load_model
    from models.retrain import Example, normalize_text, score

    reports: dict[int, list[str]] = {}
    if gold is not None:
        gold_set = read_gold(gold)
        examples = [
            Example(text, tuple(name for name, v in zip(LABELS, row, strict=True) if v), lang, "gold")
            for text, row, lang in zip(gold_set.texts, gold_set.y, gold_set.langs, strict=True)
        ]
    else:  # the store's labels: each stored passage read in its report, as the store scores it
        examples, reports = _store_gold(db)
    examples = [e if e.lang else replace(e, lang=detect_language(e.text)) for e in examples]
    corpus = _store_if_present(db)
    seen = 0
    try:
        model = load_model(corpus, model_version, cache_dir=Settings.from_env().cache_dir)
        if gold is not None and corpus is not None and not model.version.startswith("seed-"):
            # The same text counts as retraining counts it: spacing and case aside (models.retrain).
            labeled = {normalize_text(e.text or "") for e in corpus.labeled_examples()}
            seen = sum(normalize_text(e.text) in labeled for e in examples)
    finally:
        if corpus is not None:
            corpus.close()
    if seen:
        err_console.print(
            f"note: {seen} of the {len(examples)} gold passages carry human labels in this store, so "
            f"model {model.version} may have been trained on them: its figures on them are optimistic",
            highlight=False, soft_wrap=True,
        )
    result = score(model.estimator, examples, reports)
    assert result is not None  # read_gold and _store_gold refuse an empty gold set
    source = str(gold) if gold is not None else _STORE_GOLD
    # A gold file that gives passages' countries and programs scores the tagger on them too.
    tagging = _tagging_report(gold_set.tags, examples) if gold is not None and gold_set.tags else None
    if fmt is not EvaluationFormat.table:
        figures = {"model": model.version, "gold": source, **result.to_json()}
        if tagging is not None:
            figures["tagging"] = {"passages": len(gold_set.tags), **tagging.figures()}
        print(json.dumps(figures, ensure_ascii=False))
    else:
        alone = " (each passage read on its own)" if gold is not None else ""
        print(format_evaluation(result, f"model {model.version} on {source}{alone}"))
        if tagging is not None:
            print(f"\ncountries and programs (the tagger), on the {len(gold_set.tags)} passages giving them")
            print("\n".join(tagging.table()))


def _tagging_report(tags: dict[int, dict[str, list[str]]], examples: list[Any]) -> TaggingReport:
    """The tagger's countries and programs against a gold file's (extractors.tagging.evaluation): the
    passages that give them, each in its language (given, else detected, as for the labels)."""
    from extractors.tagging import Tagger
    from extractors.tagging.evaluation import evaluate

    rows = [{"text": examples[i].text, "lang": examples[i].lang, **given} for i, given in tags.items()]
    return evaluate(rows, Tagger())
