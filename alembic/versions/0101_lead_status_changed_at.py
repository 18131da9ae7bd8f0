"""leads.status_changed_at: when the lead's status last changed (the "since" on its page)

Revision ID: 0101_lead_status_changed_at
Revises: 0002_row_level_security
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.db.types

revision: str = "0101_lead_status_changed_at"
down_revision: str | None = "0002_row_level_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status_changed_at",
                callcenter.db.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    # Existing leads: the best known time is their creation (edits of other fields don't count).
    op.execute("UPDATE leads SET status_changed_at = created_at")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.alter_column(
            "status_changed_at",
            existing_type=callcenter.db.types.UTCDateTime(timezone=True),
            nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("status_changed_at")
