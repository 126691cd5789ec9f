"""Retraining on the store's human labels: gather, weight, hold out, fit, compare, promote, re-classify.

Prefect-free (flows/retrain.py runs these steps as tasks), so a notebook or a test can run the job too.

Choices, and why:
- A passage's latest human label wins; the same text labeled twice (a stored passage and an imported
  free text, or two imports) counts once, with its latest label; a seed passage a person relabeled is
  replaced by the person's label.
- Human labels count HUMAN_WEIGHT (5) times a seed example: the seed set is hand-written and clean but
  not the team's own text, and a few hundred human labels on real passages should move the model, not
  drown in two thousand seed examples. The weight is applied by repeating the example (liblinear's loss is
  a sum over rows, so k copies = weight k), with grouped cross-validation so no copy leaks across folds.
- Feature augmentation (models.domain: seed and team examples share one copy of every feature and each
  has a copy of its own, so the model learns where the team's judgment departs from the seed set's) is an
  option (`augment`, `citsec retrain --augment`), not the default. It was the default while it measured
  best (bench/retrain_cv.py: 5-fold cross-validation by document over the 156 real gold passages, ~125
  labels imported per fold; seed model 0.715, plain repetition at weight 5 0.722, augmentation 0.740).
  With each of the four seed models since, plain repetition came out ahead in seven of eight comparisons
  (alone and read in documents); with seed-403cf71e by 0.010 alone (0.743 vs 0.733) and 0.026 in
  documents (0.767 vs 0.741; paired, no interval excludes zero). A likely reading, not a
  measured one: the gold labels follow the seed set's convention, and on such labels the augmentation's
  extra copies add noise rather than signal. Both were chosen on those gold passages: say so when quoting
  them.
- A fixed share of the human labels is held out, chosen by a hash of the text, never by chance: the
  same labels stay held out from one retrain to the next and are never trained on, so every model
  version is judged on labels none of them saw, and "not worse than the current model" is fair.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

from models.classifier import StrategyClassifier, f1_at
from models.context import report_context, with_contexts
from models.domain import SeedText
from models.errors import ModelError, NoLabels
from models.evaluation import Evaluation, evaluate
from models.labels import LABELS, UNLABELED_KINDS, labels_to_matrix
from models.reclassify import RECLASSIFY_BATCH, keep_restorable, reclassify
from models.registry import (
    FINGERPRINT,
    LoadedModel,
    load_model,
    register_model,
    seed_model,
    trained_before,
)
from models.retrain_report import holdout_metrics
from models.seed_data import SEED_DIR, load_seed
from models.seed_version import fingerprint_of
from models.topic import older_label_rules, unlabelable
from models.training import DESIGNS, SHIPPED_DESIGN, training_metrics

if TYPE_CHECKING:
    from corpus import Corpus, LabelRow, ModelVersionRow

log = logging.getLogger(__name__)

PromotePolicy = Literal["auto", "always", "never"]
PROMOTE_POLICIES: tuple[str, ...] = ("auto", "always", "never")
HUMAN_WEIGHT = 5
HOLDOUT_SHARE = 0.2
# Below this many human labels a hold-out share would leave nothing to learn from or nothing to judge on.
MIN_HOLDOUT_LABELS = 5
# `--promote auto` judges on at least this many held-out labels (about 100 labels in all at a 20 % share):
# on fewer, one passage moves a label's F1 by 0.1 or more, and "not worse" is mostly a draw.
MIN_JUDGED_LABELS = 20


@dataclass(frozen=True)
class Example:
    """One training or evaluation text with its labels; `origin` is "seed" or the label's origin."""

    text: str
    labels: tuple[str, ...]
    lang: str | None
    origin: str
    report_id: int | None = None  # the stored passage's report; None for seed and free-text examples
    kind: str | None = None  # the stored passage's kind (extractors.document.PASSAGE_KINDS); None for others


def retrain_design(name: str = SHIPPED_DESIGN, augment: bool = False) -> dict[str, Any]:
    """The named design of models.training.DESIGNS as retraining fits it: with the domain augmentation of
    models.domain when `augment`."""
    if name not in DESIGNS:
        raise ModelError(f"unknown design {name!r} (expected one of {', '.join(DESIGNS)})")
    return {**DESIGNS[name], "domain_adapt": augment}


