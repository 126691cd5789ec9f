"""Which model to use and how to get it: the store's promoted model, a named version, or the seed model.

The built-in seed model is trained from models/seed on first use and cached on disk under a key made of
the seed data, the training code version and the scikit-learn version (its version: models.seed_version),
so any change retrains it. Next to the artifact the cache keeps the model's card (design, CV metrics), so a
store can register the model from the cache without loading it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.artifacts import artifact_digest, dump_model, load_model_bytes, read_artifact
from models.classifier import StrategyClassifier
from models.context import blend, report_contexts
from models.errors import ModelError
from models.explain import ExplainBasis, explain_basis, explain_text
from models.labels import LABELS, UNLABELED_KINDS
from models.seed_data import SEED_DIR, load_seed
from models.seed_version import builtin_seed_version, seed_version
from models.topic import no_label_rule
from models.training import algorithm_name, train, training_metrics

if TYPE_CHECKING:
    from corpus import Corpus, ModelVersionRow

log = logging.getLogger(__name__)

SEED_ALIAS = "seed"
FINGERPRINT = "training_fingerprint"  # the metrics key of a retrained version's training fingerprint


def default_cache_dir() -> Path:
    """$CITSEC_CACHE_DIR, else ~/.cache/citsec: the one place the models package reads the environment."""
    configured = os.environ.get("CITSEC_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "citsec"


@dataclass(frozen=True)
class Prediction:
    """A passage's labels (score at or above the label's threshold) and its score per label."""

    labels: list[str]
    scores: dict[str, float]
    # Read in its report: the two sides of the blend behind `scores`, per label ("passage": its own
    # scores, "report": its report's); None when the passage was read on its own.
    context: dict[str, dict[str, float]] | None = None
    # The rule that gave it no label whatever its scores (models.topic.no_label_rule: "reference list",
    # "no word of security", "table or listing"); None when its scores decided.
    no_label_rule: str | None = None


@dataclass
class LoadedModel:
    """A fitted classifier with its registry version; what `citsec tag` and the flows use."""

    version: str
    estimator: StrategyClassifier
    _basis: ExplainBasis | None = field(default=None, repr=False)

    def predict(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None,
        reports: Sequence[Hashable] | None = None, kinds: Sequence[str | None] | None = None,
    ) -> list[Prediction]:
        """Labels and scores for each text. `reports`, when given, names each text's report: passages of
        one report are read together (models.context), and each prediction keeps both sides of the blend
        in `context`; without it each text is read on its own. `kinds`, when given, are the passages'
        kinds: one in UNLABELED_KINDS (a reference list) keeps its own scores, gets no label and lends
        nothing to its report's context. A text that never speaks of security (models.topic.off_topic) is
        read like any other but gets no label: it discusses no security strategy, whatever its scores say;
        nor does a table or a long run of names and figures (models.prose.is_listing). models.topic's
        `no_label_rule` says which texts get none, and why (each prediction's `no_label_rule`).
        `langs` is accepted for the API's sake: the features are multilingual (accent folding, a cue lexicon
        in three languages), so the language is not needed."""
        if not texts:
            return []
        own = self.estimator.predict_proba(texts)
        if kinds is not None and len(kinds) != len(own):
            raise ModelError(f"{len(kinds)} kinds for {len(own)} texts")
        unlabeled = [kind in UNLABELED_KINDS for kind in kinds] if kinds is not None else [False] * len(own)
        given = kinds if kinds is not None else [None] * len(texts)
        rules = [no_label_rule(text, kind) for text, kind in zip(texts, given, strict=True)]
        contexts = None
        if reports is not None:
            # A reference list reads as a report of its own: its titles do not colour the report's prose.
            keys = [("unlabeled", key) if off else key for key, off in zip(reports, unlabeled, strict=True)]
            contexts = report_contexts(own, keys)
        proba = blend(own, contexts) if contexts is not None else own
        thresholds = self.estimator.thresholds_
        return [
            Prediction(
                labels=[] if rules[i] is not None else [
                    label for j, label in enumerate(LABELS) if row[j] >= thresholds[j]
                ],
                scores=_by_label(own[i] if unlabeled[i] else row),
                context=None if contexts is None or unlabeled[i] else {
                    "passage": _by_label(own[i]), "report": _by_label(contexts[i]),
                },
                no_label_rule=rules[i],
            )
            for i, row in enumerate(proba)
        ]

    def explain(self, text: str, k: int = 5) -> dict[str, dict[str, Any]]:
        """Per label, the k terms pushing its score up and the k pushing it down, with their weights, and
        the base and rest they add to (models.explain.explain_text)."""
        if self._basis is None:
            self._basis = explain_basis(self.estimator)
        return explain_text(self.estimator, self._basis, text, k)


def _by_label(row: Any) -> dict[str, float]:
    return {label: round(float(row[j]), 4) for j, label in enumerate(LABELS)}


def trained_version(artifact: bytes, now: dt.datetime | None = None) -> str:
    """"m-<UTC timestamp>-<hash8 of the artifact>" for a model trained from the store's labels."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d%H%M%S")
    return f"m-{stamp}-{artifact_digest(artifact)[:8]}"


