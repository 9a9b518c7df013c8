"""Security of the console: every URL needs the right role, every form a valid CSRF token,
sign-in locks after repeated failures, sessions expire, and nothing is cached."""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import pytest
import sqlalchemy as sa

from bot.console import auth
from bot.console.models import AuditEntry, StaffSession
from bot.database import session_scope
from bot.handoff.models import record_escalation

PASSWORD = "a long enough password"  # every console user's, in conftest.py

# The role each console page needs; every route under /console must be listed here.
# The second step of sign-in needs the session a right password opened (tests/unit/console/test_totp.py).
PUBLIC = {("GET", "/console/login"), ("POST", "/console/login"), ("GET", "/console/static/{name}"),
          ("GET", "/console/login/second-factor"), ("POST", "/console/login/second-factor")}
ROLE_OF = {"/console/second-factors": "manager", "/console/second-factors/reset": "manager",
           "/console/audit": "manager", "/console/users": "admin", "/console/users/{username}/disable": "admin",
           "/console/usage": "manager", "/console/usage.csv": "manager"}


def console_routes(app):
    for route in app.routes:
        if getattr(route, "path", "").startswith("/console"):
            for method in sorted(route.methods - {"HEAD"}):
                if (method, route.path) not in PUBLIC:
                    yield method, route.path


class Ids(NamedTuple):
    escalation: str
    request: str


def concrete(path: str, ids: Ids) -> str:
    return (path.replace("{escalation_id}", ids.escalation).replace("{username}", "mediator")
            .replace("{reference}", "NO-SUCH-REF").replace("{kind}", "mediation")
            .replace("{request_id}", ids.request).replace("{action}", "withdraw"))


@pytest.fixture
def ids(console) -> Ids:
    """An escalation and a mediation request, for the URLs that name one."""
    from bot.mediation.requests import request_mediation

    with session_scope() as session:
        escalation = record_escalation(session, reason="person_requested", channel="web", conversation_id="web-1")
        request = request_mediation(session, conversation_id="web-1", channel="web", local_authority="Kent",
                                    issues="Section F", health_care_in_issue=False, contact_preference="phone",
                                    availability="Mornings")
        session.flush()
        return Ids(escalation.id, request.id)


def test_every_console_url_refuses_anonymous_users(console, ids):
    client = console.client()
    routes = list(console_routes(console.app))
    assert len(routes) >= 10
    for method, path in routes:
        response = client.request(method, concrete(path, ids), data={"csrf_token": "x"})
        if method == "GET":
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/console/login?next=")
        else:
            assert response.status_code == 401, (method, path)
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("role", ["mediator", "manager"])
def test_pages_above_a_role_are_refused_and_audited(console, ids, role):
    client = console.signed_in(role)
    refused = 0
    for method, path in console_routes(console.app):
        needed = ROLE_OF.get(path, "mediator")
        if auth.role_allows(role, needed):
            continue
        response = client.request(method, concrete(path, ids), data={"csrf_token": client.csrf})
        assert response.status_code == 403, (role, method, path)
        assert "You cannot see this page" in response.text
        refused += 1
    assert refused >= 2
    with session_scope() as session:
        denied = session.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.actor == role, AuditEntry.action == "access_denied")).scalar_one()
    assert denied == refused


def test_each_role_reaches_its_pages(console, ids):
    for role, allowed in {"mediator": ["/console/", f"/console/escalations/{ids.escalation}", "/console/requests",
                                       f"/console/requests/mediation/{ids.request}"],
                          "manager": ["/console/audit", "/console/usage", "/console/usage.csv"],
                          "admin": ["/console/users", "/console/audit", "/console/usage"]}.items():
        client = console.signed_in(role)
        for path in allowed:
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            assert response.headers["cache-control"] == "no-store"


def test_forms_without_a_valid_csrf_token_are_refused(console, ids):
    client = console.signed_in("admin")
    for method, path in console_routes(console.app):
        if method != "POST":
            continue
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(concrete(path, ids), data={**data, "text": "hi", "reason": "x" * 20})
            assert response.status_code == 403, (path, data)
            assert "This form has expired" in response.text
    # Nothing happened: the escalation is still unassigned, the request not withdrawn, still signed in.
    page = client.get(f"/console/escalations/{ids.escalation}")
    assert page.status_code == 200 and 'id="assigned-to">Nobody' in page.text
    page = client.get(f"/console/requests/mediation/{ids.request}")
    assert page.status_code == 200 and 'id="request-status">Requested' in page.text


