"""One family, one case across channels (issue 21): one caller's phone call and texts are one
case without anyone doing anything; cases are linked by hand with a reason (holder or manager),
audited, and taken apart again; a snoozed callback leaves the queue until its time."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.console import case_links, queue
from bot.console.models import AuditEntry
from bot.conversations import deliveries
from bot.database import session_scope
from bot.handoff.models import Escalation, record_escalation

NUMBER = "+447700900321"


def _escalate(**fields) -> str:
    values = dict(reason="person_requested", channel="web", conversation_id="web-1")
    values.update(fields)
    with session_scope() as session:
        escalation = record_escalation(session, **values)
        session.flush()
        return escalation.id


def _audit(action: str):
    with session_scope() as session:
        return [(a.actor, a.target, a.detail) for a in session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars()]


def _rows(client, **query) -> str:
    page = client.get("/console/", params=query)
    assert page.status_code == 200
    return page.text.split('<table class="table" id="queue">', 1)[-1].split("</table>", 1)[0]


def test_one_callers_call_and_texts_are_one_case_and_a_wrong_link_is_undone(console):
    call = _escalate(reason="safeguarding", channel="voice", conversation_id="voice-call-1", category="risk_to_life")
    text = _escalate(reason="callback", channel="sms", conversation_id="sms-hash-1", callback_number=NUMBER)
    other = _escalate(reason="callback", channel="sms", conversation_id="sms-hash-2", callback_number="+447700900999")
    with session_scope() as session:
        deliveries.keep_number(session, "voice-call-1", "voice", NUMBER)
        deliveries.keep_number(session, "sms-hash-1", "sms", NUMBER)
    client = console.signed_in("mediator")
    rows = _rows(client)
    reference = queue.case_reference("voice-call-1")
    assert rows.count(f'data-case="{reference}"') == 1 and queue.case_reference("sms-hash-1") not in rows
    assert "2 requests" in rows and other in rows
    assert _audit("case_linked") == [("automatic", reference, f"{queue.case_reference('sms-hash-1')} joined "
                                      f"{reference}: {case_links.SAME_NUMBER}")]
    # Searching the text conversation's own reference, or the number, finds the one case.
    assert f'data-case="{reference}"' in _rows(client, q=queue.case_reference("sms-hash-1"))
    assert f'data-case="{reference}"' in _rows(client, q="07700 900321")

    # The case page shows both conversations; resolving the case resolves both requests.
    page = client.get(f"/console/escalations/{call}")
    assert "Phone call " + reference in page.text and "Text conversation " + queue.case_reference("sms-hash-1") in page.text
    # A mediator who does not hold it cannot take the text conversation out.
    refused = client.post(f"/console/escalations/{call}/unlink",
                          data={"csrf_token": client.csrf, "reference": queue.case_reference("sms-hash-1"),
                                "confirm": "1"})
    assert refused.status_code == 409 and "Assign it to yourself first" in refused.text
    manager = console.signed_in("manager")
    asked = manager.post(f"/console/escalations/{call}/unlink",
                         data={"csrf_token": manager.csrf, "reference": queue.case_reference("sms-hash-1")})
    assert "Take " + queue.case_reference("sms-hash-1") + " out of this case?" in asked.text
    done = manager.post(f"/console/escalations/{call}/unlink",
                        data={"csrf_token": manager.csrf, "reference": queue.case_reference("sms-hash-1"),
                              "confirm": "1"})
    assert done.status_code == 303
    rows = _rows(client)  # not joined again automatically
    assert f'data-case="{queue.case_reference("sms-hash-1")}"' in rows and text in rows
    assert _audit("case_unlinked")[-1][0] == "manager"


def test_cases_are_linked_by_hand_by_their_holder_with_a_reason_and_resolved_together(console):
    first = _escalate(conversation_id="web-a", local_authority="Kent")
    second = _escalate(reason="callback", conversation_id="web-b", callback_number="+447700900111")
    client = console.signed_in("mediator")
    form = {"csrf_token": client.csrf, "other": queue.case_reference("web-b"), "reason": "Same parent, same child"}
    refused = client.post(f"/console/escalations/{first}/link", data=form)
    assert refused.status_code == 409  # nobody holds it yet: assign it first
    client.post(f"/console/escalations/{first}/assign", data={"csrf_token": client.csrf})
    short = client.post(f"/console/escalations/{first}/link", data=dict(form, reason="same"))
    assert short.status_code == 400 and "Say why these are the same family" in short.text
    asked = client.post(f"/console/escalations/{first}/link", data=form)
    assert asked.status_code == 200 and f"Link case {queue.case_reference('web-b')} to this case?" in asked.text
    with session_scope() as session:
        assert case_links.roots_of(session, ["web-b"]) == {"web-b": "web-b"}  # nothing yet
    done = client.post(f"/console/escalations/{first}/link", data=dict(form, confirm="1"))
    assert done.status_code == 303
    actor, target, detail = _audit("case_linked")[-1]
    assert (actor, target) == ("mediator", first) and detail.endswith("Same parent, same child")
    with session_scope() as session:
        assert session.get(Escalation, second).assigned_to == "mediator"  # the holder has the whole case
    client.post(f"/console/escalations/{first}/status", data={"csrf_token": client.csrf, "status": "resolved"})
    with session_scope() as session:
        assert {session.get(Escalation, i).status for i in (first, second)} == {"resolved"}


def test_a_snoozed_callback_leaves_the_queue_until_its_time(console):
    callback = _escalate(reason="callback", conversation_id="web-snooze", callback_number="+447700900222")
    client = console.signed_in("mediator")
    later = (dt.datetime.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    early = client.post(f"/console/escalations/{callback}/snooze", data={"csrf_token": client.csrf, "until": later})
    assert early.status_code == 409  # not theirs yet
    client.post(f"/console/escalations/{callback}/call", data={"csrf_token": client.csrf, "outcome": "no_answer"})
    page = client.post(f"/console/escalations/{callback}/snooze", data={"csrf_token": client.csrf, "until": later})
    assert page.status_code == 303
    assert callback not in _rows(client)
    assert "1 snoozed callback not shown" in client.get("/console/").text
    assert callback in _rows(client, snoozed="1")
    with session_scope() as session:  # the time comes
        session.execute(sa.text("UPDATE callback_snoozes SET until = :t"),
                        {"t": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=1)})
    assert "Callback due" in _rows(client)
    assert _audit("callback_snoozed")[-1][0] == "mediator"
