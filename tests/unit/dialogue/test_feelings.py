import pytest

from bot.dialogue.feelings import sounds_distressed


@pytest.mark.parametrize("text", [
    "sorry im in tears, its kent",
    "honestly I'm exhausted, he's 9",
    "I'm at the end of my tether with them. It was a refusal to assess",
    "we're so stressed, the letter came on 3 November",
    "I'm beside myself with worry, Surrey",
    "i dont know what to do anymore, the final plan",
    "fed up of fighting, it's about section F",
])
def test_stressed_answers_are_noticed(text):
    assert sounds_distressed(text)


@pytest.mark.parametrize("text", [
    "Kent",
    "he's 9",
    "the letter was dated 3 November",
    "I'm his mum",
    "section F and section I",
    "yes that's right",
])
def test_plain_answers_are_not(text):
    assert not sounds_distressed(text)
