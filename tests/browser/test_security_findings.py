"""Issue 20's findings for the console and the web chat, each shown in headless Chromium
against the real web app (uvicorn, its own database) and, for typed commands, the real
product (the supervisor: actions, Rasa, web app).

- free text a family writes (a callback's preferred time) and notes are redacted in the
  queue and on the case page until revealed with a reason, and retention clears them;
- a council "named" by an entity holding a name and a phone number reaches neither the
  queue nor a case page, by the web chat's and the SMS line's own paths;
- a page on another site cannot open the chat's WebSocket, even with the family's key;
- an idle console session ends although its pages keep polling and streaming, and
  signing out stops the live chat's stream in every other tab;
- `/restart` or `/session_start` typed in the web chat are words, not commands.

(Elsewhere in Chromium: one mediator cannot write into a colleague's live chat, and the
console and its audit log never show a chat key: tests/browser/test_console_day.py.)
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from bot.database import session_scope
from bot.handoff.models import Escalation
from console_support import PASSWORD, WebApp, sign_in
from support.console import add_user
from support.stack import ServiceStack
# The fixture that points this process's settings at a WebApp, to act as its relay or SMS line does.
from test_webchat import app_settings  # noqa: F401,F811

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_STAFFED = ",".join(f"{day}=00:00-23:59" for day in DAYS)
NEVER_STAFFED = ",".join(f"{day}=" for day in DAYS)
# What the probe of 30 November 2026 found in clear: a name and a number.
NAME, NUMBER = "Jane Doe", "07700 900666"
ENTITY = f"…{NAME} {NUMBER}"


def start_app(tmp_path_factory, name: str, port: int, staffed: str) -> WebApp:
    database_url = f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.db'}"
    app = WebApp(database_url, port=port, STAFFED_HOURS=staffed, WEBCHAT_POLL_SECONDS="1", MEDIATOR_NUMBERS="",
                 CONSOLE_IDLE_TIMEOUT_MINUTES="1")
    app.migrate()
    add_user(database_url, "mia", "mediator", PASSWORD, "Mia Mediator")
    add_user(database_url, "priya", "mediator", PASSWORD, "Priya Patel")
    app.database_url = database_url
    return app.start()


@pytest.fixture(scope="module")
def open_app(tmp_path_factory):
    """Staffed all day: a family asking for a person waits for a mediator."""
    app = start_app(tmp_path_factory, "staffed", 17140, ALWAYS_STAFFED)
    yield app
    app.stop()


@pytest.fixture(scope="module")
def closed_app(tmp_path_factory):
    """Never staffed: a family asking for a person is offered a callback."""
    app = start_app(tmp_path_factory, "closed", 17141, NEVER_STAFFED)
    yield app
    app.stop()


def new_page(chromium):
    page = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    return page


def open_chat(page, url: str) -> str:
    """The family's chat page; returns its key (the conversation's id, kept in local storage)."""
    page.goto(url)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page.evaluate("() => window.localStorage.getItem('sendline.chat.session')")


def family_says(page, text: str) -> None:
    page.locator("#message").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.message--person").last).to_contain_text(text)


def escalations_of(app, conversation_id: str):
    with session_scope(app.database_url) as session:
        return list(session.execute(sa.select(Escalation).where(Escalation.conversation_id == conversation_id)
                                    .order_by(Escalation.created_at)).scalars())


def audit_details(app, action: str):
    with session_scope(app.database_url) as session:
        return session.execute(sa.text("SELECT actor, detail FROM audit_log WHERE action = :a ORDER BY id"),
                               {"a": action}).all()


# --- free text in the console: redacted until revealed, cleared by retention ----------
def test_a_callbacks_preferred_time_and_notes_are_redacted_until_revealed_and_retention_clears_them(
        chromium, closed_app, app_settings):
    """Issue 20: the callback's 'preferred time' (free text: it can hold a name or a number) was
    shown in clear, with no reveal, and kept for ever. Every free-text field goes through redaction."""
    from bot.console.retention import apply_retention

    app_settings(closed_app)
    app = closed_app
    family, mia = new_page(chromium), new_page(chromium)
    try:
        # Out of hours the family asks for a person and leaves a number and when suits them.
        conversation = open_chat(family, app.url)
        family.get_by_role("button", name="Talk to a person").click()
        family.get_by_label("Phone number (optional)").fill("07700 900123")
        family.get_by_label("When suits you? (optional)").fill(f"after 3pm, ask for {NAME} on {NUMBER}")
        family.get_by_role("button", name="Ask for a callback or email").click()
        expect(family.locator("#messages")).to_contain_text("A mediator will call you")
        callback = next(e for e in escalations_of(app, conversation) if e.reason == "callback")
        assert callback.preferred_time == f"after 3pm, ask for {NAME} on {NUMBER}"

        # The queue: when suits them, with the name and number redacted (the queue has no reveal).
        sign_in(mia, app, "mia")
        row = mia.locator("#queue tr[data-case]").filter(has_text="Preferred time")  # one row per family
        expect(row).to_contain_text("Preferred time: after 3pm, ask for [name] on [phone number]")
        queue_text = mia.locator("#queue").inner_text()
        assert "Jane" not in queue_text and "Doe" not in queue_text and "900666" not in queue_text

        # The case page: redacted until revealed with a reason, and a note is redacted alike.
        row.get_by_role("link").first.click()  # the case, at the family's first request
        case_url = mia.url
        expect(mia.locator("#preferred-time")).to_have_text("after 3pm, ask for [name] on [phone number]")
        mia.get_by_role("button", name="Assign to me").click()  # the holder keeps a reveal for the visit
        expect(mia.locator("#assigned-to")).to_have_text("Mia Mediator")
        mia.get_by_label("Why do you need to see personal details?").fill("Calling the family back as asked")
        mia.get_by_role("button", name="Show personal details").click()
        expect(mia.locator("#preferred-time")).to_have_text(f"after 3pm, ask for {NAME} on {NUMBER}")
        mia.get_by_label("Add a note").fill(f"No answer on {NUMBER}; try Mrs Doe again tomorrow")
        mia.get_by_role("button", name="Add note").click()
        expect(mia.locator("#notes")).to_contain_text(f"No answer on {NUMBER}; try Mrs Doe again tomorrow")
        mia.get_by_role("button", name="Hide them again").click()
        expect(mia.locator("#notes li")).to_have_count(1)
        expect(mia.locator("#notes")).to_contain_text("No answer on [phone number]; try Mrs [name] again tomorrow")
        expect(mia.locator("#preferred-time")).to_have_text("after 3pm, ask for [name] on [phone number]")
        assert "Doe" not in mia.locator("main").inner_text() and "900666" not in mia.locator("main").inner_text()

        mia.goto(f"{app.url}/console/escalations/{callback.id}")  # the case at its later request: the note once
        expect(mia.locator("#notes li")).to_have_count(1)
        mia.goto(case_url)

        # Resolved; RETENTION_CALLBACK_DAYS (30) later the retention job clears the preferred time.
        mia.get_by_label("Change status").select_option("resolved")
        mia.get_by_role("button", name="Save status").click()
        expect(mia.locator("#status")).to_have_text("Resolved")
        report = apply_retention(app.database_url, now=dt.datetime.utcnow() + dt.timedelta(days=31))
        assert report.counts["callback details cleared"] >= 1
        assert {e.preferred_time for e in escalations_of(app, conversation)} == {None}
        sign_in(mia, app, "mia")  # a month on: that session is long gone
        mia.goto(case_url)
        expect(mia.locator("#status")).to_have_text("Resolved")
        expect(mia.locator("#preferred-time")).to_have_count(0)
    finally:
        family.context.close()
        mia.context.close()


# --- an entity that is not a council ----------------------------------------------------
def test_an_entity_holding_a_name_and_number_never_reaches_the_queue(chromium, open_app, app_settings):
    """Issue 20: an entity value like '…Jane Doe 07700 900666' was stored as an escalation's
    council and shown in clear in the queue. Escalations are raised here by the web chat relay's
    and the SMS line's own calls, with the assistant's turn read from a tracker as Rasa sends it."""
    from bot.conversations.turns import read_turn, summary_of
    from bot.webchat import live
    from telephony.web import _raise_escalation

    app_settings(open_app)
    app = open_app
    tracker = {
        "slots": {"local_authority": ENTITY},
        "latest_message": {"intent": {"name": "request_human"},
                           "entities": [{"entity": "local_authority", "value": ENTITY}]},
        "events": [{"event": "user", "text": "I need a person"},
                   {"event": "action", "name": "action_request_human"}],
    }
    turn = read_turn([], tracker)
    assert turn.handoff_reason == "person_requested"
    family, mia = new_page(chromium), new_page(chromium)
    try:
        # The web chat (bot.webchat.relay): live.request_person with the turn's council.
        web = open_chat(family, app.url)
        live.request_person(web, turn.handoff_reason, "web", turn.local_authority)
        # The SMS line (telephony.web, a text asking for a person): the same arguments it passes.
        sms = "sms-entity-fixture-0001"
        _raise_escalation(reason=turn.handoff_reason, channel="sms", conversation_id=sms,
                          summary=summary_of(turn, turn.handoff_reason, "sms"), local_authority=turn.local_authority,
                          category=turn.handoff_category, language=turn.handoff_language, status="new", notify=True)
        ids = [escalations_of(app, conversation)[0].id for conversation in (web, sms)]

        sign_in(mia, app, "mia")
        for escalation_id in ids:
            row = mia.locator(f"#queue tr[data-escalation='{escalation_id}']")
            expect(row).to_contain_text("Not known")  # the council column
        # The service's own summary is left whole ("Texter" is no name).
        expect(mia.locator(f"#queue tr[data-escalation='{ids[1]}']")).to_contain_text("Texter asked for a person.")
        queue_text = mia.locator("main").inner_text()
        for detail in ("Jane", "Doe", "900666", "07700"):
            assert detail not in queue_text, detail
        for escalation_id in ids:
            mia.goto(f"{app.url}/console/escalations/{escalation_id}")
            summary = mia.locator("#summary").inner_text()
            assert "Jane" not in summary and "900666" not in summary
        assert {e.local_authority for c in (web, sms) for e in escalations_of(app, c)} == {None}
    finally:
        family.context.close()
        mia.context.close()


# --- the chat's WebSocket: bound to the service's own pages ---------------------------
@pytest.fixture(scope="module")
def another_site():
    """A real web server for another site, on this machine's loopback (127.0.0.2): a public
    site's page would be stopped by Chromium itself (Local Network Access) before the chat's
    server were asked, and in development that server allows only 127.0.0.1 and localhost."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><html lang='en'><title>Another site</title><p>Another site</p></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 17149), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.2:17149"
    server.shutdown()
    server.server_close()


