"""Answers made for the ear (issue 19): a caller hears a short spoken version of the
answer, with no citations, then one question: "Shall I text you the details and
sources?". Yes sends the written answer with its sources in one text, through the outbox
and Twilio (the stub); no moves on. A landline or withheld number is offered the answer
in full, or a person, instead. Rasa is played by a scripted server that answers with the
assistant's real written answers (data/nlu), named as the trained model names them.
"""
from __future__ import annotations

import glob
import re
import uuid
from pathlib import Path
from typing import Dict

import pytest
import yaml

from support.scripted_rasa import Rule, ScriptedRasa
from support.telephony import sms_params
from test_call_suite import Call, outbox, settings

ROOT = Path(__file__).resolve().parents[3]
MOBILE = "+447700900123"
# The five questions callers ask most (bench/caller_journey.py) and the answer the trained model gives each.
COMMONEST = {
    "what is mediation": "utter_faq_mediation/what_is",
    "do I need a mediation certificate before I can appeal": "utter_faq_certificate/when_needed",
    "how long do I have to appeal to the tribunal": "utter_faq_tribunal/deadline",
    "what is disagreement resolution": "utter_faq_drs/what_is",
    "how do I complain about the council": "utter_faq_complaints/council",
}
MAX_SENTENCES = 3
OFFER = "Shall I text you the details and sources?"


def written_answers() -> Dict[str, str]:
    """Every response the assistant can give, as written in data/nlu."""
    answers: Dict[str, str] = {}
    for path in glob.glob(str(ROOT / "data" / "nlu" / "*.yml")):
        with open(path, encoding="utf-8") as handle:
            for name, variations in ((yaml.safe_load(handle) or {}).get("responses") or {}).items():
                answers[name] = variations[0]["text"]
    return answers


@pytest.fixture
def rasa():
    answers = written_answers()
    fake = ScriptedRasa()
    for question, response in COMMONEST.items():
        fake.rules.insert(0, Rule(f"^{re.escape(question)}$", response.split("/")[0].replace("utter_", ""),
                                  [{"text": answers[response]}], response))
    fake.rules.insert(0, Rule(r"^when is the hearing$", "faq_tribunal",
                              [{"text": answers["utter_faq_tribunal/timescale"]}], "utter_faq_tribunal/timescale"))
    fake.start()
    yield fake
    fake.stop()


def sentences(text: str):
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]


def answer_part(said: str) -> str:
    assert OFFER in said, said
    return said[:said.index(OFFER)].strip()


def test_the_five_commonest_questions_callers_ask_are_bench_caller_journeys_five():
    from bench.caller_journey import QUESTIONS

    assert {spoken for _, spoken in QUESTIONS} == set(COMMONEST)


@pytest.mark.parametrize("question", list(COMMONEST))
def test_each_common_question_is_answered_in_a_few_spoken_sentences_then_yes_texts_the_details_once(
        twilio, rasa, twilio_stub, question):
    from bot.outbox import send_due

    poster = twilio(RASA_URL=rasa.url)
    call = Call(poster, caller=MOBILE)
    call.start()
    call.say(question)
    said = call.last_said
    answer = answer_part(said)
    assert 1 <= len(sentences(answer)) <= MAX_SENTENCES, answer
    assert "Source" not in said and "(" not in said and "Act 2014" not in said and "Code of Practice" not in said
    assert said.rstrip().endswith("Say yes or press 1, or say no.") and said.count("?") == 1
    assert call.root.find("Gather").get("input") == "speech dtmf"
    yes = call.next_url

    call.say("yes please")
    assert "sent you a text with the details and sources" in call.last_said and "step=turn" in call.next_url
    # Twilio delivers the same webhook again: nothing more is sent.
    call.post(yes, SpeechResult="yes please", Confidence="0.91", Language="en-GB")
    [details] = [row for row in outbox(settings().database_url) if row["kind"] == "details"]
    assert details["to_number"] == MOBILE
    written = written_answers()[COMMONEST[question]]
    assert "Sources: " in details["body"]
    for source in re.search(r"\(Source: (.*)\)", written).group(1).split("; "):
        assert source in details["body"]
    assert written.split(". ")[0] in details["body"]

    send_due()
    texts = [request.form for request in twilio_stub.requests if request.path.endswith("/Messages.json")]
    assert [text["To"] for text in texts] == [MOBILE] and texts[0]["Body"] == details["body"]
    call.assert_no_prompt_said_more_than_twice()


@pytest.mark.parametrize("no", [{"SpeechResult": "no thanks", "Confidence": "0.9"}, {"Digits": "2"}])
def test_no_to_the_details_moves_on_and_sends_nothing(twilio, rasa, no):
    call = Call(twilio(RASA_URL=rasa.url), caller=MOBILE)
    call.start()
    call.say("what is mediation")
    call.post(call.next_url, **no)
    assert "What else would you like to know?" in call.last_said
    call.say("what is disagreement resolution")  # and the next question is answered the same way
    assert OFFER in call.last_said and "Disagreement resolution is a free meeting" in call.last_said
    assert [row for row in outbox(settings().database_url) if row["kind"] == "details"] == []


def test_a_new_question_instead_of_yes_or_no_is_answered(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url), caller=MOBILE)
    call.start()
    call.say("what is mediation")
    call.say("how do I complain about the council")
    assert "Local Government and Social Care Ombudsman" in call.last_said and OFFER in call.last_said
    assert "LGSCO" not in call.last_said


