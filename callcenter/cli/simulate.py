"""`simulate`: phone the agent with scripted persona callers speaking real (flite) audio."""

import argparse
import asyncio
import logging
import sys

from callcenter.api import build_core
from callcenter.cli.call import LOCAL_HOSTS, base_host_port, core_served_here, listening
from callcenter.cli.running_app import find_running_app, say_serving_own, using_app
from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.sim.carrier import SimulatorCarrier
from callcenter.sim.persona_calls import FIELDS, accuracy, run_persona_calls
from callcenter.sim.personas import PERSONAS


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "simulate", help="run simulated calls from scripted personas", description=__doc__
    )
    parser.add_argument(
        "--persona",
        default="dana",
        help=f"who calls: {', '.join(sorted(PERSONAS))}, or 'all' (default: dana)",
    )
    parser.add_argument("--count", type=int, default=1, help="calls to place at once")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="calls at a time (default: all at once)"
    )
    parser.add_argument("--interrupt", action="store_true", help="talk over the agent's greeting")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait per call")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.persona != "all" and args.persona.lower() not in PERSONAS:
        known = ", ".join(sorted(PERSONAS))
        print(f"error: unknown persona {args.persona!r}; choose one of: {known}", file=sys.stderr)  # noqa: T201
        return 2
    return asyncio.run(_main(args))


def _names(persona: str, count: int) -> list[str]:
    pool = sorted(PERSONAS) if persona == "all" else [persona.lower()]
    total = max(count, len(pool) if persona == "all" else 1)
    return [pool[i % len(pool)] for i in range(total)]


async def _main(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.twilio_enabled:
        print("error: simulate needs the simulated carrier (CARRIER=simulator)", file=sys.stderr)  # noqa: T201
        return 2
    names = _names(args.persona, args.count)
    found = await asyncio.to_thread(find_running_app, settings)
    if found is not None:
        settings = using_app(settings, found, "simulate")
    host, port = base_host_port(settings)
    if listening(host, port):
        if settings.auto_migrate:
            await asyncio.to_thread(upgrade_to_head, settings.database_url)
        results = await run_persona_calls(
            settings,
            names,
            interrupt=args.interrupt,
            timeout=args.timeout,
            concurrency=args.concurrency,
        )
    elif host in LOCAL_HOSTS:
        say_serving_own(settings, "simulate")
        core = build_core(settings)
        carrier = core.carrier if isinstance(core.carrier, SimulatorCarrier) else None
        async with core_served_here(settings, core):
            results = await run_persona_calls(
                settings,
                names,
                interrupt=args.interrupt,
                timeout=args.timeout,
                concurrency=args.concurrency,
                carrier=carrier,
            )
    else:
        print(f"error: nothing answers at {settings.public_base_url}", file=sys.stderr)  # noqa: T201
        return 1
    for result in results:
        lead = ", ".join(f"{f}={result.lead.get(f, '')!r}" for f in FIELDS) or "no lead"
        print(f"call {result.call_id} ({result.persona.key}): {lead if result.lead else 'no lead'}")  # noqa: T201
    scores = accuracy(results)
    print("field accuracy: " + ", ".join(f"{k} {v:.0%}" for k, v in scores.items()))  # noqa: T201
    return 0 if all(r.lead for r in results) else 1
