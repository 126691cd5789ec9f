"""Fuzz the extraction entry point with mutated seed PDFs: every input ends as a document or one
ExtractionError line, never another exception, a dead process or an endless run.

Inputs run through the same time- and memory-limited extraction process as ingest (flows.limits), so a
hang is bounded by the per-file time limit and reported as an ExtractionError; an unexpected exception
comes back as ExtractorCrash and fails the test. `make fuzz` runs 5,000 examples
(CITSEC_FUZZ_EXAMPLES); the normal suite runs a short burst.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import ExtractedDocument, ExtractionError
from flows.limits import ExtractionSandbox, ExtractorCrash, ResourceLimits

sys.path.insert(0, str(Path(__file__).resolve().parent / "reliability"))
from brokenfiles import SAMPLES, build_pdf, pages_pdf, stream, text_ops  # noqa: E402

EXAMPLES = int(os.environ.get("CITSEC_FUZZ_EXAMPLES", "120"))
TOKENS = [
    b"0",
    b"-1",
    b"99999999999",
    b"obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"/FlateDecode",
    b" R ",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"\\",
    b"/Length 0",
    b"xref",
    b"trailer",
    b"%%EOF",
    b"\x00",
]


def _seeds() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted(SAMPLES.glob("*.pdf"))[:3]]
    lines = ["Prevention programs in Honduras", "Extradition treaties with Colombia"]
    seeds.append(pages_pdf([text_ops(lines), text_ops(lines[::-1])]))  # uncompressed: structure is exposed
    seeds.append(
        build_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                stream(b"BT 12 Tf 10 10 Td (no font resource) Tj ET"),
            ]
        )
    )
    return seeds


SEEDS = _seeds()


@st.composite
def mutated_pdfs(draw: st.DrawFn) -> bytes:
    """A seed PDF with a few byte flips, truncations, deletions, splices and token insertions."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "delete", "splice", "token", "repeat"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[max(at, 16) :]
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "splice":
            other = draw(st.sampled_from(SEEDS))
            start = draw(st.integers(0, len(other) - 1))
            data[at:at] = other[start : start + draw(st.integers(1, 512))]
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "repeat":
            data[at:at] = data[at : at + 32] * draw(st.integers(2, 200))
    return bytes(data)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ExtractionSandbox]:
    running = ExtractionSandbox(ResourceLimits(seconds=30, memory_mb=2048))
    try:
        yield running
    finally:
        running.close()


def test_mutated_pdfs_extract_or_fail_with_one_line(sandbox: ExtractionSandbox) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=mutated_pdfs())
    def check(data: bytes) -> None:
        try:
            document = sandbox.extract(data, "fuzz.pdf")
        except ExtractionError as exc:
            assert str(exc).strip() and "\n" not in str(exc)
            return
        except ExtractorCrash as exc:
            pytest.fail(f"extraction crashed instead of raising ExtractionError: {exc}")
        assert isinstance(document, ExtractedDocument)
        for passage in document.passages:
            assert 1 <= passage.page_start <= passage.page_end <= max(document.pages, 1)
            assert passage.text.strip()

    check()


def test_seeds_extract() -> None:
    """The seeds themselves are good PDFs, so mutations start from files that reach the deep code."""
    from extractors import extract_bytes

    assert all(extract_bytes(seed, "seed.pdf").pages >= 1 for seed in SEEDS)
