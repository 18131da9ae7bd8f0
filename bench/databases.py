"""The databases a benchmark runs on: a fresh SQLite file, a PostgreSQL started for the run, or
the URL given."""

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.support.servers import postgres_server

Run = Callable[[str, str, argparse.Namespace], None]  # (label, database URL, arguments)


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--database-url", help="use this (empty) database instead of starting one")


def on_each_database(run: Run, args: argparse.Namespace, *, prefix: str) -> None:
    """`run` once per database asked for (each fresh), or once on `--database-url`."""
    if args.database_url:
        run(args.database_url.split(":")[0], args.database_url, args)
        return
    for name in args.databases:
        if name == "sqlite":
            workdir = Path(tempfile.mkdtemp(prefix=prefix))
            run("SQLite", f"sqlite:///{workdir / 'bench.db'}", args)
        else:
            with postgres_server() as server:
                run("PostgreSQL", server.create_database("bench"), args)
