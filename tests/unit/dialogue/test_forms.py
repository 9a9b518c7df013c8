"""The one form engine (bot.dialogue.forms) with each form's own reading: every form walked
with an interruption at every step (a question, a correction, a change of mind, "stop",
"go back"), checking the answers kept at the end."""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional, Tuple

import pytest

from bot.dialogue.forms import CONFIRMED, STOPPED, FormSpec, Step, Turn, interruption, owns, take_turn
from bot.disagreement_resolution.conversation import DrRequestForm
from bot.mediation import conversation as advice
from bot.redress.conversation import NO_CERTIFICATE, RouteCheckForm

TODAY = dt.date.today()
LETTER = TODAY - dt.timedelta(days=20)
LETTER_TEXT = f"the letter was dated {LETTER.day} {LETTER.strftime('%B %Y')}"


class Walk:
    """A form driven as Rasa drives it: the next question asked, each message read."""

    def __init__(self, spec: FormSpec, facts: Optional[Dict[str, object]] = None):
        self.spec, self.facts = spec, dict(facts or {})
        self.confirmed, self.correcting, self.attempts = False, False, 0
        self.asking: Optional[str] = spec.next_question(self.facts) or CONFIRMED
        self.ended = False

    def say(self, text: str, intent: Optional[str] = None) -> Step:
        assert not self.ended, "the form has ended"
        step = take_turn(self.spec, Turn(text, intent, self.asking, dict(self.facts), self.confirmed, self.attempts,
                                         self.correcting))
        if step.step_aside:
            return step
        for fact, value in step.updates.items():
            if value is None:
                self.facts.pop(fact, None)
            else:
                self.facts[fact] = value
        self.confirmed, self.correcting, self.attempts = step.confirmed, step.correcting, step.attempts
        self.asking = step.next
        self.ended = step.next is None
        return step


def _route_answers() -> List[Tuple[str, str]]:
    return [("role", "I'm his mum"), ("about", "they refused to assess"), ("local_authority", "Kent"),
            ("age", "he's 9"), ("decision_date", LETTER_TEXT), ("certificate_date", "no, not yet")]


# --- the route check ---------------------------------------------------------------------

@pytest.mark.parametrize("step", range(6))
def test_the_route_check_with_a_question_a_correction_and_go_back_at_every_step(step):
    walk = Walk(RouteCheckForm(today=TODAY))
    for index, (fact, answer) in enumerate(_route_answers()):
        assert walk.asking == fact
        if index == step:
            # A question: nothing kept, the same question next.
            aside = walk.say("hang on, what does mediation mean?", intent="faq_mediation")
            assert aside.step_aside and walk.asking == fact
            if index > 0:
                # Go back one question, then answer it again.
                back = walk.say("go back")
                previous = _route_answers()[index - 1]
                assert back.say == ["OK, back one question."] and walk.asking == previous[0]
                walk.say(previous[1])
            if index > 2:
                # A correction of the council, said instead of this answer.
                walk.say("sorry, actually it's Surrey not Kent")
                assert walk.facts["local_authority"] == "Surrey" and walk.asking == fact
        walk.say(answer)
    assert walk.asking == CONFIRMED
    walk.say("yes that's right")
    assert walk.ended and walk.confirmed
    expected = {"role": "parent", "about": "refusal_to_assess", "age": 9, "decision_date": LETTER,
                "certificate_date": NO_CERTIFICATE}
    assert {fact: walk.facts[fact] for fact in expected} == expected
    assert walk.facts["local_authority"] in ("Kent", "Surrey")


@pytest.mark.parametrize("step", range(7))
@pytest.mark.parametrize("stop", ["stop", "cancel this please", "Stop.", "I want to stop", "forget it",
                                  "ok cancel it", "never mind"])
def test_stop_at_any_step_of_the_route_check_ends_it_and_keeps_nothing(step, stop):
    walk = Walk(RouteCheckForm(today=TODAY))
    for index, (fact, answer) in enumerate(_route_answers() + [(CONFIRMED, "")]):
        if index == step:
            ended = walk.say(stop)
            assert ended.stopped and ended.say == [STOPPED] and walk.ended
            assert not walk.facts
            return
        walk.say(answer)


