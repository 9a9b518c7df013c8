"""The web chat in headless Chromium, against the real product (supervisor: actions, Rasa, web app).

Keyboard only where it says so; an axe-core audit in each state of the page; the
screenshots in docs/screenshots/ (linked from the README) are taken here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from console_support import WebApp
from support.stack import ServiceStack

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
WEB_PORT = 17000
ALWAYS_STAFFED = ",".join(f"{day}=00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
NEVER_STAFFED = ",".join(f"{day}=" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
REPLIES = "#messages li.message--bot, #messages li.message--system, #messages li.message--staff"


@pytest.fixture(scope="module")
def chat_stack(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('webchat') / 'webchat.db'}"
    stack = ServiceStack(database_url, RASA_PORT="17005", ACTION_SERVER_PORT="17055", WEB_PORT=str(WEB_PORT),
                         PUBLIC_BASE_URL=f"http://localhost:{WEB_PORT}", STAFFED_HOURS=ALWAYS_STAFFED,
                         OUTBOX_WORKER_ENABLED="false", RETENTION_JOB_HOURS="0", WEBCHAT_POLL_SECONDS="1").start()
    stack.database_url = database_url
    yield stack
    stack.stop()


@pytest.fixture
def use_stack_settings(chat_stack, monkeypatch):
    """Settings of this process pointed at the stack, so a test can act as the console does."""
    from bot import database
    from bot.settings import get_settings

    for name in ("DATABASE_URL", "RASA_URL", "RASA_TOKEN", "STAFFED_HOURS"):
        monkeypatch.setenv(name, chat_stack.env.get(name) or (chat_stack.rasa_url if name == "RASA_URL" else ""))
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    database.get_engine.cache_clear()
    yield
    get_settings.cache_clear()
    database.get_engine.cache_clear()


# --- helpers ---------------------------------------------------------------------
def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim(), cls: e.className}; }""")


def tab_to(page, matches, shift: bool = False, limit: int = 60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"could not reach the element with the keyboard; last focused: {focused(page)}")


def replies(page) -> int:
    return page.locator(REPLIES).count()


def wait_for_reply(page, before: int) -> str:
    """Wait until the assistant has answered (new messages, typing over); returns the last reply's text."""
    expect(page.locator(REPLIES)).not_to_have_count(before, timeout=45_000)
    expect(page.locator("#typing")).to_be_hidden(timeout=45_000)
    page.wait_for_timeout(400)  # a reply may come in several messages
    return page.locator(REPLIES).last.inner_text()


def type_and_send(page, text: str) -> str:
    """From anywhere: Tab to the message box, type, press Enter; returns the last reply."""
    if focused(page)["id"] != "message":
        tab_to(page, lambda e: e["id"] == "message")
    before = replies(page)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return wait_for_reply(page, before)


def choose(page, title: re.Pattern) -> str:
    """From the message box, Shift+Tab back to a quick reply and press Enter; returns the last reply."""
    if focused(page)["id"] != "message":
        tab_to(page, lambda e: e["id"] == "message")
    tab_to(page, lambda e: e["tag"] == "BUTTON" and bool(title.search(e["text"])), shift=True)
    before = replies(page)
    page.keyboard.press("Enter")
    return wait_for_reply(page, before)


