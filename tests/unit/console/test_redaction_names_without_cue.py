"""A child's first name said without a cue inside a DR request's words is hidden in the
console until a reason is given (issue 20); the council, months and the service's words stay."""

from __future__ import annotations

import datetime as dt
import html

from bot.database import session_scope
from bot.disagreement_resolution import service as dr_requests


def test_a_childs_first_name_without_a_cue_is_hidden_in_a_dr_request(console):
    with session_scope() as session:
        request_id = dr_requests.request_disagreement_resolution(
            session,
            conversation_id="dr-1",
            channel="web",
            local_authority="Kent",
            other_party="school",
            disagreement="Alfie has been out of school since May. The Tribunal is our last resort; Kent has not "
            "replied and Alfie's EHCP is a year late.",
            requester_name="Sarah Jones",
            now=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        ).id
    client = console.signed_in("mediator")
    page = html.unescape(client.get(f"/console/requests/dr/{request_id}").text)
    assert "Alfie" not in page
    assert "[name] has been out of school since May" in page and "[name]'s EHCP is a year late" in page
    assert "The Tribunal is our last resort; Kent has not replied" in page

    shown = client.post(
        f"/console/requests/dr/{request_id}/reveal",
        data={"csrf_token": client.csrf, "reason": "Arranging the meeting with the family"},
    )
    assert shown.status_code == 200 and "Alfie has been out of school since May" in html.unescape(shown.text)
