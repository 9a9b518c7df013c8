"""One safeguarding detector for every message on every channel (send-routes.md "Safeguarding").

Three signals, any of which raises the alarm:
- the word patterns (bot.safeguarding.words), misspellings allowed;
- a classifier on the pretrained sentence vectors, trained on the bank of disclosures
  (data/nlu/safeguarding.yml) against every other training example, at a threshold chosen
  on the tuning split (tests/realistic/tuning/, bench/model_quality.py), never on a gate set;
- the NLU model's own ``safeguarding_risk`` intent above ``intent_threshold``.
Long messages are also read sentence by sentence, so one sentence of disclosure among
many about an EHC plan still counts. The classifier reads figures of speech that borrow the
words of harm in their plain meaning (bot.safeguarding.idioms), in training and in use.

The category (risk to life, abuse or neglect, domestic abuse, carer at breaking point)
comes from the words when they match, else from a second classifier over the categories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy as np

from bot.classifiers.kernel import KernelClassifier
from bot.classifiers.linear import LinearClassifier, WordFeatures, with_words
from bot.safeguarding.idioms import plainly
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
    whole_score: float = 0.0
    sentence_score: float = 0.0

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "score": round(self.score, 4),
            "by": self.by,
            "classifier_score": round(self.classifier_score, 4),
            "whole_score": round(self.whole_score, 4),
            "sentence_score": round(self.sentence_score, 4),
        }


def sentences(text: str) -> List[str]:
    """The message and, when it has several, each of its sentences (a disclosure can be one)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text or "") if p and p.strip()]
    return [text] + [p for p in parts if p != text] if len(parts) > 1 else [text]


@dataclass
class DisclosureClassifier:
    """Binary disclosure classifier (a Gaussian-kernel SVM) and category classifier (linear)
    on sentence vectors plus words.

    The sentence vector carries meaning; the word features tell "the school is killing his
    confidence" from a disclosure better than meaning alone (measured on the tuning split).
    """

    disclosure: KernelClassifier
    category: LinearClassifier
    threshold: float
    words: Optional[WordFeatures] = None
    # Character 2-4-grams: misspelt and run-together words ("cuttin", "selfharm") still count.
    characters: Optional[WordFeatures] = None

    def features(self, vectors: np.ndarray, texts: Sequence[str]):
        return with_words(vectors, texts, self.words, *([self.characters] if self.characters else []))

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        categories: Sequence[Optional[str]],
        threshold: float,
        texts: Optional[Sequence[str]] = None,
        c: float = 4.0,
        characters: bool = False,
        gamma_scale: float = 1.0,
    ) -> "DisclosureClassifier":
        """``categories[i]`` is the disclosure's category, or None for an ordinary message.
        With ``texts``, word features (and with ``characters`` character n-grams) are used
        beside the vectors. ``c`` (inverse regularisation) and ``gamma_scale`` (the kernel's
        width, times scikit-learn's "scale") shape the binary model."""
        binary = [DISCLOSURE if c else NOT_DISCLOSURE for c in categories]
        positives = [i for i, c in enumerate(categories) if c]
        labels = [categories[i] or RISK_TO_LIFE for i in positives]
        if len(set(labels)) > 1:
            category = LinearClassifier.fit(vectors[positives], labels, c=4.0)
        else:  # one category only: it is always the answer
            category = LinearClassifier(
                [labels[0], labels[0]], np.zeros((1, vectors.shape[1]), np.float32), np.zeros(1, np.float32)
            )
        model = cls(
            None,
            category,
            threshold,
            WordFeatures.fit(texts) if texts is not None else None,
            WordFeatures.fit(texts, characters=True) if texts is not None and characters else None,
        )
        model.disclosure = KernelClassifier.fit(
            model.features(vectors, texts or []), binary, c=c, gamma_scale=gamma_scale
        )
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
            self.words.save(directory)
        if self.characters is not None:
            self.characters.save(directory, "characters_")

    @classmethod
    def load(cls, directory: Path) -> "DisclosureClassifier":
        words = WordFeatures.load(directory) if (directory / "vocabulary.json").exists() else None
        characters = (
            WordFeatures.load(directory, "characters_", characters=True)
            if (directory / "characters_vocabulary.json").exists()
            else None
        )
        return cls(
            KernelClassifier.load(directory / "disclosure.npz"),
            LinearClassifier.load(directory / "category.npz"),
            float((directory / "threshold.txt").read_text()),
            words,
            characters,
        )


def detect(
    text: Optional[str],
    encode: Optional[Callable[[Sequence[str]], np.ndarray]] = None,
    classifier: Optional[DisclosureClassifier] = None,
    intent: Optional[str] = None,
    intent_confidence: float = 0.0,
    intent_threshold: float = 0.5,
    threshold: Optional[float] = None,
    sentence_threshold: Optional[float] = None,
) -> Optional[Detection]:
    """A Detection; its ``by`` lists the signals that fired, empty when it is no disclosure
    (the scores are kept either way). None for an empty text.

    ``encode`` maps sentences to unit vectors (bot.nlp.sentence_encoder); without it, or
    without a ``classifier``, only the words and the intent count. ``threshold`` (the
    classifier's own by default) applies to the whole message and ``sentence_threshold``
    (the same by default) to each of its sentences when it has several: on the tuning split
    a whole message needed more evidence than one sentence of it.
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
    score = whole_score = sentence_score = 0.0
    vectors = None
    if encode is not None and classifier is not None:
        # The classifier reads figures of speech plainly ("scared to death of the tribunal");
        # the words above read the message as written.
        plain = [plainly(part) for part in parts]
        vectors = encode(plain)
        probabilities = classifier.disclosure_probability(vectors, plain)
        whole = classifier.threshold if threshold is None else threshold
        limits = np.array([whole] + [whole if sentence_threshold is None else sentence_threshold] * (len(parts) - 1))
        margins = probabilities - limits
        whole_score = float(probabilities[0])
        sentence_score = float(probabilities[1:].max()) if len(parts) > 1 else 0.0
        best = int(np.argmax(margins))
        score = float(probabilities[best])
        if margins[best] >= 0:
            by.append("classifier")
            best_sentence = best_sentence or parts[best]
    if intent == "safeguarding_risk" and intent_confidence >= intent_threshold:
        by.append("intent")
    if not by:
        return Detection(
            category="",
            score=score,
            by=[],
            classifier_score=score,
            whole_score=whole_score,
            sentence_score=sentence_score,
        )
    if category is None:
        if vectors is not None and classifier is not None:
            index = parts.index(best_sentence) if best_sentence in parts else 0
            category = classifier.category.ranking(vectors[index], top=1)[0][0]
        else:
            category = RISK_TO_LIFE
    assert category in CATEGORIES
    return Detection(
        category=category,
        score=max(score, 1.0 if "words" in by else 0.0),
        by=by,
        sentence=best_sentence,
        classifier_score=score,
        whole_score=whole_score,
        sentence_score=sentence_score,
    )