def open_chat(page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#messages li.message--bot").first).to_contain_text("are you asking as a parent or carer")
    expect(page.locator("#connection")).to_have_text("Connected")


def audit(page, state: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{state}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in serious)


def stored_messages(database_url: str):
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT conversation_id, sender, text FROM chat_messages ORDER BY conversation_id, seq")).all()
    finally:
        engine.dispose()


def session_id(page) -> str:
    return page.evaluate("() => window.localStorage.getItem('sendline.chat.session')")


# --- tests -------------------------------------------------------------------------
def test_empty_page_is_accessible_and_screenshots(chromium, chat_stack):
    for width, height, name in ((1280, 900, "webchat-desktop.png"), (375, 812, "webchat-mobile.png")):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        open_chat(page, chat_stack.web_url)
        expect(page.locator("#privacy-notice")).to_contain_text("Your privacy")
        expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()
        audit(page, f"empty at {width}px")
        if width == 1280:
            choose(page, re.compile("Parent or carer"))
            type_and_send(page, "what is mediation")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        context.close()


def test_young_person_wording_and_reflow_at_320px(chromium, chat_stack):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, locale="en-GB", reduced_motion="reduce")
    page = context.new_page()
    open_chat(page, chat_stack.web_url)
    choose(page, re.compile("Young person"))
    expect(page.locator("#intro")).to_contain_text("your own education, health and care")
    expect(page.locator("#messages")).to_contain_text("I'll talk to you about your own education")
    # Nothing is cut off or needs scrolling sideways at 320 px (WCAG 1.4.10).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.reload()
    expect(page.locator("#intro")).to_contain_text("your own education, health and care")
    context.close()


def test_reload_keeps_the_conversation_and_mid_conversation_is_accessible(page, chat_stack):
    open_chat(page, chat_stack.web_url)
    choose(page, re.compile("Professional"))
    answer = type_and_send(page, "what is a mediation certificate")
    assert answer.strip()
    audit(page, "mid-conversation")
    before = page.locator("#messages li").all_inner_texts()
    conversation = session_id(page)
    page.reload()
    expect(page.locator("#messages li")).to_have_count(len(before))
    assert page.locator("#messages li").all_inner_texts() == before
    assert session_id(page) == conversation
    # Stored on the server, in order, with the person's words.
    rows = [row for row in stored_messages(chat_stack.database_url) if row[0] == conversation]
    assert [row[1] for row in rows][:3] == ["bot", "person", "bot"]
    assert ("person", "what is a mediation certificate") in [(row[1], row[2]) for row in rows]


def test_live_handoff_staff_messages_reach_the_page_and_the_bot_stays_silent(page, chat_stack, use_stack_settings):
    from bot.webchat import live

    open_chat(page, chat_stack.web_url)
    choose(page, re.compile("Parent or carer"))
    tab_to(page, lambda e: e["id"] == "talk-to-person", shift=True)
    before = replies(page)
    page.keyboard.press("Enter")
    expect(page.locator(REPLIES)).not_to_have_count(before, timeout=30_000)
    expect(page.locator("#messages")).to_contain_text("asked a mediator from our team to join this chat")
    expect(page.locator("#waiting")).to_contain_text("Waiting for a mediator")
    conversation = session_id(page)

    live.take_over(conversation, "mia", "Mia Mediator")
    expect(page.locator("#messages")).to_contain_text("Mia from our mediation team has joined the chat.")
    expect(page.locator("#waiting")).to_contain_text("You're chatting with Mia")
    live.send_staff_message(conversation, "Hello, I'm Mia. What has the council decided?", "Mia Mediator")
    expect(page.locator("#messages li.message--staff").last).to_contain_text("What has the council decided?")

    # While Mia holds the conversation the assistant says nothing.
    count = page.locator("#messages li").count()
    tab_to(page, lambda e: e["id"] == "message")
    page.keyboard.type("what is mediation")
    page.keyboard.press("Enter")
    expect(page.locator("#messages li")).to_have_count(count + 1)
    page.wait_for_timeout(4000)
    expect(page.locator("#messages li")).to_have_count(count + 1)

    # Rasa's tracker has the whole story: paused, staff words marked, the person's message.
    tracker = chat_stack.tracker(conversation)
    assert tracker["paused"] is True
    staff = [e for e in tracker["events"] if e["event"] == "bot" and (e.get("metadata") or {}).get("from_staff")]
    assert staff and staff[-1]["text"].startswith("Hello, I'm Mia")
    assert [e for e in tracker["events"] if e["event"] == "user"][-1]["text"] == "what is mediation"

    # Handed back: the assistant answers again, with the history.
    live.hand_back(conversation, "mia")
    expect(page.locator("#messages")).to_contain_text("You're back with the assistant")
    expect(page.locator("#waiting")).to_be_hidden()
    answer = type_and_send(page, "what is mediation")
    assert "mediat" in answer.lower()
    assert chat_stack.tracker(conversation)["paused"] is False


