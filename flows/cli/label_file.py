"""Label files: JSON lines {"passage_id", "labels"} (stored passages) or {"text", "labels", "lang"?}
(texts not in the store), with "annotator", "origin" and "created_at" when they come from `label export`,
and for a stored passage its report's "report_sha256" and its "seq" there (what names it in another store).
Reading and checking a file's lines, placing them on this store's passages, importing them in one
transaction, exporting. A file is checked whole before anything is stored: a bad line names itself and
nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from flows.cli.common import UserError, unicode_text

if TYPE_CHECKING:
    from corpus import Corpus, LabelRow


@dataclass(frozen=True)
class LabelLine:
    """One valid line: labels for a stored passage (`passage_id`) or for a free text, and, when the line
    says, who gave them (`gives_annotator`: null is "nobody named") and the origin they had where the line
    was exported."""

    number: int
    labels: list[str]
    passage_id: int | None = None
    text: str | None = None
    lang: str | None = None
    annotator: str | None = None
    gives_annotator: bool = False
    origin: str | None = None
    report_sha256: str | None = None
    seq: int | None = None
    created_at: dt.datetime | None = None  # when the label was given, as `label export` writes it


def _labels(value: Any, where: str) -> list[str]:
    from corpus import CorpusError, validate_label_set

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{where}: \"labels\" must be a list of label names (may be empty)")
    try:
        return validate_label_set(value)
    except CorpusError as exc:
        raise UserError(f"{where}: {exc}") from None


def _annotator(value: Any, where: str) -> str | None:
    """A line's "annotator": a name the store can hold, or null (the label's giver is not known)."""
    if value is None:
        return None
    from corpus.labels import ANNOTATOR_LENGTH

    wrong = f"{where}: \"annotator\" must be a name (a string of 1 to {ANNOTATOR_LENGTH} characters) or null"
    if not isinstance(value, str) or not value.strip() or len(value) > ANNOTATOR_LENGTH:
        raise UserError(wrong)
    if "\x00" in value:
        raise UserError(f"{wrong}, without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"{wrong}, in valid Unicode") from None
    return value


def _language(value: str, where: str) -> str:
    """A line's "lang" as passages are stored ("spa" and "es-MX" are "es"): a language no passage is
    stored in would leave the label matching no language's passages, and PostgreSQL holds 8 characters.
    One that is not a code ("portuguese") is kept as given when it fits: older releases stored it, and
    their exports must import back; `language_problems` names it unless the text's label in force has it."""
    from corpus import CorpusError
    from corpus.filters import language_code

    try:
        return language_code(value)
    except CorpusError as exc:
        if "\x00" in value or not value.strip():
            raise UserError(f"{where}: \"lang\": {exc}") from None
        return value


SHA256 = re.compile(r"[0-9a-f]{64}")
PG_INT_MAX = 2**31 - 1  # the largest passage id or seq a store holds


def _place(row: dict[str, Any], where: str) -> tuple[str | None, int | None]:
    """A line's "report_sha256" and "seq" (`label export` writes them for a stored passage's label): both,
    or neither (null or left out)."""
    sha, seq = row.get("report_sha256"), row.get("seq")
    if sha is None and seq is None:
        return None, None
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        raise UserError(f"{where}: \"report_sha256\" must be a report's sha256 (64 hex digits) with \"seq\"")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= PG_INT_MAX:
        raise UserError(f"{where}: \"seq\" must be a passage's position in its report (an integer)")
    return sha, seq


def _origin(value: Any, where: str) -> str | None:
    """A line's "origin" (`label export` writes it): stored with its label, as its annotator is, and
    never "model" (a file holds people's labels)."""
    from corpus.labels import LABEL_ORIGINS

    if value is not None and (not isinstance(value, str) or value not in LABEL_ORIGINS):
        raise UserError(f"{where}: \"origin\" must be one of {', '.join(LABEL_ORIGINS)}, or null")
    return value


