"""Shared fixtures: isolated settings + database, the core app, real PostgreSQL and Redis."""

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.session import reset_engines
from tests.support.servers import PostgresServer, RedisServer, postgres_server, redis_server

TEST_API_TOKEN = "test-api-token-0123456789"

# Variables a developer's shell or .env might set that would leak into tests.
_ISOLATED = [
    "DATABASE_URL",
    "PUBLIC_BASE_URL",
    "CARRIER",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_PHONE_NUMBER",
    "TWILIO_API_BASE_URL",
    "VOICE_ENGINE",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "RESEND_API_KEY",
    "RESEND_API_URL",
    "API_TOKEN",
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "REDIS_URL",
    "TEAM_NOTIFY_EMAILS",
    "EMAIL_FROM",
    "AGENT_INSTRUCTIONS",
    "TRANSFER_NUMBER",
    "ALLOWED_COUNTRIES",
    "CALLING_HOURS",
    "AUTO_MIGRATE",
    "BACKGROUND_WORKERS",
    "COMPANY_NAME",
    "LOCAL_ASR",
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A clean environment on a fresh SQLite file; set more keys, then call `get_settings()`."""
    for name in _ISOLATED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    values = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
        "API_TOKEN": TEST_API_TOKEN,
        "ADMIN_EMAIL": "admin@example.com",
        "ADMIN_PASSWORD": "admin-password-1",
        "BACKGROUND_WORKERS": "false",
        "CALLING_HOURS": "00:00-24:00",
    }

    class _Env(dict[str, str]):
        def __setitem__(self, key: str, value: str) -> None:
            super().__setitem__(key, value)
            monkeypatch.setenv(key, value)
            get_settings.cache_clear()
            reset_engines()

        def __delitem__(self, key: str) -> None:
            super().__delitem__(key)
            monkeypatch.delenv(key, raising=False)
            get_settings.cache_clear()
            reset_engines()

    out = _Env()
    for key, value in values.items():
        out[key] = value
    yield out
    get_settings.cache_clear()
    reset_engines()


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return get_settings()


@pytest.fixture
def migrated(settings: Settings) -> Settings:
    """Settings whose database is at head."""
    upgrade_to_head(settings.database_url)
    return settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, env: dict[str, str]) -> Settings:
    """Migrated settings, once on SQLite and once on a real PostgreSQL."""
    if request.param == "postgres":
        request.getfixturevalue("pg_env")
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    return settings


@pytest.fixture
def api(migrated: Settings) -> FastAPI:
    from callcenter.api import create_api

    return create_api(migrated)


@pytest.fixture
def client(api: FastAPI) -> Iterator[TestClient]:
    """The core app in-process, lifespan run, authorised with the API token."""
    with TestClient(api, headers={"Authorization": f"Bearer {TEST_API_TOKEN}"}) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole run (initdb on a temp dir, free port)."""
    with postgres_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return pg_server.create_database(f"t_{uuid4().hex[:12]}")


@pytest.fixture
def pg_env(env: dict[str, str], pg_url: str) -> dict[str, str]:
    """`env`, but on a fresh PostgreSQL database."""
    env["DATABASE_URL"] = pg_url
    return env


@pytest.fixture(scope="session")
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def pytest_report_header() -> str:
    return f"callcenter tests; CI={os.environ.get('CI', '')}"
