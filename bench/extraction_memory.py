"""Memory stays bounded per page: peak RSS while extracting a generated 1,000-page PDF vs a 100-page one.

Extraction opens the PDF once, reads page by page and releases each page's objects (page.close()), so
the 1,000-page peak should sit close to the 100-page peak (only the light per-page layouts accumulate).

    python -m bench.extraction_memory
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import psutil
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from bench.common import write_results
from extractors import extract_path

_TEXT = (
    "Section {n} describes how the municipal guard of district {n} shared patrol schedules with the "
    "national police, which neighbourhoods asked for more street lighting, and what changed in reported "
    "robberies and homicides in the following {m} months according to the prosecutor's office. "
)


def make_pdf(path: Path, pages: int) -> Path:
    """A report of `pages` full one-column pages with a running header and page numbers."""
    canvas = Canvas(str(path), pagesize=letter)
    width, height = letter
    for n in range(1, pages + 1):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, height - 40, "Municipal Security Annual Review")
        canvas.drawString(width / 2, 30, str(n))
        canvas.setFont("Helvetica", 10)
        y = height - 90
        for line in simpleSplit(_TEXT.format(n=n, m=n % 12 + 1) * 4, "Helvetica", 10, width - 144):
            canvas.drawString(72, y, line)
            y -= 13
        canvas.showPage()
    canvas.save()
    return path


def peak_rss_during(path: Path) -> tuple[float, float, int]:
    """(peak RSS MiB while extracting, seconds, passages) sampled every 20 ms from another thread."""
    process = psutil.Process()
    peak = process.memory_info().rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    doc = extract_path(path)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return peak / 2**20, seconds, len(doc.passages)


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Warm up imports and word lists so the first measurement does not pay for them.
        extract_path(make_pdf(Path(tmp) / "warm.pdf", 3))
        for pages in (100, 1000):
            path = make_pdf(Path(tmp) / f"report_{pages}.pdf", pages)
            peak, seconds, passages = peak_rss_during(path)
            results[str(pages)] = {
                "pages": pages,
                "peak_rss_mib": round(peak, 1),
                "seconds": round(seconds, 1),
                "passages": passages,
                "file_mib": round(path.stat().st_size / 2**20, 1),
            }
            print(
                f"{pages:>5} pages ({results[str(pages)]['file_mib']} MiB file): peak RSS {peak:.0f} MiB, "
                f"{seconds:.1f} s, {passages} passages"
            )
    growth = results["1000"]["peak_rss_mib"] - results["100"]["peak_rss_mib"]
    print(f"peak RSS growth from 100 to 1,000 pages: {growth:.0f} MiB")
    path = write_results("extraction_memory", {"runs": results, "growth_mib": round(growth, 1)})
    print(f"-> {path}")


if __name__ == "__main__":
    main()
