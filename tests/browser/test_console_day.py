"""A mediator's working day in the console (issue 21), in headless Chromium against the real
web app (uvicorn) and its database: the family's chat page, two mediators and a manager in
their own browsers. Each bug of the issue is a test here; axe audits each changed page at
1366x768 and at 200% zoom (a 683x384 viewport).
"""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from bot.database import session_scope
from bot.handoff.models import Escalation, record_escalation
from bot.webchat.models import ChatConversation
from console_support import PASSWORD, WebApp, sign_in
from support.console import add_user, save_conversation

ALWAYS_STAFFED = ",".join(f"{day}=00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
DESKTOP = {"width": 1366, "height": 768}
ZOOM_200 = {"width": 683, "height": 384}  # 1366x768 at 200% zoom


@pytest.fixture(scope="module")
def day_app(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('day') / 'day.db'}"
    app = WebApp(database_url, port=17110, STAFFED_HOURS=ALWAYS_STAFFED, WEBCHAT_POLL_SECONDS="1",
                 MEDIATOR_NUMBERS="", SAFEGUARDING_REMINDER_SECONDS="3600")
    app.migrate()
    add_user(database_url, "mia", "mediator", PASSWORD, "Mia Mediator")
    add_user(database_url, "priya", "mediator", PASSWORD, "Priya Patel")
    add_user(database_url, "max", "manager", PASSWORD, "Max Manager")
    app.database_url = database_url
    app.start()
    yield app
    app.stop()


@pytest.fixture
def here(day_app, monkeypatch):
    """This process's settings pointed at the app's database, to act as the chat relay does."""
    from bot import database
    from bot.settings import get_settings

    for name in ("DATABASE_URL", "STAFFED_HOURS", "RASA_URL", "MEDIATOR_NUMBERS"):
        monkeypatch.setenv(name, day_app.env.get(name, ""))
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    database.get_engine.cache_clear()
    yield day_app
    get_settings.cache_clear()
    database.get_engine.cache_clear()


def browser(chromium, viewport=DESKTOP):
    page = chromium.new_context(viewport=viewport, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    return page


def axe_audit(page, state: str) -> None:
    """No violations at all, whatever their impact (minor and moderate ones too)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    found = "; ".join(f"{v['id']} ({v.get('impact')}): {[n['target'] for n in v['nodes']]}" for v in violations)
    if os.environ.get("AXE_REPORT"):  # to list every violation in one run: AXE_REPORT=file
        with open(os.environ["AXE_REPORT"], "a") as report:
            report.write(f"{state}: {found}\n")
        return
    assert not violations, f"{state}: {found}"


def audit_both_sizes(chromium, app, user: str, path: str, state: str) -> None:
    """axe at 1366x768 and at 200% zoom, signed in as `user`."""
    for viewport in (DESKTOP, ZOOM_200):
        page = browser(chromium, viewport)
        try:
            sign_in(page, app, user)
            page.goto(f"{app.url}{path}")
            axe_audit(page, f"{state} at {viewport['width']}x{viewport['height']}")
        finally:
            page.context.close()


def open_chat(page, app) -> str:
    page.goto(app.url)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page.evaluate("() => window.localStorage.getItem('sendline.chat.session')")


def escalation_of(app, conversation_id: str) -> str:
    with session_scope(app.database_url) as session:
        return session.execute(sa.select(Escalation.id).where(Escalation.conversation_id == conversation_id)
                               .order_by(Escalation.created_at)).scalars().first()


def audit_rows(app, action: str):
    with session_scope(app.database_url) as session:
        return session.execute(sa.text("SELECT actor, target, detail FROM audit_log WHERE action = :a ORDER BY id"),
                               {"a": action}).all()


def csrf_of(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def family_says(page, text: str) -> None:
    page.locator("#message").fill(text)
    page.keyboard.press("Enter")


# --- the live chat: ownership, live updates, resolving hands back ----------------------
def test_only_the_holder_writes_in_a_live_chat_and_resolving_hands_it_back(chromium, here):
    """Issue 21's bugs: a second mediator replied into a colleague's chat and handed it back;
    'Resolved' left the chat held; the chat page never showed the family's new messages or that
    they had left. Issue 20: one mediator could write into another's live chat."""
    from bot.webchat import live

    app = here
    family, mia, priya = browser(chromium), browser(chromium), browser(chromium)
    try:
        conversation = open_chat(family, app)
        live.request_person(conversation, "person_requested")
        escalation_id = escalation_of(app, conversation)
        case = f"{app.url}/console/escalations/{escalation_id}"

        sign_in(mia, app, "mia")
        # The live chat waiting for a person is marked in the queue.
        expect(mia.locator(f"#queue tr[data-escalation='{escalation_id}']")).to_contain_text(
            "Live chat: waiting for a mediator")
        mia.goto(case)
        expect(mia.locator("#live-owner")).to_have_text("Waiting for a mediator to join")
        mia.get_by_role("button", name="Take over", exact=True).click()
        expect(mia.locator("#live-owner")).to_have_text("You are in this chat")
        expect(family.locator("#messages")).to_contain_text("Mia from our mediation team has joined the chat.")
        mia.get_by_label("Reply").fill("Hello, I'm Mia. How can I help?")
        mia.get_by_role("button", name="Send reply").click()
        expect(family.locator("#messages li.message--staff").last).to_contain_text("Hello, I'm Mia")
        # The reply box sits after the newest message; replies are labelled with the mediator's name.
        assert mia.evaluate("""() => document.getElementById('live-messages').compareDocumentPosition(
            document.getElementById('reply-text')) & Node.DOCUMENT_POSITION_FOLLOWING""")
        expect(mia.locator("#live-messages li.turn--staff").last).to_contain_text("Mia, ")

        # The family writes: Mia's page shows it without reloading.
        family_says(family, "The council refused to assess my son")
        expect(mia.locator("#live-messages")).to_contain_text("The council refused to assess my son", timeout=10_000)
        expect(mia.locator("#live-presence")).to_have_text("The family has the chat open.")
        axe_audit(mia, "case page in a live chat")

        # Priya, another mediator, sees who holds it and cannot reply, take over or hand back.
        sign_in(priya, app, "priya")
        priya.goto(case)
        expect(priya.locator("#holder")).to_have_text("Mia Mediator is handling this case.")
        expect(priya.locator("#live-owner")).to_have_text("Mia Mediator is in this chat")
        expect(priya.get_by_label("Reply")).to_have_count(0)
        refused = priya.request.post(f"{case}/reply", form={"csrf_token": csrf_of(priya), "text": "Priya here"})
        assert refused.status == 409 and "Only they can reply" in refused.text()
        priya.get_by_role("button", name="Hand back to the assistant").click()
        expect(priya.locator("#reply-error")).to_contain_text("Mia Mediator is in this live chat")
        priya.get_by_role("button", name="Take over from Mia Mediator").click()
        expect(priya.locator("#reply-error")).to_contain_text("Only they, or a manager")
        assert live.owner_of(conversation).staff_username == "mia"
        assert "Priya here" not in family.locator("#messages").inner_text()

        # The family leaves: Mia's page says so.
        family.context.close()
        expect(mia.locator("#live-presence")).to_have_text("The family has left the chat.", timeout=10_000)

        # Resolving the held chat hands it back to the assistant first.
        mia.get_by_label("Change status").select_option("resolved")
        mia.get_by_role("button", name="Save status").click()
        expect(mia.locator("#status")).to_have_text("Resolved")
        assert live.owner_of(conversation).state.value == "resolved"
        assert not live.is_held(conversation)
        expect(mia.locator("#live-messages")).to_contain_text("The mediator has left the chat")
        assert [row.detail for row in audit_rows(app, "live_resolve")][-1].startswith("C-")
    finally:
        for page in (family, mia, priya):
            if not page.is_closed():
                page.context.close()
    audit_both_sizes(chromium, app, "mia", f"/console/escalations/{escalation_id}", "a resolved live chat")


def test_a_manager_takes_over_a_colleagues_chat_only_after_confirming_and_it_is_audited(chromium, here):
    """'Assign to me' no longer silently takes a case from someone in its live chat."""
    from bot.webchat import live

    app = here
    family, max_ = browser(chromium), browser(chromium)
    try:
        conversation = open_chat(family, app)
        live.request_person(conversation, "person_requested")
        live.take_over(conversation, "mia", "Mia Mediator")
        escalation_id = escalation_of(app, conversation)
        with session_scope(app.database_url) as session:
            escalation = session.get(Escalation, escalation_id)
            escalation.assigned_to, escalation.status = "mia", "assigned"

        sign_in(max_, app, "max")
        max_.goto(f"{app.url}/console/escalations/{escalation_id}")
        max_.get_by_role("button", name="Assign to me").click()
        confirm = max_.locator("#confirm")
        expect(confirm).to_contain_text("Assign this case to you?")
        expect(confirm).to_contain_text("Mia Mediator has this case and is in its live chat")
        axe_audit(max_, "confirmation")
        confirm.get_by_role("link", name="Cancel").click()
        expect(max_.locator("#assigned-to")).to_have_text("Mia Mediator")
        assert live.owner_of(conversation).staff_username == "mia"

        max_.get_by_role("button", name="Take over from Mia Mediator").click()
        expect(max_.locator("#confirm")).to_contain_text("Take over from Mia Mediator?")
        max_.get_by_role("button", name="Yes, take over from Mia Mediator").click()
        expect(max_.locator("#live-owner")).to_have_text("You are in this chat")
        expect(max_.locator("#assigned-to")).to_have_text("Max Manager")
        expect(family.locator("#messages")).to_contain_text("Max from our mediation team has joined the chat.")
        assert live.owner_of(conversation).staff_username == "max"
        actor, target, detail = audit_rows(app, "live_take_over")[-1]
        assert actor == "max" and target == escalation_id and detail.endswith("from mia")
        # Mia can no longer write into it.
        with pytest.raises(live.HeldByColleague):
            live.send_staff_message(conversation, "Still me", "Mia Mediator", "mia")
    finally:
        family.context.close()
        max_.context.close()


def test_a_manager_reassigns_a_case_to_a_named_colleague_with_confirmation(chromium, here):
    app = here
    escalation_id = _escalate(app, conversation_id="web-reassign-fixture", local_authority="Kent")
    page = browser(chromium)
    try:
        sign_in(page, app, "max")
        page.goto(f"{app.url}/console/escalations/{escalation_id}")
        page.get_by_label("Assign to a colleague").select_option(label="Priya Patel")
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.locator("#confirm")).to_contain_text("Assign this case to Priya Patel?")
        expect(page.locator("#assigned-to")).to_have_text("Nobody")
        page.get_by_role("button", name="Yes, assign it to Priya Patel").click()
        expect(page.locator("#assigned-to")).to_have_text("Priya Patel")
        actor, _, detail = audit_rows(app, "escalation_assigned")[-1]
        assert actor == "max" and detail == "to priya"
    finally:
        page.context.close()


# --- one case per family, the queue row, the callback workflow -------------------------
def _escalate(app, **fields) -> str:
    values = dict(reason="person_requested", channel="web", conversation_id="web-fixture-case")
    values.update(fields)
    created_at = values.pop("created_at", None)
    with session_scope(app.database_url) as session:
        escalation = record_escalation(session, **values)
        session.flush()
        if created_at:
            escalation.created_at = created_at
        return escalation.id


def test_a_family_is_one_case_and_a_callback_is_worked_to_an_outcome(chromium, here):
    app = here
    conversation = "web-family-one-case-0001"
    save_conversation(app.database_url, conversation)
    concern = _escalate(app, reason="safeguarding", conversation_id=conversation, category="carer_breaking_point",
                        local_authority="Medway", summary="Web chat: the person may be at risk (safeguarding).")
    callback = _escalate(app, reason="callback", conversation_id=conversation, callback_number="+447700900456",
                         preferred_time="after 3pm", summary="Web chat: the person asked to be called back.")
    with session_scope(app.database_url) as session:  # the person said who they are in the chat
        session.add(ChatConversation(id=conversation, role="parent"))
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        rows = page.locator(f"#queue tr[data-case]").filter(has=page.locator(f"a[href$='{concern}'], a[href$='{callback}']"))
        expect(rows).to_have_count(1)  # one row for the family, the urgent concern leading
        row = rows.first
        expect(row).to_contain_text("Urgent")
        expect(row).to_contain_text("2 requests")
        expect(row).to_contain_text("Call back by phone")
        expect(row).to_contain_text("Preferred time: after 3pm")
        expect(row).to_contain_text("Medway")
        expect(row).to_contain_text("Parent or carer")  # who
        axe_audit(page, "queue")
        row.get_by_role("link").first.click()
        expect(page.locator("#history")).to_contain_text("Callback")

        # The number is hidden until revealed with a reason; then it is a tel: link.
        expect(page.locator("#callback-number")).to_contain_text("[phone number]")
        page.get_by_label("Why do you need to see personal details?").fill("Calling the family back as asked")
        page.get_by_role("button", name="Show personal details").click()
        number = page.locator("a#callback-number")
        expect(number).to_have_attribute("href", "tel:+447700900456")

        # Tried: no answer, with a next try; the number stays revealed for the holder this visit.
        page.get_by_label("No answer").check()
        page.get_by_label("Try again at (optional)").fill((dt.datetime.now() + dt.timedelta(hours=2))
                                                          .strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="Record the call").click()
        expect(page.locator("#attempt-count")).to_have_text("1 try so far.")
        expect(page.locator("#status")).to_have_text("Waiting")
        expect(page.locator("a#callback-number")).to_be_visible()
        page.goto(f"{app.url}/console/")
        expect(page.locator(f"#queue tr[data-escalation='{concern}']")).to_contain_text("Next try")
        page.goto(f"{app.url}/console/escalations/{concern}")
        expect(page.locator("a#callback-number")).to_be_visible()
        axe_audit(page, "callback in progress")

        # Voicemail, then reached: the case closes with the outcome; both requests are resolved.
        page.get_by_label("Voicemail left").check()
        page.get_by_role("button", name="Record the call").click()
        expect(page.locator("#attempt-count")).to_have_text("2 tries so far.")
        page.get_by_label("Reached").check()
        page.get_by_role("button", name="Record the call").click()
        expect(page.locator("#status")).to_have_text("Resolved")
        expect(page.locator("#attempts")).to_contain_text("Reached")
        with session_scope(app.database_url) as session:
            statuses = {e.status for e in session.execute(sa.select(Escalation).where(
                Escalation.conversation_id == conversation)).scalars()}
        assert statuses == {"resolved"}
        reveals = audit_rows(app, "transcript_revealed") + audit_rows(app, "personal_details_shown")
        assert len([r for r in reveals if r.target == concern]) >= 3  # the reveal and each page shown revealed
        # The transcript is for people: no action or intent names.
        assert "utter_answer" not in page.locator("#transcript").inner_text()
        assert "ask_ehcp" not in page.locator("#transcript").inner_text()
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "mia", f"/console/escalations/{concern}", "a closed callback")


