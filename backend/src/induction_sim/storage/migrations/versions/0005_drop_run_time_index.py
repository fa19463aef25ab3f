"""telemetry without the (run_id, timestamp_sim) index

A run's rows are read by seq on the primary key (run_id, seq): sim time is start_sim + seq
seconds, so the second index on the busiest COPY table cost every insert and served no query.
The mandatory B-tree on timestamp_sim stays.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 00:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_telemetry_run_id_timestamp_sim", table_name="telemetry")


def downgrade() -> None:
    op.create_index(
        "ix_telemetry_run_id_timestamp_sim",
        "telemetry",
        ["run_id", "timestamp_sim"],
        unique=False,
        postgresql_with={"fillfactor": 100},
    )
