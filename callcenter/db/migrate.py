"""Apply the Alembic migrations that ship with the app, and check for drift."""

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import callcenter.db.campaign_models  # noqa: F401
import callcenter.db.models  # noqa: F401
from alembic import command
from callcenter.db.search_index import is_other_dialects, is_search_table, is_unmodelled_index
from callcenter.db.session import make_engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the database at `database_url` to the newest schema (idempotent)."""
    command.upgrade(alembic_config(database_url), "head")


def is_at_head(database_url: str) -> bool:
    """True when the database's Alembic revision is the newest one shipped."""
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    return current == head


def schema_diff(engine: Engine) -> list[object]:
    """What autogenerate would change: empty when the migrations match the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": include_name,
                "include_object": objects_of(conn.dialect.name),
            },
        )
        return list(compare_metadata(context, SQLModel.metadata))


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Leave the FTS5 search tables (not models) out of autogenerate."""
    return not (type_ == "table" and name is not None and is_search_table(name))


def objects_of(dialect: str) -> Callable[..., bool]:
    """An `include_object` that leaves out the models' indexes for other databases and the
    indexes only the migrations declare."""

    def include_object(
        obj: object, name: str | None, type_: str, reflected: bool, _to: object
    ) -> bool:
        if type_ != "index":
            return True
        if reflected:
            return not (name is not None and is_unmodelled_index(name))
        return not is_other_dialects(obj, dialect)

    return include_object