def test_search_by_reference_and_phone_and_times_in_london(chromium, here):
    from bot.console.queue import case_reference

    app = here
    summer = _escalate(app, reason="callback", conversation_id="sms-search-fixture", channel="sms",
                       callback_number="+447700900789", created_at=dt.datetime(2026, 7, 4, 10, 5))
    winter = _escalate(app, conversation_id="web-winter-fixture", created_at=dt.datetime(2026, 1, 4, 9, 30))
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.get_by_label("Search by reference or phone number").fill("07700 900789")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#queue tbody tr")).to_have_count(1)
        expect(page.locator("#queue tbody tr").first).to_have_attribute("data-escalation", summer)
        page.get_by_label("Search by reference or phone number").fill(case_reference("web-winter-fixture").lower())
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#queue tbody tr")).to_have_count(1)
        expect(page.locator("#queue tbody tr").first).to_have_attribute("data-escalation", winter)
        axe_audit(page, "queue search")
        # Times are UK time: 10:05 UTC in July is 11:05 in London; dates have no leading zero.
        page.goto(f"{app.url}/console/escalations/{summer}")
        expect(page.get_by_text("4 July 2026 at 11:05")).to_be_visible()
        page.goto(f"{app.url}/console/escalations/{winter}")
        expect(page.get_by_text("4 January 2026 at 09:30")).to_be_visible()
    finally:
        page.context.close()


