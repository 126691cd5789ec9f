"""Whether a label was given before a reading was stored is decided by label id (reports.last_label_id,
recorded in the storing transaction), not by the labeling machine's clock against the storing machine's:
two machines of a team with skewed clocks, or a label given in the same instant, on SQLite and PostgreSQL.
The skew is written into the rows as such machines would have written them."""

from __future__ import annotations

import datetime as dt

import pytest
from readings import COUNCILS, PORTS, reading, stored
from sqlalchemy import select, update
from test_late_label_carry import PORTS_READ_BEFORE, _examples, _labels

from corpus import Corpus
from corpus.schema import HumanLabel, Report

HOUR = dt.timedelta(hours=1)


def _stored_at(store: Corpus, report_id: int) -> dt.datetime:
    with store.engine.connect() as conn:
        return conn.execute(select(Report.ingested_at).where(Report.id == report_id)).scalar_one()


def _set_stored_at(store: Corpus, report_id: int, when: dt.datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(Report).where(Report.id == report_id).values(ingested_at=when))


def _set_given_at(store: Corpus, label_id: int, when: dt.datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(HumanLabel).where(HumanLabel.id == label_id).values(created_at=when))


@pytest.mark.parametrize("labeling_clock", [-HOUR, dt.timedelta(0)], ids=["an-hour-behind", "same-instant"])
def test_a_late_label_kept_out_by_a_persons_own_label_stays_behind_whatever_the_clocks(
    store: Corpus, labeling_clock: dt.timedelta
) -> None:
    """The late label did not carry (the new passage has a person's own label): it stays the old passage's
    own. By the clocks it looked given before the new reading was stored, so the match of "then" said it
    came over and the example was lost."""
    old_id, (old_ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    new_id, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    store.add_labels(new_ports, ["prevention"], annotator="ben")
    late = store.add_labels(old_ports, ["transnational"], annotator="ana")
    _set_given_at(store, late, _stored_at(store, new_id) + labeling_clock)

    assert (_labels(store, new_ports), _labels(store, old_ports)) == (["prevention"], ["transnational"])
    assert store.labels_left_behind(new_id) == 1
    assert sorted(_examples(store)) == sorted(
        [(PORTS_READ_BEFORE, ["transnational"], old_id), (PORTS, ["prevention"], new_id)]
    )


def test_identical_passages_labeled_before_the_store_came_over_when_the_storing_clock_runs_behind(
    store: Corpus,
) -> None:
    """Two identical old passages labeled alike before the new reading was stored: one judgment, which the
    new passage holds (then corrected). By the clocks both labels looked given later, and the one no copy
    records counted as left behind."""
    old_id, (first, _, second) = stored(store, reading("1.0", (COUNCILS, PORTS, COUNCILS)))
    store.add_labels(first, ["prevention"], annotator="ana")
    store.add_labels(second, ["prevention"], annotator="ana")
    new_id, (councils, _) = stored(store, reading("1.1", (COUNCILS, PORTS)))
    _set_stored_at(store, new_id, _stored_at(store, new_id) - HOUR)
    store.add_labels(councils, ["enforcement"], annotator="ben")  # a correction of the copy

    assert store.labels_left_behind(new_id) == 0
    assert _examples(store) == [(COUNCILS, ["enforcement"], new_id)]


def test_a_reading_records_the_last_label_id_it_saw(store: Corpus) -> None:
    first_id, (ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    label = store.add_labels(ports, ["enforcement"])
    second_id, _ = stored(store, reading("1.1", (PORTS, COUNCILS)))  # carries a copy, id above `label`
    with store.engine.connect() as conn:
        seen = {rid: last for rid, last in conn.execute(select(Report.id, Report.last_label_id))}
    assert seen == {first_id: 0, second_id: label}
