"""`migrate`: apply pending Alembic migrations to DATABASE_URL."""

import argparse

from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "migrate", help="apply database migrations (idempotent)", description=__doc__
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    print(f"database at head: {settings.database_url.split('@')[-1]}")  # noqa: T201
    return 0