def test_the_console_never_shows_a_web_chat_key(chromium, here):
    """Issue 20: the console and the audit log refer to a conversation by its case reference."""
    from bot.webchat import live

    app = here
    family, mia, max_ = browser(chromium), browser(chromium), browser(chromium)
    try:
        conversation = open_chat(family, app)
        live.request_person(conversation, "person_requested")
        escalation_id = escalation_of(app, conversation)
        sign_in(mia, app, "mia")
        mia.goto(f"{app.url}/console/escalations/{escalation_id}")
        mia.get_by_role("button", name="Take over", exact=True).click()
        mia.get_by_label("Why do you need to see personal details?").fill("Checking what the family asked for")
        mia.get_by_role("button", name="Show personal details").click()
        assert conversation not in mia.content()
        mia.goto(f"{app.url}/console/")
        assert conversation not in mia.content()
        sign_in(max_, app, "max")
        max_.get_by_role("link", name="Audit log").click()
        expect(max_.locator("#audit")).to_contain_text("transcript_revealed")
        assert conversation not in max_.content()
    finally:
        for page in (family, mia, max_):
            page.context.close()


def test_alerts_that_could_not_be_sent_show_in_the_console_and_health(chromium, here):
    """No MEDIATOR_NUMBERS: nobody is texted, and the console and /health say so."""
    import httpx

    app = here
    with session_scope(app.database_url) as session:
        record_escalation(session, reason="safeguarding", channel="web", conversation_id="web-unalerted-fixture",
                          notify=True)
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        banner = page.locator("#alert-failures")
        expect(banner).to_contain_text("Staff are not being alerted by text")
        expect(banner).to_contain_text("no mediator numbers are configured")
        axe_audit(page, "queue with the alert failure banner")
    finally:
        page.context.close()
    health = httpx.get(f"{app.url}/health", timeout=30).json()["components"]["staff_alerts"]
    assert health["status"] == "failing" and health["detail"]["not_sent_24h"] >= 1
    assert health["detail"]["urgent_not_sent_24h"] >= 1


