"""Human and imported gold labels: adding them, their history, and the examples retraining reads (whether a
label given is the one in force already, `same_label`: corpus/label_in_force.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select

from corpus.base import StoreBase
from corpus.engine import PG_LOCK_LABELS
from corpus.errors import CorpusError
from corpus.filters import language_code
from corpus.label_in_force import (
    NO_LANG,
    LabelKeys,
    changing_in_time,
    in_force_on_passages,
    in_force_on_texts,
    is_language_code,
    label_keys,
    lang_key,
    stored_lang,
)
from corpus.labelstate import (
    carry_late_labels,
    chunks,
    labels_came_over,
    newest_label_rows,
    rebuild,
    set_human_labels_many,
)
from corpus.records import LabelRow
from corpus.schema import CurrentLabel, HumanLabel, Passage, Report, utcnow
from corpus.taxonomy import validate_labels
from corpus.text_lookup import PG_INT_MAX, Named, Placed, passages_with_words, place_labels

LABEL_ORIGINS: tuple[str, ...] = ("human", "gold", "import", "seed")


class GivenLabel(NamedTuple):
    """A label a label file gives: the label set, who gave it, and `restates`, the origin the file says
    it had (`citsec label export` writes it). Compared with the label in force, so that a store's own
    export imported back is recognised as what it holds, and stored as the label's origin, as the
    annotator is: a person's label exported from one store and imported into another is a person's label
    there too, and the round trip back changes nothing (a user review found every hand label recorded
    again, as "import", after SQLite -> PostgreSQL -> SQLite). Without one, the route's origin."""

    labels: Iterable[str]
    annotator: str | None
    restates: str | None = None
    # When the label was given, as the file says (`label export` writes "created_at"): the label keeps
    # that time, and a label given after it (the label in force is newer) is not overridden by it.
    given_at: dt.datetime | None = None


class LabelImport(NamedTuple):
    """What Corpus.import_labels wrote: per passage item and per text item, the label id or None (it
    would change nothing, or it was given before the label in force); and the positions of the items
    left out only for that: they would have replaced a label given after them."""

    on_passages: list[int | None]
    on_texts: list[int | None]
    older_passages: set[int]
    older_texts: set[int]


