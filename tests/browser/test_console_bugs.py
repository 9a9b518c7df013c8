"""Issue 21's bugs that had no Chromium test yet, each driven as a mediator or a manager would,
in headless Chromium against the real web app (uvicorn) and its database; and axe at 1366x768
and at 200% zoom on the console pages no other test audits at both sizes.

The other bugs and the mediator's day are in tests/browser/test_console_day.py, whose
helpers are used here (one family's chat page, mediators and a manager in their own browsers).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
import test_console_day as day
from console_support import PASSWORD, WebApp, sign_in
from playwright.sync_api import expect

from bot.database import session_scope
from support.console import add_user, save_conversation
from support.settings_env import apply_settings, reset_settings


@pytest.fixture(scope="module")
def bugs_app(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('bugs') / 'bugs.db'}"
    app = WebApp(
        database_url,
        port=17130,
        STAFFED_HOURS=day.ALWAYS_STAFFED,
        WEBCHAT_POLL_SECONDS="1",
        MEDIATOR_NUMBERS="",
        SAFEGUARDING_REMINDER_SECONDS="3600",
    )
    app.migrate()
    for username, role, name in (
        ("mia", "mediator", "Mia Mediator"),
        ("priya", "mediator", "Priya Patel"),
        ("max", "manager", "Max Manager"),
        ("ada", "admin", "Ada Admin"),
    ):
        add_user(database_url, username, role, PASSWORD, name)
    app.database_url = database_url
    app.start()
    yield app
    app.stop()


@pytest.fixture
def here(bugs_app, monkeypatch):
    """This process's settings pointed at the app's database, to act as the chat relay and the
    assistant do (escalations, certificates, download links)."""
    names = ("DATABASE_URL", "STAFFED_HOURS", "RASA_URL", "MEDIATOR_NUMBERS", "PUBLIC_BASE_URL")
    apply_settings(monkeypatch, {"REDIS_URL": "", **{name: bugs_app.env.get(name, "") for name in names}})
    yield bugs_app
    reset_settings()


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


def long_date(day_: dt.date) -> str:
    """'4 November 2026': the console's dates, with no leading zero."""
    return f"{day_.day} {day_:%B %Y}"


# --- the queue: live chats after urgent cases; councils by name ------------------------
def test_a_live_chat_waiting_comes_straight_after_the_urgent_cases(chromium, here):
    """Issue 21: a live chat sat at row 34 of 37, unmarked."""
    from bot.webchat import live

    app = here
    hours_ago = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(hours=5)
    for n in range(36):
        day._escalate(
            app,
            conversation_id=f"web-older-{n:02d}-fixture",
            local_authority="Surrey",
            summary="Web chat: asked for a person.",
            created_at=hours_ago + dt.timedelta(minutes=n),
        )
    urgent = day._escalate(
        app,
        reason="safeguarding",
        conversation_id="web-older-urgent-fixture",
        category="risk_to_life",
        created_at=hours_ago,
    )
    conversation = "web-live-waiting-fixture"
    live.request_person(conversation, "person_requested")
    waiting = day.escalation_of(app, conversation)
    page = day.browser(chromium)
    try:
        sign_in(page, app, "mia")
        rows = page.locator("#queue tbody tr").evaluate_all(
            "rows => rows.map(r => [r.dataset.escalation, r.className])"
        )
        order = [escalation for escalation, _ in rows]
        assert order.index(urgent) < order.index(waiting)
        above = rows[: order.index(waiting)]
        assert all("row--urgent" in css or "row--live" in css for _, css in above), above
        assert order.index(waiting) < 5, f"the live chat is row {order.index(waiting) + 1} of {len(order)}"
        row = page.locator(f"#queue tr[data-escalation='{waiting}']")
        expect(row).to_contain_text("Live chat: waiting for a mediator")
        expect(row).to_have_class(re.compile("row--live"))
        day.axe_audit(page, "queue with a live chat waiting")
    finally:
        page.context.close()