def test_a_handoff_asked_for_on_the_rest_channel_reaches_the_queue(chromium, here):
    """Issue 21: a handoff asked for over Rasa's REST channel created no queue entry. The
    assistant's handoff (actions/handoff.py) now stores it when no channel of the web app carries
    the conversation; the web chat's own messages (metadata channel "web") are left to the relay."""
    from rasa_sdk import Tracker

    from actions.handoff import request_escalation
    from bot.console.queue import case_reference

    app = here

    def tracker(sender: str, metadata: dict) -> Tracker:
        user = {"event": "user", "text": "I want to talk to a person", "metadata": metadata,
                "parse_data": {"intent": {"name": "request_human", "confidence": 0.98}, "entities": []}}
        return Tracker(sender, {}, user["parse_data"], [user], False, None, {}, "action_listen")

    request_escalation(tracker("rest-api-client-0001", {}), "asked for a person")
    request_escalation(tracker("web-relayed-fixture-0001", {"channel": "web"}), "asked for a person")
    assert escalation_of(app, "web-relayed-fixture-0001") is None  # the relay stores that one itself
    escalation_id = escalation_of(app, "rest-api-client-0001")
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.get_by_label("Search by reference or phone number").fill(case_reference("rest-api-client-0001"))
        page.get_by_role("button", name="Filter").click()
        row = page.locator("#queue tbody tr")
        expect(row).to_have_count(1)
        expect(row.first).to_have_attribute("data-escalation", escalation_id)
        expect(row.first).to_contain_text("Person requested")
        expect(row.first).to_contain_text("REST channel: the person asked for a person.")
    finally:
        page.context.close()


