"""extractors.unicode: the clean-up and folding helpers every extractor shares."""

from __future__ import annotations

import unicodedata

from extractors.unicode import without_marks


def test_without_marks_drops_exactly_the_combining_marks():
    # Every code point of the basic plane, decomposed as the folds decompose it.
    text = unicodedata.normalize("NFKD", "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000))
    assert without_marks(text) == "".join(ch for ch in text if not unicodedata.combining(ch))
    plain = without_marks(unicodedata.normalize("NFD", "Policía extradição Ñandú"))
    assert plain == "Policia extradicao Nandu"