PROBE_SOCKET = """async ([url, key, say]) => await new Promise((resolve) => {
    const frames = [];
    let opened = false;
    const socket = new WebSocket(url);
    socket.onopen = () => {
        opened = true;
        socket.send(JSON.stringify({type: "start", session: key, after: 0}));
        if (say) { socket.send(JSON.stringify({type: "say", text: say, client_id: "probe-1", payload: null})); }
        setTimeout(() => socket.close(), 2000);
    };
    socket.onmessage = (event) => frames.push(JSON.parse(event.data));
    socket.onclose = (event) => resolve({opened, frames, code: event.code});
    setTimeout(() => resolve({opened, frames, code: -1}), 10000);
})"""


def test_a_page_on_another_site_cannot_open_the_chat_socket_even_with_the_key(chromium, open_app, app_settings,
                                                                             another_site):
    """Issue 20: with a chat key copied from the log, a WebSocket from a foreign Origin got the
    whole conversation and could post as the family. Chromium sets the Origin header itself (a
    page cannot): the foreign page is a real page on another origin whose script opens the socket
    to the real server."""
    from bot.webchat import live

    app_settings(open_app)
    app = open_app
    family, foreign = new_page(chromium), new_page(chromium)
    try:
        key = open_chat(family, app.url)
        live.request_person(key, "person_requested")  # held for a mediator: nothing goes to Rasa
        family_says(family, "My name is Sarah Jones, my number is 07700 900123")
        socket_url = app.url.replace("http://", "ws://") + "/chat/ws"

        foreign.goto(f"{another_site}/")
        seen = foreign.evaluate(PROBE_SOCKET, [socket_url, key, "Posted from another site"])
        assert not seen["opened"] and seen["frames"] == [], seen  # refused at the handshake (403)
        assert f"a socket from another site was refused ({another_site})" in app.log.read_text()

        # The same script on the service's own page does open it (the check is the Origin, not the script).
        own = family.context.new_page()
        own.goto(f"{app.url}/chat/privacy")
        allowed = own.evaluate(PROBE_SOCKET, [socket_url, key, ""])
        assert allowed["opened"] and allowed["frames"][0] == {"type": "session", "session": key,
                                                              "role": allowed["frames"][0]["role"]}
        assert any("Sarah Jones" in str(frame.get("text")) for frame in allowed["frames"])

        # Nothing was posted as the family.
        family.wait_for_timeout(1500)
        assert "Posted from another site" not in family.locator("#messages").inner_text()
        with session_scope(app.database_url) as session:
            texts = session.execute(sa.text("SELECT text FROM chat_messages WHERE conversation_id = :c"),
                                    {"c": key}).scalars().all()
        assert "Posted from another site" not in texts
    finally:
        family.context.close()
        foreign.context.close()


