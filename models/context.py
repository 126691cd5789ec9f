"""A passage read in its report: each passage's scores are blended with its report's.

Analysts, and the annotators of the gold passages, read a passage in the report it comes from. "The
success of the war needs to be measured by the reduction in its toll of violence" is about enforcement,
and US-Mexico co-operation, because the op-ed around it is; a lone passage does not say so. The report's
side of the blend is the upper quartile of its passages' scores per label: a report where a quarter of
the passages clearly discuss a strategy lends that strategy to the rest, while one stray passage does not.

    score = (1 - CONTEXT_WEIGHT) * passage score + CONTEXT_WEIGHT * report's upper-quartile score

A report of one passage keeps that passage's scores. The weight and the quantile were chosen on the real
gold passages (`python -m bench.context_eval`, which also scores the choice by nested cross-validation);
the labels' thresholds are unchanged, still chosen by cross-validation on the training data.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

CONTEXT_WEIGHT = 0.2
CONTEXT_QUANTILE = 0.75


def report_context(proba: np.ndarray, quantile: float = CONTEXT_QUANTILE) -> np.ndarray:
    """(labels,) the report's side of the blend: the `quantile` of its passages' (n, labels) scores."""
    return np.quantile(np.asarray(proba, dtype=np.float64), quantile, axis=0)


def blend(proba: np.ndarray, context: np.ndarray, weight: float = CONTEXT_WEIGHT) -> np.ndarray:
    """Passage scores (n, labels) mixed with their report's context: (labels,) for one report, or
    (n, labels) with each passage's own."""
    return (1.0 - weight) * np.asarray(proba, dtype=np.float64) + weight * np.asarray(context)


def report_contexts(
    proba: np.ndarray, reports: Sequence[Hashable], quantile: float = CONTEXT_QUANTILE
) -> np.ndarray:
    """(n, labels): for each passage, the report context of the passages that share its report key."""
    proba = np.asarray(proba, dtype=np.float64)
    if len(reports) != len(proba):
        raise ValueError(f"{len(reports)} report keys for {len(proba)} passages")
    rows_of: dict[Hashable, list[int]] = {}
    for i, key in enumerate(reports):
        rows_of.setdefault(key, []).append(i)
    out = np.empty_like(proba)
    for rows in rows_of.values():
        out[rows] = report_context(proba[rows], quantile)
    return out


def in_context(
    proba: np.ndarray, reports: Sequence[Hashable],
    weight: float = CONTEXT_WEIGHT, quantile: float = CONTEXT_QUANTILE,
) -> np.ndarray:
    """Each passage's scores blended with those of the passages that share its report key."""
    return blend(proba, report_contexts(proba, reports, quantile), weight)


def with_contexts(
    proba: np.ndarray, keys: Sequence[Hashable | None], contexts: Mapping[Any, np.ndarray],
    weight: float = CONTEXT_WEIGHT,
) -> np.ndarray:
    """Each passage's scores blended with the context of its report key, from `contexts` (computed on the
    whole reports); a passage whose key is None or not in `contexts` keeps its own scores."""
    out = np.asarray(proba, dtype=np.float64).copy()
    for i, key in enumerate(keys):
        if key is not None and key in contexts:
            out[i] = blend(out[i], contexts[key], weight)
    return out
