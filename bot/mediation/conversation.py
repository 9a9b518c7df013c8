"""Mediation advice as a conversation: after the information, the person's choice, then
either the certificate (not pursuing) or the mediation request (pursuing).

Plain Python, shared by the chat form (actions/mediation_advice.py) and so by the phone
line and SMS. It decides which question comes next, reads each answer generously,
reads the details back before anything is issued or sent, and lets any answer be
corrected ("change my name", "no, his name is Sam Jones").

The answers ("advice facts") are: choice ("pursue" | "not_pursuing"), requester_name,
child_name, issues, health_care (bool), icbs (list of names; [] when not known),
contact_preference (phone | email | text | post), contact_details, availability.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional

from bot.dialogue.answers import CHANGE, CHANGED_MIND, CONFIRM_NO, CONFIRM_YES, Reading, wants
from bot.dialogue.dates import read_date
from bot.dialogue.forms import FormSpec, looks_like_question
from bot.nlp.patterns import find_local_authority
from bot.redress.conversation import ABOUT_NAMES, read_answer
from bot.redress.dates import format_long

PURSUE = "pursue"
NOT_PURSUING = "not_pursuing"
NOT_KNOWN = "not known"
# "Not sure" to "is health care part of it?" is its own answer: the council is asked to tell
# the ICB, so the health side is checked (brief: the LA tells each relevant ICB within 3
# working days where the issues include health care; SEND Regs 2014 reg 32-33).
HEALTH_NOT_SURE = "not_sure"
HEALTH_NOT_SURE_NOTE = (
    "That's fine. As you're not sure, I'll ask the council to treat health care as part of it, "
    "so it tells the NHS integrated care board (ICB) within 3 working days and the health side "
    "is checked, not missed. (Source: SEND Regulations 2014, regulation 32)"
)

FACT_LABELS = {
    "choice": "whether you want mediation",
    "requester_name": "your name",
    "child_name": "the child's name",
    "issues": "what mediation is about",
    "health_care": "whether health care is involved",
    "icbs": "the health board",
    "contact_preference": "how to contact you",
    "contact_details": "your contact details",
    "availability": "when you are free",
}
_CHANGE_TARGETS = (
    ("child_name", r"child|son|daughter|young person'?s name|their name|his name|her name"),
    ("requester_name", r"my name|your name|name"),
    ("issues", r"issues|what (it'?s|it is|mediation is) about|reason"),
    ("icbs", r"health board|icb|board"),
    ("health_care", r"health"),
    ("contact_details", r"number|email|address|details"),
    ("contact_preference", r"contact|how"),
    ("availability", r"availab|when|times?|days?"),
    ("choice", r"choice|mediation|mind"),
)
_DONT_KNOW = re.compile(r"\b(don'?t know|dont know|not sure|no idea|unsure|can'?t remember|dunno)\b")
# The choice. "No" to "would you like to try mediation?" is not pursuing; so is asking
# straight for the certificate. Negations are read before the wishes they negate.
_NOT_PURSUING = re.compile(
    r"^\s*(no|nope|nah)\b|\b(don'?t|do not|dont|won'?t|not|rather not|no)\b[^.]*\b(mediat|meeting|pursue)"
    r"|\b(just|only|straight)\b[^.]*\b(certificate|appeal|tribunal)\b|\bskip\b|\bdecline\b|\bnot pursu"
    r"|\b(issue|give|send|get)\b[^.]*\bcertificate\b"
)
_PURSUE = re.compile(
    r"^\s*(yes|yeah|yep|ok|okay|sure|please)\b|\b(try|like|want|have|go ahead with|pursue|happy to"
    r"|willing to|arrange|set up|book)\b[^.]*\bmediat"
)
_NAME_LEAD = re.compile(
    r"^\s*(?:(?:yes|ok|okay|sure|hi|hello)[,.! ]+)?"
    r"(my full name is|my name is|my name'?s|i am|i'?m|it is|it'?s|this is|call me|name is|the name is|"
    r"(he|she|they)( is|'s|'re| are)? called|(his|her|their) name is|(his|her|their) name'?s|"
    r"(my )?(son|daughter|child|kid)( is|'s)? called|(my )?(son|daughter|child)( is|'s)|called)\s+",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_][^\W\d_'’.\-]*)*\.?$")
_PHONE = re.compile(
    r"(?<![\d+])(?:\+44\s?7\d{3}|07\d{3}|\+44\s?[1-3]\d{2,4}|0[1-3]\d{2,4})[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)"
)
_EMAIL = re.compile(r"\b[\w.+'-]+@[\w-]+(\.[\w-]+)+\b")
_PREFERENCES = (
    ("email", r"\be-?mail\b"),
    ("text", r"\b(text|sms|message)\b"),
    ("post", r"\b(post|letter|write|writing|mail)\b"),
    ("phone", r"\b(phone|call|ring|telephone|mobile)\b"),
)
MAX_NAME_WORDS = 6
MIN_FREE_TEXT_WORDS = 2


# --- which question comes next -----------------------------------------------------------


def questions_needed(facts: Dict[str, object], role: Optional[str]) -> List[str]:
    """The answers this choice needs, in the order they are asked (then the read-back)."""
    needed = ["choice"]
    choice = facts.get("choice")
    child = [] if role == "young_person" else ["child_name"]
    if choice == NOT_PURSUING:
        needed += ["requester_name", *child]
    elif choice == PURSUE:
        needed += ["issues", "health_care"]
        if health_care_in_issue(facts):
            needed.append("icbs")
        needed += ["requester_name", *child, "contact_preference"]
        if facts.get("contact_preference") in ("phone", "text", "email"):
            needed.append("contact_details")
        needed.append("availability")
    return needed


def next_question(facts: Dict[str, object], role: Optional[str]) -> Optional[str]:
    return next((fact for fact in questions_needed(facts, role) if facts.get(fact) is None), None)


def question(
    fact: str, facts: Dict[str, object], role: Optional[str], local_authority: str, theirs: bool = False
) -> Dict[str, object]:
    """The question for one answer: {"text": ..., "buttons": [...]}. ``theirs``: a parent asking
    for a young person over compulsory school age who can decide, so the certificate is in the
    young person's name (bot.redress.rules.who_acts)."""
    young = role == "young_person"
    child = "your" if young else "your child's"
    if theirs and not young and facts.get("choice") == NOT_PURSUING:
        if fact == "requester_name":
            return {
                "text": "What is your full name? The certificate itself will be in your child's name, "
                "because the right to appeal is theirs."
            }
        if fact == "child_name":
            return {
                "text": "What is your child's full name, as it is on the council's letter? It goes on the "
                "certificate, which the tribunal will see."
            }
    if fact == "choice":
        return {
            "text": "Would you like to try mediation with the council? It is your choice, and either way you "
            "keep your right to appeal.",
            "buttons": [
                {"title": "Yes, I'd like mediation", "payload": "yes, I'd like to try mediation"},
                {
                    "title": "No, just my certificate",
                    "payload": "no, I don't want mediation, please issue my certificate",
                },
            ],
        }
    if fact == "requester_name":
        return {
            "text": "What is your full name? It goes on the "
            + (
                "certificate, which the tribunal will see."
                if facts.get("choice") == NOT_PURSUING
                else f"request, so {local_authority} council can find your case."
            )
        }
    if fact == "child_name":
        return {"text": f"What is {child} full name, as it is on the council's letter?"}
    if fact == "issues":
        return {
            "text": "In a sentence or two, what do you want mediation to be about? For example: 'the support in "
            "section F is not enough' or 'the council refused to assess'."
        }
    if fact == "health_care":
        return {
            "text": "Is any of it about health care, such as therapy or nursing paid for by the NHS?",
            "buttons": [
                {"title": "Yes", "payload": "yes, health care is involved"},
                {"title": "No", "payload": "no, not health care"},
                {"title": "Not sure", "payload": "not sure about health care"},
            ],
        }
    if fact == "icbs":
        return {
            "text": "Which NHS integrated care board (ICB) is involved, if you know? If you don't, say 'don't "
            "know': the council will work it out.",
            "buttons": [{"title": "Don't know", "payload": "I don't know the ICB"}],
        }
    if fact == "contact_preference":
        return {
            "text": f"How would you like {local_authority} council to contact you to arrange the meeting?",
            "buttons": [
                {"title": "Phone call", "payload": "by phone"},
                {"title": "Text", "payload": "by text"},
                {"title": "Email", "payload": "by email"},
                {"title": "Letter", "payload": "by letter to the address they have"},
            ],
        }
    if fact == "contact_details":
        what = "email address" if facts.get("contact_preference") == "email" else "phone number"
        return {"text": f"What {what} should the council use?"}
    if fact == "availability":
        return {
            "text": "When are you usually free for a meeting? For example 'weekday mornings' or 'any day but Friday'."
        }
    raise KeyError(fact)


