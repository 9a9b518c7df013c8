"""What the assistant says when someone may be at risk (send-routes.md "Safeguarding").

Numbers first, then who is available, told honestly: a person "now" only when the line is
staffed; otherwise when the team will see the message. The words depend on the category
of the disclosure and on who is writing: a professional is told to follow their own
safeguarding procedure today (Working Together to Safeguard Children 2023).
"""

from __future__ import annotations

import re
from typing import List, Optional

from bot.safeguarding.words import ABUSE_OR_NEGLECT, CARER_BREAKING_POINT, DOMESTIC_ABUSE, RISK_TO_LIFE

EMERGENCY = "If you or anyone else is in immediate danger, call 999 now."
CHILDLINE = "Childline: call 0800 1111 if you are under 19."
SAMARITANS = "Samaritans: call 116 123, any time, day or night."
HELPLINES = f"You can talk to someone now. {CHILDLINE} {SAMARITANS}"
OVERDOSE = "Taking an overdose, or swallowing something harmful, is an emergency: call 999 now."
CARER_HELP = (
    "Please talk to someone today: call NHS 111 and choose the mental health option, call Samaritans "
    "on 116 123 any time, or speak to your GP. If you feel you might act on these feelings, call 999."
)

# Words by which professionals introduce themselves or the child they work with.
_ROLES = (
    r"(teacher|teaching assistant|ta|senco|sendco|social worker|school nurse|health visitor|youth worker|"
    r"support worker|family support worker|keyworker|key worker|learning support assistant|lsa|"
    r"head ?teacher|headteacher|dsl|designated safeguarding lead|practitioner|nursery worker|childminder|"
    r"tutor|pastoral lead|inclusion lead|speech (and language )?therapist|salt|occupational therapist|ot|"
    r"ed(ucational)? psych(ologist)?|gp|nurse|doctor|paediatrician|camhs worker|careers adviser|"
    r"careers advisor|early help worker|midwife|police officer|pcso|nursery manager|class teacher)"
)
# What may stand before a role: "a Year 5 teacher", "a primary school SENCo", "the
# reception class teacher", "a 1:1 teaching assistant". A fixed list, so that "I am a
# parent and his teacher says" is still a parent.
_ROLE_MODIFIER = (
    r"(year \d{1,2}|y\d{1,2}|reception|nursery|primary|secondary|junior|infant|special|specialist|"
    r"school|college|sixth form|early years|class|form|sen|send|senior|lead|deputy|assistant|"
    r"trainee|supply|qualified|community|paediatric|children's|family|1:1|one to one|"
    r"autism|asd|outreach|resource base|hospital|mental health|local|council)"
)
_MODIFIED_ROLE = rf"({_ROLE_MODIFIER} ){{0,3}}{_ROLES}"
_PROFESSIONAL = re.compile(
    r"\b(one of (our|my) (pupils|students|children|learners|kids|clients|young people|families)|our pupil|my pupil"
    r"|my student|my client|in my class|at (our|my) school"
    rf"|(i'?m|i am|as|work as|working as) (a|an|the|his|her|their) {_MODIFIED_ROLE}"
    # "Teacher here", "Year 5 teacher - ..." opening the message or a sentence.
    rf"|(^|[.!?]\s+)\W*{_MODIFIED_ROLE}(?= here\b|\s*[:,\-])"
    r"|a (pupil|student|learner) (of mine|with an ehc|told me|has told me|said to me|disclosed)"
    r"|(a|the) (family|families|mum|mother|dad|father|parent|child|young person) (i|we) "
    r"(support|work with|visit|visited|am visiting|are visiting|teach)"
    r"|visiting a family|on a home visit|disclosed to me)\b"
)


# "I'm 17", "im 16 and", "I am 19 years old": a young person writing about themselves. Not
# "I'm 20 minutes away" or "I'm 2 weeks in".
_YOUNG_PERSON_AGE = re.compile(
    r"\b(i'?m|i am|im)\s+(only\s+|just\s+|aged\s+)?(1[0-9]|2[0-5])\b(?!\s*(minutes?|mins?|hours?|hrs?|days?|weeks?|"
    r"months?|%|percent|pounds?|miles?|km|times?|st\b|lb))"
)


