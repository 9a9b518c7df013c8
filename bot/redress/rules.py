"""The legal rules the whole product shares (domain brief sections 6-9 and "Who the
service is for"), so that the route check, the FAQ answers, mediation advice and the
certificate can never disagree.

Plain Python: no Rasa, no web. Every rule says where it comes from; every sentence
here ends with its source so the assistant can show it. Read top to bottom:

* ``deadline``/``say_date``: every date the assistant states says whether it has passed.
* ``late_contact``/``late_certificate_messages``: section 9, a certificate after the
  2 months gives no new deadline to rely on.
* ``NATIONS``/``nation_in``/``outside_england_message``: section 8.
* ``NO_DECISION_YET``: section 6, delay is not appealable.
* ``EXCLUSION``: section 7, school exclusions.
* ``over_compulsory_school_age``/``who_acts``: the young person's own right.
* ``ombudsman_for``: route 5, which ombudsman.
* ``appealable_sections``/``certificate_needed``: routes 1 and 3 by plan section.
* ``line_closed_on``: the phone line's closed days, for "contact the adviser by ...".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Tuple

from bot.redress.dates import add_calendar_months, add_working_days, format_long, is_bank_holiday
from bot.redress.situation import APPEALABLE_DECISIONS

# --- sources (brief sections, with the law they cite) ---------------------------------

SOURCE_LATE_CONTACT = "HESC Rules 2008 r.5(3)(a); SEND Regulations 2014 reg 33 (brief section 9)"
SOURCE_OUTSIDE_ENGLAND = "CFA 2014 Part 3, which applies to councils in England"
SOURCE_NO_DECISION = "SEND Regulations 2014 regs 5 and 13; SEND Code of Practice 11.80-11.112 (brief section 6)"
SOURCE_EXCLUSION = (
    "School Discipline (Pupil Exclusions and Reviews) (England) Regulations 2012; DfE exclusions guidance"
)
SOURCE_EXCLUSION_DISCRIMINATION = "Equality Act 2010 s.85 and Sch.17 para.4 (brief sections 1 and 7)"
SOURCE_YOUNG_PERSON = "CFA 2014 ss.51, 55, 80 and 83; SEND Code of Practice 8.9-8.15; Mental Capacity Act 2005"
SOURCE_OMBUDSMEN = "SEND Code of Practice 11.80-11.112 (brief route 5)"
SOURCE_SECTIONS = "CFA 2014 ss.51 and 55(1)-(2); SEND Code of Practice 11.21 and 11.45-11.52"
SOURCE_ADVICE = "SEND Code of Practice 2.1-2.20 (SENDIASS); IPSEA"

# --- 1. every date says whether it has passed -------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A last day to act, and whether it has gone by (``today`` is after it)."""

    name: str  # contact_mediation_adviser_by | appeal_by | discrimination_claim_by
    last_day: dt.date
    passed: bool
    source: str


def deadline(name: str, last_day: dt.date, today: dt.date, source: str) -> Deadline:
    return Deadline(name, last_day, today > last_day, source)


def say_date(day: dt.date, today: dt.date) -> str:
    """'Monday 4 January 2027' with '(this date has passed)' when it has; a date that is
    today says so, since the person still has today."""
    if today > day:
        return f"{format_long(day)} (this date has passed)"
    if today == day:
        return f"{format_long(day)} (that is today)"
    return format_long(day)


# --- 2. section 9: late contact with the mediation adviser ---------------------------------

MONTHS_TO_CONTACT_ADVISER = 2  # SEND Regulations 2014 reg 33


def late_contact(decision_letter: dt.date, contacted_on: dt.date) -> bool:
    """True when the 2 months to contact the mediation adviser had passed (Regs 33)."""
    return contacted_on > add_calendar_months(decision_letter, MONTHS_TO_CONTACT_ADVISER)


DAYS_TO_ARRANGE_MEDIATION = 30  # SEND Regulations 2014 reg 37 (brief route 1)


