"""What extraction produces: a document with its text cut into passages that keep page provenance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

# "reference": an entry of a reference list (extractors.references), stored but never given a strategy.
PASSAGE_KINDS = ("text", "table", "reference")


@dataclass(frozen=True)
class Passage:
    """A stretch of report text (about 40-250 words) with 1-based pages and offsets into the report text."""

    seq: int
    page_start: int
    page_end: int
    text: str
    char_start: int
    char_end: int
    lang: str | None
    kind: str = "text"

    def to_json(self) -> dict[str, Any]:
        """The passage as DESIGN.md's `citsec extract --json` shows it."""
        return {"seq": self.seq, "page_start": self.page_start, "page_end": self.page_end, "text": self.text}


@dataclass
class ExtractedDocument:
    """One report after extraction: metadata, full text, passages and warnings about what was lost."""

    uri: str
    sha256: str
    media_type: str
    pages: int
    language: str | None
    title: str | None
    published: datetime.date | None
    author: str | None
    text: str
    passages: list[Passage]
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's `citsec extract --json` object, then what the table shows beyond it: "published"
        (ISO date or null) and "author" (or null)."""
        return {
            "path": self.uri,
            "sha256": self.sha256,
            "pages": self.pages,
            "language": self.language,
            "title": self.title,
            "passages": [p.to_json() for p in self.passages],
            "warnings": list(self.warnings),
            "published": self.published.isoformat() if self.published else None,
            "author": self.author,
        }
