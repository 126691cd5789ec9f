"""Extraction quality and speed on every real PDF in ../shared/reports (issue 3's "Done when" figures).

Per file: pages; glued-token share (tokens over 25 letters, target < 0.5%); word recall against the PDF's
own text layer as PDFium reads it (target >= 0.93; see extractors/quality.py for the exact definitions);
how often a running header survives in the output (the UNODC "Proyecto COL/K53" line: at most once);
pages PDFium finds without a text layer vs the pages our warnings list; passages marked as reference lists
(`refs`); and pages per second, ours vs a bare pdfplumber parse (`len(page.chars)`) of the same file.

    python -m bench.extraction_quality [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2

from bench.common import real_pdfs, write_results
from extractors.pdf import open_pdf, read_layouts
from extractors.pdf.report import drop_running_lines, layouts_to_document, page_ranges
from extractors.quality import clean_reference, comparable_words, counter_recall, glued_token_share
from extractors.references import REFERENCE_KIND

GLUED_MAX = 0.005
RECALL_MIN = 0.93
# The UNODC running header's forms ("Proyecto COL/K53- C5", "Proyecto COL/K53 CV - UACT/UNODC"); a
# sentence that names the project ("en el marco del Proyecto COL/K53.") is body text and not counted.
_K53 = re.compile(r"proyecto\s+col\s*/\s*k\s*53\s*(?:-\s*c\s*5|cv)", re.IGNORECASE)
_LISTED = re.compile(r"no text layer on pages? ([\d, \-]+)")


def reference_pages(path: Path) -> list[tuple[str, bool]]:
    """Each page's text as PDFium (a different engine from pdfminer) reads the text layer, and whether the
    page draws anything (images or paths): a page that draws but has no text is image-only."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            draws = any(
                obj.type in (pypdfium2.raw.FPDF_PAGEOBJ_IMAGE, pypdfium2.raw.FPDF_PAGEOBJ_PATH)
                for obj in page.get_objects(max_depth=2)
            )
            pages.append((textpage.get_text_range(), draws))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def reference_text(pages: list[tuple[str, bool]]) -> str:
    """The reference words: PDFium's text with line-end hyphenated words joined (extraction joins them)."""
    return clean_reference("\n".join(text for text, _ in pages))


def bare_parse_seconds(path: Path) -> float:
    start = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            len(page.chars)
            page.close()
    return time.perf_counter() - start


def listed_pages(warnings: list[str]) -> set[int]:
    pages: set[int] = set()
    for warning in warnings:
        match = _LISTED.search(warning)
        if not match:
            continue
        for part in match.group(1).split(","):
            lo, _, hi = part.strip().partition("-")
            pages.update(range(int(lo), int(hi or lo) + 1))
    return pages


def measure(path: Path) -> dict[str, Any]:
    bare = bare_parse_seconds(path)
    start = time.perf_counter()
    warnings: list[str] = []
    pdf = open_pdf(str(path))
    try:
        layouts = read_layouts(pdf, warnings)
        pages = len(pdf.pages)
    finally:
        pdf.close()
    doc = layouts_to_document(layouts, {}, uri=str(path), sha256="", pages=pages, warnings=warnings)
    ours = time.perf_counter() - start
    # Recall is measured against the text layer minus what extraction drops on purpose (running headers,
    # footers, page numbers): those words are meant to be missing.
    _, dropped = drop_running_lines(layouts)
    ref_pages = reference_pages(path)
    reference = comparable_words(reference_text(ref_pages))
    reference.subtract(comparable_words("\n".join(line.text for line in dropped)))
    no_text = [
        i + 1 for i, (t, draws) in enumerate(ref_pages) if sum(ch.isalpha() for ch in t) < 10 and draws
    ]
    listed = listed_pages(doc.warnings)
    header_lines = [h for h in doc.metadata.get("running_header", "").split(" / ") if len(h.split()) >= 3]
    return {
        "file": path.name,
        "pages": doc.pages,
        "passages": len(doc.passages),
        "tables": sum(p.kind == "table" for p in doc.passages),
        "reference_passages": sum(p.kind == REFERENCE_KIND for p in doc.passages),
        "words": len(doc.text.split()),
        "language": doc.language,
        "glued_share": glued_token_share(doc.text),
        "word_recall": counter_recall(comparable_words(doc.text), +reference),
        "running_lines_dropped": len(dropped),
        "k53_lines": len(_K53.findall(doc.text)),
        "max_header_repeats": max((doc.text.count(h) for h in header_lines), default=0),
        "no_text_pages": no_text,
        "listed_pages": sorted(listed),
        "unlisted_no_text_pages": sorted(set(no_text) - listed),
        "seconds": ours,
        "bare_seconds": bare,
        "pages_per_second": doc.pages / ours,
        "bare_pages_per_second": doc.pages / bare,
    }


def passes(row: dict[str, Any]) -> bool:
    return (
        row["glued_share"] < GLUED_MAX
        and row["word_recall"] >= RECALL_MIN
        and row["k53_lines"] <= 1
        and row["max_header_repeats"] <= 1
        and not row["unlisted_no_text_pages"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="measure only files whose name contains this")
    args = parser.parse_args()
    rows = [measure(p) for p in real_pdfs() if not args.only or args.only in p.name]
    header = (
        f"{'file':<48} {'pages':>5} {'glued%':>7} {'recall':>7} {'K53':>4} {'hdr':>4} "
        f"{'no-text pages (listed)':<24} {'refs':>4} {'p/s':>6} {'bare':>6}  ok"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        no_text = page_ranges(r["no_text_pages"]) or "-"
        if r["unlisted_no_text_pages"]:
            no_text += f" MISSING {page_ranges(r['unlisted_no_text_pages'])}"
        print(
            f"{r['file'][:48]:<48} {r['pages']:>5} {100 * r['glued_share']:>7.3f} {r['word_recall']:>7.3f} "
            f"{r['k53_lines']:>4} {r['max_header_repeats']:>4} {no_text[:24]:<24} "
            f"{r['reference_passages']:>4} {r['pages_per_second']:>6.1f} {r['bare_pages_per_second']:>6.1f}  "
            f"{'yes' if passes(r) else 'NO'}"
        )
    pages = sum(r["pages"] for r in rows)
    ours = sum(r["seconds"] for r in rows)
    bare = sum(r["bare_seconds"] for r in rows)
    summary = {
        "files": len(rows),
        "files_passing": sum(passes(r) for r in rows),
        "pages": pages,
        "seconds": round(ours, 2),
        "bare_seconds": round(bare, 2),
        "pages_per_second": round(pages / ours, 2) if ours else None,
        "bare_pages_per_second": round(pages / bare, 2) if bare else None,
        "worst_glued_share": max((r["glued_share"] for r in rows), default=0.0),
        "worst_word_recall": min((r["word_recall"] for r in rows), default=1.0),
        "reference_passages": sum(r["reference_passages"] for r in rows),
        "files_with_references": sum(r["reference_passages"] > 0 for r in rows),
    }
    print(
        f"\n{summary['files_passing']}/{summary['files']} files pass; {pages} pages; "
        f"worst glued {100 * summary['worst_glued_share']:.3f}%, "
        f"worst recall {summary['worst_word_recall']:.3f}; "
        f"extraction {summary['pages_per_second']} pages/s vs bare parse {summary['bare_pages_per_second']} "
        f"pages/s (single process); {summary['reference_passages']} passages in the reference lists of "
        f"{summary['files_with_references']} files"
    )
    path = write_results("extraction_quality", {"summary": summary, "files": rows})
    print(f"-> {path}")


if __name__ == "__main__":
    main()
