"""Mediation and DR requests in the console (statutory dates, overdue first, the staff actions,
personal details hidden), and usage per council for managers (table, chart, CSV)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import sqlalchemy as sa

from bot.console.models import AuditEntry
from bot.database import session_scope
from bot.disagreement_resolution import service as dr_requests
from bot.disagreement_resolution.models import DisagreementResolutionRequest
from bot.mediation import requests as mediation_requests, service as certificates
from bot.mediation.models import Certificate, MediationRequest

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
TODAY = NOW.date()


def mediation(conversation_id: str, la: str = "Kent", days_ago: int = 0, **extra) -> str:
    values = dict(conversation_id=conversation_id, channel="web", local_authority=la,
                  issues="Sarah Jones wants Oliver's section F to name speech therapy", health_care_in_issue=False,
                  contact_preference="email", contact_details="sarah.jones@example.com", availability="Mornings",
                  requester_name="Sarah Jones", requester_role="parent", child_name="Oliver Jones",
                  about="plan_content", decision_date=TODAY - dt.timedelta(days=days_ago + 10),
                  now=NOW - dt.timedelta(days=days_ago))
    values.update(extra)
    with session_scope() as session:
        return mediation_requests.request_mediation(session, **values).id


def dr(conversation_id: str, la: str = "Kent", days_ago: int = 0) -> str:
    with session_scope() as session:
        return dr_requests.request_disagreement_resolution(
            session, conversation_id=conversation_id, channel="voice", local_authority=la, other_party="school",
            disagreement="The school cut Oliver's support", requester_name="Sarah Jones",
            now=NOW - dt.timedelta(days=days_ago)).id


def table_rows(html: str, table_id: str):
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr class="([^"]*)" data-request="([^"]+)"|<tr data-request="([^"]+)"', body)


def audited(action: str):
    with session_scope() as session:
        return session.execute(sa.select(AuditEntry.actor, AuditEntry.target, AuditEntry.detail)
                               .where(AuditEntry.action == action)).all()


# --- requests ------------------------------------------------------------------------
def test_requests_list_statutory_dates_with_overdue_first_and_marked_in_words(console):
    recent = mediation("m-recent", days_ago=2)
    late = mediation("m-late", la="Medway", days_ago=40)
    waiting = dr("d-1", la="Surrey")
    client = console.signed_in("mediator")

    page = client.get("/console/requests")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    rows = table_rows(page.text, "mediation-requests")
    assert [(css, rid) for css, rid, _ in rows] == [("row--overdue", late), ("", recent)]
    late_row = page.text.split(f'data-request="{late}"', 1)[1].split("</tr>", 1)[0]
    assert "Overdue" in late_row and "(overdue)" in late_row  # in words, not by colour alone
    with session_scope() as session:
        arrange_by = session.get(MediationRequest, recent).arrange_by
    assert f"Arrange by: {arrange_by.day} {arrange_by:%b %Y}" in page.text  # "4 Jan 2027", no leading zero
    assert "1 overdue" in page.text
    assert f'data-request="{waiting}"' in page.text and "Waiting for agreement" in page.text
    # No names, contact details or the family's words in the list.
    assert "Sarah" not in page.text and "Oliver" not in page.text and "example.com" not in page.text

    medway = client.get("/console/requests", params={"local_authority": "Medway"}).text
    assert late in medway and recent not in medway and waiting not in medway
    only_dr = client.get("/console/requests", params={"kind": "dr", "status": "waiting_for_agreement"}).text
    assert waiting in only_dr and "mediation-requests" not in only_dr
    overdue = client.get("/console/requests", params={"overdue": "1"}).text
    assert late in overdue and recent not in overdue


def test_a_request_hides_personal_details_until_a_reason_is_given(console):
    request_id = mediation("m-1")
    client = console.signed_in("mediator")
    page = client.get(f"/console/requests/mediation/{request_id}").text
    assert "Sarah" not in page and "Oliver" not in page and "sarah.jones@example.com" not in page
    assert "speech therapy" in page and "Recorded (hidden)" in page
    assert "30 days from" in page and "Source: SEND Regulations 2014" in page  # the clock in full, with its source

    short = client.post(f"/console/requests/mediation/{request_id}/reveal", data={"csrf_token": client.csrf,
                                                                                  "reason": "need"})
    assert short.status_code == 400 and "at least 10 characters" in short.text and "Sarah" not in short.text
    shown = client.post(f"/console/requests/mediation/{request_id}/reveal",
                        data={"csrf_token": client.csrf, "reason": "Arranging the meeting with the family"})
    assert shown.status_code == 200 and "sarah.jones@example.com" in shown.text and "Oliver Jones" in shown.text
    assert audited("mediation_request_revealed") == [("mediator", request_id, "Arranging the meeting with the family")]
    assert {target for _, target, _ in audited("mediation_request_viewed")} == {request_id}


def test_mediator_marks_a_request_not_arranged_and_issues_the_deemed_certificate(console):
    request_id = mediation("m-2", days_ago=35)
    client = console.signed_in("mediator")
    base = f"/console/requests/mediation/{request_id}"

    future = (TODAY + dt.timedelta(days=3)).isoformat()
    refused = client.post(f"{base}/held", data={"csrf_token": client.csrf, "held_on": future})
    assert refused.status_code == 400 and "is after today" in refused.text
    blank = client.post(f"{base}/held", data={"csrf_token": client.csrf, "held_on": ""})
    assert blank.status_code == 400 and "Enter the day mediation ended" in blank.text

    assert client.post(f"{base}/not-arranged", data={"csrf_token": client.csrf}).status_code == 303
    page = client.get(base).text
    assert 'id="request-status">Not arranged in time' in page
    due = mediation_requests.certificate_due(TODAY)
    assert f"Issue the certificate by: {due.day} {due:%B %Y}" in page

    issued = client.post(f"{base}/certificate", data={"csrf_token": client.csrf})
    assert issued.status_code == 303
    page = client.get(base).text
    reference = re.search(r'href="/console/certificates/([^"]+)">', page).group(1)
    assert "deemed, valid" in page
    with session_scope() as session:
        certificate = session.execute(sa.select(Certificate)).scalar_one()
        assert (certificate.reference, certificate.kind, certificate.issued_by) == (reference, "deemed", "mediator")
        assert certificate.requester_name == "Sarah Jones"
    assert audited("mediation_request_not_arranged") == [("mediator", request_id, "not arranged in time")]
    assert audited("mediation_request_certificate") == [("mediator", request_id, f"deemed certificate {reference}")]
    # Nothing more can be done to it but issue the same certificate again.
    again = client.post(f"{base}/withdraw", data={"csrf_token": client.csrf, "confirm": "1",
                                                  "reason": "The family asked us to stop"})
    assert again.status_code == 400 and "cannot be marked &#39;withdrawn&#39;" in again.text


def test_mediation_arranged_then_held_and_dr_agreed_held_declined_withdrawn(console):
    request_id = mediation("m-3")
    agreed_id, declined_id, withdrawn_id = dr("d-1"), dr("d-2"), dr("d-3")
    client = console.signed_in("mediator")
    base = f"/console/requests/mediation/{request_id}"
    meeting = (TODAY + dt.timedelta(days=10)).isoformat()
    assert client.post(f"{base}/arranged", data={"csrf_token": client.csrf, "meeting_on": meeting}).status_code == 303
    assert client.post(f"{base}/held", data={"csrf_token": client.csrf, "held_on": TODAY.isoformat()}).status_code == 303
    assert "Issue the certificate after mediation" in client.get(base).text

    post = lambda rid, action, **data: client.post(f"/console/requests/dr/{rid}/{action}",  # noqa: E731
                                                   data={"csrf_token": client.csrf, **data})
    assert post(agreed_id, "agreed").status_code == 303
    assert post(agreed_id, "held", held_on=TODAY.isoformat()).status_code == 303
    no_reason = post(declined_id, "declined")
    assert no_reason.status_code == 400 and "why the request was declined" in no_reason.text.lower()
    assert post(declined_id, "declined", reason="The school would not take part").status_code == 303
    # A withdrawal needs a reason and a confirmation (issue 21).
    assert post(withdrawn_id, "withdraw").status_code == 400
    assert post(withdrawn_id, "withdraw", reason="The school agreed a plan").status_code == 400
    assert post(withdrawn_id, "withdraw", reason="The school agreed a plan", confirm="1").status_code == 303
    assert post(withdrawn_id, "no-such-action").status_code == 404
    with session_scope() as session:
        statuses = {r.id: r.status for r in session.execute(sa.select(DisagreementResolutionRequest)).scalars()}
        assert session.get(MediationRequest, request_id).status == "held"
    assert statuses == {agreed_id: "held", declined_id: "declined", withdrawn_id: "withdrawn"}
    assert len(audited("dr_request_held")) == 1 and audited("dr_request_declined")[0][2] == "declined"


# --- usage ---------------------------------------------------------------------------
def test_managers_see_usage_as_a_table_a_chart_with_a_text_alternative_and_a_csv(console):
    from support.back_office import issue_not_pursuing

    with session_scope() as session:
        issue_not_pursuing(session, conversation_id="c-1", now=NOW, decision_date=TODAY - dt.timedelta(days=5))
        issue_not_pursuing(session, conversation_id="c-2", now=NOW, decision_date=TODAY - dt.timedelta(days=5),
                           local_authority="Medway")
        # A revoked certificate is not usage (issue 21): Kent still counts one.
        revoked = issue_not_pursuing(session, conversation_id="c-3", now=NOW,
                                     decision_date=TODAY - dt.timedelta(days=5)).reference
    with session_scope() as session:
        certificates.revoke_certificate(session, revoked, reason="Issued in error, wrong council", by="staff")
    for n in range(6):  # Kent: five core meetings, then one pay-as-you-go
        request_id = mediation(f"m-{n}")
        with session_scope() as session:
            mediation_requests.mark_mediation_held(session, request_id, held_on=TODAY, by="staff")
    month = TODAY.strftime("%Y-%m")
    client = console.signed_in("manager")

    page = client.get("/console/usage")
    assert page.status_code == 200
    svg = page.text.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert "Kent: 1 certificate, 6 mediations held, 0 DR meetings held" in svg  # the description, in words
    assert ">DR meetings held</li>" in page.text and "Dr meetings" not in page.text  # the legend
    assert ">6 mediations held</text>" in svg  # every bar says what it is
    assert "<script" not in page.text.split("</header>", 1)[1]
    kent = page.text.split('id="usage"', 1)[1].split("</table>", 1)[0].split("Kent</th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+)<", kent) == ["1", "6", "6", "0", "0", "5", "1"]

    response = client.get(f"/console/usage.csv?start={month}&end={month}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert f'filename="usage-{month}-to-{month}.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["local_authority"], r["certificates_issued"], r["mediations_held"], r["core_meetings"],
             r["payg_meetings"]) for r in rows] == [("Kent", "1", "6", "5", "1"), ("Medway", "1", "0", "0", "0")]
    assert audited("usage_downloaded")[0][1] == f"{month} to {month}"

    # The console's PDF of the revoked certificate says so on its face.
    from pypdf import PdfReader

    pdf = client.get(f"/console/certificates/{revoked}/pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "REVOKED on" in text and "no longer valid" in text

    bad = client.get("/console/usage?start=last-year")
    assert bad.status_code == 400 and "for example 2026-04" in bad.text
    assert client.get("/console/usage.csv?start=2026-05&end=2026-01").status_code == 400
    earlier = client.get("/console/usage.csv?start=2020-01&end=2020-02").text
    assert earlier.strip() == ",".join(["local_authority", "month", "certificates_issued", "mediations_requested",
                                        "mediations_held", "dr_requested", "dr_held", "core_meetings",
                                        "payg_meetings"])


def test_requests_and_usage_are_in_the_header_for_those_who_may_see_them(console):
    mediator = console.signed_in("mediator").get("/console/").text
    manager = console.signed_in("manager").get("/console/").text
    assert 'href="/console/requests"' in mediator and 'href="/console/usage"' not in mediator
    assert 'href="/console/requests"' in manager and 'href="/console/usage"' in manager