class LabelsMixin(StoreBase):
    def add_labels(
        self,
        passage_id: int,
        labels: Iterable[str],
        *,
        annotator: str | None = None,
        origin: str = "human",
    ) -> int:
        """Record a person's label set for a stored passage (empty = "discusses no strategy").

        It becomes the passage's effective labels at once, overriding the model. On a passage of a
        superseded reading it also comes over to the newer readings' passage that stands for it
        (corpus.labelstate.carry_late_labels), unless that passage has a person's own label. Returns the
        label id.
        """
        return self.add_labels_many([(passage_id, labels)], annotator=annotator, origin=origin)[0]

    def add_labels_many(
        self,
        items: Iterable[tuple[int, Iterable[str]]],
        *,
        annotator: str | None = None,
        origin: str = "human",
        if_changed: bool = False,
    ) -> list[int]:
        """Several (passage_id, labels) in one transaction, for imports; later items win. Labels on
        passages of superseded readings come over as in add_labels, one match per reading, not per label.

        Returns the ids of the labels written, one per item; with `if_changed` (what `citsec label
        add|none` use), only those of the items that change something: an item identical to the label in
        force is not recorded again (see `same_label`), so giving a label twice leaves the history as it
        was."""
        given = [(pid, GivenLabel(labels, annotator)) for pid, labels in items]
        written = self._add_passage_labels(given, origin=origin, if_changed=if_changed)
        return [label_id for label_id in written if label_id is not None]

    def import_labels(
        self,
        on_passages: Iterable[tuple[int, GivenLabel]],
        on_texts: Iterable[tuple[str, str | None, GivenLabel]],
    ) -> LabelImport:
        """A label file's labels, for stored passages (import_passage_labels) and for free texts
        (import_text_labels), in ONE transaction: a failure anywhere stores none of them. Returns what
        the two return, and which items were given before the label in force (GivenLabel.given_at) and so
        left out."""
        passages = self._checked_passage_labels(on_passages, origin="import")
        texts = self._checked_text_labels(on_texts, origin="import")
        if not passages and not texts:
            return LabelImport([], [], set(), set())
        with self._write(PG_LOCK_LABELS) as conn:
            written, older = _write_passage_labels(conn, passages, origin="import", if_changed=True)
            written_texts, older_texts = _write_text_labels(conn, texts, origin="import", if_changed=True)
            return LabelImport(written, written_texts, older, older_texts)

    def import_passage_labels(self, items: Iterable[tuple[int, GivenLabel]]) -> list[int | None]:
        """A label file's labels for stored passages (`citsec label import`), each with its own annotator,
        in one transaction, stored with origin "import"; the later given wins (file order for equal times).

        An item identical to the label in force (`same_label`, or the label in force itself as the file
        restates it: GivenLabel.restates) records nothing, so a file imported again, or a store's own
        export imported back, leaves the history as it was. Returns, for each item, the id of the label
        written, or None where it changed nothing."""
        return self._add_passage_labels(list(items), origin="import", if_changed=True)

    def _add_passage_labels(
        self, items: Iterable[tuple[int, GivenLabel]], *, origin: str, if_changed: bool
    ) -> list[int | None]:
        checked = self._checked_passage_labels(items, origin=origin)
        if not checked:
            return []  # no write lock taken for nothing
        with self._write(PG_LOCK_LABELS) as conn:
            return _write_passage_labels(conn, checked, origin=origin, if_changed=if_changed)[0]

    @staticmethod
    def _checked_passage_labels(
        items: Iterable[tuple[int, GivenLabel]], *, origin: str
    ) -> list[tuple[int, GivenLabel]]:
        _check_origin(origin)
        return [(int(pid), _checked(given)) for pid, given in items]

    def add_text_labels(
        self,
        text: str,
        labels: Iterable[str],
        *,
        lang: str | None = None,
        annotator: str | None = None,
        origin: str = "import",
    ) -> int:
        """Labels for a text that is not a stored passage (imported gold, seed sets): training data only."""
        return self.add_text_labels_many([(text, labels, lang)], annotator=annotator, origin=origin)[0]

    def add_text_labels_many(
        self,
        items: Iterable[tuple[str, Iterable[str], str | None]],
        *,
        annotator: str | None = None,
        origin: str = "import",
        if_changed: bool = False,
    ) -> list[int]:
        """Several (text, labels, lang) for texts that are not stored passages, in one transaction; a text
        given again gets a newer label (the latest one per text is in force), later items win.

        Returns the ids of the labels written, one per item; with `if_changed`, only those of the items
        that change something, as in add_labels_many: an item identical to the text's label in force (the
        same labels, annotator, origin and language: see `same_label`) is not recorded again."""
        given = [(text, lang, GivenLabel(labels, annotator)) for text, labels, lang in items]
        written = self._add_text_labels(given, origin=origin, if_changed=if_changed)
        return [label_id for label_id in written if label_id is not None]

    def import_text_labels(self, items: Iterable[tuple[str, str | None, GivenLabel]]) -> list[int | None]:
        """A label file's (text, lang, label) items for texts that are not stored passages, stored with
        origin "import" and each item's annotator, as import_passage_labels does for passages (an item
        identical to the text's label in force, its language included, records nothing). Returns, for
        each item, the id of the label written, or None where it changed nothing."""
        return self._add_text_labels(list(items), origin="import", if_changed=True)

    def _add_text_labels(
        self, items: Iterable[tuple[str, str | None, GivenLabel]], *, origin: str, if_changed: bool
    ) -> list[int | None]:
        checked = self._checked_text_labels(items, origin=origin)
        if not checked:
            return []
        # Under the labels lock, as passage labels are: two imports of one file at once record it once.
        with self._write(PG_LOCK_LABELS) as conn:
            return _write_text_labels(conn, checked, origin=origin, if_changed=if_changed)[0]

    @staticmethod
    def _checked_text_labels(
        items: Iterable[tuple[str, str | None, GivenLabel]], *, origin: str
    ) -> list[_TextItem]:
        """The items with their labels checked and their language as passages are stored ("es-MX" is
        "es"). A language that is not a code ("portuguese", stored by older releases) is kept as given
        here: _write_text_labels accepts it only for a text whose label in force has that very language."""
        _check_origin(origin)
        checked: list[_TextItem] = []
        for text, lang, given in items:
            if not text.strip():
                raise CorpusError("a labeled text must not be empty")
            if "\x00" in text:
                raise CorpusError("a labeled text must not hold a NUL character")
            checked.append((text, (_checked(given), stored_lang(lang) if lang else None)))
        return checked

    def passages_with_text(self, texts: Iterable[str]) -> dict[str, list[int]]:
        """The stored passages that hold each of `texts` (the same words, whitespace aside); a text no
        passage holds is left out. Current readings first (corpus.text_lookup.passages_with_words). One
        scan of the store, in batches."""
        with self._read() as conn:
            return passages_with_words(conn, set(texts))

    def place_labels(self, named: Sequence[Named]) -> list[Placed]:
        """Where each label of a label file that names a passage (passage_id, its text and its report's
        sha256 and seq when the file gives them) goes: that passage when it holds the text there, else the
        passage at that place of that report, else every passage holding the text (a file exported from
        another store names passages by that store's ids: re-attached). See
        corpus.text_lookup.place_labels; the store is scanned only when some label needs it."""
        with self._read() as conn:
            return place_labels(conn, named)

    def passage_places(self, passage_ids: Iterable[int]) -> dict[int, tuple[str | None, int]]:
        """For each stored passage of `passage_ids`: its report's sha256 and its position there (seq),
        which name it in any store holding that report (`label export` writes them)."""
        places: dict[int, tuple[str | None, int]] = {}
        with self._read() as conn:
            for ids in chunks(sorted({int(pid) for pid in passage_ids if int(pid) <= PG_INT_MAX})):
                rows = conn.execute(
                    select(Passage.id, Report.sha256, Passage.seq)
                    .join(Report, Report.id == Passage.report_id)
                    .where(Passage.id.in_(ids))
                )
                places.update((int(pid), (sha, int(seq))) for pid, sha, seq in rows)
        return places

    def passages_copying(self, label_id: int) -> list[int]:
        """The passages of newer readings of a report that hold a copy of label `label_id` (it came over
        to them: corpus.labelstate.carry_late_labels)."""
        stmt = select(HumanLabel.passage_id).where(HumanLabel.carried_from == label_id)
        with self._read() as conn:
            return sorted(int(pid) for pid in conn.execute(stmt).scalars() if pid is not None)

    def labels_in_force(self, passage_ids: Iterable[int]) -> dict[int, LabelRow]:
        """The label in force of each of these passages a person labeled (a statement per 500 ids)."""
        asked = sorted({int(pid) for pid in passage_ids if 0 < int(pid) <= PG_INT_MAX})
        with self._read() as conn:
            return {int(row.passage_id): _label_row(row) for row in newest_label_rows(conn, asked)}

    def latest_labels(self, passage_id: int) -> LabelRow | None:
        """The label set in force for a passage, or None when no person labeled it."""
        history = self.label_history(passage_id)
        return history[-1] if history else None

    def label_history(self, passage_id: int) -> list[LabelRow]:
        """Every label set given for a passage, oldest first."""
        stmt = (
            select(*HumanLabel.__table__.c).where(HumanLabel.passage_id == passage_id).order_by(HumanLabel.id)
        )
        with self._read() as conn:
            return [_label_row(row) for row in conn.execute(stmt)]

    def label_lineage(self, passage_id: int, seen: set[int] | None = None) -> list[LabelRow]:
        """A passage's label history, oldest first, reaching back across readings of its report: before a
        label that came over from a passage of an older reading (a copy: `carried_from`), the labels that
        passage was given before it, and so on back. Each label shows once (a copy stands for its
        source); `seen`, updated, holds the label ids shown already, for a caller that walks several
        passages (`label export --history`: an older passage exported on its own too)."""
        with self._read() as conn:
            return _lineage(conn, passage_id, upto=None, seen=set() if seen is None else seen)

    def labeled_examples(self) -> Iterator[LabelRow]:
        """Training examples: each labeled passage once (its latest label, with its text and report), then
        each labeled free text once (its latest label).

        A passage of an older version of a report (a changed file, a report read again by newer
        extractors) whose label came over to the next version's passage with the same or nearly the same
        words (carry_labels_over, corpus.passage_match; or carry_late_labels for a label given to the old
        passage after the next version was stored) is left out: that passage stands for it. One whose
        label did not come over keeps its own: nothing else holds that judgment."""
        latest = (
            select(func.max(HumanLabel.id))
            .where(HumanLabel.passage_id.is_not(None))
            .group_by(HumanLabel.passage_id)
        )
        on_passages = (
            select(
                *[c for c in HumanLabel.__table__.c if c.name not in ("text", "lang")],
                Passage.text,
                Passage.lang,
                Passage.report_id,
                Passage.kind,
                Report.superseded_by,
            )
            .join(Passage, Passage.id == HumanLabel.passage_id)
            .join(Report, Report.id == Passage.report_id)
            .where(HumanLabel.id.in_(latest))
            .order_by(HumanLabel.id)
        )
        # A text imported again (a corrected file) is one example: its latest label is the one in force.
        latest_free = (
            select(func.max(HumanLabel.id)).where(HumanLabel.passage_id.is_(None)).group_by(HumanLabel.text)
        )
        free = select(*HumanLabel.__table__.c).where(HumanLabel.id.in_(latest_free)).order_by(HumanLabel.id)
        with self._read() as conn:
            came_over: dict[int, frozenset[int]] = {}  # per next version: the old passages it stands for
            rows = conn.execute(on_passages).all()  # read whole: the loop below queries on this connection
            for row in rows:
                if row.superseded_by is not None:
                    next_version = int(row.superseded_by)
                    if next_version not in came_over:
                        came_over[next_version] = labels_came_over(conn, next_version)[1]
                    if row.passage_id in came_over[next_version]:
                        continue
                yield _label_row(row)
            for row in conn.execute(free.execution_options(stream_results=True, yield_per=1000)):
                yield _label_row(row)

    def text_label_history(self, text: str) -> list[LabelRow]:
        """Every label given to a free text (not a stored passage), oldest first."""
        stmt = (
            select(*HumanLabel.__table__.c)
            .where(HumanLabel.passage_id.is_(None), HumanLabel.text == text)
            .order_by(HumanLabel.id)
        )
        with self._read() as conn:
            return [_label_row(row) for row in conn.execute(stmt)]

    def count_labels(self) -> int:
        """How many passages carry a human label, plus labeled free texts."""
        with self._read() as conn:
            on_passages = conn.execute(select(func.count(func.distinct(HumanLabel.passage_id)))).scalar_one()
            free = conn.execute(
                select(func.count(func.distinct(HumanLabel.text))).where(HumanLabel.passage_id.is_(None))
            ).scalar_one()
        return int(on_passages) + int(free)

    def model_labels(self) -> dict[int, frozenset[str]]:
        """The labels each passage holds from the promoted model (no human label on it; a passage the
        model gives no label is not in it): what labeling the store again changes."""
        held: dict[int, set[str]] = {}
        stmt = select(CurrentLabel.passage_id, CurrentLabel.label).where(CurrentLabel.origin == "model")
        with self._read() as conn:
            for passage_id, label in conn.execute(stmt):
                held.setdefault(passage_id, set()).add(label)
        return {passage_id: frozenset(labels) for passage_id, labels in held.items()}

    def rebuild_current_labels(self) -> None:
        """Recompute every passage's effective labels from labels and predictions (a repair tool)."""
        with self._write(PG_LOCK_LABELS) as conn:
            rebuild(conn)


