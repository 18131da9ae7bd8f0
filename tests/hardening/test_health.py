"""Readiness names each dependency; liveness stays up while a dependency is down."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callcenter.api import create_api
from callcenter.config import get_settings
from callcenter.db import session as db_session
from callcenter.db.migrate import upgrade_to_head
from tests.support.servers import RedisServer, free_port


def _client(env: dict[str, str]) -> TestClient:
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    return TestClient(create_api(settings))


@pytest.mark.redis
def test_readiness_includes_redis_when_configured(env: dict[str, str], redis: RedisServer) -> None:
    env["REDIS_URL"] = redis.url
    with _client(env) as client:
        body = client.get("/api/health").json()
    assert (body["status"], body["database"], body["redis"], body["down"]) == ("ok", "ok", "ok", [])


def test_readiness_is_503_naming_redis_when_it_is_unreachable(env: dict[str, str]) -> None:
    env["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    with _client(env) as client:
        response = client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["redis"] and body["redis"].startswith("down: ")
    assert body["database"] == "ok"


def test_liveness_stays_ok_while_the_database_is_down(env: dict[str, str], tmp_path: Path) -> None:
    with _client(env) as client:
        url = get_settings().database_url
        db_session._engines[url] = db_session.make_engine(f"sqlite:///{tmp_path}/no/such/x.db")
        assert client.get("/api/health").status_code == 503
        assert client.get("/api/health").json()["down"] == ["database"]
        live = client.get("/api/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