def test_the_route_check_switches_between_mediation_and_the_certificate_at_any_step():
    walk = Walk(RouteCheckForm(today=TODAY, goal="mediation"))
    walk.say("I'm his mum")
    step = walk.say("actually I don't want mediation, just give me the certificate")
    assert step.updates == {"goal": "certificate"} and walk.asking == "about"
    assert "certificate, not mediation" in step.say[0]


def test_an_age_is_never_the_letter_date_and_a_letter_date_corrects_at_any_step():
    walk = Walk(RouteCheckForm(today=dt.date(2026, 11, 30)))
    for answer in ("parent", "The council refused to do an EHC needs assessment", "Kent"):
        walk.say(answer)
    walk.say("she turned 4 in september")
    assert walk.facts["age"] == 4 and "decision_date" not in walk.facts and walk.asking == "decision_date"
    step = walk.say("she turned 4 in september")
    assert "age rather than a date" in step.say[-1] and "decision_date" not in walk.facts
    walk.say("I never gave you a letter date, it was dated 20 November")
    assert walk.facts["decision_date"] == dt.date(2026, 11, 20)
    walk.say("no certificate")
    walk.say("I never gave you the right letter date, it was dated 18 November")
    assert walk.facts["decision_date"] == dt.date(2026, 11, 18) and walk.asking == CONFIRMED


@pytest.mark.parametrize("text, expected", [
    ("my decision letter was dated the 3rd of October", dt.date(2026, 10, 3)),
    ("the decision was on the 3rd of October", dt.date(2026, 10, 3)),
    ("decision letter dated 2nd Oct", dt.date(2026, 10, 2)),
    ("they decided on 5 october, letter dated the 7th of october", dt.date(2026, 10, 7)),
])
def test_decision_never_reads_as_december(text, expected):
    walk = Walk(RouteCheckForm(today=dt.date(2026, 11, 30)), {"role": "parent", "about": "refusal_to_assess",
                                                               "local_authority": "Kent", "age": 9})
    walk.say(text)
    assert walk.facts["decision_date"] == expected


@pytest.mark.parametrize("text", ["3/3/27", "the letter is dated 4 January 2027", "next friday"])
def test_a_letter_date_in_the_future_is_refused_and_asked_again(text):
    walk = Walk(RouteCheckForm(today=dt.date(2026, 11, 30)), {"role": "parent", "about": "refusal_to_assess",
                                                               "local_authority": "Kent", "age": 9})
    step = walk.say(text)
    assert "decision_date" not in walk.facts and walk.asking == "decision_date"
    assert "after today" in " ".join(step.say)


# --- mediation advice --------------------------------------------------------------------

ROUTE = {"local_authority": "Kent", "decision_date": LETTER, "about": "refusal_to_assess"}
PURSUING = [("choice", "yes, I'd like to try mediation"),
            ("issues", "the council refused to assess him and we want them to think again"),
            ("health_care", "yes, his speech therapy"), ("icbs", "don't know"), ("requester_name", "Jo Bloggs"),
            ("child_name", "Sam Bloggs"), ("contact_preference", "by email"),
            ("contact_details", "it's jo@example.com"), ("availability", "weekday mornings")]


@pytest.mark.parametrize("step", range(len(PURSUING)))
def test_mediation_advice_with_a_question_and_a_correction_at_every_step(step):
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY))
    for index, (fact, answer) in enumerate(PURSUING):
        assert walk.asking == fact
        if index == step:
            question = "what is an ICB?" if fact != "issues" else "what happens at mediation?"
            assert walk.say(question, intent="faq_mediation").step_aside and walk.asking == fact
        walk.say(answer)
    assert walk.asking == CONFIRMED
    walk.say("no, my name is Joanna Bloggs")
    walk.say("yes that's right")
    assert walk.ended and walk.confirmed
    assert walk.facts["requester_name"] == "Joanna Bloggs" and walk.facts["child_name"] == "Sam Bloggs"
    assert walk.facts["health_care"] is True and walk.facts["contact_details"] == "jo@example.com"