_TextItem = tuple[str, tuple[GivenLabel, str | None]]  # a free text, its label and its language


def _write_passage_labels(
    conn: Connection, checked: Sequence[tuple[int, GivenLabel]], *, origin: str, if_changed: bool
) -> tuple[list[int | None], set[int]]:
    """Write checked (passage_id, label) items inside the caller's write transaction (LabelsMixin.
    _add_passage_labels says how). Returns each item's label id (or None) and the positions of the items
    that would have changed the label in force but were given before it (label_in_force.changing_in_time)."""
    written: list[int | None] = [None] * len(checked)
    older: set[int] = set()
    if not checked:
        return written, older
    wanted = {pid for pid, _ in checked}
    asked = sorted(pid for pid in wanted if 0 < pid <= PG_INT_MAX)  # no passage has another id
    known: set[int] = set()
    for ids in chunks(asked):
        known.update(conn.execute(select(Passage.id).where(Passage.id.in_(ids))).scalars())
    missing = sorted(wanted - known)
    if missing:
        raise CorpusError(f"no passage with id {missing[0]}")
    todo: Sequence[int] = range(len(checked))
    if if_changed:
        held = in_force_on_passages(conn, sorted(wanted))

        def keys(given: GivenLabel) -> LabelKeys:
            return label_keys(given, _stored_origin(given, origin), from_file=origin == "import")

        todo, older = changing_in_time(checked, held, keys, lambda given: given.given_at)
    for index in todo:
        pid, given = checked[index]
        row = {"passage_id": pid, "labels": given.labels, "annotator": given.annotator,
               "origin": _stored_origin(given, origin), "created_at": given.given_at or utcnow()}  # fmt: skip
        written[index] = _insert_label(conn, row)
    set_human_labels_many(conn, {checked[i][0]: checked[i][1].labels for i in todo})  # last wins
    # A passage of a superseded reading (an id from an export made before the report was read again): its
    # label comes over to the current reading, as it would have at store time.
    carry_late_labels(conn, {checked[i][0] for i in todo})
    return written, older


