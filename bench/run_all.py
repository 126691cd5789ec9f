"""`make bench`: every benchmark of issue 9 in one run, one summary table with ratios to the bare parse.

    python -m bench.run_all [--workers 2] [--skip-query] [--quick]

    a-d  bench.ingest_bench on the fixed 331-page folder of real reports: bare pdfplumber parse (before
         and after, averaged), `citsec extract`, `citsec ingest` with 1 and N workers, re-ingest
    e    tagging and classification rates, words per second of CPU, on real passages
    f    bench.memory_bench: peak RSS per process on the largest real report and a 2,000-page PDF
    g    bench.query_bench: filtered search over 1,000,000 passages (builds its store once, ~5 min)
    h    bench.text_scaling: plain-text and Markdown extraction at 100 kB, 400 kB and 1.6 MB, s per MB (~20 s)
--quick skips f, g and the `--no-prefect` ingest row; --skip-query skips g only.

Ratios: "speedup" = baseline wall seconds / stage wall seconds (above 1 = faster than the bare parse); the
N-worker ingest, the issue's target, is timed three times, each next to its own bare parse, and the row shows
the pair with the median ratio; "cpu×" = stage CPU seconds (whole process tree) / baseline CPU seconds,
which load on the machine disturbs much less than wall time. Writes bench/results/summary.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from bench.common import REPO, RESULTS, SHARED, write_results


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rates(n: int = 3000) -> dict[str, Any]:
    """(e) Words per CPU second of the tagger (spaCy pipelines + gazetteers) and of the classifier, on
    `n` real passages with their languages; loading both is timed apart."""
    path = SHARED / "gold" / "unlabeled_passages.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:n]
    texts = [str(r["text"]) for r in rows]
    langs = [r.get("lang") or "en" for r in rows]
    words = sum(len(t.split()) for t in texts)
    c0 = _cpu()
    from extractors.tagging import Tagger
    from models.registry import load_model

    model = load_model(None)
    tagger = Tagger()
    tagger.tag(texts[:20], langs[:20])
    load_cpu = _cpu() - c0
    c0 = _cpu()
    tagger.tag(texts, langs)
    tag_cpu = _cpu() - c0
    c0 = _cpu()
    model.predict(texts, langs)
    classify_cpu = _cpu() - c0
    return {
        "passages": len(texts),
        "words": words,
        "load_cpu_s": round(load_cpu, 2),
        "tag_cpu_s": round(tag_cpu, 2),
        "classify_cpu_s": round(classify_cpu, 2),
        "tag_words_per_cpu_s": round(words / tag_cpu),
        "classify_words_per_cpu_s": round(words / classify_cpu),
        "model": model.version,
    }


def query(skip: bool) -> dict[str, Any] | None:
    """(g) Run bench.query_bench in its own process and read its JSON."""
    if skip:
        return None
    subprocess.run([sys.executable, "-m", "bench.query_bench"], cwd=REPO, check=True)
    data: dict[str, Any] = json.loads((RESULTS / "query.json").read_text())
    return data


def table(summary: dict[str, Any]) -> str:
    ingest = summary["ingest"]
    workers = ingest["workers"]
    labels = {
        "baseline_before": "a  bare pdfplumber parse (1 process)",
        "baseline_after": "a  bare pdfplumber parse, again",
        "extract_library": "b  extract_path() in one process",
        "extract_cli": "b  citsec extract --json, per report",
        "ingest_1": "c  citsec ingest --workers 1",
        f"ingest_{workers}": f"c  citsec ingest --workers {workers}, median pair",
        f"ingest_{workers}_no_prefect": f"c  citsec ingest --workers {workers} --no-prefect",
        "reingest": "d  re-ingest, unchanged folder",
    }
    lines = [
        f"{ingest['pages']} real pages, {len(ingest['reports'])} reports; baseline "
        f"{ingest['baseline_wall_s']} s wall, {ingest['baseline_cpu_s']} s CPU",
        f"{'stage':<46}{'wall s':>8}{'CPU s':>8}{'speedup':>9}{'cpu×':>7}{'peak MiB':>10}{'load':>6}",
    ]
    for key, label in labels.items():
        stage = ingest["stages"].get(key)
        if stage is None:
            continue
        peak = stage.get("peak_rss_mib")
        peak_text = f"{peak:.0f}" if peak else "-"
        lines.append(
            f"{label:<46}{stage['wall_s']:>8.1f}{stage['cpu_s']:>8.1f}{stage['speedup']:>9.2f}"
            f"{stage['cpu_ratio']:>7.2f}{peak_text:>10}{stage.get('load_average', 0):>6.1f}"
        )
    pairs = ingest["stages"][f"ingest_{workers}"].get("pairs", [])
    if pairs:
        lines.append(
            f"c  --workers {workers}, each next to its own bare parse (parse s / ingest s = speedup): "
            + ", ".join(
                f"{p['baseline_wall_s']:.1f}/{p['ingest_wall_s']:.1f} = {p['speedup']:.2f}" for p in pairs
            )
        )
    r = summary["rates"]
    words_per_cpu_s = (ingest.get("baseline_words") or 0) / ingest["baseline_cpu_s"]
    lines.append(
        f"e  tagging {r['tag_words_per_cpu_s']:,} words/CPU-s, classifying {r['classify_words_per_cpu_s']:,} "
        f"words/CPU-s (bare parse yields {words_per_cpu_s:,.0f} words/CPU-s: "
        f"{r['tag_words_per_cpu_s'] / max(words_per_cpu_s, 1):.0f}× and "
        f"{r['classify_words_per_cpu_s'] / max(words_per_cpu_s, 1):.0f}× faster than parsing them)"
    )
    memory = summary.get("memory")
    if memory:
        for name, run in memory["runs"].items():
            lines.append(
                f"f  peak RSS, {name} ({run['file']}, {run['summary'].get('passages', '?')} passages): "
                f"{run['peak_rss_mib']:.0f} MiB largest process, largest worker "
                f"{run['largest_worker_mib']:.0f} MiB, {run['wall_s']:.0f} s"
            )
    q = summary.get("query")
    if q:
        worst = max(x["median_ms"] for x in q["queries"])
        lines.append(
            f"g  query: {q['passages']:,} passages, slowest median {worst:.1f} ms (target "
            f"{q['target_ms']} ms) over {len(q['queries'])} queries"
        )
    scaling = summary.get("text_scaling")
    if scaling:
        largest = {r["layout"]: r for r in scaling["runs"]}
        lines.append(
            "h  plain text and Markdown, s per MB at the largest size: "
            + ", ".join(
                f"{k} {r['seconds_per_mb']:.2f} ({r['bytes'] / 1e6:.1f} MB in {r['seconds']:.1f} s)"
                for k, r in largest.items()
            )
            + f"; largest over smallest {max(scaling['growth'].values()):.2f}×"
        )
    t = ingest["targets"]
    lines.append(
        f"targets: ingest --workers {workers} ≥ 1.3× the bare parse: "
        f"{'met' if t[f'ingest_{workers}_speedup_ge_1.3'] else 'NOT met'} "
        f"({ingest['stages'][f'ingest_{workers}']['speedup']:.2f}×); re-ingest ≤ 10% of first: "
        f"{'met' if t['reingest_le_10pct'] else 'NOT met'} ({100 * t['reingest_share']:.1f}%)"
        + (f"; peak < 1 GB per process: {'met' if memory['target_met'] else 'NOT met'}" if memory else "")
        + (
            f"; plain text linear in size (≤ {scaling['max_growth']}× s per MB): "
            f"{'met' if scaling['linear'] else 'NOT met'}"
            if scaling
            else ""
        )
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-query", action="store_true", help="skip the 1,000,000-passage queries")
    parser.add_argument("--quick", action="store_true", help="a-e only: no memory, query, --no-prefect")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"citsec benchmarks on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    from bench import ingest_bench

    ingest_args = ["--workers", str(args.workers)] + ([] if args.quick else ["--no-prefect-too"])
    ingest = ingest_bench.main(ingest_args)
    ingest["baseline_words"] = ingest["stages"]["extract_library"].get("words")
    summary: dict[str, Any] = {"ingest": ingest, "rates": rates()}
    from bench import text_scaling

    summary["text_scaling"] = text_scaling.main([])
    if not args.quick:
        from bench import memory_bench

        summary["memory"] = memory_bench.main([])
    summary["query"] = query(args.skip_query or args.quick)
    summary["seconds"] = round(time.perf_counter() - started)
    text = table(summary)
    summary["table"] = text.splitlines()
    path = write_results("summary", summary)
    print("\n" + text)
    print(f"\n(one run, {summary['seconds']} s; wall times depend on the load, shown per row) -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
