"""TwiML for each step of a call, parsed as XML."""
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from bot.nlp.patterns import south_east_group
from bot.settings import Settings
from telephony.voice import KEYPAD_MENU, Twiml, caller_ending, parse_callback_number

SETTINGS = Settings(_env_file=None, public_base_url="https://line.example.org",
                    mediator_numbers=["+447700900001", "+447700900002"], twilio_voice="Google.en-GB-Neural2-C")


def parse(body: str) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == "Response"
    return root


def state(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_a_turn_listens_for_speech_and_keys_in_british_english_with_hints_and_barge_in():
    root = parse(Twiml(SETTINGS).answer(["Mediation is free."]))
    gather = root.find("Gather")
    assert gather.get("input") == "speech dtmf"
    assert gather.get("language") == "en-GB"
    assert gather.get("bargeIn") == "true" and gather.get("speechTimeout") == "auto"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("action").startswith("https://line.example.org/telephony/voice?")
    hints = [hint.strip() for hint in gather.get("hints").split(",")]
    assert {authority.name for authority in south_east_group()} <= set(hints)
    assert len(south_east_group()) == 16
    assert "mediation certificate" in hints and "SEND Tribunal" in hints
    say = gather.find("Say")
    assert say.text == "Mediation is free." and say.get("voice") == "Google.en-GB-Neural2-C"
    # If the gather falls through, the call comes back to us rather than hanging up.
    assert root.find("Redirect").text == gather.get("action")


def test_a_long_answer_is_spoken_one_turn_at_a_time():
    build = Twiml(SETTINGS)
    root = parse(build.answer(["First part.", "Second part.", "Third part."]))
    says = [say.text for say in root.iter("Say")]
    assert says[0] == "First part." and "Shall I go on?" in says[1]
    assert state(root.find("Gather").get("action")) == {"step": "more", "part": "1"}
    last = parse(build.answer(["First part.", "Second part.", "Third part."], part=2))
    assert [say.text for say in last.iter("Say")] == ["Third part."]


def test_the_keypad_menu_offers_the_four_topics_a_person_and_repeat():
    root = parse(Twiml(SETTINGS).menu())
    text = " ".join(say.text for say in root.iter("Say"))
    for digit, option in KEYPAD_MENU.items():
        assert f"{digit} for {option.label}" in text
    assert "Press 0 to talk to a person" in text and "star to hear these options again" in text
    assert [option.label for option in KEYPAD_MENU.values()] == [
        "mediation and mediation certificates", "disagreement resolution", "appeals to the SEND Tribunal", "complaints"]


def test_no_input_twice_offers_the_keypad_and_a_person_then_ends_politely():
    build = Twiml(SETTINGS)
    first = parse(build.no_input(1))
    assert "didn't hear" in first.find("Gather/Say").text
    second = parse(build.no_input(2))
    assert state(second.find("Gather").get("action"))["step"] == "menu"
    assert "Press 0 to talk to a person" in " ".join(say.text for say in second.iter("Say"))
    assert parse(build.no_input(4)).find("Hangup") is not None


def test_transfer_rings_one_mediator_at_a_time_with_a_whisper():
    root = parse(Twiml(SETTINGS).transfer("safeguarding", "Caller may be at risk (safeguarding).", "esc-1"))
    assert "999" in root.find("Say").text
    dial = root.find("Dial")
    assert state(dial.get("action")) == {"reason": "safeguarding", "escalation": "esc-1",
                                         "summary": "Caller may be at risk (safeguarding)."}
    numbers = dial.findall("Number")
    assert [number.text for number in numbers] == ["+447700900001"]
    whisper = state(numbers[0].get("url"))
    assert whisper["summary"] == "Caller may be at risk (safeguarding)."
    spoken = [say.text for say in parse(Twiml(SETTINGS).whisper(whisper["reason"], whisper["summary"])).iter("Say")]
    assert "safeguarding" in spoken[0] and spoken[1].startswith("Summary:")
    # The next one: its own number, and the state of the tries so far.
    second = parse(Twiml(SETTINGS).transfer("safeguarding", "s", "esc-1", attempt=1, busy=1))
    assert [number.text for number in second.find("Dial").findall("Number")] == ["+447700900002"]
    assert state(second.find("Dial").get("action"))["attempt"] == "1" and "999" not in second.find("Say").text


def test_queue_hold_and_voicemail():
    build = Twiml(SETTINGS)
    enqueue = parse(build.enqueue("person_requested", "esc-2")).find("Enqueue")
    assert enqueue.text == "mediators" and enqueue.get("waitUrl").endswith("/telephony/voice/hold")
    assert parse(build.hold(30)).find("Play") is not None
    assert parse(build.hold(600)).find("Leave") is not None
    record = parse(build.voicemail("person_requested")).find("Record")
    assert record.get("maxLength") == "120" and record.get("playBeep") == "true"
    assert record.get("action").startswith("https://line.example.org/telephony/voice/voicemail")


def test_callback_numbers():
    assert caller_ending("+447700900123") == "1 2 3"
    assert caller_ending("anonymous") is None
    assert parse_callback_number("1", "+447700900123") == "+447700900123"
    assert parse_callback_number("1", "anonymous") is None
    assert parse_callback_number("07700900456", None) == "+447700900456"
    assert parse_callback_number("12345", None) is None
