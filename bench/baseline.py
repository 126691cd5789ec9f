"""Baseline: a bare single-process pdfplumber parse of every page of the real reports.

This is the floor every other figure is compared with (issue 9 a): `len(page.chars)` forces pdfminer
to parse each page's content stream and nothing more.

    python -m bench.baseline
"""

from __future__ import annotations

import time

import pdfplumber

from bench.common import real_pdfs, write_results


def parse_all() -> dict[str, float | int]:
    """Parse every page of every real PDF; return pages, chars and seconds."""
    pages = chars = 0
    start = time.perf_counter()
    for path in real_pdfs():
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.chars)
                pages += 1
                page.close()
    seconds = time.perf_counter() - start
    return {"pages": pages, "chars": chars, "seconds": round(seconds, 3), "pages_per_second": pages / seconds}


def main() -> None:
    result = parse_all()
    path = write_results("baseline", result)
    print(
        f"bare pdfplumber parse: {result['pages']} pages, {result['chars']:,} chars "
        f"in {result['seconds']:.1f} s = {result['pages_per_second']:.1f} pages/s (single process) -> {path}"
    )


if __name__ == "__main__":
    main()
