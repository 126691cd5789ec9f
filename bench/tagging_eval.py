"""Score country and program tagging against gold passages (../shared/gold/dev.jsonl).

    python -m bench.tagging_eval [--gold PATH] [--no-misses]

Countries: micro precision/recall/F1 over passage-level sets of ISO codes. Programs: surface strings compared
case-insensitively with a leading article (the/el/la/los/las/o/a/os/as) ignored. Prints per-language
figures and the misses; writes bench/results/tagging_eval.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import SHARED, write_results
from extractors.tagging import Tagger
from extractors.tagging.evaluation import evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "gold" / "dev.jsonl")
    parser.add_argument("--no-misses", action="store_true", help="print only the figures")
    parser.add_argument("--statistical", action="store_true", help="also use en_core_web_sm when installed")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        raise SystemExit(f"gold file not found: {args.gold}")
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    report = evaluate(rows, Tagger(use_statistical=args.statistical))
    seconds = time.perf_counter() - started
    if not args.no_misses:
        for miss in report.misses:
            print("MISS", json.dumps(miss, ensure_ascii=False))
    figures = report.figures()
    header, *lines = report.table()
    print(f"{header}   ({len(rows)} passages, {seconds:.1f}s)")
    print("\n".join(lines))
    path = write_results(
        "tagging_eval",
        {"gold": str(args.gold), "passages": len(rows), "figures": figures, "misses": report.misses},
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