def test_assistant_failure_offline_and_retry(chromium, tmp_path):
    """The web app alone (Rasa not running, out of hours): an apology and a callback offer,
    then the server stops (error state with retry) and comes back with the whole conversation."""
    database_url = f"sqlite:///{tmp_path / 'alone.db'}"
    app = WebApp(database_url, port=17001, STAFFED_HOURS=NEVER_STAFFED, WEBCHAT_POLL_SECONDS="1",
                 WEBCHAT_RASA_TIMEOUT_SECONDS="3")
    app.migrate()
    app.start()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        open_chat(page, app.url)
        tab_to(page, lambda e: e["id"] == "message")
        page.keyboard.type("what is mediation")
        page.keyboard.press("Enter")
        messages = page.locator("#messages")
        expect(messages).to_contain_text("Sorry, something went wrong on our side", timeout=30_000)
        expect(messages).to_contain_text("Our team isn't available right now")
        # The callback form, by keyboard.
        tab_to(page, lambda e: e["tag"] == "INPUT", shift=True)
        phone = page.get_by_label("Phone number (optional)")
        phone.focus()
        page.keyboard.type("07700 900123")
        tab_to(page, lambda e: e["text"].startswith("Ask for a callback"))
        page.keyboard.press("Enter")
        expect(messages).to_contain_text("A mediator will call you")
        # Sent once: the form gives way to what was arranged (no old error, nothing to send again).
        expect(page.locator(".contact-form")).to_have_count(0)
        expect(messages).to_contain_text("Sent: our team has your details")
        expect(page.locator(".error-message:visible")).to_have_count(0)
        audit(page, "assistant failure")
        escalations = sa.create_engine(database_url).connect().execute(sa.text(
            "SELECT reason FROM escalations ORDER BY created_at")).scalars().all()
        assert escalations == ["bot_failure", "callback"]

        before = page.locator("#messages li").all_inner_texts()
        app.stop()
        expect(page.locator("#chat-error")).to_be_visible(timeout=20_000)
        expect(page.locator("#chat-error")).to_contain_text("We can't connect to the chat just now")
        audit(page, "offline")
        # A message written while offline is kept and sent once the chat is back.
        tab_to(page, lambda e: e["id"] == "message")
        page.keyboard.type("are you there")
        page.keyboard.press("Enter")
        expect(page.locator("#messages li").last).to_contain_text("Not sent yet")
        app.start()
        tab_to(page, lambda e: e["id"] == "retry", shift=True)
        page.keyboard.press("Enter")
        expect(page.locator("#connection")).to_have_text("Connected", timeout=20_000)
        expect(page.locator("#chat-error")).to_be_hidden()
        expect(page.locator("#messages li.message--person").last).to_contain_text("are you there")
        expect(page.locator("#messages li.message--person").last).not_to_contain_text("Not sent yet")
        page.reload()
        expect(page.locator("#messages li.message--person").last).to_contain_text("are you there")
        after = page.locator("#messages li").all_inner_texts()
        assert [text.split()[:6] for text in after[:len(before)]] == [text.split()[:6] for text in before]
    finally:
        context.close()
        app.stop()


@pytest.fixture
def app_settings(monkeypatch):
    """Settings of this process pointed at a WebApp's database, to act as the relay does."""
    from bot import database
    from bot.settings import get_settings

    def point_at(app: WebApp) -> None:
        for name in ("DATABASE_URL", "STAFFED_HOURS", "RASA_URL", "MEDIATOR_NUMBERS"):
            monkeypatch.setenv(name, app.env.get(name, ""))
        monkeypatch.setenv("REDIS_URL", "")
        get_settings.cache_clear()
        database.get_engine.cache_clear()

    yield point_at
    get_settings.cache_clear()
    database.get_engine.cache_clear()