# --- requests: the family's reference, ICBs told, checked dates, withdrawals -----------
def test_a_request_is_found_by_the_familys_reference_and_worked_with_checks(chromium, here):
    """Issue 21 gap 9: the family's reference could not be searched; 'ICB told' could not be
    recorded; a meeting after 'arrange by' was taken without a word; 'withdrawn' had no reason
    or confirmation."""
    from bot.mediation import requests as service
    from bot.models import import_all_models

    import_all_models()
    app = here
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=9)
    with session_scope(app.database_url) as session:
        request = service.request_mediation(
            session, conversation_id="web-request-fixture", channel="web", local_authority="Kent",
            issues="Section F should name speech therapy", health_care_in_issue=True,
            icbs=["NHS Kent and Medway ICB"], contact_preference="phone", availability="Mornings",
            requester_name="Jo Bloggs", requester_role="parent", child_name="Sam Bloggs", about="plan_content",
            decision_date=dt.date.today() - dt.timedelta(days=20), now=now)
        request_id, reference, arrange_by = request.id, request.id[:8].upper(), request.arrange_by
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.get_by_role("link", name="Requests").click()
        page.get_by_label("Family's reference").fill(reference.lower())
        page.get_by_role("button", name="Filter").click()
        rows = page.locator("#mediation-requests tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-request", request_id)
        expect(rows.first).to_contain_text("Tell the ICBs by")
        expect(rows.first).to_contain_text("(overdue)")
        axe_audit(page, "requests searched by reference")
        rows.first.get_by_role("link", name=re.compile("Open")).click()
        expect(page.locator("#request-reference")).to_have_text(reference)

        # ICBs told: recorded, and the clock is met.
        expect(page.locator("#icb-told")).to_have_text("Not yet recorded")
        page.get_by_role("button", name="Record that the ICBs were told").click()
        expect(page.locator("#icb-told")).to_contain_text("Yes, on")
        expect(page.locator("#clocks")).to_contain_text("(done)")
        assert audit_rows(app, "mediation_request_icb_told")[-1].actor == "mia"

        # A meeting after 'arrange by' needs a confirmation.
        late = arrange_by + dt.timedelta(days=7)
        page.get_by_label("Date of the mediation meeting").fill(late.isoformat())
        page.get_by_role("button", name="Mark arranged").click()
        expect(page.locator(".error-summary")).to_contain_text("is after the date mediation must take place by")
        expect(page.locator("#request-status")).to_have_text("Requested")
        axe_audit(page, "a late meeting date refused")

        # Withdrawal: a reason and a confirmation, or nothing changes.
        page.get_by_role("button", name="Mark withdrawn").click()
        expect(page.locator(".error-summary")).to_contain_text("Say why the request is withdrawn")
        page.get_by_label("Why is the request withdrawn?").fill("The family agreed the plan with the council")
        page.get_by_role("button", name="Mark withdrawn").click()
        expect(page.locator(".error-summary")).to_contain_text("Confirm that the family asked to withdraw")
        expect(page.locator("#request-status")).to_have_text("Requested")
        page.get_by_label("Why is the request withdrawn?").fill("The family agreed the plan with the council")
        page.get_by_label("The family asked to withdraw this request").check()
        page.get_by_role("button", name="Mark withdrawn").click()
        expect(page.locator("#request-status")).to_have_text("Withdrawn")
        assert "The family agreed the plan" in audit_rows(app, "mediation_request_withdraw")[-1].detail
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "mia", f"/console/requests/mediation/{request_id}", "a withdrawn request")