# --- console sessions: polling is not using -------------------------------------------
def take_the_chat(chromium, app, app_settings):
    """A family waiting in the live chat; Mia in it on the case page (its live stream open), and
    the queue in a second tab of her browser."""
    from bot.webchat import live

    app_settings(app)
    family, mia = new_page(chromium), new_page(chromium)
    conversation = open_chat(family, app.url)
    live.request_person(conversation, "person_requested")
    escalation_id = escalations_of(app, conversation)[0].id
    sign_in(mia, app, "mia")
    mia.goto(f"{app.url}/console/escalations/{escalation_id}")
    mia.get_by_role("button", name="Take over", exact=True).click()
    expect(mia.locator("#live-owner")).to_have_text("You are in this chat")
    family_says(family, "Hello, are you there?")
    expect(mia.locator("#live-messages")).to_contain_text("Hello, are you there?", timeout=10_000)
    queue = mia.context.new_page()
    queue.goto(f"{app.url}/console/")
    expect(queue.get_by_role("heading", name="Escalations")).to_be_visible()
    return family, mia, queue


def no_more_reaches_the_page(family, mia) -> None:
    """The family writes again: the mediator's open case page does not show it."""
    family_says(family, "Is anyone still reading this?")
    mia.wait_for_timeout(5_000)
    assert "still reading" not in mia.locator("#live-messages").inner_text()


