"""A revoked certificate issued again from the console (issue 21, gap 10): a new reference,
linked both ways to the revoked one, corrected where the mediator says, audited with the reason;
never twice, never beside a valid one."""
from __future__ import annotations

import sqlalchemy as sa

from bot.console.models import AuditEntry
from bot.database import session_scope
from bot.mediation import service
from support.back_office import issue_not_pursuing


def test_a_revoked_certificate_is_issued_again_corrected_and_linked(console):
    with session_scope() as session:
        old = issue_not_pursuing(session, conversation_id="web-reissue")
        service.revoke_certificate(session, old.reference, reason="Issued with the wrong council", by="mediator")
        reference = old.reference
    client = console.signed_in("mediator")
    page = client.get(f"/console/certificates/{reference}")
    assert "Issue this certificate again" in page.text and "Jane Smith" not in page.text  # names never shown

    short = client.post(f"/console/certificates/{reference}/reissue", data={"csrf_token": client.csrf, "reason": "x"})
    assert short.status_code == 400 and "Say why it is issued again" in short.text
    done = client.post(f"/console/certificates/{reference}/reissue",
                       data={"csrf_token": client.csrf, "reason": "The council was wrong: it is Medway",
                             "local_authority": "Medway"})
    assert done.status_code == 303
    new_reference = done.headers["location"].rsplit("/", 1)[1]
    assert new_reference != reference
    with session_scope() as session:
        new = service.find_certificate(session, new_reference)
        assert (new.status, new.local_authority, new.requester_name, new.issued_by) == (
            "valid", "Medway", "Jane Smith", "Mediator Person")
        [entry] = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "certificate_reissued")).scalars()
        assert (entry.actor, entry.target) == ("mediator", new_reference)
        assert entry.detail == f"replaces {reference}; corrected: local authority: The council was wrong: it is Medway"
    assert f'id="certificate-replaces"><a href="/console/certificates/{reference}">' in client.get(
        f"/console/certificates/{new_reference}").text
    revoked = client.get(f"/console/certificates/{reference}").text
    assert new_reference in revoked and "Issue this certificate again" not in revoked
    again = client.post(f"/console/certificates/{reference}/reissue",
                        data={"csrf_token": client.csrf, "reason": "Trying a second time"})
    assert again.status_code == 400 and f"issued again already, as {new_reference}" in again.text


def test_a_valid_certificate_is_not_issued_again(console):
    with session_scope() as session:
        reference = issue_not_pursuing(session, conversation_id="web-valid").reference
    client = console.signed_in("mediator")
    refused = client.post(f"/console/certificates/{reference}/reissue",
                          data={"csrf_token": client.csrf, "reason": "Just because I can"})
    assert refused.status_code == 400 and "Only a revoked certificate can be issued again" in refused.text