def test_the_council_the_family_named_is_shown_by_its_name(chromium, here):
    """Issue 21: the council said in the chat showed 'Not known'; 'brighton' was stored as a
    council; the council filter listed raw stored values. Recorded as the chat relay records a
    handoff (bot.webchat.live.request_person with the council the assistant read)."""
    from bot.webchat import live

    app = here
    said = {
        "web-council-brighton-fixture": "brighton",
        "web-council-wsussex-fixture": "west sussex",
        "web-council-medway-fixture": "Medway Council",
        "web-council-junk-fixture": "Jane Doe 07700 900666",
    }
    ids = {}
    for conversation, council in said.items():
        live.request_person(conversation, "person_requested", "web", council)
        ids[conversation] = day.escalation_of(app, conversation)
    page = day.browser(chromium)
    try:
        sign_in(page, app, "mia")

        def council_of(conversation: str):
            return page.locator(f"#queue tr[data-escalation='{ids[conversation]}'] td").nth(5)

        expect(council_of("web-council-brighton-fixture")).to_have_text("Brighton and Hove")
        expect(council_of("web-council-wsussex-fixture")).to_have_text("West Sussex")
        expect(council_of("web-council-medway-fixture")).to_have_text("Medway")
        expect(council_of("web-council-junk-fixture")).to_have_text("Not known")  # never the sentence itself
        assert "07700 900666" not in page.locator("#queue").inner_text()

        options = page.locator("#f-la option").all_inner_texts()
        assert {"Brighton and Hove", "West Sussex", "Medway"} <= set(options)
        assert not [o for o in options if o in ("brighton", "west sussex", "Medway Council") or "07700" in o]
        page.get_by_label("Local authority").select_option("West Sussex")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#queue tbody tr")).to_have_count(1)
        expect(page.locator("#queue tbody tr").first).to_have_attribute(
            "data-escalation", ids["web-council-wsussex-fixture"]
        )
        page.locator("#queue tbody tr a").first.click()
        expect(page.locator(".summary-list")).to_contain_text("West Sussex")
    finally:
        page.context.close()


# --- redaction in the transcript --------------------------------------------------------
def test_the_transcript_keeps_weekdays_and_hides_a_double_barrelled_surname_whole(chromium, here):
    """Issue 21: redaction hid weekday names as '[name]' and leaked half a hyphenated surname
    ('[name]-Reyes')."""
    app = here
    conversation = "web-redaction-fixture-0001"
    save_conversation(
        app.database_url,
        conversation,
        turns=(
            ("user", "My name is Maria Garcia-Reyes and I need help with my son's plan"),
            ("bot", "Thank you. When would suit you for a call?"),
            ("user", "Monday works for me, or Thursday after school"),
        ),
    )
    escalation_id = day._escalate(app, conversation_id=conversation, summary="Web chat: asked for a person.")
    page = day.browser(chromium)
    try:
        sign_in(page, app, "mia")
        page.goto(f"{app.url}/console/escalations/{escalation_id}")
        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("Monday works for me, or Thursday after school")
        expect(transcript).to_contain_text("[name]")
        shown = transcript.inner_text()
        assert not [part for part in ("Maria", "Garcia", "Reyes") if part in shown], shown
        page.get_by_label("Why do you need to see personal details?").fill("Calling the mother back by name")
        page.get_by_role("button", name="Show personal details").click()
        expect(page.locator("#transcript")).to_contain_text("My name is Maria Garcia-Reyes")
    finally:
        page.context.close()


