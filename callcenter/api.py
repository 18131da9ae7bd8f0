"""The composition root of the core: builds every part, wires them, and serves them as one
FastAPI app (webhooks, media stream, REST, metrics, background workers)."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from callcenter.accounts import service as accounts
from callcenter.banner import print_start_banner
from callcenter.calls.after_call import AfterCall
from callcenter.calls.carrier import Carrier
from callcenter.calls.carrier_cost import CarrierCost
from callcenter.calls.completed import AnnounceCompleted
from callcenter.calls.drain import install_sigterm_drain
from callcenter.calls.life import CallLife
from callcenter.calls.outbound import OutboundDialer
from callcenter.calls.registry import LiveCalls
from callcenter.calls.sweeper import run_orphan_sweeper
from callcenter.campaigns.dialer import CampaignDialer
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import is_at_head, upgrade_to_head
from callcenter.db.session import session_scope
from callcenter.gil import favour_the_event_loop, settle_the_heap
from callcenter.http_limits import BodySizeLimit, BodyTooLarge
from callcenter.leads.finalize import LeadFinalizer
from callcenter.live.hub import LiveHub
from callcenter.logs import configure_logging, register_secret
from callcenter.metrics import HttpMetricsMiddleware
from callcenter.notify.base import EmailSender
from callcenter.notify.senders import build_email_sender
from callcenter.notify.worker import run_outbox_worker
from callcenter.recording.retention import run_recording_upkeep
from callcenter.rest import (
    auth,
    calls,
    campaigns,
    dnc,
    health,
    leads,
    metrics,
    outbound,
    recordings,
    webhook_endpoints,
)
from callcenter.sim import softphone
from callcenter.sim.carrier import SimulatorCarrier
from callcenter.telephony import media_stream, webhooks
from callcenter.telephony.carrier import TwilioCarrier
from callcenter.voice.connector import CallConnector
from callcenter.voice.providers.factory import build_voice_factory
from callcenter.voice.session import VoiceSessionFactory
from callcenter.voice.tools import default_tools
from callcenter.webhooks.worker import run_webhook_worker
from callcenter.workers import Job, start_workers

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Every long-lived part of one process, wired together. Only composition roots (this
    module, the Reflex app module, the CLI) and tests hold it; each part below gets just
    the collaborators it uses."""

    settings: Settings
    carrier: Carrier
    voice_factory: VoiceSessionFactory
    email_sender: EmailSender
    hub: LiveHub
    live_calls: LiveCalls
    life: CallLife
    dialer: OutboundDialer
    connector: CallConnector
    campaign_dialer: CampaignDialer


def build_carrier(settings: Settings) -> Carrier:
    """Twilio with credentials; else the built-in simulator (the embedded default)."""
    if settings.twilio_enabled:
        return TwilioCarrier(settings)
    return SimulatorCarrier(settings)


def build_core(
    settings: Settings,
    *,
    carrier: Carrier | None = None,
    voice_factory: VoiceSessionFactory | None = None,
    email_sender: EmailSender | None = None,
    hub: LiveHub | None = None,
) -> Core:
    """Pick each service's implementation from the settings (embedded default without keys),
    or take the one given, and wire the call's life around them."""
    carrier = carrier or build_carrier(settings)
    hub = hub or LiveHub()
    live_calls = LiveCalls()
    after_call = AfterCall(
        [LeadFinalizer(settings=settings, hub=hub), AnnounceCompleted(), CarrierCost(carrier)]
    )
    life = CallLife(hub=hub, live_calls=live_calls, carrier=carrier, after_call=after_call)
    voice_factory = voice_factory or build_voice_factory(settings)
    dialer = OutboundDialer(settings=settings, carrier=carrier, life=life)
    return Core(
        settings=settings,
        carrier=carrier,
        voice_factory=voice_factory,
        email_sender=email_sender or build_email_sender(settings),
        hub=hub,
        live_calls=live_calls,
        life=life,
        dialer=dialer,
        connector=CallConnector(
            settings=settings,
            voice_factory=voice_factory,
            carrier=carrier,
            life=life,
            hub=hub,
            tools=default_tools(),
        ),
        campaign_dialer=CampaignDialer(settings=settings, outbound=dialer, hub=hub),
    )


