"""The route checker as a conversation: what to ask, how to read answers, what to say back.

Plain Python, shared by the chat form (actions/route_check.py) and the phone line.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional

from bot.knowledge.front_door import ROUTE_NAMES  # one wording of the routes for chat and phone
from bot.routes.dates import format_long
from bot.routes.situation import APPEALABLE_DECISIONS, RouteCheck, Situation

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
}

# Words people use for each kind of disagreement (typed or spoken). Checked in order:
# the more specific phrases come first.
ABOUT_PHRASES: List[tuple] = [
    ("disability_discrimination", r"discriminat|unfair(ly)? treat|exclu(ded|sion) because of (his|her|their) disab"),
    ("cease_to_maintain", r"cease|ceasing|stop(ping)? (the |my |his |her |their )?(ehc ?p?|plan)|end(ing)? (the )?plan|take away (the )?plan"),
    ("refusal_to_reassess", r"re-?assess"),
    ("refusal_to_assess", r"(refus|won'?t|will not|not|declin|turn(ed)? down).{0,30}assess|assessment (was )?(refused|declined|turned down)|no assessment"),
    ("refusal_to_issue_plan", r"(refus|won'?t|will not|not|declin).{0,30}(issue|give|make).{0,20}plan|no plan after|after (the )?assessment.{0,30}no plan"),
    ("refusal_to_amend", r"(refus|won'?t|will not|not).{0,30}(amend|change|update).{0,20}plan|annual review"),
    ("plan_placement_only", r"placement|section i\b|named school|school (they )?named|which school|school in the plan|wrong school|college named"),
    ("plan_health_social_care_only", r"section (c|d|g|h1|h2)\b|health (and|or) social care (part|section)s?"),
    ("plan_content", r"section (b|f)\b|content|what the plan says|provision in the plan|wording|therap|salt|speech and language|needs in the plan|support in the plan|draft plan|final plan"),
    ("health_social_care_during_assessment", r"health|social care|nhs|icb|camhs"),
    ("school_sen_provision", r"school.{0,30}(support|provision|help)|senco|sen support|nursery|college.{0,20}support"),
    ("duties_not_carried_out", r"not (doing|providing|delivering)|isn'?t (getting|receiving)|not getting|duty|duties|delay|late"),
]


def about_from_text(text: Optional[str]) -> Optional[str]:
    """The kind of disagreement a free-text answer describes, if it is clear."""
    if not text:
        return None
    lowered = text.lower().strip()
    if lowered in ABOUT_NAMES:
        return lowered
    for about, pattern in ABOUT_PHRASES:
        if re.search(pattern, lowered):
            return about
    return None


def role_from_text(text: Optional[str]) -> Optional[str]:
    if not text:
        return None
    lowered = text.lower()
    if lowered in ROLE_NAMES:
        return lowered
    if re.search(r"\b(young person|myself|for me|i'?m (the )?(student|pupil)|my own|about me|my plan)\b", lowered):
        return "young_person"
    if re.search(r"\b(professional|senco|teacher|social worker|advocate|school staff|work (at|for)|caseworker|health visitor)\b", lowered):
        return "professional"
    if re.search(r"\b(parent|carer|mum|mom|dad|mother|father|guardian|foster|grand(ma|pa|mother|father|parent)|my (son|daughter|child|kid|boy|girl))\b", lowered):
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
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
             "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
    lowered = str(text).lower()
    total = None
    for word, number in words.items():
        if re.search(rf"\b{word}\b", lowered):
            total = number if total is None else max(total, number)
    if total == 20:
        extra = re.search(r"\btwenty[\s-]+(one|two|three|four|five|six|seven|eight|nine)\b", lowered)
        if extra:
            total = 20 + words[extra.group(1)]
    return total


def needs_decision_date(about: Optional[str]) -> bool:
    """The deadlines count from the decision letter (or, for discrimination, the event)."""
    return about in APPEALABLE_DECISIONS or about == "disability_discrimination"


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
    if facts.get("local_authority"):
        parts.append(f"the council is {facts['local_authority']}")
    if facts.get("about"):
        parts.append(f"it is about: {ABOUT_NAMES.get(str(facts['about']), facts['about'])}")
    if isinstance(facts.get("decision_date"), dt.date):
        label = "it happened on" if facts.get("about") == "disability_discrimination" else "the decision letter is dated"
        parts.append(f"{label} {format_long(facts['decision_date'])}")
    if isinstance(facts.get("certificate_date"), dt.date):
        parts.append(f"the mediation certificate is dated {format_long(facts['certificate_date'])}")
    return "Let me check I have this right: " + "; ".join(parts) + "."


def summary_messages(result: RouteCheck) -> List[str]:
    """Short messages: the routes that fit, then the next steps with dates in full."""
    fitting = [ROUTE_NAMES[route.id] for route in result.routes if route.available]
    messages: List[str] = []
    if result.in_scope and fitting:
        messages.append("What fits your situation: " + _join(fitting) + ".")
    messages.extend(result.messages)
    if result.in_scope and result.mediation_advice_required:
        messages.append("Before an appeal you must contact the mediation adviser. You do not have to go to mediation. "
                        "(Source: Children and Families Act 2014 s.55; SEND Code of Practice 11.21)")
    elif result.in_scope and any(r.id == "tribunal_appeal" and r.available for r in result.routes):
        messages.append("You do not need a mediation certificate for this appeal, because it is only about the school "
                        "or college named in the plan. (Source: Children and Families Act 2014 s.55; SEND Code of Practice 11.21)")
    return messages


def situation_from_facts(facts: Dict[str, object], today: Optional[dt.date] = None) -> Situation:
    return Situation(
        role=str(facts.get("role") or "parent"),
        about=str(facts["about"]),
        age=facts.get("age") if isinstance(facts.get("age"), int) else None,
        local_authority=facts.get("local_authority") or None,
        decision_date=facts.get("decision_date") if isinstance(facts.get("decision_date"), dt.date) else None,
        certificate_date=facts.get("certificate_date") if isinstance(facts.get("certificate_date"), dt.date) else None,
        today=today or dt.date.today(),
    )


def _join(items: List[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
