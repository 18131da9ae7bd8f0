"""Benchmark of one transcript transaction: the CPU the live calls' writer thread spends on it.

    python -m bench.transcript_writes --turns 5 --transactions 300 [--databases sqlite postgres]

The writer thread writes every live call's finished turns in one transaction every 100 ms. Its
Python time holds the GIL that the audio loop waits for, so what counts is the thread's CPU time
per transaction (`time.thread_time`), not the wall time spent waiting on the database.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import add_database_arguments, on_each_database  # noqa: E402

WARMUP = 50


def run(label: str, url: str, args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = url
    from callcenter.config import get_settings
    from callcenter.db.migrate import upgrade_to_head
    from callcenter.db.session import reset_engines
    from callcenter.db.types import utcnow
    from callcenter.voice.transcript_writer import Turn, _write
    from tests.voice.conftest import make_call

    get_settings.cache_clear()
    reset_engines()
    upgrade_to_head(url)
    call_id = make_call()
    written = 0

    def transaction() -> None:
        nonlocal written
        turns = []
        for _ in range(args.turns):
            written += 1
            text = "Thanks, and what kind of business do you run? " * 2
            turns.append(Turn(call_id, f"agent:item_{written}", "agent", text, utcnow()))
        _write(turns)

    for _ in range(WARMUP):
        transaction()
    cpu, wall = time.thread_time(), time.perf_counter()
    for _ in range(args.transactions):
        transaction()
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    print(
        f"| {label} | {args.turns} | {cpu / args.transactions * 1e6:.0f} | "
        f"{wall / args.transactions * 1e6:.0f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5, help="turns per transaction")
    parser.add_argument("--transactions", type=int, default=300)
    add_database_arguments(parser)
    args = parser.parse_args()
    print("| database | turns | CPU µs per transaction | wall µs per transaction |")
    print("|---|---|---|---|")
    on_each_database(run, args, prefix="bench-transcripts-")


if __name__ == "__main__":
    main()
