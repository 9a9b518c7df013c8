"""A small linear (logistic regression) classifier on sentence vectors (and words), saved as plain arrays.

Used for the safeguarding detector and for what a disagreement is about. Fitted with
scikit-learn; saved as .npz (no pickle), so a model file is data, not code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np


@dataclass
class WordFeatures:
    """Word and word-pair TF-IDF features (scikit-learn's), saved as plain arrays."""

    vocabulary: dict
    idf: np.ndarray
    characters: bool = False  # character 2-4-grams within words instead of words and word pairs
    # The fitted vectorizer, built on the first transform and kept: building one checks the
    # whole vocabulary and the idf diagonal again, about 7 ms a call for 30,000 words.
    _fitted: Any = field(default=None, init=False, repr=False, compare=False)

    def _vectorizer(self, **extra):
        from sklearn.feature_extraction.text import TfidfVectorizer  # scikit-learn loads slowly; only when fitting

        if self.characters:
            return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True, **extra)
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, **extra)

    @classmethod
    def fit(cls, texts: Sequence[str], characters: bool = False) -> "WordFeatures":
        vectorizer = cls({}, np.zeros(0), characters)._vectorizer().fit(texts)
        return cls(
            {k: int(v) for k, v in vectorizer.vocabulary_.items()}, vectorizer.idf_.astype(np.float32), characters
        )

    def transform(self, texts: Sequence[str]):
        """(len(texts), len(vocabulary)) scipy CSR matrix of TF-IDF weights, rows of unit length."""
        if self._fitted is None:
            vectorizer = self._vectorizer(vocabulary=self.vocabulary)
            vectorizer.idf_ = self.idf
            self._fitted = vectorizer
        return self._fitted.transform(texts)

    def save(self, directory: Path, name: str = "") -> None:
        (directory / f"{name}vocabulary.json").write_text(json.dumps(self.vocabulary))
        np.save(directory / f"{name}idf.npy", self.idf)

    @classmethod
    def load(cls, directory: Path, name: str = "", characters: bool = False) -> "WordFeatures":
        return cls(
            json.loads((directory / f"{name}vocabulary.json").read_text()),
            np.load(directory / f"{name}idf.npy", allow_pickle=False),
            characters,
        )


def with_words(
    vectors: np.ndarray, texts: Sequence[str], words: Optional[WordFeatures], *more: WordFeatures, weight: float = 1.0
):
    """The sentence vectors, with word (and character) features beside them when there are any,
    each scaled by ``weight``."""
    if words is None:
        return vectors
    from scipy.sparse import csr_matrix, hstack  # only needed with word features

    # Every block CSR and a CSR result: scipy stacks the rows directly, without a COO detour.
    return hstack([csr_matrix(vectors)] + [f.transform(texts) * weight for f in (words, *more)], format="csr")


def _scores(vectors, weights_t: np.ndarray) -> np.ndarray:
    """(n, n_classes) ``vectors @ weights_t`` for dense rows or a scipy sparse matrix of them."""
    if not hasattr(vectors, "tocsr"):
        return np.asarray(vectors @ weights_t)
    rows = vectors.tocsr()
    scores = np.zeros((rows.shape[0], weights_t.shape[1]), dtype=np.result_type(rows.dtype, weights_t.dtype))
    for i in range(rows.shape[0]):
        start, end = rows.indptr[i], rows.indptr[i + 1]
        # einsum runs on this thread; a BLAS product here woke BLAS's threads, which then spun
        # and used more CPU than the product saved (bench/rasa_cpu_per_turn.py).
        scores[i] = np.einsum("k,kc->c", rows.data[start:end], weights_t[rows.indices[start:end]])
    return scores


@dataclass
class LinearClassifier:
    classes: List[str]
    weights: np.ndarray  # (n_classes, dims), or (1, dims) for two classes
    bias: np.ndarray
    # The weights transposed, (dims, n_classes) in C order, made on the first use: a row of
    # features picks out the rows of its own non-zero columns. Multiplying a sparse row by
    # ``weights.T`` copied all of it on each call, about 4 ms for 76 x 31,000 weights.
    _weights_t: Optional[np.ndarray] = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def fit(
        cls, vectors: np.ndarray, labels: Sequence[str], c: float = 4.0, class_weight: Optional[str] = "balanced"
    ) -> "LinearClassifier":
        """Fit on (n, dims) vectors and n labels (at least two distinct)."""
        from sklearn.linear_model import LogisticRegression  # only when fitting; loading needs numpy alone

        model = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight, random_state=42)
        model.fit(vectors, list(labels))
        return cls(
            [str(c) for c in model.classes_], model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
        )

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, n_classes) probabilities, columns in ``classes`` order."""
        if self._weights_t is None:
            self._weights_t = np.ascontiguousarray(self.weights.T)
        scores = _scores(vectors, self._weights_t) + self.bias
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def ranking(self, vector, top: int = 3) -> List[Tuple[str, float]]:
        """Best classes first for one vector (or a one-row matrix of features)."""
        row = self.probabilities(vector[None, :] if getattr(vector, "ndim", 2) == 1 else vector)[0]
        order = np.argsort(-row)[:top]
        return [(self.classes[i], float(row[i])) for i in order]

    def save(self, path: Path) -> None:
        np.savez(path, classes=np.array(self.classes), weights=self.weights, bias=self.bias)

    @classmethod
    def load(cls, path: Path) -> "LinearClassifier":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(c) for c in data["classes"]], data["weights"], data["bias"])
