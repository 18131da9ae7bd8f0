"""Migrations: `upgrade head` is idempotent and leaves no autogenerate diff, on both databases."""

import pytest
from sqlalchemy import inspect

from callcenter.db.migrate import schema_diff, upgrade_to_head
from callcenter.db.session import make_engine

EXPECTED_TABLES = {
    "calls",
    "call_status_events",
    "transcript_turns",
    "leads",
    "lead_notes",
    "outbox_messages",
    "users",
    "auth_sessions",
    "login_attempts",
    "do_not_call",
    "app_settings",
    "job_leases",
    "webhook_endpoints",
    "webhook_deliveries",
    "campaigns",
    "campaign_contacts",
    "campaign_attempts",
    "alembic_version",
}


def _check(url: str) -> None:
    upgrade_to_head(url)
    upgrade_to_head(url)  # a second run changes nothing
    engine = make_engine(url)
    try:
        assert EXPECTED_TABLES <= set(inspect(engine).get_table_names())
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_sqlite_upgrade_head_matches_models(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _check(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgres_upgrade_head_matches_models(pg_url: str) -> None:
    _check(pg_url)


def test_core_refuses_to_start_on_an_unmigrated_database_without_auto_migrate(
    env: dict[str, str],
) -> None:
    from fastapi.testclient import TestClient

    from callcenter.api import create_api
    from callcenter.config import get_settings

    env["AUTO_MIGRATE"] = "false"
    with pytest.raises(RuntimeError, match="python -m callcenter migrate"):
        with TestClient(create_api(get_settings())):
            pass
