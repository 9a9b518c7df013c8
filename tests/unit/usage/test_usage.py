"""Usage per council per month for billing: certificates, mediation and DR requests and
meetings held; each council's first 5 meetings over the contract are core, the rest
pay-as-you-go (seed: Kent 2014)."""
import datetime as dt

from bot.database import session_scope
from bot.disagreement_resolution import service as dr_requests
from bot.mediation import requests as mediation_requests
from bot.usage.service import UsageRow, core_allowance, usage_by_la_month
from support.back_office import issue_not_pursuing

OCT, NOV = dt.datetime(2026, 10, 5, 10, 0), dt.datetime(2026, 11, 20, 10, 0)


def _mediation(session, n, la, requested, held_on=None):
    request = mediation_requests.request_mediation(
        session, conversation_id=f"m-{n}", channel="web", local_authority=la, issues="Section F",
        health_care_in_issue=False, contact_preference="phone", availability="Any day", now=requested)
    if held_on:
        mediation_requests.mark_mediation_held(session, request.id, held_on=held_on, by="staff", now=NOV)
    return request


def _dr(session, n, la, requested, held_on=None):
    request = dr_requests.request_disagreement_resolution(
        session, conversation_id=f"d-{n}", channel="voice", local_authority=la, other_party="school",
        disagreement="Support cut", now=requested)
    if held_on:
        dr_requests.mark_dr_agreed(session, request.id, by="staff", now=NOV)
        dr_requests.mark_dr_held(session, request.id, held_on=held_on, by="staff", now=NOV)
    return request


def test_counts_per_council_per_month_with_core_and_pay_as_you_go(office):
    with session_scope(office.database_url) as session:
        issue_not_pursuing(session, conversation_id="c1", now=OCT, decision_date=dt.date(2026, 9, 1))
        issue_not_pursuing(session, conversation_id="c2", now=NOV)
        issue_not_pursuing(session, conversation_id="c3", now=NOV, local_authority="Medway")
        # Kent: four mediations held in October, then two DR meetings held in November:
        # the sixth meeting is beyond the 5 of the core subscription.
        for n in range(4):
            _mediation(session, n, "Kent", OCT, held_on=dt.date(2026, 10, 20 + n))
        _mediation(session, 9, "Kent", NOV)  # requested, not held
        _dr(session, 1, "Kent", OCT, held_on=dt.date(2026, 11, 2))
        _dr(session, 2, "Kent", NOV, held_on=dt.date(2026, 11, 20))
        _dr(session, 3, "Medway", NOV)

    with session_scope(office.database_url) as session:
        rows = usage_by_la_month(session, dt.date(2026, 10, 1), dt.date(2026, 11, 30))
        assert rows == [
            UsageRow("Kent", "2026-10", certificates_issued=1, mediations_requested=4, mediations_held=4, dr_requested=1,
                     core_meetings=4),
            UsageRow("Kent", "2026-11", certificates_issued=1, mediations_requested=1, dr_requested=1, dr_held=2,
                     core_meetings=1, payg_meetings=1),
            UsageRow("Medway", "2026-11", certificates_issued=1, dr_requested=1),
        ]
        # November alone still knows that October used 4 of Kent's 5 core meetings.
        november = usage_by_la_month(session, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert [(r.la, r.core_meetings, r.payg_meetings) for r in november] == [("Kent", 1, 1), ("Medway", 0, 0)]

        allowance = {row.la: row for row in core_allowance(session)}
        assert len(allowance) == 16
        kent = allowance["Kent"]
        assert (kent.meetings_held, kent.core_used, kent.core_remaining, kent.payg_meetings) == (6, 5, 0, 1)
        assert (allowance["Medway"].core_remaining, allowance["Medway"].payg_meetings) == (5, 0)


def test_meetings_before_the_contract_started_do_not_use_the_allowance(office, reconfigure):
    with session_scope(office.database_url) as session:
        _mediation(session, 1, "Surrey", OCT, held_on=dt.date(2026, 10, 30))
    settings = reconfigure(CONTRACT_START="2026-11-01", CORE_MEETINGS_PER_LA="3")
    with session_scope(office.database_url) as session:
        surrey = {row.la: row for row in core_allowance(session, settings=settings)}["Surrey"]
        assert (surrey.meetings_held, surrey.core_remaining) == (0, 3)