def _write_atomically(path: Path, data: bytes) -> None:
    # Two processes may train the seed model at once; each renames a complete file into place.
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".tmp", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def _seed_path(cache_dir: Path | None, version: str) -> Path:
    return (cache_dir or default_cache_dir()) / "models" / f"{version}.skops"


def model_card(estimator: StrategyClassifier, data: bytes) -> dict[str, Any]:
    """What the registry keeps with an artifact: algorithm, parameters, training size and CV metrics."""
    return {
        "algorithm": algorithm_name(estimator),
        "parameters": {**estimator.get_params(), "artifact_sha256": artifact_digest(data)},
        "training_size": int(estimator.n_training_),
        "metrics": training_metrics(estimator),
    }


def seed_model(cache_dir: Path | None = None, seed_dir: Path = SEED_DIR) -> LoadedModel:
    """The built-in model: read from the disk cache, or trained from the seed set and cached."""
    seed = load_seed(seed_dir)
    version = seed_version(seed.digest)
    path = _seed_path(cache_dir, version)
    digest_path, card_path = path.with_suffix(".sha256"), path.with_suffix(".card.json")
    if path.is_file() and digest_path.is_file():
        try:
            data = path.read_bytes()
            artifact = read_artifact(data, digest_path.read_text().strip())
            if artifact.old_layout:  # written before vocabularies were arrays: rewrite it, quick to load
                try:
                    _cache_seed(path, artifact.model)
                except OSError as exc:  # a read-only or shared cache still serves, only slower
                    log.info("could not rewrite the cached seed model %s (%s); it loads as it is", path, exc)
            elif not card_path.is_file():  # a cache written before cards were kept
                _write_atomically(card_path, json.dumps(model_card(artifact.model, data)).encode())
            return LoadedModel(version, artifact.model)
        except ModelError as exc:  # a cache is disposable: rebuild it rather than fail
            log.warning("cached seed model %s unusable (%s); retraining", path, exc)
    log.info(
        "training the built-in seed model %s on %d seed passages (first use; cached for next time)",
        version, len(seed.passages),
    )
    estimator = train(seed.texts, [p.labels for p in seed.passages])
    _cache_seed(path, estimator)
    return LoadedModel(version, estimator)


def _cache_seed(path: Path, estimator: StrategyClassifier) -> None:
    """Write the seed model's card, artifact and digest, in that order (a reader checks the last two)."""
    data = dump_model(estimator)
    _write_atomically(path.with_suffix(".card.json"), json.dumps(model_card(estimator, data)).encode())
    _write_atomically(path, data)
    _write_atomically(path.with_suffix(".sha256"), artifact_digest(data).encode())


def _cached_seed(cache_dir: Path | None, version: str) -> tuple[bytes, dict[str, Any]] | None:
    """The cached seed artifact and its card, checked against the recorded digest; None when absent."""
    path = _seed_path(cache_dir, version)
    try:
        data = path.read_bytes()
        digest = path.with_suffix(".sha256").read_text().strip()
        card = json.loads(path.with_suffix(".card.json").read_text())
    except (OSError, ValueError):
        return None
    if artifact_digest(data) != digest or card.get("parameters", {}).get("artifact_sha256") != digest:
        return None
    return data, card


