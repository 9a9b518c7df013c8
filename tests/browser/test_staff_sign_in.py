"""Staff sign-in with a second factor in headless Chromium (real uvicorn, real database):
setting up an authenticator app at the first sign-in, the code at every sign-in after,
and a manager's reset after a lost phone; axe audits of each page. The app's codes are
computed with pyotp from the secret the page shows, as a phone would."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from console_support import PASSWORD, WebApp, sign_in
from support.console import add_user, totp_code

PORT = 17120  # its own: browser modules run side by side (tests/conftest.py)


def axe_audit(page, state: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    serious = [v for v in Axe().run(page).response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{state}: " + "; ".join(f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in serious)


@pytest.fixture(scope="module")
def console_app(tmp_path_factory):
    database_url = f"sqlite:///{tmp_path_factory.mktemp('sign-in') / 'console.db'}"
    app = WebApp(database_url, port=PORT)
    app.migrate()
    add_user(database_url, "max", "manager", PASSWORD, "Max Manager")
    add_user(database_url, "nia", "mediator", PASSWORD, "Nia New", second_factor=False)
    app.database_url = database_url
    app.start()
    yield app
    app.stop()


def _password(page, app, username: str) -> None:
    page.goto(f"{app.url}/console/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _set_up(page, state: str) -> str:
    expect(page.get_by_role("heading", name="Set up sign-in codes")).to_be_visible()
    axe_audit(page, state)
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_text("Setup link for an app on this device").click()
    expect(page.locator("#totp-uri")).to_contain_text(f"secret={secret}")
    return secret


def test_a_new_mediator_sets_up_codes_then_signs_in_with_one(page, console_app):
    _password(page, console_app, "nia")
    secret = _set_up(page, "set up sign-in codes")
    # A wrong code: the error summary, the page still accessible.
    right = pyotp.TOTP(secret).now()
    page.get_by_label("Code from your authenticator app").fill("000000" if right != "000000" else "111111")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert", name="There is a problem")).to_contain_text("That code is not right")
    axe_audit(page, "set up, wrong code")
    page.get_by_label("Code from your authenticator app").fill(totp_code("nia", console_app.database_url, secret))
    page.get_by_role("button", name="Set up and sign in").click()
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()

    # Sign out; the next sign-in asks for a code and shows no secret.
    page.get_by_role("button", name="Sign out").click()
    _password(page, console_app, "nia")
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    expect(page.locator("#totp-secret")).to_have_count(0)
    axe_audit(page, "enter your sign-in code")
    # (A code already used is refused: tests/unit/console/test_totp.py; this one is the app's next.)
    page.get_by_label("Code from your authenticator app").fill(totp_code("nia", console_app.database_url, secret))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()


def test_a_manager_resets_the_codes_of_someone_who_lost_their_phone(page, console_app):
    sign_in(page, console_app, "max")
    page.get_by_role("link", name="Change password").click()
    page.get_by_role("link", name=re.compile("Reset the sign-in codes")).click()
    expect(page.get_by_role("heading", name="Staff sign-in codes")).to_be_visible()
    axe_audit(page, "staff sign-in codes")
    page.get_by_label("Username").select_option("nia")
    page.get_by_label("Reason").fill("lost phone, confirmed by a call to her desk")
    page.get_by_role("button", name="Reset sign-in codes").click()
    expect(page.get_by_role("status")).to_contain_text("The sign-in codes of Nia New were reset")
    expect(page.locator("#second-factors")).to_contain_text("Not set up yet")
    axe_audit(page, "staff sign-in codes, reset done")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("main")).to_contain_text("second_factor_reset")

    page.get_by_role("button", name="Sign out").click()
    _password(page, console_app, "nia")
    _set_up(page, "set up again after a reset")
