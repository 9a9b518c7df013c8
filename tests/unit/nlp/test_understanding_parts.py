"""Plain-Python parts of understanding: encoder files, the linear classifier, follow-ups, likely questions."""
import hashlib
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge.follow_ups import ROUTE_CHECK, answer_for, follow_up_kind, topic_of
from bot.knowledge.questions import faq_questions, likely_questions
from bot.nlp import encoder_files
from bot.classifiers.linear import LinearClassifier


def test_encoder_files_are_refused_when_altered(tmp_path, monkeypatch):
    monkeypatch.setattr(encoder_files, "MANIFEST", {"vocab.txt": hashlib.sha256(b"right").hexdigest()})
    (tmp_path / "vocab.txt").write_bytes(b"right")
    encoder_files.verify(tmp_path)
    (tmp_path / "vocab.txt").write_bytes(b"wrong")
    with pytest.raises(encoder_files.EncoderFilesError, match="not the published"):
        encoder_files.verify(tmp_path)
    with pytest.raises(encoder_files.EncoderFilesError, match="missing"):
        encoder_files.verify(tmp_path / "nowhere")


def test_the_built_encoder_files_are_the_published_ones():
    directory = Path(__file__).resolve().parents[3] / encoder_files.DEFAULT_DIR
    if not directory.exists():
        pytest.skip("run `make setup` first")
    encoder_files.verify(directory)


def test_linear_classifier_round_trips_through_a_file(tmp_path):
    vectors = np.array([[1, 0], [0.8, 0.2], [0, 1], [0.2, 0.8], [0.5, 0.5], [0.4, 0.6]], dtype=np.float32)
    model = LinearClassifier.fit(vectors, ["a", "a", "b", "b", "c", "c"])
    model.save(tmp_path / "m.npz")
    loaded = LinearClassifier.load(tmp_path / "m.npz")
    assert loaded.ranking(np.array([1, 0], dtype=np.float32))[0][0] == "a"
    assert np.allclose(model.probabilities(vectors), loaded.probabilities(vectors))


@pytest.mark.parametrize("text, kind", [
    ("and how long does that take?", "timing"), ("so what's my actual date?", "my_date"),
    ("is that free?", "cost"), ("do i have to go?", "mandatory"), ("who goes?", "who"),
    ("what's the deadline for that", "deadline"), ("what about H2?", None),
])
def test_what_a_follow_up_asks(text, kind):
    assert follow_up_kind(text) == kind


def test_a_follow_up_is_answered_from_the_topic_before():
    assert answer_for(topic_of("faq_mediation", "faq_mediation/what_is"), "timing") == "faq_certificate/mediation_time"
    assert answer_for("faq_tribunal", "cost") == "faq_tribunal/cost"
    assert answer_for("faq_complaints", "timing") is None  # no sourced answer: ask, don't guess
    assert answer_for(None, "my_date") == ROUTE_CHECK
    assert answer_for("faq_tribunal", "deadline", has_route_facts=True) == ROUTE_CHECK


def test_every_faq_answer_has_a_question_and_the_likely_ones_are_offered():
    questions = faq_questions()
    assert len(questions) >= 50 and all(q.endswith("?") for q in questions.values())
    offered = likely_questions(
        [{"name": "nlu_fallback"}, {"name": "faq_tribunal"}, {"name": "greet"}, {"name": "request_mediation"},
         {"name": "faq_mediation"}],
        [{"intent_response_key": "faq_mediation/free"}, {"intent_response_key": "faq_tribunal/deadline"}])
    assert [title for title, _ in offered] == [questions["faq_tribunal/deadline"], "I'd like mediation",
                                               questions["faq_mediation/free"]]
