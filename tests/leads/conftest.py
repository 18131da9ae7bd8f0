"""Lead fixtures: the database on SQLite or on a real PostgreSQL."""

import pytest

from callcenter.config import Settings, get_settings
from callcenter.db.migrate import upgrade_to_head


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, env: dict[str, str]) -> Settings:
    """Migrated settings, once on SQLite and once on a real PostgreSQL."""
    if request.param == "postgres":
        request.getfixturevalue("pg_env")
    settings = get_settings()
    upgrade_to_head(settings.database_url)
    return settings
