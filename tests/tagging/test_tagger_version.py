"""TAGGER_VERSION changes whenever what the tagger finds changes.

Stores keep the version that tagged each report (reports.tagger_version), and the query commands tell a
person whose store an older tagger tagged to run `citsec db retag`. That only works if the version is
bumped with every change to the tags, so this test fingerprints the gazetteers and the tags of 463 texts
(tagger_texts.jsonl: a frozen fifth of the seed passages as they stood when the version was first
recorded, so that new seed passages need no new version): a change to either fails here until
TAGGER_VERSION is bumped and its fingerprint recorded. So does an upgrade of spaCy or pycountry that
changes the tags. The tagger is the one without en_core_web_sm's NER (citsec[ner]), which is optional:
its tags also depend on that model's version, which the version does not record. Never edit a recorded
fingerprint: add the new version's line.

The tagger also reads extractors.security_terms' words around a generically named programme (is it about
security?), which the 463 texts exercise only in part: WORD_FINGERPRINTS records, from version 2 on, what
security_terms.security_word decides for every word that can count beside every word its rules read
around one (after it, before it, after each link word) and what fold() makes of accented words
(tests/security_words.py), so a change to how those words are read fails here too until the
tagger's version is bumped (the labeling rules read the same words: tests/models/test_label_rules_version.py
fails as well).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from security_words import canonical, security_word_decisions

from extractors import TAGGER_VERSION
from extractors.tagging import Tagger
from extractors.tagging.lexicon import GAZETTEERS
from extractors.tagging.topic import NAME_ONLY, NAMED_OBJECT_STEMS

TEXTS = Path(__file__).resolve().parent / "tagger_texts.jsonl"

# version -> sha256 of the gazetteers and the seed passages' tags (see fingerprint()); add a line when
# bumping the version. 1 is the tagger of the releases before versions were recorded.
FINGERPRINTS = {
    1: "d9f404fff2e7df5509a88e89ee60e08543b134280ea833e8f83270d40d4493dd",
    2: "b1237f02e62b00763ee433334b02d6995b7fc5b1e2d484f97a75618be03dedf5",
}
# version -> sha256 of the security words as the tagger reads them (see word_fingerprint()); recorded from
# version 2 on.
WORD_FINGERPRINTS = {
    2: "05a834eefd6596b902e95b537c83b2b7290136b98ac321829c7193515fb73e64",
}


def fingerprint() -> str:
    """sha256 of every gazetteer file and of every tag the tagger gives each of TEXTS."""
    digest = hashlib.sha256()
    for path in sorted(GAZETTEERS.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    rows = [json.loads(line) for line in TEXTS.read_text("utf-8").splitlines() if line]
    tags = Tagger(use_statistical=False).tag([row["text"] for row in rows], [row["lang"] for row in rows])
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


def word_fingerprint() -> str:
    """sha256 of the security words the tagger reads: the words that count only inside a name, the stems
    whose sense a name can take, and security_word's decisions (tests/security_words.py)."""
    read = [canonical(NAME_ONLY), canonical(NAMED_OBJECT_STEMS), security_word_decisions()]
    return hashlib.sha256(json.dumps(read, ensure_ascii=False).encode()).hexdigest()


def test_tagger_version_is_bumped_with_the_security_words() -> None:
    found = word_fingerprint()
    assert WORD_FINGERPRINTS.get(TAGGER_VERSION) == found, (
        f"the security words the tagger reads changed (fingerprint {found}) but TAGGER_VERSION is still "
        f"{TAGGER_VERSION}: bump it in extractors/__init__.py, say what changed there, and add its "
        "fingerprints here"
    )