def _write_text_labels(
    conn: Connection, checked: Sequence[_TextItem], *, origin: str, if_changed: bool
) -> tuple[list[int | None], set[int]]:
    """Write checked free-text items inside the caller's write transaction. A language that is not a code
    stands only where the text's label in force has that very language (a label stored by an older
    release, which kept "lang" as given): the store's own export then imports back, and a correction of
    that label keeps its language; anywhere else it is refused. Returns as _write_passage_labels does."""
    written: list[int | None] = [None] * len(checked)
    older: set[int] = set()
    if not checked:
        return written, older
    held = in_force_on_texts(conn, sorted({text for text, _ in checked}))
    for text, (_, lang) in checked:
        if lang is not None and not is_language_code(lang) and held.get(text, NO_LANG).lang != lang:
            language_code(lang)  # raises CorpusError, saying why
    todo: Sequence[int] = range(len(checked))
    if if_changed:
        def keys(item: tuple[GivenLabel, str | None]) -> LabelKeys:
            return label_keys(
                item[0], _stored_origin(item[0], origin), (lang_key(item[1]),), from_file=origin == "import"
            )

        todo, older = changing_in_time(checked, held, keys, lambda item: item[0].given_at)
    for index in todo:
        text, (given, lang) = checked[index]
        row = {"text": text, "lang": lang, "labels": given.labels, "annotator": given.annotator,
               "origin": _stored_origin(given, origin), "created_at": given.given_at or utcnow()}  # fmt: skip
        written[index] = _insert_label(conn, row)
    return written, older


