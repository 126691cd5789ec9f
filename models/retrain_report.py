"""How a retrain reads: the before/after table `citsec retrain` prints, and the held-out comparison the
registry keeps with a new version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.labels import LABELS

if TYPE_CHECKING:
    from models.evaluation import Evaluation
    from models.retrain import RetrainResult


def holdout_metrics(new: Evaluation | None, old: Evaluation | None, old_version: str) -> dict[str, Any]:
    """What the registry keeps about the held-out comparison."""
    return {
        "holdout_macro_f1": new.macro_f1 if new else None,
        # What `--promote auto` compared (Evaluation.judged_macro_f1): differs when a label is not held out.
        "holdout_judged_macro_f1": new.judged_macro_f1 if new else None,
        "holdout": new.to_json() if new else None,
        "holdout_previous": {"version": old_version, "macro_f1": old.macro_f1 if old else None,
                             "judged_macro_f1": old.judged_macro_f1 if old else None},
    }


def format_result(result: RetrainResult) -> str:
    """The before/after table: per-label F1 and macro-F1 on the held-out labels, old vs new model."""
    if result.reused and result.fitted:  # another retrain stored the same fit while this one trained
        trained = (f"trained {result.version}, which another retrain on the same examples and settings "
                   "stored meanwhile (no copy stored), on ")  # fmt: skip
    elif result.reused:
        trained = (f"took {result.version}, which the same training examples and settings trained before "
                   "(no new version stored; labels added since, if any, are held out): ")  # fmt: skip
    else:
        trained = f"trained {result.version} on "
    lines = [
        f"{trained}{result.seed_examples} seed + {result.human_examples} human "
        f"examples (human weight {result.human_weight}{'; features augmented' if result.augmented else ''}); "
        f"CV macro-F1 {result.cv_macro_f1:.3f}",
        f"held-out human labels: {result.holdout_examples}",
    ]
    old, new = result.old_holdout, result.new_holdout
    if old is not None and new is not None:
        # "held out" is how many held-out passages carry the label. A label none carries scores the share
        # of held-out passages not claimed for it (Evaluation.judged_scores): its F1 would be 1.000 or
        # 0.000 on one false alarm. The macro row is what `--promote auto` compares.
        before, after = old.judged_scores(), new.judged_scores()
        absent = [label for label in LABELS if not new.per_label[label].support]
        lines.append(f"{'':<15}{'before':>10}{'after':>10}{'change':>10}{'held out':>10}")
        for label in LABELS:
            a, b = before[label], after[label]
            name = f"{label}{' *' if label in absent else ''}"
            lines.append(f"{name:<15}{a:>10.3f}{b:>10.3f}{b - a:>+10.3f}{new.per_label[label].support:>10}")
        lines.append(
            f"{'macro-F1':<15}{old.judged_macro_f1:>10.3f}{new.judged_macro_f1:>10.3f}"
            f"{new.judged_macro_f1 - old.judged_macro_f1:>+10.3f}{new.n:>10}"
        )
        if absent:
            lines.append(f"* no held-out passage carries it: the share of the {new.n} held-out passages not "
                         "given it (F1 would be 1 or 0 on one false alarm)")
        lines.append(f"(before = {result.previous}, after = {result.version})")
    if result.reused and result.previous == result.version:
        lines.append(f"promoted already: {result.version} is the store's model")
    else:
        verdict = "promoted" if result.decision.promote else "not promoted"
        lines.append(f"{verdict}: {result.decision.reason}")
    lines.append(f"re-classified {result.reclassified} passages; promoted model: {result.promoted}")
    return "\n".join(lines)