# How far ahead of this machine's clock a line's "created_at" may be (another machine's clock).
CLOCK_SKEW = dt.timedelta(minutes=10)


def _created_at(value: Any, where: str) -> dt.datetime | None:
    """A line's "created_at" (`label export` writes it, ISO 8601; without a zone it is UTC)."""
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None:
        raise UserError(f'{where}: "created_at" must be a date and time such as "2026-03-01T14:30:00+00:00"')
    try:
        at = (at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except OverflowError:
        raise UserError(f'{where}: "created_at" is out of range') from None
    # A time ahead of this machine's clock would win over every later correction, at each re-import.
    if at > dt.datetime.now(dt.UTC) + CLOCK_SKEW:
        raise UserError(f'{where}: "created_at" is in the future ({value})')
    return at


def parse_label_line(line: str, where: str, number: int) -> LabelLine:
    """One JSON line {"passage_id", "labels"} or {"text", "labels", "lang"?}, either with "annotator"? and
    "origin"? (what `label export` writes); `where` names it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise UserError(f"{where}: expected a JSON object with \"labels\"")
    if "labels" not in row:
        raise UserError(f"{where}: missing \"labels\"")
    labels = _labels(row["labels"], where)
    pid, text, lang = row.get("passage_id"), row.get("text"), row.get("lang")
    if isinstance(text, str):
        unicode_text(text, where)
        if "\x00" in text:
            raise UserError(f"{where}: \"text\" must not hold a NUL character (\\u0000)")
    if lang is not None and not isinstance(lang, str):
        raise UserError(f"{where}: \"lang\" must be a string such as \"en\"")
    lang = _language(lang, where) if lang else None
    who = _annotator(row.get("annotator"), where)
    said = LabelLine(number, labels, annotator=who, gives_annotator="annotator" in row,
                     origin=_origin(row.get("origin"), where),
                     created_at=_created_at(row.get("created_at"), where))  # fmt: skip
    if pid is not None:
        if isinstance(pid, bool) or not isinstance(pid, int) or pid < 1:
            raise UserError(f"{where}: \"passage_id\" must be a positive integer")
        if text is not None and not isinstance(text, str):
            raise UserError(f"{where}: \"text\" must be a string")
        sha, seq = _place(row, where)
        return replace(said, passage_id=pid, text=text, lang=lang, report_sha256=sha, seq=seq)
    if not isinstance(text, str) or not text.strip():
        raise UserError(f"{where}: needs \"passage_id\" (a stored passage) or a non-empty \"text\"")
    return replace(said, text=text, lang=lang or None)


# The bad lines an error lists, at most: a file that is wrong throughout needs no thousand lines of it.
LISTED_BAD_LINES = 20


def refuse_bad_lines(name: str, bad: Sequence[str]) -> None:
    """UserError for the bad lines of a file, if any: one as its own line, several as a count followed by
    each (up to LISTED_BAD_LINES), so a file is fixed in one pass."""
    if len(bad) == 1:
        raise UserError(bad[0])
    if bad:
        listed = "\n".join(f"  {said}" for said in bad[:LISTED_BAD_LINES])
        more = f"\n  ... and {len(bad) - LISTED_BAD_LINES} more" if len(bad) > LISTED_BAD_LINES else ""
        raise UserError(f"{name}: {len(bad)} bad lines, nothing imported:\n{listed}{more}")


def read_label_lines(lines: Iterable[str], name: str, bad: list[str] | None = None) -> list[LabelLine]:
    """Every non-blank line parsed. Bad lines raise UserError naming `name:line`: one of them as one line,
    several as a count followed by each (up to LISTED_BAD_LINES), so a file is fixed in one pass; with
    `bad`, they are added to it instead, for the checks that need the store to name theirs with them
    (attach_passages)."""
    parsed: list[LabelLine] = []
    found: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append(parse_label_line(line, f"{name}:{number}", number))
        except UserError as exc:
            found.append(str(exc))
    if bad is None:
        refuse_bad_lines(name, found)
    else:
        bad.extend(found)
    if not parsed and not found:
        raise UserError(f"{name}: no labels in the file")
    return parsed


def _line_number(said: str, name: str) -> int:
    """The line a bad line's message names ("labels.jsonl:12: ..."), for putting messages in file order."""
    number = said.removeprefix(f"{name}:").split(":", 1)[0]
    return int(number) if number.isdigit() else 0


class Attached(NamedTuple):
    """The stored passages each line with a passage_id labels (by line number), and the lines that found
    theirs by their text rather than their id."""

    passages: dict[int, list[int]]
    by_text: frozenset[int]


def attach_passages(
    corpus: Corpus, items: Sequence[LabelLine], name: str, earlier: Sequence[str] = ()
) -> Attached:
    """The passages the lines with a passage_id label: the one the id names when it holds the line's text
    (or the line gives none), else every passage that holds the line's text (re-attached: a file exported
    from another store names passages by that store's ids, which ingesting in another order changes). The
    lines that find neither are an error naming each, before anything is written, in line order with the
    `earlier` bad lines (read_label_lines'), so a file is fixed in one pass."""
    from corpus import Named

    named = [item for item in items if item.passage_id is not None]
    placed = corpus.place_labels(
        [Named(item.passage_id or 0, item.text, item.report_sha256, item.seq) for item in named]
    )
    bad: list[str] = []
    for item, where in zip(named, placed, strict=True):
        if where.reports and item.report_sha256 is not None:
            bad.append(
                f"{name}:{item.number}: {where.reports} reports hold this text, and the report the line "
                "names is not in this store (or reads otherwise there): label the passage in its report by id"
            )
        elif where.reports:
            bad.append(
                f"{name}:{item.number}: {where.reports} reports hold this text, and the line does not say "
                "which (its passage_id may be another store's): a file from `citsec label export`, which "
                "names the report, places it"
            )
        elif not where.passages:
            elsewhere = item.report_sha256 is not None and corpus.report_by_sha256(item.report_sha256) is None
            bad.append(_unattached(item, where.other_text, f"{name}:{item.number}", elsewhere))
    refuse_bad_lines(name, in_line_order([*earlier, *bad], name))
    return Attached(
        {item.number: where.passages for item, where in zip(named, placed, strict=True)},
        frozenset(item.number for item, where in zip(named, placed, strict=True) if where.by_text),
    )


def _unattached(item: LabelLine, other_text: bool, where: str, report_missing: bool = False) -> str:
    """Why a line names no stored passage, and what to do about it. `report_missing`: the report the line
    names by its sha256 is not in this store (labels moved before their report was ingested there)."""
    if other_text:
        # A file exported from another store names other passages by the same ids: refuse, don't mislabel.
        gone = f"passage {item.passage_id} in the store has a different text"
    else:
        gone = f"no passage with id {item.passage_id} in the store"
    if report_missing:
        return (
            f"{where}: {gone}, and the report the line names (sha256 {str(item.report_sha256)[:12]}…) is not "
            "in this store: ingest that report here first, then import the file again"
        )
    if item.text is None:
        return f"{where}: {gone}"
    return (
        f"{where}: {gone}, and no stored passage has this text (remove \"passage_id\" to import it as a "
        "free text example for retraining)"
    )


def language_problems(corpus: Corpus | None, items: Sequence[LabelLine], name: str) -> list[str]:
    """The bad lines of free texts whose "lang" is not a language code ("portuguese"), unless the text's
    label in force has that very language (stored by an older release, which kept "lang" as given): then
    the store's own export imports back, and a correction keeps the language the text has. Without a store
    (`corpus` None), every such line."""
    from corpus import CorpusError
    from corpus.filters import language_code

    found: list[str] = []
    for item in items:
        if item.passage_id is not None or item.lang is None or item.text is None:
            continue
        try:
            language_code(item.lang)
        except CorpusError as exc:
            history = corpus.text_label_history(item.text) if corpus is not None else []
            if not history or history[-1].lang != item.lang:
                found.append(f"{name}:{item.number}: \"lang\": {exc}")
    return found


def in_line_order(bad: Sequence[str], name: str) -> list[str]:
    """Bad lines' messages in the order of the lines they name."""
    return sorted(bad, key=lambda said: _line_number(said, name))


class Imported(NamedTuple):
    """What an import stored: labels on stored passages, labels on free texts, the lines left out
    because they would change nothing (corpus.label_in_force.same_label: already the label in force), and the
    lines re-attached by text with the passages they labeled (more when a text is stored twice)."""

    on_passages: int
    texts: int
    unchanged: int
    by_text: int = 0
    by_text_passages: int = 0
    older: int = 0  # lines given before the label in force (a colleague's later correction): left out
    replaced: tuple[tuple[int, LabelRow], ...] = ()  # (passage id, another person's label it replaced)
    # Lines imported that name another annotator than --annotator, which gave them as its own: name -> lines.
    recredited: tuple[tuple[str, int], ...] = ()


def annotator_of(item: LabelLine, override: str | None, default: str | None) -> str | None:
    """Who gave a line's labels: --annotator for every line, else the line's own "annotator" (null: no
    one named), else `default` (the OS user)."""
    if override:
        return override
    return item.annotator if item.gives_annotator else default


def import_labels(
    corpus: Corpus, items: Sequence[LabelLine], attached: Attached, override: str | None, default: str | None
) -> Imported:
    """Store checked lines, passage labels and free texts in one transaction. A line identical
    to the label in force (the same labels and annotator, and the origin the line gives if it gives one;
    for a text the same language too) adds nothing to the history, so importing a file again,
    or a store's own export back into it, changes nothing. A row written has the origin its line gives,
    else "import"."""
    from corpus import GivenLabel

    def given(item: LabelLine) -> GivenLabel:
        return GivenLabel(item.labels, annotator_of(item, override, default), item.origin, item.created_at)

    on_passages = [
        (item.number, pid, given(item))
        for item in items if item.passage_id is not None
        for pid in attached.passages[item.number]
    ]  # fmt: skip
    free = [
        (item.number, item.text or "", item.lang, given(item)) for item in items if item.passage_id is None
    ]
    before = corpus.labels_in_force(pid for _, pid, _ in on_passages)
    done = corpus.import_labels(
        [(pid, label) for _, pid, label in on_passages],
        [(text, lang, label) for _, text, lang, label in free],
    )
    added, added_free = done.on_passages, done.on_texts
    changed = {line[0] for line, label_id in zip([*on_passages, *free], [*added, *added_free], strict=True)
               if label_id is not None}  # fmt: skip
    older = {on_passages[i][0] for i in done.older_passages} | {free[i][0] for i in done.older_texts}
    # Another person's different label replaced (`label add` says so too): the two learn of each other.
    replaced = tuple(sorted({
        pid: before[pid] for (_, pid, label), label_id in zip(on_passages, done.on_passages, strict=True)
        if label_id is not None and pid in before and before[pid].annotator != label.annotator
        and sorted(before[pid].labels) != sorted(label.labels)
    }.items()))  # fmt: skip
    return Imported(
        on_passages=sum(label_id is not None for label_id in added),
        texts=sum(label_id is not None for label_id in added_free),
        unchanged=len(items) - len(changed | older),
        older=len(older - changed),  # a line attached to several passages counts once
        replaced=replaced,
        # Of the lines imported (a re-import that changes nothing re-attached nothing worth saying).
        by_text=len(attached.by_text & changed),
        by_text_passages=sum(len(attached.passages[number]) for number in attached.by_text & changed),
        recredited=_recredited(items, changed, override),
    )


def _recredited(
    items: Sequence[LabelLine], changed: set[Any], override: str | None
) -> tuple[tuple[str, int], ...]:
    """Of the lines imported, how many name each annotator other than `override` (--annotator, which
    overrides them): most first."""
    names = Counter(
        item.annotator for item in items
        if override and item.number in changed and item.annotator is not None and item.annotator != override
    )  # fmt: skip
    return tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))


