"""How fast `citsec tag` labels passages: 10,000 real passages through the command's own code path, and
how long the command takes to tag one line from a cold start.

Reads ../shared/gold/unlabeled_passages.jsonl (text only; languages are detected, as for input without
"lang"), loads the tagger and the built-in seed model once (their load time is reported apart), then runs
read_inputs -> batched -> tag_batch -> dumps_row exactly as the command does, writing to /dev/null. The
cold start is the best of three runs of `citsec tag` on one Spanish line with its "lang", no store (the
seed model from the disk cache), as a new process each.

    python -m bench.tag_speed [--n 10000] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, SHARED, write_results

ONE_LINE = {"id": 1, "text": "La policía detuvo a tres personas en Medellín.", "lang": "es"}


def passages(n: int) -> list[str]:
    """The first `n` real passages as JSON lines {"id", "text"} (cycled if the file holds fewer)."""
    path = SHARED / "gold" / "unlabeled_passages.jsonl"
    if not path.is_file():
        raise SystemExit(f"real passages not found at {path} (set CITSEC_SHARED_DIR)")
    lines = path.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    return [json.dumps({"id": i, "text": texts[i % len(texts)]}) for i in range(n)]


def cold_start(runs: int) -> float:
    """Best wall time, in seconds, of `citsec tag` tagging ONE_LINE as a new process (no store)."""
    line = json.dumps(ONE_LINE, ensure_ascii=False) + "\n"
    best = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "flows", "tag", "--db", str(Path(folder) / "none.db")]
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(command, input=line, capture_output=True, text=True, cwd=REPO, check=False)
            best = min(best, time.perf_counter() - start)
            if done.returncode != 0 or not done.stdout.strip():
                raise SystemExit(f"citsec tag failed: {done.stderr.strip()}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    lines = passages(args.n)
    cold_seconds = cold_start(args.cold_runs) if args.cold_runs > 0 else None

    from extractors.tagging import Tagger
    from flows.cli.tag_cmd import (
        BATCH_SIZE,
        batched,
        collector_paused_while_loading,
        dumps_row,
        read_inputs,
        tag_batch,
    )
    from flows.settings import Settings
    from models.registry import load_model

    # As the command: the collector stays off until the model and the first batch's pipelines are loaded.
    with collector_paused_while_loading() as loaded:
        start = time.perf_counter()
        model = load_model(None, cache_dir=Settings.from_env().cache_dir)
        tagger = Tagger()
        tagger.tag(["Warm-up: Colombia."], ["en"])
        load_seconds = time.perf_counter() - start

        start = time.perf_counter()
        written = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for batch in batched(read_inputs(lines), BATCH_SIZE):
                for row in tag_batch(batch, tagger, model, explain=False):
                    sink.write(dumps_row(row) + "\n")
                    written += 1
                loaded()
        seconds = time.perf_counter() - start

    # Where the time goes, on the first 1,000 passages alone.
    from extractors.language import detect_language

    sample = [json.loads(line)["text"] for line in lines[:1000]]
    parts: dict[str, float] = {}
    t = time.perf_counter()
    langs = [detect_language(text) for text in sample]
    parts["language_s_per_1000"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    tagger.tag(sample, langs)
    parts["tagger_s_per_1000"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    model.predict(sample, langs)
    parts["classifier_s_per_1000"] = round(time.perf_counter() - t, 2)

    result = {
        "passages": written,
        "model": model.version,
        "cold_start_one_line_seconds": None if cold_seconds is None else round(cold_seconds, 2),
        "load_seconds": round(load_seconds, 2),
        "seconds": round(seconds, 2),
        "passages_per_second": round(written / seconds, 1),
        "breakdown": parts,
        "load_average": os.getloadavg()[0],
    }
    path = write_results("tag_speed", result)
    print(
        f"citsec tag: {written:,} passages in {seconds:.1f} s = {written / seconds:,.0f} passages/s "
        f"(model {model.version}; loading tagger+model {load_seconds:.1f} s; load average "
        f"{result['load_average']:.1f}) -> {path}"
    )
    print("per 1,000 passages: " + ", ".join(f"{k.split('_s_')[0]} {v:.2f} s" for k, v in parts.items()))
    if cold_seconds is not None:
        runs = args.cold_runs
        print(f"one line from a cold start (`citsec tag`, no store; best of {runs}): {cold_seconds:.2f} s")


if __name__ == "__main__":
    main()
