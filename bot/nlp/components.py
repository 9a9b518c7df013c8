"""Rasa NLU components of this assistant (named in config.yml).

- ``SentenceEncoderFeaturizer``: dense sentence features from the pretrained
  all-MiniLM-L6-v2 encoder (bot.nlp.sentence_encoder), for DIET and the ResponseSelector,
  beside the sparse word and character features.
- ``SafeguardingDetector``: the one detector every message passes, whatever channel it came
  from and whatever a form asked (bot.safeguarding.detector). When it fires the message's
  intent becomes ``safeguarding_risk`` with confidence 1 and the parse carries
  ``safeguarding: {category, score, by}``; it runs after the FallbackClassifier, so a
  disclosure the model was unsure of is never "not understood".
- ``SituationClassifier``: what a disagreement is about (a bot.redress ABOUT value), learnt
  from the check_routes examples whose metadata gives ``about`` (data/nlu/situations.yml);
  every parse carries ``situation: {about, confidence, ranking}``.
"""

from __future__ import annotations

import json
import logging
import zlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.classifiers.linear import LinearClassifier, WordFeatures, with_words
from bot.nlp.encoder_files import DEFAULT_DIR
from bot.nlp.sentence_encoder import get_encoder
from bot.safeguarding.bank import DEFAULT_BANK, bank_fingerprint, load_bank
from bot.safeguarding.detector import DisclosureClassifier, detect
from bot.safeguarding.idioms import plainly

logger = logging.getLogger(__name__)
SAFEGUARDING_INTENT = "safeguarding_risk"


