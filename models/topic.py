"""Is a passage about security at all? citsec's taxonomy sorts security strategies; a passage that never
speaks of security (a pension reform, a mining policy, an identification strategy in econometrics)
discusses none of them, whatever the classifier's scores say.

The classifier learned from seed passages that are all about crime and security, the negatives included,
so it has never seen text from outside the field and scores it at random. On the 26 real reports its
scores would label 1,356 passages, 561 of which use no security word at all (493 in three Chilean
presidential programmes: pensions, mining, schools; `python -m bench.off_topic`). A careful reader, shown
passages without the model's labels, gave no strategy to 58 of a random sample of 60 of those 561; the
two others (a call on educators and parents to address "this kind of conduct" in adolescents, and a
UNODC account of joint monitoring of eradication teams) are the rule's cost. So such passages get no
label, as reference lists get none; they are read in their report like any other passage and keep the
scores the model gives them. The words are extractors.security_terms', the tagger's test for a
programme's context.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractors.security_terms import mentions_security


def off_topic(texts: Sequence[str]) -> list[bool]:
    """For each text, True when it never speaks of security (extractors.security_terms)."""
    return [not mentions_security(text) for text in texts]
