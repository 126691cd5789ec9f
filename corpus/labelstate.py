"""Keep current_labels (the effective labels) in step with human labels, predictions and promotions.

Effective labels of a passage = its latest human label when it has one (possibly the empty set),
else the labels the promoted model assigned. Callers run these inside their write transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)

from corpus.passage_match import Matches, OldPassage, match_passages, stand_ins
from corpus.schema import CurrentLabel, HumanLabel, ModelVersion, Passage, Prediction, Report

HUMAN_SCORE = 1.0
_CHUNK = 500
_T = TypeVar("_T")


def chunks(ids: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    """`ids` in slices of `size`: one statement's IN list each."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def promoted_model_id(conn: Connection) -> int | None:
    return conn.execute(select(ModelVersion.id).where(ModelVersion.promoted.is_(True))).scalar()


def set_human_labels(conn: Connection, passage_id: int, labels: Iterable[str]) -> None:
    """The passage's effective labels become exactly `labels`, whatever the model says."""
    conn.execute(delete(CurrentLabel).where(CurrentLabel.passage_id == passage_id))
    rows = [{"passage_id": passage_id, "label": lb, "score": HUMAN_SCORE, "origin": "human"} for lb in labels]
    if rows:
        conn.execute(insert(CurrentLabel), rows)


def set_human_labels_many(conn: Connection, labels_of: Mapping[int, Iterable[str]]) -> None:
    """set_human_labels for several passages at once (a statement per chunk, not per passage)."""
    for ids in chunks(sorted(labels_of)):
        conn.execute(delete(CurrentLabel).where(CurrentLabel.passage_id.in_(ids)))
        rows = [
            {"passage_id": pid, "label": lb, "score": HUMAN_SCORE, "origin": "human"}
            for pid in ids
            for lb in labels_of[pid]
        ]
        if rows:
            conn.execute(insert(CurrentLabel), rows)


def refresh_model_labels(conn: Connection, passage_ids: Sequence[int] | None = None) -> None:
    """Recompute model-derived rows (all passages when `passage_ids` is None) from the promoted model."""
    model_id = promoted_model_id(conn)
    for ids in [None] if passage_ids is None else chunks(sorted(set(passage_ids))):
        stale = delete(CurrentLabel).where(CurrentLabel.origin == "model")
        if ids is not None:
            stale = stale.where(CurrentLabel.passage_id.in_(ids))
        conn.execute(stale)
        if model_id is None:
            continue
        fresh = select(Prediction.passage_id, Prediction.label, Prediction.score, literal("model")).where(
            Prediction.model_version_id == model_id,
            Prediction.assigned.is_(True),
            ~exists().where(HumanLabel.passage_id == Prediction.passage_id),
        )
        if ids is not None:
            fresh = fresh.where(Prediction.passage_id.in_(ids))
        conn.execute(insert(CurrentLabel).from_select(["passage_id", "label", "score", "origin"], fresh))


def latest_labels(
    conn: Connection, reports: Sequence[int], given: ColumnElement[bool] | None = None
) -> dict[int, Any]:
    """The latest human label of each labeled passage of `reports`, by passage id, in the order the
    labels were given; with `given` (a condition on labels, e.g. `given_before`), the latest of those."""
    latest = (
        select(func.max(HumanLabel.id))
        .where(HumanLabel.passage_id.is_not(None))
        .group_by(HumanLabel.passage_id)
    )
    if given is not None:
        latest = latest.where(given)
    rows = conn.execute(
        select(HumanLabel.id, HumanLabel.passage_id, HumanLabel.labels, HumanLabel.annotator,
               HumanLabel.origin, HumanLabel.created_at, HumanLabel.carried_from)
        .join(Passage, HumanLabel.passage_id == Passage.id)
        .where(Passage.report_id.in_(reports), HumanLabel.id.in_(latest))
        .order_by(HumanLabel.id)
    ).all()  # fmt: skip
    return {int(row.passage_id): row for row in rows}


