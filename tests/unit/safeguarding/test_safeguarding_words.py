"""The word-level safety net under the safeguarding intent, and the safety messages."""
import pytest

from bot.safeguarding import looks_like_risk, safeguarding_messages


@pytest.mark.parametrize("text", [
    "i want to kill myself", "i want to kil myself", "he keeps hurting himself", "self harm",
    "slef harm", "selfharm", "i feel suicidal", "sucide", "i wnt to die", "my child is not safe at home",
    "she's taken too many tablets", "I'm scared to go home", "my dad hits me", "I keep cuting myself",
    "i dont want to be alive any more", "im going to end it all", "my son is being abused",
])
def test_risk_is_caught_even_misspelt(text):
    assert looks_like_risk(text)


@pytest.mark.parametrize("text", [
    "", None, "what is mediation", "how do i complain about the school",
    "my son needs help with his social skills", "i'm angry with the council", "the deadline is killing me softly",
    "can i appeal section f", "we are in kent",
])
def test_ordinary_questions_are_not_flagged(text):
    assert not looks_like_risk(text)


def test_messages_give_999_childline_samaritans_front_door_and_a_person():
    text = " ".join(safeguarding_messages(local_authority="West Sussex", front_door_phone="01403 229900"))
    for fact in ("999", "Childline", "0800 1111", "Samaritans", "116 123", "children's social care",
                 "West Sussex", "01403 229900", "person"):
        assert fact in text


def test_without_a_council_the_front_door_is_described_not_invented():
    text = " ".join(safeguarding_messages())
    assert "your local council" in text and "website" in text
