"""What the assistant says in the route check, around the readings of bot.redress.conversation:
each question, the read-back's buttons, and what is said when the check cannot go on.
One place for these words (actions/route_check.py says them). Plain Python.
"""

from __future__ import annotations

from typing import Dict, List

GIVE_UP = (
    "Sorry, I'm having trouble with that, and I don't want to guess your dates. "
    "A person from our team can check them with you: just say 'talk to a person'."
)
DATES_AFTER_THIS = "I'll work out your dates as soon as I have the details. Just this first:"
DID_NOT_CATCH = "Sorry, I didn't catch that."

ASK_ROLE = (
    "I can check which routes are open to you and the dates that apply. First: are you a parent or "
    "carer, the young person, or a professional?"
)
ROLE_BUTTONS: List[Dict[str, str]] = [
    {"title": "Parent or carer", "payload": "I'm a parent or carer"},
    {"title": "Young person", "payload": "I'm the young person"},
    {"title": "Professional", "payload": "I'm a professional"},
]
ASK_ABOUT = (
    "In a sentence, what is the disagreement about? For example: the council won't assess, what the "
    "EHC plan says, the school named in the plan, support at school, health or social care, or "
    "disability discrimination."
)
ASK_COUNCIL = "Which council is it? For example Kent, Surrey or West Sussex."
# How old: by who is asking (the role fact), else the general question.
ASK_AGE = {"young_person": "How old are you?", "parent": "How old is your child?"}
ASK_AGE_OTHERWISE = "How old is the child or young person?"
ASK_WHEN_IT_HAPPENED = (
    "When did it happen? If it went on over time, when was the last time? For example 3 March 2026, or 3/3/26."
)
ASK_DECISION_DATE = "What date is on the council's decision letter? For example 3 March 2026, or 3/3/26."
ASK_CERTIFICATE_DATE = "Do you already have a mediation certificate for this decision? If you do, what date is on it?"
NO_CERTIFICATE_BUTTON = {"title": "No certificate yet", "payload": "No, no certificate yet"}
WHAT_NEEDS_CHANGING = (
    "What needs changing? You can also just tell me the right answer, for example 'the letter was dated 5 March'."
)
IS_THAT_RIGHT = " Is that right?"
CONFIRM_BUTTONS: List[Dict[str, str]] = [
    {"title": "Yes, that's right", "payload": "yes that's right"},
    {"title": "No, change something", "payload": "no, that's wrong"},
]
COULD_NOT_FINISH = (
    "I couldn't finish the check. A person from our team can go through it with you: just say 'talk to a person'."
)
ASK_ABOUT_ANY = "Ask me about any of these, or say 'talk to a person'."
# After the front door's routes.
OFFER_TO_CHECK_DATES = "I can also work out your dates: just say 'check my dates'."


def problem_then_start_again(problem: object) -> str:
    return f"{problem} Say 'check my routes' to start again, or 'talk to a person'."


# Who acts (brief, "Who the service is for"): asked of a parent when the child is 16 or more.
ASK_FINISHED_YEAR_11 = (
    "Has your child finished year 11? (That is, has the last Friday in June of the school year "
    "in which they turned 16 gone by?)"
)
ASK_CAN_DECIDE = (
    "Can they make this decision themselves, about mediation and an appeal? (If they lack the mental "
    "capacity to decide, you can act for them.)"
)
YES_NO_NOT_SURE = (
    {"title": "Yes", "payload": "yes"},
    {"title": "No", "payload": "no"},
    {"title": "Not sure", "payload": "not sure"},
)
# School exclusions (brief section 7): the date both limits count from.
ASK_EXCLUSION_DATE = (
    "What date was the exclusion decision? If the governing board has already considered it, "
    "give the date you were told the board's decision. For example 3 November 2026."
)
