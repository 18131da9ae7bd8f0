"""`python -m callcenter`: migrate, create-user, seed-demo, call, simulate, send-outbox."""

import argparse
import importlib
import sys

from callcenter.config import ConfigError

COMMAND_MODULES = (
    "callcenter.cli.migrate",
    "callcenter.cli.users",
    "callcenter.cli.seed",
    "callcenter.cli.call",
    "callcenter.cli.simulate",
    "callcenter.cli.outbox",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m callcenter", description="callcenter: AI phone agent for lead capture"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(exc, file=sys.stderr)  # noqa: T201
        return 2


if __name__ == "__main__":
    sys.exit(main())
