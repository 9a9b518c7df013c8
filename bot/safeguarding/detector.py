"""One safeguarding detector for every message on every channel (send-routes.md "Safeguarding").

Three signals, any of which raises the alarm:
- the word patterns (bot.safeguarding.words), misspellings allowed;
- a classifier on the pretrained sentence vectors, trained on the bank of disclosures
  (data/nlu/safeguarding.yml) against every other training example, at a threshold chosen
  on the tuning split (tests/realistic/tuning/, bench/model_quality.py), never on a gate set;
- the NLU model's own ``safeguarding_risk`` intent above ``intent_threshold``.
Long messages are also read sentence by sentence, so one sentence of disclosure among
many about an EHC plan still counts.

The category (risk to life, abuse or neglect, domestic abuse, carer at breaking point)
comes from the words when they match, else from a second classifier over the categories.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy as np

from bot.nlp.linear import LinearClassifier
from bot.safeguarding.words import CATEGORIES, RISK_TO_LIFE, word_category

DISCLOSURE = "disclosure"
NOT_DISCLOSURE = "none"
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?:and also|also|but|and)\s+(?=(?:he|she|i|my|they|his|her)\b)")


@dataclass
class Detection:
    """What the detector found. ``by`` lists the signals that fired ("words", "classifier", "intent")."""

    category: str
    score: float
    by: List[str] = field(default_factory=list)
    sentence: Optional[str] = None
    classifier_score: float = 0.0

    def as_dict(self) -> dict:
        return {"category": self.category, "score": round(self.score, 4), "by": self.by,
                "classifier_score": round(self.classifier_score, 4)}


def sentences(text: str) -> List[str]:
    """The message and, when it has several, each of its sentences (a disclosure can be one)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text or "") if p and p.strip()]
    return [text] + [p for p in parts if p != text] if len(parts) > 1 else [text]


@dataclass
class WordFeatures:
    """Word and word-pair TF-IDF features (scikit-learn's), saved as plain arrays."""

    vocabulary: dict
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str]) -> "WordFeatures":
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        return cls({k: int(v) for k, v in vectorizer.vocabulary_.items()}, vectorizer.idf_.astype(np.float32))

    def transform(self, texts: Sequence[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, vocabulary=self.vocabulary)
        vectorizer.idf_ = self.idf
        return vectorizer.transform(texts)


@dataclass
class DisclosureClassifier:
    """Binary disclosure classifier and category classifier on sentence vectors plus words.

    The sentence vector carries meaning; the word features tell "the school is killing his
    confidence" from a disclosure better than meaning alone (measured on the tuning split).
    """

    disclosure: LinearClassifier
    category: LinearClassifier
    threshold: float
    words: Optional[WordFeatures] = None

    def features(self, vectors: np.ndarray, texts: Sequence[str]):
        if self.words is None:
            return vectors
        from scipy.sparse import csr_matrix, hstack

        return hstack([csr_matrix(vectors), self.words.transform(texts)]).tocsr()

    @classmethod
    def fit(cls, vectors: np.ndarray, categories: Sequence[Optional[str]], threshold: float,
            texts: Optional[Sequence[str]] = None) -> "DisclosureClassifier":
        """``categories[i]`` is the disclosure's category, or None for an ordinary message.
        With ``texts``, word features are used beside the vectors."""
        binary = [DISCLOSURE if c else NOT_DISCLOSURE for c in categories]
        positives = [i for i, c in enumerate(categories) if c]
        labels = [categories[i] or RISK_TO_LIFE for i in positives]
        if len(set(labels)) > 1:
            category = LinearClassifier.fit(vectors[positives], labels, c=4.0)
        else:  # one category only: it is always the answer
            category = LinearClassifier([labels[0], labels[0]], np.zeros((1, vectors.shape[1]), np.float32),
                                        np.zeros(1, np.float32))
        model = cls(None, category, threshold, WordFeatures.fit(texts) if texts is not None else None)
        model.disclosure = LinearClassifier.fit(model.features(vectors, texts or []), binary, c=4.0)
        return model

    def disclosure_probability(self, vectors: np.ndarray, texts: Sequence[str] = ()) -> np.ndarray:
        column = self.disclosure.classes.index(DISCLOSURE)
        return self.disclosure.probabilities(self.features(vectors, texts))[:, column]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.disclosure.save(directory / "disclosure.npz")
        self.category.save(directory / "category.npz")
        (directory / "threshold.txt").write_text(repr(self.threshold))
        if self.words is not None:
            (directory / "vocabulary.json").write_text(json.dumps(self.words.vocabulary))
            np.save(directory / "idf.npy", self.words.idf)

    @classmethod
    def load(cls, directory: Path) -> "DisclosureClassifier":
        words = None
        if (directory / "vocabulary.json").exists():
            words = WordFeatures(json.loads((directory / "vocabulary.json").read_text()),
                                 np.load(directory / "idf.npy", allow_pickle=False))
        return cls(LinearClassifier.load(directory / "disclosure.npz"),
                   LinearClassifier.load(directory / "category.npz"),
                   float((directory / "threshold.txt").read_text()), words)


def detect(text: Optional[str], encode: Optional[Callable[[Sequence[str]], np.ndarray]] = None,
           classifier: Optional[DisclosureClassifier] = None, intent: Optional[str] = None,
           intent_confidence: float = 0.0, intent_threshold: float = 0.5,
           threshold: Optional[float] = None) -> Optional[Detection]:
    """A Detection if ``text`` may be a disclosure, else None.

    ``encode`` maps sentences to unit vectors (bot.nlp.sentence_encoder); without it, or
    without a ``classifier``, only the words and the intent count. ``threshold`` overrides
    the classifier's own (used by the tuning benchmark).
    """
    if not text or not text.strip():
        return None
    by: List[str] = []
    category = None
    best_sentence = None
    parts = sentences(text)
    for part in parts:
        category = word_category(part)
        if category:
            by.append("words")
            best_sentence = part
            break
    score = 0.0
    vectors = None
    if encode is not None and classifier is not None:
        vectors = encode(parts)
        probabilities = classifier.disclosure_probability(vectors, parts)
        best = int(np.argmax(probabilities))
        score = float(probabilities[best])
        if score >= (classifier.threshold if threshold is None else threshold):
            by.append("classifier")
            best_sentence = best_sentence or parts[best]
    if intent == "safeguarding_risk" and intent_confidence >= intent_threshold:
        by.append("intent")
    if not by:
        return None
    if category is None:
        if vectors is not None and classifier is not None:
            index = parts.index(best_sentence) if best_sentence in parts else 0
            category = classifier.category.ranking(vectors[index], top=1)[0][0]
        else:
            category = RISK_TO_LIFE
    assert category in CATEGORIES
    return Detection(category=category, score=max(score, 1.0 if "words" in by else 0.0), by=by, sentence=best_sentence,
                     classifier_score=score)
