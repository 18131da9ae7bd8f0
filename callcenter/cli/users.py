"""`create-user`: add a dashboard user (manager or rep)."""

import argparse
import sys

from callcenter.accounts.service import create_user
from callcenter.cli.passwords import read_password
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Role
from callcenter.db.session import session_scope


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("create-user", help="add a dashboard user", description=__doc__)
    parser.add_argument("email")
    parser.add_argument("--role", choices=[r.value for r in Role], default=Role.rep.value)
    parser.add_argument("--password", help="the password (prompted for when omitted)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.auto_migrate:
        upgrade_to_head(settings.database_url)
    password = read_password(args.password)
    if password is None:
        return 1
    try:
        with session_scope() as session:
            user = create_user(
                session=session, email=args.email, password=password, role=Role(args.role)
            )
            print(f"created {user.role.value} {user.email}")  # noqa: T201
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    return 0
