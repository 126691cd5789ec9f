"""Scoring predictions against gold labels: per-label precision/recall/F1, macro-F1, per-language macro-F1."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import ModelError
from models.labels import LABELS, labels_to_matrix


@dataclass(frozen=True)
class GoldSet:
    """Gold passages: texts, their 0/1 label matrix (n, 3) and languages (None when not given), and the
    countries and programs of the passages that give them (index -> {"countries"?, "programs"?}: ISO codes
    and programs' surface forms, as DESIGN.md's gold files hold them), to score the tagger on."""

    texts: list[str]
    y: np.ndarray
    langs: list[str | None]
    tags: dict[int, dict[str, list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Evaluation:
    """Scores for one model on one gold set."""

    n: int
    per_label: dict[str, LabelScore]
    macro_f1: float
    per_language: dict[str, dict[str, Any]]  # lang -> {"n", "macro_f1", "labels_present", "macro_f1_present"}

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "per_label": {label: asdict(score) for label, score in self.per_label.items()},
            "macro_f1": self.macro_f1,
            "per_language": self.per_language,
        }

    def judged_scores(self) -> dict[str, float]:
        """Each label's score for judging one model against another on a few labeled passages: its F1
        where a passage carries the label; where none does, F1 can only say 1.0 (never claimed) or 0.0
        (claimed once or more), so one passage would move macro-F1 by a third: there, the share of the
        passages the label was not claimed on (19 of 20: 0.95)."""
        return {
            label: score.f1 if score.support else round(1 - score.predicted / max(self.n, 1), 4)
            for label, score in self.per_label.items()
        }

    @property
    def judged_macro_f1(self) -> float:
        """The mean of judged_scores: what `retrain --promote auto` compares."""
        return round(float(np.mean(list(self.judged_scores().values()))), 4)


def read_gold(path: Path) -> GoldSet:
    """Gold JSON lines {"text", "labels", "lang"?, "countries"?, "programs"?}; a malformed line raises
    ModelError naming it."""
    texts: list[str] = []
    label_lists: list[list[str]] = []
    langs: list[str | None] = []
    tags: dict[int, dict[str, list[str]]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ModelError(f"cannot read gold file {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path.name}:{number}: not valid JSON ({exc.msg})") from None
        valid = isinstance(row, dict) and isinstance(row.get("text"), str)
        if not (valid and isinstance(row.get("labels"), list)):
            raise ModelError(f"{path.name}:{number}: expected an object with \"text\" and a \"labels\" list")
        given = {name: row[name] for name in ("countries", "programs") if row.get(name) is not None}
        for name, values in given.items():
            if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                raise ModelError(f"{path.name}:{number}: \"{name}\" must be a list of strings")
        if "countries" in given:  # ISO codes as the tagger gives them: "hn" is Honduras too
            given["countries"] = [code.strip().upper() for code in given["countries"]]
        if given:
            tags[len(texts)] = given
        texts.append(row["text"])
        label_lists.append(row["labels"])
        lang = row.get("lang")
        langs.append(lang if isinstance(lang, str) else None)
    if not texts:
        raise ModelError(f"gold file {path} holds no passages")
    try:
        y = labels_to_matrix(label_lists)
    except ModelError as exc:
        raise ModelError(f"{path.name}: {exc}") from None
    return GoldSet(texts, y, langs, tags)


def label_score(y_true: np.ndarray, y_pred: np.ndarray) -> LabelScore:
    """Binary precision, recall and F1. An empty denominator scores 1.0 when there was nothing to find and
    nothing was claimed (no error made), else 0.0; so a false alarm on an absent label costs F1."""
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    support, predicted = int(np.sum(y_true == 1)), int(np.sum(y_pred == 1))
    if support == 0 and predicted == 0:
        return LabelScore(1.0, 1.0, 1.0, 0, 0)
    precision = tp / predicted if predicted else 0.0
    recall = tp / support if support else 0.0
    f1 = 2 * tp / (support + predicted)
    return LabelScore(round(precision, 4), round(recall, 4), round(f1, 4), support, predicted)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean F1 over the three labels."""
    return round(float(np.mean([label_score(y_true[:, j], y_pred[:, j]).f1 for j in range(len(LABELS))])), 4)


