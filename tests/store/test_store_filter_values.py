"""PassageFilter from Python: values written as the command line writes them mean what they mean there,
and values of the wrong kind are refused, never compared as they are (a year as a number against dates)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from storedata import brute_force, fill

from corpus import Corpus, CorpusError, PassageFilter


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ({"since": "2015"}, {"since": dt.date(2015, 1, 1)}),
        ({"since": 2015}, {"since": dt.date(2015, 1, 1)}),
        ({"until": "2015"}, {"until": dt.date(2015, 12, 31)}),
        ({"until": 2015}, {"until": dt.date(2015, 12, 31)}),
        (
            {"since": "2012-06", "until": "2016-02"},
            {"since": dt.date(2012, 6, 1), "until": dt.date(2016, 2, 29)},
        ),
        ({"since": dt.datetime(2015, 3, 1, 23, 30)}, {"since": dt.date(2015, 3, 1)}),
        ({"labels": "prevention"}, {"labels": ("prevention",)}),
        ({"countries": "MX"}, {"countries": ("MX",)}),
        ({"programs": "Plan Colombia"}, {"programs": ("Plan Colombia",)}),
        ({"kinds": "text"}, {"kinds": ("text",)}),
        (
            {"since": np.int64(2015), "min_score": np.float32(0.5)},
            {"since": dt.date(2015, 1, 1), "min_score": 0.5},
        ),
        ({"since": ""}, {}),  # as before strings were read as dates: no bound
    ],
)
def test_values_written_as_the_command_line_writes_them(store: Corpus, given: dict, meant: dict) -> None:
    truth = fill(store, n_reports=12, per_report=5)
    wanted = PassageFilter(**meant)
    assert PassageFilter(**given).validated() == wanted.validated()
    found = [row.id for row in store.passages(PassageFilter(**given))]
    assert found == [t.id for t in brute_force(truth, wanted)]
    assert store.count_passages(PassageFilter(**given)) == len(found)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"since": 2015.0}, "--since must be a date"),
        ({"until": ["2015"]}, "--until must be a date"),
        ({"since": "15"}, "bad date '15'"),
        ({"since": 2016, "until": "2015"}, "--since 2016-01-01 is after --until 2015-12-31"),
        ({"min_score": "0.9"}, "--min-score must be a number between 0 and 1, got '0.9'"),
        ({"min_score": True}, "--min-score must be a number"),
        ({"labels": "preventoin"}, "unknown label 'preventoin'"),
    ],
)
def test_values_of_another_kind_are_refused(given: dict, said: str) -> None:
    with pytest.raises(CorpusError, match=said.replace("(", r"\(")):
        PassageFilter(**given).validated()


def test_one_label_given_as_a_string_is_that_label(store: Corpus) -> None:
    fill(store, n_reports=4, per_report=4)
    passage = next(iter(store.passages(PassageFilter())))
    store.add_labels(passage.id, "enforcement", annotator="me")
    latest = store.latest_labels(passage.id)
    assert latest is not None and latest.labels == ["enforcement"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("prevenção", "did you mean 'prevention'?"),  # a Brazilian researcher's review
        ("prevencion", "did you mean 'prevention'?"),
        ("represión", "did you mean 'enforcement'?"),
        ("transnacional", "did you mean 'transnational'?"),
        ("enforcment", "did you mean 'enforcement'?"),
    ],
)
def test_a_label_typed_in_spanish_portuguese_or_misspelt_is_named(typed: str, said: str) -> None:
    with pytest.raises(CorpusError, match=f"unknown label '{typed}'.*" + re.escape(f"({said})") + "$"):
        PassageFilter(labels=(typed,)).validated()


@pytest.mark.parametrize("typed", ["kindness", "national", "presentation", "transition"])
def test_an_unknown_label_nothing_resembles_is_only_refused(typed: str) -> None:
    # A code review: "national" was offered "transnational", "presentation" "prevention".
    with pytest.raises(CorpusError, match=r"expected one of prevention, enforcement, transnational or none$"):
        PassageFilter(labels=(typed,)).validated()


def test_a_label_set_is_never_told_to_use_what_it_refuses() -> None:
    from corpus.taxonomy import validate_labels

    with pytest.raises(CorpusError, match=r"expected one of prevention, enforcement, transnational$"):
        validate_labels(["none"])