def replaced_note(done: Imported) -> str | None:
    """A note naming the other people whose different labels the import replaced (at most three passages
    named), or None."""
    if not done.replaced:
        return None
    named = [f"{row.annotator or 'someone'}'s on passage {pid}" for pid, row in done.replaced]
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    count = len(named)
    return (f"note: {count} label{'s' if count != 1 else ''} of this file replace{'s' if count == 1 else ''} "
            f"another person's ({', '.join(named[:3])}{more}); they stay in the label history")  # fmt: skip


def recredited_note(done: Imported, override: str | None) -> str | None:
    """A note when --annotator gave as its own the labels of lines that name someone else (a team's export
    imported with --annotator credited everyone's labels to one person without a word), or None."""
    if not done.recredited:
        return None
    lines = sum(count for _, count in done.recredited)
    whose = ", ".join(f"{name} {count}" for name, count in done.recredited[:5])
    more = f" and {len(done.recredited) - 5} more" if len(done.recredited) > 5 else ""
    return (f"note: --annotator {override} gave {lines} line{'s' if lines != 1 else ''} naming another "
            f"annotator ({whose}{more}) as {override}'s; without --annotator each line keeps its own")


def import_summary(done: Imported) -> str:
    """The line `label import` prints: what it stored, the lines it placed by their text (when any), and
    what it left as it was (when anything)."""
    passages, texts, unchanged = done.on_passages, done.texts, done.unchanged
    total = passages + texts
    line = (
        f"imported {total} label{'s' if total != 1 else ''}: {passages} on stored "
        f"passage{'s' if passages != 1 else ''}, {texts} free text{'s' if texts != 1 else ''}"
    )
    if done.by_text:
        line += f"; {done.by_text} re-attached by text"
        if done.by_text_passages != done.by_text:
            line += f" (to {done.by_text_passages} passages)"
    if unchanged:
        line += f"; {unchanged} line{'s' if unchanged != 1 else ''} already current, left unchanged"
    if done.older:
        line += (f"; {done.older} line{'s' if done.older != 1 else ''} older than the label in force (given "
                 f"after the file's), left out")  # fmt: skip
    return line