def macro_f1_present(y_true: np.ndarray, y_pred: np.ndarray) -> float | None:
    """Mean F1 over the labels some gold passage carries (None when none does): macro_f1 without the
    labels whose F1 only says whether the model claimed them at all."""
    return _mean_over_present([label_score(y_true[:, j], y_pred[:, j]) for j in range(len(LABELS))])


def _mean_over_present(scores: Iterable[LabelScore]) -> float | None:
    f1s = [s.f1 for s in scores if s.support]
    return round(float(np.mean(f1s)), 4) if f1s else None


def evaluate(y_true: np.ndarray, y_pred: np.ndarray, langs: list[str | None]) -> Evaluation:
    """Scores of predicted 0/1 labels (n, 3) against gold, overall and per language."""
    per_label = {label: label_score(y_true[:, j], y_pred[:, j]) for j, label in enumerate(LABELS)}
    per_language: dict[str, dict[str, Any]] = {}
    for lang in sorted({lang or "unknown" for lang in langs}):
        rows = np.array([(other or "unknown") == lang for other in langs])
        per_language[lang] = {
            "n": int(rows.sum()),
            "macro_f1": macro_f1(y_true[rows], y_pred[rows]),
            "labels_present": int(y_true[rows].any(axis=0).sum()),
            "macro_f1_present": macro_f1_present(y_true[rows], y_pred[rows]),
        }
    return Evaluation(len(y_true), per_label, macro_f1(y_true, y_pred), per_language)


def format_evaluation(evaluation: Evaluation, title: str = "") -> str:
    """A plain-text table of an evaluation, for people. Every number sits under its header: a label's row
    fills the columns up to `pred` (passages the label is in, gold and predicted); a macro-F1 row (overall,
    then per language) has its score under `f1` and the number of passages it is computed on under
    `passages`."""
    macro = [("macro-F1", evaluation.macro_f1, evaluation.n)] + [
        (f"macro-F1 {lang}", by_lang["macro_f1"], int(by_lang["n"]))
        for lang, by_lang in evaluation.per_language.items()
    ]
    # Wide enough for the longest row name ("macro-F1 unknown" when a passage's language is not known).
    width = max(15, 2 + max(len(name) for name in [*evaluation.per_label, *(name for name, _, _ in macro)]))
    lines = [title] if title else []
    lines.append(f"{'label':<{width}}{'precision':>10}{'recall':>8}{'f1':>8}{'gold':>6}{'pred':>6}{'passages':>10}")
    for label, s in evaluation.per_label.items():
        lines.append(
            f"{label:<{width}}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.support:>6}{s.predicted:>6}"
        )
    for name, score, n in macro:
        lines.append(f"{name:<{width}}{'':>18}{score:>8.3f}{'':>12}{n:>10}")
    lines += _absent_label_notes(evaluation)
    return "\n".join(lines)


def _absent_label_notes(evaluation: Evaluation) -> list[str]:
    """A line per language (and overall) whose macro-F1 averages in labels no gold passage there carries:
    each such label scores 1.000 when the model never claims it, 0.000 once it does, which says little on a
    few passages; the line gives the mean over the labels present."""
    notes = []
    overall = sum(1 for s in evaluation.per_label.values() if s.support)
    scopes = [("", overall, evaluation.n, _mean_over_present(evaluation.per_label.values()))] + [
        (f" {lang}", int(v["labels_present"]), int(v["n"]), v["macro_f1_present"])
        for lang, v in evaluation.per_language.items()
    ]
    for scope, present, n, mean in scopes:
        if present == len(LABELS):
            continue
        absent = len(LABELS) - present
        passages, labels = f"passage{'s' * (n != 1)}", f"label{'s' * (absent > 1)}"
        where = f" in{scope}" if scope else ""
        notes.append(
            f"note: macro-F1{scope} ({n} {passages}) averages in {absent} {labels} that no gold "
            f"passage{where} carries, scored 1.000 when never predicted and 0.000 once predicted; "
            + ("no label is present" if mean is None else f"over the {present} present: {mean:.3f}")
        )
    return notes