def _insert_label(conn: Connection, row: dict[str, Any]) -> int:
    return int(conn.execute(insert(HumanLabel).returning(HumanLabel.id), row).scalar_one())


ANNOTATOR_LENGTH = 200  # labels.annotator: PostgreSQL refuses a longer name with a database error


def _checked(given: GivenLabel) -> GivenLabel:
    """`given` with its labels validated (sorted, unique), its annotator one the store can hold, and the
    origin it restates checked."""
    if given.restates is not None:
        _check_origin(given.restates)
    if given.annotator is not None and len(given.annotator) > ANNOTATOR_LENGTH:
        raise CorpusError(f"an annotator's name has at most {ANNOTATOR_LENGTH} characters")
    if given.annotator is not None and "\x00" in given.annotator:
        raise CorpusError("an annotator's name must not hold a NUL character")
    given_at = given.given_at
    if given_at is not None and given_at.tzinfo is None:
        given_at = given_at.replace(tzinfo=dt.UTC)  # a time without a zone is UTC, as the store keeps it
    return GivenLabel(validate_labels(given.labels), given.annotator, given.restates, given_at)


def _stored_origin(given: GivenLabel, origin: str) -> str:
    """The origin a label is stored with: the one its line gives (a label a person gave in one store is
    still a person's in the store its export goes to, so a round trip between stores changes nothing),
    else the route it came by (`origin`)."""
    return given.restates or origin


def _check_origin(origin: str) -> None:
    if origin not in LABEL_ORIGINS:
        raise CorpusError(f"unknown label origin {origin!r}; expected one of {', '.join(LABEL_ORIGINS)}")


def _lineage(conn: Connection, passage_id: int, upto: int | None, seen: set[int]) -> list[LabelRow]:
    """Corpus.label_lineage: the labels of `passage_id` up to label `upto` (when set: the source of a
    copy, which the copy stands for, so it is walked back from but not shown), each copy preceded by its
    source passage's earlier labels (a copy of a copy, after a third reading, leads further back). A copy
    is always newer than its source, so the walk back ends."""
    stmt = select(*HumanLabel.__table__.c).where(HumanLabel.passage_id == passage_id)
    if upto is not None:
        stmt = stmt.where(HumanLabel.id <= upto)
    lineage: list[LabelRow] = []
    for row in conn.execute(stmt.order_by(HumanLabel.id)).all():
        if row.id in seen or row.carried_from in seen:  # shown, or a copy of a label shown
            seen.add(row.id)
            continue
        if row.carried_from is not None:
            source = conn.execute(
                select(HumanLabel.passage_id).where(HumanLabel.id == row.carried_from)
            ).scalar()
            if source is not None:
                lineage.extend(_lineage(conn, int(source), row.carried_from, seen))
        seen.update(i for i in (row.id, row.carried_from) if i is not None)
        if row.id != upto:
            lineage.append(_label_row(row))
    return lineage


def _label_row(row: Any) -> LabelRow:
    r = row._mapping
    return LabelRow(
        id=r["id"],
        passage_id=r["passage_id"],
        text=r["text"],
        lang=r["lang"],
        labels=list(r["labels"] or []),
        annotator=r["annotator"],
        origin=r["origin"],
        created_at=r["created_at"],
        report_id=r.get("report_id"),
        kind=r.get("kind"),
        carried_from=r.get("carried_from"),
    )