# --- reading answers ---------------------------------------------------------------------


def read_choice(text: str) -> Optional[str]:
    lowered = _clean(text)
    if _NOT_PURSUING.search(lowered):
        return NOT_PURSUING
    if _PURSUE.search(lowered):
        return PURSUE
    return None


def read_name(text: str) -> Optional[str]:
    """A person's name from an answer ("my name is jo smith" -> "Jo Smith"); None if it isn't one."""
    cleaned = " ".join((text or "").replace("’", "'").split()).strip(" .,!")
    cleaned = _NAME_LEAD.sub("", cleaned).strip(" .,!")
    if not cleaned or len(cleaned) > 80 or len(cleaned.split()) > MAX_NAME_WORDS or not _NAME.match(cleaned):
        return None
    words = set(re.findall(r"[a-z]+", cleaned.lower()))
    if words & NOT_NAME_WORDS or cleaned.lower() in NOT_NAMES:
        return None
    council = find_local_authority(cleaned)
    if council is not None and council.name.lower() == cleaned.lower().replace(" council", "").strip():
        return None  # a council, not a person
    if read_date(cleaned, dt.date.today()) is not None:
        return None
    # Keep the person's own capitals ("McDonald", "de Souza"); capitalise all-lower or all-upper.
    if cleaned.islower() or cleaned.isupper():
        cleaned = " ".join("-".join(part.capitalize() for part in word.split("-")) for word in cleaned.split())
    return cleaned


