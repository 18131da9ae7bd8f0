"""Engine and session factory for SQLite (WAL, foreign keys) and PostgreSQL (psycopg 3)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from callcenter.config import get_settings


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: WAL + FK + busy timeout on SQLite, a pool on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    url, pooled = pooler_url(url)
    connect_args: dict[str, Any] = {"connect_timeout": 5}
    if pooled:
        # A transaction pooler hands each transaction to any server connection, where
        # statements psycopg prepared on another one do not exist.
        connect_args["prepare_threshold"] = None
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def pooler_url(url: str) -> tuple[str, bool]:
    """The URL to connect to, and whether it goes through a transaction pooler (PgBouncer,
    Supabase's port 6543): `?pgbouncer=true` says so and is removed, port 6543 implies it."""
    parsed = make_url(url)
    flag = parsed.query.get("pgbouncer")
    values = flag if isinstance(flag, tuple) else (flag,) if flag is not None else ()
    pooled = parsed.port == 6543 or any(v.lower() in ("true", "1", "yes") for v in values)
    if flag is not None:
        parsed = parsed.difference_update_query(["pgbouncer"])
    return parsed.render_as_string(hide_password=False), pooled


_engines: dict[str, Engine] = {}


def get_engine() -> Engine:
    """The process-wide engine for `DATABASE_URL`."""
    url = get_settings().database_url
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url)
    return engine


def reset_engines() -> None:
    """Dispose every engine (tests, and after settings change)."""
    while _engines:
        _, engine = _engines.popitem()
        engine.dispose()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_db() -> Iterator[Session]:
    """FastAPI dependency: one session per request."""
    with session_scope() as session:
        yield session