def given_before(conn: Connection, report_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Conditions on labels: (given before reading `report_id` was stored, given to a passage after it was
    stored other than the copies made then).

    By label id: the reading records the highest labels.id there was when it was stored
    (reports.last_label_id, taken in the storing transaction, under the lock every writer of passage
    labels takes), so a label is "before" exactly when the store could see it, whatever the clocks of
    the machines that labeled and stored said. A copy made by the store itself copies a label it saw, so
    its carried_from is at most that id; so does a late copy of such a label (carry_late_labels, when a
    label given since makes the match give one it did not give then), which the id tells apart: it comes
    after the first label a person gave to a passage since, and the store's copies all come before (ids
    are never reused). Readings stored before that was recorded (NULL) fall back to the clocks,
    labels.created_at against reports.ingested_at (a copy keeps its source's created_at, so a late copy of
    a label given before is told apart by id there too).
    """
    seen, stored_at = conn.execute(
        select(Report.last_label_id, Report.ingested_at).where(Report.id == report_id)
    ).one()
    if seen is None:
        after = HumanLabel.created_at > stored_at
        return HumanLabel.created_at <= stored_at, or_(after, _late_copy(after))
    given_since = or_(
        and_(HumanLabel.carried_from.is_(None), HumanLabel.id > seen),
        HumanLabel.carried_from > seen,
        _late_copy(HumanLabel.id > seen),
    )
    return HumanLabel.id <= seen, given_since


def _late_copy(since: ColumnElement[bool]) -> ColumnElement[bool]:
    """A copy made after the first label a person gave a passage `since` (given_before: a late copy)."""
    first_given = (
        select(func.min(HumanLabel.id))
        .where(since, HumanLabel.carried_from.is_(None), HumanLabel.passage_id.is_not(None))
        .scalar_subquery()
    )
    return and_(HumanLabel.carried_from.is_not(None), HumanLabel.id > first_given)


def old_passages(conn: Connection, old_reports: Sequence[int], latest: dict[int, Any]) -> list[OldPassage]:
    """The passages of `old_reports` as `match_passages` reads them, with their labels from `latest_labels`:
    the unlabeled ones, then the labeled ones in the order their labels were given, copies (carried from
    a reading before) before the labels people gave to these readings themselves.

    The last one of that order speaks for identical passages (and names the source of near-copies labeled
    alike). A person's own label on a reading comes after the copies its store made, so the order is only
    ever that of the labels given, except for a late copy (carry_late_labels) on a passage whose identical
    sibling a person corrected: the correction still speaks for them, and the late label does not go on to
    the next reading through the sibling, overwriting the correction's copy there."""
    texts = conn.execute(select(Passage.id, Passage.text).where(Passage.report_id.in_(old_reports)))
    text_of: dict[int, str] = {pid: text for pid, text in texts}
    unlabeled = [OldPassage(pid, text, None) for pid, text in text_of.items() if pid not in latest]
    order = sorted(latest.items(), key=lambda item: (item[1].carried_from is None, item[1].id))
    labeled = [OldPassage(pid, text_of[pid], frozenset(row.labels)) for pid, row in order]
    return [*unlabeled, *labeled]


def match_versions(
    conn: Connection, old_reports: Sequence[int], latest: dict[int, Any], new: Sequence[tuple[int, str]]
) -> Matches:
    """`match_passages` on the passages of `old_reports` (their labels from `latest_labels`) and a new
    version's passages: which new passage takes which old label (carry_labels_over records each copy,
    and labels_came_over reads those records)."""
    return match_passages(old_passages(conn, old_reports, latest), new)


def labels_came_over(conn: Connection, report_id: int) -> tuple[list[int], frozenset[int]]:
    """The labeled passages of the older versions `report_id` superseded, and those of them whose latest
    label came over to it: the label they held when `report_id` was stored, unchanged since, that
    `match_passages` gave to its passages then (the source of a copy, an identical passage, a near-copy
    with the same label), or whose very label row a copy records (`carried_from`: what carried when it
    was stored, what carry_late_labels brought over later, or what carried under an earlier release's
    rule), or one whose new passage holds its judgment through a label given later: a copy
    carry_late_labels brought, or a person's own label with the same labels (_came_with_later_labels).
    A label given to an old passage later that did not carry (its new passage has a person's own,
    different label, or the match leaves it alone) did not come over, whatever the texts say now: it
    stays the old passage's own (left behind, and a training example)."""
    older = conn.execute(select(Report.id).where(Report.superseded_by == report_id)).scalars().all()
    latest = latest_labels(conn, older) if older else {}
    if not latest:
        return [], frozenset()
    carried = set(
        conn.execute(
            select(HumanLabel.carried_from)
            .join(Passage, HumanLabel.passage_id == Passage.id)
            .where(Passage.report_id == report_id, HumanLabel.carried_from.is_not(None))
        ).scalars()
    )
    came = {pid for pid, row in latest.items() if row.id in carried}
    before, since = given_before(conn, report_id)
    then = latest_labels(conn, older, given=before)
    new: list[tuple[int, str]] = []
    if then or len(came) < len(latest):
        rows = conn.execute(
            select(Passage.id, Passage.text).where(Passage.report_id == report_id).order_by(Passage.seq)
        )
        new = [(pid, text) for pid, text in rows]
    if then:
        matched = match_versions(conn, older, then, new).came_over
        came.update(pid for pid in matched if pid in then and latest[pid].id == then[pid].id)
    # Labels given since the store, on the old readings (a late label whose identical sibling's label
    # speaks for it, corrected) or on this one, may have brought more over; without any, nothing more can.
    # On the old readings only a late *copy* can come over without a label on this reading: a person's own
    # late label comes over through a copy or a label here, and either makes `labeled_since` true.
    relabeled = any(
        pid not in came and row.carried_from is not None and (pid not in then or then[pid].id != row.id)
        for pid, row in latest.items()
    )
    labeled_since = (
        exists().where(HumanLabel.passage_id == Passage.id).where(Passage.report_id == report_id, since)
    )
    if len(came) < len(latest) and (relabeled or conn.execute(select(labeled_since)).scalar()):
        came.update(_came_with_later_labels(conn, older, latest, new, came))
    return list(latest), frozenset(came)


