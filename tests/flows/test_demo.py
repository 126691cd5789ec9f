"""`make demo` (flows.demo): the bundled samples ingested into a fresh store and shown, numbered the same way
on every run so that README's ids are the ones a user gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Corpus


@pytest.mark.slow
def test_demo_stores_the_samples_largest_first_and_shows_what_it_found(db_url, samples_dir, capsys):
    from flows import demo

    demo.main(["--db", db_url])
    out = capsys.readouterr().out
    assert "new 6, unchanged 0, failed 0" in out
    assert "Passages by label" in out and "prevention: examples" in out
    with Corpus.open(db_url) as corpus:
        stored = [Path(report.uri).name for report in sorted(corpus.reports(), key=lambda r: r.id)]
    # One worker takes the plan's order, the largest file first; two stored them as they finished.
    samples = sorted(samples_dir.iterdir(), key=lambda path: path.stat().st_size, reverse=True)
    assert stored == [path.name for path in samples]


def test_demo_into_a_folder_that_does_not_exist_says_so_in_one_line(tmp_path, capsys):
    from flows import demo

    with pytest.raises(SystemExit) as stopped:
        demo.main(["--db", str(tmp_path / "missing" / "demo.db")])
    assert stopped.value.code == f"demo: cannot open database {tmp_path}/missing/demo.db: folder " \
        f"{tmp_path}/missing does not exist"
    assert "Traceback" not in capsys.readouterr().err
