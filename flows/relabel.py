"""Labeling the store again: after an ingest whose citsec labels by newer rules than the store's labels
were given under (models.topic.LABEL_RULES_VERSION), and for `citsec db reclassify`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.interrupt import check_stop

if TYPE_CHECKING:
    from corpus import Corpus


@dataclass(frozen=True)
class Relabeled:
    """What labeling every stored passage again came to: the model, how many passages it read, and how
    many of those without a human label now have other labels."""

    model: str
    passages: int
    changed: int

    def line(self) -> str:
        """'re-classified 4225 passages with seed-35d9cf85: 561 changed their labels'."""
        passages = f"{self.passages} passage{'' if self.passages == 1 else 's'}"
        return f"re-classified {passages} with {self.model}: {self.changed} changed their labels"


def relabel_store(
    corpus: Corpus, model: Any, between_batches: Callable[[], None] = lambda: None,
    progress: Callable[[int], None] = lambda done: None,
) -> Relabeled:
    """Label every stored passage again with `model` (a models.registry.LoadedModel, the promoted one) by
    this citsec's rules, each read in its report, and record those rules. Human labels stay; other
    versions keep their predictions and the rules they were made under (`models promote` labels every
    passage again for a version whose rules are older). `between_batches`, `progress` (passages done in
    each batch): see models.reclassify.reclassify."""
    from models.reclassify import reclassify

    before = corpus.model_labels()
    count = reclassify(corpus, model, between_batches=between_batches, progress=progress)
    after = corpus.model_labels()
    changed = sum(1 for pid in before.keys() | after.keys() if before.get(pid) != after.get(pid))
    return Relabeled(model.version, count, changed)


def unavailable_model(corpus: Corpus) -> str | None:
    """Why the promoted model cannot label passages here (another release's built-in model, of which the
    store has only predictions), as a sentence saying what to do; None when it can."""
    from models.seed_version import builtin_seed_version  # not models.registry: it imports scikit-learn

    promoted = corpus.promoted_model()
    if promoted is None or promoted.has_artifact:
        return None
    builtin = builtin_seed_version()
    if promoted.version == builtin:
        return None
    return (f"the promoted model {promoted.version} is not available to this citsec (its built-in model is "
            f"{builtin}): promote one that is (`citsec models promote seed`)")


def older_rules_said(older: str) -> str:
    """Why the store's labels are not this citsec's: given by the `older` rules (models.topic)."""
    from models.topic import LABEL_RULES_VERSION

    rules = f"({older}; this citsec's are {LABEL_RULES_VERSION})"
    return f"the store's labels were given by older labeling rules {rules}"


def relabel_if_rules_changed(
    corpus: Corpus, cache_dir: Path | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> str | None:
    """After an ingest: record this citsec's labeling rules for the predictions it stored, and when the
    store's labels were given under older rules (models.topic.LABEL_RULES_VERSION), label every passage
    again with the promoted model. Returns one line for the person running it, None when nothing was due.
    A promoted model this citsec does not have is left alone, with a line saying what to do. `progress`
    gets (passages done, passages in the store): (0, total) as the relabel starts (reclassify reports its
    start), then after each batch."""
    from models.topic import older_label_rules, record_label_rules

    record_label_rules(corpus)
    older = older_label_rules(corpus)
    if older is None:
        return None
    why = older_rules_said(older)
    missing = unavailable_model(corpus)
    if missing is not None:
        return f"note: {why}, but {missing}"
    with corpus.relabel_claim() as mine:
        if not mine:
            return f"note: {why}: another citsec process is labeling the passages again"
        if older_label_rules(corpus) is None:
            return None  # another process did it while this one waited
        check_stop()  # a Ctrl-C during the last report: stop before hours of work, not after
        # Imported here: scikit-learn takes ~2 s to import; a re-ingest with nothing due has no use for it.
        from models.registry import load_model

        model = load_model(corpus, cache_dir=cache_dir)
        total, so_far = corpus.count_passages(), 0

        def batch_done(count: int) -> None:
            nonlocal so_far
            so_far += count
            progress(so_far, total)

        done = relabel_store(corpus, model, between_batches=check_stop, progress=batch_done)
    return f"note: {why}: {done.line()}"
