"""Liveness and readiness: is the process up, and can it reach what it depends on."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from callcenter.db.session import get_engine
from callcenter.rest.deps import ServicesDep

router = APIRouter(prefix="/api", tags=["health"])


def _database_state() -> str:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down"; the reason is reported
        return f"down: {type(exc).__name__}"
    return "ok"


def _redis_state(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # connection refused, timeout, auth: all mean "down"
        return f"down: {type(exc).__name__}"
    finally:
        client.close()
    return "ok"


@router.get("/health/live")
def live() -> dict[str, str]:
    """The process answers; says nothing about its dependencies."""
    return {"status": "ok"}


@router.get("/health")
def health(services: ServicesDep) -> JSONResponse:
    """Readiness: 200 when every dependency answers, else 503 naming what is down."""
    settings = services.settings
    checks: dict[str, Any] = {"database": _database_state()}
    if settings.redis_url:
        checks["redis"] = _redis_state(settings.redis_url)
    body: dict[str, Any] = {
        "status": "ok" if all(v == "ok" for v in checks.values()) else "degraded",
        **checks,
        "down": sorted(name for name, state in checks.items() if state != "ok"),
        "modes": settings.service_modes(),
    }
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)
