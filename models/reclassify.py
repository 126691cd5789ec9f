"""Re-classifying the store: the promoted model's predictions for every passage (after a retrain, a
promotion, a change of labeling rules), and keeping the outgoing model restorable."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from models.labels import LABELS
from models.registry import LoadedModel, register_seed_model
from models.topic import LABEL_RULES_VERSION, record_label_rules

if TYPE_CHECKING:
    from corpus import Corpus

log = logging.getLogger(__name__)

RECLASSIFY_BATCH = 1000


def reclassify(
    corpus: Corpus, model: LoadedModel, batch_size: int = RECLASSIFY_BATCH, *, missing_only: bool = False,
    between_batches: Callable[[], None] = lambda: None, progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Store `model`'s predictions for every current passage, each read in its report (models.context),
    one transaction per batch of whole reports; returns the count. `missing_only` predicts only the
    reports with a passage the model has no prediction for (stored after it was last promoted, or never
    promoted): what promoting it needs. Records the labeling rules (LABEL_RULES_VERSION) the model's
    predictions were made under: this citsec's once it predicted every passage; with `missing_only`, the
    older of those and the ones recorded (models.topic.record_label_rules). `between_batches` runs before
    each batch (a stop check: a run stopped halfway leaves the older rules recorded, to be done again);
    `progress` gets the number of passages stored after each batch."""
    done = 0
    progress(0)  # started: a bar shows from here, not after the first batch
    unpredicted_by = model.version if missing_only else None
    for batch in corpus.iter_passage_texts(batch_size, unpredicted_by=unpredicted_by):
        between_batches()
        predictions = model.predict(
            [row.text for row in batch], [row.lang for row in batch],
            reports=[row.report_id for row in batch], kinds=[row.kind for row in batch],
        )
        corpus.add_predictions(
            model.version,
            [
                (row.id, label, prediction.scores[label], label in prediction.labels)
                for row, prediction in zip(batch, predictions, strict=True)
                for label in LABELS
            ],
        )
        done += len(batch)
        progress(len(batch))
        log.debug("re-classified %d passages", done)
    if missing_only:
        record_label_rules(corpus, model.version)
    else:
        corpus.set_label_rules(model.version, LABEL_RULES_VERSION)
    return done


def keep_restorable(corpus: Corpus, current: LoadedModel) -> None:
    """Store the outgoing model's artifact when the registry only knows its predictions (a built-in
    seed model recorded by ingest), so `citsec models promote` can roll back to it."""
    row = corpus.model_version(current.version)
    if row is not None and not row.has_artifact:
        register_seed_model(corpus, current)
