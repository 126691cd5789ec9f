"""TAGGER_VERSION changes whenever what the tagger finds changes.

Stores keep the version that tagged each report (reports.tagger_version), and the query commands tell a
person whose store an older tagger tagged to run `citsec db retag`. That only works if the version is
bumped with every change to the tags, so this test fingerprints the gazetteers and the tags of the seed
passages (2,312 texts in three languages, written for citsec): a change to either fails here until
TAGGER_VERSION is bumped and its fingerprint recorded. So does an upgrade of spaCy or of en_core_web_sm
that changes the tags. Never edit a recorded fingerprint: add the new version's line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from extractors import TAGGER_VERSION
from extractors.tagging import Tagger
from extractors.tagging.lexicon import GAZETTEERS
from models.seed_version import seed_files

# version -> sha256 of the gazetteers and the seed passages' tags (see fingerprint()); add a line when
# bumping the version. 1 is the tagger of the releases before versions were recorded.
FINGERPRINTS = {
    1: "3a05a135155ada7bfc9cf870a51989ae2333da14fc6356db4f59bffdcdc0abdc",
    2: "775ec8092027dd96d7db7b5eccab53c98db63383d01dc414cdc5e3899c4c62ce",
}


def fingerprint() -> str:
    """sha256 of every gazetteer file and of every tag the tagger ingest uses gives each seed passage."""
    digest = hashlib.sha256()
    for path in sorted(GAZETTEERS.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    lines = [line for path in seed_files() for line in path.read_text("utf-8").splitlines() if line]
    rows = [json.loads(line) for line in lines]
    tags = Tagger().tag([row["text"] for row in rows], [row.get("lang") for row in rows])
    for row, tagged in zip(rows, tags, strict=True):
        found = [dataclasses.astuple(entity) for entity in tagged.entities]
        digest.update(json.dumps([row["text"], tagged.countries, tagged.programs, found]).encode() + b"\n")
    return digest.hexdigest()


def test_tagger_version_is_bumped_with_the_tags() -> None:
    found = fingerprint()
    assert FINGERPRINTS.get(TAGGER_VERSION) == found, (
        f"the tags changed (fingerprint {found}) but TAGGER_VERSION is still {TAGGER_VERSION}: bump it in "
        "extractors/__init__.py, say what changed there, and add its fingerprint here"
    )
