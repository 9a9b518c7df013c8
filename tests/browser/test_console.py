"""The staff console in headless Chromium, against the real web app (uvicorn) and database."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bot.database import session_scope
from bot.handoff.models import record_escalation
from console_support import WebApp
from support.console import FIXTURE_PERSONAL_DETAILS, add_user, save_conversation

PASSWORD = "browser test password"


@pytest.fixture(scope="module")
def console_app(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'console.db'}"
    app = WebApp(database_url)
    app.migrate()
    add_user(database_url, "mia", "mediator", PASSWORD, "Mia Mediator")
    add_user(database_url, "max", "manager", PASSWORD, "Max Manager")
    save_conversation(database_url, "web-fixture")
    app.database_url = database_url
    app.start()
    yield app
    app.stop()


def escalate(app, **fields) -> str:
    values = dict(reason="person_requested", channel="web", conversation_id="web-fixture", local_authority="Kent")
    values.update(fields)
    with session_scope(app.database_url) as session:
        escalation = record_escalation(session, **values)
        session.flush()
        return escalation.id


def sign_in(page, app, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{app.url}/console/")
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_mediator_works_the_queue_and_reveals_a_transcript_with_a_reason(page, console_app):
    escalation_id = escalate(console_app)
    escalate(console_app, conversation_id="sms-other", channel="sms", local_authority="Surrey")
    sign_in(page, console_app, "mia")
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()

    # Filter the queue to Kent and assign the escalation to me.
    page.get_by_label("Local authority").select_option("Kent")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("button", name=re.compile("Assign to me")).click()
    expect(page.locator("#queue tbody tr").first).to_contain_text("mia")

    # Open it: the transcript is there, with intents and actions, and personal details hidden.
    page.locator(f"#queue tr[data-escalation='{escalation_id}'] a").first.click()
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("Kent refused to assess")
    expect(transcript).to_contain_text("ask_ehcp")
    expect(transcript).to_contain_text("[phone number]")
    text = transcript.inner_text()
    assert not [d for d in FIXTURE_PERSONAL_DETAILS if d in text]

    # A reason that is too short is refused; a real one shows the details.
    page.get_by_label("Why do you need to see personal details?").fill("need")
    page.get_by_role("button", name="Show personal details").click()
    expect(page.get_by_role("alert").first).to_contain_text("Give a reason")
    page.get_by_label("Why do you need to see personal details?").fill("Returning the parent's call about the appeal")
    page.get_by_role("button", name="Show personal details").click()
    expect(page.locator("#revealed-notice")).to_contain_text("Returning the parent's call")
    expect(page.locator("#transcript")).to_contain_text("07700 900123")
    expect(page.locator("#transcript")).to_contain_text("Sarah Jones")

    # A note, then resolved.
    page.get_by_label("Add a note").fill("Called back; mediation information sent.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes")).to_contain_text("Called back; mediation information sent.")
    page.get_by_label("Change status").select_option("resolved")
    page.get_by_role("button", name="Save status").click()
    expect(page.locator("#status")).to_have_text("Resolved")


def test_new_urgent_escalation_appears_on_the_queue_without_reloading(page, console_app):
    sign_in(page, console_app, "mia")
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()
    escalate(console_app, reason="safeguarding", conversation_id="web-urgent", summary="Sarah Jones may be at risk")
    alert = page.locator("#new-alert")
    expect(alert).to_contain_text("1 urgent", timeout=20_000)
    assert "Sarah" not in alert.inner_text()
    alert.get_by_role("link", name="Refresh the queue").click()
    expect(page.locator("#queue tr.row--urgent").first).to_contain_text("Urgent")
    expect(page.get_by_role("alert").first).to_contain_text("urgent escalation")


def test_manager_sees_the_audit_log_and_mediator_cannot(page, console_app):
    sign_in(page, console_app, "mia")
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()
    response = page.goto(f"{console_app.url}/console/audit")
    assert response.status == 403 and response.headers["cache-control"] == "no-store"
    expect(page.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    page.get_by_role("link", name="Go to the console").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/console/login"))

    sign_in(page, console_app, "max")
    page.get_by_role("link", name="Audit log").click()
    table = page.locator("#audit")
    expect(table).to_contain_text("transcript_revealed")
    expect(table).to_contain_text("access_denied")
    expect(table).to_contain_text("127.0.0.1")
