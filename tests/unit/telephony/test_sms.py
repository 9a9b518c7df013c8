"""SMS replies fit in SMS length; STOP and START are recognised."""
from hypothesis import given, strategies as st

from telephony.sms import keyword, render_messages, split_sms


def test_a_short_reply_is_one_message_unchanged():
    assert split_sms("Mediation is free for families.") == ["Mediation is free for families."]


def test_a_long_reply_is_split_and_numbered_within_160_characters():
    text = ("You can ask for mediation about the content of an EHC plan. " * 8).strip()
    parts = split_sms(text)
    assert [part.split(" ", 1)[0] for part in parts] == ["(1/4)", "(2/4)", "(3/4)", "(4/4)"]
    assert all(len(part) <= 160 for part in parts)
    assert " ".join(part.split(" ", 1)[1] for part in parts) == text


def test_typographic_quotes_do_not_force_the_70_character_limit():
    text = "It’s your right to ask for mediation – the council can’t refuse. " * 2
    assert all(len(part) <= 160 for part in split_sms(text))
    assert len(split_sms(text)) == 1


def test_text_outside_the_gsm_alphabet_uses_70_character_parts():
    parts = split_sms("Ceist faoi idirghabháil 😊 " * 6)
    assert len(parts) > 1 and all(len(part) <= 70 for part in parts)


@given(st.text(alphabet=st.sampled_from(list("abcdefghij ABC.,'0123456789")), min_size=1, max_size=1200))
def test_every_part_fits_and_nothing_is_lost(text):
    parts = split_sms(text)
    assert all(len(part) <= 160 for part in parts)
    if len(parts) > 1:
        rebuilt = "".join(part.split(" ", 1)[1] if " " in part else "" for part in parts)
        assert rebuilt.replace(" ", "") == text.replace(" ", "")


def test_keywords():
    assert keyword("STOP") == keyword(" stop ") == keyword("Unsubscribe") == "stop"
    assert keyword("START") == keyword("unstop") == "start"
    assert keyword("help") == "help"
    assert keyword("please stop the deadline") is None
    assert keyword("yes please") is None


def test_buttons_become_numbered_lines():
    text = render_messages([{"text": "Which one?", "buttons": [{"title": "Mediation"}, {"title": "Appeals"}]}])
    assert text == "Which one?\n1 Mediation\n2 Appeals\nReply with a number."
