"""The core FastAPI application: webhooks, media stream, REST, metrics and background workers."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from callcenter.accounts import service as accounts
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import is_at_head, upgrade_to_head
from callcenter.db.session import session_scope
from callcenter.http_limits import BodySizeLimit
from callcenter.logs import configure_logging, register_secret
from callcenter.metrics import HttpMetricsMiddleware
from callcenter.services import Services, build_services
from callcenter.telephony.drain import install_sigterm_drain
from callcenter.workers import start_workers

log = logging.getLogger(__name__)


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
    if password:
        accounts.announce_once(f"Dashboard login {settings.admin_email} password", password)
    if token:
        accounts.announce_once("API token (Authorization: Bearer …)", token)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    services: Services = app.state.services
    await asyncio.to_thread(prepare_database, services.settings)
    tasks = start_workers(services) if services.settings.background_workers else []
    restore_sigterm = install_sigterm_drain(  # live calls say goodbye first
        services,
        grace=services.settings.shutdown_grace_seconds,
        goodbye_grace=services.settings.shutdown_goodbye_seconds,
    )
    log.info("core ready: %s", services.settings.service_modes())
    try:
        yield
    finally:
        restore_sigterm()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        close_carrier = getattr(services.carrier, "aclose", None)
        if close_carrier is not None:
            await close_carrier()  # ends the simulator's calls still running
        await services.hub.close()


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


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug answers 500 in the contract's error shape; the traceback goes to the log only."""
    return JSONResponse({"detail": "internal server error"}, status_code=500)


def create_api(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the core app; `uvicorn --factory callcenter.api:create_api` serves it alone."""
    settings = settings or get_settings()
    configure_logging(settings)
    from callcenter.rest import calls, dnc, health, leads, metrics, outbound
    from callcenter.telephony import media_stream, webhooks
    from callcenter.telephony.carriers import softphone

    app = FastAPI(
        title="callcenter",
        lifespan=_lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.services = services or build_services(settings)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unhandled_error)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(HttpMetricsMiddleware)
    for module in (health, calls, leads, outbound, dnc, metrics, webhooks, media_stream, softphone):
        app.include_router(module.router)
    return app