def certificate_cannot_be_in_time(decision_letter: dt.date, certificate_on: dt.date) -> bool:
    """True when no certificate following contact within the 2 months could bear this date:
    after the 2 months, plus 30 days to arrange mediation, plus 3 working days to issue the
    certificate (Regs 33, 37, 34 and 39-40). Between the 2 months and that, the certificate
    may follow mediation asked for in time, so the person is asked, not told it is late."""
    contact_by = add_calendar_months(decision_letter, MONTHS_TO_CONTACT_ADVISER)
    latest = add_working_days(contact_by + dt.timedelta(days=DAYS_TO_ARRANGE_MEDIATION), 3)
    return certificate_on > latest


def late_certificate_messages(decision_letter: dt.date, appeal_limit: dt.date, today: dt.date) -> Tuple[str, ...]:
    """What is said with a certificate given after the 2 months (brief section 9): no new
    deadline, the limit has passed, a late appeal needs good reasons, advice at once."""
    contact_by = add_calendar_months(decision_letter, MONTHS_TO_CONTACT_ADVISER)
    return (
        f"The 2 months to contact the mediation adviser ended on {format_long(contact_by)}, and the time "
        f"limit to appeal ended on {say_date(appeal_limit, today)}. A certificate can still be given, but it "
        f"does not give you a new deadline to rely on: the appeal is late, and the tribunal decides whether "
        f"to accept it. ({SOURCE_LATE_CONTACT})",
        "A late appeal needs good reasons, so get advice at once: your local SENDIASS, or IPSEA for free "
        f"legal advice. ({SOURCE_ADVICE})",
        "A new request for an EHC needs assessment, or a review of the plan, can lead to a new decision "
        f"that you can appeal in time. ({SOURCE_LATE_CONTACT})",
    )


# --- 3. section 8: outside England ------------------------------------------------------------


@dataclass(frozen=True)
class Nation:
    name: str
    system: str
    tribunal: str
    advice: str
    places: Tuple[str, ...]  # words that place someone there, lower case


NATIONS: Dict[str, Nation] = {
    "wales": Nation(
        "Wales",
        "the Additional Learning Needs system (ALNET (Wales) Act 2018)",
        "the Education Tribunal for Wales",
        "SNAP Cymru",
        (
            "wales",
            "welsh",
            "cymru",
            "cardiff",
            "swansea",
            "newport, wales",
            "wrexham",
            "bangor",
            "aberystwyth",
            "merthyr",
            "caerphilly",
            "bridgend",
            "llanelli",
            "rhondda",
            "pontypridd",
            "carmarthen",
            "anglesey",
            "conwy",
            "powys",
            "ceredigion",
            "pembrokeshire",
            "gwynedd",
            "denbighshire",
            "flintshire",
            "neath",
            "port talbot",
            "vale of glamorgan",
            "torfaen",
            "monmouthshire",
            "blaenau gwent",
        ),
    ),
    "scotland": Nation(
        "Scotland",
        "additional support for learning",
        "the First-tier Tribunal for Scotland (Health and Education Chamber)",
        "Enquire",
        (
            "scotland",
            "scottish",
            "glasgow",
            "edinburgh",
            "aberdeen",
            "dundee",
            "inverness",
            "stirling",
            "paisley",
            "fife",
            "highlands",
            "lanarkshire",
            "ayrshire",
            "falkirk",
            "livingston",
            "kilmarnock",
            "east kilbride",
            "dumfries",
            "aberdeenshire",
        ),
    ),
    "northern_ireland": Nation(
        "Northern Ireland",
        "its own SEN framework",
        "the Special Educational Needs and Disability Tribunal (SENDIST NI)",
        "SENAC",
        (
            "northern ireland",
            "belfast",
            "derry",
            "londonderry",
            "lisburn",
            "newry",
            "armagh",
            "omagh",
            "enniskillen",
            "ballymena",
            "coleraine",
            "antrim",
            "craigavon",
            "bangor, county down",
            "county down",
            "county antrim",
            "county tyrone",
            "county fermanagh",
        ),
    ),
}
_PLACES = tuple(
    sorted(((place, key) for key, nation in NATIONS.items() for place in nation.places), key=lambda item: -len(item[0]))
)
_PLACE_PATTERN = re.compile(r"\b(" + "|".join(re.escape(place) for place, _ in _PLACES) + r")\b")
_PLACE_NATION = dict(_PLACES)
# "new south wales" or "prince of wales hospital" are not Wales; "Bangor" and
# "Newport" are towns in two nations each, so alone they place nobody.
_NOT_A_NATION = re.compile(r"new south wales|prince of wales|princess of wales|wales (road|street|hospital)")


