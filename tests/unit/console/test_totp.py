"""The second factor of staff sign-in (TOTP with pyotp): set up at the first sign-in, asked
after the password every time, a code never accepted twice, wrong codes limited, and a
manager's audited reset. Codes are computed with pyotp from the secret, as an app would."""
from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import parse_qs, urlsplit

import pyotp
import sqlalchemy as sa

from bot.console import auth, users
from bot.console.models import AuditEntry, StaffSession
from bot.database import session_scope
from support.console import add_user, totp_secret_of

PASSWORD = "a long enough password"  # every console user's, in conftest.py
NEW_PASSWORD = "lantern orchard velvet ninety"


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _password_step(console, username: str, password: str = PASSWORD):
    client = console.client()
    token = csrf_from(client.get("/console/login").text)
    response = client.post("/console/login", data={"username": username, "password": password, "csrf_token": token,
                                                   "next": "/console/requests"})
    assert response.status_code == 303
    return client, response.headers["location"]


def _send_code(client, location: str, code: str):
    page = client.get(location)
    assert page.status_code == 200, page.text
    return client.post("/console/login/second-factor",
                       data={"code": code, "csrf_token": csrf_from(page.text), "next": "/console/requests"})


def _actions(username: str):
    with session_scope() as session:
        return [a for (a,) in session.execute(sa.select(AuditEntry.action).where(AuditEntry.actor == username)
                                              .order_by(AuditEntry.id))]