def prepare_database(settings: Settings) -> None:
    """Migrate (unless AUTO_MIGRATE=false) and bootstrap the first admin and the API token."""
    if settings.auto_migrate:
        upgrade_to_head(settings.database_url)
    elif not is_at_head(settings.database_url):
        raise RuntimeError(
            "the database schema is not up to date and AUTO_MIGRATE=false: "
            "run `python -m callcenter migrate` first"
        )
    with session_scope() as session:
        password = accounts.bootstrap_admin(session=session, settings=settings)
        token = accounts.ensure_api_token(session=session, settings=settings)
    register_secret(password)  # generated secrets are shown once, never logged
    register_secret(token)
    print_start_banner(settings, password=password, token=token)


def _jobs(core: Core) -> dict[str, Job]:
    settings = core.settings

    async def outbox() -> None:
        await run_outbox_worker(core.email_sender, sender_address=settings.email_from)

    async def orphan_sweeper() -> None:
        await run_orphan_sweeper(core.life)

    async def recording_upkeep() -> None:
        await run_recording_upkeep(settings)

    return {
        "outbox": outbox,
        "orphan-sweeper": orphan_sweeper,
        "webhooks": run_webhook_worker,
        "recordings": recording_upkeep,
        "campaign-dialer": core.campaign_dialer.run,
    }


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    core: Core = app.state.core
    settings = core.settings
    await asyncio.to_thread(prepare_database, settings)
    tasks = start_workers(_jobs(core)) if settings.background_workers else []
    restore_sigterm = install_sigterm_drain(  # live calls say goodbye first
        core.live_calls,
        grace=settings.shutdown_grace_seconds,
        goodbye_grace=settings.shutdown_goodbye_seconds,
    )
    modes = settings.service_modes()
    log.info("core ready: %s", ", ".join(f"{k.lower()} {v}" for k, v in modes.items()))
    settle_the_heap()
    try:
        yield
    finally:
        restore_sigterm()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await core.carrier.aclose()  # the simulator ends the calls it still runs
        await core.connector.prepared.aclose()  # voice sessions whose stream never came
        await core.life.aclose()  # after-call work in flight finishes (bounded)
        await core.hub.close()
        log.info("stopped")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    detail = f"{field}: {first.get('msg', 'invalid')}" if field else first.get("msg", "invalid")
    return JSONResponse(
        {
            "detail": detail,
            "errors": errors
            and [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in errors],
        },
        status_code=422,
    )


async def _body_too_large(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=413)


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug answers 500 in the contract's error shape; the traceback goes to the log only."""
    return JSONResponse({"detail": "internal server error"}, status_code=500)


def create_api(settings: Settings | None = None, core: Core | None = None) -> FastAPI:
    """Build the core app; `uvicorn --factory callcenter.api:create_api` serves it alone."""
    settings = settings or (core.settings if core else get_settings())
    configure_logging(settings)
    favour_the_event_loop()
    core = core or build_core(settings)
    app = FastAPI(
        title="callcenter",
        lifespan=_lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    # What routes reach through their dependencies (rest/deps.py, telephony/deps.py).
    app.state.core = core
    app.state.settings = core.settings
    app.state.hub = core.hub
    app.state.carrier = core.carrier
    app.state.life = core.life
    app.state.dialer = core.dialer
    app.state.connector = core.connector
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(BodyTooLarge, _body_too_large)
    app.add_exception_handler(Exception, _unhandled_error)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(HttpMetricsMiddleware)
    # Routes are matched in order: the carrier's webhooks and media stream first, as they
    # are most of the requests (each router passed costs every request a regex match).
    carrier_facing = (webhooks, media_stream)
    routers = (health, auth, calls, leads, outbound, dnc, campaigns, recordings, metrics)
    for module in (*carrier_facing, *routers, webhook_endpoints, softphone):
        app.include_router(module.router)
    return app
