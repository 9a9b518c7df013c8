"""Disagreement resolution requests wait for every party's agreement; the party the
family disagrees with funds the meeting (seed: Kent 2014), and the person is told so."""
import datetime as dt

import pytest

from bot.database import session_scope
from bot.disagreement_resolution import service
from bot.disagreement_resolution.models import DisagreementResolutionRequest
from support.back_office import NOW

DR = dict(conversation_id="web-7", channel="web", local_authority="Surrey", other_party="school",
          other_party_name="Hillside Primary", disagreement="The school has cut his one-to-one support.",
          contact_preference="phone", contact_details="07700 900123", availability="After 3pm")


def test_a_request_waits_for_agreement_and_records_who_funds_it(office):
    with session_scope(office.database_url) as session:
        request_id = service.request_disagreement_resolution(session, now=NOW, **DR).id
    with session_scope(office.database_url) as session:
        request = session.get(DisagreementResolutionRequest, request_id)
        assert (request.status, request.funded_by, request.other_party_name) == (
            "waiting_for_agreement", "school", "Hillside Primary")
        assert request.requested_at == NOW and request.requested_on == NOW.date()
        assert "every party must agree to take part" in request.consent_statement
        assert "the school funds the meeting" in request.consent_statement
        assert "Kent County Council decision 14/00153" in request.consent_statement


def test_agreed_then_held_counts_as_a_meeting(office):
    with session_scope(office.database_url) as session:
        request_id = service.request_disagreement_resolution(session, now=NOW, **DR).id
        with pytest.raises(ValueError, match="cannot be marked 'held'"):
            service.mark_dr_held(session, request_id, held_on=NOW.date(), by="mediator.anne")
        service.mark_dr_agreed(session, request_id, by="mediator.anne", agreed_on=dt.date(2026, 11, 20))
        request = service.mark_dr_held(session, request_id, held_on=dt.date(2026, 11, 20), by="mediator.anne",
                                       now=dt.datetime(2026, 11, 21, 9, 0))
        assert (request.status, request.held_on, request.status_changed_by) == (
            "held", dt.date(2026, 11, 20), "mediator.anne")


def test_a_party_can_decline_and_the_reason_is_kept(office):
    with session_scope(office.database_url) as session:
        request_id = service.request_disagreement_resolution(session, now=NOW, **dict(DR, other_party="icb")).id
        with pytest.raises(ValueError, match="why the request was declined"):
            service.mark_dr_declined(session, request_id, by="mediator.anne", reason="")
        request = service.mark_dr_declined(session, request_id, by="mediator.anne", reason="The ICB would not take part")
        assert request.status == "declined" and request.funded_by == "icb"
        with pytest.raises(ValueError, match="cannot be marked 'agreed'"):
            service.mark_dr_agreed(session, request_id, by="mediator.anne")


@pytest.mark.parametrize("change,says", [
    (dict(other_party="neighbour"), "Choose one of: school, college, local_authority, icb, social_care"),
    (dict(disagreement="  "), "what the disagreement is about"),
    (dict(local_authority="Leeds"), "not one of the 16 South East councils"),
    (dict(channel="fax"), "Unknown channel"),
])
def test_bad_requests_are_refused_with_a_message(office, change, says):
    with session_scope(office.database_url) as session:
        with pytest.raises(ValueError, match=says):
            service.request_disagreement_resolution(session, now=NOW, **dict(DR, **change))
