"""Manage staff users of the console.

    python -m bot.console.users create --username sam --role mediator [--name "Sam Smith"] [--password-stdin]
    python -m bot.console.users disable --username sam
    python -m bot.console.users reset-second-factor --username sam --reason "lost phone, confirmed by phone"
    python -m bot.console.users list

The password is asked for twice (not echoed), or read from the first line of stdin
with --password-stdin (for scripts). Passwords are hashed with Argon2 (argon2-cffi).
Each user sets up their second factor (an authenticator app) at their first sign-in;
reset-second-factor (audited, with the reason) makes them set it up again, for when
no manager can do it in the console.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import List, Optional

import sqlalchemy as sa

from bot.console import auth
from bot.console.models import ROLES, StaffUser
from bot.database import session_scope


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return f"cli:uid{os.getuid()}"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise auth.UserError("The two passwords are not the same.")
    return first


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.console.users", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="add a user")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", default="", help="full name shown in the console (and to families in live chat)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    disable = sub.add_parser("disable", help="stop a user signing in (their sessions end at once)")
    disable.add_argument("--username", required=True)
    reset = sub.add_parser("reset-second-factor", help="make a user set up their authenticator app again")
    reset.add_argument("--username", required=True)
    reset.add_argument("--reason", required=True, help="why, for the audit log")
    sub.add_parser("list", help="list users")
    args = parser.parse_args(argv)

    try:
        if args.command == "create":
            password = _read_password(args.password_stdin)
            with session_scope() as session:
                user = auth.create_user(
                    session,
                    username=args.username,
                    password=password,
                    role=args.role,
                    display_name=args.name,
                    actor=_actor(),
                )
            print(f"==> created {user.username} ({user.role})")
        elif args.command == "disable":
            with session_scope() as session:
                user = auth.disable_user(session, args.username, actor=_actor())
            print(f"==> disabled {user.username}")
        elif args.command == "reset-second-factor":
            with session_scope() as session:
                user = auth.reset_second_factor(session, args.username, args.reason, actor=_actor(), actor_role="admin")
            print(f"==> {user.username} sets up a new second factor at their next sign-in")
        else:
            with session_scope() as session:
                users = session.execute(sa.select(StaffUser).order_by(StaffUser.username)).scalars().all()
                for user in users:
                    state = "active" if user.active else "disabled"
                    codes = "codes set up" if user.totp_enrolled_at else "codes not set up"
                    print(f"{user.username:24} {user.role:9} {state:9} {user.display_name}  ({codes})")
                if not users:
                    print("(no users)")
    except auth.UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