def writer_is_young_person(text: Optional[str], role: Optional[str] = None) -> bool:
    """True when the person writing is a young person (the role slot, or "I'm 17" in their own words)."""
    if role == "young_person":
        return True
    return role in (None, "") and bool(_YOUNG_PERSON_AGE.search((text or "").lower().replace("’", "'")))


def writer_is_professional(text: Optional[str], role: Optional[str] = None) -> bool:
    """True when the person writing works with the child (told by the role slot or their own words)."""
    return role == "professional" or bool(_PROFESSIONAL.search((text or "").lower().replace("’", "'")))


def front_door_message(local_authority: Optional[str] = None, phone: Optional[str] = None) -> str:
    """Where to report that a child is at risk: the council's children's social care."""
    where = f"{local_authority} council" if local_authority else "your local council"
    message = f"If a child is at risk of harm, contact children's social care at {where}."
    if phone:
        return f"{message} Their number is {phone}."
    return f"{message} Their number is on the council's website."


def availability_message(staffed_now: bool, next_open: str, meanwhile: Optional[str] = None) -> str:
    """Who is available, honestly. ``next_open``: 'tomorrow at 9am' (bot.handoff.hours.describe_next_open).
    ``meanwhile``: what to do until then (default: the numbers given above)."""
    if staffed_now:
        return (
            "A person from our team is on duty and has been told. They will join this conversation as soon as they can."
        )
    meanwhile = meanwhile or "Please use the numbers above if you need help before then."
    return f"Our team isn't working right now. They will see your message {next_open}. {meanwhile}"


def safeguarding_messages(
    category: str = RISK_TO_LIFE,
    professional: bool = False,
    local_authority: Optional[str] = None,
    front_door_phone: Optional[str] = None,
    staffed_now: bool = True,
    next_open: str = "when the line next opens",
    young_person: bool = False,
    overdose: bool = False,
) -> List[str]:
    """The messages that stop the flow, in order: care, numbers, then who is available.

    ``category``: one of bot.safeguarding.words.CATEGORIES. ``young_person``: the writer is a
    young person (never given the carer's reply: Childline and Samaritans instead).
    ``overdose``: someone has taken an overdose; 999 now comes first.
    """
    front_door = front_door_message(local_authority, front_door_phone)
    meanwhile = None
    if young_person and category == CARER_BREAKING_POINT:
        category = RISK_TO_LIFE
    if professional:
        where = f"{local_authority} council's" if local_authority else "the local"
        phone = f" ({front_door_phone})" if front_door_phone else ""
        messages = [
            "Thank you for telling me. This is a safeguarding concern.",
            "Please follow your organisation's safeguarding procedure today: tell your Designated Safeguarding "
            f"Lead, and contact children's social care ({where} front door{phone}). If the concern is about someone "
            "who works with children, the Local Authority Designated Officer (LADO) must be told too. In an "
            "emergency, call 999. (Source: Working Together to Safeguard Children 2023)",
        ]
        meanwhile = "Please follow your safeguarding procedure in the meantime; don't wait for us."
    elif category == CARER_BREAKING_POINT:
        messages = [
            "I'm sorry things are so hard right now. You matter too, and you don't have to cope alone.",
            CARER_HELP,
            front_door,
        ]
    elif category == ABUSE_OR_NEGLECT:
        messages = [
            "Thank you for telling me. What you've described matters, and a child's safety comes first.",
            EMERGENCY,
            front_door,
            HELPLINES,
        ]  # Samaritans too: a young person may be 19 or older
    elif category == DOMESTIC_ABUSE:
        messages = [
            "Thank you for telling me. Your safety and your children's safety come first.",
            EMERGENCY,
            front_door,
            f"To talk to someone now: {SAMARITANS} {CHILDLINE}",
        ]
    else:
        messages = [
            "I'm worried about what you've told me. Keeping everyone safe comes first.",
            EMERGENCY,
            HELPLINES,
            front_door,
        ]
    if overdose:  # immediate danger (send-routes.md "Safeguarding": 999), before anything else
        messages = [message for message in messages if message != EMERGENCY]
        messages.insert(1, OVERDOSE)
    return messages + [availability_message(staffed_now, next_open, meanwhile)]