@dataclass(frozen=True)
class RetrainConfig:
    """What a retrain uses: the design, the seed set, the human weight and the hold-out share."""

    design: dict[str, Any] = field(default_factory=retrain_design)
    seed_dir: Path = SEED_DIR
    cache_dir: Path | None = None
    human_weight: int = HUMAN_WEIGHT
    holdout_share: float = HOLDOUT_SHARE
    batch_size: int = RECLASSIFY_BATCH
    min_judged: int = MIN_JUDGED_LABELS

    @property
    def augmented(self) -> bool:
        """Whether the design adds the feature augmentation of models.domain (retrain --augment)."""
        return bool(self.design.get("domain_adapt", False))


def retrain_config(
    design: str | None = None, augment: bool = False, cache_dir: Path | None = None
) -> RetrainConfig:
    """What `citsec retrain [--design D] [--augment]` trains with (the shipped design by default)."""
    return RetrainConfig(design=retrain_design(design or SHIPPED_DESIGN, augment), cache_dir=cache_dir)


@dataclass(frozen=True)
class TrainingData:
    """Seed examples, the human labels trained on, and the human labels held out for judging."""

    seed: list[Example]
    human: list[Example]
    holdout: list[Example]
    # Every passage text of the reports that held-out passages come from: a held-out passage is judged
    # in its report, as the store would score it (models.context).
    holdout_reports: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str
    judged: bool = False  # promoted by comparison with the model promoted when the retrain began (auto)


@dataclass
class RetrainResult:
    """What one retrain did: the versions, the scores on held-out labels, the decision."""

    version: str
    previous: str
    seed_examples: int
    human_examples: int
    holdout_examples: int
    new_holdout: Evaluation | None
    old_holdout: Evaluation | None
    cv_macro_f1: float
    decision: Decision
    promoted: str = ""
    reclassified: int = 0
    human_weight: int = HUMAN_WEIGHT
    augmented: bool = False  # fitted with the feature augmentation of models.domain (retrain --augment)
    reused: bool = False  # `version` was trained before on the same examples and settings: none stored
    fitted: bool = True  # this retrain fitted the model (False: it took the version trained before)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "previous": self.previous,
            "seed_examples": self.seed_examples,
            "human_examples": self.human_examples,
            "holdout_examples": self.holdout_examples,
            "cv_macro_f1": self.cv_macro_f1,
            "holdout_new": _judged_json(self.new_holdout),
            "holdout_old": _judged_json(self.old_holdout),
            "promoted": self.decision.promote,
            "reason": self.decision.reason,
            "promoted_version": self.promoted,
            "reclassified": self.reclassified,
            "human_weight": self.human_weight,
            "augmented": self.augmented,
            "reused": self.reused,
        }


def _judged_json(evaluation: Evaluation | None) -> dict[str, Any] | None:
    """An evaluation on held-out labels with what `--promote auto` compares (Evaluation.judged_scores)."""
    if evaluation is None:
        return None
    return {**evaluation.to_json(), "judged_scores": evaluation.judged_scores(),
            "judged_macro_f1": evaluation.judged_macro_f1}


def normalize_text(text: str) -> str:
    """The form under which two texts count as the same example (whitespace and case folded)."""
    return " ".join(text.split()).casefold()


