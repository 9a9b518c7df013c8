"""A small linear (logistic regression) classifier on sentence vectors, saved as plain arrays.

Used for the safeguarding detector and for what a disagreement is about. Fitted with
scikit-learn; saved as .npz (no pickle), so a model file is data, not code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np


@dataclass
class LinearClassifier:
    classes: List[str]
    weights: np.ndarray  # (n_classes, dims), or (1, dims) for two classes
    bias: np.ndarray

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: Sequence[str], c: float = 4.0,
            class_weight: str = "balanced") -> "LinearClassifier":
        """Fit on (n, dims) vectors and n labels (at least two distinct)."""
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight, random_state=42)
        model.fit(vectors, list(labels))
        return cls([str(c) for c in model.classes_], model.coef_.astype(np.float32),
                   model.intercept_.astype(np.float32))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, n_classes) probabilities, columns in ``classes`` order."""
        scores = np.asarray(vectors @ self.weights.T) + self.bias  # vectors may be a scipy sparse matrix
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def ranking(self, vector: np.ndarray, top: int = 3) -> List[Tuple[str, float]]:
        row = self.probabilities(vector[None, :])[0]
        order = np.argsort(-row)[:top]
        return [(self.classes[i], float(row[i])) for i in order]

    def save(self, path: Path) -> None:
        np.savez(path, classes=np.array(self.classes), weights=self.weights, bias=self.bias)

    @classmethod
    def load(cls, path: Path) -> "LinearClassifier":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(c) for c in data["classes"]], data["weights"], data["bias"])
