"""Bad input gets a clear, kind reply (never an error)."""
import pytest

from bot.knowledge.input_checks import MAX_MESSAGE_CHARS, classify_input, reply_for


@pytest.mark.parametrize("text, kind", [
    ("", "empty"), ("   ", "empty"), (None, "empty"),
    ("a" * (MAX_MESSAGE_CHARS + 1), "too_long"),
    ("😀😀😀", "no_words"), ("👍", "no_words"), ("???", "no_words"), ("12345", "no_words"),
    ("<script>alert('x')</script>", "markup"), ("<b>hi</b>", "markup"), ("{{7*7}}", "markup"),
    ("мне нужна помощь", "not_english"), ("我需要帮助", "not_english"), ("أحتاج مساعدة", "not_english"),
    ("what is mediation?", None), ("café opening times", None),
])
def test_classify(text, kind):
    assert classify_input(text) == kind


@pytest.mark.parametrize("kind", ["empty", "too_long", "no_words", "markup", "not_english"])
def test_every_kind_has_a_short_reply(kind):
    reply = reply_for(kind)
    assert 20 < len(reply) < 300
