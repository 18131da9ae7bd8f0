"""`set-password`: give a dashboard user a new password and end every session they have open."""

import argparse
import getpass
import sys

from callcenter.accounts.service import set_password
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.session import session_scope


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "set-password", help="set a dashboard user's password", description=__doc__
    )
    parser.add_argument("email")
    parser.add_argument("--password", help="the new password (prompted for when omitted)")
    parser.set_defaults(handler=run)


def read_password(given: str | None) -> str | None:
    """`given`, else one line of piped input, else typed twice on the terminal (None when the
    two differ)."""
    if given is not None:
        return given
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        print("passwords do not match", file=sys.stderr)  # noqa: T201
        return None
    return password


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.auto_migrate:
        upgrade_to_head(settings.database_url)
    password = read_password(args.password)
    if password is None:
        return 1
    try:
        with session_scope() as session:
            user = set_password(session=session, email=args.email, password=password)
            print(f"password set for {user.email}; their sessions are ended")  # noqa: T201
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    return 0