def read_phone(text: str) -> Optional[str]:
    match = _PHONE.search(text or "")
    return " ".join(match.group(0).split()) if match else None


def read_email(text: str) -> Optional[str]:
    match = _EMAIL.search(text or "")
    return match.group(0) if match else None


def read_preference(text: str) -> Optional[str]:
    lowered = _clean(text)
    for preference, pattern in _PREFERENCES:
        if re.search(pattern, lowered):
            return preference
    return None


def read_contact_details(text: str, preference: Optional[str]) -> Optional[str]:
    """The email address or phone number the chosen way of contact needs."""
    return read_email(text) if preference == "email" else read_phone(text)


def contact_details_problem(preference: Optional[str]) -> str:
    return (
        "Sorry, that doesn't look like an email address, for example name@example.com."
        if preference == "email"
        else "Sorry, that doesn't look like a UK phone number, for example 07700 900123."
    )


# Words no name is made of: a way to contact, a yes or no, "not sure", what the forms are about.
NOT_NAME_WORDS = frozenset(
    {
        "phone",
        "telephone",
        "mobile",
        "call",
        "ring",
        "email",
        "mail",
        "text",
        "sms",
        "post",
        "letter",
        "by",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "nah",
        "ok",
        "okay",
        "sure",
        "not",
        "unsure",
        "dunno",
        "know",
        "idea",
        "maybe",
        "hello",
        "hi",
        "bye",
        "goodbye",
        "cheers",
        "person",
        "someone",
        "talk",
        "speak",
        "thanks",
        "thank",
        "please",
        "none",
        "nothing",
        "mediation",
        "certificate",
        "council",
        "school",
        "college",
        "appeal",
        "tribunal",
        "stop",
        "cancel",
        "help",
        "what",
        "why",
        "how",
        "dont",
        "i",
        "my",
        "is",
        "it",
        "the",
        "and",
        "to",
        "of",
        "for",
        "me",
        "you",
        "want",
        "weekday",
        "weekdays",
        "mornings",
        "afternoons",
        "any",
        "anytime",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "tomorrow",
        "yesterday",
    }
)
NOT_NAMES = frozenset({"n/a", "na", "idk"})
NAME_PROBLEM = "Sorry, I couldn't read that as a name. Please give the full name, for example 'Sam Jones'."


