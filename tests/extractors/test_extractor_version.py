"""EXTRACTOR_VERSION changes whenever what extraction produces changes.

Stores keep the version that read each report, and the next ingest of a report read by another version
reads it again (Corpus.has_whole_report, add_report). That only works if the version is bumped with every
change to the output, so this test fingerprints the extraction of the bundled sample reports: a change to
the extractors that alters it fails here until EXTRACTOR_VERSION is bumped and its fingerprint recorded.
So does an upgrade of pdfplumber, pdfminer or the language detector that changes the output: stores
should read their reports again then too. Never edit a recorded fingerprint: add the new version's line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from extractors import EXTRACTOR_VERSION, extract_path

SAMPLES = Path(__file__).resolve().parents[2] / "corpus" / "samples"
# version -> sha256 of the samples' extraction (see fingerprint()); add a line when bumping the version.
FINGERPRINTS = {
    "1.1.0": "ec6ae09c5f40c779d05c1b6a6846d7bb3f6039666deabdbc7118385053cf8968",
    "1.2.0": "1583470d64f7b0ac83a40eb7f0c30cdb36206f26f646891be1a429500608f2be",
    "1.3.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.4.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.5.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.6.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.7.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.8.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.9.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.10.0": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
    "1.10.1": "badcbbfd53df5dca4632988d44f2ec80496f4a1ddc9175473472ebd2c9218de7",
}


def fingerprint() -> str:
    """sha256 of everything extraction reports about each sample, but where the file lies."""
    documents = []
    for path in sorted(SAMPLES.glob("*.*")):
        if path.suffix == ".py":
            continue
        document = extract_path(path)
        fields = {k: v for k, v in dataclasses.asdict(document).items() if k != "uri"}
        documents.append({"name": path.name, **fields})
    blob = json.dumps(documents, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def test_the_extractor_version_names_what_extraction_produces():
    digest = fingerprint()
    assert FINGERPRINTS.get(EXTRACTOR_VERSION) == digest, (
        f"extraction of corpus/samples changed (fingerprint {digest}): bump EXTRACTOR_VERSION in "
        "extractors/__init__.py and record the new fingerprint here, so stores read their reports again"
    )