def test_an_urgent_wait_is_shown_as_such_and_the_reminder_comes_by_itself(chromium, tmp_path, app_settings):
    """Staffed hours, the web app alone: the assistant's safeguarding handoff (as the relay
    passes it on) shows the urgent notice and waiting line, with no 'carry on' link; nobody
    joins, so the web app itself reminds the person what to do, and offers to carry on."""
    from bot.webchat import live

    app = WebApp(f"sqlite:///{tmp_path / 'urgent.db'}", port=17002, STAFFED_HOURS=ALWAYS_STAFFED,
                 WEBCHAT_POLL_SECONDS="1", SAFEGUARDING_REMINDER_SECONDS="4", MEDIATOR_NUMBERS="")
    app.migrate()
    app.start()
    app_settings(app)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        open_chat(page, app.url)
        live.request_person(session_id(page), "safeguarding", category="risk_to_life")
        messages = page.locator("#messages")
        expect(messages).to_contain_text("has been alerted and will join this chat as soon as they can")
        expect(page.locator("li.message--urgent")).to_have_count(1)
        waiting = page.locator("#waiting")
        expect(waiting).to_contain_text("If anyone is in danger now, call 999")
        expect(waiting).to_have_class(re.compile("waiting--urgent"))
        expect(waiting.get_by_role("button")).to_have_count(0)  # no "carry on with the assistant" here
        assert "usually within a few minutes" not in messages.inner_text()
        audit(page, "urgent wait")

        expect(messages).to_contain_text("Nobody from our team has been able to join yet", timeout=20_000)
        expect(messages).to_contain_text("Childline on 0800 1111")
        audit(page, "urgent reminder")
        choose(page, re.compile("Carry on with the assistant while I wait"))
        expect(messages).to_contain_text("Your request stays with our team")
        expect(waiting).to_be_hidden()
    finally:
        context.close()
        app.stop()


def test_out_of_hours_an_urgent_notice_says_when_and_who_to_call_and_takes_contact_details(
        chromium, tmp_path, app_settings):
    from bot.webchat import live

    database_url = f"sqlite:///{tmp_path / 'closed.db'}"
    app = WebApp(database_url, port=17003, STAFFED_HOURS=NEVER_STAFFED, WEBCHAT_POLL_SECONDS="1")
    app.migrate()
    app.start()
    app_settings(app)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        open_chat(page, app.url)
        live.request_person(session_id(page), "safeguarding", category="carer_breaking_point")
        messages = page.locator("#messages")
        expect(messages).to_contain_text("Our team will see your message when the line next opens")
        for number in ("999", "0800 1111", "116 123"):
            expect(page.locator("li.message--urgent")).to_contain_text(number)
        text = messages.inner_text()
        assert "isn't available right now" not in text and "join this chat" not in text
        expect(page.locator("#waiting")).to_be_hidden()
        audit(page, "urgent out of hours")
        page.get_by_label("Email address (optional)").fill("parent@example.org")
        page.get_by_role("button", name="Ask for a callback or email").click()
        expect(messages).to_contain_text("A mediator will email you")
        engine = sa.create_engine(database_url, future=True)
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT reason, priority, category, callback_email FROM escalations")).all()
        engine.dispose()
        assert [tuple(row) for row in rows] == [("safeguarding", "urgent", "carer_breaking_point", "parent@example.org")]
    finally:
        context.close()
        app.stop()


def test_a_disclosure_typed_in_staffed_hours_gets_the_numbers_and_the_urgent_wait(page, chat_stack):
    """Through the trained model: the assistant's own reply, then the channel's urgent notice."""
    open_chat(page, chat_stack.web_url)
    choose(page, re.compile("Parent or carer"))
    type_and_send(page, "my son keeps saying everyone would be better off without him")
    messages = page.locator("#messages")
    expect(messages).to_contain_text("has been alerted and will join this chat as soon as they can", timeout=30_000)
    expect(messages).to_contain_text("999")
    expect(page.locator("#waiting")).to_contain_text("If anyone is in danger now, call 999")
    expect(page.locator("#waiting").get_by_role("button")).to_have_count(0)
    assert "usually within a few minutes" not in messages.inner_text()
    escalations = stored_escalations(chat_stack.database_url, session_id(page))
    assert escalations == [("safeguarding", "urgent", "new", "risk_to_life")]