@pytest.mark.parametrize("step", range(1, len(PURSUING)))
@pytest.mark.parametrize("change", [
    "Actually no, I've changed my mind. I don't want mediation, just give me the certificate",
    "I've changed my mind, just the certificate please",
    "no, scrap that, I don't want to go to mediation",
])
def test_a_change_of_mind_to_the_certificate_at_any_step_keeps_only_what_it_needs(step, change):
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY))
    for index, (fact, answer) in enumerate(PURSUING):
        if index == step:
            walk.say(change)
            break
        walk.say(answer)
    assert walk.facts["choice"] == advice.NOT_PURSUING
    assert "issues" not in walk.facts and "health_care" not in walk.facts
    while walk.asking != CONFIRMED:
        walk.say({"requester_name": "Jo Bloggs", "child_name": "Sam Bloggs"}[walk.asking])
    walk.say("yes")
    assert walk.confirmed and set(walk.facts) == {"choice", "requester_name", "child_name"}


def test_a_change_of_mind_back_to_mediation_at_the_read_back():
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY))
    for answer in ("no, just my certificate", "Jo Bloggs", "Sam Bloggs"):
        walk.say(answer)
    assert walk.asking == CONFIRMED
    walk.say("actually I'd like to try mediation after all")
    assert walk.facts["choice"] == advice.PURSUE and walk.asking == "issues"


@pytest.mark.parametrize("stop", ["stop", "cancel this please", "cancel", "please stop", "I don't want to do this"])
@pytest.mark.parametrize("step", range(len(PURSUING) + 1))
def test_stop_at_any_step_of_mediation_advice_including_the_read_back(step, stop):
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY))
    for index, (fact, answer) in enumerate(PURSUING + [(CONFIRMED, "")]):
        if index == step:
            assert walk.say(stop).stopped and walk.ended and not walk.facts
            return
        walk.say(answer)


@pytest.mark.parametrize("answer", ["phone", "by email", "Email", "text me", "yes", "no", "not sure", "Kent",
                                    "kent council", "3rd of October", "ok", "don't know", "by phone please"])
def test_a_name_is_not_a_channel_a_yes_or_no_a_council_or_a_date(answer):
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY), {"choice": advice.NOT_PURSUING})
    assert walk.asking == "requester_name"
    step = walk.say(answer, intent="request_human" if "phone" in answer else None)
    assert not step.step_aside and "requester_name" not in walk.facts and walk.asking == "requester_name"
    assert "name" in step.say[-1]


@pytest.mark.parametrize("answer, expected", [
    ("Jo Bloggs", "Jo Bloggs"), ("my name is jo bloggs", "Jo Bloggs"), ("Siobhán O'Neill", "Siobhán O'Neill"),
    ("yes it's Mary-Jane McDonald", "Mary-Jane McDonald"), ("Don Smith", "Don Smith"), ("A. Khan", "A. Khan"),
])
def test_real_names_are_still_names(answer, expected):
    assert advice.read_name(answer) == expected


@pytest.mark.parametrize("answer", ["not sure", "I'm not sure", "don't know", "maybe, I'm not certain",
                                    "possibly, no idea really", "unsure"])
def test_not_sure_about_health_care_is_its_own_answer_and_the_icb_is_told(answer):
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY),
                {"choice": advice.PURSUE, "issues": "the council refused to assess"})
    assert walk.asking == "health_care"
    step = walk.say(answer)
    assert walk.facts["health_care"] == advice.HEALTH_NOT_SURE
    assert "ICB" in " ".join(step.say) and "not missed" in " ".join(step.say)
    assert advice.health_care_in_issue(walk.facts) and walk.asking == "icbs"
    for reply in ("don't know", "Jo Bloggs", "Sam Bloggs", "by post", "any weekday"):
        walk.say(reply)
    read_back = advice.read_back(walk.facts, "parent", "Kent", "refusal_to_assess", LETTER)
    assert "Health care involved: not sure, so the council will tell the ICB to check." in read_back


