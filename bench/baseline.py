"""Baseline: a bare single-process pdfplumber parse of every page of the real reports.

This is the floor every other figure is compared with (issue 9 a): `len(page.chars)` forces pdfminer
to parse each page's content stream and nothing more.

    python -m bench.baseline
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import real_pdfs, write_results


@dataclass(frozen=True)
class Parse:
    pages: int
    chars: int
    wall_s: float
    cpu_s: float


def cpu_self() -> float:
    """CPU seconds (user + system) this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bare_parse(paths: list[Path]) -> Parse:
    """Open each PDF with pdfplumber and count every page's chars, in this process (issue 9 a)."""
    import pdfplumber

    pages = chars = 0
    cpu0, start = cpu_self(), time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.chars)
                pages += 1
                page.close()
    return Parse(pages, chars, time.perf_counter() - start, cpu_self() - cpu0)


def parse_all() -> dict[str, float | int]:
    """Parse every page of every real PDF; return pages, chars and seconds."""
    run = bare_parse(real_pdfs())
    return {"pages": run.pages, "chars": run.chars, "seconds": round(run.wall_s, 3),
            "pages_per_second": run.pages / run.wall_s}


def main() -> None:
    result = parse_all()
    path = write_results("baseline", result)
    print(
        f"bare pdfplumber parse: {result['pages']} pages, {result['chars']:,} chars "
        f"in {result['seconds']:.1f} s = {result['pages_per_second']:.1f} pages/s (single process) -> {path}"
    )


if __name__ == "__main__":
    main()