# --- certificates: a revoked one reads as revoked everywhere, and is not usage ------------
def test_a_revoked_certificate_is_revoked_in_every_copy_and_left_out_of_usage(chromium, here):
    """Issue 21: the console's PDF of a revoked certificate still looked valid; usage counted
    revoked certificates; wording '1 certificates', 'Dr meetings held', '04 January 2027'.
    Then it is issued again: the replacement keeps the revoked one's date of issue, so the
    appeal deadline does not move (SEND Regulations 2014, reg. 43; CoP 11.50)."""
    from bot.mediation import service
    from support.back_office import issue_not_pursuing

    app = here
    issued = dt.datetime(2026, 11, 4, 10, 0)  # a Wednesday; the letter of 1 October 2026
    with session_scope(app.database_url) as session:
        issue_not_pursuing(session, conversation_id="web-surrey-kept-0001", now=issued, local_authority="Surrey")
        certificate = issue_not_pursuing(
            session, conversation_id="web-surrey-revoked-0001", now=issued, local_authority="Surrey"
        )
        reference, appeal_by = certificate.reference, certificate.appeal_by
        family_link = service.new_download_link(session, certificate).url
    assert family_link.startswith(app.url)
    page, max_ = day.browser(chromium), day.browser(chromium)
    try:
        assert page.request.get(family_link).headers["content-type"] == "application/pdf"  # the family's copy
        sign_in(page, app, "mia")
        page.goto(f"{app.url}/console/certificates/{reference}")
        issued_row = page.locator(".summary-list__row", has=page.locator("dt", has_text="Issued"))
        expect(issued_row.first).to_contain_text("4 November 2026")  # not "04 November 2026"
        expect(page.locator(".summary-list__row", has=page.locator("dt", has_text="Appeal by"))).to_contain_text(
            long_date(appeal_by)
        )
        page.get_by_label("Why revoke this certificate?").fill("Issued for the wrong child by mistake")
        page.get_by_label("I understand this cannot be undone").check()
        page.get_by_role("button", name="Revoke certificate").click()
        expect(page.locator("#certificate-status")).to_have_text("Revoked")

        # Every copy says so: the console's PDF without names and with them, the family's link,
        # the public verification page.
        revoked_on = long_date(dt.datetime.now(dt.timezone.utc).date())
        href = page.get_by_role("link", name="View the certificate with the names hidden (PDF)").get_attribute("href")
        hidden = page.request.get(f"{app.url}{href}")
        assert hidden.status == 200
        text = pdf_text(hidden.body())
        assert "REVOKED on" in text and "no longer valid" in text, text
        page.get_by_label("Why do you need the names on the certificate?").fill("Checking what the family holds")
        with page.expect_response(lambda r: r.url.endswith("/pdf") and r.request.method == "POST") as answer:
            page.get_by_role("button", name="View the certificate with the names (PDF)").click()
        assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
        page.goto(f"{app.url}/console/certificates/{reference}")
        named = pdf_text(
            page.request.post(
                f"{app.url}/console/certificates/{reference}/pdf",
                form={"csrf_token": day.csrf_of(page), "reason": "Checking what the family holds"},
            ).body()
        )
        assert "REVOKED on" in named and "Jane Smith" in named
        assert revoked_on in text  # the day it was revoked, in words
        response = page.goto(family_link)
        assert response.status == 410
        expect(page.get_by_role("main")).to_contain_text(f"Certificate {reference} was revoked and is no longer valid")
        page.goto(f"{app.url}/certificates/verify/{reference}")
        expect(page.get_by_role("main")).to_contain_text("was revoked")
        page.goto(f"{app.url}/console/certificates?reference={reference}")
        expect(page.locator("#certificates tbody tr").first).to_contain_text("Revoked")
        expect(page.locator("#certificates tbody tr").first).to_contain_text("4 Nov 2026")

        # The manager's usage: Surrey issued two, one is revoked: one certificate, in words.
        sign_in(max_, app, "max")
        max_.get_by_role("link", name="Usage").click()
        surrey = max_.locator("#usage-totals tr", has=max_.locator("th", has_text="Surrey"))
        expect(surrey.locator("td").first).to_have_text("1")
        expect(
            max_.locator("#usage tr", has=max_.locator("th", has_text="Surrey"))
            .filter(has_text="2026-11")
            .locator("td")
            .nth(1)
        ).to_have_text("1")
        expect(max_.locator("#usage-chart desc")).to_contain_text(
            "Surrey: 1 certificate, 0 mediations held, 0 DR meetings held"
        )
        expect(max_.locator("#usage-chart")).to_contain_text("1 certificate")
        legend = max_.locator("ul.legend").inner_text()
        assert "DR meetings held" in legend and "Dr meetings" not in legend
        assert "1 certificates" not in max_.locator("main").inner_text()
        assert not re.search(
            r"\b0\d (January|February|March|April|May|June|July|August|September|October"
            r"|November|December)\b",
            max_.locator("main").inner_text(),
        )
        rows = max_.locator("#usage-totals tbody tr").all_inner_texts()
        assert [r for r in rows if r.startswith("Surrey")], rows

        # Issued again: a new reference, the revoked one's date of issue and appeal deadline,
        # and when it was reissued said apart.
        page.goto(f"{app.url}/console/certificates/{reference}")
        expect(page.locator("#reissue")).to_contain_text("It keeps this certificate's date of issue, 4 November 2026")
        page.get_by_label("Why is it issued again?").fill("Revoked in error: the child was right after all")
        page.get_by_role("button", name="Issue the certificate again").click()
        expect(page.locator("#certificate-status")).to_have_text("Valid")
        expect(page.locator("#certificate-replaces")).to_contain_text(reference)
        issued_row = page.locator(".summary-list__row", has=page.locator("dt", has_text=re.compile("^Issued$")))
        expect(issued_row).to_contain_text("4 November 2026")
        expect(page.locator(".summary-list__row", has=page.locator("dt", has_text="Appeal by"))).to_contain_text(
            long_date(appeal_by)
        )
        expect(page.locator("#certificate-reissued")).to_contain_text(f"Reissued on {revoked_on} at ")
        day.axe_audit(page, "a reissued certificate")
    finally:
        page.context.close()
        max_.context.close()
    day.audit_both_sizes(chromium, app, "max", "/console/usage", "usage")
    day.audit_both_sizes(chromium, app, "mia", "/console/certificates", "the certificates register")
    day.audit_both_sizes(chromium, app, "mia", f"/console/certificates/{reference}", "a revoked, reissued certificate")