# Places that are also people's names or towns elsewhere ("my son Barry", Perth in Australia)
# place someone only when said as a place: "in Barry", "from Perth, Scotland", "Barry council".
_ONLY_AS_A_PLACE = {"barry": "wales", "perth": "scotland"}
_AS_A_PLACE = re.compile(
    r"\b(?:live in|living in|in|from|near|moved to|at school in)\s+(barry|perth)\b(?!,? (?:australia|wa\b))"
    r"|\b(barry|perth)\s+(?:council|area)\b"
)


def nation_in(text: Optional[str]) -> Optional[str]:
    """'wales', 'scotland' or 'northern_ireland' when the words place the person there, else None."""
    lowered = " ".join((text or "").lower().replace("’", "'").split())
    lowered = _NOT_A_NATION.sub(" ", lowered)
    match = _PLACE_PATTERN.search(lowered)
    if match:
        return _PLACE_NATION[match.group(1)]
    place = _AS_A_PLACE.search(lowered)
    return _ONLY_AS_A_PLACE[place.group(1) or place.group(2)] if place else None


def outside_england_message(nation: Optional[str] = None) -> str:
    """England's rules do not apply there: say so plainly and say where to go (brief section 8)."""
    nations = [NATIONS[nation]] if nation in NATIONS else list(NATIONS.values())
    where = " ".join(f"{n.name}: {n.system}, {n.tribunal}, free advice from {n.advice}." for n in nations)
    place = nations[0].name if len(nations) == 1 else "Wales, Scotland or Northern Ireland"
    return (
        f"The rules I work with are England's, so they do not apply in {place}: I can't check your routes "
        f"or deadlines, or give a mediation certificate, for there. {where} (Source: {SOURCE_OUTSIDE_ENGLAND})"
    )


# --- 4. section 6: no decision yet, or the council is late ----------------------------------

WEEKS_TO_DECIDE_WHETHER_TO_ASSESS = 6  # SEND Regulations 2014 reg 5(1)
WEEKS_TO_FINAL_PLAN = 20  # SEND Regulations 2014 reg 13

NO_DECISION_YET = (
    "There is no appeal to the tribunal until the council makes a decision you can appeal (or issues or "
    "changes a plan): a delay on its own cannot be appealed, so you do not need the mediation adviser or a "
    f"certificate yet. ({SOURCE_NO_DECISION})",
    f"The council has {WEEKS_TO_DECIDE_WHETHER_TO_ASSESS} weeks from a request to decide whether to assess, "
    f"and {WEEKS_TO_FINAL_PLAN} weeks from the request to the final EHC plan. If it is late, complain to the "
    "council, then go to the Local Government and Social Care Ombudsman (LGSCO). If the council keeps failing, "
    "a pre-action letter towards judicial review is possible, usually with legal advice (IPSEA gives it "
    f"free). ({SOURCE_NO_DECISION})",
)


