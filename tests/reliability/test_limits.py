"""The extraction sandbox: a memory cap that turns a bomb into one error line, a process that survives a
bad file for the next good one (killed over its time, or from outside), and the PDF guards on their own."""

from __future__ import annotations

import pytest
from brokenfiles import SAMPLES, flate_bomb, pages_pdf, pdf_flate_bomb, text_ops

from extractors import ExtractionError, PdfLimits, extract_bytes
from extractors.guards import check_inflated_streams, inflated_size
from flows.limits import ExtractionSandbox, ResourceLimits

UNGUARDED = PdfLimits(max_stream_bytes=1 << 40, max_total_inflated=1 << 40)


def test_memory_cap_stops_an_unguarded_bomb_and_the_next_file_still_extracts(tmp_path):
    bomb = pdf_flate_bomb(tmp_path).read_bytes()
    sandbox = ExtractionSandbox(ResourceLimits(seconds=120, memory_mb=1024, pdf=UNGUARDED))
    try:
        # zlib cannot get its 2 GB under the cap: the page is lost, not the process (without the cap
        # the page inflates and is read as blank, with no warning).
        document = sandbox.extract(bomb, "bomb.pdf")
        assert not document.passages and "page 1 could not be read" in " ".join(document.warnings)
        good = (SAMPLES / "plan_colombia_legacy_en.pdf").read_bytes()
        assert sandbox.extract(good, "good.pdf").passages
    finally:
        sandbox.close()


def test_time_limit_kills_and_replaces_the_extraction_process(tmp_path):
    from brokenfiles import slow_pages

    slow = slow_pages(tmp_path, pages=6).read_bytes()
    sandbox = ExtractionSandbox(ResourceLimits(seconds=3))
    try:
        with pytest.raises(ExtractionError, match="longer than the 3-second limit"):
            sandbox.extract(slow, "slow.pdf")
        # The same sandbox answers the next file from a fresh process (a file quick to judge, so a
        # loaded machine cannot push it past the short limit).
        with pytest.raises(ExtractionError, match="unsupported file type"):
            sandbox.extract(bytes(range(256)) * 4, "binary.pdf")
    finally:
        sandbox.close()


def test_worker_killed_from_outside_fails_its_file_and_the_next_file_still_extracts(tmp_path):
    import os
    import signal
    import threading
    import time

    import psutil
    from brokenfiles import slow_pages

    slow = slow_pages(tmp_path, pages=6).read_bytes()
    sandbox = ExtractionSandbox(ResourceLimits(seconds=120))
    errors: list[str] = []

    def extract_slow() -> None:
        try:
            sandbox.extract(slow, "slow.pdf")
        except ExtractionError as exc:
            errors.append(str(exc))

    try:
        running = threading.Thread(target=extract_slow)
        running.start()
        # The worker is the child of the host, itself the child of the host template (the OOM killer would
        # pick the worker: the biggest process).
        deadline = time.monotonic() + 120
        workers: list[psutil.Process] = []
        while not workers and time.monotonic() < deadline:
            templates = [p for p in psutil.Process().children() if "template_main" in " ".join(p.cmdline())]
            hosts = [host for template in templates for host in template.children()]
            workers = [worker for host in hosts for worker in host.children()]
            time.sleep(0.1)
        assert workers, "no worker process appeared"
        time.sleep(1.0)  # well into the slow file
        os.kill(workers[0].pid, signal.SIGKILL)
        running.join(timeout=60)
        assert errors and "died (killed by SIGKILL" in errors[0], errors
        with pytest.raises(ExtractionError, match="unsupported file type"):
            sandbox.extract(bytes(range(256)) * 4, "binary.pdf")
    finally:
        sandbox.close()


def test_bomb_guard_measures_without_inflating_everything():
    bomb = flate_bomb(64 << 20)
    capped = inflated_size(bomb, 0, cap=8 << 20)
    assert capped is not None and 8 << 20 < capped <= 12 << 20  # stops soon after the cap
    size = inflated_size(bomb, 0, cap=1 << 30)
    assert size == 64 << 20
    pdf = pages_pdf([bomb], content_filter=b"/Filter /FlateDecode")
    with pytest.raises(ExtractionError, match="decompression bomb"):
        check_inflated_streams(pdf, PdfLimits(max_stream_bytes=32 << 20))
    check_inflated_streams(pdf, PdfLimits(max_stream_bytes=128 << 20))  # under the limit: no error


def test_page_limit_and_oversized_page_content():
    many = pages_pdf([text_ops(["One line of an annex."])], pages=30)
    with pytest.raises(ExtractionError, match="30 pages, over the 10-page limit"):
        extract_bytes(many, "many.pdf", PdfLimits(max_pages=10))
    lines = [f"Line {i} of a report on prison reform in El Salvador." for i in range(40)]
    small, big = text_ops(lines[:3]), text_ops(lines)
    document = extract_bytes(
        pages_pdf([small, big]), "two.pdf", PdfLimits(max_page_content_bytes=len(big) - 1)
    )
    assert document.warnings[0].startswith("page 2 skipped: content stream over the")
    assert all(p.page_start == 1 for p in document.passages) and document.passages


def test_limits_from_environment():
    limits = ResourceLimits.from_env({"CITSEC_FILE_SECONDS": "7.5", "CITSEC_MAX_PAGES": "12"})
    assert (limits.seconds, limits.pdf.max_pages, limits.memory_mb) == (7.5, 12, ResourceLimits().memory_mb)
    with pytest.raises(ValueError, match="CITSEC_FILE_SECONDS must be positive"):
        ResourceLimits.from_env({"CITSEC_FILE_SECONDS": "0"})
