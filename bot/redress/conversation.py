"""The route checker as a conversation: what to ask, how to read answers, what to say back.

Plain Python, shared by the chat form (actions/route_check.py) and the phone line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional

from bot.dialogue.answers import CHANGE, CHANGED_MIND, Reading, wants
from bot.dialogue.dates import TEEN_WORDS, UNIT_WORDS, format_reading, read_date
from bot.dialogue.forms import INTERRUPTIONS, FormSpec, looks_like_question
from bot.nlp.patterns import find_local_authority, find_local_authority_in
from bot.redress import rules
from bot.redress.dates import format_long
from bot.redress.front_door import ROUTE_NAMES, classify_disagreement, describe  # one wording for chat and phone
from bot.redress.situation import APPEALABLE_DECISIONS, RouteCheck, Situation
from bot.redress.texts import GIVE_UP as GIVE_UP_DATES

ROLE_NAMES = {
    "parent": "a parent or carer",
    "young_person": "the young person",
    "professional": "a professional",
}

# What the disagreement is about, in the words the assistant reads back.
ABOUT_NAMES = {
    "refusal_to_assess": "the council refused an EHC needs assessment",
    "refusal_to_reassess": "the council refused to reassess",
    "refusal_to_issue_plan": "the council will not issue an EHC plan after assessing",
    "plan_content": "what the EHC plan says about needs or support (sections B and F)",
    "plan_placement_only": "only the school or college named in the plan (section I)",
    "plan_health_social_care_only": "only the health or social care parts of the plan",
    "refusal_to_amend": "the council will not change the plan after a review",
    "cease_to_maintain": "the council wants to stop the EHC plan",
    "school_sen_provision": "the SEN support a school, college or nursery gives",
    "duties_not_carried_out": "how the council or a school carries out its SEN duties",
    "health_social_care_during_assessment": "health or social care during an assessment or review",
    "disability_discrimination": "unfair treatment because of disability",
    "school_exclusion": describe("school_exclusion"),
    "no_decision_yet": describe("no_decision_yet"),
}

# The NLU model's reading of what a situation is about (bot.nlp.components.SituationClassifier)
# is trusted at these confidences, chosen on tests/realistic/tuning/situations.yml
# (bench/understanding.py): lower when the person is answering "what is it about?", higher
# when they described it unasked in a message the model took to be about their situation.
ANSWER_MIN_CONFIDENCE = 0.35
VOLUNTEERED_MIN_CONFIDENCE = 0.5
# Unasked, a message must also describe a disagreement at all (the model's "describes":
# "I'm his mum" scores about 0, situations 0.3 and above on the tuning split).
DESCRIBES_MIN = 0.3
# Messages of these intents describe the person's own situation (facts first).
SITUATION_INTENTS = {"check_routes", "start_appeal", "unsure_which_route", "request_mediation", "request_drs"}


def about_from_model(situation: Optional[dict], answering: bool) -> Optional[str]:
    """The model's reading, when confident enough. ``situation``: the parse's
    ``{"about", "confidence"}``; ``answering``: the question asked was what it is about."""
    if not situation or not situation.get("about"):
        return None
    if not answering and float(situation.get("describes", 1.0)) < DESCRIBES_MIN:
        return None
    floor = ANSWER_MIN_CONFIDENCE if answering else VOLUNTEERED_MIN_CONFIDENCE
    return situation["about"] if float(situation.get("confidence") or 0) >= floor else None


def about_from_text(text: Optional[str], situation: Optional[dict] = None, answering: bool = True) -> Optional[str]:
    """The kind of disagreement a message describes, if it is clear.

    One reading of people's words for the whole product. With the NLU model's reading
    (``situation``), the model decides; the word patterns of the front door
    (bot.redress.front_door.classify_disagreement) are only for callers without a model
    reading (plain-Python tests and tools).
    """
    if not text:
        return None
    lowered = text.lower().strip()
    if lowered in ABOUT_NAMES:
        return lowered
    if situation is not None:
        return about_from_model(situation, answering)
    return classify_disagreement(text)


def role_from_text(text: Optional[str]) -> Optional[str]:
    if not text:
        return None
    lowered = text.lower()
    if lowered in ROLE_NAMES:
        return lowered
    if re.search(r"\b(young person|myself|for me|i'?m (the )?(student|pupil)|my own|about me|my plan)\b", lowered):
        return "young_person"
    if re.search(
        r"\b(professional|senco|teacher|social worker|advocate|school staff|work (at|for)|caseworker|health visitor)\b",
        lowered,
    ):
        return "professional"
    if re.search(
        r"\b(parent|carer|mum|mom|dad|mother|father|guardian|foster|grand(ma|pa|mother|father|parent)"
        r"|(my|our) (son|daughter|child|kid|kids|boy|girl|children)|(son|daughter)'s)\b",
        lowered,
    ):
        return "parent"
    return None


def age_from_text(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return int(text)
    match = re.search(r"\b(\d{1,3})\b", str(text))
    if match:
        return int(match.group(1))
    words = {**UNIT_WORDS, **TEEN_WORDS, "twenty": 20}
    lowered = str(text).lower()
    total = None
    for word, number in words.items():
        if re.search(rf"\b{word}\b", lowered):
            total = number if total is None else max(total, number)
    if total == 20:
        extra = re.search(rf"\btwenty[\s-]+({'|'.join(UNIT_WORDS)})\b", lowered)
        if extra:
            total = 20 + UNIT_WORDS[extra.group(1)]
    return total


def needs_decision_date(about: Optional[str]) -> bool:
    """The deadlines count from the decision letter (or, for discrimination, the event; for
    an exclusion, the exclusion decision: brief section 7)."""
    return about in APPEALABLE_DECISIONS or about in ("disability_discrimination", "school_exclusion")


def over_school_age(facts: Dict[str, object], today: Optional[dt.date] = None) -> Optional[bool]:
    """Whether the child or young person is over compulsory school age: from the age, and for
    a 16-year-old from the answer to "have they finished year 11?" (rules.over_compulsory_school_age)."""
    age = facts.get("age") if isinstance(facts.get("age"), int) else None
    over = rules.over_compulsory_school_age(age=age, today=today)
    if over is None and age == 16:
        answer = facts.get("finished_year_11")
        over = True if answer == YES else False if answer == NO else None
    return over


def lacks_capacity(facts: Dict[str, object]) -> bool:
    """Only a plain "no" to "can they make this decision themselves?": capacity is presumed
    (Mental Capacity Act 2005 s.1(2)), so "not sure" leaves the right with the young person."""
    return facts.get("can_decide") == NO


def acting(facts: Dict[str, object], today: Optional[dt.date] = None) -> rules.WhoActs:
    return rules.who_acts(str(facts.get("role") or "parent"), over_school_age(facts, today), lacks_capacity(facts))


def needs_certificate_question(about: Optional[str]) -> bool:
    return about in APPEALABLE_DECISIONS and about != "plan_placement_only"


def read_back(facts: Dict[str, object]) -> str:
    """The key facts repeated for confirmation, in one short message."""
    parts = []
    if facts.get("role"):
        parts.append(f"you are {ROLE_NAMES.get(str(facts['role']), facts['role'])}")
    if facts.get("age") is not None:
        who = "you are" if facts.get("role") == "young_person" else "the child or young person is"
        parts.append(f"{who} {facts['age']}")
    if facts.get("local_authority") == OUTSIDE_ENGLAND:
        parts.append("you live outside England")
    elif facts.get("local_authority") == UNKNOWN_COUNCIL:
        parts.append("you are not sure which council")
    elif facts.get("local_authority"):
        parts.append(f"the council is {facts['local_authority']}")
    if facts.get("about"):
        parts.append(f"it is about: {ABOUT_NAMES.get(str(facts['about']), facts['about'])}")
    if facts.get("finished_year_11") in (YES, NO):
        parts.append("they have finished year 11" if facts["finished_year_11"] == YES else "they are still in year 11")
    if facts.get("can_decide") == YES:
        parts.append("they can make this decision themselves")
    elif facts.get("can_decide") == NO:
        parts.append("they cannot make this decision themselves, so you act for them")
    elif facts.get("can_decide") == NOT_SURE:
        parts.append("you are not sure whether they can make this decision themselves")
    if isinstance(facts.get("decision_date"), dt.date):
        label = {
            "disability_discrimination": "it happened on",
            "school_exclusion": "the exclusion decision was on",
        }.get(str(facts.get("about")), "the decision letter is dated")
        parts.append(f"{label} {format_long(facts['decision_date'])}")
    if isinstance(facts.get("certificate_date"), dt.date):
        parts.append(f"the mediation certificate is dated {format_long(facts['certificate_date'])}")
    elif facts.get("certificate_date") == NO_CERTIFICATE:
        parts.append("you do not have a mediation certificate yet")
    return "Let me check I have this right: " + "; ".join(parts) + "."


def summary_messages(result: RouteCheck) -> List[str]:
    """Short messages: the routes that fit, then the next steps with dates in full."""
    fitting = [ROUTE_NAMES[route.id] for route in result.routes if route.available]
    messages: List[str] = []
    if result.in_scope and fitting:
        messages.append("What fits your situation: " + _join(fitting) + ".")
    messages.extend(result.messages)
    if result.in_scope and result.mediation_advice_required:
        messages.append(
            "Before an appeal you must contact the mediation adviser. You do not have to go to mediation. "
            "(Source: Children and Families Act 2014 s.55; SEND Code of Practice 11.21)"
        )
    elif result.in_scope and any(r.id == "tribunal_appeal" and r.available for r in result.routes):
        messages.append(
            "You do not need a mediation certificate for this appeal, because it is only about the school "
            "or college named in the plan. (Source: Children and Families Act 2014 s.55; SEND Code of Practice 11.21)"
        )
    return messages


def situation_from_facts(facts: Dict[str, object], today: Optional[dt.date] = None) -> Situation:
    checked = facts_in_scope(facts)
    return Situation(
        role=str(checked.get("role") or "parent"),
        about=str(checked["about"]),
        age=checked.get("age") if isinstance(checked.get("age"), int) else None,
        local_authority=checked.get("local_authority") or None,
        decision_date=checked.get("decision_date") if isinstance(checked.get("decision_date"), dt.date) else None,
        certificate_date=checked.get("certificate_date")
        if isinstance(checked.get("certificate_date"), dt.date)
        else None,
        in_england=False if facts.get("local_authority") == OUTSIDE_ENGLAND else None,
        nation=facts.get("nation") if facts.get("nation") in rules.NATIONS else None,
        over_school_age=over_school_age(facts, today),
        lacks_capacity=lacks_capacity(facts),
        today=today or dt.date.today(),
    )


def _join(items: List[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- reading each answer -----------------------------------------------------------
# The facts the conversation collects, in the order it asks for them.
FACTS = (
    "role",
    "about",
    "local_authority",
    "age",
    "finished_year_11",
    "can_decide",
    "decision_date",
    "certificate_date",
)
# Stand-ins for answers that are not a council or a date.
OUTSIDE_ENGLAND = "outside England"
UNKNOWN_COUNCIL = "not known"
NO_CERTIFICATE = "none"
# Answers to "have they finished year 11?" and "can they make this decision themselves?".
YES, NO, NOT_SURE = "yes", "no", "not sure"

FACT_LABELS = {
    "role": "who you are",
    "about": "what it is about",
    "local_authority": "the council",
    "age": "the age",
    "finished_year_11": "whether they have finished year 11",
    "can_decide": "whether they can decide for themselves",
    "decision_date": "the date",
    "certificate_date": "the certificate date",
}

_CORRECTING = re.compile(
    r"\b(actually|sorry|i meant|i mean|correction|mistake|wrong|not \w+ but|should (be|say)|instead|"
    r"never (gave|said|told)|didn'?t (give|say|tell)|did not (give|say|tell)|that'?s not (it|right)|"
    r"it was (dated|on)|no,? it was)\b"
)
_CHANGE_TARGETS = (
    ("role", r"who i am|role|me|parent|carer|young person|professional"),
    ("about", r"what it'?s about|what it is about|disagreement|decision type|kind|subject|about"),
    ("local_authority", r"council|local authority|\bla\b|area"),
    ("finished_year_11", r"year 11|year eleven"),
    ("can_decide", r"capacity|decide|decision themselves"),
    ("age", r"age|how old"),
    ("certificate_date", r"certificate"),
    ("decision_date", r"date|letter|decision|when"),
)
# Not in rules.NATIONS (no tribunal or advice service to name there), but not England either.
_ELSEWHERE = re.compile(r"\b(isle of man|jersey|guernsey|republic of ireland)\b")
_DONT_KNOW = re.compile(r"\b(don'?t know|dont know|not sure|no idea|unsure|can'?t remember|cannot remember|dunno)\b")
_NO = re.compile(
    r"^\s*(no|nope|nah|not yet|none|no certificate|no,? not yet|we don'?t|i don'?t|haven'?t|we haven'?t)\b"
    r"|\b(no certificate|don'?t have (one|a certificate)|haven'?t (got|had) (one|a certificate))\b"
)
_ASKS_FOR_CERTIFICATE = re.compile(
    r"\b(like|want|need|get|request|issue|apply for|ask for|asking for|send me|give me)( a| my| the)?"
    r"( mediation)? certificate"
)
_LETTER_DATED = re.compile(r"\b(letter|decision)\b[^.?!]{0,25}\b(dated|on|from|came|arrived|sent|was)\b")
_CERTIFICATE_DATED = re.compile(r"\bcertificate\b[^.?!]{0,25}\b(dated|from|issued|came|arrived|sent|was)\b")
_NO_CERTIFICATE = re.compile(
    r"\b(no|not got|haven'?t (got|had)|don'?t have|do not have|never had|never got|without)( a| any| the| my)?"
    r"( mediation)? certificate"
)
_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|correct|that'?s (right|correct)|right|ok|okay|sure|spot on|all correct|"
    r"that is (right|correct))\b"
)
_STRICT_AGE = re.compile(
    r"\b(?P<n>\d{1,2})\s*(-|\s)?\s*(years?|yrs?)(\s*-?\s*old)?\b"
    r"|\b(aged?|age is|is aged)\s+(?P<m>\d{1,2})\b"
    r"|\b(he|she|they|i|my \w+)\s*('s|'re|'m| is| are| am)\s+(?P<k>\d{1,2})\b"
    r"(?!\s*(st|nd|rd|th|/|-|\.|january|february|march|april|may|june|july|august|september|october|november|december))"
)
_STRICT_ROLE = re.compile(
    r"\b(i'?m|i am|as)\s+(a |an |the |his |her |their )?"
    r"(mum|mom|dad|mother|father|parent|carer|guardian|foster|grand\w+|"
    r"young person|student|pupil|senco|teacher|social worker|advocate|professional)\b"
    r"|\b(my|our) (son|daughter|child|kid|boy|girl|grandson|granddaughter)\b"
    r"|\b(it'?s|it is) (about|for) me\b|\bmy own (plan|ehcp)\b"
)


def questions_needed(facts: Dict[str, object]) -> List[str]:
    """The facts this situation needs, in the order they are asked."""
    needed = ["role", "about", "local_authority", "age"]
    about = facts.get("about")
    if facts.get("local_authority") == OUTSIDE_ENGLAND:
        return needed[:3]  # England's rules do not apply: nothing more is asked (brief section 8)
    out_of_scope = isinstance(facts.get("age"), int) and facts["age"] >= 25
    if not out_of_scope and facts.get("role") == "parent" and isinstance(facts.get("age"), int):
        # Who acts (brief, "Who the service is for"): a 16-year-old may have finished year 11;
        # over compulsory school age, the right is the young person's unless they lack capacity.
        if facts["age"] == 16 and rules.over_compulsory_school_age(age=16) is None:
            needed.append("finished_year_11")
        if over_school_age(facts):
            needed.append("can_decide")
    if not out_of_scope and needs_decision_date(about):
        needed.append("decision_date")
    if not out_of_scope and needs_certificate_question(about):
        needed.append("certificate_date")
    return needed


def next_question(facts: Dict[str, object]) -> Optional[str]:
    return next((fact for fact in questions_needed(facts) if facts.get(fact) is None), None)


def read_answer(
    text: Optional[str],
    asking: Optional[str],
    facts: Dict[str, object],
    today: Optional[dt.date] = None,
    situation: Optional[dict] = None,
    describes_situation: bool = False,
) -> Reading:
    """Read a message in the route-check conversation.

    ``asking`` is the fact just asked for ("confirmed" for the read-back). The answer to
    it is read generously; other facts are taken from the same message only when they
    are said plainly ("I'm his mum", "Kent", "she's 9", "dated 3 March"), and replace an
    earlier answer only then, so the person can correct anything at any point.
    ``situation`` is the NLU model's reading of what the message is about, and
    ``describes_situation`` says the model took the message as a description of the
    person's own situation (a facts-first message); see ``about_from_text``.
    """
    today = today or dt.date.today()
    reading = Reading()
    if not text or not text.strip():
        return reading
    lowered = " ".join(text.lower().replace("’", "'").split())
    # A "no" to the read-back, with an answer in it, is a correction too.
    correcting = bool(_CORRECTING.search(lowered)) or (asking == "confirmed" and bool(_NO.search(lowered)))

    change = CHANGE.match(lowered)
    if change:
        for fact, pattern in _CHANGE_TARGETS:
            if re.search(pattern, change.group("what")):
                reading.updates[fact] = None
                reading.notes.append(f"OK, let's change {FACT_LABELS[fact]}.")
                return reading

    def offer(fact: str, value: object, plainly_said: bool) -> None:
        current = facts.get(fact)
        if value is None or value == current:
            return
        if asking == fact or current is None or (plainly_said and correcting):
            reading.updates[fact] = value
            if current is not None and asking != fact:
                reading.notes.append(f"Thanks, I've changed {FACT_LABELS[fact]}.")

    # Who the person is.
    if asking == "role":
        role = role_from_text(text)
        if role is None:
            reading.problem = "Sorry, I didn't catch that."
        offer("role", role, True)
    elif _STRICT_ROLE.search(lowered):
        offer("role", role_from_text(text), True)

    # What it is about. Outside the question, only the specific kinds count: the general
    # ones ("school", "council") also match answers about other things.
    if situation is not None:
        about = about_from_text(text, situation, answering=asking == "about")
        if asking == "about":
            if about is None:
                reading.problem = RETRY_ABOUT
            offer("about", about, True)
        elif describes_situation and about is not None:
            offer("about", about, True)
    else:
        about = about_from_text(text)
        if asking == "about":
            if about is None:
                reading.problem = RETRY_ABOUT
            offer("about", about, True)
        elif about not in (None, "school_sen_provision", "duties_not_carried_out"):
            offer("about", about, True)

    # The council.
    council = _council_in(text, asking == "local_authority")
    if asking == "local_authority" and council is None:
        if _DONT_KNOW.search(lowered):
            council = UNKNOWN_COUNCIL
        else:
            reading.problem = (
                "I didn't recognise that as a council in England. Which council sent the letter, "
                "or which council area do you live in?"
            )
    if (
        council == OUTSIDE_ENGLAND
        and facts.get("local_authority") not in (None, OUTSIDE_ENGLAND)
        and find_local_authority_in(text) is None
    ):
        # Living outside England, said at any point, stops the check (brief section 8),
        # unless the same message names a council in England ("we moved from Cardiff to Kent").
        reading.updates["local_authority"] = OUTSIDE_ENGLAND
    offer("local_authority", council, True)
    nation = rules.nation_in(text)
    if nation is not None and reading.updates.get("local_authority", facts.get("local_authority")) == OUTSIDE_ENGLAND:
        if facts.get("nation") != nation:
            reading.updates["nation"] = nation
    elif (
        council not in (None, OUTSIDE_ENGLAND, UNKNOWN_COUNCIL)
        and reading.updates.get("local_authority") == council
        and facts.get("nation") is not None
    ):
        reading.updates["nation"] = None  # corrected to a council in England

    # The age.
    strict_age = _STRICT_AGE.search(lowered)
    age: Optional[int] = None
    if strict_age:
        age = int(next(group for group in strict_age.group("n", "m", "k") if group))
    elif asking == "age":
        age = age_from_text(text)
    if asking in ("finished_year_11", "can_decide") and not strict_age:
        age = None  # "yes, 16" is not a new age; a plain "no" is not one either
    if asking == "age" and age is None:
        reading.problem = "Sorry, I didn't catch the age. Please give it in years, for example 9."
    elif age is not None and not 0 <= age <= 120:
        if asking == "age":
            reading.problem = f"{age} doesn't look like an age. Please give it in years, for example 9."
        age = None
    offer("age", age, True)

    # Who acts: finished year 11, and can they decide for themselves.
    if asking in ("finished_year_11", "can_decide"):
        answer = yes_no_not_sure(lowered)
        if answer is None:
            reading.problem = "Sorry, I didn't catch that. Please say yes, no or not sure."
        else:
            offer(asking, answer, True)
            merged = {**facts, **reading.updates}
            if asking == "can_decide" or not over_school_age(merged):
                message = acting(merged, today).message
                if message:
                    reading.notes.append(message)

    # Dates: the decision letter, and a mediation certificate if there is one. A date is
    # taken only from a date expression (bot.dialogue.dates), and unasked only when the
    # message says what it is the date of ("dated 3 March", "the letter came on ...").
    found = read_date(text, today)
    date = found.date if found is not None else None
    # "I'd like a mediation certificate, the letter was dated 16 November": the letter's date,
    # not a certificate's (the person has none yet).
    about_certificate = (
        "certificate" in lowered
        and not _ASKS_FOR_CERTIFICATE.search(lowered)
        and not (_LETTER_DATED.search(lowered) and not _CERTIFICATE_DATED.search(lowered))
    )
    asked_for_date = asking in ("decision_date", "certificate_date")
    said_what_date = bool(_DATE_OF.search(lowered))
    if found is not None and not (asked_for_date or said_what_date or (asking == "confirmed" and correcting)):
        found = date = None  # a date said in passing, to another question: not taken
    if found is not None and found.future:
        reading.problem = (
            f"{format_long(found.date)} is after today ({format_long(today)}). Please check the date on the letter."
        )
        date = None
    elif found is not None and found.ambiguous:
        reading.notes.append(f"{format_reading(found)}. If that's not right, please say the date with the year.")
    letter_not_certificate = not about_certificate and bool(re.search(r"\b(letter|decision)\b", lowered))
    if asking == "certificate_date" and date is not None and letter_not_certificate:
        offer("decision_date", date, True)  # "no, the letter was dated ...": the letter's date, corrected
    elif asking == "certificate_date":
        if date is None and _NO.search(lowered):
            offer("certificate_date", NO_CERTIFICATE, True)
        elif date is None and reading.problem is None:
            reading.problem = _no_date_problem(lowered, "certificate")
        elif date is not None:
            decision = facts.get("decision_date")
            if isinstance(decision, dt.date) and date < decision:
                reading.problem = (
                    f"A certificate comes after the decision letter ({format_long(decision)}), "
                    f"but {format_long(date)} is before it. Please check the date on the certificate."
                )
            else:
                offer("certificate_date", date, True)
    elif date is not None and about_certificate:
        offer("certificate_date", date, True)
    elif date is not None:
        offer("decision_date", date, True)
    elif asking == "decision_date" and reading.problem is None:
        reading.problem = _no_date_problem(lowered, "letter")

    # "No, I don't have a certificate yet" at the read-back: the correction is the answer.
    if asking == "confirmed" and date is None and "certificate" in lowered and _NO_CERTIFICATE.search(lowered):
        offer("certificate_date", NO_CERTIFICATE, True)

    # The read-back: yes, or no (with or without the right answer).
    if asking == "confirmed":
        if reading.updates:
            reading.problem = None  # a correction given with the "no": read back again
        elif _YES.search(lowered):
            reading.confirmed = True
        elif _NO.search(lowered) or correcting:
            reading.confirmed = False
        reading.problem = None

    # Only the answer to the question asked can be a problem, and not when the message
    # corrected something else (the question is simply asked again).
    if reading.problem and reading.updates:
        reading.problem = None
    return reading


# Words that say a date is the letter's, the certificate's or the day it happened.
_DATE_OF = re.compile(
    r"\b(dated|date (on|of)|letter|decision|certificate|plan|happened|sent|came|received|arrived|"
    r"got|had|issued|finali[sz]ed|refused|said no|wrote|written|told us|heard)\b"
)
_AGE_WORDS = re.compile(r"\b(turned|turns|aged?|years? old|yrs? old|year old|birthday|is \d{1,2}\b)")
_MONTH_ONLY = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"last (week|month)|this month)\b"
)


def _no_date_problem(lowered: str, of: str) -> str:
    """Why no date was taken: an age is not a date, and a month alone names no day."""
    if _AGE_WORDS.search(lowered):
        return f"That sounds like an age rather than a date. What date is on the {of}? For example 3 March 2026."
    if _MONTH_ONLY.search(lowered):
        return f"I need the day as well. What is the full date on the {of}? For example 3 March 2026."
    return f"Sorry, I couldn't read a date in that. What date is on the {of}? For example 3 March 2026."


RETRY_ABOUT = (
    "Sorry, I couldn't tell which kind of disagreement that is. Is it about a council decision on an "
    "EHC needs assessment or plan, support at school or college, health or social care, or disability "
    "discrimination?"
)


def yes_no_not_sure(lowered: str) -> Optional[str]:
    if _DONT_KNOW.search(lowered) or re.search(r"\b(maybe|possibly|it depends|kind of|sort of)\b", lowered):
        return NOT_SURE
    if _YES.search(lowered) or re.search(r"^\s*(he|she|they) (has|have|can|did|does)\b", lowered):
        return YES
    if _NO.search(lowered) or re.search(r"\b(can'?t|cannot|isn'?t|hasn'?t|not able|unable|lacks?)\b", lowered):
        return NO
    return None


def _council_in(text: str, asked: bool) -> Optional[str]:
    lowered = text.lower()
    if rules.nation_in(text) or _ELSEWHERE.search(lowered):
        return OUTSIDE_ENGLAND
    authority = (find_local_authority(text) if asked else None) or find_local_authority_in(text)
    return authority.name if authority else None


def facts_in_scope(facts: Dict[str, object]) -> Dict[str, object]:
    """The facts as the route checker takes them (stand-ins become 'not given')."""
    checked = dict(facts)
    if checked.get("local_authority") in (OUTSIDE_ENGLAND, UNKNOWN_COUNCIL):
        checked["local_authority"] = None
    if checked.get("certificate_date") == NO_CERTIFICATE:
        checked["certificate_date"] = None
    return checked


GOALS = {
    "certificate": "OK: the mediation certificate, not mediation. I still need a few details about the decision first.",
    "mediation": "OK: mediation, not just the certificate. I still need a few details about the decision first.",
}


class RouteCheckForm(FormSpec):
    """The route check for the one form engine (bot.dialogue.forms).

    ``situation`` / ``describes_situation``: the NLU model's reading of the message (see
    ``read_answer``); ``earlier``: (text, situation, describes) of the messages just before
    the form started, whose facts count too; ``goal``: "certificate" or "mediation" when
    the check was started to appeal or to ask for mediation (the person may switch).
    """

    facts_in_order = FACTS
    give_up = GIVE_UP_DATES

    def __init__(
        self,
        today: Optional[dt.date] = None,
        situation: Optional[dict] = None,
        describes_situation: bool = False,
        earlier: Optional[list] = None,
        goal: Optional[str] = None,
        intent: Optional[str] = None,
    ):
        self.today, self.situation, self.describes = today, situation, describes_situation
        self.earlier, self.goal, self.intent = earlier or [], goal, intent

    def questions_needed(self, facts: Dict[str, object]) -> List[str]:
        return questions_needed(facts)

    def read(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Reading:
        reading = read_answer(
            text, asking, facts, self.today, situation=self.situation, describes_situation=self.describes
        )
        if asking == "about" and self.intent in INTERRUPTIONS and looks_like_question(text):
            # "Wait, who runs the mediation meeting?" is a question, not what the disagreement
            # is about, whatever the situation classifier makes of it: answered, then asked again.
            reading.updates.pop("about", None)
            if not reading.updates:
                return Reading()
        if reading.updates.get("local_authority") == OUTSIDE_ENGLAND:
            # England's rules do not apply there: nothing else from this message is taken (brief section 8).
            for fact in ("decision_date", "certificate_date", "finished_year_11", "can_decide"):
                reading.updates.pop(fact, None)
        if asking is None:
            # Starting: what the person said just before counts too ("we got the plan on
            # 2 November" ... "can you work out my deadline?"), without being asked again.
            for earlier, situation, describes in self.earlier:
                before = read_answer(
                    earlier,
                    None,
                    {**facts, **reading.updates},
                    self.today,
                    situation=situation,
                    describes_situation=describes,
                )
                for fact, value in before.updates.items():
                    if value is not None and facts.get(fact) is None and fact not in reading.updates:
                        reading.updates[fact] = value
        return reading

    def ends_with(self, facts: Dict[str, object]) -> Optional[str]:
        """Outside England, wherever it comes up: no route check continues, no certificate (brief section 8)."""
        if facts.get("local_authority") == OUTSIDE_ENGLAND:
            return rules.outside_england_message(facts.get("nation") if facts.get("nation") in rules.NATIONS else None)
        return None

    def change_of_mind(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Optional[Reading]:
        if self.goal is None:
            return None
        lowered = " ".join(text.lower().split())
        wanted = wants(lowered)
        if (
            wanted
            and wanted != self.goal
            and (CHANGED_MIND.search(lowered) or asking == "confirmed" or len(lowered.split()) <= 12)
        ):
            return Reading(updates={"goal": wanted}, notes=[GOALS[wanted]])
        return None
