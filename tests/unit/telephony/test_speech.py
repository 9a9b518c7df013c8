"""What callers hear: dates, numbers, references and links spoken so they are understood."""
from hypothesis import given, strategies as st

from telephony.speech import (buttons_prompt, button_for_digit, speak_messages, speakable, split_turns,
                              spoken_characters, spoken_phone_number)


def test_dates_are_read_as_weekday_day_month_year():
    assert speakable("Your deadline is 2026-03-05.")[0] == "Your deadline is Thursday 5 March 2026."
    assert speakable("Issued on 5/3/2026")[0] == "Issued on Thursday 5 March 2026."
    assert speakable("Not a date: 2026-13-45")[0] == "Not a date: 2026-13-45."


def test_phone_numbers_are_read_digit_by_digit_in_uk_groups():
    assert spoken_phone_number("0300 123 4567") == "0 3 0 0, 1 2 3, 4 5 6 7"
    assert spoken_phone_number("+44 7700 900123") == "0 7 7 0 0, 9 0 0, 1 2 3"
    assert spoken_phone_number("020 7946 0000") == "0 2 0, 7 9 4 6, 0 0 0 0"
    assert "0 3 0 0, 1 2 3, 4 5 6 7" in speakable("Call us on 0300 123 4567 today.")[0]


def test_references_are_read_character_by_character_in_groups():
    assert spoken_characters("MC-2026-0042") == "M C, 2 0 2 6, 0 0 4 2"
    assert spoken_characters("AB123456") == "A B 1 2, 3 4 5 6"
    text = speakable("Your certificate number is MC-2026-0042.")[0]
    assert text == "Your certificate number is M C, 2 0 2 6, 0 0 4 2."
    # Ordinary words and acronyms are left alone.
    assert speakable("Ask your SENCO about the EHC plan.")[0] == "Ask your SENCO about the EHC plan."


def test_links_are_never_read_out_but_collected_for_a_text():
    text, links = speakable("Read the guidance at https://www.gov.uk/children-with-special-educational-needs.")
    assert "http" not in text and "gov.uk" not in text
    assert "sent you in a text" in text
    assert links == ["https://www.gov.uk/children-with-special-educational-needs"]
    text, links = speakable("See [IPSEA](https://www.ipsea.org.uk) for help.")
    assert text.startswith("See IPSEA (we have sent you the link in a text)") and links == ["https://www.ipsea.org.uk"]


def test_markdown_and_bullets_are_dropped():
    text, _ = speakable("**Mediation** is:\n- free\n- voluntary")
    assert text == "Mediation is: free. voluntary."


def test_long_answers_are_split_into_short_turns_at_sentence_ends():
    sentence = "Mediation is a meeting with an independent mediator to help you and the council agree."
    turns = split_turns(" ".join([sentence] * 10), max_chars=200)
    assert len(turns) == 5
    assert all(len(turn) <= 200 and turn.endswith(".") for turn in turns)


@given(st.lists(st.sampled_from(["Yes.", "Mediation is free.", "You can appeal within two months.",
                                 "A much longer sentence about the tribunal and its deadlines follows here."]),
                min_size=1, max_size=30))
def test_splitting_keeps_every_word_in_order(sentences):
    text = " ".join(sentences)
    turns = split_turns(text, max_chars=120)
    assert " ".join(turns) == text
    assert all(len(turn) <= 120 for turn in turns)


def test_buttons_are_read_as_numbered_options_and_digits_choose_them():
    buttons = [{"title": "Mediation", "payload": "/ask_mediation"}, {"title": "Tribunal appeals", "payload": "/ask_tribunal"}]
    assert buttons_prompt(buttons) == "Say or press 1 for Mediation, or 2 for Tribunal appeals."
    assert button_for_digit(buttons, "2")["payload"] == "/ask_tribunal"
    assert button_for_digit(buttons, "3") is None and button_for_digit(buttons, "*") is None
    spoken = speak_messages([{"text": "What is it about?", "buttons": buttons}])
    assert spoken.turns == ["What is it about? Say or press 1 for Mediation, or 2 for Tribunal appeals."]


def test_a_certificate_reference_with_no_digit_is_still_read_character_by_character():
    from telephony.speech import speakable

    assert speakable("Its reference is SEM-ABCD-EFGH.")[0] == "Its reference is S E M, A B C D, E F G H."
    assert speakable("Its reference is SEM-7KQ4-MX2P.")[0] == "Its reference is S E M, 7 K Q 4, M X 2 P."
