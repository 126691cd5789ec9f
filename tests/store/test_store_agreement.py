"""`passages` and `stats` agree for every filter and every --by field, on a few thousand passages."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from storedata import fill

from corpus import Corpus, PassageFilter, PassageRow

FILTERS = [
    PassageFilter(),
    PassageFilter(labels=("prevention",)),
    PassageFilter(labels=("enforcement", "none")),
    PassageFilter(labels=("transnational",), min_score=0.8),
    PassageFilter(min_score=0.9),
    PassageFilter(labels=("none",), min_score=0.9),
    PassageFilter(labels=("enforcement", "none"), min_score=0.7),
    PassageFilter(countries=("CO", "MX")),
    PassageFilter(programs=("plan colombia",)),
    PassageFilter(lang="es"),
    PassageFilter(search="cartel prison"),
    PassageFilter(search='"border tunnel"'),
    PassageFilter(search="cartel prison", any_language=True),
    PassageFilter(since=dt.date(2010, 1, 1), until=dt.date(2018, 12, 31)),
    PassageFilter(report_id=1),
    PassageFilter(labels=("prevention",), countries=("BR",), search="youth", since=dt.date(2005, 1, 1)),
]
BY = [
    ["label"],
    ["country"],
    ["program"],
    ["year"],
    ["report"],
    ["lang"],
    ["label", "country"],
    ["year", "lang"],
    ["kind", "label"],
    ["program", "label"],
    ["country", "label"],
    ["report", "label"],
]


def _groups(row: PassageRow, field: str, years: dict[int, int | None], min_score: float | None) -> list[Any]:
    """The groups one passage row falls in, from what `passages` printed: with a minimum score, the labels
    that reach it (a person's labels are certain)."""
    if field == "label":
        if min_score is not None and row.label_origin != "human":
            return [label for label in row.labels if row.scores[label] >= min_score] or ["none"]
        return row.labels or ["none"]
    if field == "country":
        return row.countries or [None]
    if field == "program":
        return row.programs or [None]
    if field == "year":
        return [years[row.report_id]]
    if field == "report":
        return [row.report_id]
    if field == "kind":
        return [row.kind]
    return [row.lang]


def _expected_stats(
    rows: list[PassageRow], by: list[str], years: dict[int, int | None], min_score: float | None
) -> Counter[tuple[Any, ...]]:
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        keys: list[tuple[Any, ...]] = [()]
        for field in by:
            keys = [(*k, g) for k in keys for g in _groups(row, field, years, min_score)]
        counts.update(set(keys))
    return counts


@pytest.mark.slow
def test_passages_and_stats_agree(store: Corpus) -> None:
    truth = fill(store, n_reports=40, per_report=60, seed=3)
    assert len(truth) == 2400
    years = {
        r.id: (r.published.year if r.published else None)  # undated: no year (not the ingest year)
        for r in store.reports(include_superseded=True)
    }
    for f in FILTERS:
        rows = list(store.passages(f))
        assert store.count_passages(f) == len(rows)
        assert all(list(s) == ["label", "count"] for s in store.stats(["label"], f))
        for by in BY:
            # With shares: the counts are the same query's, and each share is the count over its whole's,
            # the passages of the group of the other fields (all of them, by one field).
            stats = store.stats(by, f, share=True)
            expected = _expected_stats(rows, by, years, f.min_score)
            got = Counter({tuple(s[field] for field in by): s["count"] for s in stats})
            assert got == expected, (f, by)
            assert all(list(s) == [*by, "count", "whole", "share"] for s in stats)
            wholes = _expected_stats(rows, by[:-1], years, f.min_score)
            for s in stats:
                key = tuple(s[field] for field in by)
                assert s["whole"] == wholes[key[:-1]], (f, by, s)
                assert s["share"] == round(expected[key] / wholes[key[:-1]], 4), (f, by, s)