def holdout_key(text: str) -> float:
    """A number in [0, 1) fixed by the text alone: the deterministic hold-out draw."""
    digest = hashlib.sha256(normalize_text(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def human_examples(rows: Iterable[LabelRow]) -> list[Example]:
    """One example per distinct text: the latest label given to it (by label id) wins; an example from a
    stored passage keeps its report."""
    latest: dict[str, tuple[int, Example]] = {}
    for row in rows:
        if not row.text or not row.text.strip():
            continue
        key = normalize_text(row.text)
        example = Example(row.text, tuple(row.labels), row.lang, row.origin, row.report_id, row.kind)
        if key not in latest or row.id > latest[key][0]:
            latest[key] = (row.id, example)
    return [example for _, example in sorted(latest.values(), key=lambda item: item[0])]


def split_holdout(examples: Sequence[Example], share: float) -> tuple[list[Example], list[Example]]:
    """(train, holdout) by each text's hash; at least one held out once there are MIN_HOLDOUT_LABELS."""
    if len(examples) < MIN_HOLDOUT_LABELS or share <= 0:
        return list(examples), []
    keys = [holdout_key(e.text) for e in examples]
    held = {i for i, k in enumerate(keys) if k < share}
    if not held:
        held = {int(np.argmin(keys))}
    train = [e for i, e in enumerate(examples) if i not in held]
    return train, [e for i, e in enumerate(examples) if i in held]


def store_examples(corpus: Corpus) -> list[Example]:
    """Every human label in the store as one example per distinct text (its latest label), each stored
    passage's example knowing its report."""
    return human_examples(corpus.labeled_examples())


def too_few_to_judge(corpus: Corpus, config: RetrainConfig) -> str | None:
    """Before training, what `--promote auto` will decide for want of held-out labels (a line for the
    person waiting), or None when there are enough to judge on, or none at all (gather says so)."""
    humans = store_examples(corpus)
    _, held = split_holdout(humans, config.holdout_share)
    if not humans or len(held) >= config.min_judged:
        return None
    return (
        f"{len(held)} of the {len(humans)} human labels {'is' if len(held) == 1 else 'are'} held out; "
        "--promote auto judges a new model "
        f"on at least {config.min_judged}: this one will be stored, not promoted (--promote always "
        "promotes it)"
    )


def report_texts(corpus: Corpus, examples: Iterable[Example]) -> dict[int, list[str]]:
    """The passage texts of the reports the examples' stored passages come from, to read them in as
    ingest does: without reference lists, which lend no context (LoadedModel.predict)."""
    return corpus.report_passage_texts(
        sorted({e.report_id for e in examples if e.report_id is not None}), without_kinds=UNLABELED_KINDS
    )


def gather(corpus: Corpus, config: RetrainConfig) -> TrainingData:
    """The seed set and every human label in the store, split into trained-on and held-out labels."""
    humans = store_examples(corpus)
    if not humans:
        raise NoLabels("no human labels to retrain on: label passages first (citsec label add/import)")
    train, holdout = split_holdout(humans, config.holdout_share)
    relabeled = {normalize_text(e.text) for e in humans}
    seed = [
        Example(SeedText(p.text), p.labels, p.lang, "seed")
        for p in load_seed(config.seed_dir).passages
        if normalize_text(p.text) not in relabeled
    ]
    return TrainingData(
        seed=seed, human=train, holdout=holdout, holdout_reports=report_texts(corpus, holdout)
    )


def fit_weighted(
    examples: Sequence[Example], weights: Sequence[int], design: dict[str, Any]
) -> tuple[StrategyClassifier, np.ndarray]:
    """Fit the design with integer example weights; returns the model and out-of-fold probabilities.

    Each example is repeated `weight` times, and cross-validation groups the copies of one example
    into one fold, so the thresholds are chosen on scores from models that never saw the example.
    """
    from sklearn.model_selection import GroupKFold, cross_val_predict

    texts = [e.text for e, w in zip(examples, weights, strict=True) for _ in range(w)]
    groups = np.array([i for i, w in enumerate(weights) for _ in range(w)])
    y = labels_to_matrix([e.labels for e, w in zip(examples, weights, strict=True) for _ in range(w)])
    model = StrategyClassifier(**design)
    if len(examples) < 2 * model.cv_folds:
        raise ModelError(f"need at least {2 * model.cv_folds} training examples, got {len(examples)}")
    folds = GroupKFold(n_splits=model.cv_folds, shuffle=True, random_state=model.random_state)
    # StrategyClassifier.fit takes sample weights nowhere (its one-vs-rest head refuses fit params unless
    # scikit-learn's metadata routing is on), but it accepts out-of-fold scores: we compute them here,
    # grouped, on the classifier's own pipeline.
    oof = cross_val_predict(model._pipeline(), texts, y, groups=groups, cv=folds, method="predict_proba")
    model.fit(texts, y, oof_proba=np.asarray(oof, dtype=np.float64))
    model.n_training_ = len(examples)  # distinct examples, not copies
    first_copy = np.r_[0, np.cumsum(weights)[:-1]].astype(int)
    distinct_oof = np.asarray(oof, dtype=np.float64)[first_copy]
    # The thresholds were chosen on the weighted copies; the CV F1 kept with the model (and printed by
    # retrain) counts each example once, as `models list` and the README report it.
    distinct_y = y[first_copy]
    model.cv_f1_ = np.array(
        [f1_at(distinct_y[:, j], distinct_oof[:, j], model.thresholds_[j]) for j in range(len(LABELS))]
    )
    return model, distinct_oof


def train_candidate(data: TrainingData, config: RetrainConfig) -> tuple[StrategyClassifier, float]:
    """The new model, trained on seed + human labels (human weighted); returns it and its CV macro-F1."""
    examples = [*data.seed, *data.human]
    log.info(
        "training on %d seed + %d human examples (%d held out to judge it); this takes a minute or two",
        len(data.seed),
        len(data.human),
        len(data.holdout),
    )
    weights = [1] * len(data.seed) + [config.human_weight] * len(data.human)
    model, _ = fit_weighted(examples, weights, config.design)
    return model, training_metrics(model)["cv_macro_f1"]  # the figure the registry keeps with it


FitCandidate = Callable[[TrainingData, RetrainConfig], tuple[StrategyClassifier, float]]


class Candidate(NamedTuple):
    """The model a retrain judges: fitted now, or the version the same examples and settings trained
    before (`same`, taken from the registry: training is deterministic, so fitting again gives it back)."""

    estimator: StrategyClassifier
    cv_macro_f1: float
    fingerprint: str
    same: ModelVersionRow | None = None
    unloadable: str | None = None  # the version the same examples trained before, which could not be loaded


def candidate(
    corpus: Corpus, data: TrainingData, config: RetrainConfig, fit: FitCandidate = train_candidate
) -> Candidate:
    """The new model: the stored version this training_fingerprint made before (a scheduled retrain with
    no new label costs a load, not a fit, and stores no copy), else `fit`'s."""
    fingerprint = training_fingerprint(data, config)
    same = trained_before(corpus, fingerprint)
    if same is not None:
        try:
            model = load_model(corpus, same.version, cache_dir=config.cache_dir)
        except ModelError as exc:  # a damaged artifact: fit again (and store the new fit, which wins later)
            log.warning("the same examples and settings trained %s before, but it cannot be loaded (%s): "
                        "training again", same.version, exc)  # fmt: skip
        else:  # (format_result says so)
            cv_macro_f1 = float(same.metrics.get("cv_macro_f1") or 0.0)
            return Candidate(model.estimator, cv_macro_f1, fingerprint, same)
    estimator, cv_macro_f1 = fit(data, config)
    return Candidate(estimator, cv_macro_f1, fingerprint, unloadable=same.version if same else None)


def score(
    estimator: StrategyClassifier,
    examples: Sequence[Example],
    reports: Mapping[int, Sequence[str]] | None = None,
) -> Evaluation | None:
    """Per-label and macro-F1 of a model on labeled examples (None when there are none). An example from
    a stored passage whose report's texts are in `reports` is scored in its report, as the store scores
    it (models.context); free texts are scored on their own."""
    if not examples:
        return None
    y = labels_to_matrix([e.labels for e in examples])
    texts = [e.text for e in examples]
    proba = estimator.predict_proba(texts)
    reports = reports or {}
    needed = {e.report_id for e in examples if e.report_id is not None and e.report_id in reports}
    contexts = {r: report_context(estimator.predict_proba(list(reports[r]))) for r in needed}
    proba = with_contexts(proba, [e.report_id for e in examples], contexts)
    decided = (proba >= estimator.thresholds_).astype(int)
    decided[unlabelable(texts, [e.kind for e in examples])] = 0  # as LoadedModel.predict
    return evaluate(y, decided, [e.lang for e in examples])


def current_model(corpus: Corpus, config: RetrainConfig) -> LoadedModel:
    """The store's promoted model, else the built-in seed model (of `config.seed_dir`)."""
    row = corpus.promoted_model()
    if row is None or (not row.has_artifact and row.version.startswith("seed-")):
        return seed_model(config.cache_dir, config.seed_dir)
    return load_model(corpus, cache_dir=config.cache_dir)


def decide(
    policy: str, new: Evaluation | None, old: Evaluation | None, min_judged: int = MIN_JUDGED_LABELS
) -> Decision:
    """Promote or not: `always`, `never`, or under `auto` only when not worse on at least `min_judged`
    held-out labels."""
    if policy == "always":
        return Decision(True, "--promote always")
    if policy == "never":
        return Decision(False, "--promote never")
    if policy != "auto":
        raise ModelError(f"unknown --promote {policy!r}; expected one of {', '.join(PROMOTE_POLICIES)}")
    if new is None or old is None:
        return Decision(False, "no held-out human labels to compare on (use --promote always)")
    if new.n < min_judged:
        return Decision(
            False,
            f"only {new.n} held-out human label{'s' if new.n != 1 else ''}, too few to judge on "
            f"({min_judged} needed: label more, or use --promote always)",
        )
    # A label no held-out passage carries is judged by its false alarms (Evaluation.judged_scores), not
    # by an F1 of 1 or 0 that one passage decides.
    absent = [label for label, score in new.per_label.items() if not score.support]
    what = "held-out macro-F1" + (f" ({', '.join(absent)}: passages not claimed)" if absent else "")
    if new.judged_macro_f1 >= old.judged_macro_f1:
        said = f"{what} {new.judged_macro_f1:.3f} >= current {old.judged_macro_f1:.3f}"
        return Decision(True, said, judged=True)
    return Decision(False, f"{what} {new.judged_macro_f1:.3f} < current {old.judged_macro_f1:.3f}")


class Stored(NamedTuple):
    """What register_and_promote did: the version, the passages it re-classified, whether the version was
    trained before on the same examples and settings (`reused`: no new version stored), and the decision
    when it changed on the way (another retrain promoted a model meanwhile)."""

    version: str
    reclassified: int
    reused: bool = False
    decision: Decision | None = None
    fitted: bool = True  # False when the candidate was the version trained before, loaded, not fitted


def register_and_promote(
    corpus: Corpus,
    candidate: Candidate,
    data: TrainingData,
    result_metrics: dict[str, Any],
    decision: Decision,
    config: RetrainConfig,
    current: LoadedModel | None = None,
    progress: Callable[[int], None] = lambda done: None,
) -> Stored:
    """Store the new version with its metrics (a candidate the registry holds already is not stored
    again); when promoted, predict every passage, then promote it (`progress` gets the passages each
    batch predicted). A candidate promoted already, whose stored labels this citsec's rules gave, needs no
    re-classification.

    Predictions are stored before promotion, so passages switch to the new model all at once. Two retrains
    at once: the second stores no copy of a version the first stored meanwhile (looked up again here), and
    under `auto` promotes nothing when the first promoted another model since it judged its own against the
    one before."""
    same = candidate.same or trained_before(corpus, candidate.fingerprint, besides=candidate.unloadable)
    if same is not None:
        version = same.version
        # Its latest judgment: new labels may have joined the held-out share only.
        corpus.update_model_metrics(version, {
            **result_metrics, "holdout_examples": len(data.holdout), "decision": decision.reason,
        })  # fmt: skip
    else:
        version = register_model(
            corpus,
            candidate.estimator,
            extra_metrics={
                **result_metrics,
                "human_weight": config.human_weight,
                "augmented": config.augmented,
                "seed_examples": len(data.seed),
                "human_examples": len(data.human),
                "holdout_examples": len(data.holdout),
                "decision": decision.reason,
                FINGERPRINT: candidate.fingerprint,
            },
        )
    reused, fitted = same is not None, candidate.same is None
    labels_current = same is not None and same.promoted and older_label_rules(corpus, version) is None
    if not decision.promote or labels_current:
        return Stored(version, 0, reused, fitted=fitted)
    if current is not None:
        keep_restorable(corpus, current)
    log.info("re-classifying every stored passage with %s", version)
    model = LoadedModel(version, candidate.estimator)
    count = reclassify(corpus, model, config.batch_size, progress=progress)
    judged_against = current.version if decision.judged and current is not None else None
    from corpus.errors import PromotedMeanwhile

    try:
        corpus.promote(version, judged_against=judged_against)
    except PromotedMeanwhile as exc:
        kept = Decision(False, f"{exc.version} was promoted while this retrain ran, after it was judged "
                               f"against {judged_against}: retrain again to judge it against {exc.version}")
        corpus.update_model_metrics(version, {"decision": kept.reason})
        return Stored(version, 0, reused, kept, fitted)
    return Stored(version, count, reused, fitted=fitted)


def training_fingerprint(data: TrainingData, config: RetrainConfig) -> str:
    """models.seed_version.training_fingerprint of a retrain's examples (seed, then human) and settings."""
    weighted = [(True, e.text, e.labels, 1) for e in data.seed]
    weighted += [(False, e.text, e.labels, config.human_weight) for e in data.human]
    return fingerprint_of(weighted, config.design)


Judgment = tuple[Evaluation | None, Evaluation | None]  # the new model's, the current one's


def judge(estimator: StrategyClassifier, current: LoadedModel, data: TrainingData) -> Judgment:
    """The new and the current model scored on the same held-out human labels, each stored passage in its
    report."""
    return (
        score(estimator, data.holdout, data.holdout_reports),
        score(current.estimator, data.holdout, data.holdout_reports),
    )


class RetrainSteps(NamedTuple):
    """The job's steps as `retrain` runs them: these functions here, Prefect tasks wrapping them in
    flows/retrain.py (so the two ways in cannot drift apart)."""

    gather: Callable[[Corpus, RetrainConfig], TrainingData]
    candidate: Callable[[Corpus, TrainingData, RetrainConfig, FitCandidate], Candidate]
    judge: Callable[[StrategyClassifier, LoadedModel, TrainingData], Judgment]
    store: Callable[..., Stored]


def retrain(
    corpus: Corpus,
    policy: str = "auto",
    config: RetrainConfig | None = None,
    fit_candidate: FitCandidate = train_candidate,
    progress: Callable[[int], None] = lambda done: None,
    steps: RetrainSteps | None = None,
) -> RetrainResult:
    """The whole job: gather → train (or take the version the same examples trained) → judge on held-out
    labels → store → promote (`progress` gets the passages each batch of the re-classification did).
    `steps` runs each step its way (flows/retrain.py: as Prefect tasks); by default, directly here."""
    config = config or RetrainConfig()
    run = steps or DIRECT_STEPS
    corpus.check_writable()  # a role that may only read learns so before the minute of training
    data = run.gather(corpus, config)
    new = run.candidate(corpus, data, config, fit_candidate)
    old = current_model(corpus, config)
    new_eval, old_eval = run.judge(new.estimator, old, data)
    decision = decide(policy, new_eval, old_eval, config.min_judged)
    metrics = holdout_metrics(new_eval, old_eval, old.version)
    stored = run.store(corpus, new, data, metrics, decision, config, old, progress)
    decision = stored.decision or decision
    return make_result(data, config, stored, old.version, (new_eval, old_eval), new.cv_macro_f1, decision)


DIRECT_STEPS = RetrainSteps(gather, candidate, judge, register_and_promote)


def make_result(
    data: TrainingData,
    config: RetrainConfig,
    stored: Stored,
    previous: str,
    holdout: Judgment,
    cv_macro_f1: float,
    decision: Decision,
) -> RetrainResult:
    """The record of one retrain, for the before/after table and --format json."""
    version = stored.version
    return RetrainResult(
        version=version, previous=previous, seed_examples=len(data.seed), human_examples=len(data.human),
        holdout_examples=len(data.holdout), new_holdout=holdout[0], old_holdout=holdout[1],
        cv_macro_f1=cv_macro_f1, decision=decision, promoted=version if decision.promote else previous,
        reclassified=stored.reclassified, human_weight=config.human_weight,
        augmented=config.augmented, reused=stored.reused, fitted=stored.fitted,
    )  # fmt: skip