def _came_with_later_labels(
    conn: Connection,
    older: Sequence[int],
    latest: dict[int, Any],
    new: Sequence[tuple[int, str]],
    came: set[int],
) -> set[int]:
    """The labeled old passages (not in `came`) whose judgment the new reading holds through labels given
    after it was stored: `match_passages` on the labels as they are now says the new reading stands for
    them, through a source passage (itself, or an identical or near copy labeled alike), and a new passage
    that takes the source's label holds a copy of that label (carry_late_labels brought it), or a label of
    its own with the same labels as theirs (a person labeled both readings alike: one judgment, not two
    examples). A late label no new passage took, or contradicts, stays behind."""
    now = match_versions(conn, older, latest, new)
    rest = [pid for pid in now.came_over if pid not in came and pid in latest]
    if not rest:
        return set()
    held = _latest_rows(conn, now.label_from)
    copied = {
        source
        for pid, source in now.label_from.items()
        if held.get(pid, (None, None))[0] == latest[source].id
    }
    alike = {(source, frozenset(held[pid][1])) for pid, source in now.label_from.items() if pid in held}
    return {
        pid for pid in rest
        if now.through[pid] in copied or (now.through[pid], frozenset(latest[pid].labels)) in alike
    }  # fmt: skip


def carry_labels_over(conn: Connection, old_reports: Sequence[int], new: Sequence[tuple[int, str]]) -> None:
    """A new version of a report keeps the human labels of passages whose words did not change (same
    text but for whitespace) or barely changed (a header removed, a glued word split): `match_passages`.
    Each carried label keeps its annotator, origin and date.

    Without this, re-ingesting an updated report would hide an analyst's corrections, since default
    queries show only the current version's passages.
    """
    latest = latest_labels(conn, old_reports)
    if not latest:
        return
    matches = match_versions(conn, old_reports, latest, new)
    for passage_id, _ in new:  # in the new version's order, as its passages were inserted
        if passage_id not in matches.label_from:
            continue
        row = latest[matches.label_from[passage_id]]
        conn.execute(
            insert(HumanLabel),
            {"passage_id": passage_id, "labels": row.labels, "annotator": row.annotator, "origin": row.origin,
             "created_at": row.created_at, "carried_from": row.id},
        )  # fmt: skip
        set_human_labels(conn, passage_id, row.labels)


