"""Batches that keep runs together: the passages of one report are read in one batch (models.context)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def whole_runs(items: Iterable[T], size: int, key: Callable[[T], Hashable | None]) -> Iterator[list[T]]:
    """Batches of about `size` items that never split a run of consecutive items with the same key: a
    batch grows past `size` until its run ends. An item whose key is None is a run of its own."""
    batch: list[T] = []
    last: Hashable | None = None
    for item in items:
        current = key(item)
        if len(batch) >= size and (current is None or current != last):
            yield batch
            batch = []
        batch.append(item)
        last = current
    if batch:
        yield batch