def export_row(row: LabelRow) -> dict[str, Any]:
    """One exported label: what `label import` reads back, plus who, when and how it was given."""
    return {
        "passage_id": row.passage_id,
        "text": row.text,
        "lang": row.lang,
        "labels": list(row.labels),
        "annotator": row.annotator,
        "origin": row.origin,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }


def export_rows(corpus: Corpus, history: bool = False) -> Iterable[dict[str, Any]]:
    """The labels in force (each labeled passage's latest, then each labeled free text's latest); with
    `history`, every earlier label of a passage or text too, oldest first, those given on the passage's
    older readings included (Corpus.label_lineage). A stored passage's label also
    says where the passage is: its report's "report_sha256" and its "seq" there, which name it in any store
    holding that report, whatever its id there."""
    rows = list(corpus.labeled_examples())
    places = corpus.passage_places(row.passage_id for row in rows if row.passage_id is not None)
    seen: set[int] = set()  # labels exported already: each once, with the first passage that holds it
    for row in rows:
        if row.passage_id is not None:
            sha, seq = places.get(row.passage_id, (None, None))
            place = {"text": row.text, "lang": row.lang, "report_sha256": sha, "seq": seq}
            # A label given on an older reading of the report, before its label came over to this one,
            # is this passage's history too (Corpus.label_lineage); an older passage that is an example
            # of its own (labeled again after that) then lists only what it holds besides.
            olds = corpus.label_lineage(row.passage_id, seen) if history else [row]
            yield from (export_row(old) | {"passage_id": row.passage_id} | place for old in olds)
        elif history and row.text is not None:
            yield from (export_row(old) for old in corpus.text_label_history(row.text))
        else:
            yield export_row(row)
