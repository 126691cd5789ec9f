"""The retrain flow: gather labels → train → judge on held-out labels → store → promote → re-classify.

The job is models.retrain.retrain (it runs and tests without Prefect: `citsec retrain --no-prefect`); this
flow runs the same job with each step wrapped as a coarse Prefect task, so a scheduled retrain (`citsec
schedule --retrain-cron`) shows up step by step.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.schedule_runs import said_if_failing
from flows.settings import Settings
from models import retrain as steps
from models.errors import NoLabels

if TYPE_CHECKING:
    from prefect.states import State

    from corpus import Corpus
    from models.classifier import StrategyClassifier
    from models.registry import LoadedModel

log = logging.getLogger(__name__)


@task(name="gather-labels", cache_policy=NO_CACHE)
def gather(corpus: Corpus, config: steps.RetrainConfig) -> steps.TrainingData:
    """The seed set and the store's human labels, split into trained-on and held-out labels."""
    return steps.gather(corpus, config)


@task(name="fit-or-take-candidate", cache_policy=NO_CACHE)
def candidate(
    corpus: Corpus, data: steps.TrainingData, config: steps.RetrainConfig, fit: steps.FitCandidate
) -> steps.Candidate:
    """Fit the new model on seed + human labels (human weighted), with its CV macro-F1; or take the
    version the same examples and settings trained before."""
    return steps.candidate(corpus, data, config, fit)


@task(name="judge-on-held-out", cache_policy=NO_CACHE)
def judge(estimator: StrategyClassifier, current: LoadedModel, data: steps.TrainingData) -> steps.Judgment:
    """Score the new and the current model on the same held-out human labels, each stored passage in its
    report."""
    return steps.judge(estimator, current, data)


@task(name="store-and-reclassify", cache_policy=NO_CACHE)
def store(
    corpus: Corpus,
    candidate: steps.Candidate,
    data: steps.TrainingData,
    metrics: dict[str, object],
    decision: steps.Decision,
    config: steps.RetrainConfig,
    current: LoadedModel,
    progress: Callable[[int], None],
) -> steps.Stored:
    """Register the new version (or take the one the same examples trained before); when promoted,
    re-classify every passage with it, then promote it."""
    return steps.register_and_promote(corpus, candidate, data, metrics, decision, config, current, progress)


TASKS = steps.RetrainSteps(gather, candidate, judge, store)


@flow(name="retrain", log_prints=False, validate_parameters=False)
def retrain_flow(
    db_url: str | None = None,
    promote: str = "auto",
    config: steps.RetrainConfig | None = None,
    design: str | None = None,
    progress: Callable[[int], None] | None = None,
    augment: bool = False,
) -> steps.RetrainResult:
    """Retrain the classifier on the store's human labels; promote under `promote` (auto|always|never).

    `design` names a design of models.training.DESIGNS (default: the shipped one), fitted with the domain
    augmentation of models.domain when `augment` (a `config` given instead says both); `progress` gets the
    passages each batch of the re-classification did (a run in this process only: a deployment's runs
    have nobody to show it to)."""
    return _retrain(db_url, promote, config, design, progress, augment)


@flow(name="retrain", log_prints=False, validate_parameters=False)
def scheduled_retrain_flow(
    db_url: str | None = None, promote: str = "auto", augment: bool = False
) -> steps.RetrainResult | State | None:
    """The retrain flow as `citsec schedule --retrain-cron` serves it: how each run ended is one line on
    stderr, which the schedule passes on, as a scheduled ingest's is. A retrain that cannot run is that line,
    not a traceback: with no labels yet (a new install) the run completes; otherwise (the store
    unreachable, a damaged model) it ends Failed, so Prefect's alerts see it."""
    from prefect.states import Failed

    from corpus import Corpus, CorpusError
    from models.errors import ModelError

    with said_if_failing("scheduled retrain"):  # a fault of citsec's: a line here, its traceback in the UI
        try:
            with Corpus.open(db_url or Settings.from_env().db_url) as corpus:
                if corpus.count_labels() == 0:  # said before the gathering task fails on it, traced
                    raise NoLabels("skipped: no human labels to retrain on yet (citsec label add/import)")
            result = _retrain(db_url, promote, None, None, None, augment)
        except (ModelError, CorpusError) as exc:
            said = f"scheduled retrain: {exc}"
            print(said, file=sys.stderr, flush=True)
            return None if isinstance(exc, NoLabels) else Failed(message=said)
    verdict = "promoted" if result.decision.promote else "not promoted"
    print(f"scheduled retrain: {result.version}, {verdict}: {result.decision.reason}", file=sys.stderr,
          flush=True)
    return result


def _retrain(
    db_url: str | None,
    promote: str,
    config: steps.RetrainConfig | None,
    design: str | None,
    progress: Callable[[int], None] | None,
    augment: bool,
) -> steps.RetrainResult:
    from corpus import Corpus

    settings = Settings.from_env()
    if config is None:
        config = steps.retrain_config(design, augment, settings.cache_dir)
    with Corpus.open(db_url or settings.db_url) as corpus:
        return steps.retrain(corpus, promote, config, progress=progress or (lambda done: None), steps=TASKS)


def run_retrain(
    db_url: str,
    promote: str = "auto",
    design: str | None = None,
    progress: Callable[[int], None] | None = None,
    augment: bool = False,
) -> steps.RetrainResult:
    """Run the retrain flow once, here (the CLI's way in)."""
    return retrain_flow(db_url=db_url, promote=promote, design=design, progress=progress, augment=augment)
