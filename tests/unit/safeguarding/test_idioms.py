"""Figures of speech are read plainly by the classifier; the words still read what was written."""
import pytest

from bot.safeguarding.idioms import plainly
from bot.safeguarding.words import word_category


@pytest.mark.parametrize("figure, plain_word", [
    ("I don't want to shoot myself in the foot at mediation", "spoil my chances"),
    ("she's scared to death of the hearing", "very worried of"),
    ("he'd kill me if he knew I told you about his toileting", "would be embarrassed if"),
    ("honestly I've nearly lost the plot with the chasing", "got cross"),
    ("this appeal is killing me", "wearing me out"),
    ("his dad died when he was three", "was gone since"),
    ("I'm drowning in paperwork", "overloaded with paperwork"),
])
def test_figures_of_speech_are_said_plainly(figure, plain_word):
    assert plain_word in plainly(figure)


@pytest.mark.parametrize("text", [
    "he says he wants to kill himself",
    "my partner threatened to kill me",
    "she is scared of going home",
    "my son has stopped eating",
])
def test_disclosures_are_left_as_they_are(text):
    assert plainly(text) == text


def test_the_words_still_read_the_message_as_written():
    # A disclosure that happens to contain a figure of speech is still caught by the words.
    text = "I'm scared to death of him, my husband threatened to kill me"
    assert word_category(text) == "domestic_abuse"