# --- axe at both sizes on the pages no other test audits so ------------------------------
def test_no_axe_violations_at_1366x768_and_200_percent_on_the_other_changed_pages(chromium, here):
    """Pages of the console changed by issue 21 that test_console_day.py audits at one size
    only (confirmations, the searched queue and requests, a snoozed callback) or not at all
    (the audit log, the users page)."""
    from bot.webchat import live

    app = here
    case = day._escalate(
        app, conversation_id="web-axe-case-fixture", local_authority="Kent", summary="Web chat: asked for a person."
    )
    other = day._escalate(app, conversation_id="web-axe-other-fixture", local_authority="Kent")
    callback = day._escalate(
        app,
        reason="callback",
        conversation_id="web-axe-callback-fixture",
        callback_number="+447700900321",
        summary="Web chat: asked to be called back.",
    )
    live.request_person("web-axe-held-fixture", "person_requested")
    live.take_over("web-axe-held-fixture", "mia", "Mia Mediator")
    held = day.escalation_of(app, "web-axe-held-fixture")
    from bot.console.queue import case_reference

    other_ref = case_reference("web-axe-other-fixture")

    def assign_confirmation(page):
        page.goto(f"{app.url}/console/escalations/{case}")
        page.get_by_label("Assign to a colleague").select_option(label="Priya Patel")
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.locator("#confirm")).to_contain_text("Assign this case to Priya Patel?")

    def take_over_confirmation(page):
        page.goto(f"{app.url}/console/escalations/{held}")
        page.get_by_role("button", name="Take over from Mia Mediator").click()
        expect(page.locator("#confirm")).to_contain_text("Take over from Mia Mediator?")

    def bulk_confirmation(page):
        page.goto(f"{app.url}/console/")
        page.locator(f"#select-{case}").check()
        page.locator(f"#select-{other}").check()
        page.get_by_role("button", name="Resolve selected cases").click()
        expect(page.get_by_role("heading", name="Resolve 2 cases?")).to_be_visible()

    def link_confirmation(page):
        page.goto(f"{app.url}/console/escalations/{case}")
        if page.get_by_label("Reference of the other case").count() == 0:
            page.get_by_role("button", name="Assign to me").click()
        page.get_by_label("Reference of the other case").fill(other_ref)
        page.get_by_label("Why are they the same family?").fill("Same mother, asked again from a new chat")
        page.get_by_role("button", name="Link the cases").click()
        expect(page.locator("#confirm")).to_contain_text(f"Link case {other_ref} to this case?")

    def searched_queue(page):
        page.goto(f"{app.url}/console/")
        page.get_by_label("Search by reference or phone number").fill("07700 900321")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#queue tbody tr")).to_have_count(1)

    def snoozed_callback(page):
        page.goto(f"{app.url}/console/escalations/{callback}")
        if page.locator("#snoozed-until").count() == 0:
            page.get_by_label("No answer").check()
            page.get_by_role("button", name="Record the call").click()
            page.get_by_label("Retry at").fill((dt.datetime.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
            page.get_by_role("button", name="Snooze the callback").click()
        expect(page.locator("#snoozed-until")).to_contain_text("Snoozed")

    def requests_list(page):
        page.goto(f"{app.url}/console/requests")
        expect(page.get_by_role("heading", name="Mediation and disagreement resolution requests")).to_be_visible()

    def audit_log(page):
        page.goto(f"{app.url}/console/audit")
        expect(page.locator("#audit")).to_contain_text("login")

    def users(page):
        page.goto(f"{app.url}/console/users")
        expect(page.get_by_role("heading", name="Staff users")).to_be_visible()

    for user, state, reach in (
        ("max", "assigning to a colleague, confirmation", assign_confirmation),
        ("max", "taking over a colleague's live chat, confirmation", take_over_confirmation),
        ("priya", "bulk resolve confirmation", bulk_confirmation),
        ("priya", "link confirmation", link_confirmation),
        ("mia", "the queue searched by phone", searched_queue),
        ("mia", "a snoozed callback", snoozed_callback),
        ("mia", "the requests list", requests_list),
        ("max", "the audit log", audit_log),
        ("ada", "the users page", users),
    ):
        for viewport in (day.DESKTOP, day.ZOOM_200):
            page = day.browser(chromium, viewport)
            try:
                sign_in(page, app, user)
                reach(page)
                day.axe_audit(page, f"{state} at {viewport['width']}x{viewport['height']}")
            finally:
                page.context.close()
    with session_scope(app.database_url) as session:  # a confirmation page changes nothing
        assert session.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'case_linked'")).scalar() == 0


# --- the council the family named in the chat, on the real stack ---------------------------
@pytest.fixture(scope="module")
def chat_stack(tmp_path_factory):
    """The real product (Rasa, the actions, the web app) under the supervisor, on ports of its own."""
    from support.stack import ServiceStack

    database_url = f"sqlite:///{tmp_path_factory.mktemp('bugs-stack') / 'stack.db'}"
    stack = ServiceStack(
        database_url,
        RASA_PORT="17131",
        ACTION_SERVER_PORT="17132",
        WEB_PORT="17133",
        PUBLIC_BASE_URL="http://localhost:17133",
        STAFFED_HOURS=day.ALWAYS_STAFFED,
        OUTBOX_WORKER_ENABLED="false",
        RETENTION_JOB_HOURS="0",
        WEBCHAT_POLL_SECONDS="1",
    ).start()
    add_user(database_url, "mia", "mediator", PASSWORD, "Mia Mediator")
    stack.url, stack.database_url = stack.web_url, database_url
    yield stack
    stack.stop()


def test_a_familys_chat_shows_their_council_and_resolving_it_hands_it_back(chromium, chat_stack):
    """Issue 21, on the real stack: the council said in the chat (Kent, Medway, West Sussex)
    showed 'Not known'; after 'Take over', a reply and 'Resolved' without 'Hand back', the chat
    stayed held, the family still read 'chatting with' the mediator and their next question got
    no answer from anyone."""
    family, mia, mia_zoomed = day.browser(chromium), day.browser(chromium), day.browser(chromium, day.ZOOM_200)
    family.set_default_timeout(45_000)
    replies = family.locator("#messages li.message--bot, #messages li.message--system")

    def say(text: str) -> str:
        before = replies.count()
        day.family_says(family, text)
        expect(replies).not_to_have_count(before, timeout=45_000)
        expect(family.locator("#typing")).to_be_hidden(timeout=45_000)
        family.wait_for_timeout(400)  # a reply may come in several messages
        return replies.last.inner_text()

    try:
        family.goto(chat_stack.url)
        expect(family.locator("#messages li.message--bot").first).to_contain_text("parent or carer")
        family.get_by_role("button", name=re.compile("Parent or carer")).first.click()
        say("can you check my deadlines")
        if family.get_by_role("button", name=re.compile("Parent or carer")).count() > 1:
            family.get_by_role("button", name=re.compile("Parent or carer")).last.click()
            family.wait_for_timeout(1500)
        say("the council refused to assess my son")
        say("West Sussex")
        say("I want to talk to a person")
        expect(family.locator("#waiting")).to_contain_text("Waiting for a mediator to join")
        conversation = family.evaluate("() => window.localStorage.getItem('sendline.chat.session')")
        escalation_id = day.escalation_of(chat_stack, conversation)
        assert escalation_id, family.locator("#messages").inner_text()

        sign_in(mia, chat_stack, "mia")
        row = mia.locator(f"#queue tr[data-escalation='{escalation_id}']")
        expect(row.locator("td").nth(5)).to_have_text("West Sussex")
        row.get_by_role("link").first.click()
        mia.get_by_role("button", name="Take over", exact=True).click()
        mia.get_by_label("Reply").fill("Hello, I'm Mia. I can help with the West Sussex decision.")
        mia.get_by_role("button", name="Send reply").click()
        expect(family.locator("#waiting")).to_contain_text("You're chatting with Mia")
        expect(family.locator("#messages li.message--staff").last).to_contain_text("I can help with the West Sussex")

        # The live chat page at 200% zoom, as the holder sees it while the family is there.
        sign_in(mia_zoomed, chat_stack, "mia")
        mia_zoomed.goto(mia.url)
        expect(mia_zoomed.locator("#live-owner")).to_have_text("You are in this chat")
        day.axe_audit(mia_zoomed, "case page in a live chat at 683x384")

        # Resolved, without "Hand back to the assistant": the family is back with the assistant,
        # which answers their next question.
        mia.get_by_label("Change status").select_option("resolved")
        mia.get_by_role("button", name="Save status").click()
        expect(mia.locator("#status")).to_have_text("Resolved")
        expect(family.locator("#messages")).to_contain_text("The mediator has left the chat")
        expect(family.locator("#waiting")).to_be_hidden()
        assert "free" in say("is mediation free").lower()
        expect(mia.locator("#live-owner")).to_have_text("With the assistant")
    finally:
        for page in (family, mia, mia_zoomed):
            page.context.close()
