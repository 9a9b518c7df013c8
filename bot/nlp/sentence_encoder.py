"""Sentence vectors from the pretrained all-MiniLM-L6-v2 encoder, in TensorFlow.

Plain Python (no Rasa): the NLU components, the safeguarding detector and the benchmarks
share it. ``encode(texts)`` returns an (n, 384) float32 array of unit-length vectors: the
mean of the encoder's last hidden states over the real tokens, as sentence-transformers
does for this model, so cosine similarity is a dot product.

Cost (docs/benchmarks.md): about 18 ms of CPU for one short sentence on this machine's
cores; batches of 64 in training.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from bot.nlp.encoder_files import DEFAULT_DIR, verify

DIMENSIONS = 384
MAX_TOKENS = 128  # wordpieces; longer messages are cut (the model was trained on 128)
BATCH_SIZE = 64
_CACHE_SIZE = 4096  # recent sentences: a turn's text is featurised once, then read by the detectors


class SentenceEncoder:
    """Loads the checked files once and encodes batches of sentences.

    Raises bot.nlp.encoder_files.EncoderFilesError when a file is missing or altered.
    """

    def __init__(self, directory: Path = DEFAULT_DIR):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # Here, after the settings above: TensorFlow and transformers read them when imported.
        import tensorflow as tf  # see the comment above

        # transformers is imported beside TensorFlow, for the same reason.
        from transformers import AutoTokenizer, TFBertModel
        from transformers.utils import logging as transformers_logging  # same reason

        transformers_logging.set_verbosity_error()  # "weights not used: position_ids" is expected
        self.directory = Path(directory)
        verify(self.directory)
        self._tokenizer = AutoTokenizer.from_pretrained(str(self.directory))
        model = TFBertModel.from_pretrained(str(self.directory))
        spec = [tf.TensorSpec([None, None], tf.int32)] * 3

        @tf.function(input_signature=spec)
        def mean_pooled(input_ids, attention_mask, token_type_ids):
            hidden = model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, training=False
            ).last_hidden_state
            mask = tf.cast(attention_mask, tf.float32)[..., None]
            summed = tf.reduce_sum(hidden * mask, axis=1)
            return tf.math.l2_normalize(summed / tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9), axis=1)

        self._tf = tf
        self._mean_pooled = mean_pooled
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()
        # TensorFlow builds the graph on the first call (about 2 s of CPU): here, while the
        # server starts, not on the first person's message.
        self._run(["ready"])

    def _run(self, texts: List[str]) -> np.ndarray:
        batch = self._tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        tf = self._tf
        vectors = self._mean_pooled(
            tf.constant(batch["input_ids"], tf.int32),
            tf.constant(batch["attention_mask"], tf.int32),
            tf.constant(batch["token_type_ids"], tf.int32),
        )
        return vectors.numpy().astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) unit vectors. Empty texts give the vector of an empty string."""
        texts = [text or "" for text in texts]
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing: Dict[str, List[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                cached = self._cache.get(text)
                if cached is None:
                    missing.setdefault(text, []).append(i)
                else:
                    result[i] = cached
        unique = list(missing)
        # Similar lengths together: less padding, less work.
        unique.sort(key=len)
        for start in range(0, len(unique), BATCH_SIZE):
            chunk = unique[start : start + BATCH_SIZE]
            vectors = self._run(chunk)
            with self._lock:
                for text, vector in zip(chunk, vectors):
                    for i in missing[text]:
                        result[i] = vector
                    self._cache[text] = vector
                    if len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
        return result


_ENCODERS: Dict[Path, SentenceEncoder] = {}
_ENCODERS_LOCK = threading.Lock()


def get_encoder(directory: Path = DEFAULT_DIR) -> SentenceEncoder:
    """One encoder per process and directory (the model takes about 90 MB and 1.5 s to load)."""
    key = Path(directory).resolve()
    with _ENCODERS_LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = SentenceEncoder(key)
        return _ENCODERS[key]
