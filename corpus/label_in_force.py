"""Is a label given now the label in force already? An import, `label add` or `label none` records a line
only when it changes something (corpus.labels): the same labels from the same annotator by the same route
are the label in force (`same_label`), and a file that ends where a passage already is records nothing.
Free texts compare their languages by code ("es-MX" stored by an older release is "es" given now)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from corpus.errors import CorpusError
from corpus.filters import language_code
from corpus.labelstate import newest_label_rows

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from corpus.labels import GivenLabel


def is_language_code(lang: str) -> bool:
    try:
        language_code(lang)
    except CorpusError:
        return False
    return True


def stored_lang(lang: str) -> str:
    """A language as it is stored: its code (language_code), or, when it is none, as given."""
    try:
        return language_code(lang)
    except CorpusError:
        return lang


def lang_key(lang: str | None) -> str | None:
    """What `same_label` compares of a free text's language: its code, so that "es-MX" stored by an older
    release is "es" given now; a language that is not a code (stored "portuguese") compares as itself."""
    return None if lang is None else stored_lang(lang)


_K = TypeVar("_K", int, str)  # a passage id, or a free text
_G = TypeVar("_G")  # what an item gives: its label (and a free text's language)


class LabelKeys(NamedTuple):
    """An item's `same_label` keys: of the row it would write, and of the label in force it restates."""

    writes: Hashable
    restates: Hashable | None  # None: the item says nothing of where its label came from
    # A label file's line that gives no origin: its labels and annotator (and a text's language), which
    # the label in force agrees with whatever its origin (`agreed`); None for any other item.
    agrees: Hashable | None = None


class InForce(NamedTuple):
    """The `same_label` key of a passage's (or text's) label in force, whether that label is a copy
    of another passage's (carried over when a report was read again), and a free text's language as
    stored."""

    key: Hashable
    copy: bool = False
    lang: str | None = None
    at: dt.datetime | None = None  # when it was given (None for a label an item of this import gives)


NO_LANG = InForce(None)


def same_label(held: Hashable | None, given: Hashable) -> bool:
    """Whether two `same_label` keys are one label: the same label set (sorted, as validate_labels gives
    it; an empty set is "none"), the same annotator (no annotator only matches no annotator) and the same
    origin ("human", "import", ...); for a free text also the same language. `held` is None when nothing
    is in force. A different set, or the same set from another annotator or by another route (a person's
    `label add` after an import), is a new label: it supersedes the one in force and both stay in the
    history.

    An item is identical to the label in force (`identical`), so that recording it would change nothing,
    when it would write that very row, or when it restates it: a label file (`label export`) gives the
    label in force's labels, annotator and origin, or, giving no origin, its labels and annotator
    (`agrees`: a person's own file imported after they labeled by hand). A copy of another passage's label
    is only ever identical to a restatement of it: a label given to the passage itself is the person's own,
    which later labels of the old passage no longer override (corpus.labelstate.carry_late_labels), so it
    is recorded; a store's own export imported back is not such a label."""
    return held is not None and held == given


def identical(in_force: InForce | None, given: LabelKeys) -> bool:
    """`same_label` for an item against the label in force (None: there is none)."""
    if in_force is None:
        return False
    if given.restates is not None and same_label(in_force.key, given.restates):
        return True
    if given.agrees is not None and not in_force.copy and _without_origin(in_force.key) == given.agrees:
        return True
    return not in_force.copy and same_label(in_force.key, given.writes)


def _without_origin(key: Hashable) -> Hashable:
    """A `same_label` key (labels, annotator, origin, *extra) without its origin."""
    labels, annotator, _, *extra = cast(tuple[Any, ...], key)
    return (labels, annotator, *extra)


