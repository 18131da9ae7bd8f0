"""row-level security on every table (PostgreSQL; nothing on SQLite)

Revision ID: 0002_row_level_security
Revises: 0002_campaigns
Create Date: 2026-12-03 08:00:00

Every table that exists at this point, `alembic_version` included, gets row-level security
with no policy: Supabase's `anon` and `authenticated` roles read and write nothing through its
Data API. Later migrations call `enable_row_level_security` for the tables they create.
"""

from collections.abc import Sequence

from alembic import op
from callcenter.db.rls import (
    disable_row_level_security,
    enable_row_level_security,
    schema_tables,
)

revision: str = "0002_row_level_security"
down_revision: str | None = "0002_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    enable_row_level_security(bind, *schema_tables(bind))


def downgrade() -> None:
    bind = op.get_bind()
    disable_row_level_security(bind, *schema_tables(bind))
