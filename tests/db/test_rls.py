"""Row-level security: after `migrate`, Supabase's Data API roles read and write nothing."""

from dataclasses import dataclass
from uuid import uuid4

import psycopg
import pytest
from sqlalchemy import text

from callcenter.accounts import service as accounts
from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import Role
from callcenter.db.rls import schema_tables, tables_without_row_level_security
from callcenter.db.session import get_engine, session_scope
from tests.db.test_migrations import EXPECTED_TABLES
from tests.support.servers import PostgresServer

pytestmark = pytest.mark.postgres


@dataclass
class AppDatabase:
    settings: Settings
    admin_dsn: str  # the superuser, on the same database


@pytest.fixture
def app_db(env: dict[str, str], pg_server: PostgresServer) -> AppDatabase:
    """A database owned by an ordinary login role, as on Supabase (the app's role owns its
    tables but is no superuser, so row-level security is not bypassed for it by rank)."""
    name = f"rls_{uuid4().hex[:10]}"
    pg_server.psql(f"CREATE ROLE {name} LOGIN")
    pg_server.psql(f'CREATE DATABASE "{name}" OWNER {name}')
    env["DATABASE_URL"] = f"postgresql+psycopg://{name}@127.0.0.1:{pg_server.port}/{name}"
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    dsn = pg_server.url(name).replace("postgresql+psycopg://", "postgresql://", 1)
    return AppDatabase(settings=settings, admin_dsn=dsn)


def test_every_table_has_row_level_security_after_migrate(app_db: AppDatabase) -> None:
    with get_engine().connect() as conn:
        assert EXPECTED_TABLES <= set(schema_tables(conn))
        assert tables_without_row_level_security(conn) == []


def test_a_data_api_role_granted_select_reads_no_rows_and_writes_none(app_db: AppDatabase) -> None:
    with session_scope() as session:
        accounts.create_user(
            session=session, email="m@example.com", password="pw-123456", role=Role.manager
        )
        accounts.sign_in(session=session, email="m@example.com", password="pw-123456", ttl_hours=1)
    anon = f"anon_{uuid4().hex[:8]}"
    with psycopg.connect(app_db.admin_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {anon} NOLOGIN")  # type: ignore[arg-type]
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {anon}")  # type: ignore[arg-type]
        conn.execute(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {anon}")  # type: ignore[arg-type]
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        owner_sees = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[arg-type, index]
        assert owner_sees["users"] == 1 and owner_sees["auth_sessions"] == 1
        assert owner_sees["alembic_version"] == 1
        conn.execute(f"SET ROLE {anon}")  # type: ignore[arg-type]
        anon_sees = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[arg-type, index]
        assert anon_sees == dict.fromkeys(tables, 0)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO app_settings (key, value, updated_at) VALUES ('k', 'v', now())"
            )
        conn.execute("RESET ROLE")
        assert conn.execute("SELECT count(*) FROM app_settings").fetchone() == (0,)


def test_the_app_role_still_reads_and_writes_its_own_tables(app_db: AppDatabase) -> None:
    with get_engine().begin() as conn:
        conn.execute(
            text("INSERT INTO app_settings (key, value, updated_at) VALUES ('k', 'v', now())")
        )
    with get_engine().connect() as conn:
        assert conn.execute(text("SELECT value FROM app_settings WHERE key = 'k'")).scalar() == "v"
