"""substring search indexes for the calls and leads lists (pg_trgm GIN; FTS5 trigram on SQLite)

Revision ID: 0102_list_indexes
Revises: 0101_lead_status_changed_at

The list searches (`ILIKE '%…%'` on transcript text, phone numbers, lead names and emails)
scanned every row. On PostgreSQL each searched column gets a trigram GIN index; on SQLite an
FTS5 trigram table per searched table, kept in step by triggers (see db/search_index.py).
"""

from collections.abc import Sequence

from alembic import op
from callcenter.db.search_index import (
    TRIGRAM_COLUMNS,
    create_sqlite_search,
    drop_sqlite_search,
    trigram_index_name,
)

revision: str = "0102_list_indexes"
down_revision: str | None = "0101_lead_status_changed_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in TRIGRAM_COLUMNS:
            op.create_index(
                trigram_index_name(table, column),
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
    create_sqlite_search(bind)


def downgrade() -> None:
    bind = op.get_bind()
    drop_sqlite_search(bind)
    if bind.dialect.name == "postgresql":
        for table, column in TRIGRAM_COLUMNS:
            op.drop_index(trigram_index_name(table, column), table_name=table)