def not_a_name(text: str) -> Optional[str]:
    """Why a short answer to "what is the name?" is plainly something else (a way to contact,
    yes or no, "not sure", a council, a date), or None."""
    lowered = _clean(text).strip(" .,!")
    if not lowered or len(lowered.split()) > 5:
        return None
    if read_preference(lowered) and not _NAME_LEAD.match(lowered):
        return (
            "That sounds like how to contact you: I'll ask about that later. First, what is the full name? "
            "For example 'Sam Jones'."
        )
    if (CONFIRM_YES.search(lowered) or CONFIRM_NO.search(lowered) or _DONT_KNOW.search(lowered)) and read_name(
        text
    ) is None:
        return NAME_PROBLEM
    council = find_local_authority(lowered)
    if council is not None and read_name(text) is None:
        return f"{council.name} is a council. What is the person's full name? For example 'Sam Jones'."
    if read_date(lowered, dt.date.today()) is not None:
        return "That looks like a date. What is the full name? For example 'Sam Jones'."
    return None


def name_problem(text: str) -> str:
    """Why an answer to "what is the name?" is not a name, in the person's terms."""
    return not_a_name(text) or NAME_PROBLEM


def take(reading: Reading, fact: str, value: object, problem: str) -> None:
    """Keep an answer, or say what was wrong with it."""
    if value is None:
        reading.problem = problem
    else:
        reading.updates[fact] = value


def read_yes_no(text: str) -> Optional[bool]:
    lowered = _clean(text)
    if CONFIRM_NO.search(lowered) or re.search(r"\bnot\b", lowered):
        return False
    if CONFIRM_YES.search(lowered):
        return True
    return None


def read_health_care(text: str) -> object:
    """True, False, HEALTH_NOT_SURE, or None when the answer is none of them."""
    lowered = _clean(text)
    if _DONT_KNOW.search(lowered) or re.search(r"\b(maybe|possibly|might be|perhaps|could be|not certain)\b", lowered):
        return HEALTH_NOT_SURE
    answer = read_yes_no(text)
    if answer is None and re.search(r"\b(therap|nhs|nurs|health|medical|salt|ot\b|physio)", lowered):
        answer = True
    return answer


def health_care_in_issue(facts: Dict[str, object]) -> bool:
    """Whether the council is to tell the ICB: yes, or not sure."""
    return facts.get("health_care") in (True, HEALTH_NOT_SURE)