def register_builtin_seed(corpus: Corpus, cache_dir: Path | None = None, seed_dir: Path = SEED_DIR) -> str:
    """Put the built-in seed model (artifact, design, CV metrics) into the store's registry unless it is
    there already; returns its version. Cheap: hashing the seed set and one query when the store has it,
    file reads (no unpickling) when the disk cache has it; it loads or trains the model only otherwise."""
    from corpus import CorpusError

    version = builtin_seed_version(seed_dir)
    row = corpus.model_version(version)
    if row is not None and row.has_artifact:
        return version
    cached = _cached_seed(cache_dir, version)
    if cached is None:
        model = seed_model(cache_dir, seed_dir)  # trains, or loads an old cache; writes the card
        cached = _cached_seed(cache_dir, version) or _as_cached(model.estimator)
    data, card = cached
    try:
        corpus.add_model_version(version=version, artifact=data, promoted=False, **card)
    except CorpusError:
        row = corpus.model_version(version)
        if row is None or not row.has_artifact:
            raise
        # Another run registered it between our look-up and our insert.
    return version


def _as_cached(estimator: StrategyClassifier) -> tuple[bytes, dict[str, Any]]:
    data = dump_model(estimator)
    return data, model_card(estimator, data)


def load_model(
    corpus: Corpus | None = None, version: str | None = None, cache_dir: Path | None = None
) -> LoadedModel:
    """The model named `version`, else the store's promoted model, else the built-in seed model.

    "seed" names the built-in seed model. A seed version recorded in the store without an artifact
    (predictions stored by an ingest that used the built-in model) resolves to the built-in model.
    """
    explicit = version is not None
    if version is None:
        row = corpus.promoted_model() if corpus is not None else None
        if row is None:
            return seed_model(cache_dir)
        version = row.version
    elif version == SEED_ALIAS:
        return seed_model(cache_dir)
    else:
        row = corpus.model_version(version) if corpus is not None else None
    if corpus is not None and row is not None and row.has_artifact:
        data = corpus.model_artifact(version)
        assert data is not None
        return LoadedModel(version, load_model_bytes(data, row.parameters.get("artifact_sha256")))
    if version.startswith("seed-"):
        model = seed_model(cache_dir)
        if model.version == version or not explicit:
            return model
        raise ModelError(f"model {version} is not available (the built-in seed model is now {model.version})")
    if row is not None:
        raise ModelError(f"model {version} has no stored artifact")
    raise ModelError(f"unknown model version {version!r} (see `citsec models list`)")


def register_seed_model(corpus: Corpus, model: LoadedModel, promoted: bool = False) -> str:
    """Put the built-in seed model (artifact and CV metrics) into the store's registry; idempotent."""
    row = corpus.model_version(model.version)
    if row is None or not row.has_artifact:
        register_model(corpus, model.estimator, version=model.version, promoted=promoted)
    elif promoted and not row.promoted:
        corpus.promote(model.version)
    return model.version


def trained_before(corpus: Corpus, fingerprint: str, besides: str | None = None) -> ModelVersionRow | None:
    """The stored version (its artifact kept) registered with this training fingerprint
    (models.seed_version.fingerprint_of), if any, `besides` aside."""
    for row in corpus.model_versions():
        if row.has_artifact and row.metrics.get(FINGERPRINT) == fingerprint and row.version != besides:
            return row
    return None


def register_model(
    corpus: Corpus,
    estimator: StrategyClassifier,
    *,
    version: str | None = None,
    promoted: bool = False,
    extra_metrics: dict[str, Any] | None = None,
) -> str:
    """Store a fitted model (artifact, design, CV metrics) in the registry; returns its version."""
    data = dump_model(estimator)
    version = version or trained_version(data)
    card = model_card(estimator, data)
    card["metrics"].update(extra_metrics or {})
    corpus.add_model_version(version=version, artifact=data, promoted=promoted, **card)
    return version