def test_a_mediator_working_a_case_is_alerted_to_a_new_urgent_escalation(chromium, here):
    """Issue 21: a mediator on an escalation page got no urgent alert within 60 s."""
    app = here
    escalation_id = _escalate(app, conversation_id="web-busy-mediator-fixture")
    page = browser(chromium)
    try:
        sign_in(page, app, "priya")
        page.goto(f"{app.url}/console/escalations/{escalation_id}")
        watch = page.locator("#urgent-watch")
        expect(watch).to_be_hidden()
        _escalate(app, reason="safeguarding", conversation_id="web-new-urgent-fixture",
                  summary="Sarah Jones may be at risk")
        expect(watch).to_contain_text("New urgent escalation", timeout=20_000)  # polled every 5 s here
        assert "Sarah" not in watch.inner_text()
        axe_audit(page, "case page with the urgent alert")
        watch.get_by_role("link", name="See urgent escalations").click()
        expect(page.locator("#queue tr.row--urgent").first).to_be_visible()
    finally:
        page.context.close()


def test_cases_are_resolved_together_after_a_confirmation(chromium, here):
    """Bulk resolve: a confirmation page first; a case in a colleague's live chat is left open."""
    from bot.webchat import live

    app = here
    first = _escalate(app, conversation_id="web-bulk-one-fixture", local_authority="Surrey")
    second = _escalate(app, conversation_id="web-bulk-two-fixture", local_authority="Surrey")
    live.request_person("web-bulk-held-fixture", "person_requested")
    live.take_over("web-bulk-held-fixture", "mia", "Mia Mediator")
    held = escalation_of(app, "web-bulk-held-fixture")
    page = browser(chromium)
    try:
        sign_in(page, app, "priya")
        page.locator(f"#select-{first}").check()
        page.locator(f"#select-{second}").check()
        page.locator(f"#select-{held}").check()
        page.get_by_role("button", name="Resolve selected cases").click()
        expect(page.get_by_role("heading", name="Resolve 3 cases?")).to_be_visible()
        expect(page.locator("#bulk-cases")).to_contain_text("In Mia Mediator's live chat: not resolved")
        axe_audit(page, "bulk resolve confirmation")
        with session_scope(app.database_url) as session:
            assert session.get(Escalation, first).status == "new"  # nothing yet
        page.get_by_role("button", name="Yes, resolve them").click()
        expect(page.locator("#bulk-result")).to_contain_text("2 cases resolved. 1 left open")
        with session_scope(app.database_url) as session:
            assert [session.get(Escalation, i).status for i in (first, second)] == ["resolved", "resolved"]
            assert session.get(Escalation, held).status != "resolved"
        assert live.owner_of("web-bulk-held-fixture").staff_username == "mia"
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "priya", "/console/", "the queue")


