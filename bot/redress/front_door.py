"""The single front door: from what the disagreement is about to the routes that fit.

``classify_disagreement`` turns the person's own words (or a button) into one of
``bot.redress.ABOUT_VALUES``; ``route_messages`` asks ``bot.redress.check_routes``
which routes are open and says so in a few short messages, each with its source.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from bot.redress import Situation, check_routes, rules
from bot.redress.checker import APPEAL_SUBJECTS

# The question's buttons: (title, the text a button sends). The texts are
# classified like typed answers, so no extra intent is needed.
CHOICES: Tuple[Tuple[str, str], ...] = (
    ("The council won't assess", "The council refused to do an EHC needs assessment"),
    ("What the EHC plan says", "I disagree with what the EHC plan says"),
    ("The school named in the plan", "I disagree with the school named in the plan"),
    ("Support at school or college", "The school or college is not giving the right support"),
    ("Health or social care", "It is about health or social care"),
    ("Disability discrimination", "Unfair treatment because of disability"),
)

QUESTION = (
    "I can help you work out which route fits. In a sentence, what is the disagreement "
    "about? For example: the council won't assess, what the EHC plan says, the school "
    "named in the plan, support at school, health or social care, or disability discrimination."
)
RETRY = (
    "Sorry, I couldn't tell which kind of disagreement that is. Is it about a council "
    "decision on an EHC needs assessment or plan, support at school or college, health or "
    "social care, or disability discrimination?"
)

# Checked in order: the first rule that matches wins, so the specific ones come first.
_RULES: Sequence[Tuple[str, str]] = (
    ("disability_discrimination", r"discriminat|equality act"),
    ("school_exclusion", r"\bexclu(de|ded|ding|sion|sions)\b|\bsuspen(ded|sion|sions)\b|\bexpell?ed\b"),
    (
        "no_decision_yet",
        r"\b(still|been) waiting\b|\bno decision\b|\bnot (yet )?decided\b|\bhasn'?t decided\b"
        r"|\b(weeks|months) late\b|\bstill no (plan|ehcp|decision|final plan)\b|\bmissed the deadline",
    ),
    (
        "disability_discrimination",
        r"discriminat|because of (his|her|their|my) disabilit|equality act|unfair(ly)? treat",
    ),
    ("refusal_to_reassess", r"re-?assess"),
    (
        "refusal_to_assess",
        r"(refus|won'?t|will not|wont|not going to|turned down|declin|reject|said no|say no|saying no)"
        r"\w*.{0,40}\bassess"
        r"|\bassess\w*.{0,40}(refus|turned down|declin|reject)",
    ),
    (
        "refusal_to_issue_plan",
        r"(refus|won'?t|wont|will not|not going to|declin|said no)\w*.{0,30}\b(issue|give|make|write)\b.{0,20}plan"
        r"|no plan after",
    ),
    (
        "cease_to_maintain",
        r"\b(ceas\w*|stop\w*|end\w*|scrap\w*|finish\w*|take away|taking away|remov\w*)\b.{0,30}\b(plan|ehcp|ehc)\b"
        r"|\b(plan|ehcp)\b.{0,20}\b(ceas\w*|stop\w*|end\w*)\b",
    ),
    (
        "refusal_to_amend",
        r"(won'?t|wont|refus\w*|not)\b.{0,20}\b(amend|change|update)\b.{0,30}\b(plan|ehcp)\b|annual review",
    ),
    (
        "plan_placement_only",
        r"section i\b|part i\b|\bnamed (school|college|setting)|(school|college|setting) (named|they named)"
        r"|placement|which school|type of school|special school|no school (is )?named",
    ),
    (
        "health_social_care",
        r"\bhealth\b|\bnhs\b|\bicb\b|\bccg\b|social care|social worker|camhs|respite|short break|\bsection [cdgh]",
    ),
    (
        "plan_content",
        r"\b(ehcp|ehc plan|the plan|my plan|his plan|her plan|their plan|section [bf]|part [bf]"
        r"|draft plan|final plan)\b",
    ),
    (
        "school_sen_provision",
        r"\b(school|college|nursery|senco|sendco|teacher|academy|classroom|teaching assistant"
        r"|sen support|support at)\b",
    ),
    ("duties_not_carried_out", r"\b(council|la|local authority|caseworker)\b|delay|deadline|not doing|duty|duties"),
)
_COMPILED = tuple((about, re.compile(pattern)) for about, pattern in _RULES)
# Who is writing is not what it is about: "I'm a social worker, mum disagrees with section F"
# is about section F (appealable), not social care.
_WHO_IS_WRITING = re.compile(
    r"\b(i'?m|i am|as|im)\s+(a|an|the|her|his|their)?\s*(social worker|teacher|senco|sendco|"
    r"teaching assistant|health visitor|nurse|therapist|advocate|support worker|key worker)\b"
)
_SECTIONS = re.compile(r"\b(?:section|part)s?\s+([a-i](?:\s*(?:,|and|&)\s*[a-i])*)\b")
_DURING_ASSESSMENT = re.compile(r"assess|being drawn up|draft|review")

_SUBJECTS = dict(
    APPEAL_SUBJECTS,
    **{
        "plan_health_social_care_only": "the health or social care parts of an EHC plan",
        "health_social_care_during_assessment": "health or social care during an EHC needs assessment or plan",
        "school_sen_provision": "the support a school, college or nursery gives",
        "duties_not_carried_out": "how the council or a school is carrying out its duties",
        "disability_discrimination": "unfair treatment because of disability",
        "no_decision_yet": "the council not having decided yet, or being late",
        "school_exclusion": "an exclusion from school",
    },
)

ROUTE_NAMES = {
    "mediation": "mediation",
    "disagreement_resolution": "disagreement resolution",
    "tribunal_appeal": "an appeal to the SEND Tribunal",
    "tribunal_recommendations": "tribunal recommendations on health and social care",
    "complaint": "a complaint",
    "ombudsman": "an ombudsman",
    "disability_discrimination_claim": "a disability discrimination claim",
    "exclusion_review": "the governing board's review and the independent review panel",
}
# How many routes to explain in full; the rest are named in one line, so the
# answer stays short enough to be spoken on a phone.
ROUTES_IN_FULL = 3


def classify_disagreement(text: Optional[str]) -> Optional[str]:
    """Which ``bot.redress`` disagreement the words describe, or None if unclear."""
    if not text:
        return None
    folded = " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split())
    folded = _WHO_IS_WRITING.sub(" ", folded)
    if not re.search(r"exclu|suspen|discriminat", folded):
        sections = [letter for group in _SECTIONS.findall(folded) for letter in re.findall(r"[a-i]", group)]
        by_sections = rules.about_for_sections(sections)
        if by_sections is not None:
            return by_sections
    for about, pattern in _COMPILED:
        if pattern.search(folded):
            if about == "health_social_care":
                return (
                    "health_social_care_during_assessment"
                    if _DURING_ASSESSMENT.search(folded)
                    else "plan_health_social_care_only"
                )
            return about
    return None


def describe(about: str) -> str:
    return _SUBJECTS[about]


def route_messages(about: str, local_authority: Optional[str] = None) -> List[str]:
    """Short messages: what it is about, the next step, the routes that fit (with sources)."""
    check = check_routes(Situation(role="parent", about=about, local_authority=local_authority))
    available = [route for route in check.routes if route.available]
    messages = [f"From what you've said, this is about {describe(about)}.", check.messages[0]]
    messages += [f"{route.reason} (Source: {route.source})" for route in available[:ROUTES_IN_FULL]]
    others = [ROUTE_NAMES[route.id] for route in available[ROUTES_IN_FULL:]]
    if others:
        messages.append(f"You can also use {_join(others)}. Ask me about any of these, or say 'talk to a person'.")
    return messages


def _join(items: List[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