def test_a_new_member_of_staff_sets_up_codes_at_first_sign_in(console):
    add_user(console.settings.database_url, "nia", "mediator", NEW_PASSWORD, "Nia New", second_factor=False)
    client, location = _password_step(console, "nia", NEW_PASSWORD)
    assert location == "/console/login/second-factor?next=/console/requests"
    # The password alone opens no page of the console.
    assert client.get("/console/requests").status_code == 303
    page = client.get(location).text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert len(secret) == 32
    uri = re.search(r'id="totp-uri">([^<]+)<', page).group(1).replace("&amp;", "&")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp" and "nia" in parts.path
    assert parse_qs(parts.query)["secret"] == [secret] and parse_qs(parts.query)["issuer"] == [auth.TOTP_ISSUER]
    assert 'src="data:image/svg+xml' in page and "QR code" in page
    # The secret shown stays the same on a reload until it is confirmed.
    assert secret.encode() in client.get(location).content.replace(b" ", b"")

    wrong = _send_code(client, location, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    right = _send_code(client, location, pyotp.TOTP(secret).now())
    assert right.status_code == 303 and right.headers["location"] == "/console/requests"
    assert client.get("/console/requests").status_code == 200
    assert _actions("nia")[-3:] == ["second_factor_failed", "second_factor_enrolled", "login"]

    # The next sign-in asks for a code and shows no secret.
    other, location = _password_step(console, "nia", NEW_PASSWORD)
    page = other.get(location).text
    assert "Enter your sign-in code" in page and secret not in page.replace(" ", "")


def test_the_session_of_the_password_step_is_replaced_and_expires(console):
    client, location = _password_step(console, "mediator")
    pending_cookie = client.cookies.get("console_session")
    with session_scope() as session:
        for row in session.execute(sa.select(StaffSession)).scalars():
            row.created_at -= dt.timedelta(minutes=auth.SECOND_FACTOR_MINUTES + 1)
    late = client.get(location)
    assert late.status_code == 303 and late.headers["location"].startswith("/console/login?next=")

    client, location = _password_step(console, "mediator")
    pending_cookie = client.cookies.get("console_session")
    response = _send_code(client, location, pyotp.TOTP(totp_secret_of("mediator")).now())
    assert response.status_code == 303
    full_cookie = response.cookies.get("console_session")
    assert full_cookie and full_cookie != pending_cookie
    again = console.client()
    again.cookies.set("console_session", pending_cookie)
    assert again.get("/console/").status_code == 303  # the password step's token opens nothing now


def test_a_code_is_never_accepted_twice(console):
    secret = totp_secret_of("mediator")
    step = int(time.time()) // 30
    if time.time() % 30 > 25:  # not across a step's end
        time.sleep(30 - time.time() % 30 + 0.5)
        step += 1
    code = pyotp.TOTP(secret).at(step * 30)
    client, location = _password_step(console, "mediator")
    assert _send_code(client, location, code).status_code == 303
    # Someone who saw the code (over a shoulder, on a phishing page) tries it at once.
    thief, location = _password_step(console, "mediator")
    replay = _send_code(thief, location, code)
    assert replay.status_code == 400 and "used already" in replay.text
    # An older code after a newer one is refused too.
    older = _send_code(thief, location, pyotp.TOTP(secret).at((step - 1) * 30))
    assert older.status_code == 400
    assert _actions("mediator").count("second_factor_replayed") == 2


def test_wrong_codes_are_limited_even_after_the_password_is_given_again(console):
    secret = totp_secret_of("mediator")
    right = pyotp.TOTP(secret).now()
    wrong = next(c for c in ("123456", "654321", "111111") if c != right and not pyotp.TOTP(secret).verify(c, valid_window=1))
    for _round in range(2):  # giving the password again does not start the count again
        client, location = _password_step(console, "mediator")
        for _ in range(2):
            assert _send_code(client, location, wrong).status_code == 400
    client, location = _password_step(console, "mediator")
    last = _send_code(client, location, wrong)
    assert last.status_code == 429 and "Too many wrong codes" in last.text
    # Now even the right code is refused, for the lockout time.
    client, location = _password_step(console, "mediator")
    refused = _send_code(client, location, pyotp.TOTP(secret).now())
    assert refused.status_code == 429 and client.get("/console/").status_code == 303
    assert "second_factor_locked" in _actions("mediator")
    # The password step is its own: other users are not affected.
    assert console.sign_in("manager")[1].status_code == 303
    later = dt.datetime.utcnow() + dt.timedelta(minutes=console.settings.console_lockout_minutes + 1)
    with session_scope() as session:
        assert not auth.totp_locked(session, "mediator", console.settings, later)


def test_a_manager_resets_a_colleagues_codes_with_a_reason(console):
    manager = console.signed_in("manager")
    mediator = console.signed_in("mediator")
    page = manager.get("/console/second-factors")
    assert page.status_code == 200 and "Set up" in page.text
    short = manager.post("/console/second-factors/reset", data={"csrf_token": manager.csrf, "username": "mediator",
                                                                "reason": "phone"})
    assert short.status_code == 400 and "reason" in short.text
    higher = manager.post("/console/second-factors/reset", data={"csrf_token": manager.csrf, "username": "admin",
                                                                 "reason": "lost phone, checked by a call"})
    assert higher.status_code == 400
    done = manager.post("/console/second-factors/reset", data={"csrf_token": manager.csrf, "username": "mediator",
                                                               "reason": "lost phone, checked by a call"})
    assert done.status_code == 200 and "were reset" in done.text
    assert mediator.get("/console/").status_code == 303  # their sessions ended
    with session_scope() as session:
        entry = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "second_factor_reset")).scalar_one()
    assert (entry.actor, entry.target, entry.detail) == ("manager", "mediator", "lost phone, checked by a call")
    # They set up a new secret at their next sign-in.
    client, location = _password_step(console, "mediator")
    page = client.get(location).text
    new_secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert new_secret != totp_secret_of("mediator")
    assert _send_code(client, location, pyotp.TOTP(new_secret).now()).status_code == 303
    # (A mediator cannot open the page: test_security.py::test_pages_above_a_role_are_refused_and_audited.)


def test_an_administrator_resets_codes_at_the_command_line(console, capsys):
    assert users.main(["reset-second-factor", "--username", "manager", "--reason", "new phone, asked in person"]) == 0
    assert "next sign-in" in capsys.readouterr().out
    with session_scope() as session:
        assert auth.find_user(session, "manager").totp_enrolled_at is None
    assert users.main(["reset-second-factor", "--username", "manager", "--reason", "x"]) == 1