def test_the_council_or_the_letter_date_corrected_at_the_mediation_read_back():
    walk = Walk(advice.MediationAdviceForm("parent", ROUTE, TODAY))
    for answer in ("no, just my certificate", "Jo Bloggs", "Sam Bloggs"):
        walk.say(answer)
    new = LETTER - dt.timedelta(days=3)
    walk.say(f"no, the letter was dated {new.day} {new.strftime('%B %Y')}")
    assert walk.facts["decision_date"] == new and walk.asking == CONFIRMED and not walk.confirmed


# --- the disagreement resolution request ---------------------------------------------------

DR = [("other_party", "with the school"), ("local_authority", "West Sussex"),
      ("disagreement", "the school is not giving the support his SEN needs"), ("requester_name", "Jo Bloggs"),
      ("contact_preference", "by text"), ("contact_details", "07700 900123")]


@pytest.mark.parametrize("step", range(len(DR)))
def test_the_dr_request_with_a_question_go_back_and_stop_at_every_step(step):
    walk = Walk(DrRequestForm())
    for index, (fact, answer) in enumerate(DR):
        assert walk.asking == fact
        if index == step:
            assert walk.say("what is disagreement resolution?", intent="faq_drs").step_aside
            if index:
                walk.say("go back")
                walk.say(DR[index - 1][1])
        walk.say(answer)
    walk.say("yes, send it")
    assert walk.confirmed and walk.facts == {fact: value for fact, value in
                                             [("other_party", "school"), ("local_authority", "West Sussex"),
                                              ("disagreement", DR[2][1]), ("requester_name", "Jo Bloggs"),
                                              ("contact_preference", "text"), ("contact_details", "07700 900123")]}


@pytest.mark.parametrize("step", range(len(DR) + 1))
def test_stop_at_any_step_of_the_dr_request(step):
    walk = Walk(DrRequestForm())
    for index, (fact, answer) in enumerate(DR + [(CONFIRMED, "")]):
        if index == step:
            assert walk.say("cancel this please").stopped and not walk.facts
            return
        walk.say(answer)


def test_start_again_clears_the_answers_and_asks_the_first_question():
    walk = Walk(DrRequestForm())
    for _, answer in DR[:3]:
        walk.say(answer)
    step = walk.say("can we start again")
    assert not walk.facts and walk.asking == "other_party" and step.say == ["OK, let's start again."]


# --- the kinds of message every form reads --------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("stop", "stop"), ("STOP!", "stop"), ("cancel this please", "stop"), ("cancel the request", "stop"),
    ("please cancel", "stop"), ("forget it", "stop"), ("i want to stop", "stop"), ("ok stop now", "stop"),
    ("please stop, I don't want to do this", "stop"), ("no. stop. cancel it", "stop"), ("sorry, cancel", "stop"),
    ("stop and forget it", "stop"), ("stop sending me to the council", None),
    ("go back", "back"), ("can we go back one", "back"), ("back please", "back"), ("undo that", "back"),
    ("start again", "restart"), ("can we start over please", "restart"),
    ("the council wants to stop his plan", None), ("they cancelled his therapy", None), ("Jo Stopford", None),
    ("he went back to school", None), ("what happens if I stop mediation?", None),
])
def test_stop_go_back_and_start_again_are_told_from_answers(text, kind):
    assert interruption(text, None) == kind