def test_an_idle_session_ends_although_its_pages_keep_polling_and_streaming(chromium, open_app, app_settings):
    """Issue 20: the console's 15 s poll kept an idle session alive for ever. Here the idle timeout
    is a minute: the queue polls for alerts, the case page polls for urgent ones and streams the
    live chat, nobody touches anything, and the session still ends."""
    app = open_app
    family, mia, queue = take_the_chat(chromium, app, app_settings)
    try:
        asked = []
        for tab in (mia, queue):
            tab.on("request", lambda request: asked.append((dt.datetime.utcnow(), request.url)))
        last_use = dt.datetime.utcnow()
        family.wait_for_timeout(70_000)
        polls = [at for at, url in asked if url.endswith("/console/alerts.json")]
        assert polls and max(polls) > last_use + dt.timedelta(seconds=50), "the pages kept polling"

        # What the family writes now reaches the page no more, and the next page is the sign-in.
        no_more_reaches_the_page(family, mia)
        queue.reload()
        expect(queue).to_have_url(re.compile(r"/console/login"))
        assert ("mia", "idle") in [tuple(row) for row in audit_details(app, "session_expired")]
    finally:
        family.context.close()
        mia.context.close()


def test_signing_out_in_one_tab_stops_the_live_chat_in_the_others(chromium, open_app, app_settings):
    """The live chat's stream checked the session only when it opened: after signing out in
    another tab, the family's messages kept arriving on the open case page."""
    family, mia, queue = take_the_chat(chromium, open_app, app_settings)
    try:
        queue.get_by_role("button", name="Sign out").click()
        expect(queue).to_have_url(re.compile(r"/console/login"))
        no_more_reaches_the_page(family, mia)
    finally:
        family.context.close()
        mia.context.close()


# --- typed commands in the web chat (the real product: Rasa and the action server) ----
@pytest.fixture(scope="module")
def chat_stack(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('commands') / 'commands.db'}"
    stack = ServiceStack(database_url, RASA_PORT="17145", ACTION_SERVER_PORT="17146", WEB_PORT="17147",
                         PUBLIC_BASE_URL="http://localhost:17147", STAFFED_HOURS=ALWAYS_STAFFED,
                         OUTBOX_WORKER_ENABLED="false", RETENTION_JOB_HOURS="0", WEBCHAT_POLL_SECONDS="1").start()
    stack.database_url = database_url
    yield stack
    stack.stop()


def test_commands_typed_in_the_web_chat_are_words(page, chat_stack):
    """Issue 20: typed `/restart` and `/session_start` were executed as Rasa commands (and made
    bot_failure escalations); only the page's own button payloads may be."""
    url = "http://localhost:17147"
    page.goto(url)
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator("#messages li.message--bot").first).to_be_visible()
    key = page.evaluate("() => window.localStorage.getItem('sendline.chat.session')")
    bot = page.locator("#messages li.message--bot")
    for text in ("My son's school says he does not need an EHCP", "/restart", "/session_start"):
        before = bot.count()
        page.locator("#message").fill(text)
        page.keyboard.press("Enter")
        expect(bot).not_to_have_count(before, timeout=45_000)
        expect(page.locator("#typing")).to_be_hidden(timeout=45_000)
    # The page shows what was typed, and the conversation goes on: nothing was reset.
    expect(page.locator("#messages li.message--person").last).to_contain_text("/session_start")
    events = chat_stack.tracker(key)["events"]
    said = [event.get("text") for event in events if event["event"] == "user"]
    assert said[-2:] == ["restart", "session_start"], said  # the leading slash dropped: words
    assert "My son's school says he does not need an EHCP" in said
    typed_at = next(event["timestamp"] for event in events if event["event"] == "user" and event["text"] == "restart")
    assert not [e for e in events if e["event"] in ("restart", "session_started") and e["timestamp"] > typed_at]
    intents = [(event.get("parse_data") or {}).get("intent", {}).get("name") for event in events
               if event["event"] == "user"][-2:]
    assert "restart" not in intents and "session_start" not in intents
    assert not [e for e in escalations_of(chat_stack, key) if e.reason == "bot_failure"]