def _texts(messages: List[Message]) -> List[str]:
    return [m.get(TEXT) or "" for m in messages]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a 384-dimension sentence feature to each message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_path": str(DEFAULT_DIR)}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._encoder = get_encoder(Path(config["model_path"]))

    def _featurise(self, messages: List[Message]) -> None:
        messages = [m for m in messages if m.get(TEXT)]
        if not messages:
            return
        vectors = self._encoder.encode(_texts(messages))
        for message, vector in zip(messages, vectors):
            self.add_features_to_message(None, vector[None, :], TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurise(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurise(messages)
        return messages

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass


def _sentence_vector(message: Message) -> Optional[np.ndarray]:
    """This assistant's sentence vector of the message (the encoder's 384 dimensions)."""
    for features in message.features:
        if (
            features.attribute == TEXT
            and features.type == "sentence"
            and not features.is_sparse()
            and features.features.shape[-1] == 384
        ):
            return np.asarray(features.features).reshape(-1)
    return None


class _TrainedOnVectors(GraphComponent):
    """Shared plumbing: the encoder, storage of the fitted arrays under the model's resource."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "_TrainedOnVectors":
        return cls(config, model_storage, resource)

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, model: Any = None
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.words: Optional[WordFeatures] = None
        self._encoder = get_encoder(Path(config["model_path"]))

    def _vectors(self, messages: List[Message]) -> np.ndarray:
        found = [_sentence_vector(m) for m in messages]
        if all(v is not None for v in found):
            return np.stack(found) if found else np.zeros((0, 384), np.float32)
        return self._encoder.encode(_texts(messages))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafeguardingDetector(_TrainedOnVectors, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        # It reads the intent DIET gave, but in training it needs only the sentence vectors.
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # fallback_threshold: the FallbackClassifier's, for a message the model took to be a
        # disclosure that the detector does not confirm (then the next intent must stand on its own).
        # c, gamma_scale and character_features shape the binary classifier (chosen on the tuning split).
        return {
            "model_path": str(DEFAULT_DIR),
            "threshold": 0.5,
            "sentence_threshold": 0.5,
            "intent_threshold": 0.9,
            "fallback_threshold": 0.7,
            "c": 4.0,
            "gamma_scale": 1.0,
            "character_features": False,
            # Disclosures and ordinary messages without an intent, for this classifier only.
            "bank": str(DEFAULT_BANK),
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # Rasa's training cache knows the NLU data and the config, not the bank's contents.
        return bank_fingerprint(Path(config.get("bank") or DEFAULT_BANK))

    def train(self, training_data: TrainingData) -> Resource:
        # Every example whole, long disclosures included: on the tuning split this beat
        # training on the one sentence of disclosure picked out of a long message.
        texts: List[str] = []
        categories: List[Optional[str]] = []
        for message in training_data.intent_examples:
            text = message.get(TEXT)
            if not text:
                continue
            texts.append(text)
            if message.get(INTENT) != SAFEGUARDING_INTENT:
                categories.append(None)
            else:
                categories.append(((message.get("metadata") or {}).get("intent") or {}).get("category", "risk_to_life"))
        for text, category in load_bank(Path(self.config.get("bank") or DEFAULT_BANK)):
            texts.append(text)
            categories.append(category)
        texts = [plainly(text) for text in texts]  # as detect() reads them
        self.model = DisclosureClassifier.fit(
            self._encoder.encode(texts),
            categories,
            float(self.config["threshold"]),
            texts,
            c=float(self.config["c"]),
            characters=bool(self.config["character_features"]),
            gamma_scale=float(self.config["gamma_scale"]),
        )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(Path(directory))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafeguardingDetector":
        with model_storage.read_from(resource) as directory:
            model = DisclosureClassifier.load(Path(directory))
        model.threshold = float(config["threshold"])
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            # The model's own confidence in safeguarding_risk, even under a fallback.
            confidence = next(
                (r.get("confidence", 0.0) for r in ranking if r.get("name") == SAFEGUARDING_INTENT),
                intent.get("confidence", 0.0) if intent.get("name") == SAFEGUARDING_INTENT else 0.0,
            )
            found = detect(
                text,
                self._encoder.encode,
                self.model,
                SAFEGUARDING_INTENT if confidence else None,
                confidence,
                float(self.config["intent_threshold"]),
                sentence_threshold=float(self.config["sentence_threshold"]),
            )
            report = {**found.as_dict(), "intent_confidence": round(float(confidence), 4)} if found else {}
            if not found or not found.by:
                if intent.get("name") == SAFEGUARDING_INTENT:
                    self._not_a_disclosure(message, ranking)
                # The scores are kept either way: tuning and staff can see how close a message came.
                message.set("safeguarding", {**report, "category": None}, add_to_output=True)
                continue
            message.set("safeguarding", report, add_to_output=True)
            top = {"name": SAFEGUARDING_INTENT, "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [top] + [r for r in ranking if r.get("name") != SAFEGUARDING_INTENT],
                add_to_output=True,
            )
        return messages

    def _not_a_disclosure(self, message: Message, ranking: List[Dict[Text, Any]]) -> None:
        """The model's top intent was safeguarding_risk but the detector does not confirm it:
        the next intent stands if it is confident enough, else the message was not understood.
        One detector decides what is a disclosure."""
        unsafe = next((r.get("confidence", 0.0) for r in ranking if r.get("name") == SAFEGUARDING_INTENT), 0.0)
        # The others' confidences, given that it is not a disclosure.
        rest = [
            {**r, "confidence": r.get("confidence", 0.0) / max(1.0 - unsafe, 1e-6)}
            for r in ranking
            if r.get("name") not in (SAFEGUARDING_INTENT, "nlu_fallback")
        ]
        if rest and rest[0].get("confidence", 0.0) >= float(self.config["fallback_threshold"]):
            top = dict(rest[0])
        else:
            top = {"name": "nlu_fallback", "confidence": float(self.config["fallback_threshold"])}
            rest = [top] + rest
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, rest, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SituationClassifier(_TrainedOnVectors):
    """What the disagreement is about, from the words the person used (a bot.redress ABOUT value)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # c: the regularisation of the logistic regression (32 was best on the tuning split). A
        # change of these settings retrains the component (Rasa caches by configuration).
        # not_situation_intents: a message whose likeliest intent is one of these ("banana",
        # "hello", keyboard mash) is about no disagreement, whatever the classifier's best guess.
        return {
            "model_path": str(DEFAULT_DIR),
            "metadata_key": "about",
            "c": 32.0,
            "word_features": True,
            "described": True,
            "not_situation_intents": [
                "out_of_scope",
                "gibberish",
                "greet",
                "goodbye",
                "thanks",
                "insult",
                "non_english",
                "bot_challenge",
            ],
        }

    def train(self, training_data: TrainingData) -> Resource:
        key = self.config["metadata_key"]
        examples, labels, others = [], [], []
        for message in training_data.intent_examples:
            label = ((message.get("metadata") or {}).get("example") or {}).get(key)
            if label and message.get(TEXT):
                examples.append(message)
                labels.append(label)
            elif message.get(TEXT) and message.get(INTENT) != SAFEGUARDING_INTENT:
                others.append(message.get(TEXT))
        if len(set(labels)) < 2:
            logger.warning("SituationClassifier: fewer than two labelled kinds of situation; not trained")
            return self._resource
        texts = _texts(examples)
        self.words = WordFeatures.fit(texts) if self.config["word_features"] else None
        self.model = LinearClassifier.fit(
            with_words(self._encoder.encode(texts), texts, self.words), labels, c=float(self.config["c"])
        )
        # Whether a message describes a disagreement at all ("I'm his mum" does not): the
        # described situations against every other example.
        everything = texts + others
        self.described = LinearClassifier.fit(
            with_words(self._encoder.encode(everything), everything, self.words),
            ["yes"] * len(texts) + ["no"] * len(others),
            c=8.0,
        )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(Path(directory) / "situation.npz")
            self.described.save(Path(directory) / "described.npz")
            if self.words is not None:
                self.words.save(Path(directory))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SituationClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = LinearClassifier.load(Path(directory) / "situation.npz")
                described = LinearClassifier.load(Path(directory) / "described.npz")
                words = WordFeatures.load(Path(directory)) if (Path(directory) / "vocabulary.json").exists() else None
        except (ValueError, FileNotFoundError):
            model, described, words = None, None, None
        component = cls(config, model_storage, resource, model)
        component.words = words
        component.described = described
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        for message in messages:
            if not message.get(TEXT):
                continue
            if self._likeliest_intent(message) in self.config["not_situation_intents"]:
                message.set(
                    "situation", {"about": None, "confidence": 0.0, "describes": 0.0, "ranking": []}, add_to_output=True
                )
                continue
            features = with_words(self._vectors([message]), [message.get(TEXT)], self.words)
            ranking = self.model.ranking(features, top=3)
            describes = self.described.probabilities(features)[0][self.described.classes.index("yes")]
            message.set(
                "situation",
                {
                    "about": ranking[0][0],
                    "confidence": round(ranking[0][1], 4),
                    "describes": round(float(describes), 4),
                    "ranking": [{"about": a, "confidence": round(c, 4)} for a, c in ranking],
                },
                add_to_output=True,
            )
        return messages

    @staticmethod
    def _likeliest_intent(message: Message) -> Optional[str]:
        """The intent classifier's best intent, looking past a fallback to what it would have been."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        return next(
            (r.get("name") for r in ranking if r.get("name") != "nlu_fallback"), (message.get(INTENT) or {}).get("name")
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SentenceIntentClassifier(_TrainedOnVectors, IntentClassifier):
    """Intents and FAQ answers in one logistic regression on the sentence vectors, words and
    character n-grams, in place of DIET and the ResponseSelector.

    Chosen by measurement (docs/benchmarks.md, "Understanding"): on the tuning split it
    read 0.98 of intents right where DIET on the same data read 0.84, and it trains in
    under a minute where DIET and the ResponseSelector took about five. Each label is an intent, or a FAQ answer key
    (faq_<topic>/<key>); an intent's confidence is the sum over its answers. The output is
    Rasa's own (``intent``, ``intent_ranking``, ``response_selector``), so the retrieval
    actions, the FallbackClassifier and the policies work as with DIET. Disclosures are not
    a class here: the SafeguardingDetector decides them.
    """

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # c and feature_weight: the best pair on tests/realistic/tuning/intents.yml.
        return {"model_path": str(DEFAULT_DIR), "c": 32.0, "feature_weight": 0.5, "ranking_length": 10}

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        for message in training_data.intent_examples:
            intent = message.get(INTENT)
            if not message.get(TEXT) or intent == SAFEGUARDING_INTENT:
                continue
            texts.append(message.get(TEXT))
            labels.append(message.get("intent_response_key") or intent)
        self.words = WordFeatures.fit(texts)
        self.characters = WordFeatures.fit(texts, characters=True)
        features = with_words(
            self._encoder.encode(texts), texts, self.words, self.characters, weight=float(self.config["feature_weight"])
        )
        self.model = LinearClassifier.fit(features, labels, c=float(self.config["c"]), class_weight=None)
        self.retrieval_intents = sorted(training_data.retrieval_intents)
        self.responses = {key: value for key, value in training_data.responses.items()}
        with self._model_storage.write_to(self._resource) as directory:
            self._save(Path(directory))
        return self._resource

    def _save(self, directory: Path) -> None:
        self.model.save(directory / "intents.npz")
        self.words.save(directory, "words_")
        self.characters.save(directory, "characters_")
        (directory / "retrieval.json").write_text(
            json.dumps({"retrieval_intents": self.retrieval_intents, "responses": self.responses})
        )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SentenceIntentClassifier":
        with model_storage.read_from(resource) as directory:
            directory = Path(directory)
            component = cls(config, model_storage, resource, LinearClassifier.load(directory / "intents.npz"))
            component.words = WordFeatures.load(directory, "words_")
            component.characters = WordFeatures.load(directory, "characters_", characters=True)
            retrieval = json.loads((directory / "retrieval.json").read_text())
        component.retrieval_intents = retrieval["retrieval_intents"]
        component.responses = retrieval["responses"]
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not (message.get(TEXT) or "").strip():
                # Nothing to read: not understood (the fallback says so kindly).
                message.set(INTENT, {"name": "nlu_fallback", "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            features = with_words(
                self._vectors([message]),
                [message.get(TEXT)],
                self.words,
                self.characters,
                weight=float(self.config["feature_weight"]),
            )
            probabilities = self.model.probabilities(features)[0]
            by_intent: Dict[str, float] = {}
            for label, probability in zip(self.model.classes, probabilities):
                intent = label.split("/", 1)[0]
                by_intent[intent] = by_intent.get(intent, 0.0) + float(probability)
            ranking = sorted(
                ({"name": n, "confidence": c} for n, c in by_intent.items()), key=lambda r: -r["confidence"]
            )[: int(self.config["ranking_length"])]
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            self._select_response(message, ranking[0]["name"], probabilities)
        return messages

    def _select_response(self, message: Message, intent: str, probabilities: np.ndarray) -> None:
        """Rasa's response selector output (key "default"), over every FAQ answer."""
        keys = [(label, float(p)) for label, p in zip(self.model.classes, probabilities) if "/" in label]
        if not keys:
            return
        within = [k for k in keys if k[0].startswith(intent + "/")] or keys
        total = sum(p for _, p in within) or 1.0
        best, best_p = max(within, key=lambda k: k[1])
        ranking = [
            {"id": zlib.crc32(label.encode()), "confidence": p, "intent_response_key": label}
            for label, p in sorted(keys, key=lambda k: -k[1])[:10]
        ]
        template = f"utter_{best}"
        message.set(
            "response_selector",
            {
                "all_retrieval_intents": self.retrieval_intents,
                "default": {
                    "response": {
                        "responses": self.responses.get(template) or [{"text": best}],
                        "confidence": best_p / total,
                        "intent_response_key": best,
                        "utter_action": template,
                    },
                    "ranking": ranking,
                },
            },
            add_to_output=True,
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
