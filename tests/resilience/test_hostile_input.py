"""Hostile input: every public JSON endpoint fuzzed from the app's own OpenAPI schema,
oversized bodies and messages refused, per-sender rate limits on the web chat and SMS.

Already covered elsewhere (not repeated here): forged or missing Twilio signatures are
refused (tests/unit/telephony/test_webhooks.py::test_unsigned_and_forged_requests_are_refused_and_change_nothing),
console pages need a sign-in (tests/unit/console/test_security.py::test_every_console_url_refuses_anonymous_users).
"""
from __future__ import annotations

import re
from typing import Any, Dict
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from hypothesis_jsonschema import from_schema

from bot.outbox.models import OutboxMessage
from support.telephony import PUBLIC_BASE_URL

STACK_TRACE = re.compile(r"Traceback|File \"|sqlalchemy|psycopg2|Exception:|line \d+, in ")
EXAMPLES = 40


def _openapi():
    from bot.app import create_app

    return create_app().openapi()


def _operations():
    schema = _openapi()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield pytest.param(path, method, id=f"{method.upper()} {path}")


def _resolve(schema: Any, components: Dict) -> Any:
    """The schema with every $ref inlined (hypothesis-jsonschema needs it self-contained)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components)
        return {key: _resolve(value, components) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_resolve(value, components) for value in schema]
    return schema


def _junk_json():
    # Finite floats: JSON has no infinity, and the client refuses to send it (a false failure).
    scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
               | st.text(max_size=50))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                           max_size=4), max_leaves=10)


@pytest.mark.parametrize("path, method", list(_operations()))
def test_no_endpoint_answers_500_or_a_stack_trace(path, method, web_app):
    client = web_app()
    schema = _openapi()
    operation = schema["paths"][path][method]
    components = schema.get("components", {}).get("schemas", {})
    parameters = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
    parameter_schema = {"type": "object", "properties": {p["name"]: _resolve(p.get("schema", {}), components)
                                                         for p in parameters},
                        "required": [p["name"] for p in parameters if p.get("required")]}
    body_schema = (operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
    bodies = (from_schema(_resolve(body_schema, components)) | _junk_json()) if body_schema else st.none()
    documented = {int(code) for code in operation.get("responses", {}) if code.isdigit()}

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))
    @given(params=from_schema(parameter_schema), body=bodies, form=st.dictionaries(
        st.sampled_from(["From", "To", "Body", "CallSid", "SpeechResult", "Digits", "step"]), st.text(max_size=30)))
    def check(params, body, form):
        url = path
        query = {}
        for parameter in parameters:
            value = params.get(parameter["name"])
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", quote(str(value), safe="") or "x")
            elif value is not None:
                query[parameter["name"]] = value if not isinstance(value, (dict, list)) else str(value)
        if body_schema:
            response = client.request(method, url, params=query, json=body)
        elif url.startswith("/telephony/"):
            # A Twilio webhook: form fields, signed as Twilio signs them (forgeries are tested elsewhere).
            response = client.twilio.post(url + ("?" + urlencode(query) if query else ""), form)
        else:
            response = client.request(method, url, params=query)
        assert response.status_code < 500 or response.status_code in documented, (url, body, response.text[:300])
        assert not STACK_TRACE.search(response.text), response.text[:500]

    check()


def test_oversized_bodies_are_refused_with_413_before_anything_reads_them(web_app):
    client = web_app(MAX_REQUEST_BYTES="2000")
    big = {"role": "parent", "about": "plan_content", "local_authority": "K" * 5000}
    response = client.post("/api/v1/route-check", json=big)
    assert response.status_code == 413 and "at most 2,000 bytes" in response.json()["message"]
    # No Content-Length (chunked): counted as it arrives.
    response = client.post("/api/v1/route-check", content=iter([b'{"role": "parent", ', b" " * 3000, b"}"]),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    # A huge text to the SMS webhook is refused before the signature is even checked.
    response = client.twilio.post("/telephony/sms", {"From": "+447700900123", "Body": "x" * 5000})
    assert response.status_code == 413
    # Within the limit, the same endpoint answers normally.
    assert client.post("/api/v1/route-check", json={"role": "parent", "about": "plan_content"}).status_code == 200


def test_a_too_long_chat_message_is_refused_and_not_kept(web_app, chat_reader):
    client = web_app(CHAT_MAX_MESSAGE_CHARACTERS="100")
    with client.websocket_connect("/chat/ws", headers={"origin": PUBLIC_BASE_URL}) as socket:
        chat = chat_reader(socket)
        chat.start()
        chat.say("x" * 101, client_id="long")
        refused = chat.until(lambda f: f["type"] == "refused")
        assert refused["client_id"] == "long" and refused["reason"] == "too_long"
        assert "Please keep it under 100 characters" in refused["message"]
    assert not [f for f in chat.frames if f["type"] == "message" and f["sender"] == "person"]


def test_the_web_chat_asks_a_fast_sender_to_wait(web_app, chat_reader):
    client = web_app(CHAT_RATE_LIMIT="3", RATE_LIMIT_WINDOW_SECONDS="60")
    with client.websocket_connect("/chat/ws", headers={"origin": PUBLIC_BASE_URL}) as socket:
        chat = chat_reader(socket)
        chat.start()
        for number in range(4):
            chat.say(f"message {number}", client_id=f"m{number}")
        refused = chat.until(lambda f: f["type"] == "refused")
        assert refused["client_id"] == "m3" and refused["reason"] == "rate_limited"
        assert 0 < refused["retry_after"] <= 60 and "Please wait" in refused["message"]
        # The three before it were each kept and acknowledged.
        for number in range(3):
            chat.until(lambda f, n=number: f["type"] == "message" and f.get("client_id") == f"m{n}")


def test_sms_over_the_rate_limit_is_refused_with_one_notice_and_stop_still_works(web_app):
    from bot.database import session_scope

    client = web_app(SMS_RATE_LIMIT="2", RATE_LIMIT_WINDOW_SECONDS="60")
    text = lambda body: client.twilio.post("/telephony/sms", {"From": "+447700900777", "Body": body})  # noqa: E731
    assert [text("what is mediation").status_code for _ in range(2)] == [200, 200]
    refused = [text("what is mediation") for _ in range(3)]
    assert [r.status_code for r in refused] == [429, 429, 429]
    assert 0 < int(refused[0].headers["Retry-After"]) <= 60
    with session_scope() as session:
        bodies = [m.body for m in session.query(OutboxMessage).order_by(OutboxMessage.id)]
    notices = [b for b in bodies if "faster than we can answer" in b]
    assert len(notices) == 1 and len(bodies) == 3  # two answers (Rasa is down: an apology) and one notice
    # Another number is not affected, and STOP is honoured even over the limit.
    assert client.twilio.post("/telephony/sms", {"From": "+447700900778", "Body": "hello"}).status_code == 200
    assert text("STOP").status_code == 200
