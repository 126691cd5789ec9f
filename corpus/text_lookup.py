"""Stored passages found by their words: how labels move between stores that number passages differently.

Two analysts who ingest the same reports in another order hold the same passages under other ids, so a
label file from one store can only name the other's passages by their text. The text compared is
`same_words` (whitespace collapsed), as everywhere a label follows a passage's words.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import NamedTuple

from sqlalchemy import Connection, select

from corpus.labelstate import chunks
from corpus.passage_match import same_words
from corpus.schema import Passage, Report

SCAN_BATCH = 2000  # passages read per round trip while scanning the store


class Placed(NamedTuple):
    """Where a label that names a stored passage (by id, and maybe by text) goes: `passages`, none when
    nowhere; `by_text` when found by its text rather than its id; `other_text` when its id names a passage
    with other words (another store's id)."""

    passages: list[int]
    by_text: bool = False
    other_text: bool = False


def place_labels(conn: Connection, named: Sequence[tuple[int, str | None]]) -> list[Placed]:
    """For each (passage_id, text) a label file gives: the passage the id names when it holds the text (or
    no text is given), else every passage holding the text (`passages_with_words`). The store is scanned
    only when some item needs it, once for all."""
    stored: dict[int, str] = {}
    for ids in chunks(sorted({pid for pid, _ in named})):
        rows = conn.execute(select(Passage.id, Passage.text).where(Passage.id.in_(ids)))
        stored.update((int(pid), same_words(text)) for pid, text in rows)

    def holds(pid: int, text: str | None) -> bool:
        return pid in stored and (text is None or same_words(text) == stored[pid])

    astray = {text for pid, text in named if text is not None and not holds(pid, text)}
    found = passages_with_words(conn, astray)
    return [
        Placed([pid]) if holds(pid, text)
        else Placed(found.get(text, []) if text is not None else [], by_text=True, other_text=pid in stored)
        for pid, text in named
    ]  # fmt: skip


def words_digest(text: str) -> bytes:
    """A short fingerprint of a text's words (`same_words`): what the scan compares, so it keeps the
    digests of the few texts looked for, never the texts of the passages it reads."""
    return hashlib.blake2b(same_words(text).encode("utf-8"), digest_size=16).digest()


def passages_with_words(
    conn: Connection, texts: Collection[str], batch_size: int = SCAN_BATCH
) -> dict[str, list[int]]:
    """The ids of the stored passages whose words are those of each of `texts` (a text no passage holds is
    left out), in id order.

    Passages of current readings are preferred: a text that one of them holds maps to those alone, since a
    label on a superseded reading's passage with the same words would only come over to them again. A text
    held only by superseded readings maps to those (the label then comes over as at store time).

    The store is read once, in batches of `batch_size` (id, text) rows, each text reduced to its digest
    as it passes: memory holds one batch, however many passages the store has (200,000 passages of ~120
    words: 1.9 s on SQLite, 3.6 s on PostgreSQL, under 4 MB).
    """
    if not texts:
        return {}
    wanted: dict[bytes, list[str]] = defaultdict(list)
    for text in texts:
        wanted[words_digest(text)].append(text)
    current: dict[bytes, list[int]] = defaultdict(list)
    older: dict[bytes, list[int]] = defaultdict(list)
    stmt = select(Passage.id, Passage.text, Report.superseded_by.is_(None)).join(
        Report, Report.id == Passage.report_id
    )
    result = conn.execute(stmt.execution_options(stream_results=True, yield_per=batch_size))
    for batch in result.partitions():
        for passage_id, text, is_current in batch:
            digest = words_digest(text)
            if digest in wanted:
                (current if is_current else older)[digest].append(int(passage_id))
    found: dict[str, list[int]] = {}
    for digest, given in wanted.items():
        ids = current.get(digest) or older.get(digest)
        if ids:
            found.update((text, sorted(ids)) for text in given)
    return found
