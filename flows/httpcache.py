"""Remembered HTTP validators (ETag / Last-Modified) per URL, in a small JSON file under the cache dir.

The store has no place for them, so they live in `<cache_dir>/http_validators.json` as
{url: {"etag", "last_modified", "sha256"}}. The sha256 says which stored report the validators describe:
a conditional request is only sent when that report is in the store being written, so pointing citsec at
a fresh database downloads everything again instead of trusting a 304 about bytes it never saw. A URL
whose server sent no validators is remembered by its sha256 alone: fetched whole each time, its bytes
still tell before any worker whether it changed (flows.workers).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flows.fetch import Validators

FILENAME = "http_validators.json"


@dataclass(frozen=True)
class Remembered:
    """Validators for a URL (none when its server sent none) and the sha256 of the bytes they came with."""

    validators: Validators
    sha256: str


class ValidatorCache:
    """A JSON file of validators per URL; written atomically so concurrent runs never see half a file."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = Path(cache_dir) / FILENAME
        self._entries: dict[str, dict[str, str | None]] = self._load()

    def _load(self) -> dict[str, dict[str, str | None]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a missing or damaged cache only costs a full download
        return data if isinstance(data, dict) else {}

    def get(self, url: str) -> Remembered | None:
        entry = self._entries.get(url)
        if not isinstance(entry, dict) or not entry.get("sha256"):
            return None
        return Remembered(Validators(entry.get("etag"), entry.get("last_modified")), str(entry["sha256"]))

    def put(self, url: str, validators: Validators, sha256: str) -> None:
        """Remember what `url` served last: its bytes' sha256, with the validators (if any) it came with."""
        known = self._entries.get(url)
        if not validators and isinstance(known, dict) and known.get("sha256") == sha256:
            return  # a 304 need not repeat them: the remembered validators still describe these bytes
        self._entries[url] = {
            "etag": validators.etag,
            "last_modified": validators.last_modified,
            "sha256": sha256,
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Merge with what another run may have written since we loaded, then replace atomically.
        merged = {**self._load(), **self._entries}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".validators-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(merged, handle, indent=0, sort_keys=True)
        os.replace(tmp, self.path)