def carry_late_labels(conn: Connection, passage_ids: Iterable[int]) -> None:
    """Labels just given to `passage_ids` (inside the caller's write transaction, after they were
    written) come over from those of superseded readings to the reading that superseded each, by the
    rule carry_labels_over follows when a reading is stored, and on along the chain of readings to the
    current one. An import prepared before the report was read again names the old reading's passages.

    A passage of the newer reading takes the label when `match_passages` (run on all the labels of its
    older readings, as they are now) gives it that passage's label, unless the newer passage's latest
    label is a person's own (given to it directly: that one wins); a copy it holds gives way to the new
    one. Nor does it go on to the next reading through an identical sibling of such a passage: the
    person's label speaks for the two there (old_passages). Each copy records the label row it copies
    (`carried_from`), a copy of a copy at each further step, which is what labels_came_over reads.

    A copy an earlier late label left follows the match too: when a later label (a relabel of its source,
    or a label on a rival) makes the match give the passage that stands for the labeled one no label, the
    late copies it holds are taken back, and their copies on the next readings (_take_back). It gets back
    what it held before them; a copy made when it was stored stays (labels_came_over holds that match
    final), and a person's own label is never taken back. So the labels end as they would have had the
    later label come first. The match is this release's: a passage a late label reaches that got nothing
    when its reading was stored by an older rule can get a label now.

    The match runs once per (older readings -> the reading that superseded them) step, however many
    labels were written, and only for the passages just labeled (`stand_ins`: the answer of the full
    match for the new passages that stand for them), so a `label add` scores a few passages, not every
    labeled passage of the old reading again, inside the write lock.
    """
    pending: dict[int, set[int]] = defaultdict(set)  # newer reading -> passages of its older readings
    taken_back: set[int] = set()  # copies deleted on the way (_take_back), whose copies follow them
    for ids in chunks(sorted(set(passage_ids))):
        rows = conn.execute(
            select(Passage.id, Report.superseded_by)
            .join(Report, Report.id == Passage.report_id)
            .where(Passage.id.in_(ids), Report.superseded_by.is_not(None))
        )
        for passage_id, superseded_by in rows:
            pending[cast(int, superseded_by)].add(passage_id)
    while pending:
        # A reading supersedes only readings stored before it (smaller ids): taking the smallest first
        # gathers every source of a step before its match runs.
        newer = min(pending)
        reached = _carry_step(conn, newer, pending.pop(newer), taken_back)
        after = conn.execute(select(Report.superseded_by).where(Report.id == newer)).scalar()
        if reached and after is not None:
            pending[int(after)].update(reached)


def _carry_step(conn: Connection, newer: int, sources: set[int], taken_back: set[int]) -> list[int]:
    """Copy the latest labels of `sources` (passages of readings `newer` superseded) to the passages of
    `newer` the match gives them to, where allowed (carry_late_labels), and take back the late copies the
    match no longer gives the passages that stand for them (_take_back); returns the passages whose labels
    changed or that hold them now."""
    older = conn.execute(select(Report.id).where(Report.superseded_by == newer)).scalars().all()
    latest = latest_labels(conn, older)
    rows = conn.execute(
        select(Passage.id, Passage.text).where(Passage.report_id == newer).order_by(Passage.seq)
    )
    new = [(pid, text) for pid, text in rows]
    # The passages of `newer` that are `sources` read again, with the label the match gives each now:
    # only the passages just labeled (or just reached) look for a new passage, checked against every
    # other labeled passage as the full match does (which runs instead for most of them: an import).
    # Those holding a late copy, or no label, are checked too when one of `sources` may be their rival:
    # a label given to a rival that is closest to nothing takes the copy back all the same, or, alike
    # now, makes the match give the label of the passage closest to them.
    _, since = given_before(conn, newer)
    late = (
        select(HumanLabel.passage_id)
        .join(Passage, Passage.id == HumanLabel.passage_id)
        .where(Passage.report_id == newer, HumanLabel.carried_from.is_not(None), since)
    )
    unlabeled = select(Passage.id).where(
        Passage.report_id == newer, ~exists().where(HumanLabel.passage_id == Passage.id)
    )
    rivaled = conn.execute(late.union(unlabeled)).scalars().all()
    answer = stand_ins(old_passages(conn, older, latest), new, sources, [cast(int, p) for p in rivaled])
    if not answer:
        return []
    # Copies of a copy taken back on an older reading go first, whatever the match gives now: the label
    # they copied is gone, and what the passage held before them decides what it takes below.
    followed = _take_back(conn, since, list(answer), taken_back, late=False) if taken_back else []
    held = _latest_copies(conn, answer)
    copies = []
    reached = []
    stale = []
    for pid, _ in new:  # in the newer reading's order, as carry_labels_over inserts
        if pid not in answer:
            continue
        if pid in held and held[pid] is None:
            continue  # a person's own label on the newer passage wins: the late label stays behind
        source = answer[pid]
        if source is None:
            if pid in held:
                stale.append(pid)  # a copy the match no longer gives it
            continue
        row = latest[source]
        # Another passage's label, which it holds already: nothing changed. One that holds none takes it:
        # a label given since (to a rival, or to a passage closest to it too) made the two agree.
        if source not in sources and held.get(pid) == row.id:
            continue
        reached.append(pid)
        if pid in held and held[pid] == row.id:
            continue  # a copy of this very label is there already
        copies.append(
            {"passage_id": pid, "labels": row.labels, "annotator": row.annotator, "origin": row.origin,
             "created_at": row.created_at, "carried_from": row.id}
        )  # fmt: skip
    if copies:
        conn.execute(insert(HumanLabel), copies)
        set_human_labels_many(conn, {c["passage_id"]: c["labels"] for c in copies})
    return list(dict.fromkeys([*followed, *reached, *_take_back(conn, since, stale, taken_back)]))


