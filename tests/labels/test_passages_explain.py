"""`citsec passages --explain`: why stored passages have their scores, each read in its report again."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from corpus import Corpus
from models.labels import LABELS


def test_explained_rows_say_why_their_stored_scores_are_what_they_are(
    filled: Corpus, cli: Callable[..., tuple[int, str, str]]
) -> None:
    # An analyst had to export a report, add "report" keys and run `tag --explain` to see why a stored
    # passage got its label.
    code, out, err = cli("passages", "--db", filled.url, "--explain", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == filled.count_passages()
    for row in rows:
        context, explain = row["context"], row["explain"]
        for label in LABELS:
            # The blend of the passage's own scores with its report's is the score the store holds.
            blended = (1 - context["report_weight"]) * context["passage"][label]
            blended += context["report_weight"] * context["report"][label]
            assert row["scores"][label] == pytest.approx(blended, abs=2e-4)
            assert set(explain[label]) == {"up", "down", "base", "rest"}
    code, out, _ = cli("passages", "--db", filled.url, "--explain", "--format", "csv", "--limit", "3")
    cells = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(cells) == 3 and all(cell["why"] for cell in cells)
    held = [cell for cell in cells if cell["labels"]]
    assert all(cell["why"].startswith(cell["labels"].split(";")[0] + ": ") for cell in held)
    code, out, _ = cli("passages", "--db", filled.url, "--explain", "--limit", "2")
    assert code == 0 and "why" in out.splitlines()[1]
    code, out, _ = cli("passages", "--db", filled.url, "--format", "json", "--limit", "1")
    assert "explain" not in json.loads(out)[0]  # only when asked