# --- one family, one case across channels; linking by hand; snoozing a callback ---------
def test_a_safeguarding_call_and_a_callback_by_text_from_one_family_are_one_case(chromium, here):
    """Issue 21's mediator's day: a safeguarding case and a callback from one family handled as
    one case. The phone call and the texts come from one number: joined without anyone asking."""
    from bot.conversations import deliveries

    app = here
    number = "+447700900654"
    save_conversation(app.database_url, "voice-family-call-0001",
                      turns=(("user", "I am frightened for my son at home tonight"),
                             ("bot", "Please stay on the line.")))
    save_conversation(app.database_url, "sms-family-texts-0001",
                      turns=(("user", "Can someone ring me back about the annual review"), ("bot", "Yes, when?")))
    concern = _escalate(app, reason="safeguarding", channel="voice", conversation_id="voice-family-call-0001",
                        category="risk_to_life", summary="Phone: the caller may be at risk (safeguarding).")
    callback = _escalate(app, reason="callback", channel="sms", conversation_id="sms-family-texts-0001",
                         callback_number=number, preferred_time="mornings", summary="Text: asked to be called back.")
    with session_scope(app.database_url) as session:
        deliveries.keep_number(session, "voice-family-call-0001", "voice", number)
        deliveries.keep_number(session, "sms-family-texts-0001", "sms", number)
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        rows = page.locator("#queue tr[data-case]").filter(
            has=page.locator(f"a[href$='{concern}'], a[href$='{callback}']"))
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Urgent")
        expect(rows.first).to_contain_text("2 requests")
        expect(rows.first).to_contain_text("Call back by phone")
        rows.first.get_by_role("link").first.click()
        conversations = page.locator("#case-conversations")
        expect(conversations).to_contain_text("Phone call")
        expect(conversations).to_contain_text("Text conversation")
        expect(conversations).to_contain_text("joined automatically (the same phone number")
        expect(page.locator("#transcript")).to_contain_text("frightened for my son")
        expect(page.locator("#transcript")).to_contain_text("ring me back about the annual review")
        expect(page.locator("#history")).to_contain_text("Callback")
        axe_audit(page, "a case of a phone call and texts")
        assert audit_rows(app, "case_linked")[-1].actor == "automatic"

        # Worked as one: assigned, called back, reached: both requests resolved.
        page.get_by_role("button", name="Assign to me").click()
        page.get_by_label("Reached").check()
        page.get_by_role("button", name="Record the call").click()
        expect(page.locator("#status")).to_have_text("Resolved")
        with session_scope(app.database_url) as session:
            assert {session.get(Escalation, i).status for i in (concern, callback)} == {"resolved"}
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "mia", f"/console/escalations/{concern}", "a resolved case of two conversations")


def test_a_mediator_links_two_cases_of_one_family_by_hand(chromium, here):
    app = here
    first = _escalate(app, conversation_id="web-merge-first-0001", local_authority="Kent",
                      summary="Web chat: asked for a person.")
    second = _escalate(app, reason="callback", conversation_id="web-merge-second-0001",
                       callback_number="+447700900765", summary="Web chat: asked to be called back.")
    from bot.console.queue import case_reference

    second_ref = case_reference("web-merge-second-0001")
    page = browser(chromium)
    try:
        sign_in(page, app, "priya")
        page.goto(f"{app.url}/console/escalations/{first}")
        expect(page.get_by_label("Reference of the other case")).to_have_count(0)  # nobody holds it yet
        page.get_by_role("button", name="Assign to me").click()
        page.get_by_label("Reference of the other case").fill(second_ref.lower())
        page.get_by_label("Why are they the same family?").fill("Same mother, asked again from a new chat")
        page.get_by_role("button", name="Link the cases").click()
        expect(page.locator("#confirm")).to_contain_text(f"Link case {second_ref} to this case?")
        axe_audit(page, "link confirmation")
        with session_scope(app.database_url) as session:
            assert session.get(Escalation, second).assigned_to is None  # nothing yet
        page.get_by_role("button", name="Yes, link the cases").click()
        expect(page.locator("#case-conversations")).to_contain_text(
            f"{second_ref}, started")
        expect(page.locator("#case-conversations")).to_contain_text(
            "joined by Priya Patel (Same mother, asked again from a new chat)")
        actor, target, detail = audit_rows(app, "case_linked")[-1]
        assert actor == "priya" and target == first and detail.startswith(f"{second_ref} joined")
        page.goto(f"{app.url}/console/")
        rows = page.locator("#queue tr[data-case]").filter(
            has=page.locator(f"a[href$='{first}'], a[href$='{second}']"))
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Priya Patel")
        page_ref = rows.first.get_attribute("data-case")
        assert page_ref == case_reference("web-merge-first-0001")
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "priya", f"/console/escalations/{first}", "a case linked by hand")