def test_a_token_from_another_session_is_refused(console, ids):
    mine, theirs = console.signed_in("mediator"), console.signed_in("manager")
    response = mine.post(f"/console/escalations/{ids.escalation}/assign", data={"csrf_token": theirs.csrf})
    assert response.status_code == 403
    assert mine.post(f"/console/escalations/{ids.escalation}/assign", data={"csrf_token": mine.csrf}).status_code == 303


def test_sign_in_form_needs_its_csrf_cookie(console):
    client = console.client()
    response = client.post("/console/login", data={"username": "mediator", "password": "a long enough password",
                                                   "csrf_token": "made-up"})
    assert response.status_code == 403 and "console_session" not in response.cookies


def test_session_cookie_is_http_only_and_strict(console):
    _, response = console.sign_in("mediator")
    cookie = response.headers["set-cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/console" in cookie and "Secure" not in cookie  # http in tests


def test_cookie_is_secure_behind_https(make_console):
    console = make_console(PUBLIC_BASE_URL="https://console.example.org")
    client = console.TestClient(console.app, base_url="https://testserver", follow_redirects=False)
    _, response = console.sign_in("mediator", client=client)
    assert "Secure" in response.headers["set-cookie"]


def test_login_locks_after_five_failures_for_fifteen_minutes(console):
    client = console.client()
    for attempt in range(4):
        _, response = console.sign_in("mediator", "wrong password!", client)
        assert response.status_code == 401 and "username or password is not right" in response.text
    _, response = console.sign_in("mediator", "wrong password!", client)
    assert response.status_code == 429 and "Too many failed attempts" in response.text
    # Even the right password is refused while locked.
    _, response = console.sign_in("mediator", client=client)
    assert response.status_code == 429 and "console_session" not in response.cookies
    # Other users are not locked out.
    assert console.sign_in("manager")[1].status_code == 303
    with session_scope() as session:
        actions = [a for (a,) in session.execute(sa.select(AuditEntry.action).where(AuditEntry.actor == "mediator"))]
    assert actions.count("login_failed") == 5 and "login_locked" in actions and "login_refused_locked" in actions


def test_lockout_ends_after_the_lockout_time(console):
    settings = console.settings
    with session_scope() as session:
        start = dt.datetime(2026, 11, 23, 10, 0)
        for minute in range(5):
            assert auth.sign_in(session, "mediator", "wrong", "10.0.0.1", settings, start + dt.timedelta(minutes=minute)).user is None
        assert auth.sign_in(session, "mediator", "a long enough password", "10.0.0.1", settings,
                            start + dt.timedelta(minutes=10)).user is None
        later = start + dt.timedelta(minutes=10 + settings.console_lockout_minutes + 1)
        assert auth.sign_in(session, "mediator", "a long enough password", "10.0.0.1", settings, later).user is not None


def test_one_address_trying_many_usernames_is_rate_limited(console):
    settings = console.settings
    now = dt.datetime(2026, 11, 23, 10, 0)
    with session_scope() as session:
        for n in range(settings.console_max_failures_per_address):
            auth.sign_in(session, f"guess{n}", "wrong", "203.0.113.9", settings, now)
        result = auth.sign_in(session, "mediator", "a long enough password", "203.0.113.9", settings, now)
        assert result.user is None and "Too many" in result.error
        # Someone else, elsewhere, signs in.
        assert auth.sign_in(session, "mediator", "a long enough password", "198.51.100.1", settings, now).user


def test_unknown_and_disabled_users_get_the_same_answer(console):
    assert console.sign_in("nobody", "whatever it is")[1].status_code == 401
    client = console.signed_in("mediator")
    with session_scope() as session:
        auth.disable_user(session, "mediator", actor="test")
    # Disabling ends the session at once...
    assert client.get("/console/").status_code == 303
    # ... and the password no longer works.
    _, response = console.sign_in("mediator")
    assert response.status_code == 401 and "username or password is not right" in response.text


def _age_session(field: str, delta: dt.timedelta) -> None:
    with session_scope() as session:
        for row in session.execute(sa.select(StaffSession)).scalars():
            setattr(row, field, getattr(row, field) - delta)


def test_sessions_expire_when_idle(console):
    client = console.signed_in("mediator")
    _age_session("last_seen_at", dt.timedelta(minutes=31))
    response = client.get("/console/")
    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")


def test_sessions_expire_after_the_absolute_limit_even_when_active(console):
    client = console.signed_in("mediator")
    _age_session("created_at", dt.timedelta(hours=12, minutes=1))
    assert client.get("/console/").status_code == 303
    with session_scope() as session:
        reasons = [d for (d,) in session.execute(sa.select(AuditEntry.detail).where(AuditEntry.action == "session_expired"))]
    assert reasons == ["absolute limit"]


def test_sign_out_ends_the_session(console):
    client = console.signed_in("mediator")
    stolen_cookie = client.cookies.get("console_session")
    response = client.post("/console/logout", data={"csrf_token": client.csrf})
    assert response.status_code == 303
    again = console.client()
    again.cookies.set("console_session", stolen_cookie)
    assert again.get("/console/").status_code == 303


def test_passwords_are_stored_as_argon2id_hashes(console):
    from bot.console.models import StaffUser

    with session_scope() as session:
        stored = session.execute(sa.select(StaffUser.password_hash).where(StaffUser.username == "mediator")).scalar_one()
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored


def test_redirect_after_sign_in_stays_in_the_console(console):
    client = console.client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").text).group(1)
    response = client.post("/console/login", data={"username": "mediator", "password": "a long enough password",
                                                   "csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["location"] == "/console/login/second-factor?next=/console/"
    assert console.second_factor(client, "mediator", response.headers["location"],
                                 "https://evil.example/").headers["location"] == "/console/"


def test_failing_on_purpose_elsewhere_does_not_lock_a_mediator_out(console):
    settings = console.settings
    now = dt.datetime(2026, 11, 23, 10, 0)
    with session_scope() as session:
        for _ in range(settings.console_max_login_failures + 3):
            auth.sign_in(session, "mediator", "wrong", "203.0.113.9", settings, now)
        assert "Too many" in auth.sign_in(session, "mediator", "wrong", "203.0.113.9", settings, now).error
        # The mediator, at their own address, still signs in.
        assert auth.sign_in(session, "mediator", "a long enough password", "198.51.100.7", settings, now).user


@pytest.mark.parametrize("password, why", [
    ("passwordpassword", "too easy to guess"),
    ("mediator12345678", "too easy to guess"),
    ("qwertyuiop123", "too easy to guess"),
    ("short one", "at least 12 characters"),
    ("x" * 129, "at most 128"),
])
def test_guessable_passwords_are_refused_with_advice(password, why):
    with pytest.raises(auth.UserError) as refused:
        auth.check_password_rules(password, ("priya", "Priya Shah"))
    assert why in str(refused.value)


def test_a_few_unrelated_words_are_a_good_password():
    auth.check_password_rules("lantern orchard velvet ninety", ("priya", "Priya Shah"))


def test_staff_change_their_own_password_and_sign_in_again(console):
    client = console.signed_in("mediator")
    page = client.get("/console/account/password")
    assert page.status_code == 200 and "Change your password" in page.text

    def change(current, new, confirm=None):
        return client.post("/console/account/password", data={
            "csrf_token": client.csrf, "current_password": current, "new_password": new,
            "confirm_password": new if confirm is None else confirm})

    assert "current password is not right" in change("not my password!", "lantern orchard velvet ninety").text
    assert "too easy to guess" in change(PASSWORD, "passwordpassword").text
    assert "not the same" in change(PASSWORD, "lantern orchard velvet ninety", "lantern orchard velvet").text
    done = change(PASSWORD, "lantern orchard velvet ninety")
    assert done.status_code == 303 and done.headers["location"] == "/console/login?changed=1"
    # Signed out everywhere; the old password no longer works, the new one does.
    assert client.get("/console/").status_code in (302, 303, 401)
    assert console.sign_in("mediator")[1].status_code == 401
    assert console.sign_in("mediator", "lantern orchard velvet ninety")[1].status_code == 303
    with session_scope() as session:
        actions = [a for (a,) in session.execute(sa.select(AuditEntry.action).where(AuditEntry.actor == "mediator"))]
    assert "password_changed" in actions and "password_change_refused" in actions


def test_changing_a_password_needs_the_csrf_token(console):
    client = console.signed_in("mediator")
    refused = client.post("/console/account/password", data={
        "csrf_token": "forged", "current_password": PASSWORD, "new_password": "lantern orchard velvet ninety",
        "confirm_password": "lantern orchard velvet ninety"})
    assert refused.status_code in (400, 403)
    assert console.sign_in("mediator")[1].status_code == 303
