"""one trigram index on a lead's joined search fields; the calls in the list's order (PostgreSQL)

Revision ID: 0104_search_paths
Revises: 0103_call_carrier_cost

The lead search matches the fields joined into one text (`LEAD_TEXT_SQL`); a trigram GIN index
on that expression answers it instead of a scan of every lead. A btree on (started_at, id)
lets a searched calls page walk the calls newest first from the index alone and stop at the
page's last match. SQLite searches through its FTS5 tables and needs neither.
"""

from collections.abc import Sequence

from alembic import op
from callcenter.db.search_index import CALLS_BY_DATE_INDEX, LEAD_TEXT_INDEX, LEAD_TEXT_SQL

revision: str = "0104_search_paths"
down_revision: str | None = "0103_call_carrier_cost"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX {LEAD_TEXT_INDEX} ON leads USING gin (({LEAD_TEXT_SQL}) gin_trgm_ops)"
    )
    op.create_index(CALLS_BY_DATE_INDEX, "calls", ["started_at", "id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(CALLS_BY_DATE_INDEX, table_name="calls")
    op.drop_index(LEAD_TEXT_INDEX, table_name="leads")
