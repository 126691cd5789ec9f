"""Is a passage about security at all? citsec's taxonomy sorts security strategies; a passage that never
speaks of security (a pension reform, a mining policy, an identification strategy in econometrics)
discusses none of them, whatever the classifier's scores say.

The classifier learned from seed passages that are all about crime and security, the negatives included,
so it has never seen text from outside the field and scores it at random. On the 26 real reports its
scores would label 1,271 passages, 436 of which use no security word at all (389 in three Chilean
presidential programmes: pensions, mining, schools; `python -m bench.off_topic`). A careful reader, shown
passages without the model's labels, gave no strategy to 58 of a random sample of 60 of them (drawn when
the words were fewer and 561 passages were off-topic); the two others (a call on educators and parents to
address "this kind of conduct" in adolescents, and a UNODC account of joint monitoring of eradication
teams, whose acronym now counts) are the rule's cost. So such passages get no label, as reference lists get
none; they are read in their report like any other passage and keep the scores the model gives them. The
words are extractors.security_terms', the tagger's test for a programme's context.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from extractors.security_terms import mentions_security
from models.labels import UNLABELED_KINDS
from models.prose import is_listing

if TYPE_CHECKING:
    from corpus import Corpus

# How a model's scores become stored labels, on top of the model itself (models.registry.LoadedModel.predict
# applies the rules): passages read in their report (models.context.blend), no label for a reference list,
# none for a passage that never speaks of security (off_topic, below), none for a table or listing
# (models.prose.is_listing). Bump it whenever these rules, or any
# other that turns scores into labels, change: the store records it with each model's predictions, and a
# store whose labels older rules gave is labeled again by the next `citsec ingest` (the query commands say
# so meanwhile). "1": before the off-topic rule, and predictions stored before the store recorded rules
# (migration 0009); "2": the off-topic rule's first words; "3": the words a second reading of news added
# (extractors.security_terms: attacks, sanctions, the disappeared...); "4": other senses of security words
# in the Chilean programmes (erradicar el adoctrinamiento, capturar energía, seguridad clínica, the Fiscalía
# Nacional Económica); "5": naming an enforcement or transnational programme of the gazetteer ("Plan
# Colombia was funded by the United States") speaks of security; "6": a table or a long run of names and
# figures (models.prose.is_listing: contents pages, title blocks, credits) gets no label; "7": civil
# and dirty wars, deportation, street gangs, mano dura and zero tolerance speak of security (a review of news
# passages); "8": a report's short fragment of names and figures (5 to 19 tokens: a caption with its
# figure's numbers, a credit line) gets no label either; "9": a plan's name holding a place's counts in
# lower case too ("el Plan colombia", "la iniciativa merida"), and the DEA and the US Southern Command speak
# of security (a journalist's review); "10": Brazil's Garantia da Lei e da Ordem (the acronym GLO alone, of
# three letters, does not count), the 2018 federal intervention in Rio and SUSP (Lei 13.675) are enforcement
# programmes of the gazetteer, so naming them speaks of security. From 10 on,
# tests/models/test_label_rules_version.py fails until a change to the rules bumps this.
LABEL_RULES_VERSION = "10"


# What no_label_rule names each rule, as the passages' rows and `citsec tag` say it.
REFERENCE_LIST = "reference list"
NO_SECURITY_WORD = "no word of security"
LISTING = "table or listing"


def unlabelable(texts: Sequence[str], kinds: Sequence[str | None] | None = None) -> list[bool]:
    """For each text (of the passage kind in `kinds`, when known), True when it gets no strategy label
    whatever its scores (no_label_rule). Every place that turns scores into labels (LoadedModel.predict,
    retraining's held-out evaluation) asks this."""
    given: Sequence[str | None] = kinds if kinds is not None else [None] * len(texts)
    if len(given) != len(texts):
        raise ValueError(f"{len(given)} kinds for {len(texts)} texts")
    return [no_label_rule(text, kind) is not None for text, kind in zip(texts, given, strict=True)]


def no_label_rule(text: str, kind: str | None = None) -> str | None:
    """The rule that gives a text (of passage `kind`, when known) no strategy label whatever its scores, or
    None when its scores decide: a reference list (models.labels.UNLABELED_KINDS), a text that never speaks
    of security (is_off_topic), a table or a long run of names and figures (models.prose.is_listing), tried
    in that order."""
    if kind in UNLABELED_KINDS:
        return REFERENCE_LIST
    if is_off_topic(text):
        return NO_SECURITY_WORD
    if is_listing(text, kind):
        return LISTING
    return None


def off_topic(texts: Sequence[str]) -> list[bool]:
    """For each text, True when it never speaks of security (extractors.security_terms)."""
    return [is_off_topic(text) for text in texts]


def is_off_topic(text: str) -> bool:
    """True when `text` never speaks of security: it gets no strategy label, whatever its scores."""
    return not mentions_security(text)


def older_label_rules(corpus: Corpus, version: str | None = None) -> str | None:
    """The labeling rules `version`'s stored predictions (default: the promoted model's, the store's
    labels) were made under, when older than this citsec's LABEL_RULES_VERSION; else None. Nothing
    recorded counts as this citsec's rules; a newer citsec's rules are left to it."""
    recorded = corpus.label_rules(version)
    if recorded is None or _rules_rank(recorded) >= _rules_rank(LABEL_RULES_VERSION):
        return None
    return recorded


def record_label_rules(corpus: Corpus, version: str | None = None) -> None:
    """After this citsec stored predictions (of `version`, or of any model): record its rules for each
    version that has predictions and no rules recorded, or newer ones (another, newer citsec's on the
    same store): a version's rules are those of its oldest predictions, so a newer citsec labels them
    again."""
    for name, recorded in corpus.predicted_label_rules(version).items():
        if recorded is None or _rules_rank(recorded) > _rules_rank(LABEL_RULES_VERSION):
            corpus.set_label_rules(name, LABEL_RULES_VERSION)


def _rules_rank(rules: str) -> int:
    return int(rules) if rules.isdecimal() else 0  # unreadable: as old as can be
