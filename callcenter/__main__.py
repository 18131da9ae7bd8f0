"""`python -m callcenter`: migrate, users and passwords, seed-demo, call, simulate, send-outbox."""

import argparse
import importlib
import sys

from sqlalchemy.exc import DBAPIError

from callcenter.config import ConfigError

_NO_SCHEMA = ("no such table", "does not exist", "undefinedtable")

# Each command's name and the module that registers it; only the module of the command
# being run is imported (the others pull in the simulator, audio and the web stack).
COMMANDS = {
    "migrate": "callcenter.cli.migrate",
    "create-user": "callcenter.cli.users",
    "set-password": "callcenter.cli.passwords",
    "seed-demo": "callcenter.cli.seed",
    "call": "callcenter.cli.call",
    "simulate": "callcenter.cli.simulate",
    "send-outbox": "callcenter.cli.outbox",
    "twilio-setup": "callcenter.cli.twilio_setup",
}
COMMAND_MODULES = tuple(COMMANDS.values())


def _modules_for(argv: list[str] | None) -> tuple[str, ...]:
    first = next((w for w in argv or [] if not w.startswith("-")), None)
    return (COMMANDS[first],) if first in COMMANDS else COMMAND_MODULES


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The CLI parser; given `argv`, only the module of the command it names is imported."""
    parser = argparse.ArgumentParser(
        prog="python -m callcenter", description="callcenter: AI phone agent for lead capture"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _modules_for(argv):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(exc, file=sys.stderr)  # noqa: T201
        return 2
    except DBAPIError as exc:
        print(_database_error(exc), file=sys.stderr)  # noqa: T201
        return 2


def _database_error(exc: DBAPIError) -> str:
    """One line instead of a traceback; the statement and its parameters are left out."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    if any(marker in reason.lower() for marker in _NO_SCHEMA):
        return (
            f"error: the database has no schema yet ({reason}); "
            "run `python -m callcenter migrate` or unset AUTO_MIGRATE=false"
        )
    return f"error: database: {reason}"


if __name__ == "__main__":
    sys.exit(main())
