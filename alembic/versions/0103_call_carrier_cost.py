"""The carrier's price per call

Revision ID: 0103_call_carrier_cost
Revises: 0102_list_indexes
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0103_call_carrier_cost"
down_revision: str | None = "0102_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch_op:
        batch_op.add_column(sa.Column("carrier_cost_usd", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch_op:
        batch_op.drop_column("carrier_cost_usd")
