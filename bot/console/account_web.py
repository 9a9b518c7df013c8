"""A member of staff's own account: the second step of sign-in, and their password.

    GET/POST /console/login/second-factor    the code from an authenticator app after the
                                             password; set up on the first sign-in (the secret
                                             as text, as an otpauth:// link and as a QR code)
    GET/POST /console/account/password       change one's own password (ASVS 5.0 6.2.2, 6.2.3)
    GET      /console/second-factors         managers: who has set up sign-in codes
    POST     /console/second-factors/reset   managers: reset a colleague's (a lost phone), with a reason

The current password is asked for; the new one is checked like any other
(bot.console.auth.check_password_rules); afterwards every session of theirs ends and
they sign in again with the new one. Every attempt is audited.
"""

from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import Response

from bot.console import audit, auth, csrf, second_factor
from bot.console.deps import SESSION_COOKIE, Actor, BadCsrf, checked, client_ip, console_router, redirect, render, staff
from bot.console.models import StaffUser
from bot.console.web import _safe_next
from bot.database import session_scope
from bot.settings import get_settings

router = console_router()


def _password_page(request: Request, actor: Actor, error: str = "", status_code: int = 200) -> Response:
    return render(
        request,
        "account_password.html",
        actor,
        error=error,
        status_code=status_code,
        min_length=auth.MIN_PASSWORD_LENGTH,
    )


@router.get("/account/password")
def password_page(request: Request, actor: Actor = Depends(staff())) -> Response:
    return _password_page(request, actor)


@router.post("/account/password")
def change_password(
    request: Request,
    current_password: str = Form(""),
    new_password: str = Form(""),
    confirm_password: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    try:
        with session_scope() as session:
            auth.change_password(
                session, actor.username, current_password, new_password, confirm_password, ip_address=actor.ip
            )
    except auth.UserError as error:
        if isinstance(error, auth.WrongPassword):
            with session_scope() as session:
                audit.record(
                    session,
                    actor.username,
                    "password_change_refused",
                    actor.username,
                    "current password wrong",
                    actor.ip,
                )
        return _password_page(request, actor, str(error), 400)
    response = redirect("/console/login?changed=1")
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


# --- the second step of sign-in ---------------------------------------------------------
def _set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=get_settings().public_base_url.startswith("https://"),
        path="/console",
    )


def _second_factor_page(
    request: Request, pending: auth.Current, next_url: str, error: str = "", status_code: int = 200
) -> Response:
    user = pending.user
    context = {
        "next_url": _safe_next(next_url),
        "form_csrf": pending.csrf_token,
        "error": error,
        "enrolling": user.totp_enrolled_at is None,
    }
    if context["enrolling"]:
        uri = second_factor.setup_uri(user.totp_secret, user.username, auth.TOTP_ISSUER)
        context.update(
            secret=second_factor.grouped(user.totp_secret), setup_uri=uri, qr=second_factor.qr_svg_data_uri(uri)
        )
    return render(request, "second_factor.html", None, status_code=status_code, **context)


def _back_to_sign_in(next_url: str) -> Response:
    response = redirect(f"/console/login?next={quote(_safe_next(next_url))}")
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@router.get("/login/second-factor")
def second_factor_page(request: Request, next: str = "/console/") -> Response:  # noqa: A002 - the query parameter
    with session_scope() as session:
        pending = auth.pending_session_for(session, request.cookies.get(SESSION_COOKIE))
        if pending is None:
            return _back_to_sign_in(next)
        auth.enrolment_secret(session, pending.user)
        return _second_factor_page(request, pending, next)


@router.post("/login/second-factor")
def second_factor_check(
    request: Request, code: str = Form(""), csrf_token: str = Form(""), next: str = Form("/console/")
) -> Response:  # noqa: A002
    with session_scope() as session:
        pending = auth.pending_session_for(session, request.cookies.get(SESSION_COOKIE))
        if pending is None:
            return _back_to_sign_in(next)
        if not csrf.tokens_match(pending.csrf_token, csrf_token):
            raise BadCsrf()
        result = auth.verify_second_factor(session, pending, code, client_ip(request))
        if result.user is None and pending.staff_session.ended_at is None:
            return _second_factor_page(request, pending, next, result.error, 400)
    if result.user is None:  # too many wrong codes: the pending session has ended
        response = render(
            request, "message.html", None, status_code=429, title="Too many wrong codes", text=result.error
        )
        response.delete_cookie(SESSION_COOKIE, path="/console")
        return response
    response = redirect(_safe_next(next))
    _set_session_cookie(response, result.token)
    return response


# --- managers reset a colleague's second factor --------------------------------------------
def _reset_page(
    request: Request, actor: Actor, error: str = "", notice: str = "", status_code: int = 200, form=None
) -> Response:
    with session_scope() as session:
        users = [
            (u.username, u.display_name, u.role, u.active, u.totp_enrolled_at)
            for u in session.execute(sa.select(StaffUser).order_by(StaffUser.username)).scalars()
        ]
    return render(
        request,
        "second_factors.html",
        actor,
        status_code=status_code,
        error=error,
        notice=notice,
        users=users,
        form=form or {},
    )


@router.get("/second-factors")
def second_factors_page(request: Request, actor: Actor = Depends(staff("manager"))) -> Response:
    return _reset_page(request, actor)


@router.post("/second-factors/reset")
def reset_second_factor(
    request: Request, username: str = Form(""), reason: str = Form(""), actor: Actor = Depends(checked("manager"))
) -> Response:
    try:
        with session_scope() as session:
            user = auth.reset_second_factor(
                session, username, reason, actor=actor.username, actor_role=actor.role, ip_address=actor.ip
            )
            name = user.display_name
    except auth.UserError as error:
        return _reset_page(request, actor, str(error), status_code=400, form={"username": username, "reason": reason})
    return _reset_page(
        request, actor, notice=f"The sign-in codes of {name} were reset. They set up new ones when they next sign in."
    )
