"""Extraction and ingest against the bare pdfplumber parse, on a fixed ~330-page folder of real reports.

Issue 9 items b, c, d in one run, each as a ratio to the baseline (a) measured in the same run:
    a  bare single-process pdfplumber parse of every page (`len(page.chars)`), before and after the rest
    b  `citsec extract --json` on each report (one command per report, as a user runs it), and the
       library call extractors.extract_path in one process (no interpreter start-up per report)
    c  `citsec ingest FOLDER` with 1 and with N workers, each into a fresh SQLite store; the N-worker
       ingest (the issue's target) is measured --repeat times (default 3), each time next to its own bare
       parse, alternating which goes first, and the pair with the median ratio is reported
    d  `citsec ingest FOLDER` again into the N-worker store: every report unchanged
"speedup" is baseline seconds / stage seconds (above 1 = faster than the bare parse).

    python -m bench.ingest_bench [--workers 2] [--all-reports] [--no-prefect-too] [--repeat 3]

The folder: SUBSET below, 10 real reports of ../shared/reports, 331 pages in English, Spanish and
Portuguese, no report over 74 pages (so two workers can share the load), copied into a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import baseline
from bench.common import REPORTS, real_pdfs, write_results
from bench.measure import citsec, load_average

# About 330 real pages (issue 9): page counts from pdfplumber; languages from ../shared/reports/MANIFEST.tsv.
SUBSET: dict[str, int] = {
    "albuquerque2022_violence_to_violence_guatemala.pdf": 38,  # en, two-column paper
    "argentina_homicidios_narcotrafico_informe_es.pdf": 3,  # es
    "chile2025_programa_jara_es.pdf": 74,  # es, programme
    "estevez_soto2021_extortion_compliance_mexico.pdf": 32,  # en
    "eventus_id_extended_application_en.pdf": 34,  # en, ligatures
    "freire2016_saopaulo_homicide_prevention.pdf": 31,  # en
    "freire2018_jogo_do_bicho_private_governance.pdf": 34,  # en
    "ipea_td2267_homicidios_jovens_negros_rio_pt.pdf": 44,  # pt
    "unodc_gme_Informe_GME_2013_Fase_III.pdf": 24,  # es, UNODC tables
    "uribe_rodriguez_conducta_delictiva_adolescentes_colombia_es.pdf": 17,  # es
}
SUBSET_PAGES = sum(SUBSET.values())


def subset_paths() -> list[Path]:
    paths = [REPORTS / name for name in SUBSET]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"missing real reports in {REPORTS}: {', '.join(missing)}")
    return paths


def bare_parse(paths: list[Path]) -> dict[str, Any]:
    """Issue 9 (a): open each PDF with pdfplumber and count every page's chars, in this process."""
    run = baseline.bare_parse(paths)
    return {"pages": run.pages, "chars": run.chars,
            "wall_s": round(run.wall_s, 2), "cpu_s": round(run.cpu_s, 2)}


def library_extract(paths: list[Path]) -> dict[str, Any]:
    """extractors.extract_path on each report in this process: layout analysis + segmentation only."""
    from extractors import extract_path

    extract_path(REPORTS / "valle_jones2010_structural_change_homicide_mexico.pdf")  # imports, word lists
    passages = words = 0
    cpu0, start = baseline.cpu_self(), time.perf_counter()
    for path in paths:
        document = extract_path(path)
        passages += len(document.passages)
        words += sum(len(p.text.split()) for p in document.passages)
    wall = time.perf_counter() - start
    return {"passages": passages, "words": words, "wall_s": round(wall, 2),
            "cpu_s": round(baseline.cpu_self() - cpu0, 2)}


