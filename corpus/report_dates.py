"""A report's date set by a person (`citsec reports date`): kept in Report.meta beside the date its reading
gave, so that it survives the report being read again and can be taken back.

The extractors date most reports (a PDF's printed date, an article's dateline, a page's metadata), but not
all: a text article saved without its dateline, a slide deck. An undated report counts under no year in
`stats --by year`, and --since/--until place it on the day it was ingested. A person who knows the date
sets it; the store keeps who and when, and what the extractors read (null: no date), under DATE_SET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from corpus.errors import CorpusError
from corpus.records import DATE_SET, DateSet, NewReport
from corpus.schema import Report, utcnow


def read_date(published: dt.date | None, meta: Mapping[str, Any] | None) -> dt.date | None:
    """The date a stored report's reading gave: `published`, unless a person set that."""
    by_hand = DateSet.from_meta(meta)
    return by_hand.read if by_hand is not None else published


def set_date(
    conn: Connection, report_id: int, published: dt.date | None, annotator: str | None, today: dt.date
) -> None:
    """Give the current report `report_id` the date `published` by hand; None gives back the date its
    reading gave. The date queries read (effective_date) follows: the published date, else the day the
    report was ingested. CorpusError for a report that does not exist, was replaced by a newer version
    (whose date is the one queries read), failed (no passages to date), or a date after `today` (one day
    later is taken: the person may be a time zone ahead of the machine)."""
    row = conn.execute(
        select(Report.status, Report.superseded_by, Report.published, Report.ingested_at)
        .add_columns(Report.meta.label("meta"))
        .where(Report.id == report_id)
        .with_for_update()  # meta is read, changed and written back: not beside another writer of it
    ).first()
    if row is None:
        raise CorpusError(f"no report with id {report_id}")
    if row.superseded_by is not None:
        raise CorpusError(
            f"report {report_id} is an older version, replaced by report {row.superseded_by}: date that one"
        )
    if row.status == "failed":
        raise CorpusError(f"report {report_id} failed to read: it has no passages to date")
    if published is not None and published > today + dt.timedelta(days=1):  # a day ahead of this machine
        raise CorpusError(f"{published.isoformat()} is in the future: not a publication date")
    meta = dict(row.meta or {})
    read = read_date(row.published, meta)
    meta.pop(DATE_SET, None)
    if published is not None:
        meta[DATE_SET] = DateSet(annotator, utcnow(), read).to_meta()
    date = published if published is not None else read
    conn.execute(
        update(Report)
        .where(Report.id == report_id)
        .values(published=date, effective_date=date or row.ingested_at.date(), meta=meta)
    )


@dataclass(frozen=True)
class CarriedDate:
    """What a new reading of a report stores as its date (carried_date)."""

    published: dt.date | None
    meta: dict[str, Any]  # its DATE_SET entry when a person's date came over, else empty
    warning: str | None  # said when a person's date did not come over


def carried_date(report: NewReport, earlier: Sequence[Any], replaces: Sequence[int]) -> CarriedDate:
    """What the new reading `report` stores as its date, given the versions it replaces (`earlier`: rows
    of id, published and meta). A person's date on one of them comes over to it, as labels do. From the same
    bytes read again (`replaces`: newer extractors, or an older version's bytes served again) always: it is
    the same document. From the current version at its uri (other bytes: an updated page) when the new
    reading gives no date or the date the older one gave (the one the person corrected), since a new
    edition at the same address (a rolling latest.pdf) that prints a date of its own is dated by it; its
    warnings then say that the person's date stayed with the older version (unless it prints that date)."""
    own = CarriedDate(report.published, {}, None)
    by_hand = [(row, date_set) for row in earlier if (date_set := DateSet.from_meta(row.meta)) is not None]
    if not by_hand:
        return own
    # The same bytes first, then the newest.
    row, date_set = max(by_hand, key=lambda pair: (pair[0].id in replaces, pair[0].id))
    published = row.published
    if row.id in replaces or report.published in (None, date_set.read):
        carried = DateSet(date_set.by, date_set.at, report.published)
        return CarriedDate(published, {DATE_SET: carried.to_meta()}, None)
    if report.published == published:
        return own
    who = f" by {date_set.by}" if date_set.by else ""
    reads = report.published.isoformat() if report.published else "undated"
    return CarriedDate(
        report.published,
        {},
        f"an older version of this report was dated {published.isoformat()}{who} by hand; this version reads "
        f"as {reads}, so it keeps its own date (`citsec reports date` sets another)",
    )
