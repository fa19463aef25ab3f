"""telemetry_labelled leaves the migrations: it is generated from the telemetry contract

The readable view restated the fault-label precedence in SQL and, selecting t.*, had to be
dropped and recreated by hand whenever telemetry gained a column. It is now generated from
`machine/sample_schema.py` and (re)created after the migrations at every start
(`storage/labelled_view.py`, called by `storage/migrate.py`). This revision drops the view the
earlier revisions made and names `telemetry.run_id` like the contract does.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS telemetry_labelled")
    op.alter_column(
        "telemetry",
        "run_id",
        comment="runs.id",
        existing_type=sa.BigInteger(),
        existing_nullable=False,
    )


def downgrade() -> None:
    # The view stays the generated one: revisions 0001-0005 need no view of their own.
    op.alter_column(
        "telemetry",
        "run_id",
        comment=None,
        existing_comment="runs.id",
        existing_type=sa.BigInteger(),
        existing_nullable=False,
    )
