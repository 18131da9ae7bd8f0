"""Liveness and readiness: is the process up, and can it reach what it depends on."""

from typing import Literal

import redis
from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text

from callcenter.app_state import AppSettingsDep
from callcenter.db.session import get_engine

router = APIRouter(prefix="/api", tags=["health"])


def _database_state() -> str:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down"; the reason is reported
        return f"down: {type(exc).__name__}"
    return "ok"


def _redis_state(url: str) -> str:
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


class HealthOut(BaseModel):
    """Readiness: each dependency "ok" or "down: <why>", and the mode of each service."""

    status: Literal["ok", "degraded"]
    database: str
    redis: str | None = None
    down: list[str]
    modes: dict[str, str]


@router.get(
    "/health",
    response_model=HealthOut,
    response_model_exclude_none=True,
    responses={503: {"model": HealthOut, "description": "a dependency is down"}},
)
def health(settings: AppSettingsDep, response: Response) -> HealthOut:
    """Readiness: 200 when every dependency answers, else 503 naming what is down."""
    checks = {"database": _database_state()}
    if settings.redis_url:
        checks["redis"] = _redis_state(settings.redis_url)
    down = sorted(name for name, state in checks.items() if state != "ok")
    if down:
        response.status_code = 503
    return HealthOut(
        status="degraded" if down else "ok",
        down=down,
        modes=settings.service_modes(),
        **checks,
    )