@pytest.mark.parametrize("caller", ["anonymous", "+266696687", "+441632960123"])
def test_a_number_that_cannot_take_a_text_is_offered_the_answer_in_full_or_a_person(twilio, rasa, caller):
    call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS="mon=,tue=,wed=,thu=,fri=,sat=,sun="), caller=caller)
    call.start()
    call.say("how long do I have to appeal to the tribunal")
    assert OFFER not in call.last_said and "text" not in call.last_said.lower()
    assert "Shall I say the details in full?" in call.last_said and "For a person, press 0" in call.last_said
    call.press("1")
    full = call.last_said
    assert "1 month from the date on your mediation certificate" in full and "Source" not in full
    call.press("0")
    assert "call you back" in call.last_said  # out of hours: the person is a call back
    assert [row for row in outbox(settings().database_url) if row["kind"] == "details"] == []


def test_a_caller_who_texted_stop_is_not_offered_a_text(twilio, rasa):
    poster = twilio(RASA_URL=rasa.url)
    assert poster.post("/telephony/sms", sms_params("SM" + uuid.uuid4().hex, "STOP", sender=MOBILE)).status_code == 200
    call = Call(poster, caller=MOBILE)
    call.start()
    call.say("what is mediation")
    assert OFFER not in call.last_said and "Shall I say the details in full?" in call.last_said


def test_an_answer_with_no_spoken_version_is_spoken_from_its_first_sentences(twilio, rasa):
    from telephony.answers import spoken_versions

    assert "utter_faq_tribunal/timescale" not in spoken_versions()
    call = Call(twilio(RASA_URL=rasa.url), caller=MOBILE)
    call.start()
    call.say("when is the hearing")
    assert answer_part(call.last_said) == ("A hearing usually takes place about 12 weeks after the appeal is "
                                           "registered.")


def test_an_answer_worked_out_for_the_caller_is_read_in_full_with_every_date(twilio, rasa):
    """A route check's result (an action's own words, no response name) carries the caller's own deadlines."""
    result = [{"text": "What fits your situation: an appeal to the SEND Tribunal. Contact the mediation adviser "
                       "first. Mediation is free. Going is your choice. Appeal deadline: 2027-01-11. "
                       "(Source: SEND Code of Practice 11.50)"}]
    rasa.rules.insert(0, Rule(r"^yes that is all correct$", "affirm", result, "action_route_check_summary"))
    call = Call(twilio(RASA_URL=rasa.url), caller=MOBILE)
    call.start()
    call.say("yes that is all correct")
    heard = call.last_said
    while "Shall I go on" in call.last_said:
        call.press("1")
        heard += " " + call.last_said
    assert "Appeal deadline: Monday 11 January 2027" in heard and OFFER not in heard and "Source" not in heard


def test_every_spoken_version_is_short_and_says_only_what_its_written_answer_says():
    from telephony.answers import spoken_versions

    written = written_answers()
    versions = spoken_versions()
    assert set(COMMONEST.values()) <= set(versions)
    for name, spoken in versions.items():
        assert name in written, f"{name}: no such response in data/nlu"
        assert 1 <= len(sentences(spoken)) <= MAX_SENTENCES, name
        assert "(" not in spoken and "Source" not in spoken, name
        # No number (a time limit, a date, an age, a count) that the written answer does not give.
        for number in re.findall(r"\d+", spoken):
            assert re.search(rf"(?<!\d){number}(?!\d)", written[name]), f"{name}: {number} is not in the answer"


def test_a_long_written_answer_goes_in_one_text_of_at_most_3_segments_with_its_sources_and_a_link():
    from telephony.sms import one_text, segments

    body = " ".join(f"Sentence {n} of the answer, with what a parent needs to know." for n in range(1, 20))
    links = []
    text = one_text(body, "Sources: SEND Regulations 2014 reg 33", lambda: links.append(1) or "https://x.org/t/abc")
    assert segments(text) <= 3 and text.endswith("Sources: SEND Regulations 2014 reg 33\nAll of it: https://x.org/t/abc")
    assert text.startswith("Sentence 1 of the answer") and links == [1]
    short = one_text("Mediation is free.", "Sources: CFA 2014", lambda: pytest.fail("no link needed"))
    assert short == "Mediation is free.\nSources: CFA 2014" and segments(short) == 1
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 459) == 3
    assert segments("é" * 70) == 1 and segments("ł" * 71) == 2


def test_a_texter_who_says_goodbye_is_told_to_text_again_not_to_come_back_to_the_chat(twilio, rasa):
    poster = twilio(RASA_URL=rasa.url)
    response = poster.post("/telephony/sms", sms_params("SM" + uuid.uuid4().hex, "thanks, bye", sender=MOBILE))
    assert response.status_code == 200
    [reply] = [row["body"] for row in outbox(settings().database_url) if row["to_number"] == MOBILE]
    assert reply == "Goodbye. Text us again at any time." and "chat" not in reply


@pytest.mark.parametrize("after", ["greeting", "answer"])
def test_a_caller_who_says_goodbye_hears_the_lines_goodbye_and_the_call_ends(twilio, rasa, after):
    call = Call(twilio(RASA_URL=rasa.url), caller=MOBILE)
    call.start()
    if after == "answer":
        call.say("what is mediation")  # then goodbye instead of yes or no to the details
    call.say("that's all thanks, goodbye")
    assert call.hung_up and call.last_said == "Thank you for calling. Goodbye."
