"""Which routes are open for a disagreement, the deadlines, and what to do next.

Source of truth: ``/work/shared/domain/send-routes.md`` (the product brief). Each route
below carries its legal source so the assistant can show it.

Read ``check_routes`` first; each ``_<route>_route`` function decides one route.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.redress import rules
from bot.redress.dates import format_long
from bot.redress.deadlines import (
    SOURCE_APPEAL_DEADLINE,
    SOURCE_DISCRIMINATION_DEADLINE,
    AppealDeadline,
    appeal_deadline,
    contact_mediation_adviser_by,
    discrimination_claim_by,
)
from bot.redress.situation import (
    APPEALABLE_DECISIONS,
    ROUTE_IDS,
    Deadlines,
    Route,
    RouteCheck,
    Situation,
)

# Adults are out of scope: a "young person" is under 25 (CFA 2014 s.83; CoP 1.39).
FIRST_AGE_OUT_OF_SCOPE = 25
# Compulsory school age ends on the last Friday in June of the school year in which
# the child turns 16 (CFA 2014 s.83; SEND Code of Practice 8.9-8.15).
AGE_COMPULSORY_SCHOOLING_MAY_END = 16

# What each appealable decision is, in words a caller recognises.
APPEAL_SUBJECTS = {
    "refusal_to_assess": "the council's refusal to carry out an EHC needs assessment",
    "refusal_to_reassess": "the council's refusal to carry out a new EHC needs assessment",
    "refusal_to_issue_plan": "the council's decision not to issue an EHC plan after an assessment",
    "plan_content": (
        "what the EHC plan says about special educational needs (section B) and the support to meet them (section F)"
    ),
    "plan_placement_only": (
        "the school or college named in the EHC plan (section I), the type named, or that none is named"
    ),
    "refusal_to_amend": "the council's decision not to change the EHC plan after a review or reassessment",
    "cease_to_maintain": "the council's decision to stop the EHC plan",
}

# Appeals about section I alone need no mediation certificate (CFA 2014 s.55(1)-(2)).
APPEALS_WITHOUT_CERTIFICATE = ("plan_placement_only",)

SOURCE_MEDIATION = "CFA 2014 ss.52-55; SEND Regulations 2014 regs 32-42; SEND Code of Practice 11.19-11.21"
SOURCE_MEDIATION_EXCEPTION = "CFA 2014 s.55(1)-(2); SEND Code of Practice 11.21"
SOURCE_DRS = "CFA 2014 s.57; SEND Code of Practice 11.6-11.12"
SOURCE_APPEAL = "CFA 2014 s.51; SEND Code of Practice 11.45-11.52"
SOURCE_RECOMMENDATIONS = "SEND (First-tier Tribunal Recommendations Power) Regulations 2017"
SOURCE_COMPLAINTS = "SEND Code of Practice 11.80-11.112"
SOURCE_OMBUDSMAN_NO_APPEALABLE = "Local Government Act 1974 s.26(6); SEND Code of Practice 11.80-11.112"
SOURCE_DISCRIMINATION = "Equality Act 2010 ss.85 and 116; CFA 2014 s.55"
SOURCE_ENGLAND_ONLY = "CFA 2014 Part 3 (local authorities in England)"
SOURCE_AGE_LIMIT = "CFA 2014 s.83; SEND Code of Practice 1.39"


def check_routes(situation: Situation) -> RouteCheck:
    """Say which routes are open, by when to act, and what to do next."""
    out_of_scope = _out_of_scope(situation)
    if out_of_scope is not None:
        code, reason, source, signpost = out_of_scope
        check = _nothing_available(reason, source, [signpost])
        return RouteCheck(
            check.in_scope,
            False,
            check.routes,
            check.deadlines,
            check.messages,
            out_of_scope_reason=code,
            nation=situation.nation,
        )

    about = situation.about
    routes = [build(about) for build in ROUTE_BUILDERS]
    if not any(route.available for route in routes):
        # Safety net: every disagreement we know of has a route, but never leave a
        # caller with nothing.
        return _nothing_available(
            "We could not find a route for this disagreement.",
            "",
            ["We could not find a route for this. " + _help_message(situation)],
        )

    deadlines, deadline_messages = _deadlines_and_next_steps(situation)
    messages = deadline_messages + _role_messages(situation) + [_help_message(situation)]
    return RouteCheck(
        in_scope=True,
        mediation_advice_required=_mediation_advice_required(about),
        routes=routes,
        deadlines=deadlines,
        messages=messages,
    )


# --- scope ----------------------------------------------------------------------


def _out_of_scope(situation: Situation) -> tuple[str, str, str, str] | None:
    """(reason code, reason, source, where to go instead), or None when the routes apply."""
    if situation.in_england is False or situation.nation is not None:
        return (
            "outside_england",
            "These routes only apply in England.",
            rules.SOURCE_OUTSIDE_ENGLAND,
            rules.outside_england_message(situation.nation),
        )
    if situation.age is not None and situation.age >= FIRST_AGE_OUT_OF_SCOPE:
        return (
            "age_25_or_over",
            "These routes are for children and young people under 25.",
            SOURCE_AGE_LIMIT,
            "EHC plans and these routes are for children and young people under 25. "
            "For someone aged 25 or over, contact adult social care at the local council. "
            "The council has a complaints procedure, and after that the Local Government "
            "and Social Care Ombudsman can look at complaints about adult social care. "
            f"Citizens Advice can also help. ({SOURCE_AGE_LIMIT})",
        )
    return None


def _nothing_available(reason: str, source: str, messages: list[str]) -> RouteCheck:
    return RouteCheck(
        in_scope=False,
        mediation_advice_required=False,
        routes=[Route(route_id, False, reason, source) for route_id in ROUTE_IDS],
        deadlines=Deadlines(),
        messages=messages,
    )


def _mediation_advice_required(about: str) -> bool:
    # CFA 2014 s.55: needed before appealing, except section I only. Not for
    # discrimination claims, which are not appeals under s.51.
    return about in APPEALABLE_DECISIONS and about not in APPEALS_WITHOUT_CERTIFICATE


# --- one function per route --------------------------------------------------------


def _mediation_route(about: str) -> Route:
    if about in APPEALS_WITHOUT_CERTIFICATE:
        return Route(
            "mediation",
            True,
            "You can ask for mediation with the council. It is free and your choice. "
            "You do not need a mediation certificate to appeal only about the school or "
            "college named in the plan.",
            SOURCE_MEDIATION_EXCEPTION,
        )
    if about in APPEALABLE_DECISIONS:
        return Route(
            "mediation",
            True,
            "You can ask for mediation with the council. An independent mediator runs it "
            "and it is free. Going to mediation is your choice, but before you can appeal "
            "you must contact the mediation adviser.",
            SOURCE_MEDIATION,
        )
    if about == "plan_health_social_care_only":
        return Route(
            "mediation",
            True,
            "You can ask for mediation about the health or social care parts of the plan. "
            "For health care, the integrated care board (ICB) takes part. It is free and "
            "your choice.",
            "CFA 2014 ss.52-54; SEND Regulations 2014 regs 32-42",
        )
    if about == "disability_discrimination":
        return Route(
            "mediation",
            False,
            "Mediation and the mediation certificate do not apply to disability discrimination claims.",
            "CFA 2014 ss.51 and 55",
        )
    if about == "no_decision_yet":
        return Route(
            "mediation",
            False,
            "Mediation and the mediation certificate come before an appeal, and there is nothing to "
            "appeal until the council decides. You do not need the mediation adviser yet.",
            rules.SOURCE_NO_DECISION,
        )
    if about == "school_exclusion":
        return Route(
            "mediation",
            False,
            "Mediation is for council decisions about EHC needs assessments and plans, not exclusions.",
            rules.SOURCE_EXCLUSION,
        )
    return Route(
        "mediation",
        False,
        "Mediation is for council decisions about EHC needs assessments and plans. "
        "Disagreement resolution can help with this instead.",
        SOURCE_MEDIATION,
    )


def _disagreement_resolution_route(about: str) -> Route:
    if about == "disability_discrimination":
        return Route(
            "disagreement_resolution",
            False,
            "Disagreement resolution is for disagreements about special educational needs "
            "support and duties, not discrimination claims. You can use it for any "
            "disagreement about the support itself.",
            SOURCE_DRS,
        )
    if about in APPEALABLE_DECISIONS:
        when = "You can use it at any time, even while an appeal is going on. It does not affect your right to appeal."
    elif about == "school_exclusion":
        when = "It cannot change an exclusion, but you can use it at any time about your child's SEN support."
    else:
        when = "You can use it at any time."
    return Route(
        "disagreement_resolution",
        True,
        "Disagreement resolution is a free meeting with an independent person. You do not "
        "need an EHC plan. It is voluntary: everyone involved must agree to take part. " + when,
        SOURCE_DRS,
    )


def _tribunal_appeal_route(about: str) -> Route:
    if about in APPEALABLE_DECISIONS:
        return Route(
            "tribunal_appeal",
            True,
            f"You can appeal to the First-tier Tribunal (SEND) about {APPEAL_SUBJECTS[about]}. It is free to appeal.",
            f"{SOURCE_APPEAL}; {SOURCE_APPEAL_DEADLINE}",
        )
    if about == "plan_health_social_care_only":
        return Route(
            "tribunal_appeal",
            False,
            "You cannot appeal only about the health or social care parts of a plan. The "
            "tribunal can look at them only alongside an appeal about sections B, F or I.",
            f"{SOURCE_APPEAL}; {SOURCE_RECOMMENDATIONS}",
        )
    if about == "disability_discrimination":
        return Route(
            "tribunal_appeal",
            False,
            "This is not an appeal. You make a disability discrimination claim instead.",
            SOURCE_DISCRIMINATION,
        )
    if about == "no_decision_yet":
        return Route(
            "tribunal_appeal",
            False,
            "A delay cannot be appealed. You can appeal once the council makes a decision you can "
            "appeal, or issues or changes a plan.",
            rules.SOURCE_NO_DECISION,
        )
    if about == "school_exclusion":
        return Route(
            "tribunal_appeal",
            False,
            "An exclusion is not a SEND appeal. The governing board and the independent review panel "
            "look at it; if it was linked to disability, you can make a disability discrimination claim.",
            rules.SOURCE_EXCLUSION,
        )
    return Route(
        "tribunal_appeal",
        False,
        "This is not a decision you can appeal to the tribunal.",
        SOURCE_APPEAL,
    )


def _tribunal_recommendations_route(about: str) -> Route:
    # Brief: any appealable decision except refusal to assess (confirmed by IPSEA's
    # extended appeals FAQ, which lists section I and refusal to reassess).
    if about in APPEALABLE_DECISIONS and about != "refusal_to_assess":
        return Route(
            "tribunal_recommendations",
            True,
            "When you appeal, you can also ask the tribunal to make recommendations about "
            "health and social care needs and provision in the plan (sections C, D, G, H1 "
            "and H2). They are not binding, but the health and social care bodies must "
            "reply in writing within 5 weeks. The education part of your appeal must "
            "carry on for this to happen.",
            SOURCE_RECOMMENDATIONS,
        )
    if about == "refusal_to_assess":
        reason = (
            "The tribunal cannot make health and social care recommendations in an appeal about a refusal to assess."
        )
    elif about == "plan_health_social_care_only":
        reason = (
            "Recommendations are only possible alongside an education appeal. If you also "
            "disagree with sections B, F or I, you can appeal those and ask for "
            "recommendations too."
        )
    else:
        reason = "Recommendations are only possible as part of a tribunal appeal."
    return Route("tribunal_recommendations", False, reason, SOURCE_RECOMMENDATIONS)


COMPLAINT_REASONS = {
    "school_sen_provision": (
        "Use the school's or college's complaints procedure first. Then, if there is an "
        "EHC plan, complain to the council, which must make sure the support in section F "
        "is provided. If there is no plan, complain to the Department for Education."
    ),
    "plan_health_social_care_only": (
        "For health care, use the NHS complaints procedure. For social care, use the council's complaints procedure."
    ),
    "health_social_care_during_assessment": (
        "For health care, use the NHS complaints procedure. For social care, use the council's complaints procedure."
    ),
    "disability_discrimination": (
        "You can complain to the school, college or council using its complaints "
        "procedure. A complaint does not stop the time limit for a claim."
    ),
    "duties_not_carried_out": ("Complain to the council, or to the school or college, using its complaints procedure."),
    "no_decision_yet": (
        "Complain to the council using its complaints procedure: it has 6 weeks from a request to "
        "decide whether to assess, and 20 weeks from the request to the final plan."
    ),
}


def _complaint_route(about: str) -> Route:
    if about == "school_exclusion":
        return Route(
            "complaint",
            False,
            "A school's complaints procedure does not cover exclusions. Ask the governing board to "
            "reconsider, then for an independent review panel.",
            rules.SOURCE_EXCLUSION,
        )
    if about == "no_decision_yet":
        return Route("complaint", True, COMPLAINT_REASONS[about], rules.SOURCE_NO_DECISION)
    reason = COMPLAINT_REASONS.get(
        about,
        "You can complain to the council about how it handled things, for example delays. "
        "A complaint does not replace an appeal and does not stop the appeal deadline.",
    )
    return Route("complaint", True, reason, SOURCE_COMPLAINTS)


def _ombudsman_route(about: str) -> Route:
    if about == "school_exclusion":
        return Route(
            "ombudsman",
            False,
            "For an exclusion, the route is the governing board and then the independent review panel.",
            rules.SOURCE_EXCLUSION,
        )
    if about == "no_decision_yet":
        return Route(
            "ombudsman",
            True,
            "After the council's complaints procedure, you can go to the Local Government and Social "
            "Care Ombudsman (LGSCO) about the delay.",
            rules.SOURCE_NO_DECISION,
        )
    if about in APPEALABLE_DECISIONS:
        return Route(
            "ombudsman",
            True,
            "After the council's complaints procedure, you can go to the Local Government "
            "and Social Care Ombudsman about how the council acted, such as delays. The "
            "ombudsman usually does not look at decisions you could appeal to the tribunal.",
            SOURCE_OMBUDSMAN_NO_APPEALABLE,
        )
    if about in ("plan_health_social_care_only", "health_social_care_during_assessment"):
        reason = (
            "After the complaints procedure: for health care, the Parliamentary and Health "
            "Service Ombudsman; for social care, the Local Government and Social Care "
            "Ombudsman."
        )
    elif about == "school_sen_provision":
        reason = (
            "The ombudsman does not look at schools' own complaints. If the council has not "
            "made sure the support in an EHC plan is provided, you can go to the Local "
            "Government and Social Care Ombudsman after the council's complaints procedure."
        )
    else:
        reason = (
            "After the council's complaints procedure, you can go to the Local Government "
            "and Social Care Ombudsman. For the NHS, it is the Parliamentary and Health "
            "Service Ombudsman."
        )
    return Route("ombudsman", True, reason, SOURCE_COMPLAINTS)


def _disability_discrimination_claim_route(about: str) -> Route:
    if about == "school_exclusion":
        return Route(
            "disability_discrimination_claim",
            True,
            "If the exclusion was linked to your child's disability, you can make a disability "
            "discrimination claim against the school to the First-tier Tribunal (SEND) within 6 months. "
            "You do not need a mediation certificate.",
            f"{rules.SOURCE_EXCLUSION_DISCRIMINATION}; {SOURCE_DISCRIMINATION_DEADLINE}",
        )
    if about == "disability_discrimination":
        return Route(
            "disability_discrimination_claim",
            True,
            "You can make a disability discrimination claim. Claims against a school go to "
            "the First-tier Tribunal (SEND). Claims against a college, private nursery or "
            "the council go to the county court. You must claim within 6 months of the "
            "discrimination. You do not need a mediation certificate.",
            f"{SOURCE_DISCRIMINATION}; {SOURCE_DISCRIMINATION_DEADLINE}",
        )
    return Route(
        "disability_discrimination_claim",
        False,
        "This is only for unfair treatment because of disability. If that has happened, "
        "tell us: there is a 6 month time limit.",
        SOURCE_DISCRIMINATION,
    )


def _exclusion_review_route(about: str) -> Route:
    if about == "school_exclusion":
        return Route(
            "exclusion_review",
            True,
            "For a permanent exclusion the governing board must consider taking your child back. Then "
            "you can ask for an independent review panel within 15 school days of being told the "
            "board's decision (a strict limit), and for a SEN expert to attend.",
            rules.SOURCE_EXCLUSION,
        )
    return Route(
        "exclusion_review",
        False,
        "This is only for exclusions from school.",
        rules.SOURCE_EXCLUSION,
    )


# In ROUTE_IDS order.
ROUTE_BUILDERS: tuple[Callable[[str], Route], ...] = (
    _mediation_route,
    _disagreement_resolution_route,
    _tribunal_appeal_route,
    _tribunal_recommendations_route,
    _complaint_route,
    _ombudsman_route,
    _disability_discrimination_claim_route,
    _exclusion_review_route,
)


# --- deadlines and next steps ---------------------------------------------------------


def _deadlines_and_next_steps(situation: Situation) -> tuple[Deadlines, list[str]]:
    about = situation.about
    if about in APPEALABLE_DECISIONS:
        return _appeal_deadlines_and_next_steps(situation)
    if about == "disability_discrimination":
        return _discrimination_deadline_and_next_steps(situation)
    if about == "no_decision_yet":
        return Deadlines(), [_next_step(rules.NO_DECISION_YET[0]), *rules.NO_DECISION_YET[1:]]
    if about == "school_exclusion":
        messages = [_next_step(rules.EXCLUSION[0]), *rules.EXCLUSION[1:]]
        if situation.decision_date is None:
            return Deadlines(), messages
        review, claim = rules.exclusion_deadlines(situation.decision_date, situation.today)
        messages[1:1] = list(rules.exclusion_deadline_messages(situation.decision_date, situation.today))
        return Deadlines(
            review_panel_by=review.last_day,
            discrimination_claim_by=claim.last_day,
            passed={"review_panel_by": review.passed, "discrimination_claim_by": claim.passed},
        ), messages
    return Deadlines(), [NEXT_STEPS_WITHOUT_APPEAL[about]]


def _next_step(sentence: str) -> str:
    return "Next step: " + sentence[0].lower() + sentence[1:]


NEXT_STEPS_WITHOUT_APPEAL = {
    "plan_health_social_care_only": (
        "Next step: you cannot appeal only about health or social care. You can ask for "
        "mediation, use disagreement resolution or complain. If you also disagree with "
        "sections B, F or I of the plan, you can appeal those and ask the tribunal for "
        "recommendations on health and social care."
    ),
    "school_sen_provision": (
        "Next step: talk to the school or college, then use its complaints procedure if "
        "that does not work. You can ask for disagreement resolution at any time."
    ),
    "duties_not_carried_out": (
        "Next step: write to whoever should be doing it, usually the council, and then use "
        "its complaints procedure. You can ask for disagreement resolution at any time. "
        "If a council acts unlawfully, judicial review may be possible: get legal advice."
    ),
    "health_social_care_during_assessment": (
        "Next step: raise it with the council and the health or social care service. "
        "Disagreement resolution can help, including when the council and the integrated "
        "care board (ICB) disagree with each other."
    ),
}


def _appeal_deadlines_and_next_steps(situation: Situation) -> tuple[Deadlines, list[str]]:
    about, today = situation.about, situation.today
    needs_certificate = _mediation_advice_required(about)
    if situation.decision_date is None:
        first_step = (
            "Next step: contact the mediation adviser named in the council's decision letter. "
            "You must do this within 2 months of the letter before you can appeal."
            if needs_certificate
            else "Next step: you can appeal straight away. You do not need a mediation "
            "certificate for an appeal only about section I."
        )
        return Deadlines(), [
            first_step,
            "Tell us the date on the decision letter so we can work out your deadlines.",
        ]

    contact_by = contact_mediation_adviser_by(situation.decision_date) if needs_certificate else None
    # For section I alone no certificate is needed, so none can extend the deadline;
    # we count from the letter only rather than risk giving too late a date. A
    # certificate given after the 2 months to contact the adviser gives no date to rely
    # on either (brief section 9): the limit is counted from the letter, and it has passed.
    late_certificate = bool(
        needs_certificate
        and situation.certificate_date is not None
        and rules.certificate_cannot_be_in_time(situation.decision_date, situation.certificate_date)
    )
    maybe_late = bool(
        needs_certificate
        and situation.certificate_date is not None
        and not late_certificate
        and rules.late_contact(situation.decision_date, situation.certificate_date)
    )
    certificate = situation.certificate_date if needs_certificate and not late_certificate else None
    appeal = appeal_deadline(situation.decision_date, certificate)

    messages: list[str] = []
    if late_certificate:
        messages += list(rules.late_certificate_messages(situation.decision_date, appeal.last_day, today))
    elif needs_certificate and certificate is None:
        messages += _mediation_adviser_steps(contact_by, today)
    elif needs_certificate:
        messages.append(
            f"Next step: send your appeal to the tribunal by {rules.say_date(appeal.last_day, today)}, "
            "with a copy of your mediation certificate."
        )
    else:
        messages.append(
            "Next step: you can appeal straight away. You do not need a mediation "
            "certificate for an appeal only about section I."
        )
        if situation.certificate_date is not None:
            messages.append(
                "For an appeal only about section I, a mediation certificate does not "
                "extend the deadline, so we counted 2 months from the decision letter. If "
                "your appeal also covers sections B or F, tell us: the deadline may be later."
            )
    if not late_certificate:
        messages += _appeal_deadline_messages(appeal, certificate, today)
    if maybe_late:
        messages.append(
            f"The 2 months to contact the mediation adviser ended on {format_long(contact_by)}. The date above "
            "holds only if you contacted them by then, for example to ask for mediation. If you first contacted "
            "them after that, the time limit "
            "has passed and the certificate gives no new deadline: the tribunal decides whether to accept a "
            f"late appeal, so get advice at once (SENDIASS, IPSEA). ({rules.SOURCE_LATE_CONTACT})"
        )
    passed = {"appeal_by": today > appeal.last_day}
    if contact_by is not None:
        passed["contact_mediation_adviser_by"] = today > contact_by
    return Deadlines(
        contact_mediation_adviser_by=contact_by,
        appeal_by=appeal.last_day,
        passed=passed,
        late_certificate=late_certificate,
    ), messages


def _mediation_adviser_steps(contact_by: date, today: date) -> list[str]:
    if today > contact_by:
        return [
            f"The 2 months to contact the mediation adviser ended on {format_long(contact_by)}. "
            "A certificate can still be given, but the appeal is then late and the tribunal decides "
            "whether to accept it: no date worked out from a late certificate is a deadline you can "
            "rely on. A late appeal needs good reasons, so get advice at once (SENDIASS, IPSEA). "
            f"({rules.SOURCE_LATE_CONTACT})"
        ]
    return [
        f"Next step: contact the mediation adviser {rules.contact_adviser_by_text(contact_by, today)}. "
        "You must do this before you can appeal, even if you do not want mediation. Their contact "
        "details are in the council's decision letter.",
        "If you do not want mediation, tell the adviser. They must send you a mediation "
        "certificate within 3 working days.",
        "If you want mediation, tell the council as well. It must arrange mediation within "
        "30 days. If it cannot, the adviser must send you a certificate within 3 working days.",
    ]


def _appeal_deadline_messages(appeal: AppealDeadline, certificate: date | None, today: date) -> list[str]:
    if certificate is None:
        counted = "That is 2 months from the date on the decision letter."
    elif appeal.extended_by_certificate:
        counted = (
            f"That is 1 month from the date on your mediation certificate "
            f"({format_long(certificate)}), which is later than 2 months from the decision letter."
        )
    else:
        counted = (
            "That is 2 months from the date on the decision letter, which is later than "
            f"1 month from your mediation certificate ({format_long(certificate)})."
        )
    messages = [f"Appeal deadline: {rules.say_date(appeal.last_day, today)}. {counted}"]
    if appeal.moved_because:
        messages.append(appeal.moved_because)
    if today > appeal.last_day:
        messages.append(
            f"The appeal deadline was {format_long(appeal.last_day)}, so it has passed. The tribunal can "
            "accept a late appeal only in exceptional circumstances, for example if the decision "
            "letter did not say how to appeal. Get advice straight away."
        )
    return messages


def _discrimination_deadline_and_next_steps(situation: Situation) -> tuple[Deadlines, list[str]]:
    messages = [
        "Next step: decide who the claim is against. Claims against a school go to the "
        "First-tier Tribunal (SEND). Claims against a college, private nursery or the "
        "council go to the county court. A parent, or a young person over compulsory "
        "school age, can make the claim."
    ]
    if situation.decision_date is None:
        messages.append(
            "Tell us when the discrimination happened (or the last time, if it went on over "
            "time) so we can work out the 6 month time limit."
        )
        return Deadlines(), messages

    claim_by = discrimination_claim_by(situation.decision_date)
    messages.append(
        f"Claim deadline: {rules.say_date(claim_by, situation.today)}. That is the last day of the 6 months "
        "starting with the day of the discrimination. It is not extended for August, "
        "Christmas or weekends, so send your claim well before."
    )
    if situation.today > claim_by:
        messages.append(
            f"The claim deadline was {format_long(claim_by)}, so it has passed. The tribunal or court can "
            "still accept a late claim, but it does not have to. Get legal advice straight away."
        )
    return Deadlines(
        discrimination_claim_by=claim_by, passed={"discrimination_claim_by": situation.today > claim_by}
    ), messages


# --- who is asking ---------------------------------------------------------------------


def _role_messages(situation: Situation) -> list[str]:
    age = situation.age
    if situation.role == "professional":
        return ["Only the parent or the young person can ask for mediation or appeal. You can help them to do it."]
    # From the end of compulsory school age a young person decides for themselves,
    # subject to the Mental Capacity Act 2005 (CFA 2014 s.83; CoP 8.9-8.15).
    if situation.role == "young_person" and age is not None and age < AGE_COMPULSORY_SCHOOLING_MAY_END:
        return [
            "Until the end of compulsory school age (the last Friday in June of the school "
            "year in which you turn 16), your parent usually makes these decisions. You can "
            "still take part and say what you think."
        ]
    over = situation.over_school_age
    if over is None:
        over = rules.over_compulsory_school_age(age=age, today=situation.today)
    if situation.role == "parent" and over:
        return [rules.who_acts("parent", True, situation.lacks_capacity).message]
    if situation.role == "parent" and over is None and age == AGE_COMPULSORY_SCHOOLING_MAY_END:
        return [
            "If your child has finished year 11 (after the last Friday in June of the school year in "
            "which they turn 16), the right to ask for mediation or to appeal is theirs, unless they "
            f"lack the mental capacity to decide. You can still support them. ({rules.SOURCE_YOUNG_PERSON})"
        ]
    return []


def _help_message(situation: Situation) -> str:
    where = f" for {situation.local_authority}" if situation.local_authority else ""
    return (
        "For free, impartial advice, contact the SEND Information, Advice and Support "
        f"Service (SENDIASS){where}. IPSEA gives free legal advice."
    )
