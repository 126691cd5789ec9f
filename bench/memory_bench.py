"""Peak memory of `citsec ingest` (issue 9 f): the largest real report and a generated 2,000-page PDF.

Each report is ingested alone with `--workers 2` into a fresh SQLite store; psutil samples the RSS of
every process of the command's tree (the CLI, Prefect's API server, the host that loads the libraries and
the model, and the workers forked from it) every 50 ms (the per-file time limit is raised to an hour so a
slow run is measured, not cut). The figure checked against the 1 GB target is the largest single process's
peak; the largest worker's is reported too (a worker does all of one report's work).

    python -m bench.memory_bench [--pages 2000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench.common import real_pdfs, write_results
from bench.measure import citsec, load_average

LIMIT_MIB = 1024


def largest_report() -> Path:
    return max(real_pdfs(), key=lambda p: p.stat().st_size)


def measure(path: Path, db: Path) -> dict[str, Any]:
    # A 2,000-page file can outlast the default per-file time limit on a loaded machine; memory is measured.
    env = {"CITSEC_FILE_SECONDS": "3600"}
    measured = citsec("ingest", str(path), "--db", f"sqlite:///{db}", "--workers", "2", env=env)
    summary = dict(line.split(None, 1) for line in measured.stdout.splitlines() if line.strip())
    workers = {k: v for k, v in measured.per_process_mib.items() if k.endswith("worker")}
    return {
        **measured.to_json(),
        "file": path.name,
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "summary": summary,
        "largest_worker_mib": round(max(workers.values(), default=0.0), 1),
        "load_average": load_average(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args(argv)
    from bench.extraction_memory import make_pdf

    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="citsec-mem-") as tmp:
        root = Path(tmp)
        largest = largest_report()
        runs["largest_real"] = measure(largest, root / "real.db")
        print(f"  f  {largest.name}: peak {runs['largest_real']['peak_rss_mib']:.0f} MiB in one process "
              f"({runs['largest_real']['per_process_peak_mib']})", flush=True)
        generated = make_pdf(root / f"generated_{args.pages}.pdf", args.pages)
        runs["generated"] = {**measure(generated, root / "gen.db"), "pages": args.pages}
        print(f"  f  generated {args.pages} pages: peak {runs['generated']['peak_rss_mib']:.0f} MiB in one "
              f"process ({runs['generated']['per_process_peak_mib']})", flush=True)
    result = {
        "runs": runs,
        "limit_mib": LIMIT_MIB,
        "target_met": all(r["peak_rss_mib"] < LIMIT_MIB for r in runs.values()),
    }
    path = write_results("memory", result)
    print(f"peak RSS per process < {LIMIT_MIB} MiB: {result['target_met']} -> {path}")
    return result


if __name__ == "__main__":
    main()