def weeks_late(requested_on: dt.date, today: dt.date, stage: str = "final_plan") -> int:
    """Whole weeks past the statutory limit (0 if not late). ``stage``: 'decision' (6 weeks,
    Regs 5(1)) or 'final_plan' (20 weeks, Regs 13)."""
    limit = WEEKS_TO_DECIDE_WHETHER_TO_ASSESS if stage == "decision" else WEEKS_TO_FINAL_PLAN
    return max(0, ((today - requested_on).days - limit * 7) // 7)


# --- 5. section 7: school exclusions ------------------------------------------------------------

SCHOOL_DAYS_TO_ASK_FOR_REVIEW = 15
MONTHS_TO_CLAIM_DISCRIMINATION = 6

EXCLUSION = (
    "An exclusion is not a SEND appeal, and a school's complaints procedure does not cover it. For a permanent "
    "exclusion the governing board must consider whether to take your child back. If it does not, you (or a "
    "pupil aged 18 or over) can ask for an independent review panel within "
    f"{SCHOOL_DAYS_TO_ASK_FOR_REVIEW} school days of being told the board's decision. That limit is strict. "
    f"({SOURCE_EXCLUSION})",
    "You can ask for a SEN expert to come to the review, whether or not the school accepts your child has "
    "SEN. The panel can uphold the exclusion, recommend that the board thinks again, or quash it and direct "
    f"the board to think again; it cannot order the school to take your child back. ({SOURCE_EXCLUSION})",
    "If the exclusion was linked to your child's disability, you can also make a disability discrimination "
    f"claim against the school to the First-tier Tribunal (SEND) within {MONTHS_TO_CLAIM_DISCRIMINATION} "
    f"months. You do not need a mediation certificate for that. ({SOURCE_EXCLUSION_DISCRIMINATION})",
    "The SEND routes still apply to your child's SEN support or EHC plan, and SENDIASS can help with the "
    f"review. ({SOURCE_ADVICE})",
)

SOURCE_REVIEW_PANEL_LIMIT = (
    "School Discipline (Pupil Exclusions and Reviews) (England) Regulations 2012; "
    "DfE exclusions guidance (brief section 7)"
)


def review_panel_by(told_on: dt.date) -> dt.date:
    """The last day to ask for an independent review panel: 15 school days after being told
    the governing board's decision. We count weekdays that are not bank holidays; school
    holidays do not count as school days either, so the real last day can only be later,
    never earlier, than this one (nobody is told a date that could be too late)."""
    return add_working_days(told_on, SCHOOL_DAYS_TO_ASK_FOR_REVIEW)


def exclusion_deadlines(decided_on: dt.date, today: dt.date) -> Tuple[Deadline, Deadline]:
    """The review panel limit (15 school days from being told the board's decision) and the
    disability discrimination claim limit (6 months starting with the exclusion), each saying
    whether it has passed (brief section 7)."""
    from bot.redress.deadlines import discrimination_claim_by  # noqa: PLC0415 - deadlines imports rules' peers

    return (
        deadline("review_panel_by", review_panel_by(decided_on), today, SOURCE_REVIEW_PANEL_LIMIT),
        deadline(
            "discrimination_claim_by", discrimination_claim_by(decided_on), today, SOURCE_EXCLUSION_DISCRIMINATION
        ),
    )


def exclusion_deadline_messages(decided_on: dt.date, today: dt.date) -> Tuple[str, ...]:
    """Both exclusion limits in full, each saying whether it has passed."""
    review, claim = exclusion_deadlines(decided_on, today)
    review_text = (
        f"Independent review panel: ask by {say_date(review.last_day, today)}. That is 15 school days from "
        f"{format_long(decided_on)}, counted from the day you were told the governing board's decision, so if the "
        "board decided later, your date is later too; school holidays do not count either. The limit is strict."
    )
    if review.passed:
        review_text += " It has passed, so get advice at once (SENDIASS) about what can still be done."
    claim_text = (
        f"Disability discrimination claim: by {say_date(claim.last_day, today)}, the last day of the 6 months "
        "starting with the exclusion, if it was linked to your child's disability."
    )
    if claim.passed:
        claim_text += (
            " It has passed: the tribunal can still accept a late claim, but it does not have to. "
            "Get legal advice straight away."
        )
    return (f"{review_text} ({review.source})", f"{claim_text} ({claim.source})")


# --- the FAQ answers these rules give (data/nlu/*.yml responses must be these words:
# tests/legal checks it, so the FAQ and the route check cannot drift apart) ----------------

FAQ_ANSWERS: Dict[str, str] = {
    "utter_faq_scope/outside_england": outside_england_message(None),
    "utter_faq_complaints/exclusion": (
        "An exclusion is not a SEND appeal, and a school's complaints procedure does not cover it. After a "
        "permanent exclusion the governing board must consider taking your child back; then you can ask for an "
        f"independent review panel within {SCHOOL_DAYS_TO_ASK_FOR_REVIEW} school days of the board's decision "
        "(a strict limit), with a SEN expert if you ask. If it was linked to disability, you can also make a "
        f"disability discrimination claim to the First-tier Tribunal (SEND) within {MONTHS_TO_CLAIM_DISCRIMINATION} "
        f"months. (Source: {SOURCE_EXCLUSION}; Equality Act 2010 s.85)"
    ),
    "utter_faq_complaints/council_late": (
        "A delay on its own cannot be appealed: there is no appeal until the council makes a decision, so you "
        f"do not need the mediation adviser yet. The council has {WEEKS_TO_DECIDE_WHETHER_TO_ASSESS} weeks to "
        f"decide whether to assess and {WEEKS_TO_FINAL_PLAN} weeks to the final plan. If it is late, complain to "
        "the council, then go to the Local Government and Social Care Ombudsman (LGSCO); if it keeps failing, a "
        "pre-action letter towards judicial review, usually with legal advice. (Source: SEND Regulations 2014 "
        "regs 5 and 13; SEND Code of Practice 11.80-11.112)"
    ),
}

# --- 6. who may act: the young person over compulsory school age ------------------------------


def end_of_compulsory_school_age(date_of_birth: dt.date) -> dt.date:
    """The last Friday in June of the school year (1 September to 31 August) in which the
    child turns 16 (Education Act 1996 s.8, as the brief puts it under CFA 2014 s.83)."""
    year, month, day = date_of_birth.year + 16, date_of_birth.month, date_of_birth.day
    sixteenth = dt.date(year, month, 28) if (month, day) == (2, 29) else dt.date(year, month, day)
    june_year = sixteenth.year + (1 if sixteenth.month >= 9 else 0)
    last = dt.date(june_year, 6, 30)
    return last - dt.timedelta(days=(last.weekday() - 4) % 7)


def over_compulsory_school_age(
    age: Optional[int] = None, date_of_birth: Optional[dt.date] = None, today: Optional[dt.date] = None
) -> Optional[bool]:
    """True, False, or None when we cannot tell (16-year-olds, with no date of birth: ask
    whether they have finished year 11, that is, whether the last Friday in June of that
    year has gone by)."""
    today = today or dt.date.today()
    if date_of_birth is not None:
        return today > end_of_compulsory_school_age(date_of_birth)
    if age is None:
        return None
    if age >= 17:
        return True
    if age <= 15:
        return False
    return None


@dataclass(frozen=True)
class WhoActs:
    """Whose right it is to ask for mediation, get the certificate and appeal."""

    holder: str  # "young_person" or "parent"
    certificate_names: str  # "young_person" or "parent"
    message: Optional[str]


def who_acts(role: str, over_school_age: Optional[bool], lacks_capacity: bool = False) -> WhoActs:
    """For a young person over compulsory school age the right is theirs, unless they lack
    capacity for the decision, when the parent (or a deputy) acts for them; either way the
    certificate names the young person (brief, "Who the service is for")."""
    if not over_school_age:
        return WhoActs("parent", "parent", None)
    if lacks_capacity:
        return WhoActs(
            "parent",
            "young_person",
            "Because the young person lacks the mental capacity to make this decision, you can act for "
            "them. The certificate names the young person, with you acting for them. "
            f"({SOURCE_YOUNG_PERSON})",
        )
    if role == "young_person":
        return WhoActs(
            "young_person",
            "young_person",
            "You are over compulsory school age, so asking for mediation, the certificate and the appeal "
            f"are yours to decide. Your parents can still support you. ({SOURCE_YOUNG_PERSON})",
        )
    return WhoActs(
        "young_person",
        "young_person",
        "Your child is over compulsory school age (after the last Friday in June of the school year in "
        "which they turn 16), so the right to ask for mediation, to get the mediation certificate and to "
        "appeal is theirs, not yours, unless they lack the mental capacity to decide. You can still "
        "support them, and the certificate names them. "
        f"({SOURCE_YOUNG_PERSON})",
    )


# --- 7. which ombudsman -----------------------------------------------------------------------

PHSO = "the Parliamentary and Health Service Ombudsman (PHSO)"
LGSCO = "the Local Government and Social Care Ombudsman (LGSCO)"
_HEALTH_BODIES = re.compile(
    r"\b(icb|ccg|nhs|integrated care board|clinical commissioning group|hospital|gp|"
    r"camhs|health service|health visitor|trust|paediatrician|therapist|health)\b"
)
_COUNCIL_BODIES = re.compile(
    r"\b(council|la|local authority|social care|social services|social worker|sen team|"
    r"send team|caseworker)\b"
)


def ombudsman_for(body: Optional[str]) -> Optional[str]:
    """PHSO for the NHS and integrated care boards; LGSCO for councils and social care
    (brief route 5). None when the words name neither."""
    lowered = (body or "").lower()
    if _HEALTH_BODIES.search(lowered):
        return PHSO
    if _COUNCIL_BODIES.search(lowered):
        return LGSCO
    return None


# --- 8. plan sections: what can be appealed, and when a certificate is needed -----------------

APPEALABLE_SECTIONS = ("B", "F", "I")  # CFA 2014 s.51; health and social care sections C, D, G, H1, H2 are not
SECTION_I_ONLY_NEEDS_NO_CERTIFICATE = True  # CFA 2014 s.55(1)-(2); CoP 11.21


def about_for_sections(sections: Iterable[str]) -> Optional[str]:
    """The disagreement that plan sections make, whoever writes: any of B or F is plan_content
    (appealable, certificate needed); I alone is plan_placement_only (appealable, no
    certificate); only C, D, G, H1, H2 is plan_health_social_care_only. None if no section."""
    named = {str(s).upper().replace("SECTION", "").strip() for s in sections if s}
    if named & {"B", "F"}:
        return "plan_content"
    if "I" in named:
        return "plan_placement_only"
    if named & {"C", "D", "E", "G", "H", "H1", "H2"}:
        return "plan_health_social_care_only"
    return None


def certificate_needed(about: str) -> bool:
    """A certificate is needed before any appeal except one only about section I (CFA 2014 s.55)."""
    return about in APPEALABLE_DECISIONS and about != "plan_placement_only"


# --- 9. the phone line's closed days ------------------------------------------------------------


def line_closed_on(day: dt.date, settings=None) -> bool:
    """True when the information line is not staffed on ``day``: a bank holiday in England
    (25 December among them) or a weekday with no staffed hours (bot.settings.staffed_hours)."""
    if settings is None:
        from bot.settings import get_settings  # noqa: PLC0415 - settings read at call time, not import

        settings = get_settings()
    return is_bank_holiday(day) or settings.staffed_span(day.weekday()) is None


def contact_adviser_by_text(contact_by: dt.date, today: dt.date, settings=None) -> str:
    """'by Friday 25 December 2026', with a word when the phone line is closed that day."""
    text = f"by {say_date(contact_by, today)}"
    if today <= contact_by and line_closed_on(contact_by, settings):
        text += (
            ". Our phone line is closed that day, but this chat can talk you through the mediation "
            "information and give you the certificate at any hour"
        )
    return text
