"""Benchmark: the calls and leads list queries on a large history, on SQLite and PostgreSQL.

    python -m bench.list_queries --databases sqlite postgres --calls 100000 --leads 20000
    python -m bench.list_queries --databases sqlite --explain

Fills a fresh, migrated database (SQLite in a temp dir; PostgreSQL started with initdb/pg_ctl
in a temp dir, or --database-url) with `--calls` calls of `--turns` transcript turns each and
`--leads` leads, in bulk, then times the functions `GET /api/calls`, `GET /api/leads` and the
Calls and Leads pages call (`db/repo/calls.list_calls`, `db/repo/leads.list_leads`: one page
plus the total) with their filters, each in a fresh session as a request would: p50/p95/max
over `--runs` runs. `--explain` prints each statement's plan (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL). Prints one Markdown row per query.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import add_database_arguments, on_each_database  # noqa: E402
from bench.list_data import RARE_WORD, History, phone  # noqa: E402

Query = tuple[str, Callable[[Any], Any]]


def queries() -> list[Query]:
    from callcenter.db.repo import calls, leads

    number = phone(100_000 + 4242)  # a caller with no lead, so only the number finds it
    return [
        ("calls: first page", lambda s: calls.list_calls(session=s)),
        ("calls: status completed", lambda s: calls.list_calls(session=s, status="completed")),
        ("calls: status canceled", lambda s: calls.list_calls(session=s, status="canceled")),
        ("calls: number, whole", lambda s: calls.list_calls(session=s, q=number)),
        ("calls: number, last 7 digits", lambda s: calls.list_calls(session=s, q=number[-7:])),
        ("calls: transcript word, common", lambda s: calls.list_calls(session=s, q="bakery")),
        ("calls: transcript word, rare", lambda s: calls.list_calls(session=s, q=RARE_WORD)),
        ("calls: no match", lambda s: calls.list_calls(session=s, q="zzqx")),
        ("leads: first page", lambda s: leads.list_leads(session=s)),
        ("leads: status qualified", lambda s: leads.list_leads(session=s, status="qualified")),
        ("leads: phone", lambda s: leads.list_leads(session=s, q=phone(4242))),
        ("leads: name", lambda s: leads.list_leads(session=s, q="kowalski")),
    ]


@contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and their driver parameters) run on `engine` inside the block."""
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(engine: Engine, run: Callable[[Any], Any]) -> str:
    from sqlmodel import Session

    with recorded(engine) as statements, Session(engine) as session:
        run(session)
    prefix = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    out = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = [str(row[-1]) for row in rows]
            out.append("    " + " ".join(statement.split())[:160] + " …")
            out += ["      " + line for line in plan]
    return "\n".join(out)


def time_query(engine: Engine, run: Callable[[Any], Any], runs: int) -> tuple[list[float], int]:
    from sqlmodel import Session

    with Session(engine) as session:
        total = run(session).total  # warm-up; the page's total
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        with Session(engine) as session:
            run(session)
        samples.append((time.perf_counter() - began) * 1000)
    return samples, total


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    from callcenter.db.migrate import upgrade_to_head
    from callcenter.db.session import make_engine

    upgrade_to_head(url)
    engine = make_engine(url)
    history = History(calls=args.calls, leads=args.leads, turns=args.turns)
    seconds = history.fill(engine)
    print(
        f"\n{name}: {args.calls:,} calls, {args.calls * args.turns:,} turns, "
        f"{args.leads:,} leads filled in {seconds:.0f} s\n"
    )
    print("| database | query | matches | p50 | p95 | max |")
    print("|---|---|---|---|---|---|")
    for label, run in queries():
        samples, total = time_query(engine, run, args.runs)
        print(
            f"| {name} | {label} | {total:,} | {statistics.median(samples):.1f} ms "
            f"| {percentile(samples, 0.95):.1f} ms | {max(samples):.1f} ms |",
            flush=True,
        )
        if args.explain:
            print(explain(engine, run), flush=True)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--turns", type=int, default=5, help="transcript turns per call")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    on_each_database(bench, args, prefix="list-bench-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
