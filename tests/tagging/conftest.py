"""Fixtures for the tagging tests: one Tagger per test process, without the statistical model."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from extractors.tagging import Tagger, Tags


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    return Tagger(use_statistical=False)


@pytest.fixture(scope="session")
def tag(tagger: Tagger) -> Callable[[str, str | None], Tags]:
    """tag(text, lang) -> Tags of that one text."""

    def _tag(text: str, lang: str | None = "en") -> Tags:
        return tagger.tag([text], [lang])[0]

    return _tag


@pytest.fixture(scope="session")
def countries(tag: Callable[[str, str | None], Tags]) -> Callable[[str, str | None], list[str]]:
    """countries(text, lang) -> the ISO codes named in it."""

    def _countries(text: str, lang: str | None = "en") -> list[str]:
        return tag(text, lang).countries

    return _countries


@pytest.fixture(scope="session")
def programs(tag: Callable[[str, str | None], Tags]) -> Callable[[str, str | None], list[tuple[str, str]]]:
    """programs(text, lang) -> [(canonical name, surface)]."""

    def _programs(text: str, lang: str | None = "en") -> list[tuple[str, str]]:
        return [(p["name"], p["text"]) for p in tag(text, lang).programs]

    return _programs
