"""A member of staff's own account: changing their password (OWASP ASVS 5.0 6.2.2, 6.2.3).

The current password is asked for; the new one is checked like any other
(bot.console.auth.check_password_rules); afterwards every session of theirs ends and
they sign in again with the new one. Every attempt is audited.
"""
from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from bot.console import audit, auth
from bot.console.deps import SESSION_COOKIE, Actor, checked, console_router, redirect, render, staff
from bot.database import session_scope

router = console_router()


def _password_page(request: Request, actor: Actor, error: str = "", status_code: int = 200) -> Response:
    return render(request, "account_password.html", actor, error=error, status_code=status_code,
                  min_length=auth.MIN_PASSWORD_LENGTH)


@router.get("/account/password")
def password_page(request: Request, actor: Actor = Depends(staff())) -> Response:
    return _password_page(request, actor)


@router.post("/account/password")
def change_password(request: Request, current_password: str = Form(""), new_password: str = Form(""),
                    confirm_password: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    try:
        with session_scope() as session:
            auth.change_password(session, actor.username, current_password, new_password, confirm_password,
                                 ip_address=actor.ip)
    except auth.UserError as error:
        if isinstance(error, auth.WrongPassword):
            with session_scope() as session:
                audit.record(session, actor.username, "password_change_refused", actor.username,
                             "current password wrong", actor.ip)
        return _password_page(request, actor, str(error), 400)
    response = redirect("/console/login?changed=1")
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response
