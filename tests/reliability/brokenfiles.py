"""Broken and hostile report files, written by hand or with reportlab at test time.

Each generator writes one file and returns its path. The hand-written PDFs are built by `build_pdf`, which
lays out numbered objects and a correct cross-reference table, so a file is broken only where a test
breaks it on purpose.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpus" / "samples"
MB = 1 << 20


def build_pdf(objects: Sequence[bytes], root: int = 1) -> bytes:
    """A PDF whose object i+1 is objects[i] (the text between `obj` and `endobj`), with a valid xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    """A stream object body holding `data` as is (any /Filter goes in `extra`)."""
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pages_pdf(contents: Sequence[bytes], content_filter: bytes = b"", pages: int | None = None) -> bytes:
    """A PDF of `pages` pages (default: one per content stream) in Helvetica; page i shows contents[i %
    len(contents)], so thousands of pages can share one stream and the file stays small."""
    count = pages if pages is not None else len(contents)
    first_content = 4
    first_page = first_content + len(contents)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (first_page + i) for i in range(count)), count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [stream(c, content_filter) for c in contents]
    for i in range(count):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (first_content + i % len(contents))
        )
    return build_pdf(objects)


def text_ops(lines: Sequence[str]) -> bytes:
    """Content-stream operators that print `lines` down a page."""
    ops = [b"BT /F1 11 Tf 72 720 Td 14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + escaped.encode("latin-1") + b") '")
    ops.append(b"ET")
    return b"\n".join(ops)


def flate_bomb(inflated: int) -> bytes:
    """A zlib stream of about `inflated` bytes of spaces, built in well under a second.

    A full flush byte-aligns the deflate stream and forgets its history, so the block that codes one
    megabyte can be repeated; the trailer's Adler-32 is computed over the whole inflated length."""
    chunk = b" " * MB
    count = max(2, inflated // MB)
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(chunk, adler)
    # 0x03 0x00: an empty final block with fixed codes, then the checksum.
    return head + block * (count - 1) + b"\x03\x00" + struct.pack(">I", adler)


# --- the broken files ---------------------------------------------------------------------------------


def zero_bytes(folder: Path) -> Path:
    path = folder / "zero-bytes.pdf"
    path.write_bytes(b"")
    return path


def truncated_pdf(folder: Path) -> Path:
    data = (SAMPLES / "plan_colombia_legacy_en.pdf").read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "random-bytes.pdf"
    path.write_bytes(random.Random(8).randbytes(64 * 1024))
    return path


def html_named_pdf(folder: Path) -> Path:
    """A web page saved with a .pdf name: it must be sniffed and read as HTML (a good report)."""
    html = (SAMPLES / "honduras_state_of_exception_en.html").read_bytes()
    path = folder / "saved-page.pdf"
    path.write_bytes(html + b"\n<!-- saved as pdf -->\n")  # other bytes than the .html copy
    return path


def encrypted_pdf(folder: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    path = folder / "encrypted.pdf"
    canvas = Canvas(str(path), encrypt="secret-password")
    canvas.drawString(72, 720, "Confidential assessment of police reform in Guatemala.")
    canvas.save()
    return path


def broken_xref(folder: Path) -> Path:
    """A good text PDF whose xref table points at the wrong offsets and whose startxref is garbage."""
    lines = [
        "Community policing in Medellin reduced homicides after the city",
        "invested in libraries, cable cars and youth programs in poor districts.",
    ]
    data = pages_pdf([text_ops(lines)])
    head, _, tail = data.partition(b"xref\n")
    tail = tail.replace(b"0000000", b"0000999")  # every offset now points past the end of the file
    data = head + b"xref\n" + tail
    data = data[: data.rindex(b"startxref")] + b"startxref\n99999999\n%%EOF\n"
    path = folder / "broken-xref.pdf"
    path.write_bytes(data)
    return path


def image_only(folder: Path) -> Path:
    """A scanned page: one image, no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("L", (200, 260), 255)
    for x in range(20, 180):
        for y in range(30, 230, 12):
            image.putpixel((x, y), 0)
    path = folder / "scanned.pdf"
    canvas = Canvas(str(path))
    canvas.drawImage(ImageReader(image), 72, 300, 400, 520)
    canvas.save()
    return path


def pdf_flate_bomb(folder: Path, inflated: int = 2048 * MB) -> Path:
    """A one-page PDF whose FlateDecode content stream inflates to gigabytes (2 MB on disk)."""
    path = folder / "flate-bomb.pdf"
    path.write_bytes(pages_pdf([flate_bomb(inflated)], content_filter=b"/Filter /FlateDecode"))
    return path


def huge_content_stream(folder: Path, operators: int = 400_000) -> Path:
    """One page whose content stream shows hundreds of thousands of tiny text runs (tens of MB)."""
    body = b"BT /F1 1 Tf\n" + b"0.001 0 Td (x) Tj\n" * operators + b"ET"
    path = folder / "huge-content.pdf"
    path.write_bytes(pages_pdf([zlib.compress(body)], content_filter=b"/Filter /FlateDecode"))
    return path


def slow_pages(folder: Path, pages: int = 4) -> Path:
    """Pages just under the per-page content limit: each takes pdfminer many seconds, so the whole file
    runs past a short per-file time limit (the extraction process is killed)."""
    body = b"BT /F1 1 Tf\n" + b"0.001 0 Td (x) Tj\n" * 200_000 + b"ET"
    contents = [body.replace(b"(x)", b"(%d)" % (i % 10)) for i in range(pages)]
    path = folder / "slow-pages.pdf"
    path.write_bytes(pages_pdf([zlib.compress(c) for c in contents], content_filter=b"/Filter /FlateDecode"))
    return path


def deep_nesting(folder: Path, depth: int = 200_000) -> Path:
    """A content stream of arrays nested hundreds of thousands deep (recursive parsers overflow)."""
    body = b"[" * depth + b"]" * depth + b"\n" + text_ops(["Nested arrays precede this line."])
    path = folder / "deep-nesting.pdf"
    path.write_bytes(pages_pdf([body]))
    return path


def many_pages(folder: Path, pages: int = 5000) -> Path:
    """A 5,000-page PDF: every page shares one short content stream (the file is about 400 KB)."""
    path = folder / "five-thousand-pages.pdf"
    path.write_bytes(pages_pdf([text_ops(["Page of a very long annex on prison statistics."])], pages=pages))
    return path


BROKEN: dict[str, Callable[[Path], Path]] = {
    "zero_bytes": zero_bytes,
    "truncated": truncated_pdf,
    "random_bytes": random_bytes,
    "encrypted": encrypted_pdf,
    "image_only": image_only,
    "flate_bomb": pdf_flate_bomb,
    "huge_content": huge_content_stream,
    "slow_pages": slow_pages,
    "many_pages": many_pages,
}
"""Files that must not become a report with passages: each is recorded as failed or empty, with an error."""

READABLE: dict[str, Callable[[Path], Path]] = {
    "html_named_pdf": html_named_pdf,
    "broken_xref": broken_xref,
    "deep_nesting": deep_nesting,
}
"""Odd files that hold a good report all the same: sniffed or repaired, they are stored with passages."""


def copy_good_reports(folder: Path) -> list[Path]:
    """The shipped sample reports (PDF and HTML), copied into `folder`."""
    copied = []
    for sample in sorted(SAMPLES.iterdir()):
        if sample.suffix in {".pdf", ".html"}:
            target = folder / sample.name
            target.write_bytes(sample.read_bytes())
            copied.append(target)
    return copied
