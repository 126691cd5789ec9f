"""LABEL_RULES_VERSION changes whenever the rules that give a passage no label whatever its scores change.

Stores record the rules each model's predictions were made under, and the next `citsec ingest` by a citsec
with newer rules labels the store again (models.topic.older_label_rules; the query commands say so
meanwhile). That only works if the version is bumped with every change to the rules: the security words
(extractors.security_terms, which the gazetteer's enforcement and transnational programme names feed), the
prose test (models.prose) and the kinds that get no label (models.labels). The rules' data and what they
decide for texts derived from a frozen set fail this test until the version is bumped and its fingerprint
recorded. Never edit a recorded fingerprint: add the new version's line.

The texts are the tagger's frozen seed passages (tests/tagging/tagger_texts.jsonl), each whole, sentence by
sentence (623 of whose 1,767 sentences speak of no security) and cut down to its names and figures (a
listing), read as a text on its own and as a report's passage.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from security_words import canonical, constants, context_words, phrases

from extractors import security_terms
from models import labels, prose, topic
from models.topic import LABEL_RULES_VERSION, no_label_rule

TEXTS = Path(__file__).resolve().parents[1] / "tagging" / "tagger_texts.jsonl"
RULE_MODULES = (security_terms, prose, topic, labels)

# version -> sha256 of the rules' data and of what they decide (see fingerprint()); add a line when bumping
# the version. Versions up to 9 were bumped by hand before this test.
FINGERPRINTS = {
    "10": "a9b3d2c55624cc9fa91b237174eb2835b6c7752f569b835bfd1e2dd894ec1633",
}


def rule_data() -> list[Any]:
    """Every module-level constant of the rule modules (but the version itself), and the patterns the
    gazetteer's programme names become."""
    data = [row for module in RULE_MODULES for row in constants(module, "LABEL_RULES_VERSION")]
    data.append(["programmes", [canonical(p) for p in security_terms._security_programs()]])
    return data


def rule_texts() -> list[str]:
    """The frozen texts, each sentence of them, each cut down to its names and figures, and the probes."""
    texts = [json.loads(line)["text"] for line in TEXTS.read_text("utf-8").splitlines() if line]
    sentences = [s for text in texts for s in re.split(r"(?<=[.;:!?])\s+", text)]
    listings = [" ".join(t for t in text.split() if not t[0].islower()) for text in texts]
    return texts + sentences + listings + probes()


# Words whose sense the words around them decide (security_terms.security_word, mentions_security).
HEADS = [
    "seguridad", "segurança", "security", "safety", "seguro", "segura", "Segura", "Seguros", "policía",
    "erradicación", "erradicar", "justicia", "convivencia", "captura", "tráfico", "trafico", "defensa", "paz",
    "Paz",
]


def probes() -> list[str]:
    """Each of HEADS next to each word the rules read around a security word, in the orders they read: the
    frozen texts seldom hold "food security" or "captura de datos", so a change to how the context is read
    would go unseen."""
    forms = ("{x} {w}", "{w} {x}", "{w} de {x}", "{w} la {x}", "La {w} {x} nacional", "Plan {X} {w}")
    beside = [form.format(w=w, x=x, X=x.title()) for w in HEADS for x in context_words() for form in forms]
    alone = sorted(map(" ".join, phrases()))
    return beside + [f"{case(phrase)} de la región" for phrase in alone for case in (str, str.title)]


def fingerprint() -> str:
    digest = hashlib.sha256(json.dumps(rule_data(), ensure_ascii=False).encode())
    for text in rule_texts():
        decided = [no_label_rule(text, kind) for kind in (None, "text", "table", "reference")]
        digest.update(json.dumps([text, decided], ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def test_the_texts_reach_every_rule() -> None:
    # The fingerprint guards a rule only if some text turns on it, and turns on it because of the words.
    decided = {no_label_rule(text, "text") for text in rule_texts()}
    assert decided == {None, topic.NO_SECURITY_WORD, topic.LISTING}


def test_rule_data_covers_the_vocabulary() -> None:
    names = {(module, name) for module, name, *_ in rule_data() if module != "programmes"}
    for wanted in ["SECURITY_STEMS", "SECURITY_WORDS", "SECURITY_PAIRS", "OTHER_SENSE", "_WORD"]:
        assert ("extractors.security_terms", wanted) in names
    assert ("models.prose", "PROSE_SHARE") in names and ("models.labels", "UNLABELED_KINDS") in names


def test_label_rules_version_is_bumped_with_the_rules() -> None:
    found = fingerprint()
    assert FINGERPRINTS.get(LABEL_RULES_VERSION) == found, (
        f"the labeling rules changed (fingerprint {found}) but LABEL_RULES_VERSION is still "
        f"{LABEL_RULES_VERSION}: bump it in models/topic.py, say what changed there, and add its fingerprint "
        "here (stores labeled under older rules are labeled again by their next ingest)"
    )