def _take_back(
    conn: Connection,
    since: ColumnElement[bool],
    passage_ids: Sequence[int],
    taken_back: set[int],
    *,
    late: bool = True,
) -> list[int]:
    """Delete the late copies at the end of the label histories of `passage_ids` (passages of a reading
    `newer` the match no longer gives a label): copies carry_late_labels made after `newer` was stored
    (`since`, given_before's second condition for it), of labels given since or before (unless not `late`:
    for passages the match may still give one), and copies of a copy taken back on an older reading (in
    `taken_back`, which gets the ids deleted here). What a passage held before them is its label again: a
    copy made when `newer` was stored (the match of then, which labels_came_over holds final), a person's
    own label (never taken back), or none (the model's labels). Returns the passages whose labels
    changed."""
    if not passage_ids:
        return []
    removed: list[int] = []
    changed: list[int] = []
    for ids in chunks(sorted(passage_ids)):
        copies = set(
            conn.execute(
                select(HumanLabel.id).where(
                    HumanLabel.passage_id.in_(ids), HumanLabel.carried_from.is_not(None), since
                )
            ).scalars()
            if late
            else ()
        )
        history: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
        rows = conn.execute(
            select(HumanLabel.passage_id, HumanLabel.id, HumanLabel.carried_from)
            .where(HumanLabel.passage_id.in_(ids))
            .order_by(HumanLabel.id)
        )
        for pid, label_id, carried in rows:
            history[cast(int, pid)].append((label_id, carried))
        for pid, labels in history.items():
            end = len(labels)
            while end and (labels[end - 1][0] in copies or labels[end - 1][1] in taken_back):
                end -= 1
            if end < len(labels):
                removed += [label_id for label_id, _ in labels[end:]]
                changed.append(pid)
    for ids in chunks(removed):
        conn.execute(delete(HumanLabel).where(HumanLabel.id.in_(ids)))
    taken_back.update(removed)
    if changed:
        held = _latest_rows(conn, changed)
        for ids in chunks(changed):
            conn.execute(delete(CurrentLabel).where(CurrentLabel.passage_id.in_(ids)))
        set_human_labels_many(conn, {pid: labels for pid, (_, labels) in held.items()})
        refresh_model_labels(conn, [pid for pid in changed if pid not in held])
    return changed


def _latest_copies(conn: Connection, passage_ids: Iterable[int]) -> dict[int, int | None]:
    """For each of `passage_ids` a person labeled: the label row its latest label copies (`carried_from`),
    or None when that label was given to it directly."""
    return {pid: carried for pid, (carried, _) in _latest_rows(conn, passage_ids).items()}


def newest_label_rows(conn: Connection, keys: Sequence[_T], *, free_texts: bool = False) -> list[Row[Any]]:
    """The newest human label (every column) of each of `keys` that has one: passage ids, or with
    `free_texts` the texts of labeled examples that are not stored passages. A statement per 500 keys."""
    by = HumanLabel.text if free_texts else HumanLabel.passage_id
    where = [HumanLabel.passage_id.is_(None)] if free_texts else []
    rows: list[Row[Any]] = []
    for some in chunks(keys):
        newest = select(func.max(HumanLabel.id)).where(by.in_(some), *where).group_by(by)
        rows += conn.execute(select(*HumanLabel.__table__.c).where(HumanLabel.id.in_(newest))).all()
    return rows


def _latest_rows(conn: Connection, passage_ids: Iterable[int]) -> dict[int, tuple[int | None, list[str]]]:
    """For each of `passage_ids` a person labeled: (`carried_from`, labels) of its latest label."""
    return {
        int(row.passage_id): (row.carried_from, list(row.labels))
        for row in newest_label_rows(conn, sorted(passage_ids))
    }


def rebuild(conn: Connection) -> None:
    """Recompute every row from scratch: the repair tool, and the yardstick tests hold the rest to."""
    conn.execute(delete(CurrentLabel))
    latest = (
        select(func.max(HumanLabel.id))
        .where(HumanLabel.passage_id.is_not(None))
        .group_by(HumanLabel.passage_id)
    )
    rows = conn.execute(select(HumanLabel.passage_id, HumanLabel.labels).where(HumanLabel.id.in_(latest)))
    for passage_id, labels in rows.all():
        set_human_labels(conn, cast(int, passage_id), labels)
    refresh_model_labels(conn)