def stored_escalations(database_url: str, conversation_id: str):
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(
                "SELECT reason, priority, status, category FROM escalations WHERE conversation_id = :c"),
                {"c": conversation_id})]
    finally:
        engine.dispose()


def test_widget_opens_the_chat_in_a_panel_by_keyboard(page, chat_stack):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    council_page = f"""<!DOCTYPE html><html lang="en"><head><title>Local Offer</title></head>
        <body><h1>Kent Local Offer</h1><a href="#">A link on the council page</a>
        <script src="{chat_stack.web_url}/widget.js" defer></script></body></html>""".encode()

    class CouncilSite(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(council_page)

    # A council's own site: another origin, a real server (Chromium checks where pages come from).
    site = ThreadingHTTPServer(("127.0.0.1", 0), CouncilSite)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{site.server_address[1]}/local-offer")
        tab_to(page, lambda e: e["id"] == "send-line-chat-open")
        page.keyboard.press("Enter")
        frame = page.frame_locator("iframe[title^='Chat:']")
        expect(frame.locator("#messages li.message--bot").first).to_contain_text("are you asking as a parent or carer")
        assert focused(page)["text"] == "Close chat"
        page.keyboard.press("Escape")
        expect(page.locator("#send-line-chat-panel")).to_be_hidden()
        assert focused(page)["id"] == "send-line-chat-open"
    finally:
        site.shutdown()


def test_a_certificate_link_is_shown_as_a_clear_action(page, chat_stack, use_stack_settings):
    """However the assistant words it, a certificate download link becomes a button-like link."""
    from bot.database import session_scope
    from bot.webchat import hub
    from bot.webchat.models import add_message

    open_chat(page, chat_stack.web_url)
    conversation = session_id(page)
    url = f"{chat_stack.env['PUBLIC_BASE_URL']}/certificates/download/test-token"
    with session_scope() as session:
        add_message(session, conversation, "bot", f"Your certificate is ready. Download it: {url} Keep it safe.")
    hub.poke(conversation)  # another process: the page finds it within WEBCHAT_POLL_SECONDS
    action = page.get_by_role("link", name="Download your mediation certificate (PDF)")
    expect(action).to_have_attribute("href", url)
    tab_to(page, lambda e: e["text"] == "Download your mediation certificate (PDF)")



def test_keyboard_only_from_greeting_to_a_route_check_summary_and_a_certificate(page, chat_stack):
    """The whole journey of a parent who wants to appeal, without a mouse."""
    import datetime as dt

    from bot.redress.dates import format_long
    from bot.redress.deadlines import appeal_by

    letter = dt.date.today() - dt.timedelta(days=25)
    open_chat(page, chat_stack.web_url)
    choose(page, re.compile("Parent or carer"))

    # The route check: quick replies and typed answers, all from the keyboard.
    assert "parent or carer" in type_and_send(page, "can you check my deadlines")
    choose(page, re.compile("Parent or carer"))
    type_and_send(page, "the council refused to assess my son")
    type_and_send(page, "Kent")
    type_and_send(page, "he is 10")
    assert "mediation certificate" in type_and_send(page, f"{letter.day}/{letter.month}/{letter.year % 100:02d}")
    choose(page, re.compile("No certificate yet"))
    expect(page.locator(REPLIES).last).to_contain_text(format_long(letter))
    choose(page, re.compile("Yes, that's right"))
    expect(page.locator("#messages")).to_contain_text(f"Appeal deadline: {format_long(appeal_by(letter))}")

    # Then the appeal: the facts are known, so they are read back, then the mediation information.
    type_and_send(page, "I want to appeal")
    choose(page, re.compile("Yes, that's right"))
    expect(page.locator("#messages")).to_contain_text("Would you like to try mediation")
    choose(page, re.compile("No, just my certificate"))
    type_and_send(page, "Jo Bloggs")
    type_and_send(page, "Sam Bloggs")
    choose(page, re.compile("Yes, that's right"))
    expect(page.locator("#messages")).to_contain_text("I've issued your mediation certificate")

    # The certificate is a clear action, reached and followed by the keyboard.
    element = tab_to(page, lambda e: e["text"] == "Download your mediation certificate (PDF)", shift=True)
    assert element["tag"] == "A"
    link = page.get_by_role("link", name="Download your mediation certificate (PDF)").first
    href = link.get_attribute("href")
    assert "/certificates/download/" in href
    download = page.request.get(href.replace(chat_stack.env["PUBLIC_BASE_URL"], chat_stack.web_url))
    assert download.status == 200 and download.body().startswith(b"%PDF")


def test_a_mediator_replies_from_the_console_and_the_person_reads_it_then_the_assistant_resumes(chromium, chat_stack):
    """Console and chat page on the real stack: Rasa pauses, records the mediator's words, resumes."""
    from console_support import PASSWORD, sign_in
    from support.console import add_user

    add_user(chat_stack.database_url, "mia", "mediator", PASSWORD, "Mia Mediator")
    person = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    mediator = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    for tab in (person, mediator):
        tab.set_default_timeout(45_000)
    try:
        open_chat(person, chat_stack.web_url)
        conversation = session_id(person)
        type_and_send(person, "what is mediation")
        person.get_by_role("button", name="Talk to a person").click()
        expect(person.locator("#messages")).to_contain_text("asked a mediator from our team to join this chat")

        sign_in(mediator, type("Console", (), {"url": chat_stack.web_url}), "mia")
        expect(mediator.locator("#queue")).to_be_visible()
        # This person's escalation (other tests of the module share the stack's queue).
        engine = sa.create_engine(chat_stack.database_url, future=True)
        with engine.connect() as connection:
            [escalation_id] = connection.execute(sa.text(
                "SELECT id FROM escalations WHERE conversation_id = :c"), {"c": conversation}).scalars().all()
        engine.dispose()
        mediator.goto(f"{chat_stack.web_url}/console/escalations/{escalation_id}")
        expect(mediator.locator("#live-owner")).to_have_text("Waiting for a mediator to join")
        mediator.get_by_role("button", name="Take over").click()
        expect(mediator.locator("#live-owner")).to_have_text("You are in this chat")
        expect(person.locator("#messages")).to_contain_text("Mia from our mediation team has joined the chat.")

        mediator.get_by_label("Reply").fill("Hello, I'm Mia. What has the council decided?")
        mediator.get_by_role("button", name="Send reply").click()
        staff_message = person.locator("#messages li.message--staff").last
        expect(staff_message).to_contain_text("Hello, I'm Mia. What has the council decided?")

        # While Mia holds the chat, the assistant says nothing.
        before = replies(person)
        person.locator("#message").fill("they refused to assess my son")
        person.keyboard.press("Enter")
        person.wait_for_timeout(3000)
        assert replies(person) == before

        mediator.get_by_role("button", name="Hand back to the assistant").click()
        expect(mediator.locator("#live-owner")).to_have_text("With the assistant")
        expect(person.locator("#messages")).to_contain_text("You're back with the assistant")
        assert "free" in type_and_send(person, "is mediation free").lower()

        # Rasa's own tracker: paused, Mia's words marked as hers, the person's words, resumed, answered.
        events = chat_stack.tracker(conversation)["events"]
        kinds = [event["event"] for event in events]
        assert kinds.index("pause") < kinds.index("resume")
        staff = [event for event in events if (event.get("metadata") or {}).get("from_staff")]
        assert [event.get("text") for event in staff] == ["Hello, I'm Mia. What has the council decided?"]
        paused = events[kinds.index("pause"):kinds.index("resume")]
        assert "they refused to assess my son" in [event.get("text") for event in paused if event["event"] == "user"]
    finally:
        person.context.close()
        mediator.context.close()