def test_the_form_owns_stop_a_change_of_mind_and_a_channel_for_a_name_but_not_a_question():
    spec = advice.MediationAdviceForm("parent", ROUTE, TODAY)
    facts = {"choice": advice.PURSUE}
    asking = advice.next_question(facts, "parent")
    assert owns(spec, Turn("stop", "insult", asking, facts))
    assert owns(spec, Turn("Actually no, I've changed my mind, just give me the certificate", "start_appeal",
                           asking, facts))
    name_facts = {"choice": advice.NOT_PURSUING}
    assert owns(spec, Turn("phone", "request_human", "requester_name", name_facts))
    assert not owns(spec, Turn("what is mediation?", "faq_mediation", "requester_name", name_facts))
    assert not owns(spec, Turn("stop", None, None, {}))  # no form asking: not the form's


@pytest.mark.parametrize("text, intent", [
    ("I want to talk to a person", "request_human"), ("can I speak to someone", "request_human"),
    ("no, I want to talk to a person", "request_human"), ("bye", "goodbye"),
])
def test_asking_for_a_person_or_goodbye_is_never_read_as_an_answer(text, intent):
    spec = advice.MediationAdviceForm("parent", ROUTE, TODAY)
    for asking, facts in (("requester_name", {"choice": advice.NOT_PURSUING}),
                          (CONFIRMED, {"choice": advice.NOT_PURSUING, "requester_name": "Jo Bloggs",
                                       "child_name": "Sam Bloggs"}),
                          ("issues", {"choice": advice.PURSUE})):
        assert not owns(spec, Turn(text, intent, asking, facts)), (text, asking)


@pytest.mark.parametrize("text, expected, read_back", [
    ("it came on Friday but it's dated the Monday before", dt.date(2026, 2, 16), True),
    ("14/02", dt.date(2026, 2, 14), True),
    ("dated the 3rd", dt.date(2026, 2, 3), False),
    ("last tuesday", dt.date(2026, 2, 17), False),
    ("it arrived 2 weeks ago", dt.date(2026, 2, 6), False),
    ("the twelfth of january twenty twenty six", dt.date(2026, 1, 12), False),
])
def test_a_guessed_letter_date_is_read_back_with_the_reading_used(text, expected, read_back):
    walk = Walk(RouteCheckForm(today=dt.date(2026, 2, 20)), {"role": "parent", "about": "refusal_to_assess",
                                                              "local_authority": "Kent", "age": 9})
    step = walk.say(text)
    assert walk.facts["decision_date"] == expected
    assert any("I've taken that as" in note for note in step.say) is read_back


@pytest.mark.parametrize("question", ["wait, who runs the mediation meeting?", "how long does the tribunal take?",
                                      "what is an EHC needs assessment?"])
def test_a_question_is_never_what_the_disagreement_is_about(question):
    # The situation classifier may find a topic in a question; asked what it is about, a
    # question with a question's intent is answered, then the form asks again.
    spec = RouteCheckForm(today=TODAY, situation={"about": "refusal_to_assess", "confidence": 0.9, "describes": 0.9},
                          intent="faq_mediation")
    step = take_turn(spec, Turn(question, "faq_mediation", "about", {"role": "parent"}))
    assert step.step_aside and not step.updates


@pytest.mark.parametrize("text, expected", [
    ("We got the final EHC plan on 2 November 2026. How long do I have to appeal?", dt.date(2026, 11, 2)),
    ("the council wrote to us on 5 October saying no", dt.date(2026, 10, 5)),
    ("they refused on the 3rd of October", dt.date(2026, 10, 3)),
])
def test_a_date_said_with_what_it_is_the_date_of_counts_up_front(text, expected):
    step = take_turn(RouteCheckForm(today=dt.date(2026, 11, 30)), Turn(text, "check_routes", None, {}))
    assert step.updates["decision_date"] == expected


@pytest.mark.parametrize("text", ["she turned 4 in september", "he is 9, his birthday is 3 march",
                                  "we moved house on 4 september"])
def test_a_date_said_in_passing_to_another_question_is_not_the_letter_date(text):
    walk = Walk(RouteCheckForm(today=dt.date(2026, 11, 30)), {"role": "parent", "about": "refusal_to_assess",
                                                               "local_authority": "Kent"})
    assert walk.asking == "age"
    walk.say(text)
    assert "decision_date" not in walk.facts