def changing(
    items: Sequence[tuple[_K, _G]], held: Mapping[_K, InForce], keys: Callable[[_G], LabelKeys]
) -> list[int]:
    """The positions of the items that change something, in order. `held` is the label in force of each
    passage (or text) that has one; `keys(given)` an item's keys.

    An item is left out when it is identical to the label in force just before it: the stored one, or the
    one an earlier item for the same passage just gave (a file that repeats a line records it once). And
    every item for a passage is left out when the last of them is identical to the stored label in force:
    the file would end where the passage already is. So a file that labels a passage twice (a line, then
    its correction further down) imported again changes nothing either; imported over another label, it
    records both, as before."""
    last = {target: index for index, (target, _) in enumerate(items)}
    settled = {target for target, at in last.items() if identical(held.get(target), keys(items[at][1]))}
    now = dict(held)
    changing = []
    for index, (target, given) in enumerate(items):
        item_keys = keys(given)
        if target in settled or identical(now.get(target), item_keys):
            continue
        now[target] = InForce(item_keys.writes)
        changing.append(index)
    return changing


def label_keys(
    given: GivenLabel, origin: str, extra: tuple[Hashable, ...] = (), *, from_file: bool = False
) -> LabelKeys:
    """An item's keys, stored with `origin`; `extra` (a free text's language) ends them. `from_file`: a
    label file's line (`label import`), which, when it gives no origin, is the label in force when that
    has its labels and annotator by any route (the import's help: "and its origin if given")."""
    labels = tuple(given.labels)
    restates = None if given.restates is None else (labels, given.annotator, given.restates, *extra)
    agrees = (labels, given.annotator, *extra) if from_file and given.restates is None else None
    return LabelKeys((labels, given.annotator, origin, *extra), restates, agrees)


def changing_in_time(
    items: Sequence[tuple[_K, _G]], held: Mapping[_K, InForce], keys: Callable[[_G], LabelKeys],
    given_at: Callable[[_G], dt.datetime | None],
) -> tuple[list[int], set[int]]:
    """`changing` for items that may say when they were given (a label file's "created_at"): the positions
    to write, in the order to write them, and those left out because they were given before the label in
    force and would have changed it (an export imported after a colleague's correction would undo it).
    Those are left out first, so a newer item after an older, identical one is still a change.

    Items are taken in the order they were given, not as the file lists them: of two lines for one passage
    (a file several people's exports were joined into), the later given is the label in force and is
    written last; an item that does not say when stands for now, after every one that does (file order
    among equals)."""
    order = sorted(range(len(items)), key=lambda i: _when(given_at(items[i][1])))
    timed = [items[i] for i in order]
    stale = [_before(given_at(item), held.get(target)) for target, item in timed]
    if not any(stale):
        return [order[j] for j in changing(timed, held, keys)], set()
    fresh = [i for i, old in enumerate(stale) if not old]
    todo = [fresh[j] for j in changing([timed[i] for i in fresh], held, keys)]
    return [order[j] for j in todo], {order[i] for i in changing(timed, held, keys) if stale[i]}


def _when(at: dt.datetime | None) -> tuple[bool, dt.datetime]:
    """Sort key of an item's time: an item that does not say when comes after all that do."""
    return (at is None, at or dt.datetime.min.replace(tzinfo=dt.UTC))


def _before(at: dt.datetime | None, in_force: InForce | None) -> bool:
    return at is not None and in_force is not None and in_force.at is not None and at < in_force.at


def in_force_on_passages(conn: Connection, passage_ids: Sequence[int]) -> dict[int, InForce]:
    """The label in force of each labeled passage (a copy of another passage's marked so): a few queries,
    not one per passage."""
    return {
        int(row.passage_id): InForce(
            stored_key(row), copy=row.carried_from is not None, at=row.created_at
        )
        for row in newest_label_rows(conn, passage_ids)
    }


def in_force_on_texts(conn: Connection, texts: Sequence[str]) -> dict[str, InForce]:
    """The label in force of each labeled free text, its language in its key."""
    rows = newest_label_rows(conn, texts, free_texts=True)
    return {
        str(row.text): InForce(
            (*stored_key(row), lang_key(row.lang)), lang=row.lang, at=row.created_at
        )
        for row in rows
    }


def stored_key(row: Any) -> tuple[tuple[str, ...], str | None, str]:
    """A stored label's (labels, annotator, origin), its labels sorted as validate_labels gives them."""
    return tuple(sorted(set(row.labels or []))), row.annotator, row.origin
