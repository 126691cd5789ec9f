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


PG_INT_MAX = 2**31 - 1  # passages.id and passages.seq: PostgreSQL refuses a larger number in a query


class Named(NamedTuple):
    """A label file's line that names a stored passage: its `passage_id`, its `text` when the line gives
    it, and where `label export` found it: the sha256 of its report and its position there (`seq`)."""

    passage_id: int
    text: str | None = None
    report_sha256: str | None = None
    seq: int | None = None


class Placed(NamedTuple):
    """Where a label that names a stored passage (by id, and maybe by text) goes: `passages`, none when
    nowhere; `by_text` when found by its text (in its report, or anywhere) rather than its id;
    `other_text` when its id names a passage with other words (another store's id); `reports`, when it
    goes nowhere because its text is held in several reports and the line does not say which: how many."""

    passages: list[int]
    by_text: bool = False
    other_text: bool = False
    reports: int = 0


def place_labels(conn: Connection, named: Sequence[Named]) -> list[Placed]:
    """For each line of a label file that names a stored passage, the passages its label goes to.

    A line from `label export` names its passage's report (sha256) and position (seq): the passage its id
    names when it holds the line's words at that place (the store's own export), else the passage at that
    position of that report when it holds them (another store, which numbers passages otherwise), else
    the passages holding the words (`passages_with_words`) when they are in one report (the report the
    line names is not in this store, or reads otherwise: another version of it).

    A line that names no place (an older export, a hand-written file) goes to the passage its id names
    when it holds the words, else to the passages holding them, unless those are in several reports:
    then it goes nowhere (`Placed.reports`), since its label is one report's. And once any line's id is
    foreign (missing, or naming a passage with other words or elsewhere), its file comes from another
    store: the ids of its lines without a place are no longer taken on trust when their words are held in
    several reports (the id may name the copy in the other report).

    The store is scanned only when some line needs it, once for all."""
    stored: dict[int, tuple[str, str | None, int]] = {}
    for ids in chunks(sorted({n.passage_id for n in named if n.passage_id <= PG_INT_MAX})):
        rows = conn.execute(
            select(Passage.id, Passage.text, Report.sha256, Passage.seq)
            .join(Report, Report.id == Passage.report_id)
            .where(Passage.id.in_(ids))
        )
        stored.update((int(pid), (same_words(text), sha, int(seq))) for pid, text, sha, seq in rows)

    def placed(n: Named) -> bool:
        return n.report_sha256 is not None and n.seq is not None

    def holds(n: Named) -> bool:
        if n.passage_id not in stored:
            return False
        words, sha, seq = stored[n.passage_id]
        if n.text is not None and same_words(n.text) != words:
            return False
        return not placed(n) or (sha, seq) == (n.report_sha256, n.seq)

    at_place = _passages_at(conn, [n for n in named if placed(n) and n.text is not None and not holds(n)])
    foreign = any(not holds(n) for n in named)
    astray = {
        n.text for n in named
        if n.text is not None and at_place.get(n) is None and (not holds(n) or (foreign and not placed(n)))
    }  # fmt: skip
    found = passages_with_words(conn, astray)
    reports = _report_counts(conn, found)

    def place(n: Named) -> Placed:
        other_text = n.passage_id in stored and same_words(n.text or "") != stored[n.passage_id][0]
        if n.text is None:
            return Placed([n.passage_id]) if n.passage_id in stored else Placed([], by_text=True)
        if holds(n) and (placed(n) or not foreign or reports.get(n.text, 0) <= 1):
            return Placed([n.passage_id])
        at = at_place.get(n)
        if at is not None:
            return Placed([at], by_text=True, other_text=other_text)
        if reports.get(n.text, 0) > 1:  # one report's label, and no line to tell which
            return Placed([], by_text=True, other_text=other_text, reports=reports[n.text])
        return Placed(found.get(n.text, []), by_text=True, other_text=other_text)

    return [place(n) for n in named]


def _passages_at(conn: Connection, named: Sequence[Named]) -> dict[Named, int | None]:
    """For each line that names a place (report sha256 and seq) and gives its text: the passage at that
    place when it holds the line's words, else None."""
    wanted = {(n.report_sha256, n.seq) for n in named if n.seq is not None and 0 <= n.seq <= PG_INT_MAX}
    held: dict[tuple[str | None, int], tuple[int, str]] = {}
    for shas in chunks(sorted({sha for sha, _ in wanted if sha is not None})):
        seqs = sorted({seq for sha, seq in wanted if sha in shas and seq is not None})
        for some in chunks(seqs):
            rows = conn.execute(
                select(Report.sha256, Passage.seq, Passage.id, Passage.text)
                .join(Report, Report.id == Passage.report_id)
                .where(Report.sha256.in_(shas), Passage.seq.in_(some))
            )
            held.update(((sha, int(seq)), (int(pid), same_words(text))) for sha, seq, pid, text in rows)
    out: dict[Named, int | None] = {}
    for n in named:
        at = held.get((n.report_sha256, n.seq or 0))
        out[n] = at[0] if at and n.text is not None and same_words(n.text) == at[1] else None
    return out


def _report_counts(conn: Connection, found: dict[str, list[int]]) -> dict[str, int]:
    """For each text of `found`: how many reports hold the passages found for it."""
    report_of: dict[int, int] = {}
    for ids in chunks(sorted({pid for pids in found.values() for pid in pids})):
        rows = conn.execute(select(Passage.id, Passage.report_id).where(Passage.id.in_(ids)))
        report_of.update((int(pid), int(report)) for pid, report in rows)
    return {text: len({report_of[pid] for pid in pids if pid in report_of}) for text, pids in found.items()}


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