def read_advice_answer(text: Optional[str], asking: Optional[str], facts: Dict[str, object]) -> Reading:
    """Read one message in the mediation-advice conversation.

    ``asking`` is the answer just asked for ("confirmed" for the read-back). Contact
    details said in passing ("text me on 07700 900123") are taken too.
    """
    reading = Reading()
    if not text or not text.strip():
        return reading
    lowered = _clean(text)
    change = CHANGE.match(lowered)
    if change:
        for fact, pattern in _CHANGE_TARGETS:
            if re.search(pattern, change.group("what")) and fact in facts:
                reading.updates[fact] = None
                if fact == "contact_preference":
                    reading.updates["contact_details"] = None
                if fact == "choice":
                    reading.updates.update({name: None for name in FACT_LABELS})
                reading.notes.append(f"OK, let's change {FACT_LABELS[fact]}.")
                return reading

    if asking == "choice":
        take(
            reading,
            "choice",
            read_choice(text),
            "Sorry, I didn't catch that. Would you like to try mediation, or not? Either answer is fine.",
        )
    elif asking in ("requester_name", "child_name"):
        take(reading, asking, read_name(text), name_problem(text))
        reading.answered = not_a_name(text) is not None
    elif asking in ("issues", "availability"):
        if len(text.split()) < MIN_FREE_TEXT_WORDS and not re.search(r"\b(any|anytime|weekdays?|weekends?)\b", lowered):
            reading.problem = "Please say a little more, in a few words."
        else:
            reading.updates[asking] = " ".join(text.split())[:2000]
    elif asking == "health_care":
        answer = read_health_care(text)
        if answer is None:
            reading.problem = "Sorry, I didn't catch that. Is any of it about health care: yes, no or not sure?"
        else:
            reading.updates["health_care"] = answer
            if answer == HEALTH_NOT_SURE:
                reading.notes.append(HEALTH_NOT_SURE_NOTE)
    elif asking == "icbs":
        if _DONT_KNOW.search(lowered) or lowered in ("no", "none", "nope"):
            reading.updates["icbs"] = []
        else:
            reading.updates["icbs"] = [" ".join(text.split())[:200]]
    elif asking == "contact_preference":
        take(
            reading,
            "contact_preference",
            read_preference(text),
            "Sorry, I didn't catch that. Phone, text, email or letter?",
        )
    elif asking == "contact_details":
        preference = facts.get("contact_preference")
        take(reading, "contact_details", read_contact_details(text, preference), contact_details_problem(preference))
    elif asking == "confirmed":
        corrected = _correction(text, facts)
        if corrected:
            reading.updates.update(corrected)
            reading.notes.append("Thanks, I've changed that.")
        elif CONFIRM_YES.search(lowered):
            reading.confirmed = True
        elif CONFIRM_NO.search(lowered):
            reading.confirmed = False
    return reading


def _correction(text: str, facts: Dict[str, object]) -> Dict[str, object]:
    """'no, his name is Sam Jones' / 'my name is Jo Bloggs' / 'my number is ...' at the read-back."""
    lowered = _clean(text)
    body = re.sub(r"^\s*(no|nope|sorry|actually)[,.! ]+", "", text.strip(), flags=re.IGNORECASE)
    updates: Dict[str, object] = {}
    if re.search(
        r"\b(his|her|their|child'?s|son'?s|daughter'?s)\s+name\b|\b(he|she|they)('s| is| are)? called\b", lowered
    ):
        name = read_name(body)
        if name and "child_name" in facts:
            updates["child_name"] = name
    elif re.search(r"\bmy name\b|\bi'?m called\b", lowered):
        name = read_name(body)
        if name:
            updates["requester_name"] = name
    phone, email = read_phone(text), read_email(text)
    if phone and facts.get("contact_preference") in ("phone", "text"):
        updates["contact_details"] = phone
    if email and facts.get("contact_preference") == "email":
        updates["contact_details"] = email
    return {fact: value for fact, value in updates.items() if value != facts.get(fact)}


def is_not_an_answer(text: Optional[str], asking: Optional[str]) -> bool:
    """A question in the middle ("what is mediation?") is answered, then the question asked again."""
    if asking == "icbs":
        return looks_like_question(text)
    if asking in ("issues", "availability"):
        return bool(text and text.strip().endswith("?"))
    return looks_like_question(text) and not read_choice(text or "")


def _clean(text: str) -> str:
    return " ".join((text or "").lower().replace("’", "'").split())


# --- reading back ------------------------------------------------------------------------


