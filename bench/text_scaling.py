"""Plain-text and Markdown extraction time against file size: 100 kB, 400 kB and 1.6 MB of generated prose.

Extraction should cost about the same per megabyte at every size. Three layouts are timed: paragraphs
with blank lines between them; hard-wrapped lines with single newlines only, which reads as one
paragraph of the whole file (the layout that once made the time grow with the square of the size: an
800 kB file took over a minute, a 3.6 MB one over 22); and Markdown whose body is one line, strewn with
marks that never close (footnote asterisks, snake_case names, stray quotation marks: emphasis matching
once searched the rest of the line from each of them, quoted-title matching the rest of the passage, and
88 kB took 8 s). The prose has line-end hyphens, initials and abbreviations ("J. K. Ruiz", "e.g."), so
line joining and sentence splitting do their full work.

    python -m bench.text_scaling [--sizes 100000 400000 1600000]

Prints seconds and seconds per MB per size and layout, and whether the largest size costs at most
MAX_GROWTH times the smallest per MB. Writes bench/results/text_scaling.json.
"""

from __future__ import annotations

import argparse
import random
import textwrap
import time
from typing import Any

from bench.common import write_results
from extractors import extract_bytes
from extractors.sniff import MARKDOWN, TEXT, sniff_media_type

SIZES = (100_000, 400_000, 1_600_000)
LAYOUTS = ("blank_lines", "single_newlines", "markdown_one_line")
# Seconds per MB at the largest size over the smallest: linear work stays near 1; the old quadratic
# line joining was 27 at 8 times the size.
MAX_GROWTH = 2.0

_PROSE = (
    "the municipal guard shared patrol schedules with national police while neighbourhood councils asked "
    "for street lighting and prosecutors reported fewer robberies homicides extortion cases in districts "
    "where community mediators worked alongside social programmes for young people at risk of recruitment "
    "by criminal groups trafficking cocaine across the border region during the eradication campaign"
)
_WORDS = _PROSE.split()
_OPENERS = ("In", "The", "According to", "After", "Officials", "Researchers", "By", "Since")
_ASIDES = ("(see Fig. 3)", "e.g. in Cali", "J. K. Ruiz et al.", "Dr. Gómez", "the U.S. embassy", "etc.")
# Marks that open and never close, for the one-line Markdown layout.
_UNCLOSED = ("*see note", "the patrol_schedule table", "“as officials put it", "_draft", "`v2")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_OPENERS)] + rng.choices(_WORDS, k=rng.randint(8, 24))
    if rng.random() < 0.3:
        words.insert(rng.randint(2, len(words)), rng.choice(_ASIDES))
    if rng.random() < 0.2:
        words.insert(rng.randint(2, len(words)), f"in {rng.randint(1990, 2024)}")
    return " ".join(words) + "."


def _wrap(paragraph: str, rng: random.Random) -> list[str]:
    """Hard-wrapped lines, some ending in a word split with a hyphen (as PDF-to-text tools leave them)."""
    lines = textwrap.wrap(paragraph, width=72)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and rng.random() < 0.15:
            head, _, last = line.rpartition(" ")
            if len(last) > 5 and last.isalpha():
                cut = rng.randint(2, len(last) - 2)
                out.append(f"{head} {last[:cut]}-")
                lines[i + 1] = f"{last[cut:]} {lines[i + 1]}"
                continue
        out.append(line)
    return out


def synthetic_text(size: int, layout: str, seed: int = 7) -> str:
    """About `size` characters of hard-wrapped prose under a title, in `layout` (see LAYOUTS)."""
    rng = random.Random(seed)
    if layout == "markdown_one_line":
        words = ["**Municipal** security review:"]
        length = len(words[0])
        while length < size:
            words.append(_sentence(rng) if rng.random() < 0.5 else rng.choice(_UNCLOSED))
            length += len(words[-1]) + 1
        return "# Municipal Security Annual Review\n\n" + " ".join(words)[:size].rsplit(" ", 1)[0] + "\n"
    blocks = ["Municipal Security Annual Review"]
    length = len(blocks[0])
    while length < size:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 8)))
        block = "\n".join(_wrap(paragraph, rng))
        blocks.append(block)
        length += len(block) + 2
    separator = "\n\n" if layout == "blank_lines" else "\n"
    return separator.join(blocks)[:size].rsplit("\n", 1)[0] + "\n"


def time_extraction(text: str, media_type: str = TEXT) -> tuple[float, int]:
    """(seconds, passages) to extract `text` as a plain-text (or Markdown) report."""
    data = text.encode("utf-8")
    assert sniff_media_type(data) == media_type, f"the generated text must read as {media_type}"
    start = time.perf_counter()
    document = extract_bytes(data, "synthetic.md" if media_type == MARKDOWN else "synthetic.txt")
    return time.perf_counter() - start, len(document.passages)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="bytes of text per run")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    # Load the language detector and word lists first, so the smallest size does not pay for them.
    time_extraction(synthetic_text(20_000, "blank_lines"))
    runs: list[dict[str, Any]] = []
    print(f"{'layout':<19}{'size':>10}{'passages':>10}{'seconds':>9}{'s per MB':>10}", flush=True)
    for layout in LAYOUTS:
        for size in sizes:
            text = synthetic_text(size, layout)
            megabytes = len(text.encode("utf-8")) / 1e6
            seconds, passages = time_extraction(text, MARKDOWN if layout.startswith("markdown") else TEXT)
            run = {
                "layout": layout,
                "bytes": round(megabytes * 1e6),
                "passages": passages,
                "seconds": round(seconds, 2),
                "seconds_per_mb": round(seconds / megabytes, 2),
            }
            runs.append(run)
            print(
                f"{layout:<19}{megabytes * 1000:>8.0f}kB{passages:>10}{seconds:>9.2f}"
                f"{run['seconds_per_mb']:>10.2f}",
                flush=True,
            )
    growth = {
        layout: round(rows[-1]["seconds_per_mb"] / max(rows[0]["seconds_per_mb"], 1e-9), 2)
        for layout in LAYOUTS
        if (rows := [r for r in runs if r["layout"] == layout])
    }
    linear = all(g <= MAX_GROWTH for g in growth.values())
    print(
        "s per MB, largest over smallest size: "
        + ", ".join(f"{layout} {g:.2f}" for layout, g in growth.items())
        + f" -> {'linear' if linear else 'NOT linear'} (limit {MAX_GROWTH})"
    )
    result = {"runs": runs, "growth": growth, "max_growth": MAX_GROWTH, "linear": linear}
    path = write_results("text_scaling", result)
    print(f"-> {path}")
    return result


if __name__ == "__main__":
    main()