def test_a_callback_with_no_answer_is_snoozed_and_comes_back_when_due(chromium, here):
    app = here
    callback = _escalate(app, reason="callback", conversation_id="web-snooze-0001", callback_number="+447700900876",
                         summary="Web chat: asked to be called back.")
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.goto(f"{app.url}/console/escalations/{callback}")
        expect(page.get_by_label("Retry at")).to_have_count(0)  # only after a try that reached nobody
        page.get_by_label("No answer").check()
        page.get_by_role("button", name="Record the call").click()
        page.get_by_label("Retry at").fill((dt.datetime.now() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="Snooze the callback").click()
        expect(page.locator("#snoozed-until")).to_contain_text("Snoozed")
        axe_audit(page, "a snoozed callback")
        page.goto(f"{app.url}/console/")
        expect(page.locator(f"#queue tr[data-escalation='{callback}']")).to_have_count(0)
        expect(page.locator("#snoozed-count")).to_contain_text("snoozed callback")
        assert audit_rows(app, "callback_snoozed")[-1].actor == "mia"
        with session_scope(app.database_url) as session:  # the time comes
            session.execute(sa.text("UPDATE callback_snoozes SET until = :t WHERE escalation_id = :e"),
                            {"t": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=1),
                             "e": callback})
        page.reload()
        row = page.locator(f"#queue tr[data-escalation='{callback}']")
        expect(row).to_contain_text("Callback due")
        axe_audit(page, "queue with a callback due")
        row.get_by_role("link").first.click()
        page.get_by_label("Reached").check()
        page.get_by_role("button", name="Record the call").click()
        expect(page.locator("#status")).to_have_text("Resolved")
        expect(page.locator("#snoozed-until")).to_have_count(0)
    finally:
        page.context.close()


# --- certificates: issued again after a revocation ------------------------------------
def test_a_revoked_certificate_is_issued_again_from_its_page(chromium, here):
    """Issue 21 gap 10: no reissue after a revocation."""
    from bot.mediation import service
    from support.back_office import issue_not_pursuing

    app = here
    with session_scope(app.database_url) as session:
        old = issue_not_pursuing(session, conversation_id="web-reissue-fixture-0001")
        service.revoke_certificate(session, old.reference, reason="Issued with the wrong council", by="mia")
        reference = old.reference
    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.goto(f"{app.url}/console/certificates/{reference}")
        expect(page.locator("#certificate-status")).to_have_text("Revoked")
        axe_audit(page, "a revoked certificate with the reissue form")
        page.get_by_label("Why is it issued again?").fill("The council was wrong: it is Medway")
        page.get_by_label("Correct the local authority (optional)").fill("Medway")
        page.get_by_role("button", name="Issue the certificate again").click()
        expect(page.locator("#certificate-status")).to_have_text("Valid")
        expect(page.locator("#certificate-replaces")).to_contain_text(reference)
        new_reference = page.locator("h1").inner_text().rsplit(" ", 1)[1]
        assert new_reference != reference
        expect(page.get_by_text("Medway", exact=True)).to_be_visible()
        actor, target, detail = audit_rows(app, "certificate_reissued")[-1]
        assert actor == "mia" and target == new_reference and detail.startswith(f"replaces {reference}")
        page.get_by_role("link", name=reference).click()
        expect(page.locator("#certificate-replaced-by")).to_contain_text(new_reference)
        expect(page.get_by_role("button", name="Issue the certificate again")).to_have_count(0)
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "mia", f"/console/certificates/{reference}", "a reissued certificate")


def test_the_names_on_a_certificate_pdf_come_only_after_a_reason(chromium, here):
    """Issue 21 gap 10: names in the console's PDF were shown without a reason."""
    import io

    from pypdf import PdfReader

    from support.back_office import issue_not_pursuing

    app = here
    with session_scope(app.database_url) as session:
        reference = issue_not_pursuing(session, conversation_id="web-names-fixture-0001").reference

    def text_of(body: bytes) -> str:
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())

    page = browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.goto(f"{app.url}/console/certificates/{reference}")
        hidden = page.request.get(f"{app.url}/console/certificates/{reference}/pdf")
        assert "Jane Smith" not in text_of(hidden.body()) and "[name hidden]" in text_of(hidden.body())
        page.get_by_role("button", name="View the certificate with the names (PDF)").click()
        expect(page.locator(".error-summary")).to_contain_text("Give a reason of at least 10 characters")
        axe_audit(page, "certificate names refused without a reason")
        page.get_by_label("Why do you need the names on the certificate?").fill("Sending a copy to the tribunal")
        with page.expect_response(lambda r: r.url.endswith("/pdf") and r.request.method == "POST") as answer:
            page.get_by_role("button", name="View the certificate with the names (PDF)").click()
        assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
        actor, target, detail = audit_rows(app, "certificate_pdf_viewed")[-1]
        assert (actor, target) == ("mia", reference) and detail.endswith("names shown: Sending a copy to the tribunal")
        page.goto(f"{app.url}/console/certificates/{reference}")
        shown = page.request.post(f"{app.url}/console/certificates/{reference}/pdf",
                                  form={"csrf_token": csrf_of(page), "reason": "Checking the names printed"})
        assert "Jane Smith" in text_of(shown.body())
    finally:
        page.context.close()
    audit_both_sizes(chromium, app, "mia", f"/console/certificates/{reference}", "a certificate with the names form")
