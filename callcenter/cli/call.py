"""`call NUMBER`: place an outbound call and print its id (serving the core itself if needed)."""

import argparse
import asyncio
import logging
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import uvicorn

from callcenter.api import Core, build_core, create_api
from callcenter.calls.guardrails import GuardrailRefusal
from callcenter.calls.outbound import InvalidNumber
from callcenter.calls.records import load_call
from callcenter.cli.running_app import find_running_app, say_serving_own, using_app
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Call
from callcenter.sim import callers as sim_callers
from callcenter.sim.carrier import SimulatorCarrier

log = logging.getLogger(__name__)

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
END_WAIT_SECONDS = 15.0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "call", help="place an outbound call and print its id", description=__doc__
    )
    parser.add_argument("number", help="the number to call, e.g. +14155550123")
    parser.add_argument("--lead-id", type=int, default=None, help="the lead this call is for")
    parser.add_argument(
        "--no-wait", action="store_true", help="return once dialled (simulated calls need a server)"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=120.0, help="hang a simulated call up after this"
    )
    parser.add_argument("--wav", default=None, help="simulated callee: say this WAV file")
    parser.add_argument(
        "--seconds", type=float, default=None, help="simulated callee: stay silent this long"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # One line per simulated webhook is noise on a terminal; keep their warnings only.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(_main(args))


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def base_host_port(settings: Settings) -> tuple[str, int]:
    parts = urlsplit(settings.public_base_url)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def _configure_simulated_callee(args: argparse.Namespace, core: Core) -> None:
    carrier = core.carrier
    if not isinstance(carrier, SimulatorCarrier):
        return
    if args.wav:
        caller = sim_callers.wav_caller(args.wav)
        carrier.caller_factory = lambda _info: caller
    elif args.seconds is not None:
        seconds = args.seconds
        carrier.caller_factory = lambda _info: sim_callers.silence_caller(seconds)


@asynccontextmanager
async def core_served_here(settings: Settings, core: Core) -> AsyncIterator[None]:
    """Serve the core on PUBLIC_BASE_URL's port for as long as the block runs."""
    host, port = base_host_port(settings)
    config = uvicorn.Config(
        create_api(settings, core),
        host="127.0.0.1" if host == "localhost" else host,
        port=port,
        log_level="warning",
        lifespan="on",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(), name="cli-core-server")
    try:
        while not server.started:
            if serving.done():
                serving.result()
                raise RuntimeError(f"could not serve the core on port {port}")
            await asyncio.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        await serving


async def _wait_for_end(core: Core, call: Call, max_seconds: float) -> Call:
    """Wait for the simulated call to end at the carrier, then for our record of its end."""
    carrier = core.carrier
    assert call.id is not None
    if isinstance(carrier, SimulatorCarrier) and call.call_sid in carrier.calls:
        sim_call = carrier.calls[call.call_sid]
        try:
            await sim_call.wait(timeout=max_seconds)
        except TimeoutError:
            await carrier.hang_up(sim_call.call_sid)
            await sim_call.wait(timeout=END_WAIT_SECONDS)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + END_WAIT_SECONDS
    latest = call
    while loop.time() < deadline:
        loaded = await asyncio.to_thread(load_call, call.id)
        latest = loaded or latest
        if latest.ended_at is not None:
            break
        await asyncio.sleep(0.2)
    return latest


async def _place(args: argparse.Namespace, core: Core) -> tuple[int, Call | None]:
    try:
        call = await core.dialer.place_call(to=args.number, lead_id=args.lead_id)
    except InvalidNumber as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2, None
    except GuardrailRefusal as exc:
        print(f"refused: {exc.detail}", file=sys.stderr)  # noqa: T201
        return 3, None
    print(call.id, flush=True)  # noqa: T201
    if call.status.value == "failed":
        print(f"call {call.id} failed: {call.error_message}", file=sys.stderr)  # noqa: T201
        return 1, None
    return 0, call


def _summary(call: Call) -> str:
    reason = call.end_reason.value if call.end_reason else "-"
    return f"call {call.id}: {call.status.value} ({reason}), {call.duration_seconds or 0} s"


async def _main(args: argparse.Namespace) -> int:
    settings = get_settings()
    found = await asyncio.to_thread(find_running_app, settings)
    if found is not None:
        settings = using_app(settings, found, "call")
    core = build_core(settings)
    _configure_simulated_callee(args, core)
    simulated = not settings.twilio_enabled
    host, port = base_host_port(settings)
    serve_here = simulated and not args.no_wait and not listening(host, port)
    if serve_here and host not in LOCAL_HOSTS:
        print(  # noqa: T201
            f"error: nothing answers at {settings.public_base_url}; start the app first",
            file=sys.stderr,
        )
        return 1
    try:
        if serve_here:
            say_serving_own(settings, "call")
            async with core_served_here(settings, core):
                code, call = await _place(args, core)
                if call is not None:
                    call = await _wait_for_end(core, call, args.max_seconds)
        else:
            if settings.auto_migrate:
                await asyncio.to_thread(upgrade_to_head, settings.database_url)
            code, call = await _place(args, core)
            if call is not None and simulated and not args.no_wait:
                call = await _wait_for_end(core, call, args.max_seconds)
    finally:
        await core.carrier.aclose()
        await core.life.aclose()
    if call is not None and call.ended_at is not None:
        print(_summary(call), file=sys.stderr)  # noqa: T201
    return code
