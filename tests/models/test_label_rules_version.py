"""LABEL_RULES_VERSION changes whenever the rules that turn a model's scores into labels change.

Stores record the rules each model's predictions were made under, and the next `citsec ingest` by a citsec
with newer rules labels the store again (models.topic.older_label_rules; the query commands say so
meanwhile). That only works if the version is bumped with every change to the rules: a passage read in its
report (models.context), and no label for a passage that never speaks of security (extractors.security_terms,
which the gazetteer's enforcement and transnational programme names feed), for a table or listing
(models.prose) or a reference list (models.labels). The rules' data and what they decide fail this test
until the version is bumped and its fingerprint recorded. Never edit a recorded fingerprint: add the new
version's line, or, for a change that cannot change a label, add its fingerprint to the version's line with
the reason.

The texts are the tagger's frozen seed passages (tests/tagging/tagger_texts.jsonl), each whole, sentence by
sentence (623 of whose 1,767 sentences speak of no security) and cut down to its names and figures (a
listing), and probes of each context a security word's sense turns on; each read as a text on its own and
as a report's passage. The data counts whole, so a change no text reaches still fails, and so does one
that changes nothing (a redundant word, a renamed constant): a bump would relabel every store for nothing,
hence the second way above.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from security_words import canonical, constants, context_words, links, phrases

from extractors import security_terms
from models import context, labels, prose, topic
from models.topic import LABEL_RULES_VERSION, no_label_rule

TEXTS = Path(__file__).resolve().parents[1] / "tagging" / "tagger_texts.jsonl"
RULE_MODULES = (security_terms, prose, topic, labels, context)

# version -> the sha256 of the rules' data and of what they decide (see fingerprint()) that it stands for;
# add a line when bumping the version. Versions up to 9 were bumped by hand before this test.
FINGERPRINTS: dict[str, tuple[str, ...]] = {
    "10": ("8b9ebcf8c516a8fde6e83111ce3e33a39f050a4eaaa84316e8768fbbce76f343",),
}


def rule_data() -> list[Any]:
    """Every module-level constant of the rule modules (but the version itself, and the stems only the
    tagger reads), and the patterns the gazetteer's programme names become."""
    leave_out = ("LABEL_RULES_VERSION", "NAMED_OBJECT_STEMS")
    data = [row for module in RULE_MODULES for row in constants(module, *leave_out)]
    data.append(["programmes", [canonical(p) for p in security_terms._security_programs()]])
    return data


def blended() -> list[list[float]]:
    """Scores of three reports of 5, 4 and 3 passages read in their reports (models.context): how a
    passage's report moves its scores before the thresholds."""
    proba = (np.arange(36, dtype=np.float64).reshape(12, 3) * 7 % 36) / 35
    return np.round(context.in_context(proba, [0] * 5 + [1] * 4 + [2] * 3), 9).tolist()


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
    """Each of HEADS next to each word the rules read around a security word, in the orders they read (after
    it, before it, after each link word, in a name, in capitals): the frozen texts seldom hold "food
    security" or "captura de datos", so a change to how the context is read would go unseen. Then each
    phrase; the words that count only as written, in three cases; a word that counts only inside a name,
    on the name's line and on the next."""
    forms = ["{x} {w}", "{w} {x}", "La {w} {x} nacional", "Plan {X} {w}", "LA {W} {U}"]
    forms += [f"{{w}} {link} {{x}}" for link in links()]
    beside = [
        form.format(w=w, x=x, X=x.title(), W=w.upper(), U=x.upper())
        for w in HEADS for x in context_words() for form in forms
    ]  # fmt: skip
    alone = sorted(map(" ".join, phrases()))
    cased = [f"{case(phrase)} de la región" for phrase in alone for case in (str, str.title, str.upper)]
    written = [f"Agents of the {case(word)} came." for word in sorted(security_terms.AS_WRITTEN)
               for case in (str, str.lower, str.title, str.upper)]  # fmt: skip
    names = [f"El Plan {place}{gap}{word.title()} de {year}" for word in sorted(security_terms.NAME_ONLY)
             for place in ("Niñez", "niñez") for gap in " \n" for year in ("2020", "Chile")]  # fmt: skip
    return beside + cased + written + names


def fingerprint() -> str:
    digest = hashlib.sha256(json.dumps([rule_data(), blended()], ensure_ascii=False).encode())
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
    assert ("models.context", "CONTEXT_WEIGHT") in names


def test_label_rules_version_is_bumped_with_the_rules() -> None:
    found = fingerprint()
    assert found in FINGERPRINTS.get(LABEL_RULES_VERSION, ()), (
        f"the labeling rules changed (fingerprint {found}) but LABEL_RULES_VERSION is still "
        f"{LABEL_RULES_VERSION}: bump it in models/topic.py, say what changed there, and add its fingerprint "
        "here (stores labeled under older rules are labeled again by their next ingest)"
    )
