"""Random filter combinations against a brute-force filter in Python, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storedata import COUNTRIES, PROGRAMS, VOCAB, brute_force, fill

from corpus import LABELS, Corpus, PassageFilter

EXAMPLES = int(os.environ.get("CITSEC_PROPERTY_EXAMPLES", "40"))

searches = st.one_of(
    st.none(),
    st.lists(st.sampled_from(VOCAB), min_size=1, max_size=2).map(" ".join),
    st.tuples(st.sampled_from(VOCAB), st.sampled_from(VOCAB)).map(lambda ws: f'"{ws[0]} {ws[1]}"'),
    st.sampled_from(VOCAB).map(lambda w: w.upper() + " AND"),  # operators and case are not syntax
)
years = st.one_of(st.none(), st.integers(2000, 2026))

filters = st.builds(
    PassageFilter,
    labels=st.lists(st.sampled_from((*LABELS, "none")), max_size=2).map(tuple),
    countries=st.lists(st.sampled_from((*COUNTRIES, "AR")), max_size=2).map(tuple),
    programs=st.lists(st.sampled_from((*PROGRAMS, "plan COLOMBIA", "Unknown Program")), max_size=2).map(
        tuple
    ),
    lang=st.sampled_from((None, "en", "es", "pt", "fr")),
    search=searches,
    min_score=st.sampled_from((None, 0.0, 0.3, 0.5, 0.75, 0.9, 1.0)),
    since=years.map(lambda y: dt.date(y, 1, 1) if y else None),
    until=years.map(lambda y: dt.date(y, 12, 31) if y else None),
)


def test_random_filters_match_brute_force(store: Corpus) -> None:
    truth = fill(store, n_reports=12, per_report=25, seed=11)
    report_ids = sorted({t.report_id for t in truth})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(f=filters, report=st.one_of(st.none(), st.sampled_from(report_ids)))
    def check(f: PassageFilter, report: int | None) -> None:
        if f.since and f.until and f.since > f.until:
            f = PassageFilter(**{**f.__dict__, "until": None})
        f = PassageFilter(**{**f.__dict__, "report_id": report})
        expected = [t.id for t in brute_force(truth, f)]
        assert [p.id for p in store.passages(f)] == expected
        assert store.count_passages(f) == len(expected)
        by_label = {row["label"]: row["count"] for row in store.stats(["label"], f)}
        expected_by_label: dict[str, int] = {}
        for t in brute_force(truth, f):
            # With a minimum score, a passage counts under the labels that reach it (human labels: 1.0).
            held = [lb for lb in sorted(t.labels) if f.min_score is None or t.scores[lb] >= f.min_score]
            for label in held or ["none"]:
                expected_by_label[label] = expected_by_label.get(label, 0) + 1
        assert by_label == expected_by_label

    check()
