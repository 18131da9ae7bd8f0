"""Transaction poolers (Supabase port 6543, `?pgbouncer=true`): no prepared statements."""

import pytest
from sqlalchemy import text

from callcenter.db.session import make_engine, pooler_url


@pytest.mark.parametrize(
    ("url", "expected", "pooled"),
    [
        (
            "postgresql+psycopg://app:pw@db.example.com:6543/postgres",
            "postgresql+psycopg://app:pw@db.example.com:6543/postgres",
            True,
        ),
        (
            "postgresql+psycopg://app:pw@db.example.com:5432/postgres?pgbouncer=true&sslmode=require",
            "postgresql+psycopg://app:pw@db.example.com:5432/postgres?sslmode=require",
            True,
        ),
        (
            "postgresql+psycopg://app:pw@db.example.com:5432/postgres?pgbouncer=false",
            "postgresql+psycopg://app:pw@db.example.com:5432/postgres",
            False,
        ),
        (
            "postgresql+psycopg://app:pw@db.example.com:5432/postgres?sslmode=require",
            "postgresql+psycopg://app:pw@db.example.com:5432/postgres?sslmode=require",
            False,
        ),
    ],
)
def test_the_url_says_whether_a_transaction_pooler_is_in_the_way(
    url: str, expected: str, pooled: bool
) -> None:
    assert pooler_url(url) == (expected, pooled)


def _prepared_after_repeats(url: str) -> int:
    """Run one query often enough for psycopg to prepare it; count prepared statements."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for n in range(10):
                conn.execute(text("SELECT :n + 1"), {"n": n})
            return int(
                conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_through_a_pooler_url_nothing_is_prepared_on_the_server(pg_url: str) -> None:
    assert _prepared_after_repeats(pg_url) > 0  # the direct connection does prepare
    assert _prepared_after_repeats(pg_url + "?pgbouncer=true") == 0
