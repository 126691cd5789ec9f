"""Re-tag a store: the countries and programs of every stored passage, read again by this citsec's tagger.

The tagging rules improve between versions, and the passages of reports ingested before keep the tags
of the version that stored them. Their text is in the store, so nothing is fetched or extracted again;
strategy labels, scores and human labels are untouched.

    with Corpus.open("sqlite:///citsec.db") as corpus:
        changes = retag_store(corpus)      # EntityChanges: passages rewritten, mentions gained and lost
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flows.pipeline import store_entities

if TYPE_CHECKING:
    from corpus import Corpus, EntityChanges

BATCH_SIZE = 1000


def retag_store(
    corpus: Corpus,
    tagger: Any = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] = lambda done: None,
) -> EntityChanges:
    """Tag every current passage again and store what changed, one transaction per batch (an interrupted
    re-tag keeps the batches it finished; running it again redoes the rest, and changes nothing twice).
    Each report records this citsec's TAGGER_VERSION with its new tags (a batch holds whole reports); a
    report a newer citsec tagged keeps its tags. `progress` gets the number of passages read after each
    batch."""
    from corpus import EntityChanges
    from extractors import TAGGER_VERSION
    from extractors.tagging import Tagger

    tagger = tagger or Tagger()
    total = EntityChanges()
    for batch in corpus.iter_passage_texts(batch_size):
        tags = tagger.tag([row.text for row in batch], [row.lang for row in batch])
        tagged = {row.id: store_entities(t, row.kind) for row, t in zip(batch, tags, strict=True)}
        total.merge(corpus.replace_entities(tagged, TAGGER_VERSION))
        progress(len(batch))
    return total
