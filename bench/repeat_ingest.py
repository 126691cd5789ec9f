"""Ingest after ingest in one Python process, as a script or a notebook calling citsec's API does
(flows.run.ingest_local, a fresh SQLite store each time, one bundled sample report, one worker).

The first run starts the host template (flows.host_template: the libraries, the language detector and the
tagger, loaded once per process) and forks its host from it; each next run forks its host from the loaded
template and loads only the model. Before the template, every run's host was a new interpreter that
loaded all of it again. The seed model is trained and cached first if it is not (not timed).

    python -m bench.repeat_ingest [--runs 4] [--report corpus/samples/plan_colombia_legacy_en.pdf]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import REPO, write_results
from bench.measure import load_average

SAMPLE = REPO / "corpus" / "samples" / "plan_colombia_legacy_en.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--report", type=Path, default=SAMPLE)
    args = parser.parse_args()

    from flows.run import ingest_local
    from flows.settings import Settings
    from models.registry import load_model

    load_model(None, cache_dir=Settings.from_env().cache_dir)  # a first use trains the seed model: not timed
    seconds = []
    with tempfile.TemporaryDirectory(prefix="citsec-repeat-") as folder:
        for run in range(args.runs):
            start = time.perf_counter()
            summary = ingest_local([str(args.report)], f"sqlite:///{folder}/run{run}.db", workers=1)
            seconds.append(round(time.perf_counter() - start, 2))
            if summary.counts()["new"] != 1:
                raise SystemExit(f"run {run + 1} did not ingest {args.report.name}: {summary.counts()}")
    first, rest = seconds[0], seconds[1:]
    median = statistics.median(rest) if rest else None
    print(f"{args.runs} ingests of {args.report.name} in one process, s each: {', '.join(map(str, seconds))}")
    if rest:
        print(f"first {first} s (it starts the host template); the next ones' median {median} s")
    path = write_results(
        "repeat_ingest",
        {"report": args.report.name, "seconds": seconds, "load_average": load_average()},
    )
    print(f"-> {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