def cli_extract(paths: list[Path]) -> dict[str, Any]:
    """`citsec extract PATH --json` once per report, as a user would run it."""
    wall = cpu = 0.0
    peak = 0.0
    for path in paths:
        measured = citsec("extract", str(path), "--json")
        wall += measured.wall
        cpu += measured.cpu
        peak = max(peak, measured.peak_rss_mib)
    return {"commands": len(paths), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mib": round(peak)}


def ingest(folder: Path, db: Path, workers: int, *extra: str) -> dict[str, Any]:
    measured = citsec("ingest", str(folder), "--db", f"sqlite:///{db}", "--workers", str(workers), *extra)
    summary = dict(line.split(None, 1) for line in measured.stdout.splitlines() if line.strip())
    return {**measured.to_json(), "summary": summary, "load_average": load_average()}


def paired_ingests(
    paths: list[Path], folder: Path, root: Path, workers: int, repeat: int
) -> list[dict[str, Any]]:
    """The target's ratio, measured `repeat` times: a bare parse and an ingest into a fresh store, next to
    each other (alternating which goes first), so each ratio compares two runs under the same machine
    speed; this machine's speed drifts by a third from minute to minute."""
    pairs = []
    for i in range(repeat):
        if i % 2 == 0:
            base = bare_parse(paths)
            run_ = ingest(folder, root / f"many-{i}.db", workers)
        else:
            run_ = ingest(folder, root / f"many-{i}.db", workers)
            base = bare_parse(paths)
        pair = {**run_, "baseline": base,
                "paired_speedup": round(base["wall_s"] / run_["wall_s"], 3),
                "paired_cpu_ratio": round(run_["cpu_s"] / base["cpu_s"], 3)}
        print(f"     pair {i + 1}/{repeat}: bare parse {base['wall_s']} s, ingest {run_['wall_s']} s "
              f"-> {pair['paired_speedup']}x", flush=True)
        pairs.append(pair)
    return pairs


def median_pair(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """The pair with the median speedup (the lower middle one for an even count), listing every pair."""
    ordered = sorted(pairs, key=lambda p: p["paired_speedup"])
    middle = dict(ordered[(len(ordered) - 1) // 2])
    middle["pairs"] = [
        {
            "baseline_wall_s": p["baseline"]["wall_s"],
            "ingest_wall_s": p["wall_s"],
            "speedup": p["paired_speedup"],
            "cpu_ratio": p["paired_cpu_ratio"],
            "load_average": p["load_average"],
        }
        for p in pairs
    ]
    return middle


def run(workers: int, all_reports: bool, no_prefect_too: bool, repeat: int = 3) -> dict[str, Any]:
    paths = real_pdfs() if all_reports else subset_paths()
    stages: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="citsec-bench-") as tmp:
        root = Path(tmp)
        folder = root / "reports"
        folder.mkdir()
        for path in paths:
            shutil.copy2(path, folder / path.name)
        # Warm-up, not measured: trains/caches the built-in model once, fills the OS file cache.
        citsec("ingest", str(REPORTS / "estevez_cfp_new_geographies_organised_crime.pdf"),
               "--db", f"sqlite:///{root / 'warm.db'}", "--workers", "1")
        stages["baseline_before"] = {**bare_parse(paths), "load_average": load_average()}
        print(f"  a  bare parse: {stages['baseline_before']}", flush=True)
        stages["extract_library"] = {**library_extract(paths), "load_average": load_average()}
        print(f"  b  extract (library): {stages['extract_library']}", flush=True)
        stages["extract_cli"] = {**cli_extract(paths), "load_average": load_average()}
        print(f"  b  citsec extract: {stages['extract_cli']}", flush=True)
        stages["ingest_1"] = ingest(folder, root / "one.db", 1)
        print(f"  c  ingest 1 worker: {stages['ingest_1']}", flush=True)
        pairs = paired_ingests(paths, folder, root, workers, repeat)
        stages[f"ingest_{workers}"] = median_pair(pairs)
        print(f"  c  ingest {workers} workers, median of {repeat} pairs: {stages[f'ingest_{workers}']}",
              flush=True)
        stages["reingest"] = ingest(folder, root / "many-0.db", workers)
        print(f"  d  re-ingest: {stages['reingest']}", flush=True)
        if no_prefect_too:
            plain = ingest(folder, root / "plain.db", workers, "--no-prefect")
            stages[f"ingest_{workers}_no_prefect"] = plain
            print(f"  c' ingest {workers} workers --no-prefect: {plain}", flush=True)
        stages["baseline_after"] = {**bare_parse(paths), "load_average": load_average()}
        print(f"  a  bare parse again: {stages['baseline_after']}", flush=True)
    base_wall = (stages["baseline_before"]["wall_s"] + stages["baseline_after"]["wall_s"]) / 2
    base_cpu = (stages["baseline_before"]["cpu_s"] + stages["baseline_after"]["cpu_s"]) / 2
    for stage in stages.values():
        if "paired_speedup" in stage:  # against its own baseline, parsed next to it
            stage["speedup"], stage["cpu_ratio"] = stage["paired_speedup"], stage["paired_cpu_ratio"]
            continue
        stage["speedup"] = round(base_wall / stage["wall_s"], 3) if stage.get("wall_s") else None
        stage["cpu_ratio"] = round(stage["cpu_s"] / base_cpu, 3) if stage.get("cpu_s") else None
    first = stages[f"ingest_{workers}"]["wall_s"]
    return {
        "reports": [p.name for p in paths],
        "pages": stages["baseline_before"]["pages"],
        "workers": workers,
        "baseline_wall_s": round(base_wall, 2),
        "baseline_cpu_s": round(base_cpu, 2),
        "stages": stages,
        "targets": {
            f"ingest_{workers}_speedup_ge_1.3": stages[f"ingest_{workers}"]["speedup"] >= 1.3,
            "reingest_le_10pct": stages["reingest"]["wall_s"] <= 0.10 * first,
            "reingest_share": round(stages["reingest"]["wall_s"] / first, 3),
        },
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--all-reports", action="store_true", help="every real report, not the 331 pages")
    parser.add_argument("--no-prefect-too", action="store_true", help="also time `ingest --no-prefect`")
    parser.add_argument("--repeat", type=int, default=3,
                        help="bare parse + N-worker ingest pairs; the median pair's ratio is the figure")
    args = parser.parse_args(argv)
    print(f"ingest benchmark: {'all reports' if args.all_reports else f'{SUBSET_PAGES}-page folder'}, "
          f"load average {load_average()}", flush=True)
    result = run(args.workers, args.all_reports, args.no_prefect_too, max(1, args.repeat))
    path = write_results("ingest", result)
    print("speedup vs bare parse (same run): " + ", ".join(
        f"{k} {v['speedup']}" for k, v in result["stages"].items() if v.get("speedup")))
    print(f"targets: {result['targets']} -> {path}")
    return result


if __name__ == "__main__":
    main()
