"""Language identification for reports and passages (lingua, restricted to likely languages)."""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Reports in this field are English, Spanish and Portuguese; a few others appear in annexes and quotes.
# Restricting the candidate set makes detection faster and far more accurate on short passages.
_LANGUAGES = (
    Language.ENGLISH,
    Language.SPANISH,
    Language.PORTUGUESE,
    Language.FRENCH,
    Language.ITALIAN,
    Language.GERMAN,
)
_MIN_LETTERS = 12


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_LANGUAGES).with_preloaded_language_models().build()


def load_detector() -> None:
    """Build the detector now (it takes about a second) instead of on the first detection."""
    _detector()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code ("en", "es", "pt", ...) of `text`, or None when there is too little text to tell."""
    if sum(ch.isalpha() for ch in text[:2000]) < _MIN_LETTERS:
        return None
    found = _detector().detect_language_of(text[:5000])
    if found is None:
        return None
    code: IsoCode639_1 = found.iso_code_639_1
    return code.name.lower()


def detect_languages(texts: list[str]) -> list[str | None]:
    """Batch form of `detect_language`, one code (or None) per text."""
    return [detect_language(t) for t in texts]
