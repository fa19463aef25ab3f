"""machine_events without ref_event_id

The column was meant to link an acknowledge or reset to its alarm, but no writer ever set it
(every row held NULL); an alarm's events are found by `code` and `seq` order instead.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_column("machine_events", "ref_event_id")


def downgrade() -> None:
    op.add_column(
        "machine_events",
        sa.Column(
            "ref_event_id",
            sa.BigInteger(),
            nullable=True,
            comment="the alarm an ack/reset refers to",
        ),
    )