def read_back(
    facts: Dict[str, object], role: Optional[str], local_authority: str, about: str, decision_date: dt.date
) -> str:
    """The details repeated before a certificate is issued or a request is sent."""
    young = role == "young_person"
    lines = [f"Your name: {facts.get('requester_name')}."]
    if not young and facts.get("child_name"):
        lines.append(f"Your child's name: {facts['child_name']}.")
    lines.append(f"Council: {local_authority}.")
    lines.append(f"Decision: {ABOUT_NAMES.get(about, about)}, in the letter dated {format_long(decision_date)}.")
    if facts.get("choice") == NOT_PURSUING:
        head = "Before I issue your mediation certificate, please check these details."
        tail = "You have decided not to go to mediation. Is everything right?"
    else:
        head = f"Before I send your mediation request to {local_authority} council, please check these details."
        lines.append(f"Mediation about: {facts.get('issues')}.")
        icbs = f" ({', '.join(facts['icbs'])})" if facts.get("icbs") else ""
        health = {
            True: "yes" + icbs,
            HEALTH_NOT_SURE: "not sure, so the council will tell the ICB to check" + icbs,
        }.get(facts.get("health_care"), "no")  # type: ignore[arg-type]
        lines.append(f"Health care involved: {health}.")
        contact = {
            "phone": "by phone",
            "text": "by text",
            "email": "by email",
            "post": "by letter to the address the council has",
        }.get(str(facts.get("contact_preference")), "")
        if facts.get("contact_details"):
            contact += f" on {facts['contact_details']}"
        lines.append(f"Contact: {contact}.")
        lines.append(f"Free: {facts.get('availability')}.")
        tail = "Is everything right?"
    return " ".join([head, *lines, tail])


def correction_buttons(facts: Dict[str, object], role: Optional[str]) -> List[Dict[str, str]]:
    wanted = [fact for fact in questions_needed(facts, role) if fact != "choice"]
    buttons = [{"title": f"Change {FACT_LABELS[fact]}", "payload": f"change {FACT_LABELS[fact]}"} for fact in wanted]
    buttons.append({"title": "Change the council or date", "payload": "change the council or the date"})
    return buttons


# --- the form, for the one form engine (bot.dialogue.forms) -----------------------------

CHOICE_FACTS = {PURSUE: ("issues", "health_care", "icbs", "contact_preference", "contact_details", "availability")}
SWITCHED = "OK, you've changed your mind, that's fine."


class MediationAdviceForm(FormSpec):
    """Mediation advice for the one form engine. ``route``: the route check's facts (the
    council and the letter date can be corrected at the read-back); ``today`` for dates."""

    facts_in_order = tuple(FACT_LABELS)
    free_text = frozenset({"issues", "icbs", "availability"})

    def __init__(self, role: Optional[str], route: Optional[Dict[str, object]] = None, today: Optional[dt.date] = None):
        self.role, self.route, self.today = role, dict(route or {}), today

    def questions_needed(self, facts: Dict[str, object]) -> List[str]:
        return questions_needed(facts, self.role)

    def is_not_an_answer(self, text: str, asking: Optional[str]) -> bool:
        return is_not_an_answer(text, asking)

    def read(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Reading:
        reading = read_advice_answer(text, asking, facts)
        if asking == "confirmed" and not reading.updates and reading.confirmed is not True:
            # The council or the date, corrected at the read-back ("no, it was dated 5 March").
            route = read_answer(text, "confirmed", self.route, self.today)
            for fact in ("local_authority", "decision_date"):
                if route.updates.get(fact) is not None:
                    reading.updates[fact] = route.updates[fact]
            if reading.updates:
                reading.notes.append("Thanks, I've changed that.")
                reading.confirmed = None
            elif reading.confirmed is None and re.search(r"\b(council|date)\b", _clean(text)):
                reading.notes.append(
                    "Please tell me the right council or date, for example 'the council is Surrey' "
                    "or 'the letter was dated 3 March'."
                )
                reading.confirmed = False
        return reading

    def change_of_mind(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Optional[Reading]:
        """Mediation or the certificate, switched at any step after the choice."""
        choice = facts.get("choice")
        if asking in (None, "choice") or choice is None:
            return None
        lowered = _clean(text)
        wanted = {"certificate": NOT_PURSUING, "mediation": PURSUE}.get(wants(lowered) or "")
        if wanted is None or wanted == choice:
            return None
        if asking in ("issues", "availability") and not (CHANGED_MIND.search(lowered) or re.match(r"\s*no\b", lowered)):
            return None  # "we want mediation about ..." is what mediation is about, not a change of mind
        updates: Dict[str, object] = {"choice": wanted}
        for fact in CHOICE_FACTS[PURSUE]:
            if fact in facts:
                updates[fact] = None
        return Reading(updates=updates, notes=[SWITCHED])
