"""extractors.unicode: the clean-up and folding helpers every extractor shares."""

from __future__ import annotations

import unicodedata

from extractors.unicode import clean_text, without_marks


def test_without_marks_drops_exactly_the_combining_marks():
    # Every code point of the basic plane, decomposed as the folds decompose it.
    text = unicodedata.normalize("NFKD", "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000))
    assert without_marks(text) == "".join(ch for ch in text if not unicodedata.combining(ch))
    plain = without_marks(unicodedata.normalize("NFD", "Policía extradição Ñandú"))
    assert plain == "Policia extradicao Nandu"


def test_mathematical_letters_and_digits_read_as_plain_ones():
    # A review: "--search 100%" found the Argentine report's table (set in 𝟏𝟎𝟎) on SQLite only, whose
    # index folds them; its text showed them too.
    plain = "Tasa 100% y g(x) = 5,83 ∙ e ; Ab p < 0.001"
    assert clean_text("Tasa 𝟏𝟎𝟎% y 𝑔(𝑥) = 5,83 ∙ 𝑒 ; 𝐀𝐛 𝑝 < 0.001") == plain
    assert clean_text("ℝ² and ½ stay") == "ℝ² and ½ stay"  # only that block: other compatibility forms stay
