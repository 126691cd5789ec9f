"""The strategy labels in the order the classifier's score columns use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from models.errors import ModelError

# Same order as corpus.taxonomy.LABELS (DESIGN.md); a test checks the two agree.
LABELS: tuple[str, ...] = ("prevention", "enforcement", "transnational")

# Passage kinds (extractors.document.PASSAGE_KINDS) the model scores but never labels: a reference list
# names works about strategies, it does not discuss one.
UNLABELED_KINDS = frozenset({"reference"})


def labels_to_matrix(label_lists: Sequence[Iterable[str]]) -> np.ndarray:
    """0/1 matrix (n, 3) from lists of label names; unknown names raise ModelError."""
    matrix = np.zeros((len(label_lists), len(LABELS)), dtype=np.int64)
    for row, labels in enumerate(label_lists):
        for label in labels:
            if label not in LABELS:
                raise ModelError(f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
            matrix[row, LABELS.index(label)] = 1
    return matrix


def matrix_to_labels(matrix: np.ndarray) -> list[list[str]]:
    """Lists of label names from a 0/1 matrix (n, 3)."""
    return [[LABELS[j] for j in range(len(LABELS)) if row[j]] for row in matrix]
